// The worker: it owns the wasm instance, the rayon pool and the loaded catalog.
//
// It plays the part `spawn_blocking` plays on a server: the heavy work never runs on the
// page's UI thread. wasm-bindgen-rayon starts the pool's threads from here as nested
// workers sharing this instance's memory. Every timing is `performance.now()` taken in
// this worker. Messages are listed in protocol.js.

import init, { initThreadPool, poolThreads, Engine } from '../shop-recs.js';
import { Request } from './protocol.js';

/** The loaded catalog (a wasm `Engine`), or null before the first load. */
let engine = null;

const handlers = {
  async [Request.INIT]({ threads }) {
    const t0 = performance.now();
    await init();
    const t1 = performance.now();
    await initThreadPool(threads);
    const t2 = performance.now();
    return {
      poolThreads: poolThreads(),
      wasmInitMs: t1 - t0,
      poolStartMs: t2 - t1,
      nestedWorkers: typeof Worker === 'function',
    };
  },

  async [Request.LOAD_CATALOG]({ text, url }) {
    if (url !== undefined) text = await fetchCatalog(url);
    return replaceEngine(() => Engine.fromJson(text));
  },

  async [Request.GENERATE]({ n, seed }) {
    return replaceEngine(() => Engine.generate(n, seed));
  },

  async [Request.RUN]({ mode, product, iterations, top, runs }) {
    if (!engine) throw new Error('no catalog is loaded');
    const parallel = mode === 'parallel';
    // One untimed warm-up, then the timed runs.
    engine.recommend(product, iterations, top, parallel);
    const timesMs = [];
    const phases = [];
    let last;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      last = engine.recommend(product, iterations, top, parallel);
      timesMs.push(performance.now() - t0);
      phases.push({ scoreMs: last.scoreMs, rankMs: last.rankMs });
    }
    return { mode, timesMs, phases, items: last.items, candidates: last.candidates };
  },
};

async function fetchCatalog(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`could not fetch ${url}: ${e.message} (is it reachable, and same-origin or CORS-enabled?)`);
  }
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  return response.text();
}

/** Builds a new Engine with `make`, frees the old one, and reports the new catalog. */
function replaceEngine(make) {
  const t0 = performance.now();
  const next = make(); // throws with the core's message on a bad catalog
  const parseMs = performance.now() - t0;
  engine?.free();
  engine = next;
  return { count: engine.count, parseMs, firstId: engine.idAt(0) };
}

// Requests are handled one at a time, in order: each waits for the one before it.
let queue = Promise.resolve();
self.onmessage = ({ data: { id, type, payload } }) => {
  queue = queue.then(async () => {
    try {
      const handler = handlers[type];
      if (!handler) throw new Error(`unknown request type ${type}`);
      self.postMessage({ id, ok: true, result: await handler(payload) });
    } catch (e) {
      self.postMessage({ id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  });
};
