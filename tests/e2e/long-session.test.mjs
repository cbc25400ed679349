// Long sessions: 200 runs in a row, mixing the five modes and two thread counts, and 10
// catalogs loaded one after another. After the first runs of each kind the wasm memory
// (`memory.buffer.byteLength`, which the page shows as data-wasm-memory-bytes) stops
// growing, the number of live workers stays bounded, and every run ranks exactly as the
// first did. The figures are printed.
import assert from 'node:assert/strict';
import {
  test,
  actAndWait, browser, chooseMode, openPage, resultRows, run, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser({
  engines: ['chromium'],
  why: 'a 200-run soak whose code paths the cross-engine scenarios cover per engine; it runs once, in Chromium, to keep the suite within CI time',
});

const MODES = ['serial', 'parallel', 'js', 'workers', 'compare'];
const memory = async (page) => Number(await page.locator('[data-testid=env]').getAttribute('data-wasm-memory-bytes'));
const liveWorkers = async (page) => Number(await page.locator('[data-testid=env]').getAttribute('data-live-workers'));
const mib = (bytes) => `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;

/** Waits (up to 10 s) until Playwright sees only `expected` workers; returns the time taken. */
async function workersSettle(page, expected) {
  const started = Date.now();
  while (page.workers().length > expected && Date.now() - started < 10_000) await page.waitForTimeout(50);
  return Date.now() - started;
}

test('200 runs mixing modes and thread counts: memory flat after warm-up, workers bounded, results identical', async () => {
  // 2,000 generated products: big enough for the scoring to allocate, small enough for
  // 200 runs to take about a minute.
  const { page, context, assertClean } = await openPage(browser, `${server.url}?generate=2000&runs=1&iterations=20&top=10&mode=serial`);
  await waitForState(page, 'ready');
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  const threadCounts = hw >= 2 ? [2, 1] : [1];
  const BLOCKS = 8;
  const RUNS_PER_BLOCK = 25;
  let reference = null; // the very first ranking: every later run must equal it
  const byKind = new Map(); // `${threads} threads, ${mode}` -> first ranking of that kind
  const blocks = [];
  let maxSeenWorkers = 0;
  let runs = 0;

  for (let block = 0; block < BLOCKS; block++) {
    const threads = threadCounts[block % threadCounts.length];
    if (String(threads) !== await page.locator('[data-testid=threads]').inputValue()) {
      await actAndWait(page, () => page.selectOption('[data-testid=threads]', String(threads)), 'ready');
    }
    assert.equal(await page.locator('[data-testid=env]').getAttribute('data-threads'), String(threads));
    const figures = { block, threads, memory: [], afterLoad: await memory(page) };
    for (let k = 0; k < RUNS_PER_BLOCK; k++) {
      const mode = MODES[k % MODES.length];
      await chooseMode(page, mode);
      await run(page);
      runs++;
      const rows = await resultRows(page);
      assert.equal(rows.length, 10);
      reference ??= rows;
      const kind = `${threads} ${threads === 1 ? 'thread' : 'threads'}, ${mode}`;
      if (!byKind.has(kind)) byKind.set(kind, rows);
      assert.deepEqual(rows, byKind.get(kind), `run ${runs} (${kind}) ranks as the first run of its kind`);
      assert.deepEqual(rows, reference, `run ${runs} (${kind}) ranks as the first run of all`);
      if (mode === 'compare') assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
      figures.memory.push(await memory(page));
      maxSeenWorkers = Math.max(maxSeenWorkers, page.workers().length);
      assert.equal(await liveWorkers(page), 1, 'the page runs one worker');
    }
    // Warm-up: the first run of each of the five modes in this instance.
    figures.afterWarmUp = figures.memory[MODES.length - 1];
    figures.atEnd = figures.memory.at(-1);
    figures.maxAfterWarmUp = Math.max(...figures.memory.slice(MODES.length - 1));
    // The page's worker, its pool's threads and the Workers mode's N workers (N = threads).
    figures.settleMs = await workersSettle(page, 1 + 2 * threads);
    figures.workers = page.workers().length;
    blocks.push(figures);
    console.log(`block ${block + 1}: ${threads} ${threads === 1 ? 'thread' : 'threads'}, runs ${runs - RUNS_PER_BLOCK + 1}-${runs}: wasm memory ` +
      `${mib(figures.afterLoad)} with the catalog loaded, ${mib(figures.memory[0])} after the 1st run, ${mib(figures.afterWarmUp)} after one run of each mode, ` +
      `${mib(figures.atEnd)} after ${RUNS_PER_BLOCK} runs; workers ${figures.workers} ` +
      `(Playwright, after ${figures.settleMs} ms), ${await liveWorkers(page)} owned by the page`);
    assert.equal(figures.maxAfterWarmUp, figures.afterWarmUp,
      `block ${block + 1}: the memory stops growing after the warm-up: ${figures.memory.join(', ')}`);
    assert.equal(figures.workers, 1 + 2 * threads, `block ${block + 1}: the worker, its ${threads} pool threads and its ${threads} share workers`);
  }
  assert.equal(runs, 200);
  // Each thread count's fresh instances end at about the same size, block after block
  // (they may differ by a page or so: the pool's threads start in a different order).
  for (const threads of threadCounts) {
    const ends = blocks.filter((b) => b.threads === threads).map((b) => b.atEnd);
    console.log(`${threads} ${threads === 1 ? 'thread' : 'threads'}: each instance ended at ${ends.map(mib).join(', ')}`);
    assert.ok(ends.every((bytes) => bytes <= ends[0] + 1024 * 1024), `${threads} threads: ${ends.map(mib).join(', ')}`);
  }
  console.log(`200 runs: ${byKind.size} kinds, all ranked identically; at most ${maxSeenWorkers} workers seen at once ` +
    `(terminated ones take ~2 s to leave Playwright's list), always 1 owned by the page`);
  assert.ok(maxSeenWorkers <= 2 * (1 + 2 * hw), `workers stay bounded: at most ${maxSeenWorkers}`);
  assertClean();
  await context.close();
});

