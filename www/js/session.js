// The worker's life: starting it (and its pool), loading catalogs into it, choosing the
// target product, rebuilding it after a failure or a Cancel, and what those cost.
import { ProductChooser } from './chooser.js';
import { whyNoThreads, whyNoWorkers } from './detect.js';
import { renderEnv } from './env-panel.js';
import { fmtBytes, fmtMs, plural } from './format.js';
import { DEFAULT_CATALOG, GENERATE_SEED, MAX_CATALOG_BYTES, fmtInt } from './params.js';
import { clearResults } from './render-run.js';
import {
  $, SEARCH_LIMIT, TEST_HOOKS, isolation, page, runtime, support,
} from './state.js';
import {
  addNotice, cancellably, setMode, setState, setStatus, short, showError, syncUrl, task, updateControls,
} from './ui.js';
import { EngineSession, WorkerError } from './recommender.js';

/**
 * Records what the page knows of the API at its host (`runtime.server`) and shows it in
 * the environment panel and the controls. When Server mode is chosen but cannot run, a
 * notice says `why`, and the mode becomes Compare.
 */
export function settleServer(server, why) {
  runtime.server = server;
  if (!server.available && page.settings.mode === 'server') {
    addNotice('mode', `${why}; using compare, which runs the browser's modes.`);
    setMode('compare');
  }
  renderEnv();
  updateControls();
}

export function describeSource(source) {
  if (source.kind === 'generate') return `${fmtInt(source.n)} generated products${source.skew ? ` (skew ${source.skew}%)` : ''}`;
  if (source.kind === 'file') return source.file.name;
  return source.url === DEFAULT_CATALOG ? 'the bundled catalog' : source.url;
}

/** The source and, unless it already says it, its product count: "catalog.json (194 products)". */
function catalogLabel(source, count) {
  if (source.kind === 'generate') return describeSource(source);
  return `${describeSource(source)} (${fmtInt(count)} ${count === 1 ? 'product' : 'products'})`;
}

/**
 * Replaces the worker (and its pool) with a fresh one of `threads` threads; aborting
 * `signal` stops it starting.
 */
export async function startWorker(threads, signal = null) {
  page.client?.terminate('the worker was replaced');
  const client = new EngineSession((message) => {
    // A crash during a task fails that task's request, and the task recovers. A crash
    // while idle (no request to fail) is recovered from here, as its own task.
    if (client !== page.client || page.session.state !== 'idle' || page.catalog === null) return;
    task(() => recoverFrom(new WorkerError(message, { fatal: true }), 'The worker stopped'));
  });
  page.client = client;
  page.pool = null;
  if (support.nestedWorkers === null) {
    // Squoosh's last check, once per page: can a worker start workers?
    ({ nestedWorkers: support.nestedWorkers } = await client.probe({ signal }));
    runtime.noPoolReason = whyNoThreads(support, isolation.note);
    runtime.noWorkersReason = whyNoWorkers(support);
  }
  // Never the threaded build where it cannot run: its memory is a SharedArrayBuffer.
  const build = runtime.noPoolReason ? 'single-thread' : 'threaded';
  // The Workers mode's workers are nested in the worker: they go with it.
  page.workers = null;
  page.pool = await client.init({
    build, threads: runtime.noPoolReason ? 0 : threads, testHooks: TEST_HOOKS,
  }, { signal });
  page.memoryBytes = 0;
  renderEnv();
  return page.pool;
}

/** Loads `source` into `client`'s worker; aborting `signal` stops the load. */
export function loadInto(client, source, signal = null) {
  const from = source.kind === 'generate'
    ? { generate: { n: source.n, seed: GENERATE_SEED, skew: source.skew ?? 0 } }
    : source.kind === 'file'
      ? { file: source.file }
      : { url: new URL(source.url, document.baseURI).href };
  const loaded = client.load(from, { signal, onProgress: (update) => showLoadProgress(update, source) });
  return loaded.then((info) => {
    if (client === page.client) page.tables = { memory: info.catalogMemory, count: info.count };
    noteMemory(client, info.memoryBytes);
    return info;
  });
}

/** What each phase of a load is called while it runs. */
const LOAD_PHASES = {
  generating: 'Generating',
  indexing: 'Indexing the identifiers of',
  parsing: 'Reading and parsing',
  preparing: 'Copying the token data for the plain-JS scorer from',
};

