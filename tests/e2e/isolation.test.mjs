// Without cross-origin isolation there is no SharedArrayBuffer and so no rayon pool: the
// page loads the single-thread build (the same source without atomics), says why,
// disables what needs the pool, and the rest still works.
//
// The pages here block service workers: otherwise coi-serviceworker.js would add the
// headers and make the page isolated after one reload (static-hosting.test.mjs). Only
// Playwright can block them, so that test is Chromium's. WebKitGTK as shipped reaches the
// same fallback for another reason, no SharedArrayBuffer even when isolated: its own
// test below is served with the headers.
import assert from 'node:assert/strict';
import {
  test,
  browser, chooseMode, openPage, resultRows, run, screenshotPath, server, startServer, timings, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser({ isolation: false });

/**
 * Without a pool: Parallel and Scaling are disabled (the thread count stays: it is the
 * Workers mode's N), and the Compare run that ended ran what it could, serial, JS and
 * the independent workers, which ranked identically.
 */
async function assertSingleThreadCompare(page) {
  assert.equal(await page.isDisabled('input[name=mode][value=parallel]'), true);
  assert.equal(await page.isDisabled('[data-testid=scaling]'), true);
  assert.equal(await page.isDisabled('[data-testid=threads]'), false, 'the thread count sets the Workers mode\'s N');
  const times = await timings(page);
  assert.ok(times.serial.median > 0 && times.js.median > 0 && times.workers.median > 0);
  assert.equal(times.parallel, null);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
}

/** Serial and JavaScript on their own, each ranking exactly as Compare did (`compared`). */
async function serialAndJsRankAs(page, compared) {
  for (const mode of ['serial', 'js']) {
    await chooseMode(page, mode);
    await run(page);
    assert.ok((await timings(page))[mode].median > 0, `${mode} ran`);
    assert.deepEqual(await resultRows(page), compared, `${mode} ranks as Compare did`);
  }
}

test('without isolation the page explains, disables parallel, and runs serial and JS', {
  engines: ['chromium'],
  why: 'blocks service workers, which only Playwright (Chromium) can',
}, async () => {
  const { page, context, loads, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=2&autorun=1`, { serviceWorkers: 'block' });
  // Every module the page and its workers fetch.
  const fetched = [];
  context.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await waitForState(page, 'done');
  const env = page.locator('[data-testid=env]');
  assert.equal(await env.getAttribute('data-isolated'), 'false');
  assert.equal(await env.getAttribute('data-threads'), '0', 'no pool');
  assert.equal(await env.getAttribute('data-build'), 'single-thread');
  assert.match(await env.textContent(), /wasm buildsingle-thread build/);
  assert.match(await page.locator('#env-problem').textContent(),
    /not cross-origin isolated.*Cross-Origin-Opener-Policy.*service worker.*could not be registered.*single-thread build/);
  assert.equal(await page.locator('#threads-hint').textContent(), 'no pool here (see Environment)');
  // The threaded build was never started, and the page did not reload.
  assert.ok(!fetched.includes('/shop-recs_bg.wasm') && !fetched.includes('/shop-recs.js'),
    `the threaded module must not load: ${fetched.join(', ')}`);
  assert.equal(loads.length, 1, `one load, no reload: ${loads.join(', ')}`);
  await assertSingleThreadCompare(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  const compared = await resultRows(page);

  await serialAndJsRankAs(page, compared);
  await page.screenshot({ path: screenshotPath('isolation-single-thread'), fullPage: true });

  // A link asking for parallel gets a message and a mode that can run.
  const other = await openPage(browser, `${server.url}?mode=parallel`, { serviceWorkers: 'block' });
  await waitForState(other.page, 'ready');
  assert.match(await other.page.locator('[data-testid=notices] li[data-param=mode]').textContent(), /needs the rayon pool/);
  assert.equal(await other.page.locator('input[name=mode]:checked').getAttribute('value'), 'compare');
  other.assertClean();
  await other.context.close();
  assertClean();
  await context.close();
});

test('WebKit as shipped: isolated but no SharedArrayBuffer, so the single-thread build, the reason, and serial and JS identical', {
  engines: ['webkit'],
  why: 'WebKitGTK as shipped is the engine without SharedArrayBuffer; the others have it',
}, async () => {
  // Served with the isolation headers: the page is isolated, and still has no shared memory.
  const isolated = await startServer();
  try {
    const { page, context, assertClean } = await openPage(browser, `${isolated.url}?mode=compare&runs=2&autorun=1`);
    await waitForState(page, 'done');
    assert.equal(await page.evaluate(() => [self.crossOriginIsolated, typeof SharedArrayBuffer].join()), 'true,undefined');
    const env = page.locator('[data-testid=env]');
    assert.equal(await env.getAttribute('data-isolated'), 'true');
    assert.equal(await env.getAttribute('data-build'), 'single-thread');
    assert.equal(await env.getAttribute('data-threads'), '0', 'no pool');
    assert.match(await page.locator('#env-problem').textContent(), /this browser has no SharedArrayBuffer.*single-thread build/);
    assert.equal(await page.locator('#threads-hint').textContent(), 'no pool here (see Environment)');
    // The autorun link ran Compare; the URL keeps the state.
    await assertSingleThreadCompare(page);
    assert.equal(new URL(page.url()).searchParams.get('mode'), 'compare');
    await serialAndJsRankAs(page, await resultRows(page));
    await page.screenshot({ path: screenshotPath('single-thread') });
    assertClean();
    await context.close();
  } finally {
    await isolated.close();
  }
});
