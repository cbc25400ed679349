// The page. It only touches the DOM: the worker (worker.js) owns the wasm, the pool and
// the catalog, and every heavy step (reading and parsing a catalog, searching it,
// scoring) runs there. Catalog strings reach the DOM through textContent only.
//
// State hooks for tests and automation: document.body.dataset.state moves through
// loading, ready, running, done and error; the data-testid elements in index.html
// carry the figures (the README's "Test hooks" lists them).
//
// This file starts the page and holds the test hooks. The rest, by concern:
//   state.js           where the page runs, its settings and session (shared state)
//   ui.js              DOM helpers, state and status lines, controls, the task, the URL
//   session.js         the worker's life: start, load, choose the target, recover, rebuild
//   runs.js            the number fields, Run and Scaling
//   render-run.js      timings, ratios, Compare's verdict, bars, ranking, scaling chart
//   render-timeline.js the pool at work: its chart, caption, figures and per-thread table
//   responsiveness.js  long tasks and timer lag during a run
//   env-panel.js       the environment panel
//   controls.js        filling the controls and wiring them
//   format.js, params.js, limits.js, results.js, chart.js, chooser.js,
//   timeline-data.js, detect.js, isolate.js: pure helpers and the pieces they name
// The worker, the wasm and the pool are reached only through the package's API,
// recommender.js: EngineSession, its layer for timings and tests (docs/package.md).
import { renderEnv } from './env-panel.js';
import { fillControls, wire } from './controls.js';
import { DEFAULT_CATALOG, fmtInt } from './params.js';
import { run } from './runs.js';
import {
  chooseProduct, describeSource, loadInto, recoverFrom, renderCatalog, settleServer, startWorker,
} from './session.js';
import {
  $, TEST_HOOKS, initial, page, runtime,
} from './state.js';
import {
  addNotice, cancellably, setMode, setSession, setState, setStatus, showError, task,
} from './ui.js';

async function start() {
  fillControls();
  for (const { param, text } of initial.messages) addNotice(param, text);
  renderEnv();
  wire();
  setState('loading');

  setStatus(runtime.noPoolReason ? 'Starting the wasm module…' : 'Starting the wasm module and the rayon pool…');
  try {
    await startWorker(page.settings.threads);
  } catch (e) {
    setSession('failed');
    renderEnv();
    showError(`The wasm module could not start here: ${e.message}. ` +
      'Every mode needs it (the JavaScript mode scores the catalog the wasm prepares), so nothing can run. ' +
      (runtime.noPoolReason ? `It was the single-thread build, picked because ${runtime.noPoolReason}.` : ''));
    return;
  }
  // After startWorker, which settles runtime.noPoolReason.
  if (runtime.noPoolReason && page.settings.mode === 'parallel') {
    addNotice('mode', 'mode parallel needs the rayon pool, which cannot start here (see Environment); using compare, which runs the modes that can run here.');
    setMode('compare');
  }
  if (runtime.noWorkersReason && page.settings.mode === 'workers') {
    addNotice('mode', `mode workers needs workers started from the page's worker: ${runtime.noWorkersReason}; using compare.`);
    setMode('compare');
  }
  let server;
  try {
    server = await page.client.serverInfo(document.baseURI);
  } catch (e) {
    server = { available: false, reason: `asking the page's host for the API failed: ${e.message}` };
  }
  settleServer(server, `mode server needs the shop-recs API at this page's host: ${server.reason}`);
  if (runtime.noPoolReason) {
    $('timeline-hint').textContent = `Needs the rayon pool, which cannot start here: ${runtime.noPoolReason}.`;
    if (page.settings.timeline) {
      addNotice('timeline', 'timeline=1 shows the rayon pool at work, and there is no pool here (see Environment); runs go on without it.');
      page.settings.timeline = false;
      fillControls();
    }
  }

  setStatus(`Loading ${describeSource(initial.source)}…`);
  let source = initial.source;
  // Cancel stops the first load too (a million products take seconds): the bundled
  // catalog is loaded instead, as after a failure.
  const firstLoad = (from) => cancellably('loading', (signal) => loadInto(page.client, from, signal))
    .finally(() => setSession('idle'));
  try {
    page.catalog = await firstLoad(source);
  } catch (e) {
    if (source.kind === 'url' && source.url === DEFAULT_CATALOG) {
      showError(`Could not load ${describeSource(source)}: ${e.message}`);
      return;
    }
    if (e.fatal || e.stopped) await startWorker(page.settings.threads);
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
  /** Asks for the test hook `kind` as a task that is expected to fail, and recovers from it like a failed run. */
  const failOnPurpose = (kind, message) => task(async () => {
    setSession('running');
    setState('running');
    try {
      await page.client.debug(kind, message);
    } catch (e) {
      await recoverFrom(e, 'The worker failed');
    } finally {
      setSession('busy');
    }
  });
  window.shopRecsTestHooks = Object.freeze({
    /** A Rust panic with `message` on the worker's thread. */
    panic: (message) => failOnPurpose('panic', message),
    /** A Rust panic with `message` on a thread of the rayon pool. */
    panicInPool: (message) => failOnPurpose('panic-in-pool', message),
    /** Allocates until the wasm memory cannot grow: an abort without a panic message. */
    exhaustMemory: () => failOnPurpose('exhaust-memory'),
    /** An uncaught error in the worker, outside any request: the page sees an `error` event. */
    crash: (message) => page.client.debug('crash', message),
  });
}

start().catch((e) => showError(e.message));
