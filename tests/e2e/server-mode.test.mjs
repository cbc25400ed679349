// Server mode: the page asks `shop-recs serve`, the host it was loaded from, for the
// ranking, and compares it with the browser's own. Rankings identical to wasm serial,
// both timings (round trip and the server's compute), the catalog made known to the
// server (by id, or uploaded once and again after an eviction), and a page that stays
// usable when the server goes away or was never there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  test,
  REPO, browser, chooseMode, ENGINE, openPage, resultRows, run, screenshotPath, server, startServer, timings,
  useServerAndBrowser, waitForState,
} from './harness.mjs';
import { startStaticServer } from './static-server.mjs';

useServerAndBrowser();

/** The Server row's figures. */
async function serverTimes(page) {
  const row = page.locator('[data-testid=time-server]');
  return {
    median: Number(await row.getAttribute('data-median-ms')),
    min: Number(await row.getAttribute('data-min-ms')),
    compute: Number(await row.getAttribute('data-compute-ms')),
    catalog: await row.getAttribute('data-server-catalog'),
  };
}

/** Both timings are there, and the server's compute is part of its round trip. */
function assertBothTimings(times) {
  assert.ok(times.median > 0 && times.min > 0 && times.min <= times.median, `round trip ${JSON.stringify(times)}`);
  assert.ok(times.compute > 0 && times.compute <= times.median, `compute within the round trip ${JSON.stringify(times)}`);
}

/** Server mode (just run), then Serial on the same page: the same rows, score for score. Returns the server's figures. */
async function serverThenSerial(page) {
  await waitForState(page, 'done', 120_000);
  const times = await serverTimes(page);
  assertBothTimings(times);
  assert.match(await page.locator('#timings-note').textContent(), /network \+ JSON = -?[0-9.]+ ms/);
  const fromServer = await resultRows(page);
  assert.equal(fromServer.length, 10);
  await chooseMode(page, 'serial');
  await run(page);
  assert.deepEqual(await resultRows(page), fromServer, 'the server ranks exactly as wasm serial');
  return times;
}

test('mode=server on the bundled catalog and on generated 2,000: the serial ranking and both timings', async () => {
  const opened = await openPage(browser, `${server.url}?mode=server&runs=2&iterations=800&autorun=1`);
  const env = opened.page.locator('[data-testid=env]');
  const before = await serverThenSerial(opened.page);
  assert.equal(before.catalog, 'default', 'the bundled catalog is the server\'s own: referred to, not uploaded');
  assert.ok(Number(await env.getAttribute('data-server-threads')) >= 1);
  assert.match(await env.getAttribute('data-server-kernel'), /^(portable|avx2|avx512)$/);
  opened.assertClean();
  await opened.context.close();

  const generated = await openPage(browser, `${server.url}?generate=2000&mode=server&runs=2&iterations=500&autorun=1`);
  assert.equal((await serverThenSerial(generated.page)).catalog, 'generated-2000-42', 'a generated catalog is referred to by its id');
  await run(generated.page);
  assert.equal(await generated.page.locator('[data-testid=time-server]').getAttribute('data-median-ms'), null,
    'the Serial run shows no server row');
  generated.assertClean();
  await generated.context.close();
});

