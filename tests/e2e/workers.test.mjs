// Workers mode: N independent workers, each with its own single-thread wasm instance and
// its own copy of the catalog, score a share of the candidates each; their top Ks merge
// into exactly the serial ranking. It needs no SharedArrayBuffer, so it is the parallel
// mode of a page that is not cross-origin isolated and of WebKitGTK as shipped. In every
// engine: the default and a generated catalog rank as Serial does, both splits; Compare
// includes Workers; a page that is not isolated runs 2 workers; Cancel stops a Workers
// run; a new N replaces the workers.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  test,
  actAndWait, browser, chooseMode, ENGINE, openPage, REPO, resultRows, run, screenshotPath, server, startServer, timings,
  useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser();

const EVERY_ENGINE = {
  engines: ['chromium', 'firefox', 'webkit', 'webkit-sab'],
  why: 'every engine: with a pool (webkit-sab) and without (webkit)',
};
const env = (page) => page.locator('[data-testid=env]');
const workersRow = (page) => page.locator('[data-testid=time-workers]');

/** The Workers run on the page: its row's figures and the workers' section. */
async function workersRun(page) {
  const row = workersRow(page);
  return {
    median: Number(await row.getAttribute('data-median-ms')),
    imbalance: Number(await row.getAttribute('data-imbalance')),
    workers: Number(await row.getAttribute('data-workers')),
    split: await row.getAttribute('data-split'),
    rows: await page.locator('#workers-rows tr').count(),
    memory: Number(await env(page).getAttribute('data-workers-memory-bytes')),
    count: await env(page).getAttribute('data-workers-count'),
  };
}

/** Runs Serial on the open page and returns its rows. */
async function serialRows(page) {
  await chooseMode(page, 'serial');
  await run(page);
  return resultRows(page);
}

test('Workers on a generated catalog with 2 workers, both splits: the serial ranking, the workers\' figures', EVERY_ENGINE, async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=2000&mode=workers&threads=2&runs=2&iterations=500&autorun=1`);
  await waitForState(page, 'done', 180_000);
  const interleaved = await workersRun(page);
  assert.equal(interleaved.workers, 2);
  assert.equal(interleaved.split, 'interleaved', 'interleaved is the default');
  assert.equal(interleaved.rows, 2, 'one row per worker');
  assert.equal(interleaved.count, '2');
  assert.ok(interleaved.median > 0 && interleaved.imbalance >= 1, JSON.stringify(interleaved));
  // Two instances, each with its own memory: more than one instance's worth.
  const pool = Number(await env(page).getAttribute('data-pool-memory-bytes'));
  assert.ok(pool > 0 && interleaved.memory > 0, `pool ${pool} B, workers ${interleaved.memory} B`);
  assert.match(await env(page).textContent(), /2 independent instances .* memory [\d.]+ [KMG]iB in all/);
  // The candidates: 1,999 in all, about half each.
  const counts = await page.$$eval('#workers-rows tr td:nth-child(2)', (cells) => cells.map((c) => Number(c.textContent.replace(/,/g, ''))));
  assert.deepEqual(counts, [1000, 999]);
  const workers = await resultRows(page);
  assert.equal(workers.length, 10);

  // Blocks: the same ranking; the URL keeps the split.
  await page.selectOption('[data-testid=split]', 'blocks');
  assert.equal(new URL(page.url()).searchParams.get('split'), 'blocks');
  await chooseMode(page, 'workers');
  await run(page, 180_000);
  assert.equal((await workersRun(page)).split, 'blocks');
  assert.deepEqual(await resultRows(page), workers, 'blocks rank as interleaved does');
  assert.deepEqual(await serialRows(page), workers, 'Workers rank exactly as Serial does (ids and f64 scores)');
  await page.screenshot({ path: screenshotPath('workers'), fullPage: true });
  assertClean();
  await context.close();
});

test('Compare includes Workers on the default catalog: identical, and the pool-vs-workers ratio', EVERY_ENGINE, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&threads=2&runs=2&autorun=1`);
  await waitForState(page, 'done', 120_000);
  const times = await timings(page);
  assert.ok(times.workers?.median > 0, 'Compare ran Workers');
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assert.match(await page.locator('#identical-note').textContent(), /Workers/);
  const ratio = await page.locator('[data-testid=pool-vs-workers]').getAttribute('data-value');
  if (ENGINE.threads) {
    assert.ok(Math.abs(Number(ratio) - times.workers.median / times.parallel.median) < 1e-9, 'workers median ÷ parallel median');
  } else {
    assert.equal(ratio, null, 'no pool, so no pool-vs-workers ratio');
  }
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  assertClean();
  await context.close();
});

