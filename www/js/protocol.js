// The messages between the page (main.js) and the worker (worker.js), in one place.
//
// Every request is `{ id, type, payload }`, with `type` one of `Request`. The worker
// answers each request exactly once with `{ id, ok: true, result }` or
// `{ id, ok: false, error, fatal }`, where `error` is a one-line message for the user and
// `fatal` is true when the wasm instance itself failed (a trap): the page then replaces
// the worker. Before its answer a request may send any number of
// `{ id, progress: { done, total, mode } }` messages (RUN does, after each run).
// Payloads and results are small plain objects; a catalog travels as a URL, a File
// (a cheap handle: the worker reads it) or text.

export const Request = Object.freeze({
  // { threads } -> { poolThreads, wasmInitMs, poolStartMs, nestedWorkers }
  //   threads 0 instantiates the wasm without a pool (poolThreads 0): the page is not
  //   cross-origin isolated, so only serial and JS runs are possible.
  INIT: 'init',
  // { url } | { file } | { text } -> CatalogInfo
  //   url is absolute (same-origin or CORS-enabled); file is a File from an <input> or a drop.
  LOAD_CATALOG: 'load-catalog',
  // { n, seed } -> CatalogInfo
  GENERATE: 'generate',
  // { query, limit } -> { matches: [Product], total }
  //   Products whose lowercased name or identifier contains every word of the query:
  //   an exact identifier first, then names starting with the query, then catalog order;
  //   at most `limit` of them, and `total` matches in all.
  SEARCH: 'search',
  // { id } -> Product | null: the product with exactly this identifier.
  PRODUCT: 'product',
  // { modes: ['serial' | 'parallel' | 'js', ...], product, iterations, top, runs }
  //   -> { target: Product, candidates, results: { [mode]: ModeRun } }
  //   One untimed warm-up per mode, then `runs` rounds that run the modes in turn
  //   (interleaved, so a slow moment of the machine hurts each mode alike).
  RUN: 'run',
});

// CatalogInfo = { count, readMs, parseMs, exportMs, bytes, first: Product }
//   readMs: fetching or reading the text (0 for generated catalogs); parseMs: parsing,
//   validating and tokenizing (or generating); exportMs: copying the token data and the
//   labels out of wasm memory for the JS scorer and the search; bytes: the text's length.
// Product = { index, id, name, category }  (category is null when there is none)
// ModeRun = { timesMs: [ms], phases: [{ scoreMs, rankMs }], items: [Item] }
//   timesMs: performance.now() in the worker around each timed call; phases: the
//   scorer's own split into signatures and scoring (scoreMs) and sorting (rankMs).
// Item = { rank, index, id, name, category, score, text, attribute }
