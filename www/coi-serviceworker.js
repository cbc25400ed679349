// Cross-origin isolation for hosts that cannot send headers (GitHub Pages and most static
// hosts): this service worker re-serves every same-origin GET response with
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
//   Cross-Origin-Resource-Policy: same-origin
// which is what scripts/static-server.mjs sends itself. A page is isolated only when the
// response that loaded it carried COOP and COEP, so the first visit (served before this
// worker existed) is not; js/isolate.js registers this worker, reloads once, and falls
// back to the single-thread build if that did not help.
//
// It must sit at the site's root (scripts/build.sh copies it to dist/) so that its scope, the
// folder it is served from, covers the page. It is a classic script: no imports.
//
// Our own rather than a library (the usual one is gzuidhof/coi-serviceworker, one MIT
// file): the part that matters is the fetch handler below, about thirty lines we can read
// in full, and tests/e2e/static-hosting.test.mjs checks it end to end. The library's page
// half registers and reloads on its own from a classic <script> and gives the page
// nothing to wait on, while main.js must not start the wasm before the decision and must
// show why isolation failed, which js/isolate.js does; its options (COEP credentialless,
// degrading on failure) are set through a global that another script must define first.
// With no bundler here, using it would mean copying a file out of node_modules into
// dist/ and reviewing it on every update, for less than we need.
'use strict';

// Take over at once. skipWaiting: a changed version of this file replaces the running
// one now, not after every tab of the site is closed. claim: pages already open (the one
// that registered us) are controlled now; the reload would be controlled without it.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Not returning a response lets the browser handle the request as if we were not here.
  // Only GETs are documents, scripts, wasm and catalogs; nothing else needs the headers.
  if (request.method !== 'GET') return;
  // Cross-origin responses are not ours to relabel: a cross-origin catalog must come with
  // CORS (or CORP) from its own server, as with real headers.
  if (new URL(request.url).origin !== self.location.origin) return;
  // A Chromium quirk: DevTools (and some extensions) send requests with cache
  // 'only-if-cached' and mode 'no-cors', which fetch() rejects with a TypeError
  // ("only-if-cached can be set only with same-origin mode"); leave them to the browser.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(withIsolationHeaders(request));
});

/** Fetches `request` and returns the response with the isolation headers added. */
async function withIsolationHeaders(request) {
  const response = await fetch(request);
  // Opaque responses (status 0), such as a navigation's redirect, which the browser
  // follows itself: their headers cannot be read or changed, so pass them on as they are.
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  // Same body (streamed, not copied), status and other headers.
  // A revalidated file comes back 304 Not Modified (the server answers conditional
  // requests), and a Response with a null-body status (101, 103, 204, 205, 304) may not
  // have a body: constructing one throws, and the page's request fails. WebKit sends such
  // requests through the worker when the page is reloaded.
  const nullBody = [101, 103, 204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
