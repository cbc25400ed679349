// The page. It only touches the DOM: the worker (worker.js) owns the wasm, the pool and
// the catalog, and every heavy step (reading and parsing a catalog, searching it,
// scoring) runs there. Catalog strings reach the DOM through textContent only.
//
// State hooks for tests and automation: document.body.dataset.state moves through
// loading, ready, running, done and error; the data-testid elements in index.html
// carry the figures (the README's "Test hooks" lists them).
import { drawBars, drawScaling } from './chart.js';
import { ProductChooser } from './chooser.js';
import { detectThreadSupport, whyNoThreads } from './detect.js';
import { ensureIsolation } from './isolate.js';
import {
  DEFAULT_CATALOG, GENERATE_SEED, LIMITS, MAX_CATALOG_BYTES, MODE_RUNS, MODE_LABELS,
  fmtInt, parseWholeNumber, readUrl, writeUrl,
} from './params.js';
import { Request } from './protocol.js';
import { fmtBytes, fmtMs, median, plural } from './format.js';
import { ATTRIBUTE_WEIGHT, TEXT_WEIGHT } from './limits.js';
import { compareRankings, summarize } from './results.js';
import { WorkerClient, WorkerError } from './worker-client.js';

const $ = (id) => document.getElementById(id);
const hw = navigator.hardwareConcurrency || 1;
// First, before detection and before any wasm starts: without the server's isolation
// headers, isolate.js registers a service worker that adds them and reloads the page
// once; on the page that is about to reload, this never returns.
const isolation = await ensureIsolation();
const support = detectThreadSupport();
/**
 * Why the rayon pool cannot start here, or null. Settled by the first startWorker, which
 * adds the nested-worker check only a worker can make; the build follows from it.
 */
let noPoolReason = whyNoThreads(support, isolation.note);
/** Most matches the chooser shows at once. */
const SEARCH_LIMIT = 20;
const MODE_NAMES = { serial: 'Serial', parallel: 'Parallel', js: 'JavaScript' };

const initial = readUrl(location.search, hw);

const page = {
  /** The WorkerClient of the current worker. */
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
  /** A task (load, run, scaling, thread change) is under way. */
  busy: false,
  running: false,
  /** A catalog is being loaded (read, parsed and prepared in the worker): Cancel stops it. */
  loading: false,
  wasmFailed: false,
  /** After Cancel, until the page is ready again: `{ at, what }`, with performance.now()
   *  at the click and what it stopped, 'run' or 'load'. */
  cancelled: null,
  /** The current wasm instance's memory size in bytes, from its last result. */
  memoryBytes: 0,
};

/** `?testhooks=1`: the end-to-end tests may make the worker fail on purpose (see the end). */
const TEST_HOOKS = new URLSearchParams(location.search).get('testhooks') === '1';

// ---------------------------------------------------------------------------------------
// Small DOM helpers.

