// Where a catalog's bytes come from, for the page's worker: a URL fetched whole (its
// bytes are kept, see worker.js), a File read a chunk at a time with FileReaderSync, so
// that a 400 MB file is parsed as it is read and never sits in memory whole. No DOM.

import { fmtBytes } from './format.js';
import { MAX_CATALOG_BYTES } from './limits.js';

/** Bytes between two progress reports while a catalog is read. */
const REPORT_EVERY_BYTES = 8 * 1024 * 1024;

/** Why a catalog of `bytes` bytes was refused before it was read. */
export function tooLarge(bytes) {
  return `it is ${fmtBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes); catalogs are limited to ` +
    `${fmtBytes(MAX_CATALOG_BYTES)} (${MAX_CATALOG_BYTES.toLocaleString('en-US')} bytes), so it was not read`;
}

/** The body of `url` as bytes; a body the server says is over the limit is not read. */
export async function fetchCatalog(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`could not fetch ${url}: ${e.message} (is it reachable, and same-origin or CORS-enabled?)`);
  }
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  const length = Number(response.headers.get('Content-Length'));
  if (length > MAX_CATALOG_BYTES) {
    response.body?.cancel();
    throw new Error(`${url}: ${tooLarge(length)}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** The bytes of a catalog loaded from a URL (kept) or a file (read again). */
export async function sourceBytes(source) {
  return source.bytes ?? new Uint8Array(await source.file.arrayBuffer());
}

/**
 * `read(max)` for `Engine.fromReader`: the next chunk of `from` (a Uint8Array or a File)
 * as a Uint8Array of at most `max` bytes, empty at the end. `onRead({ done, total })`
 * is told every few megabytes.
 */
export function chunkReader(from, onRead) {
  const total = from instanceof Uint8Array ? from.length : from.size;
  const reader = from instanceof Uint8Array ? null : new FileReaderSync();
  let offset = 0;
  let reported = 0;
  return (max) => {
    const end = Math.min(offset + max, total);
    const chunk = reader
      ? new Uint8Array(reader.readAsArrayBuffer(from.slice(offset, end)))
      : from.subarray(offset, end);
    offset = end;
    if (offset - reported >= REPORT_EVERY_BYTES || (offset === total && reported < total)) {
      reported = offset;
      onRead({ done: offset, total });
    }
    return chunk;
  };
}
