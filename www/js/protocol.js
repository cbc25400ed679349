// The messages between the page (main.js) and the worker (worker.js), in one place.
//
// Every request is `{ id, type, payload }`, with `type` one of `Request`. The worker
// answers each request exactly once with `{ id, ok: true, result }` or
// `{ id, ok: false, error, fatal, code? }`, where `error` is a one-line message for the user and
// `fatal` is true when the wasm instance itself failed (a trap): the page then replaces
// the worker. `code` names the kind of failure where there is one: 'bad-catalog',
// 'no-catalog', 'unknown-product', 'out-of-memory' or 'crashed' (a trap), or a server
// error's (server-client.js). Before its answer a request may send any number of
// `{ id, progress: { done, total, mode } }` messages (RUN does, after each run).
// Payloads and results are small plain objects; a catalog travels as a URL or a File
// (a cheap handle: the worker reads it).

export const Request = Object.freeze({
  // {} -> { nestedWorkers }: whether this worker can start workers itself, which the
  //   pool's threads are (Safari 16 had wasm threads but no nested workers). Sent once,
  //   before the first INIT, so the page can pick the build. Loads no wasm.
  PROBE: 'probe',
  // { build, threads } -> { build, poolThreads, wasmInitMs, poolStartMs }
  //   build: 'threaded' (../shop-recs.js: atomics, shared memory, rayon pool) or
  //   'single-thread' (../single-thread/shop-recs.js: the same source without atomics,
  //   for pages that cannot run threads). The page picks; the worker never upgrades.
  //   threads 0 instantiates the wasm without a pool (poolThreads 0), as the
  //   single-thread build always must: only serial and JS runs are possible then.
  //   Also { panicChannel, testHooks }: the BroadcastChannel name every panic of the
  //   instance (any thread) posts its message to, and whether DEBUG_* are allowed.
  INIT: 'init',
  // { url } | { file } -> CatalogInfo
  //   url is absolute (same-origin or CORS-enabled); file is a File from an <input> or a drop.
  //   A file, or a body whose Content-Length is, over 1 GiB (MAX_CATALOG_BYTES) is refused
  //   before it is read. A file is parsed as it is read, a chunk at a time.
  //   Progress: { phase: 'parsing', done, total, unit: 'bytes' }, then { phase: 'preparing' }.
  LOAD_CATALOG: 'load-catalog',
  // { n, seed, skew } -> CatalogInfo   (skew: percentage of long products, 0 = uniform)
  //   Progress: { phase: 'generating' | 'indexing', done, total, unit: 'products' }, then
  //   { phase: 'preparing' }.
  GENERATE: 'generate',
  // { base } -> { available: true, base, info } | { available: false, reason }
  //   Whether the page's site serves the shop-recs API: GET {base}info, where base is
  //   the page's URL (server-client.js). info is the server's /info answer.
  SERVER_INFO: 'server-info',
  // { query, limit } -> { matches: [Product], total }
  //   Products whose lowercased name or identifier contains every word of the query:
  //   an exact identifier first, then names starting with the query, then catalog order;
  //   at most `limit` of them, and `total` matches in all.
  SEARCH: 'search',
  // { id } -> Product | null: the product with exactly this identifier.
  PRODUCT: 'product',
  // { modes: ['serial' | 'parallel' | 'js' | 'workers' | 'server', ...], product, iterations,
  //   top, runs, server?: { base, defaultSha, catalogId, maxUpload }, workers?: N, split?: 'interleaved' | 'blocks' | 'balanced' }
  //   -> { target: Product, candidates, results: { [mode]: ModeRun }, memoryBytes, serverCatalogId,
  //        skipped: { [mode]: reason }, workers?: WorkersInfo }
  //   A Compare whose Workers could not start, or whose Server cannot take the catalog
  //   (over its upload limit or its catalog memory), runs and compares the other modes,
  //   and names the reason in `skipped` (asked alone, the mode fails with it).
  //   One untimed warm-up per mode (none with `warmup: false`: the package's
  //   Recommender.recommend asks for one run), then `runs` rounds that run the modes in turn
  //   (interleaved, so a slow moment of the machine hurts each mode alike). With
  //   'server', the worker first makes the catalog known to the server: `catalogId` when
  //   an earlier run found it, else `default` (the same bytes as the server's own),
  //   `generated-{n}-{seed}`, or an upload, reported as `{ done, total, upload: { sent,
  //   total } }` progress; serverCatalogId is the id used, for the next run. With
  //   'workers', N share-nothing workers (workers.js) score a share each; they are started
  //   (and the catalog loaded into each) when there are none of N yet or the catalog
  //   changed, after a `{ done, total, step: 'workers', workers: N }` progress.
  RUN: 'run',
  // { product, iterations, top } -> Timeline (threaded build with a pool only)
  //   The pool at work: TIMELINE_ROUNDS rounds of a plain parallel run then an
  //   instrumented one (interleaved, each timed with performance.now()), then an untimed
  //   serial run whose ranking the last instrumented run's must equal. Progress
  //   `{ done, total, step }` after each.
  TIMELINE: 'timeline',
  // Test hooks, sent only when the page was opened with ?testhooks=1 (main.js) and
  // refused unless INIT had testHooks: true. Each makes the worker fail on purpose.
  // { message }: a Rust panic with this message on the worker's own thread.
  DEBUG_PANIC: 'debug-panic',
  // { message }: a Rust panic on a thread of the rayon pool; the worker then never answers.
  DEBUG_PANIC_IN_POOL: 'debug-panic-in-pool',
  // {}: allocate until the wasm memory cannot grow: an abort without a panic message.
  DEBUG_EXHAUST_MEMORY: 'debug-exhaust-memory',
  // { message }: answers, then throws `message` outside any request (an `error` event).
  DEBUG_CRASH: 'debug-crash',
});
// The worker may also send `{ crash: message }` at any time: it cannot go on (the host's
// Content-Security-Policy blocked what it needs); the page replaces it as after a crash.
// Besides answers and progress, the page listens on the panic channel: a panic on any
// thread posts its message there, which is how a panic on a pool thread (whose worker
// is left waiting forever) is noticed.

