// The package's layer below Recommender: one worker (worker.js) that owns the wasm, its
// rayon pool and the Workers mode's workers, driven request by request. Recommender is
// built on it; the demo page uses it directly, for what it does beyond recommending (it
// times every backend, shows the pool at work, searches the catalog). Everything here is
// documented in docs/package.md as the package's TIMING AND TEST HOOKS: use Recommender
// unless you measure backends yourself. No DOM here and no wasm.
//
//   const session = new EngineSession((message) => console.error(message));
//   const { nestedWorkers } = await session.probe();
//   const pool = await session.init({ build: 'threaded', threads: 4 });
//   const info = await session.load({ url }, { onProgress, signal });
//   const out = await session.run({ modes: ['serial', 'parallel'], product, iterations, top, runs });
//   session.terminate();
//
// Failures are WorkerErrors: `fatal` when the wasm instance can no longer be used (the
// session is then over), `stopped` when it was ended on purpose (`cancelled` carries the
// abort's reason), `code` where the worker names the kind (protocol.js).
import { Request } from './protocol.js';
import { WorkerClient, WorkerError } from './worker-client.js';

// TIMELINE's rounds, for a page that shows its progress.
export { TIMELINE_ROUNDS } from './protocol.js';
export { WorkerError };

export class EngineSession {
  #client;

  /**
   * Starts a fresh module worker. `onCrash(message)` is called if it dies outside a
   * request's answer (an `error` event, a panic on a pool thread); the session is over then.
   */
  constructor(onCrash = null) {
    this.#client = new WorkerClient(onCrash);
  }

  /** How many sessions' workers this page runs now (pool threads not counted). */
  static get live() {
    return WorkerClient.live;
  }

  /** False once the worker was terminated or crashed. */
  get alive() {
    return this.#client.alive;
  }

  /** Whether the worker can start workers itself (the pool's threads and the Workers mode need it). */
  probe({ signal = null } = {}) {
    return this.#client.call(Request.PROBE, {}, { signal });
  }

  /**
   * Instantiates `build` ('threaded' or 'single-thread') and, with `threads` > 0, starts a
   * rayon pool of that many threads: `{ build, poolThreads, wasmInitMs, poolStartMs }`.
   * `testHooks` lets `debug` run (the demo's `?testhooks=1`).
   */
  init({ build, threads = 0, testHooks = false }, { signal = null } = {}) {
    return this.#client.call(Request.INIT, {
      build, threads, panicChannel: this.#client.panicChannel, testHooks,
    }, { signal });
  }

  /**
   * Loads a catalog: `{ file }` (a File or Blob), `{ url }` (absolute) or `{ generate: { n,
   * seed, skew } }`. Resolves with the catalog's figures (protocol.js, CatalogInfo);
   * `onProgress` follows the phases; aborting `signal` ends the session.
   */
  load(source, { onProgress = null, signal = null } = {}) {
    const [type, payload] = source.generate
      ? [Request.GENERATE, { n: source.generate.n, seed: source.generate.seed, skew: source.generate.skew ?? 0 }]
      : [Request.LOAD_CATALOG, source.file ? { file: source.file } : { url: source.url }];
    return this.#client.call(type, payload, { onProgress, signal });
  }

  /** The product with exactly this identifier, or null. */
  product(id) {
    return this.#client.call(Request.PRODUCT, { id });
  }

  /** Products whose name or identifier contains every word of `query`: `{ matches, total }`. */
  search(query, limit) {
    return this.#client.call(Request.SEARCH, { query, limit });
  }

  /** TIMING HOOK: timed runs of each mode, interleaved run by run (protocol.js, RUN). */
  run(request, { onProgress = null, signal = null } = {}) {
    return this.#client.call(Request.RUN, request, { onProgress, signal });
  }

  /** TIMING HOOK: the pool at work, which thread scored each candidate and when (TIMELINE). */
  timeline(request, { onProgress = null, signal = null } = {}) {
    return this.#client.call(Request.TIMELINE, request, { onProgress, signal });
  }

  /** Whether the site at `base` serves the shop-recs API: `{ available, base, info }` or `{ available, reason }`. */
  serverInfo(base) {
    return this.#client.call(Request.SERVER_INFO, { base });
  }

  /**
   * TEST HOOK, refused unless `init` had `testHooks`: makes the worker fail on purpose.
   * `kind`: 'panic' and 'panic-in-pool' (a Rust panic with `message`), 'exhaust-memory'
   * (allocates until the wasm memory cannot grow) or 'crash' (an uncaught error outside
   * any request).
   */
  debug(kind, message = '') {
    const type = {
      panic: Request.DEBUG_PANIC,
      'panic-in-pool': Request.DEBUG_PANIC_IN_POOL,
      'exhaust-memory': Request.DEBUG_EXHAUST_MEMORY,
      crash: Request.DEBUG_CRASH,
    }[kind];
    if (!type) return Promise.reject(new TypeError(`unknown debug hook ${kind}`));
    return this.#client.call(type, { message });
  }

  /** Ends the worker, its pool and its workers at once; pending requests fail as stopped. */
  terminate(reason = 'the worker was stopped') {
    this.#client.terminate(reason);
  }
}
