// The `shop-recs` package's public API: recommendations from a catalog, scored in the
// package's own worker on the backend that pays off here (choose.js), with the reasons.
//
//   const rec = await Recommender.create({ backend: 'auto', threads: 'auto' });
//   await rec.load(fileOrUrlOrProducts, { onProgress, signal });
//   const { items, backend, ms } = await rec.recommend('product-id', { top: 10 });
//   rec.explain(); rec.dispose();
//
// Nothing runs on the caller's thread beyond posting messages: the wasm, its pool and the
// Workers backend's workers live in one module worker (worker.js), driven through
// EngineSession (engine-session.js), the layer below, which this module exports too: the
// demo page uses it for its timings and tests (docs/package.md, "Timing and test hooks").
// Types: package/index.d.ts. No DOM here.

import { chooseBackend, chooseThreads, DEFAULT_MEMORY_BUDGET } from './choose.js';
import { detectThreadSupport } from './detect.js';
import { EngineSession } from './engine-session.js';

export { EngineSession, TIMELINE_ROUNDS, WorkerError } from './engine-session.js';

/**
 * A failure, with `code`: 'bad-catalog' (the message says where), 'no-catalog',
 * 'unknown-product', 'out-of-memory', 'crashed', 'cancelled', 'unavailable' (the worker
 * or the wasm could not start) or 'disposed'.
 */
export class RecommenderError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'RecommenderError';
    this.code = code;
  }
}

/** The worker's mode for each backend (protocol.js, RUN). */
const MODE = { pool: 'parallel', workers: 'workers', single: 'serial' };

/** `error` (a WorkerError, or anything thrown) as a RecommenderError. */
function asRecommenderError(error) {
  if (error instanceof RecommenderError) return error;
  if (error?.cancelled !== null && error?.cancelled !== undefined) return new RecommenderError('cancelled', 'cancelled');
  return new RecommenderError(error?.message ?? String(error), error?.code ?? (error?.fatal ? 'crashed' : 'unavailable'));
}

/** What `load` accepts, as EngineSession.load's source. */
function loadSource(source) {
  if (typeof Blob !== 'undefined' && source instanceof Blob) return { file: source };
  if (typeof source === 'string' || source instanceof URL) {
    return { url: new URL(source, globalThis.document?.baseURI ?? globalThis.location?.href).href };
  }
  if (Array.isArray(source)) {
    // The same parser and checks as a file's: the worker reads the JSON text.
    return { file: new Blob([JSON.stringify(source)], { type: 'application/json' }) };
  }
  if (source?.generate) {
    const { n, seed = 42, skew = 0 } = source.generate;
    return { generate: { n, seed, skew } };
  }
  throw new RecommenderError('load takes a File or Blob, a URL, an array of products or { generate: { n, seed } }', 'bad-catalog');
}

export class Recommender {
  #options;
  #support;
  #threads;
  #client = null;
  #backend = null;
  /** Why the thread count, then each change of backend, then why the current one. */
  #threadsReason = '';
  #changes = [];
  #reasons = [];
  #poolFailed = null;
  #catalogBytes = null;
  #source = null;
  #disposed = false;

  /** Use `Recommender.create`. */
  constructor(options, secret) {
    if (secret !== CREATE) throw new TypeError('use Recommender.create(options)');
    this.#options = options;
  }

  /**
   * Starts the worker (and the pool, when the pool is chosen).
   * options: { backend: 'auto' | 'pool' | 'workers' | 'single', threads: 'auto' | n,
   * memoryBudget: bytes the catalog's copies may take, signal }.
   */
  static async create({
    backend = 'auto', threads = 'auto', memoryBudget = DEFAULT_MEMORY_BUDGET, signal = null,
  } = {}) {
    const rec = new Recommender({ backend, threads, memoryBudget }, CREATE);
    const chosen = chooseThreads(threads, globalThis.navigator?.hardwareConcurrency ?? 1);
    rec.#threads = chosen.threads;
    rec.#threadsReason = chosen.reason;
    rec.#support = detectThreadSupport();
    await rec.#start(signal);
    return rec;
  }

  /** 'pool' | 'workers' | 'single': where the next `recommend` runs. */
  get backend() {
    return this.#backend;
  }

  /** Threads: the pool's size, or the Workers backend's workers. */
  get threads() {
    return this.#threads;
  }

