// One of the Workers mode's share-nothing workers: its own single-thread wasm instance
// (dist/single-thread/, no atomics, no shared memory, so it runs on any page, isolated or
// not) and its own copy of the catalog. It scores the share of the candidates it is told
// to and answers with its own top K; the coordinating worker (worker.js, through
// workers.js) merges the shares. Started by workers.js as a nested worker of the worker
// that owns the page's wasm; terminated with it.
//
// Messages: { id, type: 'load', catalog: { tables }, module } (the built catalog's tables,
//   from the coordinating worker's Engine.tables(), transferred; and, on the first load,
//   the single-thread build's compiled WebAssembly.Module, which the coordinating worker
//   compiles once for all its share workers, as the pool's threads get the threaded one)
//   -> { id, ok, result: { count, loadMs, memoryBytes } };
// { id, type: 'score', target, iterations, top, worker, workers, split }
//   -> { id, ok, result: { items, scoreMs, rankMs, candidates, busyMs } };
// a failure -> { id, ok: false, error, fatal } (fatal: the instance trapped).

import init, { Engine } from '../single-thread/shop-recs.js';

let ready = null;
let engine = null;
let memory = null;

const handlers = {
  async load({ catalog, module }) {
    // The instance, from the module compiled once by the coordinating worker.
    ready ??= init({ module_or_path: module });
    ({ memory } = await ready);
    const t0 = performance.now();
    const next = Engine.fromTables(catalog.tables);
    engine?.free();
    engine = next;
    return { count: engine.count, loadMs: performance.now() - t0, memoryBytes: memory.buffer.byteLength };
  },

  async score({
    target, iterations, top, worker, workers, split,
  }) {
    if (!engine) throw new Error('this share worker has no catalog');
    const t0 = performance.now();
    const out = engine.recommendShare(target, iterations, top, worker, workers, split);
    return { ...out, busyMs: performance.now() - t0 };
  },
};

self.onmessage = async ({ data: { id, type, ...payload } }) => {
  try {
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown share-worker request ${type}`);
    self.postMessage({ id, ok: true, result: await handler(payload) });
  } catch (e) {
    self.postMessage({
      id, ok: false, fatal: e instanceof WebAssembly.RuntimeError, error: e instanceof Error ? e.message : String(e),
    });
  }
};
