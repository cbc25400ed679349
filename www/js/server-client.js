// The worker's side of Server mode: finding out whether the page's site serves the
// shop-recs API (`GET info`), making the loaded catalog known to it (its id: `default`,
// `generated-{n}-{seed}`, or an upload's), and asking it for recommendations. Runs in
// the worker (worker.js): the page's main thread never waits on the network for a run.
// No DOM, no wasm. The API is the README's "The server".

import { fmtBytes } from './format.js';

/** A failure worth a code, which crosses to the page with the message (protocol.js). */
export class ServerError extends Error {
  /** `code`: 'server-unreachable' when the server did not answer at all. */
  constructor(message, code = 'server') {
    super(message);
    this.name = 'ServerError';
    this.code = code;
  }
}

/** The server's upload limit when its /info does not say (older servers): 64 MiB. */
const DEFAULT_MAX_UPLOAD = 64 * 1024 * 1024;

/**
 * `GET {base}info`: `{ available: true, base, info }` when the site serves the API, else
 * `{ available: false, reason }`. `base` is the page's own URL, so the API is looked for
 * where the page is served from (shop-recs serve serves both from its root).
 */
export async function probeServer(base) {
  const url = new URL('info', base);
  let response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    return { available: false, reason: `GET ${url.pathname} failed (${e.message}); the page's host is not reachable as an API` };
  }
  if (!response.ok) {
    return {
      available: false,
      reason: `GET ${url.pathname} answered HTTP ${response.status}: this page's host serves no shop-recs API (shop-recs serve does)`,
    };
  }
  let info;
  try {
    info = await response.json();
  } catch {
    info = null;
  }
  if (info?.name !== 'shop-recs' || !Number.isInteger(info.pool_threads)) {
    return { available: false, reason: `GET ${url.pathname} answered, but not as the shop-recs API does` };
  }
  return { available: true, base, info };
}

/** Reads an API error's JSON body, `{ error: { code, message } }`, if it is one. */
async function apiError(response) {
  try {
    const body = await response.json();
    return body?.error ?? null;
  } catch {
    return null;
  }
}

/**
 * The ServerError for a failed API answer, by status: `error` is its body's `{ code,
 * message }` when it has one; `what` names what failed ("uploading the catalog").
 */
function failureOf({
  status, statusText, error, retryAfter,
}, what) {
  const said = error?.message ?? statusText;
  switch (status) {
    case 503:
      return new ServerError(`${what} failed: the server is busy (HTTP 503): ${said}${retryAfter ? `; it asks to retry after ${retryAfter} s` : ''}`, 'busy');
    case 413:
      return new ServerError(`${what} failed: the server refused it as too large (HTTP 413): ${said}`, 'too-large');
    case 404:
      return new ServerError(`${what} failed: ${said} (HTTP 404)`, error?.code ?? 'not-found');
    default:
      return new ServerError(`${what} failed: HTTP ${status}: ${said}`, error?.code ?? 'server');
  }
}

/** The ServerError for a server that did not answer at all. */
function unreachable(origin, detail) {
  return new ServerError(`could not reach the server at ${origin} (${detail}); it may have stopped. The browser modes still work`,
    'server-unreachable');
}

/** `fetch`, with a network failure turned into a ServerError naming the server. */
async function reach(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {
    throw unreachable(new URL(url).origin, e.message);
  }
}

/**
 * POST {base}catalogs with `bytes`, reporting `onProgress({ sent, total })` as the body
 * goes out (XMLHttpRequest: fetch reports no upload progress). Resolves with the id. A
 * catalog over `limit` (the server's /info `max_upload_bytes`) is refused unsent.
 */
export function upload(base, bytes, onProgress, limit = DEFAULT_MAX_UPLOAD) {
  if (bytes.length > limit) {
    return Promise.reject(new ServerError(`the catalog is ${fmtBytes(bytes.length)}; the server takes uploads of up to ${fmtBytes(limit)} (${limit.toLocaleString('en-US')} bytes, shop-recs serve --max-upload)`, 'too-large'));
  }
  const url = new URL('catalogs', base);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.setRequestHeader('Content-Type', 'application/json');
    request.responseType = 'json';
    request.upload.onprogress = (e) => onProgress({ sent: e.loaded, total: e.total || bytes.length });
    request.onerror = () => reject(unreachable(url.origin, 'uploading the catalog'));
    request.onload = () => {
      const body = request.response;
      if (request.status === 200 || request.status === 201) {
        resolve(body.id);
        return;
      }
      reject(failureOf({
        status: request.status, statusText: request.statusText, error: body?.error, retryAfter: request.getResponseHeader('Retry-After'),
      }, 'uploading the catalog'));
    };
    request.send(bytes);
  });
}

/** SHA-256 of `bytes` in lowercase hex, or null where there is no SubtleCrypto (http: pages). */
export async function sha256Hex(bytes) {
  if (!globalThis.crypto?.subtle) return null;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One request for recommendations, timed: `performance.now()` around the request and the
 * reading of its JSON (the round trip as the page pays it). Rejects with a ServerError
 * whose code is the API's (`unknown_catalog` when the id is not stored).
 */
export async function recommendFrom(base, catalogId, { product, iterations, top }) {
  const path = `catalogs/${encodeURIComponent(catalogId)}/products/${encodeURIComponent(product)}/recommendations`;
  const url = new URL(`${path}?iterations=${iterations}&top=${top}&mode=parallel`, base);
  const t0 = performance.now();
  const response = await reach(url, { cache: 'no-store' });
  if (!response.ok) {
    throw failureOf({
      status: response.status, statusText: response.statusText, error: await apiError(response), retryAfter: response.headers.get('Retry-After'),
    }, 'asking the server for recommendations');
  }
  const body = await response.json();
  const roundTripMs = performance.now() - t0;
  return { body, roundTripMs };
}