/**
 * A load's progress, in the status line and the progress bar: the phase, how far it is,
 * and (for the status's data attributes) the raw figures.
 */
function showLoadProgress({ phase, done, total, unit }, source) {
  const bar = $('progress');
  bar.hidden = false;
  bar.max = total;
  bar.value = done;
  const status = $('status');
  Object.assign(status.dataset, { loadPhase: phase, loadDone: String(done), loadTotal: String(total) });
  const percent = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : '';
  const how = unit === 'bytes' ? `: ${fmtBytes(done)} of ${fmtBytes(total)}${percent}`
    : phase === 'generating' ? `: ${fmtInt(done)} of ${fmtInt(total)} products${percent}` : '';
  setStatus(`${LOAD_PHASES[phase] ?? phase} ${describeSource(source)}${how}… (Cancel stops it)`);
}

/** Shows what the Workers mode's workers cost (RUN's `workers`: start, load, memory). */
export function noteWorkers(stats) {
  page.workers = stats;
  renderEnv();
}

/** Shows the wasm memory's size after a result of `client`'s worker. */
export function noteMemory(client, bytes) {
  if (client !== page.client || bytes === undefined) return;
  page.memoryBytes = bytes;
  renderEnv();
}

/** How a catalog was built: "on the pool's 2 threads", or "on one thread" (serial). */
function onThreads(threads) {
  return threads > 1 ? `on the pool's ${threads} threads` : 'on one thread';
}

export function renderCatalog(info, source) {
  const count = $('catalog-count');
  count.dataset.value = String(info.count);
  count.textContent = `${fmtInt(info.count)} ${info.count === 1 ? 'product' : 'products'}`;
  const parts = [describeSource(source)];
  if (source.kind === 'generate') {
    parts.push(`generated in ${fmtMs(info.parseMs)} ms ${onThreads(info.loadThreads)} (seed ${GENERATE_SEED})`);
  } else if (source.kind === 'file') {
    // A file is parsed as it is read: one phase, not two.
    parts.push(`${fmtBytes(info.bytes)}`, `read and parsed in ${fmtMs(info.parseMs)} ms ${onThreads(info.loadThreads)}`);
  } else {
    parts.push(`${fmtBytes(info.bytes)}`, `fetched in ${fmtMs(info.readMs)} ms`, `parsed in ${fmtMs(info.parseMs)} ms ${onThreads(info.loadThreads)}`);
  }
  parts.push(`prepared for JS in ${fmtMs(info.exportMs)} ms`);
  $('catalog-detail').textContent = parts.join(' · ');
  $('catalog-detail').dataset.parseMs = String(info.parseMs);
  $('catalog-detail').dataset.exportMs = String(info.exportMs);
  $('catalog-detail').dataset.loadThreads = String(info.loadThreads);
  renderEnv();
}

/**
 * Makes `wantedId` the target when the loaded catalog has it, else the first product.
 * With `fromUrl`, a missing product is reported as an invalid parameter.
 */
export async function chooseProduct(wantedId, { fromUrl = false } = {}) {
  let product = null;
  if (wantedId) product = await page.client.product(wantedId);
  if (!product) {
    product = page.catalog.first;
    if (wantedId && fromUrl) {
      addNotice('product', `product "${wantedId}" is not in this catalog; using the first product, "${short(product.name)}" (${product.id}).`);
    }
  }
  setProduct(product);
}

export function setProduct(product) {
  page.product = product;
  chooser.setSelected(product);
  const current = $('product-current');
  current.dataset.id = product.id;
  current.textContent = `Selected: ${product.id}${product.category ? ` · ${product.category}` : ''}`;
  current.dir = 'auto';
  syncUrl();
}

/** Loads `source` as the new catalog; on failure the previous catalog stays loaded. */
export async function loadSource(source) {
  setState('loading');
  setStatus(`Loading ${describeSource(source)}…`);
  try {
    const info = await cancellably('loading', (signal) => loadInto(page.client, source, signal));
    page.catalog = info;
    page.source = source;
    renderCatalog(info, source);
    // The previous catalog's results go with it.
    clearResults(catalogLabel(source, info.count));
    await chooseProduct(page.product?.id);
    setState('ready');
    setStatus(`Loaded ${catalogLabel(source, info.count)}. Pick a product and press Run.`);
  } catch (e) {
    await recoverFrom(e, `Could not load ${describeSource(source)}`);
  }
}

