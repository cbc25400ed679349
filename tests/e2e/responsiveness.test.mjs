// The UI thread never blocks: during a 20,000-product parallel run no main-thread task
// lasts 50 ms or more, measured here with a PerformanceObserver for 'longtask' of the
// test's own, and shown on the page by the page's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actAndWait, browser, openPage, run, server, useServerAndBrowser, waitForState } from './harness.mjs';

useServerAndBrowser();

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

test('the longest main-thread task during a 20,000-product parallel run is under 50 ms', async () => {
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

test('the measurement can fail: a task that blocks the main thread is caught', async () => {
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