// CatalogInfo = { count, readMs, parseMs, exportMs, bytes, first: Product, memoryBytes,
//                 catalogMemory, loadThreads }
//   readMs: fetching a URL's body (0 for files, read as they are parsed, and generated
//   catalogs); parseMs: reading a file, parsing, validating and tokenizing (or
//   generating); exportMs: copying the token data out of wasm memory for the JS scorer;
//   bytes: the text's length (0 when generated); memoryBytes: the wasm memory's size
//   afterwards, as in RUN's result (`memory.buffer.byteLength`); catalogMemory: the
//   catalog's tables, bytes by part (Engine.memory(), the core's Catalog::memory);
//   loadThreads: the threads that built it (the pool's for a generated catalog or a
//   catalog of several pieces on the threaded build's pool, else 1).
// Product = { index, id, name, category }  (category is null when there is none)
// ModeRun = { timesMs: [ms], phases: [{ scoreMs, rankMs }], items: [Item], server? }
//   timesMs: performance.now() in the worker around each timed call (for 'server', around
//   the request and the reading of its JSON: the round trip); phases: the scorer's own
//   split into signatures and scoring (scoreMs) and sorting (rankMs), for 'server' the
//   server's own timing (its compute); server: { poolThreads, kernel } of the answer.
// A failed request's answer may carry `code`: 'server-unreachable' (the server did not
//   answer at all), 'busy' (503), 'too-large' (413), or the API's error code.
//   For 'workers' also perWorker: [[{ busyMs, candidates }] per worker] per timed run,
//   imbalance: [slowest busy ÷ mean] per timed run, split; its phases are the slowest
//   worker's scoring and its top K plus the merge.
// WorkersInfo = { count, startMs, firstStart, loadMs, memoryBytes, perWorkerBytes }: what
//   the last start or catalog load of the Workers mode's workers cost (memoryBytes: every
//   instance's memory.buffer.byteLength, added up).
// Item = { rank, index, id, name, category, score, text, attribute }
// Timeline = { threads, wallMs, busyMs, efficiency, candidates, items: [Item],
//   perThread: [{ thread, textCandidates, attributeCandidates, busyMs, idleMs, share }],
//   text, attribute: { thread: Int32Array, start: Float64Array, end: Float64Array }
//     (one entry per candidate in candidate order; times in ms since the run's start on
//     performance.timeOrigin + performance.now(), which all the pool's workers share;
//     thread -1: outside the pool),
//   plainMs: [ms], instrumentedMs: [ms], identical, difference }

/** Rounds of (plain parallel, instrumented parallel) in a TIMELINE request. */
export const TIMELINE_ROUNDS = 3;
