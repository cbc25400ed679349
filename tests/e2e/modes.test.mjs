// The scorers and Compare: each mode runs on the default catalog (Parallel only where the
// engine has a pool; Server, since the tests' server serves the API); Compare on 2,000
// generated products and 2 threads ranks identically (and, in the perf tier, is faster in
// parallel); and the plain-JS scorer's rows equal the wasm's, score for score.
import assert from 'node:assert/strict';
import {
  test,
  browser, chooseMode, ENGINE, openPage, resultRows, run, screenshotPath, server, timings, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser();

test('the default catalog runs in each mode', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=2&iterations=500`);
  await waitForState(page, 'ready');
  assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '40');

  // Without a pool (WebKit as shipped) Parallel is disabled and Compare runs serial and JS.
  const expected = ENGINE.threads
    ? {
      serial: ['serial'], parallel: ['parallel'], js: ['js'], workers: ['workers'], server: ['server'], compare: ['serial', 'parallel', 'js', 'workers', 'server'],
    }
    : {
      serial: ['serial'], js: ['js'], workers: ['workers'], server: ['server'], compare: ['serial', 'js', 'workers', 'server'],
    };
  if (!ENGINE.threads) {
    assert.equal(await page.isDisabled('input[name=mode][value=parallel]'), true, 'no pool: Parallel is disabled');
  }
  let reference = null;
  for (const [mode, timed] of Object.entries(expected)) {
    await chooseMode(page, mode);
    await run(page);
    const rows = await resultRows(page);
    assert.equal(rows.length, 10, `${mode}: top 10 rows`);
    reference ??= rows;
    assert.deepEqual(rows, reference, `${mode}: the same ranking as the first mode`);
    const times = await timings(page);
    for (const m of ['serial', 'parallel', 'js', 'workers', 'server']) {
      if (timed.includes(m)) {
        assert.ok(times[m]?.median > 0 && times[m].min > 0 && times[m].min <= times[m].median,
          `${mode}: ${m} has a positive median and min <= median, got ${JSON.stringify(times[m])}`);
      } else {
        assert.equal(times[m], null, `${mode}: ${m} did not run, so it carries no time`);
      }
    }
    // Speedup only where serial and parallel both ran; identical only where modes were compared.
    const speedup = await page.locator('[data-testid=speedup]').getAttribute('data-value');
    assert.equal(speedup !== null, mode === 'compare' && ENGINE.threads,
      `${mode}: speedup is shown only for Compare, and only with a pool`);
    const identical = await page.locator('[data-testid=identical]').getAttribute('data-value');
    assert.equal(identical, mode === 'compare' ? 'true' : null);
    assert.match(new URL(page.url()).search, new RegExp(`mode=${mode}`), 'the URL follows the mode');
  }
  // Ranks are 1..10 in order, and the scores never increase down the table.
  const scores = reference.map((row) => Number(row.score));
  assert.ok(scores.every((s, k) => k === 0 || s <= scores[k - 1]), `scores descend: ${scores}`);
  assertClean();
  await context.close();
});

/** Compare on 2,000 generated products and 2 threads, run to the end. */
async function compare2000() {
  const opened = await openPage(browser, `${server.url}?generate=2000&mode=compare&threads=2&runs=3&autorun=1`);
  await waitForState(opened.page, 'done', 180_000);
  return opened;
}

const THREADED = { engines: ['chromium', 'firefox', 'webkit-sab'], why: 'needs the rayon pool (WebKitGTK as shipped has no SharedArrayBuffer)' };

test('Compare on 2,000 products and 2 threads: identical results, every figure from its runs', THREADED, async () => {
  const { page, context, assertClean } = await compare2000();
  assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '2000');
  assert.equal(await page.locator('[data-testid=env]').getAttribute('data-threads'), '2');
  // Generated on the pool, in pieces merged in order: the load says so, and it is the
  // catalog every mode (the workers' copies included) ranks identically.
  assert.equal(await page.locator('[data-testid=env]').getAttribute('data-load-threads'), '2');
  assert.ok(Number(await page.locator('[data-testid=env]').getAttribute('data-load-ms')) > 0, 'the load time is shown');
  assert.match(await page.locator('#catalog-detail').textContent(), /generated in [\d,.]+ ms on the pool's 2 threads/);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true',
    'serial, parallel and JS must rank identically');
  const speedup = Number(await page.locator('[data-testid=speedup]').getAttribute('data-value'));
  const times = await timings(page);
  assert.ok(speedup > 0, `a speedup is shown: ${speedup}`);
  assert.ok(Math.abs(speedup - times.serial.median / times.parallel.median) < 1e-9,
    'speedup is serial median / parallel median');
  const versus = Number(await page.locator('[data-testid=wasm-vs-js]').getAttribute('data-value'));
  assert.ok(Math.abs(versus - times.js.median / times.serial.median) < 1e-9, 'wasm-vs-JS is JS median / serial median');
  // Each mode shows its raw runs: 3 timed runs.
  for (const mode of ['serial', 'parallel', 'js', 'workers']) {
    const raw = await page.locator(`[data-testid=time-${mode}] .raw-runs`).textContent();
    assert.equal(raw.split(',').length, 3, `${mode} lists its 3 raw runs: ${raw}`);
  }
  // Serial, Parallel, JavaScript, Workers and, since this server serves the API, Server.
  assert.equal(await page.locator('#bars rect').count(), 5, 'one bar per mode');
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);

  // Into test-results/ (git-ignored); the README's picture comes from scripts/screenshot.mjs.
  await page.screenshot({ path: screenshotPath('compare'), fullPage: true });
  assertClean();
  await context.close();
});

test('Compare on 2,000 products and 2 threads: parallel is faster than serial', { ...THREADED, perf: true }, async (t) => {
  const { page, context, assertClean } = await compare2000();
  // The test machine may be busy with other work, which hurts the mode that needs both
  // cores most. One more Compare run settles a noisy first one; a parallel mode that is
  // really no faster fails both.
  if (Number(await page.locator('[data-testid=speedup]').getAttribute('data-value')) <= 1) {
    t.diagnostic(`first speedup ${await page.locator('[data-testid=speedup]').getAttribute('data-value')}; running Compare again`);
    await run(page, 180_000);
  }
  const speedup = Number(await page.locator('[data-testid=speedup]').getAttribute('data-value'));
  assert.ok(speedup > 1, `speedup on 2 threads must be over 1, got ${speedup} (${JSON.stringify(await timings(page))})`);
  assertClean();
  await context.close();
});

test('the plain-JS results equal the wasm results', async () => {
  // Every candidate of the default catalog, then a larger generated one.
  for (const [query, expectedRows] of [['?top=1000&runs=1', 39], ['?generate=2000&top=200&iterations=300&runs=1', 200]]) {
    const { page, context, assertClean } = await openPage(browser, `${server.url}${query}`);
    await waitForState(page, 'ready', 120_000);
    await chooseMode(page, 'js');
    await run(page);
    const js = await resultRows(page);
    await chooseMode(page, 'serial');
    await run(page);
    const serial = await resultRows(page);
    assert.equal(js.length, expectedRows);
    // data-score, data-text and data-attribute are the f64s as JS prints them (shortest
    // round trip), so equal strings are equal numbers.
    assert.deepEqual(js, serial, `${query}: JS rows must equal the serial wasm rows`);
    if (ENGINE.threads) {
      await chooseMode(page, 'parallel');
      await run(page);
      assert.deepEqual(await resultRows(page), serial, `${query}: parallel rows must equal the serial rows`);
    }
    assertClean();
    await context.close();
  }
});

test('compare=serial,parallel: a Compare of just those two, interleaved, the URL keeps it', THREADED, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&compare=serial,parallel&runs=2&iterations=200&autorun=1`);
  await waitForState(page, 'done', 120_000);
  const times = await timings(page);
  assert.ok(times.serial?.median > 0 && times.parallel?.median > 0, 'serial and parallel ran');
  assert.equal(times.js, null, 'JavaScript was left out');
  assert.equal(times.workers, null, 'Workers was left out');
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assert.equal(new URL(page.url()).searchParams.get('compare'), 'serial,parallel');
  assertClean();
  await context.close();
});
