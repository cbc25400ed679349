// The page's shared state: where it runs (isolation, thread support, why there is no
// pool), the settings it started with (from the URL), and the session (the worker, the
// catalog, the target, what is under way). The other modules read and update it; only
// session.js replaces the worker.
import { detectThreadSupport, whyNoThreads, whyNoWorkers } from './detect.js';
import { ensureIsolation } from './isolate.js';
import { readUrl } from './params.js';

export const $ = (id) => document.getElementById(id);
export const hw = navigator.hardwareConcurrency || 1;
// First, before detection and before any wasm starts: without the server's isolation
// headers, isolate.js registers a service worker that adds them and reloads the page
// once; on the page that is about to reload, this never returns.
export const isolation = await ensureIsolation();
export const support = detectThreadSupport();
export const runtime = {
  /**
   * Why the rayon pool cannot start here, or null. Settled by the first startWorker, which
   * adds the nested-worker check only a worker can make; the build follows from it.
   */
  noPoolReason: whyNoThreads(support, isolation.note),
  /** Why the Workers mode cannot run here, or null; settled with noPoolReason. */
  noWorkersReason: whyNoWorkers(support),
  /**
   * The shop-recs API at the page's site, as the worker's SERVER_INFO found it:
   * `{ available: true, base, info }` or `{ available: false, reason }`; null until asked.
   * A server that stops answering mid-session becomes unavailable, with the reason.
   */
  server: null,
};
/** Most matches the chooser shows at once. */
export const SEARCH_LIMIT = 20;
export const MODE_NAMES = {
  serial: 'Serial', parallel: 'Parallel', js: 'JavaScript', workers: 'Workers', server: 'Server',
};

export const initial = readUrl(location.search, hw);

export const page = {
  /** The EngineSession of the current worker (the package's layer below Recommender). */
  client: null,
  /** The current worker's INIT answer. */
  pool: null,
  /** CatalogInfo of the loaded catalog (protocol.js), or null. */
  catalog: null,
  /** What loaded it: { kind: 'url', url } | { kind: 'generate', n } | { kind: 'file', file }. */
  source: null,
  /** The target product, { index, id, name, category }. */
  product: null,
  /** mode, threads, iterations, runs, top: always valid. */
  settings: { ...initial.settings },
  /**
   * What the page is doing, the one state the controls are derived from (ui.js):
   * `idle`; `busy` (a task: a load, a run, Scaling, a thread change); `loading` and
   * `running` (the cancellable parts of a task: `abort`, their AbortController, is what
   * Cancel aborts, with `{ at, what }` as the reason); `failed` (the wasm could not start).
   */
  session: { state: 'idle', abort: null },
  /** The current wasm instance's memory size in bytes, from its last result. */
  memoryBytes: 0,
  /** The loaded catalog's tables in wasm: `{ memory: CatalogMemory, count }`, or null. */
  tables: null,
  /**
   * The Workers mode's workers, as the last Workers run found them: `{ count, startMs,
   * firstStart, loadMs, memoryBytes, perWorkerBytes }` (workers.js), or null.
   */
  workers: null,
};

/** `?testhooks=1`: the end-to-end tests may make the worker fail on purpose (main.js). */
export const TEST_HOOKS = new URLSearchParams(location.search).get('testhooks') === '1';
