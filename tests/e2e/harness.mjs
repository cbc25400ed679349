// Shared by the end-to-end tests: serve dist/ (with `shop-recs serve`), launch the engine
// under test (E2E_ENGINE: tests/e2e/engines.mjs), open the page, and fail on any page
// error or unexpected console error. The server, Chromium and Playwright page helpers the
// benchmark uses too live in scripts/browser.mjs.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage as openPlaywrightPage, startServer } from '../../scripts/browser.mjs';
import { assertEngine, ENGINE, launchSelenium, openSeleniumPage } from './engines.mjs';

export { ENGINE, startServer };

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Screenshots go here; the folder is git-ignored. */
export const SCREENSHOTS = join(ROOT, 'test-results');

/**
 * The server and the browser of the running test file, set by useServerAndBrowser()
 * before the file's first test. They are live bindings: read them inside tests, where
 * they hold what `before` started.
 */
export let server = null;
export let browser = null;

/** The engines a test runs in unless it says otherwise: every engine-independent scenario. */
const EVERYWHERE = ['chromium', 'firefox', 'webkit'];
/** This file's default, set by useServerAndBrowser({ engines, why }). */
let fileEngines = { engines: EVERYWHERE, why: null };

/**
 * Starts a server (`startServer(options)`) and the engine's browser before the file's
 * tests and closes both after them: the set-up every end-to-end test file shares.
 * `engines` (default: Chromium, Firefox and WebKit as shipped) lists where the file's
 * tests run, and `why` says why not elsewhere; a test can say otherwise (see `test`).
 */
