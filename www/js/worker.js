// The worker: it owns the wasm instance, the rayon pool and the loaded catalog.
//
// It plays the part `spawn_blocking` plays on a server: the heavy work never runs on the
// page's UI thread. wasm-bindgen-rayon starts the pool's threads from here as nested
// workers sharing this instance's memory. The plain-JS scorer (scoring.js) runs here too,
// on this worker's own thread, over token data the Engine exports once per catalog.
// Every timing is `performance.now()` taken in this worker. Messages are listed in
// protocol.js.

import { MAX_CATALOG_BYTES } from './limits.js';
import { Request, TIMELINE_ROUNDS } from './protocol.js';
import { compareRankings } from './results.js';
import { recommendJs } from './scoring.js';
import {
  probeServer, recommendFrom, sha256Hex, upload,
} from './server-client.js';
import {
  chunkReader, fetchCatalog, sourceBytes, tooLarge,
} from './catalog-source.js';
import { compileSingleThread, Shares } from './workers.js';

/** The loaded catalog (a wasm `Engine`), or null before the first load. */
let engine = null;
/** What the JS scorer reads: `engine.tokenData()`, copied once per load. */
let tokenData = null;
/** Whether initThreadPool ran: without it, `parallel` must not be asked for. */
let hasPool = false;
/** The wasm module's JS glue, once INIT imported it; its `Engine` class below. */
let wasm = null;
let Engine = null;
/** The instance's WebAssembly.Memory: its size is reported with each result. */
let memory = null;
/** Whether the page enabled the test hooks (DEBUG_* requests) in INIT. */
let testHooks = false;
/**
 * What the loaded catalog was loaded from, to make it known to the server on the first
 * Server run and to load it into the Workers mode's workers: `{ url, bytes }`, `{ file }`
 * or `{ generate: { n, seed, skew } }`.
 */
let catalogSource = null;
/** Counts the catalogs loaded, so the Workers mode's workers know when theirs is stale. */
let catalogGeneration = 0;
/** The server's error codes for a catalog it cannot take: Compare skips Server then. */
const CANNOT_TAKE = new Set(['too-large', 'over_memory_budget']);
/** The Workers mode's share-nothing workers (workers.js), started on its first run. */
/** The single-thread build's compiled module, when this worker runs that build. */
let singleThreadModule = null;
// The Workers mode's share workers instantiate the single-thread build from one compiled
// module: this worker's own when it runs that build (a page that is not isolated, the
// mode's use), else compiled once for them.
const shares = new Shares(() => singleThreadModule ?? compileSingleThread());

// Two builds of the same source (scripts/build.sh), imported on demand because loading
// the threaded one's glue is harmless but instantiating it without cross-origin
// isolation is not (its memory is a SharedArrayBuffer). The page picks (protocol.js).
/**
 * The most each build's memory can grow to, in MiB: the threaded build's shared memory
 * declares 1 GiB (.cargo/config.toml, --max-memory), the single-thread build's memory
 * wasm32's 4 GiB.
 */
const MEMORY_LIMIT_MIB = { threaded: 1024, 'single-thread': 4096 };
/** The build INIT started: 'threaded' or 'single-thread'. */
let build = null;

const BUILDS = {
  threaded: '../shop-recs.js',
  'single-thread': '../single-thread/shop-recs.js',
};

