// Crash recovery: a Rust panic (on the worker's thread or on a pool thread), running out
// of wasm memory, and an uncaught error in the worker each show an error that says what
// happened (a panic's own message), bring a fresh worker back with the same pool size
// and catalog, and leave the page usable. The failures are triggered through test hooks
// that exist only with ?testhooks=1 and are not reachable from the page's controls.
import assert from 'node:assert/strict';
import {
  ENGINE,
  test,
  browser, chooseProduct, openPage, run, screenshotPath, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser({
  engines: ['chromium', 'firefox'],
  why: 'crash recovery restarts the pool; it runs in Chromium and Firefox (WebKit is not in the suite\'s crash scenarios)',
});

/**
 * What a deliberate failure may leave in the console: the panic hook's output and the trap.
 * The engine words the trap and the worker's error event itself: "unreachable" (Chromium)
 * or "unreachable executed" (Firefox); "Uncaught Error: ..." (Chromium) or "Error: ..."
 * (Firefox).
 */
const EXPECTED = [/panicked at src\/wasm\/test_hooks\.rs/, /unreachable/, /Uncaught Error: deliberate/, /deliberate/];

function unexpectedProblems(problems) {
  return problems.filter((p) => !EXPECTED.some((re) => re.test(p)));
}

const attr = (page, selector, name) => page.locator(selector).getAttribute(name);

/** The page's state that must survive a crash. */
async function snapshot(page) {
  return {
    threads: await attr(page, '[data-testid=env]', 'data-threads'),
    liveWorkers: await attr(page, '[data-testid=env]', 'data-live-workers'),
    count: await attr(page, '[data-testid=catalog-count]', 'data-value'),
    product: await attr(page, '[data-testid=product]', 'data-id'),
    mode: await page.locator('input[name=mode]:checked').getAttribute('value'),
  };
}

/** After a failure: a good Compare run, identical in all three modes. */
async function runWorks(page) {
  await run(page);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assert.ok(await page.locator('[data-testid=result-row]').count() > 0);
  assert.equal(await page.isVisible('[data-testid=error]'), false, 'a good run clears the error');
}

test('a panic shows its message, the worker comes back with the same pool and catalog', async () => {
  const { page, context, problems } = await openPage(browser,
    `${server.url}?testhooks=1&generate=500&runs=1&iterations=100&mode=compare&threads=2`);
  await waitForState(page, 'ready');
  await chooseProduct(page, 'lipstick', /Lipstick/);
  await runWorks(page);
  const before = await snapshot(page);
  let panics = 0;
  for (const [hook, message, where] of [
    ['panic', 'deliberate test panic #1: the worker thread', 'worker'],
    ['panicInPool', 'deliberate test panic #2: a rayon pool thread', 'pool'],
  ]) {
    const started = Date.now();
    await page.evaluate(([hook, message]) => window.shopRecsTestHooks[hook](message), [hook, message]);
    const recoveredMs = Date.now() - started;
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
    const error = await page.locator('[data-testid=error]').textContent();
    console.log(`${where} panic: recovered in ${recoveredMs} ms; the page says: ${error}`);
    assert.match(error, new RegExp(`^The worker failed: the wasm instance panicked: ${message} \\(at src/wasm/test_hooks\\.rs:\\d+\\)`));
    assert.match(error, /The pool of 2 threads restarted in [\d.]+ ms and 500 generated products reloaded in [\d.]+ ms: you can carry on\.$/);
    if (where === 'worker') await page.screenshot({ path: screenshotPath('crash-panic'), fullPage: true });
    assert.deepEqual(await snapshot(page), before, `${where}: same pool size, catalog, product and mode`);
    assert.equal(await page.isEnabled('[data-testid=run]'), true);
    panics++;
    await runWorks(page);
  }
  assert.equal(panics, 2);
  // Each panic reached the worker's console through console_error_panic_hook (only
  // Playwright sees a worker's console), and nothing else went wrong.
  if (ENGINE.playwright) {
    assert.ok(problems.some((p) => /panicked at src\/wasm\/test_hooks\.rs.*\n*deliberate test panic #1/s.test(p)));
    assert.ok(problems.some((p) => /deliberate test panic #2/.test(p)));
  }
  assert.deepEqual(unexpectedProblems(problems), []);
  await context.close();
});

test('running out of wasm memory is reported as such, and the page recovers', async () => {
  const { page, context, problems } = await openPage(browser, `${server.url}?testhooks=1&runs=1&iterations=100&mode=compare`);
  await waitForState(page, 'ready');
  const before = await snapshot(page);
  const memoryBefore = Number(await attr(page, '[data-testid=env]', 'data-wasm-memory-bytes'));
  await page.evaluate(() => window.shopRecsTestHooks.exhaustMemory());
  const error = await page.locator('[data-testid=error]').textContent();
  console.log(`out of memory: the page says: ${error}`);
  assert.match(error, /^The worker failed: the wasm instance aborted \(unreachable[^)]*\) without a panic message, as it does when it runs out of memory: its memory had grown to [\d,]+ MiB, and this build's memory stops at (1,024|4,096) MiB\. The pool of \d threads? restarted/);
  const grown = Number(error.match(/grown to ([\d,]+) MiB/)[1].replace(/,/g, ''));
  const limit = Number(error.match(/stops at ([\d,]+) MiB/)[1].replace(/,/g, ''));
  const build = await attr(page, '[data-testid=env]', 'data-build');
  assert.equal(limit, build === 'threaded' ? 1024 : 4096, `the ${build} build's maximum`);
  assert.ok(grown > 0.75 * limit, `the memory was nearly full when it failed: ${grown} of ${limit} MiB`);
  await page.screenshot({ path: screenshotPath('crash-out-of-memory'), fullPage: true });
  assert.deepEqual(await snapshot(page), before);
  // The fresh instance starts small again.
  const memoryAfter = Number(await attr(page, '[data-testid=env]', 'data-wasm-memory-bytes'));
  console.log(`wasm memory: ${memoryBefore} bytes before, ${grown} MiB at the failure, ${memoryAfter} bytes after the restart`);
  assert.ok(memoryAfter <= memoryBefore * 2, `${memoryAfter} bytes after the restart`);
  await runWorks(page);
  assert.deepEqual(unexpectedProblems(problems), []);
  await context.close();
});

test('an uncaught error in an idle worker is noticed and the worker replaced', async () => {
  const { page, context, problems } = await openPage(browser, `${server.url}?testhooks=1&runs=1&iterations=100&mode=compare`);
  await waitForState(page, 'ready');
  await runWorks(page);
  const before = await snapshot(page);
  await page.evaluate(() => window.shopRecsTestHooks.crash('deliberate uncaught error'));
  // Nothing was running: the page notices the worker's `error` event by itself.
  await page.waitForFunction(() => document.body.dataset.state === 'error');
  const error = await page.locator('[data-testid=error]').textContent();
  console.log(`crash: the page says: ${error}`);
  assert.match(error, /^The worker stopped: the worker crashed: (?:Uncaught )?Error: deliberate uncaught error\. The pool of \d threads? restarted in [\d.]+ ms and the bundled catalog reloaded in [\d.]+ ms: you can carry on\.$/);
  assert.deepEqual(await snapshot(page), before);
  await runWorks(page);
  assert.deepEqual(unexpectedProblems(problems), []);
  await context.close();
});

test('without ?testhooks=1 there are no hooks, and the worker refuses their requests', {
  engines: ['chromium'],
  why: 'reaches into the worker with page.workers(), which only Playwright (Chromium) offers',
}, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1`);
  await waitForState(page, 'ready');
  assert.equal(await page.evaluate(() => typeof window.shopRecsTestHooks), 'undefined');
  // Even a request sent to the worker directly is refused.
  const owner = page.workers().find((worker) => worker.url().endsWith('/js/worker.js'));
  const reply = await owner.evaluate(() => new Promise((resolve) => {
    const post = self.postMessage;
    self.postMessage = (message) => {
      if (message.id === -1) {
        self.postMessage = post;
        resolve(message);
      } else {
        post.call(self, message);
      }
    };
    self.onmessage({ data: { id: -1, type: 'debug-panic', payload: { message: 'should not happen' } } });
  }));
  assert.deepEqual(reply, { id: -1, ok: false, fatal: false, error: 'test hooks are not enabled' });
  await runWorks(page);
  assertClean();
  await context.close();
});