export function useServerAndBrowser({ engines = EVERYWHERE, why = null, ...options } = {}) {
  fileEngines = { engines, why };
  before(async () => {
    server = await startServer(options);
    browser = ENGINE.playwright ? await launchBrowser() : await launchSelenium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/**
 * Whether this is the perf tier (`scripts/test.sh --perf`, E2E_PERF=1): tests with
 * `perf: true` assert timing thresholds and run only there; every other test runs only
 * in the default tier, which asserts no timing.
 */
export const PERF = process.env.E2E_PERF === '1';

/**
 * node:test's `test`, run only in the engines the test (or its file) lists, and only in
 * its tier. Elsewhere it is reported as skipped, counted, with the reason in its name:
 * `options.engines` and `options.why`, or the file's. `webkit-sab` (WebKit with
 * SharedArrayBuffer) runs only tests that list it: the threaded build's scenarios; the
 * rest run in `webkit`. `options.perf` marks a timing-threshold test (see PERF).
 */
export function test(name, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  const { engines = fileEngines.engines, why = fileEngines.why, perf = false, ...rest } = options;
  let reason = null;
  if (!engines.includes(ENGINE.name)) {
    reason = why ?? (ENGINE.name === 'webkit-sab'
      ? 'webkit-sab runs the threaded-build scenarios only; this one runs in webkit as shipped'
      : `runs in ${engines.join(', ')} only`);
  } else if (perf && !PERF) {
    reason = 'asserts a timing threshold: runs in the perf tier (scripts/test.sh --perf)';
  } else if (!perf && PERF) {
    reason = 'the perf tier runs only the timing-threshold tests';
  }
  if (reason === null) return nodeTest(`${name} [${ENGINE.name}]`, rest, fn);
  return nodeTest(`${name} [${ENGINE.name}: skipped, ${reason}]`, { ...rest, skip: reason }, fn);
}

/**
 * Opens `url` in a fresh context of the engine under test: Playwright's openPage for
 * Chromium (scripts/browser.mjs), a fresh WebDriver session elsewhere (engines.mjs).
 * Either way `{ page, context, problems, loads, assertClean }`, and the page is checked to
 * run in the engine asked for (its user agent).
 */
export async function openPage(theBrowser, url, options) {
  if (!ENGINE.playwright) return openSeleniumPage(theBrowser, url, options);
  const opened = await openPlaywrightPage(theBrowser, url, options);
  await assertEngine(opened.page);
  return opened;
}

/** Fails, with the page's error message, unless the page's state is one of `wanted`. */
async function expectState(page, wanted) {
  const state = await page.evaluate(() => document.body.dataset.state);
  if (!wanted.includes(state)) {
    const message = await page.locator('[data-testid=error]').textContent();
    throw new Error(`page reached state '${state}' instead of ${wanted.join('/')}: ${message}`);
  }
}

/** Waits until `document.body.dataset.state` is one of `states`; fails on 'error'. */
export async function waitForState(page, states, timeout = 60_000) {
  const wanted = Array.isArray(states) ? states : [states];
  await page.waitForFunction(
    (wanted) => wanted.includes(document.body.dataset.state) || document.body.dataset.state === 'error',
    wanted,
    { timeout },
  );
  await expectState(page, wanted);
}

/** `test-results/NAME.png`, with the engine in the name outside Chromium (`NAME-firefox.png`). */
export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}${ENGINE.name === 'chromium' ? '' : `-${ENGINE.name}`}.png`);
}

/** The repository root, for fixtures outside tests/ (docs/, ../shared/catalogs). */
export const REPO = ROOT;

/**
 * Runs `act` (which must make the page change state) and waits until the page has
 * changed state at least once and is now in one of `states`; fails on 'error' unless
 * 'error' is wanted. Unlike waitForState, it cannot be fooled by the state the page was
 * already in (a second run starts in 'done' and ends in 'done').
 */
export async function actAndWait(page, act, states = 'done', timeout = 60_000) {
  const wanted = Array.isArray(states) ? states : [states];
  await page.evaluate(() => {
    window.__stateLog = [];
    window.__stateObserver?.disconnect();
    window.__stateObserver = new MutationObserver(() => window.__stateLog.push(document.body.dataset.state));
    window.__stateObserver.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  });
  await act();
  await page.waitForFunction(
    (wanted) => window.__stateLog.length > 0 &&
      (wanted.includes(document.body.dataset.state) || document.body.dataset.state === 'error'),
    wanted,
    { timeout },
  );
  await expectState(page, wanted);
}

/**
 * Drops a file on the page as a user would (dragenter, dragover, drop on the body): a
 * File built in the page from `text`, or from `size` zero bytes.
 */
export function dropFile(page, { name, text, size }) {
  return page.evaluate(({ name, text, size }) => {
    // A large size is one 1 MiB Blob repeated (Blob parts share their data), so the
    // browser does not hold a gigabyte for it.
    const mib = 1 << 20;
    const one = new Blob([new Uint8Array(mib)]);
    const parts = text !== undefined ? [text]
      : [...Array(Math.floor(size / mib)).fill(one), new Uint8Array(size % mib)];
    const file = new File(parts, name, { type: 'application/json' });
    const data = new DataTransfer();
    data.items.add(file);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, { name, text, size });
}

/** Clicks Run and waits for the run to finish. */
export function run(page, timeout = 60_000) {
  return actAndWait(page, () => page.click('[data-testid=run]'), 'done', timeout);
}

/** The ranked rows as `{ id, score, text, attribute, category }`, the data attributes as written. */
export function resultRows(page) {
  return page.$$eval('[data-testid=result-row]', (rows) => rows.map((row) => ({
    id: row.dataset.id,
    score: row.dataset.score,
    text: row.dataset.text,
    attribute: row.dataset.attribute,
    category: row.dataset.category,
  })));
}

/** Picks the mode radio button `mode` (serial, parallel, js, workers, server or compare). */
export function chooseMode(page, mode) {
  return page.check(`input[name=mode][value=${mode}]`);
}

/**
 * Types `query` into the product chooser and picks the first option whose text matches
 * `pattern`; returns its identifier.
 */
export async function chooseProduct(page, query, pattern = /./) {
  await page.fill('[data-testid=product-search]', query);
  // Options appear after a debounce and a round trip to the worker: wait for this query's.
  await page.waitForFunction((query) => document.getElementById('product-options').dataset.query === query, query);
  const option = page.locator('[data-testid=product-option]', { hasText: pattern }).first();
  await option.waitFor();
  const id = await option.getAttribute('data-id');
  await option.click();
  await page.waitForFunction((id) => document.querySelector('[data-testid=product]').dataset.id === id, id);
  return id;
}

/** Reads `data-median-ms` and `data-min-ms` of each mode's timing row (null when absent). */
export async function timings(page) {
  const out = {};
  for (const mode of ['serial', 'parallel', 'js', 'workers', 'server']) {
    const row = page.locator(`[data-testid=time-${mode}]`);
    const median = await row.getAttribute('data-median-ms');
    const min = await row.getAttribute('data-min-ms');
    out[mode] = median === null ? null : { median: Number(median), min: Number(min) };
  }
  return out;
}