/** A catalog file of `n` products with varied text, as JSON. */
function catalogJson(n, salt) {
  const words = ['red', 'matte', 'lipstick', 'kettle', 'steel', 'cotton', 'shirt', 'green', 'tea', 'leather',
    'wallet', 'running', 'shoe', 'oak', 'table', 'lamp', 'wool', 'scarf', 'ceramic', 'mug'];
  const products = Array.from({ length: n }, (_, i) => {
    const pick = (k) => words[(i * 7 + k * 13 + salt) % words.length];
    return {
      slug: `p${salt}-${i}`,
      name: `${pick(1)} ${pick(2)} ${i}`,
      description: Array.from({ length: 30 }, (_, k) => pick(k + 3)).join(' ') + ` item ${i}`,
      category: pick(4),
      tags: [pick(5), pick(6)],
    };
  });
  return JSON.stringify({ products });
}

test('loading 10 catalogs one after another does not grow the wasm memory without bound', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1&iterations=20&mode=compare`);
  await waitForState(page, 'ready');
  const figures = [];
  for (let k = 0; k < 10; k++) {
    let what;
    if (k % 2 === 0) {
      const n = 20_000 + k;
      what = `${n} generated`;
      await page.fill('[data-testid=generate-n]', String(n));
      await actAndWait(page, () => page.click('#generate'), 'ready', 120_000);
    } else {
      const n = 10_000 + k;
      const text = catalogJson(n, k);
      what = `${n} from a ${(text.length / (1024 * 1024)).toFixed(1)} MiB file`;
      await actAndWait(page, () => page.setInputFiles('[data-testid=catalog-file]', {
        name: `catalog-${k}.json`, mimeType: 'application/json', buffer: Buffer.from(text),
      }), 'ready', 120_000);
    }
    const count = Number(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'));
    const bytes = await memory(page);
    figures.push(bytes);
    console.log(`load ${k + 1}: ${what} products (${count}): wasm memory ${mib(bytes)}`);
  }
  // The memory holds the new catalog while the old one is freed, so it levels off at
  // about two catalogs; it must not keep climbing with every load. The allocator's
  // fragmentation may add a few MiB once (10% or 4 MiB); a catalog kept by mistake would
  // add its own size (8 to 9 MiB here) at every load.
  const early = Math.max(...figures.slice(0, 4));
  const late = Math.max(...figures.slice(4));
  console.log(`10 loads: at most ${mib(early)} over loads 1-4, at most ${mib(late)} over loads 5-10`);
  assert.ok(late <= Math.max(early * 1.1, early + 4 * 1024 * 1024), `memory keeps growing: ${figures.map(mib).join(', ')}`);
  // And the last catalog still runs.
  await run(page, 120_000);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assertClean();
  await context.close();
});
