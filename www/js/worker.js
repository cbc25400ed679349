// The worker: it owns the wasm instance, the rayon pool and the loaded catalog.
//
// It plays the part `spawn_blocking` plays on a server: the heavy work never runs on the
// page's UI thread. wasm-bindgen-rayon starts the pool's threads from here as nested
// workers sharing this instance's memory. The plain-JS scorer (scoring.js) runs here too,
// on this worker's own thread, over token data the Engine exports once per catalog.
// Every timing is `performance.now()` taken in this worker. Messages are listed in
// protocol.js.

import init, { initThreadPool, poolThreads, Engine } from '../shop-recs.js';
import { Request } from './protocol.js';
import { recommendJs } from './scoring.js';

/** The loaded catalog (a wasm `Engine`), or null before the first load. */
let engine = null;
/** What the JS scorer reads: `engine.tokenData()`, copied once per load. */
let tokenData = null;
/** `{ ids, names, categories }` of the loaded catalog, for search and labelling. */
let labels = null;
/** Lowercased "name\nid" per product, built on the first search of a catalog. */
let searchKeys = null;
/** Whether initThreadPool ran: without it, `parallel` must not be asked for. */
let hasPool = false;

const handlers = {
  async [Request.INIT]({ threads }) {
    const t0 = performance.now();
    await init();
    const t1 = performance.now();
    if (threads > 0) {
      await initThreadPool(threads);
      hasPool = true;
    }
    const t2 = performance.now();
    return {
      // Asked only once the pool exists: rayon would otherwise build its global pool
      // itself, and initThreadPool could no longer start ours.
      poolThreads: hasPool ? poolThreads() : 0,
      wasmInitMs: t1 - t0,
      poolStartMs: t2 - t1,
      nestedWorkers: typeof Worker === 'function',
    };
  },

  async [Request.LOAD_CATALOG]({ text, url, file }) {
    const t0 = performance.now();
    if (url !== undefined) text = await fetchCatalog(url);
    else if (file !== undefined) text = await file.text();
    const readMs = performance.now() - t0;
    return replaceEngine(() => Engine.fromJson(text), { readMs, bytes: text.length });
  },

  async [Request.GENERATE]({ n, seed }) {
    return replaceEngine(() => Engine.generate(n, seed), { readMs: 0, bytes: 0 });
  },

  async [Request.SEARCH]({ query, limit }) {
    requireCatalog();
    return search(query, limit);
  },

  async [Request.PRODUCT]({ id }) {
    requireCatalog();
    const index = engine.indexOf(id);
    return index === undefined ? null : product(index);
  },

  async [Request.RUN]({ modes, product: id, iterations, top, runs }, progress) {
    requireCatalog();
    const index = engine.indexOf(id);
    if (index === undefined) throw new Error(`unknown product "${id}": no product has this identifier`);
    const runners = {
      serial: () => engine.recommend(id, iterations, top, false),
      parallel: () => engine.recommend(id, iterations, top, true),
      js: () => labelled(recommendJs(tokenData, index, iterations, top)),
    };
    for (const mode of modes) {
      if (!runners[mode]) throw new Error(`unknown mode ${mode}`);
      if (mode === 'parallel' && !hasPool) throw new Error('the rayon pool is not running, so there is no parallel mode here');
    }
    const total = modes.length * (runs + 1);
    let done = 0;
    // One untimed warm-up per mode: compiles and warms caches and the pool's threads.
    for (const mode of modes) {
      runners[mode]();
      progress({ done: ++done, total, mode });
    }
    const results = Object.fromEntries(modes.map((mode) => [mode, { timesMs: [], phases: [], items: [] }]));
    let candidates = 0;
    for (let round = 0; round < runs; round++) {
      for (const mode of modes) {
        const t0 = performance.now();
        const out = runners[mode]();
        const ms = performance.now() - t0;
        const result = results[mode];
        result.timesMs.push(ms);
        result.phases.push({ scoreMs: out.scoreMs, rankMs: out.rankMs });
        result.items = out.items;
        candidates = out.candidates;
        progress({ done: ++done, total, mode });
      }
    }
    return { target: product(index), candidates, results };
  },
};