test('a page that is not cross-origin isolated runs Workers with 2 workers', EVERY_ENGINE, async () => {
  // A static host without isolation headers and without the service worker's script: the
  // page cannot become isolated in any engine, so it runs the single-thread build.
  const dir = mkdtempSync(join(tmpdir(), 'shop-recs-no-sw-'));
  cpSync(join(REPO, 'dist'), dir, { recursive: true });
  rmSync(join(dir, 'coi-serviceworker.js'));
  const plain = await startServer({ isolation: false, dir });
  try {
    const { page, context, assertClean } = await openPage(browser,
      `${plain.url}?generate=2000&mode=workers&threads=2&runs=2&iterations=500&autorun=1`);
    await waitForState(page, 'done', 180_000);
    assert.equal(await env(page).getAttribute('data-isolated'), 'false');
    assert.equal(await env(page).getAttribute('data-build'), 'single-thread');
    // No pool: the catalog was generated on one thread, and the page says so.
    assert.equal(await env(page).getAttribute('data-load-threads'), '1');
    assert.match(await page.locator('#catalog-detail').textContent(), /generated in [\d,.]+ ms on one thread/);
    assert.equal(await page.isDisabled('input[name=mode][value=parallel]'), true, 'no pool: Parallel is off');
    assert.equal(await page.isDisabled('input[name=mode][value=workers]'), false);
    const got = await workersRun(page);
    assert.equal(got.workers, 2);
    assert.equal(got.count, '2');
    const workers = await resultRows(page);
    assert.deepEqual(await serialRows(page), workers, 'Workers rank exactly as Serial does');
    await page.screenshot({ path: screenshotPath('workers-not-isolated'), fullPage: true });
    assertClean([{
      pattern: /404|coi-serviceworker|service ?worker|ServiceWorker/i,
      why: 'this host has no coi-serviceworker.js on purpose, so registering it fails (a 404) and the page stays not isolated',
    }]);
    await context.close();
  } finally {
    await plain.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('WebKit as shipped: Workers is the page\'s parallel mode, Parallel stays off with its reason', {
  engines: ['webkit'],
  why: 'WebKitGTK as shipped is the engine without SharedArrayBuffer',
}, async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=2000&mode=workers&threads=2&runs=2&iterations=500&autorun=1`);
  await waitForState(page, 'done', 180_000);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'undefined');
  assert.equal(await page.isDisabled('input[name=mode][value=parallel]'), true);
  assert.match(await page.locator('#env-problem').textContent(), /no SharedArrayBuffer.*Workers/);
  assert.equal((await workersRun(page)).workers, 2);
  const workers = await resultRows(page);
  assert.deepEqual(await serialRows(page), workers, 'Workers rank exactly as Serial does');
  assertClean();
  await context.close();
});

test('a new N replaces the workers; the ranking stays', EVERY_ENGINE, async (t) => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=600&mode=workers&threads=2&runs=1&iterations=300&autorun=1`);
  await waitForState(page, 'done', 120_000);
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  if (hw < 2) t.skip(`needs at least 2 hardware threads, this browser reports ${hw}`);
  const reference = await resultRows(page);
  for (const threads of ['1', '2']) {
    await actAndWait(page, () => page.selectOption('[data-testid=threads]', threads), 'ready');
    assert.equal(new URL(page.url()).searchParams.get('threads'), threads);
    await run(page);
    const got = await workersRun(page);
    assert.equal(got.workers, Number(threads), `${threads} workers ran`);
    assert.equal(got.count, threads);
    assert.deepEqual(await resultRows(page), reference, `${threads} workers rank the same`);
  }
  assertClean();
  await context.close();
});

test('Cancel stops a Workers run; the next run starts the workers again', EVERY_ENGINE, async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=50000&mode=workers&threads=2&runs=5&iterations=15000`);
  await waitForState(page, 'ready', 180_000);
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.body.dataset.state === 'running');
  // Well into the run: its warm-up alone takes many seconds.
  await page.waitForTimeout(1500);
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'running');
  await actAndWait(page, () => page.click('[data-testid=cancel]'), 'ready', 120_000);
  assert.match(await page.locator('[data-testid=status]').textContent(), /^Cancelled\. The run stopped at once/);
  assert.equal(await env(page).getAttribute('data-workers-count'), null, 'the workers went with the run');
  assert.equal(await env(page).getAttribute('data-live-workers'), '1');
  // A short run on the same catalog: the workers start again.
  await page.fill('[data-testid=iterations]', '20');
  await page.fill('[data-testid=runs]', '1');
  await run(page, 180_000);
  assert.equal((await workersRun(page)).workers, 2);
  assert.equal(await env(page).getAttribute('data-workers-count'), '2');
  assertClean();
  await context.close();
});

test('a skewed catalog: the long products fall to the first block, and Workers still rank as Serial', EVERY_ENGINE, async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=2000&skew=5&split=blocks&mode=workers&threads=2&runs=1&iterations=200&autorun=1`);
  await waitForState(page, 'done', 180_000);
  assert.equal(new URL(page.url()).searchParams.get('skew'), '5', 'the URL keeps the skew');
  assert.match(await page.locator('#catalog-detail').textContent(), /skew 5%/);
  const got = await workersRun(page);
  assert.equal(got.split, 'blocks');
  const workers = await resultRows(page);
  assert.deepEqual(await serialRows(page), workers, 'Workers rank exactly as Serial does');

  // Balanced blocks, cut by estimated cost: fewer candidates in the block that holds the
  // long products, the same ranking.
  await page.selectOption('[data-testid=split]', 'balanced');
  assert.equal(new URL(page.url()).searchParams.get('split'), 'balanced');
  await chooseMode(page, 'workers');
  await run(page, 180_000);
  assert.equal((await workersRun(page)).split, 'balanced');
  const counts = await page.$$eval('#workers-rows tr td:nth-child(2)', (cells) => cells.map((c) => Number(c.textContent.replace(/,/g, ''))));
  assert.equal(counts.reduce((a, b) => a + b, 0), 1999, `every candidate once: ${counts}`);
  assert.ok(counts[0] < counts[1], `the first block holds the long products, so fewer of them: ${counts}`);
  assert.deepEqual(await resultRows(page), workers, 'balanced blocks rank as blocks do');
  assertClean();
  await context.close();
});

test('a skewed catalog unbalances blocks more than interleaved', { ...EVERY_ENGINE, perf: true }, async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=2000&skew=5&split=blocks&mode=workers&threads=2&runs=3&iterations=500&autorun=1`);
  await waitForState(page, 'done', 180_000);
  const blocks = (await workersRun(page)).imbalance;
  await page.selectOption('[data-testid=split]', 'interleaved');
  await run(page, 180_000);
  const interleaved = (await workersRun(page)).imbalance;
  assert.ok(blocks > 1.3 && blocks > interleaved, `blocks ${blocks}, interleaved ${interleaved}`);
  assertClean();
  await context.close();
});
