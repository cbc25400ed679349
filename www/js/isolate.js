// Cross-origin isolation without header control: decided before anything starts the wasm.
//
// The rayon pool needs a cross-origin isolated page (SharedArrayBuffer), which needs the
// COOP and COEP headers on the page's own response. When the server sends them, there is
// nothing to do. When it cannot (GitHub Pages, most static hosts), ../coi-serviceworker.js
// adds them, but only to responses it serves: a page loaded before the service worker
// existed is not isolated, so it is reloaded once. If the page is still not isolated
// after that, the page falls back to the single-thread build and says why, and this tab
// does not reload for it again until it has been isolated: never a reload loop.
//
// index.html loads this module before main.js, and main.js awaits ensureIsolation()
// before its feature detection, so no wasm starts until the decision is made. While the
// one reload is under way, the promise never settles and main.js does nothing.

const SERVICE_WORKER = new URL('../coi-serviceworker.js', import.meta.url);
/**
 * Set in this tab's session storage just before our reload; cleared once a load is
 * isolated. While it is set, a load that is not isolated does not reload again.
 */
const RELOADED_KEY = 'shop-recs:coi-reloaded';
/** How long to wait for the service worker to activate before giving up on it. */
const ACTIVATE_TIMEOUT_MS = 10_000;

/**
 * How the page stands:
 * - `isolated`: `self.crossOriginIsolated`;
 * - `via`: 'headers' (the server's), 'service-worker' (ours), or null when not isolated;
 * - `note`: when not isolated, why the service worker could not help, in words.
 * @typedef {{ isolated: boolean, via: 'headers' | 'service-worker' | null, note: string | null }} Isolation
 */

let decision = null;

/**
 * Resolves to the page's {@link Isolation} once it is settled; never resolves when the
 * page is about to reload to become isolated. The decision is made once per page load.
 * @returns {Promise<Isolation>}
 */
export function ensureIsolation() {
  decision ??= decide().catch((e) => notIsolated(`deciding failed: ${e.message}`));
  return decision;
}

function notIsolated(note) {
  return { isolated: false, via: null, note };
}

/** Whether this tab already reloaded for isolation; null when storage is unusable. */
function reloadMark() {
  try {
    return sessionStorage.getItem(RELOADED_KEY) !== null;
  } catch {
    return null; // storage disabled: we could not tell a second reload from a first
  }
}

function setReloadMark(on) {
  try {
    if (on) sessionStorage.setItem(RELOADED_KEY, '1');
    else sessionStorage.removeItem(RELOADED_KEY);
    return true;
  } catch {
    return false;
  }
}

function ourController() {
  return navigator.serviceWorker?.controller?.scriptURL === SERVICE_WORKER.href;
}

async function decide() {
  const reloaded = reloadMark();
  if (self.crossOriginIsolated) {
    // Isolated (again): a later load that is not, after a hard reload that bypassed the
    // service worker, say, may reload once more.
    if (reloaded) setReloadMark(false);
    // A service worker registered on an earlier visit stays; with the server's headers
    // it only repeats them, so it is harmless.
    return { isolated: true, via: ourController() ? 'service-worker' : 'headers', note: null };
  }
  if (!('serviceWorker' in navigator)) {
    return notIsolated('this browser has no service workers, which could add them');
  }
  if (!self.isSecureContext) {
    return notIsolated('a service worker could add them, but only on https or localhost');
  }
  if (ourController()) {
    // Our worker served this page with the headers, and the browser still did not
    // isolate it: another reload would not change that.
    return notIsolated('the service worker that adds them is running, but the browser did not isolate the page');
  }
  if (reloaded) {
    return notIsolated('the service worker that adds them did not take over the page after one reload, so this tab does not try again');
  }
  if (reloaded === null) {
    return notIsolated('a service worker could add them, but without session storage the page cannot make sure it reloads only once');
  }

  let registration;
  try {
    registration = await navigator.serviceWorker.register(SERVICE_WORKER);
  } catch (e) {
    return notIsolated(`the service worker that adds them could not be registered: ${e.message}`);
  }
  if (!registration) {
    // Some automation (Playwright's serviceWorkers: 'block') resolves to nothing.
    return notIsolated('the service worker that adds them could not be registered');
  }
  const active = await Promise.race([
    navigator.serviceWorker.ready.then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), ACTIVATE_TIMEOUT_MS)),
  ]);
  if (!active) {
    return notIsolated(`the service worker that adds them did not start within ${ACTIVATE_TIMEOUT_MS / 1000} s`);
  }
  // The worker is active for this scope, so the reloaded page is served through it.
  if (!setReloadMark(true)) {
    return notIsolated('a service worker could add them, but without session storage the page cannot make sure it reloads only once');
  }
  location.reload();
  return new Promise(() => {});
}

// Start now: index.html loads this module first, so the registration (and the reload,
// when one is needed) begins while main.js and its imports are still loading.
ensureIsolation();