test('Compare includes the server: identical rankings, the ratio and the break-even round trip', {
  engines: ['chromium', 'firefox', 'webkit', 'webkit-sab'],
  why: 'every engine, with its pool (webkit-sab) and without (webkit)',
}, async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=2000&mode=compare&threads=2&runs=2&iterations=500&autorun=1`);
  await waitForState(page, 'done', 180_000);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assert.match(await page.locator('#identical-note').textContent(), /Server: same ranking/);
  const times = await timings(page);
  const serverRow = await serverTimes(page);
  assertBothTimings(serverRow);
  const browserModes = ENGINE.threads ? ['serial', 'parallel', 'js', 'workers'] : ['serial', 'js', 'workers'];
  const best = Math.min(...browserModes.map((mode) => times[mode].median));
  const breakEven = Number(await page.locator('[data-testid=break-even]').getAttribute('data-ms'));
  assert.ok(Math.abs(breakEven - (best - serverRow.compute)) < 1e-9, 'break-even = browser best − server compute');
  assert.match(await page.locator('#break-even-note').textContent(), breakEven > 0 ? /the server wins while/ : /the browser wins on any network/);
  const versus = await page.locator('[data-testid=server-vs-parallel]').getAttribute('data-value');
  if (ENGINE.threads) {
    assert.ok(Math.abs(Number(versus) - times.parallel.median / serverRow.median) < 1e-9, 'parallel median ÷ server median');
  } else {
    assert.equal(versus, null, 'no parallel run without a pool, so no ratio');
  }
  assert.equal(await page.locator('#bars rect').count(), browserModes.length + 1, 'a bar for the server too');
  await page.screenshot({ path: screenshotPath('server-compare'), fullPage: true });
  assertClean();
  await context.close();
});

test('a server whose catalog is the shop\'s database (serve --database): Compare includes it, identical rankings', async () => {
  // The bundled catalog imported into a SQLite file, and a server of its own reading it.
  const dir = mkdtempSync(join(tmpdir(), 'shop-recs-e2e-db-'));
  const database = `sqlite://${join(dir, 'shop.db')}`;
  const bin = process.env.SHOP_RECS_BIN ?? join(REPO, 'target', 'release', 'shop-recs');
  execFileSync(bin, ['import', join(REPO, 'www', 'catalog.json'), '--database', database]);
  const own = await startServer({ args: ['--database', database] });
  try {
    const info = await (await fetch(new URL('info', own.url))).json();
    assert.equal(info.catalog.source, 'database');
    assert.equal(info.database.kind, 'sqlite');
    const { page, context, assertClean } = await openPage(browser,
      `${own.url}?mode=compare&threads=2&runs=1&iterations=300&autorun=1`);
    await waitForState(page, 'done', 180_000);
    assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
    assert.match(await page.locator('#identical-note').textContent(), /Server: same ranking/);
    // The database's catalog has no file bytes to hash, so the page sends its own copy once.
    assert.match(await page.locator('[data-testid=time-server]').getAttribute('data-server-catalog') ?? '', /^[0-9a-f]{64}$/);
    assertClean();
    await context.close();
  } finally {
    await own.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a catalog from a file is uploaded once, scored, and uploaded again after the server evicted it', async () => {
  // A server of its own, with room for about one small catalog, so that the test can evict.
  const own = await startServer({ args: ['--catalog-memory', '600000'] });
  try {
    const products = Array.from({ length: 300 }, (_, k) => ({
      id: `item-${k}`, name: `Item ${k % 17} ${k % 5 ? 'red' : 'blue'}`, category: `c${k % 4}`,
      tags: [`t${k % 7}`], description: `A thing number ${k} with words ${k % 11} and ${k % 13}.`,
    }));
    const file = { name: 'small.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ products })) };
    const { page, context, assertClean } = await openPage(browser, `${own.url}?runs=1&iterations=300`);
    await waitForState(page, 'ready');
    await page.setInputFiles('[data-testid=catalog-file]', file);
    await page.waitForFunction(() => document.querySelector('[data-testid=catalog-count]').dataset.value === '300');
    await waitForState(page, 'ready');
    await chooseMode(page, 'server');
    await run(page);
    const uploaded = (await serverTimes(page)).catalog;
    assert.match(uploaded ?? '', /^[0-9a-f]{64}$/, 'an upload, known by its SHA-256');
    await serverThenSerial(page);
    await chooseMode(page, 'server');
    await run(page);
    assert.equal((await serverTimes(page)).catalog, uploaded, 'the same id, without a new upload');
    const stored = async () => (await (await fetch(new URL('info', own.url))).json()).stored_catalogs;
    assert.equal((await stored()).count, 1, 'uploaded once, not once per run');

    // Evict it: two generated catalogs of about 410 KB each overfill the 600 KB budget.
    for (const n of [1000, 1001]) {
      const r = await fetch(new URL(`catalogs/generated-${n}-1/products?limit=1`, own.url));
      assert.equal(r.status, 200);
    }
    assert.equal((await fetch(new URL(`catalogs/${uploaded}/products?limit=1`, own.url))).status, 404, 'evicted');
    await run(page);
    assert.equal((await serverTimes(page)).catalog, uploaded, 'uploaded again by itself, same id');
    assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
    assertClean([{
      pattern: /404|Not Found/,
      why: 'the request for the evicted catalog answers 404 before the page uploads it again',
    }]);
    await context.close();
  } finally {
    await own.close();
  }
});

test('the server stopped mid-session: Server says why and is turned off, the browser modes still work', async () => {
  const own = await startServer();
  let closed = false;
  try {
    // Compare first: it runs the server, and starts the Workers mode's workers, whose
    // scripts come from this host too (workers started before the host went away go on).
    const { page, context, assertClean } = await openPage(browser, `${own.url}?mode=compare&runs=1&iterations=300&autorun=1`);
    await waitForState(page, 'done');
    assertBothTimings(await serverTimes(page));
    await chooseMode(page, 'server');
    await own.close();
    closed = true;
    await page.click('[data-testid=run]');
    await waitForState(page, 'error');
    assert.match(await page.locator('[data-testid=error]').textContent(), /could not reach the server at http:\/\/127\.0\.0\.1:\d+.*browser modes still work/);
    assert.equal(await page.isDisabled('input[name=mode][value=server]'), true, 'Server is turned off');
    assert.match(await page.locator('#server-hint').textContent(), /the server stopped answering/);
    assert.equal(await page.locator('[data-testid=env]').getAttribute('data-server-threads'), null);
    assert.match(await page.locator('[data-testid=notices]').textContent(), /Server mode is off; using compare/);
    await chooseMode(page, 'serial');
    await run(page);
    assert.equal((await resultRows(page)).length, 10, 'serial still runs');
    await chooseMode(page, 'compare');
    await run(page);
    assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
    assert.equal((await timings(page)).serial.median > 0, true);
    assert.equal(await page.locator('[data-testid=time-server]').getAttribute('data-median-ms'), null, 'Compare leaves the server out');
    assertClean([{
      pattern: /ERR_CONNECTION_REFUSED|Failed to fetch|NetworkError|Load failed|Could not connect/i,
      why: 'the test stopped the server, and the worker\'s request to it fails',
    }]);
    await context.close();
  } finally {
    if (!closed) await own.close();
  }
});

test('on a static host without the API, Server mode is disabled with the reason', async () => {
  const host = await startStaticServer(join(REPO, 'dist'));
  try {
    const { page, context, assertClean } = await openPage(browser, `${host.url}?mode=server&runs=1&iterations=300&autorun=1`);
    await waitForState(page, 'done');
    assert.equal(await page.isDisabled('input[name=mode][value=server]'), true);
    assert.match(await page.locator('#server-hint').textContent(), /GET \/info answered HTTP 404: this page's host serves no shop-recs API/);
    assert.match(await page.locator('[data-testid=notices]').textContent(), /mode server needs the shop-recs API/);
    const env = page.locator('[data-testid=env]');
    assert.equal(await env.getAttribute('data-server-threads'), null);
    assert.equal(await env.getAttribute('data-server-kernel'), null);
    // It ran Compare instead, with the browser's modes.
    assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
    assert.equal(await page.locator('[data-testid=time-server]').getAttribute('data-median-ms'), null);
    assertClean([{
      pattern: /404|Not Found/,
      why: 'the page asks the static host for GET /info, which it does not serve',
    }]);
    await context.close();
  } finally {
    await host.close();
  }
});