const handlers = {
  async [Request.PROBE]() {
    // Squoosh's last check: the pool's threads are workers started from this worker.
    return { nestedWorkers: typeof Worker === 'function' };
  },

  async [Request.INIT]({
    build: asked, threads, panicChannel, testHooks: enableTestHooks,
  }) {
    if (wasm) throw new Error('the wasm module is already started in this worker');
    if (!Object.hasOwn(BUILDS, asked)) throw new Error(`unknown wasm build ${asked}`);
    build = asked;
    if (threads > 0 && build !== 'threaded') throw new Error('only the threaded build has a rayon pool');
    const t0 = performance.now();
    const module = await import(BUILDS[build]);
    // The glue's init resolves with the instance's exports, which include its memory. The
    // single-thread build is compiled here, so that the Workers mode can reuse it.
    if (build === 'single-thread') singleThreadModule = await compileSingleThread();
    ({ memory } = await module.default(singleThreadModule ? { module_or_path: singleThreadModule } : undefined));
    wasm = module;
    Engine = module.Engine;
    const t1 = performance.now();
    // Before the pool starts, so that its threads' panics reach the page too.
    if (panicChannel) wasm.setPanicChannel(panicChannel);
    testHooks = enableTestHooks === true;
    if (threads > 0) {
      await wasm.initThreadPool(threads);
      hasPool = true;
    }
    const t2 = performance.now();
    return {
      build,
      // Asked only once the pool exists: rayon would otherwise build its global pool
      // itself, and initThreadPool could no longer start ours.
      poolThreads: hasPool ? wasm.poolThreads() : 0,
      wasmInitMs: t1 - t0,
      poolStartMs: t2 - t1,
    };
  },

  async [Request.LOAD_CATALOG]({ url, file }, progress) {
    const t0 = performance.now();
    // A URL's body is fetched whole (and kept); a file is read a chunk at a time as the
    // core parses it. Either way the core gets bytes, so that a file that is not UTF-8
    // text gets its own message instead of a JSON error about U+FFFD.
    let from;
    if (url !== undefined) {
      from = await fetchCatalog(url);
    } else {
      // Checked here too, not only on the page: nothing over the limit is read.
      if (file.size > MAX_CATALOG_BYTES) throw new Error(tooLarge(file.size));
      from = file;
    }
    const readMs = url !== undefined ? performance.now() - t0 : 0;
    const total = url !== undefined ? from.length : file.size;
    const read = chunkReader(from, ({ done }) => progress({ phase: 'parsing', done, total, unit: 'bytes' }));
    // The core reads the bytes again only where its pieces on the pool cannot be used
    // (an unusual shape, or a problem the serial parser names) and to list every
    // product's problem when the first is a product's.
    const reopen = () => chunkReader(from, () => {});
    const info = replaceEngine(() => Engine.fromReader(read, reopen, total), { readMs, bytes: total }, progress);
    // A URL's bytes are kept (a file can be read again): the Workers mode's workers and an
    // upload to the server need them later, when the URL's host may be gone.
    catalogSource = url !== undefined ? { url, bytes: from } : { file };
    catalogGeneration++;
    return info;
  },

  async [Request.GENERATE]({ n, seed, skew = 0 }, progress) {
    const report = (done) => progress({ phase: done < n ? 'generating' : 'indexing', done, total: n, unit: 'products' });
    const info = replaceEngine(() => Engine.generate(n, seed, skew, report), { readMs: 0, bytes: 0 }, progress);
    catalogSource = { generate: { n, seed, skew } };
    catalogGeneration++;
    return info;
  },

  async [Request.SERVER_INFO]({ base }) {
    return probeServer(base);
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

  async [Request.RUN]({
    modes: asked, product: id, iterations, top, runs, server, workers, split, warmup = true,
  }, progress) {
    const index = requireProduct(id);
    let modes = asked;
    /** Modes of a Compare that could not run here, with why: `{ [mode]: reason }`. */
    const skipped = {};
    const total = modes.length * (runs + (warmup ? 1 : 0));
    let done = 0;
    const runners = {
      serial: () => engine.recommend(id, iterations, top, false),
      parallel: () => engine.recommend(id, iterations, top, true),
      js: () => labelled(recommendJs(tokenData, index, iterations, top)),
    };
    if (modes.includes('workers')) {
      try {
        // The workers get the catalog built: its tables, copied, not bytes to parse again.
        await shares.ready(workers, catalogGeneration, () => ({ tables: engine.tables() }), () => progress({
          done, total, step: 'workers', workers,
        }));
      } catch (e) {
        // Alone, the mode fails; in a Compare the others run and are compared without it.
        if (modes.length === 1) throw e;
        skipped.workers = e.message.replace(/^Workers mode: /, '');
        modes = modes.filter((mode) => mode !== 'workers');
      }
    }
    if (modes.includes('workers')) {
      runners.workers = () => shares.score({ target: id, iterations, top }, split, tokenData.idOrder);
    }
    let onServer = null;
    let serverWarm = false;
    if (modes.includes('server')) {
      if (!server?.base) throw new Error('Server mode needs the server, and the page found none');
      try {
        onServer = await serverRun(server, { product: id, iterations, top }, (upload) => progress({ done, total, upload }));
        runners.server = onServer.run;
        // In a Compare the server's warm-up comes first: a catalog it cannot take (over
        // its upload limit or its whole memory budget) skips Server, and the other
        // modes run and are compared without it.
        if (modes.length > 1) {
          await runners.server();
          serverWarm = true;
        }
      } catch (e) {
        if (modes.length === 1 || !CANNOT_TAKE.has(e.code)) throw e;
        skipped.server = e.message;
        modes = modes.filter((mode) => mode !== 'server');
        onServer = null;
      }
    }
    for (const mode of modes) {
      if (!runners[mode]) throw new Error(`unknown mode ${mode}`);
      if (mode === 'parallel' && !hasPool) throw new Error('the rayon pool is not running, so there is no parallel mode here');
    }
    // One untimed warm-up per mode: compiles and warms caches and the pool's threads (and
    // the connection to the server).
    for (const mode of warmup ? modes : []) {
      if (!(mode === 'server' && serverWarm)) await runners[mode]();
      progress({ done: ++done, total, mode });
    }
    const results = Object.fromEntries(modes.map((mode) => [mode, { timesMs: [], phases: [], items: [] }]));
    if (results.workers) Object.assign(results.workers, { perWorker: [], imbalance: [], split });
    let candidates = 0;
    for (let round = 0; round < runs; round++) {
      for (const mode of modes) {
        const t0 = performance.now();
        const called = runners[mode]();
        const ms = performance.now() - t0;
        // The asynchronous runners (the server's, the workers') time themselves: the
        // round trip, or the posts, the slowest worker and the merge.
        const out = called instanceof Promise ? await called : called;
        const result = results[mode];
        result.timesMs.push(out.timedMs ?? ms);
        result.phases.push({ scoreMs: out.scoreMs, rankMs: out.rankMs });
        result.items = out.items;
        if (out.server) result.server = out.server;
        if (out.perWorker) {
          result.perWorker.push(out.perWorker);
          result.imbalance.push(out.imbalance);
        }
        candidates = out.candidates;
        progress({ done: ++done, total, mode });
      }
    }
    return {
      target: product(index),
      candidates,
      results,
      memoryBytes: memoryBytes(),
      serverCatalogId: onServer?.catalogId(),
      skipped,
      ...(results.workers ? { workers: shares.stats } : {}),
    };
  },

  async [Request.TIMELINE]({ product: id, iterations, top }, progress) {
    requireProduct(id);
    if (!hasPool) throw new Error('the pool at work needs the rayon pool, which is not running here');
    const total = 2 * TIMELINE_ROUNDS + 1;
    let done = 0;
    // Plain and instrumented parallel runs, interleaved: the overhead is the ratio of
    // their medians. The last instrumented run is the one shown.
    const plainMs = [];
    const instrumentedMs = [];
    let timeline = null;
    for (let round = 0; round < TIMELINE_ROUNDS; round++) {
      let t0 = performance.now();
      engine.recommend(id, iterations, top, true);
      plainMs.push(performance.now() - t0);
      progress({ done: ++done, total, step: 'plain' });
      t0 = performance.now();
      timeline = engine.timeline(id, iterations, top);
      instrumentedMs.push(performance.now() - t0);
      progress({ done: ++done, total, step: 'instrumented' });
    }
    // The instrumented run's own ranking against the uninstrumented serial one.
    const serial = engine.recommend(id, iterations, top, false);
    progress({ done: ++done, total, step: 'serial' });
    const verdict = compareRankings({ serial, instrumented: timeline });
    return {
      ...timeline, plainMs, instrumentedMs, identical: verdict.identical, difference: verdict.difference,
    };
  },

  // Test hooks (protocol.js): refused unless INIT enabled them.
  async [Request.DEBUG_PANIC]({ message }) {
    requireTestHooks();
    wasm.debugPanic(message);
  },

  async [Request.DEBUG_PANIC_IN_POOL]({ message }) {
    requireTestHooks();
    if (!hasPool) throw new Error('the rayon pool is not running');
    wasm.debugPanicInPool(message);
  },

  async [Request.DEBUG_EXHAUST_MEMORY]() {
    requireTestHooks();
    wasm.debugExhaustMemory();
  },

  async [Request.DEBUG_CRASH]({ message }) {
    requireTestHooks();
    // Thrown outside any request, as an unexpected failure of this worker would be:
    // nothing catches it, so the page's Worker gets an `error` event.
    setTimeout(() => {
      throw new Error(message);
    });
  },
};

/**
 * Server mode for one RUN: makes the loaded catalog known to the server (once: its id
 * may come with the request, from an earlier run), and returns `{ run, catalogId }`:
 * `run()` asks for one ranking and resolves like the wasm runners, plus `roundTripMs`
 * and `server` (pool threads and kernel). A catalog the server evicted meanwhile is
 * uploaded again, and only the request after that is timed.
 */
async function serverRun({
  base, defaultSha, catalogId: known, maxUpload,
}, query, onUpload) {
  const source = catalogSource;
  const makeKnown = async () => {
    if (source.generate) {
      const { n, seed, skew } = source.generate;
      return `generated-${n}-${seed}${skew ? `-${skew}` : ''}`;
    }
    const bytes = await sourceBytes(source);
    // The server's own catalog (the bundled one, when it serves this page) needs no upload.
    if (defaultSha && defaultSha === await sha256Hex(bytes)) return 'default';
    onUpload({ sent: 0, total: bytes.length });
    return upload(base, bytes, onUpload, maxUpload);
  };
  let catalogId = known ?? await makeKnown();
  const run = async () => {
    let answer;
    try {
      answer = await recommendFrom(base, catalogId, query);
    } catch (e) {
      if (e.code !== 'unknown_catalog' || source.generate || catalogId === 'default') throw e;
      catalogId = await makeKnown(); // evicted: upload again, then time the request
      answer = await recommendFrom(base, catalogId, query);
    }
    const { body, roundTripMs } = answer;
    return {
      items: body.items,
      scoreMs: body.timing.scoring_ms,
      rankMs: body.timing.sorting_ms,
      candidates: body.candidates,
      timedMs: roundTripMs,
      server: { poolThreads: body.pool_threads, kernel: body.kernel },
    };
  };
  return { run, catalogId: () => catalogId };
}

function requireTestHooks() {
  if (!testHooks) throw new Error('test hooks are not enabled');
}

/** Current size of the instance's memory in bytes (it only grows). */
function memoryBytes() {
  return memory ? memory.buffer.byteLength : 0;
}

/** `error`, with the `code` the page's client and the package read (protocol.js). */
function coded(error, code) {
  error.code = code;
  return error;
}

function requireCatalog() {
  if (!engine) throw coded(new Error('no catalog is loaded'), 'no-catalog');
}

/** The catalog index of the product `id`; fails when there is no catalog or no such product. */
function requireProduct(id) {
  requireCatalog();
  const index = engine.indexOf(id);
  if (index === undefined) throw coded(new Error(`unknown product "${id}": no product has this identifier`), 'unknown-product');
  return index;
}

/** `{ index, id, name, category }` of the product at `index`, from the wasm catalog. */
function product(index) {
  return engine.product(index);
}

/** Adds the identifier, name and category to recommendJs's items, as the wasm has them. */
function labelled(out) {
  for (const item of out.items) {
    const { id, name, category } = engine.product(item.index);
    Object.assign(item, { id, name, category });
  }
  return out;
}

/**
 * Builds a new Engine with `make`, exports what the JS scorer needs, frees the old one,
 * and reports the new catalog: its size, the time of each phase, and what its tables
 * hold (`catalogMemory`, bytes by part). On an error the old catalog stays loaded.
 * `progress` is told when the export starts.
 */
function replaceEngine(make, { readMs, bytes }, progress) {
  const t0 = performance.now();
  let next;
  try {
    next = make(); // throws with the core's message on a bad catalog
  } catch (e) {
    throw e instanceof WebAssembly.RuntimeError ? e : coded(e, 'bad-catalog');
  }
  const t1 = performance.now();
  let nextTokens;
  try {
    progress({ phase: 'preparing', done: 0, total: next.count });
    nextTokens = next.tokenData();
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
  return {
    count: engine.count, readMs, parseMs: t1 - t0, exportMs: t2 - t1, bytes, first: product(0),
    loadThreads: engine.loadThreads,
    memoryBytes: memoryBytes(), catalogMemory: engine.memory(),
  };
}

/** Products whose name or identifier holds every word of `query` (the core's search). */
function search(query, limit) {
  return engine.search(query, limit);
}

/**
 * What to tell the user about a trap. A panic (built with panic = abort) ends in an
 * `unreachable` trap with no text, so its message is read from the instance, which kept
 * it. A trap without a panic is most often an allocation that failed: Rust aborts then,
 * printing nothing, once the memory cannot grow past its maximum (MEMORY_LIMIT_MIB).
 */
function trapMessage(error) {
  let panic;
  try {
    panic = wasm?.lastPanicMessage();
  } catch {
    panic = undefined; // the instance cannot even answer
  }
  if (panic) return `the wasm instance panicked: ${panic} (${error.message})`;
  const mib = (memoryBytes() / (1024 * 1024)).toFixed(0);
  return `the wasm instance aborted (${error.message}) without a panic message, as it does when it runs out of memory: ` +
    `its memory had grown to ${Number(mib).toLocaleString('en-US')} MiB, and this build's memory stops at ${MEMORY_LIMIT_MIB[build].toLocaleString('en-US')} MiB`;
}

// A Content-Security-Policy that blocks something here (the wasm compile, the pool's
// blob: workers) would otherwise leave a request waiting forever: the page treats it as
// a crash (protocol.js), with this message.
self.addEventListener('securitypolicyviolation', (e) => {
  const message = `the host's Content-Security-Policy blocked ${e.blockedURI || 'inline code'} in the worker ` +
    `(directive ${e.effectiveDirective}; the pool needs worker-src blob: and script-src 'wasm-unsafe-eval')`;
  console.error(message);
  self.postMessage({ crash: message });
});

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
      const message = fatal ? trapMessage(e) : e instanceof Error ? e.message : String(e);
      // A trap is a panic (it left its message) or, without one, memory that could not grow.
      const trap = message.startsWith('the wasm instance panicked') ? 'crashed' : 'out-of-memory';
      const code = fatal ? trap : e?.code;
      self.postMessage({
        id, ok: false, fatal, error: message, ...(code ? { code } : {}),
      });
    }
  });
};