/**
 * After a failed step: a stopped worker is rebuilt quietly; a failed wasm instance (or,
 * with `rebuild`, any failure) gets a fresh worker of the user's thread count with the
 * last good catalog reloaded; the error is shown last, in the error state, and the page
 * stays usable.
 */
export async function recoverFrom(error, what, { rebuild: mustRebuild = false } = {}) {
  if (error.stopped || error.fatal || mustRebuild) {
    let cost;
    try {
      cost = await rebuild(page.settings.threads);
    } catch (e) {
      showError(`${what}: ${error.message}. Restarting the worker failed too: ${e.message}`);
      return;
    }
    const restarted = `${describePool()} restarted in ${fmtMs(cost.restartMs)} ms` +
      (page.source ? ` and ${describeSource(page.source)} reloaded in ${fmtMs(cost.reloadMs)} ms` : '');
    if (error.stopped) {
      const status = $('status');
      if (error.cancelled) {
        // What Cancel costs: the run or load stops at once (the worker is terminated),
        // then the pool and the last catalog that loaded are rebuilt.
        const { at, what } = error.cancelled;
        const readyMs = performance.now() - at;
        Object.assign(status.dataset, {
          cancelled: what, cancelRestartMs: String(cost.restartMs), cancelReloadMs: String(cost.reloadMs), cancelReadyMs: String(readyMs),
        });
        const stopped = what === 'load' ? 'The load stopped at once, and the catalog before it is kept' : 'The run stopped at once';
        setStatus(`Cancelled. ${stopped}; the ${restarted}: ready ${fmtMs(readyMs)} ms after Cancel.`);
      } else {
        setStatus(`Stopped. The ${restarted}.`);
      }
      return;
    }
    showError(`${what}: ${error.message}. The ${restarted}: you can carry on.`);
    return;
  }
  showError(`${what}: ${error.message}`);
}

/** "pool of 2 threads" or "worker (no pool)", for messages. */
export function describePool() {
  const threads = page.pool?.poolThreads ?? 0;
  return threads > 0 ? `pool of ${plural(threads, 'thread')}` : 'worker (no pool)';
}

/** A fresh worker with `threads` threads, with the current catalog loaded again. */
export async function rebuild(threads) {
  const started = performance.now();
  setState('loading');
  setStatus(`Starting a pool of ${plural(threads, 'thread')}…`);
  const pool = await startWorker(threads);
  const restarted = performance.now();
  if (page.source) {
    setStatus(`Pool started in ${fmtMs(pool.poolStartMs)} ms; reloading ${describeSource(page.source)}…`);
    page.catalog = await loadInto(page.client, page.source);
    renderCatalog(page.catalog, page.source);
  }
  const reloaded = performance.now();
  setState('ready');
  setStatus(`Pool of ${plural(pool.poolThreads, 'thread')} started in ${fmtMs(pool.poolStartMs)} ms.`);
  // What it cost: a new worker with its wasm instance and pool, then the catalog again.
  return { restartMs: restarted - started, reloadMs: reloaded - restarted };
}

export function loadFile(file) {
  if (!file) return;
  if (file.size > MAX_CATALOG_BYTES) {
    // Refused before reading: the core would reject it anyway, after the copy.
    showError(`${file.name} is ${fmtBytes(file.size)} (${fmtInt(file.size)} bytes); catalogs are limited to ${fmtBytes(MAX_CATALOG_BYTES)} (${fmtInt(MAX_CATALOG_BYTES)} bytes), so it was not read. The previous catalog is still loaded.`);
    return;
  }
  task(() => loadSource({ kind: 'file', file }));
}

/** The product chooser: searches run in the worker; a pick becomes the target. */
const chooser = new ProductChooser({
  input: $('product-search'),
  list: $('product-options'),
  status: $('product-status'),
  search: (query) => page.client.search(query, SEARCH_LIMIT),
  onSelect: (product) => {
    setProduct(product);
    if (page.session.state === 'idle' && document.body.dataset.state !== 'error') setStatus(`Target: ${short(product.name)}. Press Run.`);
  },
});