  /** Why this backend, from what was detected and measured, one reason a line. */
  explain() {
    return [this.#threadsReason, ...this.#changes, ...this.#reasons].join('\n');
  }

  /**
   * Loads a catalog: a File or Blob, a URL (its body is fetched by the worker), an array
   * of products, or `{ generate: { n, seed, skew } }`. Resolves with `{ count, ms,
   * threads, bytes }` (the catalog's tables' bytes). `onProgress({ phase, done, total })`
   * follows a long load; aborting `signal` stops it.
   */
  async load(source, { onProgress = null, signal = null } = {}) {
    const from = loadSource(source);
    const info = await this.#call((session) => session.load(from, { onProgress, signal }), { signal, load: true });
    this.#source = source;
    this.#catalogBytes = info.catalogMemory.total;
    // The catalog's size is known now: N + 1 copies may no longer fit the budget.
    if (this.#backend === 'workers') this.#choose();
    return {
      count: info.count, ms: info.parseMs, threads: info.loadThreads, bytes: this.#catalogBytes,
    };
  }

  /**
   * The `top` products most similar to product `id`: `{ items: [{ id, name, category,
   * score, ... }], backend, ms }`, ms the scoring's own time in the worker.
   */
  async recommend(id, { top = 10, iterations = 1500, signal = null } = {}) {
    if (this.#source === null) throw new RecommenderError('no catalog is loaded: call load() first', 'no-catalog');
    const mode = MODE[this.#backend];
    const result = await this.#call((session) => session.run({
      modes: [mode], product: id, iterations, top, runs: 1, warmup: false, workers: this.#threads, split: 'balanced',
    }, { signal }), { signal });
    const run = result.results[mode];
    return { items: run.items, backend: this.#backend, ms: run.timesMs[0] };
  }

  /** Ends the worker, its pool and any Workers backend workers; later calls fail. */
  dispose() {
    this.#disposed = true;
    this.#client?.terminate('disposed');
    this.#client = null;
  }

  #choose() {
    const { backend, reasons } = chooseBackend({
      asked: this.#options.backend,
      support: this.#support,
      threads: this.#threads,
      catalogBytes: this.#catalogBytes,
      budget: this.#options.memoryBudget,
      poolFailed: this.#poolFailed,
    });
    if (backend !== this.#backend && this.#backend !== null) {
      this.#changes.push(`changed from ${this.#backend} to ${backend}, after: ${this.#reasons.join('; ')}`);
    }
    this.#backend = backend;
    this.#reasons = reasons;
  }

  /** A fresh worker for the chosen backend; a pool that fails to start falls back, said. */
  async #start(signal) {
    this.#client = new EngineSession();
    try {
      if (this.#support.nestedWorkers === null) {
        ({ nestedWorkers: this.#support.nestedWorkers } = await this.#client.probe({ signal }));
      }
      if (this.#backend === null || this.#backend === 'pool') this.#choose();
      const pool = this.#backend === 'pool';
      // The threaded build only where it can run: its memory is a SharedArrayBuffer.
      const threaded = this.#support.isolated && this.#support.sharedMemory && this.#support.wasmThreads;
      await this.#client.init({ build: threaded ? 'threaded' : 'single-thread', threads: pool ? this.#threads : 0 }, { signal });
    } catch (error) {
      this.#client.terminate('failed to start');
      if (this.#backend !== 'pool' || error?.cancelled) throw asRecommenderError(error);
      this.#poolFailed = `the pool failed to start: ${error.message}`;
      this.#choose();
      await this.#start(signal);
    }
  }

  /**
   * Makes one request of the session (`ask(session)`), starting a fresh one (and loading
   * the catalog into it again, unless `load` is the request) when an earlier call was
   * cancelled or the worker crashed.
   */
  async #call(ask, { signal = null, load = false } = {}) {
    if (this.#disposed) throw new RecommenderError('this Recommender was disposed', 'disposed');
    try {
      if (!this.#client?.alive) {
        await this.#start(signal);
        if (this.#source !== null && !load) await this.#client.load(loadSource(this.#source), { signal });
      }
      return await ask(this.#client);
    } catch (error) {
      throw asRecommenderError(error);
    }
  }
}

/** Only `create` makes a Recommender: it must start the worker before use. */
const CREATE = Symbol('create');
