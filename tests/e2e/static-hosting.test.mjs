// Static hosting without header control (GitHub Pages and the like): dist/ served with no
// isolation headers at all. coi-serviceworker.js adds them to same-origin responses, and
// js/isolate.js reloads the page once so that it is loaded through the service worker:
// then the page is cross-origin isolated and the rayon pool runs. A later load needs no
// reload, and a page the service worker cannot isolate never loops.
import assert from 'node:assert/strict';
import {
  test,
  browser, ENGINE, openPage, run, screenshotPath, server, timings, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser({ isolation: false });

const env = (page) => page.locator('[data-testid=env]');

/**
 * Compare ran the Workers mode, or skipped it with its reason. WebKitGTK does not start
 * the Workers mode's workers on a page isolated only by the service worker (the nested
 * workers' scripts are not served through it, so COEP blocks them): there Compare names
 * the reason and compares the other modes. Everywhere else they run.
 */
async function workersRanOrSaidWhy(page, t) {
  const row = page.locator('[data-testid=time-workers]');
  const median = await row.getAttribute('data-median-ms');
  const skipped = await row.getAttribute('data-skipped');
  if (ENGINE.name.startsWith('webkit') && median === null) {
    assert.match(skipped ?? '', /could not start/, 'WebKit: Workers skipped, with the reason');
    t.diagnostic(`Workers skipped in ${ENGINE.name} through the service worker: ${skipped}`);
  } else {
    assert.ok(Number(median) > 0, `Workers ran in Compare (skipped: ${skipped})`);
  }
}

test('the service worker isolates the page after one reload, and the next load does not reload', {
  engines: ['chromium', 'firefox', 'webkit-sab'],
  why: 'WebKitGTK as shipped has no SharedArrayBuffer: its own test below',
}, async (t) => {
  const { page, context, loads, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=2`);
  await waitForState(page, 'ready');
  assert.equal(loads.length, 2, `the first visit loads the page twice, no more: ${loads.join(', ')}`);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL), `${server.url}coi-serviceworker.js`);
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(await env(page).getAttribute('data-isolated'), 'true');
  assert.equal(await env(page).getAttribute('data-isolated-via'), 'service-worker');
  assert.equal(await env(page).getAttribute('data-build'), 'threaded');
  assert.equal(await env(page).getAttribute('data-threads'), String(hw), 'the pool has hardwareConcurrency threads');
  assert.equal(await page.locator('#env-problem').isHidden(), true);
  assert.equal(await page.isDisabled('input[name=mode][value=parallel]'), false);

  // Compare runs parallel too, and ranks exactly as serial and JS do.
  await run(page);
  const times = await timings(page);
  assert.ok(times.serial.median > 0 && times.parallel.median > 0 && times.js.median > 0);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  await workersRanOrSaidWhy(page, t);
  await page.screenshot({ path: screenshotPath('static-hosting-isolated'), fullPage: true });

  // A reload, and a fresh navigation to a link that runs parallel at once: the page is
  // already controlled, so it is isolated at once, with one load each.
  for (const [visit, state] of [
    [() => page.reload(), 'ready'],
    [() => page.goto(`${server.url}?mode=parallel&runs=1&autorun=1`), 'done'],
  ]) {
    loads.length = 0;
    await visit();
    await waitForState(page, state);
    assert.equal(loads.length, 1, `a later visit loads once: ${loads.join(', ')}`);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
    assert.equal(await env(page).getAttribute('data-threads'), String(hw));
  }
  assert.ok((await timings(page)).parallel.median > 0, 'the parallel run of the link ran');
  assertClean();
  await context.close();
});

// Browsers where the service worker runs but the page still is not isolated: the page
// must fall back to the single-thread build with the reason, after at most one reload.
// Simulated by hiding what the browser reports, before the page's scripts run.
const notIsolated = () => {
  Object.defineProperty(window, 'crossOriginIsolated', { get: () => false, configurable: true });
};
const notControlled = () => {
  Object.defineProperty(window, 'crossOriginIsolated', { get: () => false, configurable: true });
  Object.defineProperty(ServiceWorkerContainer.prototype, 'controller', { get: () => null, configurable: true });
};

for (const { name, initScript, reason } of [
  { name: 'the service worker serves the page but the browser does not isolate it', initScript: notIsolated, reason: /service worker that adds them is running, but the browser did not isolate the page/ },
  { name: 'the service worker never takes over the page', initScript: notControlled, reason: /did not take over the page after one reload/ },
]) {
  test(`no reload loop when ${name}`, {
    engines: ['chromium'],
    why: 'simulated with a script run before the page\'s own, which only Playwright (Chromium) offers',
  }, async () => {
    const { page, context, loads, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=1&autorun=1`, { initScript });
    await waitForState(page, 'done');
    assert.equal(loads.length, 2, `one reload, then the fallback: ${loads.join(', ')}`);
    assert.equal(await env(page).getAttribute('data-build'), 'single-thread');
    assert.match(await page.locator('#env-problem').textContent(), reason);
    assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
    // The address bar no longer asks for a run (autorun is not kept), so: 'ready'.
    for (let visit = 0; visit < 2; visit++) {
      loads.length = 0;
      await page.reload();
      await waitForState(page, 'ready');
      assert.equal(loads.length, 1, `no more reloads: ${loads.join(', ')}`);
      assert.equal(await env(page).getAttribute('data-build'), 'single-thread');
    }
    assertClean();
    await context.close();
  });
}

test('WebKit as shipped, without isolation headers: the service worker isolates the page, which still falls back to one thread', {
  engines: ['webkit'],
  why: 'WebKitGTK as shipped is the engine without SharedArrayBuffer; the others run the test above',
}, async (t) => {
  const { page, context, loads, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=1&autorun=1`);
  await waitForState(page, 'done');
  await workersRanOrSaidWhy(page, t);
  assert.equal(loads.length, 2, `the service worker's reload, once: ${loads.join(', ')}`);
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL), `${server.url}coi-serviceworker.js`);
  assert.equal(await env(page).getAttribute('data-isolated'), 'true');
  assert.equal(await env(page).getAttribute('data-isolated-via'), 'service-worker');
  assert.equal(await env(page).getAttribute('data-build'), 'single-thread');
  assert.match(await page.locator('#env-problem').textContent(), /no SharedArrayBuffer/);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  // No reload loop: the next load is one load.
  loads.length = 0;
  await page.reload();
  await waitForState(page, 'ready');
  assert.equal(loads.length, 1, `a later visit loads once: ${loads.join(', ')}`);
  await page.screenshot({ path: screenshotPath('static-hosting-single-thread') });
  assertClean();
  await context.close();
});
