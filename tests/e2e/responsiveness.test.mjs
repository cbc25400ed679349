// The UI thread never blocks. In every engine: the page's main thread answers while a run
// is under way, and the page shows its own figure (long tasks in Chromium, the heartbeat
// timer's lag elsewhere). In Chromium, with a PerformanceObserver for 'longtask' of the
// test's own: a deliberate block is caught, and (perf tier) no task of a 20,000-product
// parallel run lasts 50 ms or more.
import assert from 'node:assert/strict';
import {
  test, actAndWait, browser, ENGINE, openPage, run, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser();

const LONGTASK = { engines: ['chromium'], why: 'the longtask observer exists only in Chromium' };

test('a run leaves the main thread free: the page answers while it runs, and shows its responsiveness figure', {
  engines: ['chromium', 'firefox', 'webkit', 'webkit-sab'],
}, async () => {
  const mode = ENGINE.threads ? 'parallel' : 'serial';
  const { page, context, assertClean } = await openPage(browser, `${server.url}?generate=20000&mode=${mode}&runs=3`);
  await waitForState(page, 'ready', 120_000);
  await page.click('[data-testid=run]');
  // Each evaluate runs a script on the page's main thread. One that answers 'running' ran
  // while the run was under way, so the run was not occupying the main thread.
  let answersWhileRunning = 0;
  for (;;) {
    const state = await page.evaluate(() => document.body.dataset.state);
    if (state === 'running') answersWhileRunning++;
    else if (state === 'done' || state === 'error') break;
  }
  await waitForState(page, 'done');
  assert.ok(answersWhileRunning >= 2, `the main thread answered ${answersWhileRunning} times while the run was under way`);
  // The page's own figure: long tasks where the browser reports them, else timer lag.
  const card = page.locator('[data-testid=longest-task]');
  assert.equal(await card.getAttribute('data-supported'), String(ENGINE.longtask));
  if (ENGINE.longtask) {
    assert.match(await page.locator('#longest-task-note').textContent(), /longest main-thread task \d+ ms; timer lag ≤ \d+ ms|longest main-thread task 0 ms/);
  } else {
    assert.match(await page.locator('#longest-task-value').textContent(), /^timer lag \d+ ms$/);
    assert.match(await page.locator('#longest-task-note').textContent(), /does not report long tasks/);
    assert.ok(Number(await card.getAttribute('data-lag-ms')) >= 0, 'the timer-lag figure is present');
  }
  assertClean();
  await context.close();
});

/** Records every long task of the page from its first moment, in `window.__longTasks`. */
function recordLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
}

/** The longest task overlapping [from, now], after letting late entries arrive. */
async function longestSince(page, from) {
  await page.waitForTimeout(500);
  return page.evaluate((from) => Math.max(0, ...window.__longTasks
    .filter((t) => t.start + t.duration >= from)
    .map((t) => t.duration)), from);
}

test('the longest main-thread task during a 20,000-product parallel run is under 50 ms', { ...LONGTASK, perf: true }, async () => {
  const { page, context, assertClean } = await openPage(browser, 'about:blank');
  await context.addInitScript(recordLongTasks);
  await page.goto(`${server.url}?generate=20000&mode=parallel&runs=2`);
  await waitForState(page, 'ready', 120_000);
  assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '20000');
  assert.ok(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask')),
    'this browser reports long tasks');

  const from = await page.evaluate(() => performance.now());
  await run(page, 180_000);
  const longest = await longestSince(page, from);
  const median = Number(await page.locator('[data-testid=time-parallel]').getAttribute('data-median-ms'));
  assert.ok(median > 200, `the run is long enough to matter: parallel median ${median} ms`);
  assert.ok(longest < 50, `longest main-thread task during the run: ${longest} ms`);
  // The page measured the same and says so.
  const shown = Number(await page.locator('[data-testid=longest-task]').getAttribute('data-ms'));
  assert.ok(shown < 50, `the page shows ${shown} ms`);
  assert.match(await page.locator('#longest-task-note').textContent(), /longest main-thread task \d+ ms/);
  assertClean();
  await context.close();
});

test('the measurement can fail: a task that blocks the main thread is caught', LONGTASK, async () => {
  const { page, context, assertClean } = await openPage(browser, 'about:blank');
  await context.addInitScript(recordLongTasks);
  await page.goto(`${server.url}?generate=2000&mode=parallel&runs=2`);
  await waitForState(page, 'ready');
  const from = await page.evaluate(() => performance.now());
  // While the run is under way, block the main thread for 120 ms, as a bad page would.
  await actAndWait(page, async () => {
    await page.click('[data-testid=run]');
    // The run takes about a second; the block lands inside it.
    await page.evaluate(() => setTimeout(() => {
      const end = performance.now() + 120;
      while (performance.now() < end);
    }, 20));
  });
  const longest = await longestSince(page, from);
  assert.ok(longest >= 100, `the test's observer saw the 120 ms block, got ${longest} ms`);
  const shown = Number(await page.locator('[data-testid=longest-task]').getAttribute('data-ms'));
  assert.ok(shown >= 100, `the page shows the block too, got ${shown} ms`);
  assert.equal(await page.locator('#longest-task-value').textContent(), 'no');
  assertClean();
  await context.close();
});