/** `text` cut to `max` characters with an ellipsis: names may be 64 KiB long. */
function short(text, max = 120) {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

function node(tag, text = null, className = null) {
  const element = document.createElement(tag);
  if (text !== null) element.textContent = text;
  if (className) element.className = className;
  return element;
}

function setState(state) {
  document.body.dataset.state = state;
  // The first 'ready' ends the page's start-up; bench/run.mjs reads this mark's time.
  if (state === 'ready' && performance.getEntriesByName('shop-recs:ready').length === 0) {
    performance.mark('shop-recs:ready');
  }
  if (state !== 'error') $('error').hidden = true;
  updateControls();
}

function setStatus(text) {
  $('status').textContent = text;
}

function showError(message) {
  const error = $('error');
  error.textContent = message;
  error.hidden = false;
  setState('error');
  setStatus('Something went wrong; see the message below.');
}

/** Adds a notice about an invalid parameter or a fallback the page made. */
function addNotice(param, text) {
  const li = node('li', text);
  li.dataset.param = param;
  $('notices').append(li);
  $('notices').hidden = false;
}

function hasPool() {
  return (page.pool?.poolThreads ?? 0) > 0;
}

function updateControls() {
  const idle = !page.busy && !page.wasmFailed;
  const haveCatalog = idle && page.catalog !== null;
  for (const id of ['catalog-file', 'catalog-url', 'load-url', 'generate-n', 'generate', 'load-default']) {
    $(id).disabled = !idle;
  }
  for (const preset of document.querySelectorAll('.preset')) preset.disabled = !idle;
  $('run').disabled = !haveCatalog;
  $('scaling').disabled = !haveCatalog || !hasPool();
  $('threads').disabled = !idle || noPoolReason !== null;
  $('product-search').disabled = page.catalog === null || page.wasmFailed;
  for (const radio of document.querySelectorAll('input[name=mode]')) {
    radio.disabled = page.wasmFailed || (radio.value === 'parallel' && noPoolReason !== null);
  }
  $('cancel').hidden = !page.running && !page.loading;
  $('progress').hidden = !page.running;
}

/** Runs `work` as the one task under way; ignored (with a word) while another runs. */
async function task(work) {
  if (page.busy) {
    setStatus('Busy: wait for the current task to finish, or cancel it.');
    return;
  }
  page.busy = true;
  updateControls();
  try {
    await work();
  } finally {
    page.busy = false;
    page.running = false;
    updateControls();
  }
}

// ---------------------------------------------------------------------------------------
// The URL: written after every change, so the address bar is always a working link.

function syncUrl() {
  const state = { settings: page.settings, source: page.source, product: page.product?.id };
  history.replaceState(null, '', writeUrl(state));
  $('share-link').href = writeUrl(state, { autorun: true });
  $('share-link').title = page.source?.kind === 'file'
    ? 'A file cannot be linked to: this link opens the bundled catalog.'
    : 'Opens this page with these settings and runs at once.';
}

// ---------------------------------------------------------------------------------------
// The worker and the catalog.

function describeSource(source) {
  if (source.kind === 'generate') return `${fmtInt(source.n)} generated products`;
  if (source.kind === 'file') return source.file.name;
  return source.url === DEFAULT_CATALOG ? 'the bundled catalog' : source.url;
}

/** Replaces the worker (and its pool) with a fresh one of `threads` threads. */
async function startWorker(threads) {
  page.client?.terminate('the worker was replaced');
  const client = new WorkerClient((message) => {
    // A crash during a task fails that task's request, and the task recovers. A crash
    // while idle (no request to fail) is recovered from here, as its own task.
    if (client !== page.client || page.busy || page.catalog === null) return;
    task(() => recoverFrom(new WorkerError(message, { fatal: true }), 'The worker stopped'));
  });
  page.client = client;
  page.pool = null;
  if (support.nestedWorkers === null) {
    // Squoosh's last check, once per page: can a worker start workers?
    ({ nestedWorkers: support.nestedWorkers } = await client.call(Request.PROBE));
    noPoolReason = whyNoThreads(support, isolation.note);
  }
  // Never the threaded build where it cannot run: its memory is a SharedArrayBuffer.
  const build = noPoolReason ? 'single-thread' : 'threaded';
  page.pool = await client.call(Request.INIT, {
    build, threads: noPoolReason ? 0 : threads, panicChannel: client.panicChannel, testHooks: TEST_HOOKS,
  });
  page.memoryBytes = 0;
  renderEnv();
  return page.pool;
}

function loadInto(client, source) {
  const loaded = source.kind === 'generate'
    ? client.call(Request.GENERATE, { n: source.n, seed: GENERATE_SEED })
    : source.kind === 'file'
      ? client.call(Request.LOAD_CATALOG, { file: source.file })
      : client.call(Request.LOAD_CATALOG, { url: new URL(source.url, document.baseURI).href });
  return loaded.then((info) => {
    noteMemory(client, info.memoryBytes);
    return info;
  });
}

/** Shows the wasm memory's size after a result of `client`'s worker. */
function noteMemory(client, bytes) {
  if (client !== page.client || bytes === undefined) return;
  page.memoryBytes = bytes;
  renderEnv();
}

function renderCatalog(info, source) {
  const count = $('catalog-count');
  count.dataset.value = String(info.count);
  count.textContent = `${fmtInt(info.count)} ${info.count === 1 ? 'product' : 'products'}`;
  const parts = [describeSource(source)];
  if (source.kind === 'generate') {
    parts.push(`generated in ${fmtMs(info.parseMs)} ms (seed ${GENERATE_SEED})`);
  } else {
    parts.push(`${fmtBytes(info.bytes)}`, `read in ${fmtMs(info.readMs)} ms`, `parsed in ${fmtMs(info.parseMs)} ms`);
  }
  parts.push(`prepared for JS in ${fmtMs(info.exportMs)} ms`);
  $('catalog-detail').textContent = parts.join(' · ');
  $('catalog-detail').dataset.parseMs = String(info.parseMs);
}

/**
 * Makes `wantedId` the target when the loaded catalog has it, else the first product.
 * With `fromUrl`, a missing product is reported as an invalid parameter.
 */
async function chooseProduct(wantedId, { fromUrl = false } = {}) {
  let product = null;
  if (wantedId) product = await page.client.call(Request.PRODUCT, { id: wantedId });
  if (!product) {
    product = page.catalog.first;
    if (wantedId && fromUrl) {
      addNotice('product', `product "${wantedId}" is not in this catalog; using the first product, "${short(product.name)}" (${product.id}).`);
    }
  }
  setProduct(product);
}

function setProduct(product) {
  page.product = product;
  chooser.setSelected(product);
  const current = $('product-current');
  current.dataset.id = product.id;
  current.textContent = `Selected: ${product.id}${product.category ? ` · ${product.category}` : ''}`;
  current.dir = 'auto';
  syncUrl();
}

/** Awaits `load()`, a catalog load in the worker, with Cancel offered while it lasts. */
async function offeringCancel(load) {
  page.loading = true;
  updateControls();
  try {
    return await load();
  } finally {
    page.loading = false;
    updateControls();
  }
}

/** Loads `source` as the new catalog; on failure the previous catalog stays loaded. */
async function loadSource(source) {
  setState('loading');
  setStatus(`Loading ${describeSource(source)}…`);
  try {
    const info = await offeringCancel(() => loadInto(page.client, source));
    page.catalog = info;
    page.source = source;
    renderCatalog(info, source);
    await chooseProduct(page.product?.id);
    setState('ready');
    setStatus(`Loaded ${describeSource(source)}: ${fmtInt(info.count)} products. Pick a product and press Run.`);
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
async function recoverFrom(error, what, { rebuild: mustRebuild = false } = {}) {
  if (error.stopped || error.fatal || mustRebuild) {
    let cost;
    try {
      cost = await rebuild(page.settings.threads);
    } catch (e) {
      page.cancelled = null;
      showError(`${what}: ${error.message}. Restarting the worker failed too: ${e.message}`);
      return;
    }
    const restarted = `${describePool()} restarted in ${fmtMs(cost.restartMs)} ms` +
      (page.source ? ` and ${describeSource(page.source)} reloaded in ${fmtMs(cost.reloadMs)} ms` : '');
    if (error.stopped) {
      const status = $('status');
      if (page.cancelled !== null) {
        // What Cancel costs: the run or load stops at once (the worker is terminated),
        // then the pool and the last catalog that loaded are rebuilt.
        const { at, what } = page.cancelled;
        const readyMs = performance.now() - at;
        page.cancelled = null;
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
function describePool() {
  const threads = page.pool?.poolThreads ?? 0;
  return threads > 0 ? `pool of ${plural(threads, 'thread')}` : 'worker (no pool)';
}

/** A fresh worker with `threads` threads, with the current catalog loaded again. */
async function rebuild(threads) {
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

function loadFile(file) {
  if (!file) return;
  if (file.size > MAX_CATALOG_BYTES) {
    // Refused before reading: the core would reject it anyway, after the copy.
    showError(`${file.name} is ${fmtBytes(file.size)} (${fmtInt(file.size)} bytes); catalogs are limited to 64 MiB (${fmtInt(MAX_CATALOG_BYTES)} bytes), so it was not read. The previous catalog is still loaded.`);
    return;
  }
  task(() => loadSource({ kind: 'file', file }));
}

// ---------------------------------------------------------------------------------------
// Responsiveness: long tasks on this thread during a run, and how late a timer fires.

const responsiveness = {
  supported: typeof PerformanceObserver === 'function' &&
    (PerformanceObserver.supportedEntryTypes ?? []).includes('longtask'),
  start: Infinity,
  end: Infinity,
  longestMs: 0,
  lagMs: 0,
  timer: 0,
  begin() {
    Object.assign(this, { start: performance.now(), end: Infinity, longestMs: 0, lagMs: 0 });
    // A 25 ms heartbeat: how late it fires is how long an input could have waited.
    let expected = performance.now() + 25;
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lagMs = Math.max(this.lagMs, now - expected);
      expected = now + 25;
    }, 25);
    this.render();
  },
  finish() {
    this.end = performance.now();
    clearInterval(this.timer);
    this.render();
  },
  observe(entries) {
    for (const entry of entries) {
      // Tasks that overlap the run, including the one that started it.
      if (entry.startTime + entry.duration >= this.start && entry.startTime <= this.end) {
        this.longestMs = Math.max(this.longestMs, entry.duration);
      }
    }
    this.render();
  },
  render() {
    const card = $('longest-task');
    card.dataset.ms = String(Math.round(this.longestMs));
    card.dataset.lagMs = String(Math.round(this.lagMs));
    card.dataset.supported = String(this.supported);
    const value = $('longest-task-value');
    const note = $('longest-task-note');
    if (this.start === Infinity) return;
    card.classList.add('measured');
    if (!this.supported) {
      value.textContent = `timer lag ${Math.round(this.lagMs)} ms`;
      note.textContent = 'this browser does not report long tasks; the heartbeat timer\'s worst delay is shown';
      return;
    }
    const longest = Math.round(this.longestMs);
    card.classList.toggle('bad', longest > 50);
    value.textContent = longest === 0 ? 'yes' : longest > 50 ? 'no' : 'yes';
    note.textContent = longest === 0
      ? `longest main-thread task 0 ms (none over 50 ms); timer lag ≤ ${Math.round(this.lagMs)} ms`
      : `longest main-thread task ${longest} ms; timer lag ≤ ${Math.round(this.lagMs)} ms`;
  },
};

if (responsiveness.supported) {
  new PerformanceObserver((list) => responsiveness.observe(list.getEntries())).observe({ type: 'longtask' });
}

// ---------------------------------------------------------------------------------------
// Runs.

/** Reads and checks the three number fields; returns false (and focuses one) if any is invalid. */
function checkFields() {
  let firstBad = null;
  for (const name of ['iterations', 'runs', 'top']) {
    if (!checkField(name) && !firstBad) firstBad = $(name);
  }
  if (firstBad) {
    firstBad.focus();
    setStatus(`Fix ${firstBad.id} first: see the message under it.`);
    return false;
  }
  return true;
}

/** Validates one number field, shows or clears its message, and stores a valid value. */
function checkField(name) {
  const input = $(name);
  const error = $(`${name}-error`);
  const { value, error: problem } = input.validity.badInput
    ? { error: `${name} must be a whole number from ${fmtInt(LIMITS[name].min)} to ${fmtInt(LIMITS[name].max)}; got text that is not a number` }
    : parseWholeNumber(name, input.value, LIMITS[name]);
  if (problem) {
    error.textContent = `${problem}. Runs keep using ${fmtInt(page.settings[name])} until this is fixed.`;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    return false;
  }
  error.hidden = true;
  input.removeAttribute('aria-invalid');
  if (page.settings[name] !== value) {
    page.settings[name] = value;
    syncUrl();
  }
  return true;
}

/** The modes a Run performs here: Compare leaves parallel out when there is no pool. */
function modesToRun() {
  return MODE_RUNS[page.settings.mode].filter((mode) => mode !== 'parallel' || hasPool());
}

async function run() {
  if (!checkFields()) return;
  const { iterations, runs, top } = page.settings;
  const modes = modesToRun();
  const request = { modes, product: page.product.id, iterations, top, runs };
  page.running = true;
  setState('running');
  responsiveness.begin();
  const progress = $('progress');
  progress.max = modes.length * (runs + 1);
  progress.value = 0;
  setStatus(`Running ${modes.map((m) => MODE_NAMES[m]).join(', ')}: 1 warm-up and ${runs} timed ${runs === 1 ? 'run' : 'runs'} each…`);
  try {
    const out = await page.client.call(Request.RUN, request, ({ done, total, mode }) => {
      progress.value = done;
      setStatus(`Running: ${done} of ${total} done (last: ${MODE_NAMES[mode]})…`);
    });
    noteMemory(page.client, out.memoryBytes);
    renderRun(out, request);
    setState('done');
    setStatus(`Done: ${fmtInt(out.candidates)} candidates scored ${runs + 1} times per mode, ${fmtInt(iterations)} iterations.`);
  } catch (e) {
    await recoverFrom(e, 'The run failed');
  } finally {
    page.running = false;
    responsiveness.finish();
    updateControls();
  }
}

/** The card `id` shows `top`'s median ÷ `bottom`'s (also as `data-value`), or a dash if either mode did not run. */
function showRatio(id, top, bottom) {
  const card = $(id);
  if (top && bottom) {
    const value = top.medianMs / bottom.medianMs;
    card.dataset.value = String(value);
    $(`${id}-value`).textContent = `${value.toFixed(2)}×`;
  } else {
    delete card.dataset.value;
    $(`${id}-value`).textContent = '—';
  }
}

function renderRun(out, request) {
  const summaries = {};
  for (const mode of ['serial', 'parallel', 'js']) {
    const row = $(`time-${mode}`);
    const result = out.results[mode];
    const header = node('th', MODE_NAMES[mode]);
    header.scope = 'row';
    if (!result) {
      delete row.dataset.medianMs;
      delete row.dataset.minMs;
      delete row.dataset.runsMs;
      delete row.dataset.phasesMs;
      const cell = node('td', 'not run', 'muted');
      cell.colSpan = 5;
      row.replaceChildren(header, cell);
      continue;
    }
    const summary = summarize(result);
    summaries[mode] = summary;
    row.dataset.medianMs = String(summary.medianMs);
    row.dataset.minMs = String(summary.minMs);
    // Raw figures for bench/run.mjs: every timed run, and its split into phases.
    row.dataset.runsMs = JSON.stringify(result.timesMs);
    row.dataset.phasesMs = JSON.stringify(result.phases);
    const details = node('details');
    details.append(node('summary', `${result.timesMs.length}`),
      node('span', result.timesMs.map((ms) => fmtMs(ms)).join(', '), 'raw-runs'));
    const runsCell = node('td');
    runsCell.append(details);
    row.replaceChildren(header,
      node('td', fmtMs(summary.medianMs), 'num'),
      node('td', fmtMs(summary.minMs), 'num'),
      node('td', fmtMs(summary.scoreMs), 'num'),
      node('td', fmtMs(summary.rankMs), 'num'),
      runsCell);
  }
  const threads = page.pool?.poolThreads ?? 0;
  $('timings-note').textContent = `Milliseconds: median and minimum of ${request.runs} timed ${request.runs === 1 ? 'run' : 'runs'} after one untimed warm-up, ` +
    `${request.modes.length > 1 ? 'interleaved run by run, ' : ''}timed with performance.now() in the worker` +
    `${summaries.parallel ? `; parallel on ${plural(threads, 'thread')}` : ''}. ` +
    'Scoring (signatures and scoring) and Sorting (selecting the top K) are medians of the scorer\'s own split of each run.';

  showRatio('speedup', summaries.serial, summaries.parallel);
  showRatio('wasm-vs-js', summaries.js, summaries.serial);
  const identical = $('identical');
  if (request.modes.length > 1) {
    const verdict = compareRankings(out.results);
    identical.dataset.value = String(verdict.identical);
    identical.classList.toggle('bad', !verdict.identical);
    $('identical-value').textContent = verdict.identical ? 'yes' : 'NO';
    $('identical-note').textContent = verdict.identical
      ? `${verdict.compared.map((m) => MODE_NAMES[m]).join(', ')}: same ranking, same scores (===)`
      : `first difference: ${verdict.difference}`;
  } else {
    delete identical.dataset.value;
    identical.classList.remove('bad');
    $('identical-value').textContent = '—';
    $('identical-note').textContent = 'run Compare to check';
  }

  const bars = request.modes.map((mode) => ({ mode, label: MODE_NAMES[mode], ...summaries[mode] }));
  $('bars-figure').hidden = false;
  charts.bars = bars;
  drawBars($('bars'), bars);
  $('bars-caption').textContent = `Median time per mode (the thin mark is the minimum): ${bars.map((b) => `${b.label} ${fmtMs(b.medianMs)} ms`).join(', ')}.`;

  // Every mode ranks alike when identical; show the first (serial in Compare).
  const shown = request.modes[0];
  renderRanking(out.results[shown].items, out, shown);
}

function renderRanking(items, out, mode) {
  const body = $('results');
  const note = $('ranking-note');
  if (out.candidates === 0) {
    const row = node('tr');
    const cell = node('td', 'This catalog has one product: no other products to compare with.', 'muted');
    cell.colSpan = 7;
    row.append(cell);
    body.replaceChildren(row);
    note.textContent = '';
    return;
  }
  const rows = items.map((item) => {
    const row = node('tr');
    row.dataset.testid = 'result-row';
    row.dataset.id = item.id;
    row.dataset.score = String(item.score);
    row.dataset.text = String(item.text);
    row.dataset.attribute = String(item.attribute);
    row.dataset.category = item.category ?? '';
    const score = node('td', item.score.toFixed(4), 'num score');
    score.title = String(item.score);
    // On a phone the identifier and category columns fold into the name cell (CSS).
    const name = node('td', null, 'name');
    const folded = node('span', item.category ? `${item.id} · ${item.category}` : item.id, 'folded');
    folded.setAttribute('aria-hidden', 'true');
    const label = node('span', item.name);
    // Right-to-left names (Arabic, Hebrew) keep their own direction inside the row.
    label.dir = 'auto';
    // The CSS shows at most three lines of a name; the whole of a long one is here.
    if (item.name.length > 120) label.title = item.name;
    name.append(label, folded);
    row.append(
      node('td', String(item.rank), 'num'),
      name,
      node('td', item.id, 'ident wide'),
      node('td', item.category ?? '—', 'wide'),
      score,
      node('td', item.text.toFixed(4), 'num'),
      node('td', item.attribute.toFixed(4), 'num'),
    );
    return row;
  });
  body.replaceChildren(...rows);
  const target = out.target;
  note.textContent = `Top ${items.length} of ${fmtInt(out.candidates)} candidates for “${short(target.name)}” (${target.id}${target.category ? `, ${target.category}` : ''}), ` +
    `from the ${MODE_NAMES[mode]} run. Score = ${TEXT_WEIGHT} × text + ${ATTRIBUTE_WEIGHT} × attributes.`;
}

async function scaling() {
  if (!checkFields()) return;
  const { iterations, runs, top, threads: userThreads } = page.settings;
  const request = { modes: ['parallel'], product: page.product.id, iterations, top, runs };
  page.running = true;
  setState('running');
  responsiveness.begin();
  const progress = $('progress');
  progress.max = hw;
  progress.value = 0;
  const points = [];
  try {
    for (let threads = 1; threads <= hw; threads++) {
      setStatus(`Scaling: starting a pool of ${plural(threads, 'thread')} and reloading the catalog…`);
      await startWorker(threads);
      page.catalog = await loadInto(page.client, page.source);
      setStatus(`Scaling: ${threads} of ${hw} threads, ${runs} timed ${runs === 1 ? 'run' : 'runs'}…`);
      const out = await page.client.call(Request.RUN, request);
      const medianMs = median(out.results.parallel.timesMs);
      points.push({ threads, medianMs, speedup: points.length ? points[0].medianMs / medianMs : 1 });
      progress.value = threads;
    }
    if (userThreads !== hw) {
      setStatus(`Scaling done; restoring the pool of ${plural(userThreads, 'thread')}…`);
      await startWorker(userThreads);
      page.catalog = await loadInto(page.client, page.source);
    }
    renderCatalog(page.catalog, page.source);
    renderScaling(points);
    setState('done');
    setStatus(`Scaling done: ${points.map((p) => `${p.threads}: ${p.speedup.toFixed(2)}×`).join(', ')} (speedup against 1 thread).`);
  } catch (e) {
    // Whatever failed, the pool must be the user's size again.
    await recoverFrom(e, 'Scaling failed', { rebuild: true });
  } finally {
    page.running = false;
    responsiveness.finish();
    updateControls();
  }
}

function renderScaling(points) {
  $('scaling-figure').hidden = false;
  charts.points = points;
  drawScaling($('scaling-chart'), points);
  $('scaling-caption').textContent = `Parallel speedup against threads (median of ${page.settings.runs} runs each, against 1 thread): ` +
    points.map((p) => `${p.threads} → ${p.speedup.toFixed(2)}× (${fmtMs(p.medianMs)} ms)`).join('; ') +
    '. Dashed: ideal.';
  $('scaling-figure').dataset.points = JSON.stringify(points.map((p) => ({ threads: p.threads, speedup: p.speedup })));
}

/** The charts' data, kept to redraw them at a new width. */
const charts = { bars: null, points: null };
let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (charts.bars) drawBars($('bars'), charts.bars);
    if (charts.points) drawScaling($('scaling-chart'), charts.points);
  }, 150);
});

// ---------------------------------------------------------------------------------------
// The environment panel.

function browserName() {
  const data = navigator.userAgentData;
  if (data?.brands?.length) {
    const brands = data.brands.filter((b) => !/not.?a.?brand/i.test(b.brand));
    const names = brands.map((b) => `${b.brand} ${b.version}`).join(', ');
    return `${names}${data.platform ? ` on ${data.platform}` : ''}${data.mobile ? ' (mobile)' : ''}`;
  }
  return navigator.userAgent;
}

function renderEnv() {
  const env = $('env');
  env.dataset.isolated = String(support.isolated);
  env.dataset.hw = String(hw);
  env.dataset.threads = String(page.pool?.poolThreads ?? 0);
  // For tests and benchmarks: the wasm memory's size, and how many workers this page runs.
  env.dataset.wasmMemoryBytes = String(page.memoryBytes);
  if (page.pool) {
    env.dataset.poolStartMs = String(page.pool.poolStartMs);
    env.dataset.wasmInitMs = String(page.pool.wasmInitMs);
  } else {
    delete env.dataset.poolStartMs;
    delete env.dataset.wasmInitMs;
  }
  env.dataset.liveWorkers = String(WorkerClient.live);
  env.dataset.isolatedVia = isolation.via ?? 'none';
  if (page.pool) env.dataset.build = page.pool.build;
  else delete env.dataset.build;
  const pool = page.pool
    ? hasPool()
      ? `${page.pool.poolThreads} ${page.pool.poolThreads === 1 ? 'thread' : 'threads'}, started in ${fmtMs(page.pool.poolStartMs)} ms`
      : 'none (single-thread build)'
    : page.wasmFailed ? 'none' : 'starting…';
  const builds = {
    threaded: 'threaded (atomics, shared memory, rayon pool)',
    'single-thread': 'single-thread build (no atomics, no pool)',
  };
  const isolated = isolation.via === 'service-worker' ? 'yes, through the service worker' : 'yes';
  const fields = [
    ['crossOriginIsolated', support.isolated ? isolated : 'no'],
    ['hardwareConcurrency', String(hw)],
    ['wasm build', page.pool ? builds[page.pool.build] : '—'],
    ['Pool size', pool],
    ['wasm start', page.pool ? `${fmtMs(page.pool.wasmInitMs)} ms` : '—'],
    ['wasm memory', page.memoryBytes ? `${fmtBytes(page.memoryBytes)} (after the last load or run)` : '—'],
    ['WebAssembly threads', support.wasmThreads ? 'supported' : 'not supported'],
    ['SharedArrayBuffer', support.sharedMemory ? 'available' : 'not available'],
    ['Nested workers', support.nestedWorkers === null ? '—' : support.nestedWorkers ? 'yes' : 'no'],
    ['Browser', browserName()],
  ];
  env.replaceChildren(...fields.flatMap(([label, value]) => [node('dt', label), node('dd', value)]));
  if (noPoolReason) {
    const problem = $('env-problem');
    problem.textContent = `The rayon pool cannot start: ${noPoolReason}. The page runs the single-thread build of the same code instead: ` +
      'Serial and JavaScript work; Parallel runs, Compare\'s parallel part, Scaling and the thread count are disabled.';
    problem.hidden = false;
  }
  $('threads-hint').textContent = hasPool()
    ? `pool of ${page.pool.poolThreads} started in ${fmtMs(page.pool.poolStartMs)} ms`
    : noPoolReason ? 'no pool here (see Environment)' : '';
}

// ---------------------------------------------------------------------------------------
// Wiring.

const chooser = new ProductChooser({
  input: $('product-search'),
  list: $('product-options'),
  status: $('product-status'),
  search: (query) => page.client.call(Request.SEARCH, { query, limit: SEARCH_LIMIT }),
  onSelect: (product) => {
    setProduct(product);
    if (!page.busy && document.body.dataset.state !== 'error') setStatus(`Target: ${short(product.name)}. Press Run.`);
  },
});

function fillControls() {
  const { settings } = page;
  const threads = $('threads');
  threads.replaceChildren(...Array.from({ length: hw }, (_, k) => {
    const option = node('option', String(k + 1));
    option.value = String(k + 1);
    return option;
  }));
  threads.value = String(settings.threads);
  for (const name of ['iterations', 'runs', 'top']) $(name).value = String(settings[name]);
  for (const radio of document.querySelectorAll('input[name=mode]')) radio.checked = radio.value === settings.mode;
  for (const [mode, label] of Object.entries(MODE_LABELS)) {
    const radio = document.querySelector(`input[name=mode][value=${mode}]`);
    radio.closest('label').title = label;
  }
  if (initial.source.kind === 'generate') $('generate-n').value = String(initial.source.n);
  if (initial.source.kind === 'url' && initial.source.url !== DEFAULT_CATALOG) $('catalog-url').value = initial.source.url;
}

function wire() {
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    task(run);
  });
  $('scaling').addEventListener('click', () => task(scaling));
  $('cancel').addEventListener('click', () => {
    if (!page.running && !page.loading) return;
    // Terminating the worker is the only way to stop wasm mid-run or mid-parse: neither
    // the scoring loops nor the parser yield. The request fails at once, and recoverFrom
    // rebuilds the pool and reloads the last catalog that loaded, reporting what that cost.
    page.cancelled = { at: performance.now(), what: page.running ? 'run' : 'load' };
    page.client.terminate('cancelled by the user');
  });
  for (const name of ['iterations', 'runs', 'top']) {
    $(name).addEventListener('input', () => checkField(name));
  }
  for (const radio of document.querySelectorAll('input[name=mode]')) {
    radio.addEventListener('change', () => {
      page.settings.mode = radio.value;
      syncUrl();
    });
  }
  $('threads').addEventListener('change', () => {
    const threads = Number($('threads').value);
    page.settings.threads = threads;
    syncUrl();
    task(async () => {
      try {
        await rebuild(threads);
      } catch (e) {
        await recoverFrom(e, `Could not start ${threads} threads`);
      }
    });
  });
  $('catalog-file').addEventListener('change', () => {
    const file = $('catalog-file').files[0];
    $('catalog-file').value = ''; // so choosing the same file again loads it again
    loadFile(file);
  });
  const loadUrl = () => {
    const url = $('catalog-url').value.trim();
    if (!url) {
      showError('Enter a catalog URL first.');
      return;
    }
    task(() => loadSource({ kind: 'url', url }));
  };
  $('load-url').addEventListener('click', loadUrl);
  $('catalog-url').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      loadUrl();
    }
  });
  const generate = (text) => {
    const { value, error } = parseWholeNumber('generate', text, LIMITS.generate);
    const message = $('generate-n-error');
    if (error) {
      message.textContent = `${error}.`;
      message.hidden = false;
      $('generate-n').setAttribute('aria-invalid', 'true');
      $('generate-n').focus();
      return;
    }
    message.hidden = true;
    $('generate-n').removeAttribute('aria-invalid');
    task(() => loadSource({ kind: 'generate', n: value }));
  };
  $('generate').addEventListener('click', () => generate($('generate-n').validity.badInput ? 'not a number' : $('generate-n').value));
  $('generate-n').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      $('generate').click();
    }
  });
  for (const preset of document.querySelectorAll('.preset')) {
    preset.addEventListener('click', () => {
      $('generate-n').value = preset.dataset.n;
      generate(preset.dataset.n);
    });
  }
  $('load-default').addEventListener('click', () => task(() => loadSource({ kind: 'url', url: DEFAULT_CATALOG })));

  // Drag and drop anywhere on the page.
  const overlay = $('drop-overlay');
  const hasFiles = (event) => event.dataTransfer?.types?.includes('Files');
  let depth = 0;
  document.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth++;
    overlay.hidden = false;
  });
  document.addEventListener('dragover', (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  document.addEventListener('dragleave', (event) => {
    if (!hasFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  document.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    overlay.hidden = true;
    loadFile(event.dataTransfer.files[0]);
  });
}

async function start() {
  fillControls();
  for (const { param, text } of initial.messages) addNotice(param, text);
  renderEnv();
  wire();
  setState('loading');

  setStatus(noPoolReason ? 'Starting the wasm module…' : 'Starting the wasm module and the rayon pool…');
  try {
    await startWorker(page.settings.threads);
  } catch (e) {
    page.wasmFailed = true;
    renderEnv();
    showError(`The wasm module could not start here: ${e.message}. ` +
      'Every mode needs it (the JavaScript mode scores the catalog the wasm prepares), so nothing can run. ' +
      (noPoolReason ? `It was the single-thread build, picked because ${noPoolReason}.` : ''));
    return;
  }
  // After startWorker, which settles noPoolReason.
  if (noPoolReason && page.settings.mode === 'parallel') {
    addNotice('mode', 'mode parallel needs the rayon pool, which cannot start here (see Environment); using compare, which runs serial and JavaScript.');
    page.settings.mode = 'compare';
    fillControls();
  }

  setStatus(`Loading ${describeSource(initial.source)}…`);
  let source = initial.source;
  try {
    page.catalog = await loadInto(page.client, source);
  } catch (e) {
    if (source.kind === 'url' && source.url === DEFAULT_CATALOG) {
      showError(`Could not load ${describeSource(source)}: ${e.message}`);
      return;
    }
    if (e.fatal) await startWorker(page.settings.threads);
    addNotice(source.kind === 'generate' ? 'generate' : 'catalog',
      `Could not load ${describeSource(source)}: ${e.message}. Loaded the bundled catalog instead.`);
    source = { kind: 'url', url: DEFAULT_CATALOG };
    try {
      page.catalog = await loadInto(page.client, source);
    } catch (e2) {
      showError(`Could not load the bundled catalog either: ${e2.message}`);
      return;
    }
  }
  page.source = source;
  renderCatalog(page.catalog, source);
  await chooseProduct(initial.product, { fromUrl: true });
  setState('ready');
  setStatus(`Ready: ${fmtInt(page.catalog.count)} products. Pick a product and press Run.`);
  if (initial.autorun) {
    // Let the page finish its first layout and paint, so the run's responsiveness figure
    // measures the run and not the page's start.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    await task(run);
  }
}

// ---------------------------------------------------------------------------------------
// Test hooks: only with ?testhooks=1, and never in the UI. The end-to-end tests use them
// to make the worker fail on purpose (tests/e2e/crash.test.mjs). Each resolves once the
// page has recovered (or, for crash, once the worker was asked to crash).

if (TEST_HOOKS) {
  /** Sends `type` as a task that is expected to fail, and recovers from it like a failed run. */
  const failOnPurpose = (type, payload = {}) => task(async () => {
    page.running = true;
    setState('running');
    try {
      await page.client.call(type, payload);
    } catch (e) {
      await recoverFrom(e, 'The worker failed');
    }
  });
  window.shopRecsTestHooks = Object.freeze({
    /** A Rust panic with `message` on the worker's thread. */
    panic: (message) => failOnPurpose(Request.DEBUG_PANIC, { message }),
    /** A Rust panic with `message` on a thread of the rayon pool. */
    panicInPool: (message) => failOnPurpose(Request.DEBUG_PANIC_IN_POOL, { message }),
    /** Allocates until the wasm memory cannot grow: an abort without a panic message. */
    exhaustMemory: () => failOnPurpose(Request.DEBUG_EXHAUST_MEMORY),
    /** An uncaught error in the worker, outside any request: the page sees an `error` event. */
    crash: (message) => page.client.call(Request.DEBUG_CRASH, { message }),
  });
}

start().catch((e) => showError(e.message));
