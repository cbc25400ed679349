// The messages between the page (main.js) and the worker (worker.js), in one place.
//
// Every request is `{ id, type, payload }`, with `type` one of `Request`. The worker
// answers each request exactly once with `{ id, ok: true, result }` or
// `{ id, ok: false, error }`, where `error` is a one-line message for the user.
// Payloads and results are small plain objects; the catalog text is the only large one.

export const Request = Object.freeze({
  // { threads } -> { poolThreads, wasmInitMs, poolStartMs, nestedWorkers }
  INIT: 'init',
  // { text } | { url } -> { count, parseMs, firstId }
  LOAD_CATALOG: 'load-catalog',
  // { n, seed } -> { count, parseMs, firstId }
  GENERATE: 'generate',
  // { mode: 'serial' | 'parallel', product, iterations, top, runs }
  //   -> { mode, timesMs, phases: [{ scoreMs, rankMs }], items, candidates }
  RUN: 'run',
});
