// The Workers mode, on the coordinating worker's side (worker.js): N share-nothing
// workers (share-worker.js), each with its own single-thread wasm instance and its own
// copy of the catalog, score a share of the candidates each; their top Ks are merged
// (merge.js) into exactly the serial ranking. The alternative to the rayon pool that needs
// no SharedArrayBuffer and so no cross-origin isolation: it costs N instances, N copies
// of the catalog and N start-ups, and it cannot steal work when the shares are uneven.
//
// The workers start once, on the first Workers run, and are reused across runs; a new
// catalog is loaded into the same workers; a different N replaces them (worker.js). They
// are nested workers of the coordinating worker, so terminating it (Cancel, a crash)
// terminates them too.

import { imbalance, mergeRankings } from './merge.js';

/**
 * The single-thread build's module (dist/single-thread/), compiled as it arrives where the
 * host sends it as application/wasm (as the glue would), else from its bytes.
 */
export async function compileSingleThread() {
  const response = await fetch(new URL('../single-thread/shop-recs_bg.wasm', import.meta.url));
  if (!response.ok) throw new Error(`the single-thread module could not be fetched (HTTP ${response.status})`);
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('Content-Type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** One share worker: a request at a time, answered as a promise. */
class ShareWorker {
  constructor() {
    this.worker = new Worker(new URL('./share-worker.js', import.meta.url), { type: 'module' });
    this.nextId = 1;
    this.pending = new Map();
    this.worker.onmessage = ({ data }) => {
      const pending = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (!pending) return;
      if (data.ok) pending.resolve(data.result);
      else pending.reject(Object.assign(new Error(`Workers mode: ${data.error}`), { shareFatal: data.fatal }));
    };
    // A worker that cannot start (its script or module refused) fails what it was asked.
    this.worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error(`Workers mode: a share worker failed: ${event.message
        || 'it could not start: its script or wasm module could not be loaded (the page\'s host is unreachable, '
        + 'or the browser blocked it: WebKit does not serve a worker\'s own workers through the isolating service worker)'}`);
      // Remembered: a request made after the failure (the first load waits for the
      // compiled module) fails with it too, instead of waiting for an answer forever.
      this.failed = Object.assign(error, { shareFatal: true });
      for (const { reject } of this.pending.values()) reject(this.failed);
      this.pending.clear();
    };
  }

  call(type, payload, transfer = []) {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  terminate() {
    this.worker.terminate();
  }
}

/** N share workers holding one catalog; `stats` says what starting and loading them cost. */
class SharePool {
  constructor(count) {
    this.count = count;
    this.workers = Array.from({ length: count }, () => new ShareWorker());
    /** The catalog generation (worker.js) the workers hold, or -1. */
    this.generation = -1;
    /** `{ count, startMs, loadMs, memoryBytes, perWorkerBytes }` of the last load. */
    this.stats = null;
    this.started = false;
  }

  /**
   * Loads the catalog into every worker: `catalog()` gives `{ tables }`, the built
   * catalog's tables (Engine.tables()), a copy for each worker (N copies, the point of
   * the comparison), transferred to it, which it builds from without parsing, tokenizing
   * or sorting again. The first load includes the workers' start (their module and their
   * wasm instance, from `module`, a promise of the single-thread build compiled once, whose
   * compiling counts in the start too).
   */
  async load(catalog, module, generation) {
    const t0 = performance.now();
    if (!this.started) module = await module;
    const loads = await Promise.all(this.workers.map((worker) => {
      const copy = catalog();
      const buffers = Object.values(copy.tables).filter(ArrayBuffer.isView).map((view) => view.buffer);
      return worker.call('load', { catalog: copy, module: this.started ? undefined : module }, buffers);
    }));
    const ms = performance.now() - t0;
    this.generation = generation;
    const perWorkerBytes = loads.map((l) => l.memoryBytes);
    this.stats = {
      count: this.count,
      // Start-up (module and instance) and the N catalog loads, together as the user waits
      // for them; loadMs alone is the slowest worker's parse or generation.
      startMs: ms,
      firstStart: !this.started,
      loadMs: Math.max(...loads.map((l) => l.loadMs)),
      memoryBytes: perWorkerBytes.reduce((a, b) => a + b, 0),
      perWorkerBytes,
    };
    this.started = true;
    return this.stats;
  }

  /**
   * One Workers run: every worker scores its share (`split`: 'interleaved', 'blocks' or
   * 'balanced'), then the top Ks are merged with `idOrder`. Returns what the other runners
   * return (`items`, `scoreMs`: the slowest worker's scoring, `rankMs`: the slowest
   * worker's top K plus the merge, `candidates`) and `perWorker` (`busyMs` and
   * `candidates` of each), `imbalance` (slowest busy ÷ mean) and `timedMs`, the whole run
   * from the first post to the merged ranking.
   */
  async score({ target, iterations, top }, split, idOrder) {
    const t0 = performance.now();
    const outs = await Promise.all(this.workers.map((worker, k) => worker.call('score', {
      target, iterations, top, worker: k, workers: this.count, split,
    })));
    const t1 = performance.now();
    const items = mergeRankings(outs.map((o) => o.items), idOrder, top);
    const t2 = performance.now();
    const busyMs = outs.map((o) => o.busyMs);
    return {
      items,
      scoreMs: Math.max(...outs.map((o) => o.scoreMs)),
      rankMs: Math.max(...outs.map((o) => o.rankMs)) + (t2 - t1),
      candidates: outs.reduce((sum, o) => sum + o.candidates, 0),
      perWorker: outs.map((o) => ({ busyMs: o.busyMs, candidates: o.candidates })),
      imbalance: imbalance(busyMs),
      timedMs: t2 - t0,
    };
  }

  terminate() {
    for (const worker of this.workers) worker.terminate();
  }
}

/**
 * The Workers mode's workers of the moment, for the coordinating worker (worker.js):
 * started on demand, reused while N and the catalog stay, replaced otherwise, and gone
 * after a failure (the next run starts new ones).
 */
export class Shares {
  /**
   * `compile()` resolves with the single-thread build's WebAssembly.Module, asked once
   * and shared by every share worker (as the pool's threads share the threaded one).
   */
  constructor(compile) {
    this.pool = null;
    this.compile = compile;
    this.module = null;
  }

  /** What the last start or load cost (SharePool.stats), or null. */
  get stats() {
    return this.pool?.stats ?? null;
  }

  /**
   * Makes `count` workers hold catalog `generation`: the running ones when they are as
   * many (loading it only when it changed), else new ones. `catalog()` gives the
   * catalog to load, a copy a call (SharePool.load); `onStart` is called before a start
   * or a load.
   */
  async ready(count, generation, catalog, onStart) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`Workers mode needs a number of workers, got ${count}`);
    if (this.pool?.count !== count) {
      this.drop();
      this.pool = new SharePool(count);
    }
    if (this.pool.generation === generation) return;
    onStart();
    try {
      this.module ??= this.compile();
      await this.pool.load(catalog, this.module, generation);
    } catch (e) {
      this.drop();
      // A module that failed to compile (or to arrive) is asked again next time.
      this.module = null;
      throw e;
    }
  }

  /** One Workers run (SharePool.score); a worker that trapped takes the pool with it. */
  async score(query, split, idOrder) {
    try {
      return await this.pool.score(query, split, idOrder);
    } catch (e) {
      if (e.shareFatal) this.drop();
      throw e;
    }
  }

  drop() {
    this.pool?.terminate();
    this.pool = null;
  }
}
