// The hooks bench/run.mjs reads, checked for their shape (never for their values: tests
// do not assert timings): the raw runs and phases on each timing row, the pool start and
// wasm start on the environment, the `shop-recs:ready` performance mark, and the
// `Engine.signatureDigest` benchmark hook in the page's worker.
import assert from 'node:assert/strict';
import {
  test, browser, openPage, run, server, useServerAndBrowser, waitForState } from './harness.mjs';

useServerAndBrowser({
  engines: ['chromium'],
  why: 'checks the hooks the benchmark reads, and the benchmark drives Chromium',
});

test('timing rows carry their raw runs and phases; the environment its start times', async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=30&mode=compare&runs=3&iterations=40&autorun=1`);
  await waitForState(page, 'done');
  for (const mode of ['serial', 'parallel', 'js', 'workers']) {
    const data = await page.locator(`[data-testid=time-${mode}]`).evaluate((row) => ({ ...row.dataset }));
    const runs = JSON.parse(data.runsMs);
    assert.equal(runs.length, 3, `${mode}: one entry per timed run`);
    assert.ok(runs.every((ms) => typeof ms === 'number' && ms >= 0), `${mode}: runs are numbers`);
    const sorted = [...runs].sort((a, b) => a - b);
    assert.equal(Number(data.medianMs), sorted[1], `${mode}: data-median-ms is the median of data-runs-ms`);
    assert.equal(Number(data.minMs), sorted[0], `${mode}: data-min-ms is their minimum`);
    const phases = JSON.parse(data.phasesMs);
    assert.equal(phases.length, 3, `${mode}: one split per timed run`);
    assert.ok(phases.every((p) => p.scoreMs >= 0 && p.rankMs >= 0), `${mode}: phases are numbers`);
  }
  const env = await page.locator('[data-testid=env]').evaluate((e) => ({ ...e.dataset }));
  assert.ok(Number(env.poolStartMs) >= 0, `data-pool-start-ms is a number, got ${env.poolStartMs}`);
  assert.ok(Number(env.wasmInitMs) >= 0, `data-wasm-init-ms is a number, got ${env.wasmInitMs}`);
  // The Workers mode's: how many, what they cost to start and hold, and how unevenly they worked.
  assert.equal(env.workersCount, env.threads, 'as many workers as pool threads');
  assert.ok(Number(env.workersStartMs) > 0 && Number(env.workersMemoryBytes) > 0 && Number(env.poolMemoryBytes) > 0,
    `workers start ${env.workersStartMs} ms, memory ${env.workersMemoryBytes} B; pool memory ${env.poolMemoryBytes} B`);
  const workers = await page.locator('[data-testid=time-workers]').evaluate((row) => ({ ...row.dataset }));
  assert.ok(Number(workers.imbalance) >= 1, `data-imbalance is slowest ÷ mean, at least 1: ${workers.imbalance}`);
  assert.equal(workers.split, 'interleaved');

  // The ready mark is set once, at the first 'ready', and a later run does not add one.
  await run(page);
  const marks = await page.evaluate(() => performance.getEntriesByName('shop-recs:ready').map((m) => m.startTime));
  assert.equal(marks.length, 1, 'exactly one shop-recs:ready mark');
  assert.ok(marks[0] > 0);
  assertClean();
  await context.close();
});

test('the worker can time the kernel against the naive reference, which agree', async () => {
  const { page, context, assertClean } = await openPage(browser, server.url);
  await waitForState(page, 'ready');
  const worker = page.workers().find((w) => /\/js\/worker\.js(\?|$)/.test(w.url()));
  assert.ok(worker, 'the page runs js/worker.js');
  const digests = await worker.evaluate(async () => {
    const { Engine } = await import(new URL('../shop-recs.js', self.location.href).href);
    const engine = Engine.generate(20, 42);
    try {
      return [7, 64].map((iterations) => [
        String(engine.signatureDigest(iterations, true)),
        String(engine.signatureDigest(iterations, false)),
      ]);
    } finally {
      engine.free();
    }
  });
  for (const [naive, kernel] of digests) assert.equal(kernel, naive);
  assert.notEqual(digests[0][0], digests[1][0], 'different iterations give different digests');
  assertClean();
  await context.close();
});

test('every pool thread can score the whole catalog at once (the ceiling probe)', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?threads=2`);
  await waitForState(page, 'ready');
  const worker = page.workers().find((w) => /\/js\/worker\.js(\?|$)/.test(w.url()));
  assert.ok(worker, 'the page runs js/worker.js');
  const result = await worker.evaluate(async () => {
    const { Engine, poolThreads } = await import(new URL('../shop-recs.js', self.location.href).href);
    const engine = Engine.generate(40, 42);
    try {
      const times = Array.from(engine.everyThreadSerial(engine.idAt(3), 50));
      let error = null;
      try {
        engine.everyThreadSerial('no-such-product', 50);
      } catch (e) {
        error = String(e.message);
      }
      return { times, threads: poolThreads(), error };
    } finally {
      engine.free();
    }
  });
  assert.equal(result.threads, 2);
  assert.equal(result.times.length, 2, 'one time per pool thread');
  assert.ok(result.times.every((ms) => typeof ms === 'number' && ms >= 0), `times: ${result.times}`);
  assert.match(result.error ?? '', /no-such-product/, 'an unknown target fails with its name');
  assertClean();
  await context.close();
});
