// What this browser can do, checked before the pool is used (as Squoosh does).

// The smallest module that needs wasm threads: one shared memory and one atomic load.
// WebAssembly.validate() accepts it only where shared-memory atomics are supported.
const THREADS_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, //             type section: one func () -> ()
  0x03, 0x02, 0x01, 0x00, //                         function section: func 0 has type 0
  0x05, 0x04, 0x01, 0x03, 0x01, 0x01, //             memory section: shared, min 1, max 1 page
  0x0a, 0x0b, 0x01, 0x09, 0x00, //                   code section: one body, no locals
  0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x1a, 0x0b, // i32.const 0; i32.atomic.load; drop; end
]);

/**
 * Returns which of the pool's requirements hold here:
 * - `isolated`: the page is cross-origin isolated (COOP + COEP), which SharedArrayBuffer needs;
 * - `sharedMemory`: SharedArrayBuffer exists;
 * - `wasmThreads`: the engine validates shared memories and atomics;
 * - `nestedWorkers`: null here. The pool's threads are workers started from our worker,
 *   which only a worker can check: the page sets it from the worker's PROBE answer
 *   (protocol.js) before it picks the build.
 * Call it after isolate.js's ensureIsolation(), which may make the page isolated.
 */
export function detectThreadSupport() {
  let wasmThreads = false;
  try {
    wasmThreads = WebAssembly.validate(THREADS_PROBE);
  } catch {
    wasmThreads = false;
  }
  return {
    isolated: self.crossOriginIsolated === true,
    sharedMemory: typeof SharedArrayBuffer === 'function',
    wasmThreads,
    nestedWorkers: null,
  };
}

/**
 * A one-line reason the pool cannot run here, or null when it can (or may: nested
 * workers not checked yet). `isolationNote` (isolate.js) says why the service worker
 * did not make the page isolated.
 */
export function whyNoThreads(support, isolationNote = null) {
  if (!support.isolated) {
    return 'the page is not cross-origin isolated (it needs the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp' +
      `${isolationNote ? `; ${isolationNote}` : ''})`;
  }
  if (!support.sharedMemory) return 'this browser has no SharedArrayBuffer';
  if (!support.wasmThreads) return 'this browser does not support WebAssembly threads';
  if (support.nestedWorkers === false) {
    return 'this browser cannot start workers from a worker (nested workers), and the pool\'s threads are such workers';
  }
  return null;
}

/**
 * A one-line reason the Workers mode cannot run here, or null when it can (or may:
 * nested workers not checked yet). It needs neither isolation nor SharedArrayBuffer:
 * only workers that the page's worker can start, each with its own wasm instance.
 */
export function whyNoWorkers(support) {
  if (support.nestedWorkers === false) {
    return 'this browser cannot start workers from a worker (nested workers), and the Workers mode\'s workers are such workers';
  }
  return null;
}
