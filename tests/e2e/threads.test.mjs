// Threads: the pool is fixed-size per wasm instance, so a new count means a new worker
// and pool, without a page reload; Scaling measures 1..hardwareConcurrency threads and
// puts the user's count back. (Cancelling a run: cancel.test.mjs.)
import assert from 'node:assert/strict';
import {
  test,
  actAndWait, browser, chooseMode, openPage, resultRows, run, screenshotPath, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser({
  engines: ['chromium', 'firefox', 'webkit-sab'],
  why: 'needs the rayon pool (WebKitGTK as shipped has no SharedArrayBuffer)',
});

const dataThreads = (page) => page.locator('[data-testid=env]').getAttribute('data-threads');

test('changing threads 2 -> 1 -> 2 rebuilds the pool without a reload', async (t) => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?generate=500&mode=parallel&runs=1&iterations=200&threads=2`);
  await waitForState(page, 'ready');
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  if (hw < 2) t.skip(`needs at least 2 hardware threads, this browser reports ${hw}`);
  // A marker that a reload would wipe out.
  await page.evaluate(() => { window.__sameDocument = true; });
  assert.equal(await dataThreads(page), '2');
  await run(page);
  const reference = await resultRows(page);

  for (const threads of ['1', '2']) {
    await actAndWait(page, () => page.selectOption('[data-testid=threads]', threads), 'ready');
    assert.equal(await dataThreads(page), threads, `the pool now has ${threads} threads`);
    assert.match(await page.locator('#threads-hint').textContent(), new RegExp(`pool of ${threads} started in [0-9.]+ ms`));
    assert.equal(new URL(page.url()).searchParams.get('threads'), threads);
    // The catalog came back with the new worker, and a parallel run ranks as before.
    assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '500');
    await run(page);
    assert.deepEqual(await resultRows(page), reference, `${threads} threads rank the same`);
  }
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
  assertClean();
  await context.close();
});

test('Scaling measures 1..hardwareConcurrency threads and restores the thread count', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?generate=400&threads=1&runs=2&iterations=400`);
  await waitForState(page, 'ready');
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  await actAndWait(page, () => page.click('[data-testid=scaling]'), 'done', 120_000);
  const figure = page.locator('[data-testid=scaling-chart]');
  assert.ok(await figure.isVisible(), 'the scaling chart is shown');
  const points = JSON.parse(await figure.getAttribute('data-points'));
  assert.deepEqual(points.map((p) => p.threads), Array.from({ length: hw }, (_, k) => k + 1));
  assert.equal(points[0].speedup, 1, 'speedup is against 1 thread');
  assert.ok(points.every((p) => p.speedup > 0));
  assert.equal(await page.locator('#scaling-chart .ideal:not(.legend)').count(), 1, 'the ideal line is drawn');
  assert.equal(await page.locator('#scaling-chart .measured-dot').count(), hw);
  assert.equal(await dataThreads(page), '1', "the user's 1 thread is back");
  await page.screenshot({ path: screenshotPath('scaling'), fullPage: true });
  // And the page still works afterwards.
  await chooseMode(page, 'compare');
  await run(page);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assertClean();
  await context.close();
});
