// Foundation smoke test: the built page, served with the isolation headers, starts the
// rayon pool inside a worker with navigator.hardwareConcurrency threads, and a parallel
// run ranks exactly like a serial one.
import assert from 'node:assert/strict';
import {
  test, browser, ENGINE, openPage, screenshotPath, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser({
  engines: ['chromium', 'firefox', 'webkit-sab'],
  why: 'needs the rayon pool (WebKitGTK as shipped has no SharedArrayBuffer: isolation.test.mjs checks its fallback)',
});

test('the pool starts in a worker and parallel equals serial', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&autorun=1`);
  await waitForState(page, 'done');

  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  assert.equal(isolated, true, 'the page must be cross-origin isolated');

  // The UI thread never instantiated the wasm: only workers did.
  const mainThreadWasm = await page.evaluate(() =>
    performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm')));
  assert.equal(mainThreadWasm, false, 'the main thread must not fetch the wasm module');

  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  const env = page.locator('[data-testid=env]');
  assert.equal(await env.getAttribute('data-isolated'), 'true');
  assert.equal(Number(await env.getAttribute('data-hw')), hw);
  assert.equal(Number(await env.getAttribute('data-threads')), hw,
    'the pool must have navigator.hardwareConcurrency threads');
  // One worker owns the wasm; wasm-bindgen-rayon adds one nested worker per thread. Only
  // Playwright lists a page's workers; elsewhere the pool's own count above stands.
  if (ENGINE.playwright) {
    assert.ok(page.workers().length >= 1 + hw,
      `expected the owner worker plus ${hw} pool workers, saw ${page.workers().length}`);
  }

  const rows = page.locator('[data-testid=result-row]');
  assert.ok(await rows.count() > 0, 'a run shows ranked rows');
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true',
    'serial and parallel rankings must be identical');
  for (const mode of ['serial', 'parallel']) {
    const median = Number(await page.locator(`[data-testid=time-${mode}]`).getAttribute('data-median-ms'));
    assert.ok(median > 0, `${mode} median must be a positive time, got ${median}`);
  }

  await page.screenshot({ path: screenshotPath('foundation'), fullPage: true });
  assertClean();
  await context.close();
});