function requireCatalog() {
  if (!engine) throw new Error('no catalog is loaded');
}

/** `{ index, id, name, category }` of the product at `index`. */
function product(index) {
  return { index, id: labels.ids[index], name: labels.names[index], category: labels.categories[index] };
}

/** Adds the identifier, name and category to recommendJs's items, as the wasm has them. */
function labelled(out) {
  for (const item of out.items) {
    item.id = labels.ids[item.index];
    item.name = labels.names[item.index];
    item.category = labels.categories[item.index];
  }
  return out;
}

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

/**
 * Builds a new Engine with `make`, exports what the JS scorer and the search need, frees
 * the old one, and reports the new catalog. On an error the old catalog stays loaded.
 */
function replaceEngine(make, { readMs, bytes }) {
  const t0 = performance.now();
  const next = make(); // throws with the core's message on a bad catalog
  const t1 = performance.now();
  let nextTokens;
  let nextLabels;
  try {
    nextTokens = next.tokenData();
    nextLabels = next.labels();
  } catch (e) {
    // After a trap the instance is unusable (and `next` still marked as borrowed, so
    // free() would throw and hide the trap); otherwise give the memory back.
    if (!(e instanceof WebAssembly.RuntimeError)) next.free();
    throw e;
  }
  const t2 = performance.now();
  engine?.free();
  engine = next;
  tokenData = nextTokens;
  labels = nextLabels;
  searchKeys = null;
  return { count: engine.count, readMs, parseMs: t1 - t0, exportMs: t2 - t1, bytes, first: product(0) };
}

function search(query, limit) {
  const { ids, names } = labels;
  if (!searchKeys) searchKeys = names.map((name, i) => `${name}\n${ids[i]}`.toLowerCase());
  const wanted = query.trim().toLowerCase();
  const terms = wanted.split(/\s+/).filter(Boolean);
  // Three buckets, each kept to `limit`: exact identifier, name prefix, any other match.
  const exact = [];
  const prefix = [];
  const other = [];
  let total = 0;
  for (let i = 0; i < searchKeys.length; i++) {
    const key = searchKeys[i];
    if (!terms.every((term) => key.includes(term))) continue;
    total++;
    const bucket = ids[i].toLowerCase() === wanted ? exact : key.startsWith(wanted) ? prefix : other;
    if (bucket.length < limit) bucket.push(i);
  }
  const matches = [...exact, ...prefix, ...other].slice(0, limit).map(product);
  return { matches, total };
}

// Requests are handled one at a time, in order: each waits for the one before it.
let queue = Promise.resolve();
self.onmessage = ({ data: { id, type, payload } }) => {
  queue = queue.then(async () => {
    try {
      const handler = handlers[type];
      if (!handler) throw new Error(`unknown request type ${type}`);
      const progress = (update) => self.postMessage({ id, progress: update });
      self.postMessage({ id, ok: true, result: await handler(payload, progress) });
    } catch (e) {
      // A trap (out of memory, a panic) leaves the instance unusable: say so, so the
      // page can start a fresh worker instead of sending more work here.
      const fatal = e instanceof WebAssembly.RuntimeError;
      let message = e instanceof Error ? e.message : String(e);
      if (fatal) {
        // Rust aborts (an `unreachable` trap, with nothing printed) when an allocation
        // fails, and the shared memory cannot grow past its maximum (1 GiB).
        const hint = type === Request.LOAD_CATALOG || type === Request.GENERATE
          ? '; most likely the catalog does not fit in the wasm memory (1 GiB at most)'
          : '';
        message = `the wasm instance failed (${message})${hint}`;
      }
      self.postMessage({ id, ok: false, fatal, error: message });
    }
  });
};
