// "Pool or workers": the rayon pool (one instance, one shared memory, work stealing; needs
// cross-origin isolation) against the Workers mode (N single-thread instances, N copies of
// the catalog, a fixed split; runs on any page), on uniform and skewed catalogs, in one
// run of the page in headless Chromium. bench/run.mjs calls it in the full run and alone
// with --workers-only; bench/report-workers.mjs writes its section.
//
// Per catalog, on every hardware thread: wasm serial (for the efficiency), the pool with
// the pool at work shown (its efficiency and imbalance from its own spans), Workers
// interleaved and Workers in blocks, each its own visit of the page, in that order, with
// what each start-up and memory cost. Every ranking is held against native serial.

/**
 * `helpers`: `{ visit, cli, sameRanking, pageStats, BenchError, log }` from bench/run.mjs.
 * `cells`: `[{ n, skew }]`. Returns `{ hw, iterations, cells: [...] }`.
 */
export async function poolOrWorkers(browser, base, hw, { cells, iterations, runs }, helpers) {
  const {
    visit, cli, sameRanking, pageStats, BenchError, log,
  } = helpers;
  const out = [];
  for (const { n, skew } of cells) {
    const started = performance.now();
    const name = `generated ${n.toLocaleString('en-US')}${skew ? `, skew ${skew}%` : ''} × ${iterations}`;
    const native = await cli(['bench', '--generate', String(n), '--seed', '42', '--skew', String(skew),
      '--iterations', String(iterations), '--runs', '1', '--threads', String(hw), '--json']);
    const reference = native.ranking.map((r) => ({ id: r.id, score: r.score }));
    const params = (mode, extra = {}) => ({
      generate: String(n), skew: String(skew), product: native.target, mode, threads: String(hw),
      iterations: String(iterations), runs: String(runs), autorun: '1', ...extra,
    });
    const page = async (what, extra) => {
      const hooks = await visit(browser, base, params(extra.mode, extra.params), { timeoutMs: 900_000 });
      const mismatch = sameRanking(hooks.rows, reference);
      if (mismatch) throw new BenchError(`${name}: ${what} ranks differently from native serial: ${mismatch}`);
      return hooks;
    };
    const serial = await page('wasm serial', { mode: 'serial' });
    const pool = await page('the pool', { mode: 'parallel', params: { timeline: '1' } });
    if (pool.timeline?.identical !== 'true') throw new BenchError(`${name}: the pool at work ranked differently`);
    const workers = {};
    for (const split of ['interleaved', 'blocks']) {
      const hooks = await page(`Workers (${split})`, { mode: 'workers', params: { split } });
      if (hooks.workers?.count !== hw || hooks.workers.split !== split) throw new BenchError(`${name}: the page ran ${JSON.stringify(hooks.workers)}`);
      workers[split] = { ...pageStats(hooks.times.workers), ...hooks.workers, coordinatorBytes: hooks.memoryBytes };
    }
    const cell = {
      name,
      n,
      skew,
      byteSteps: native.byte_steps,
      serial: pageStats(serial.times.serial),
      pool: {
        ...pageStats(pool.times.parallel),
        threads: pool.threads,
        startMs: pool.poolStartMs,
        memoryBytes: pool.memoryBytes,
        efficiency: pool.timeline.efficiency,
        imbalance: pool.timeline.imbalance,
      },
      workers,
    };
    out.push(cell);
    log(`   ${name}: serial ${cell.serial.median.toFixed(1)}, pool ${cell.pool.median.toFixed(1)} ms (imbalance ${cell.pool.imbalance.toFixed(2)}), ` +
      `workers interleaved ${workers.interleaved.median.toFixed(1)} (${workers.interleaved.imbalance.toFixed(2)}), ` +
      `blocks ${workers.blocks.median.toFixed(1)} ms (${workers.blocks.imbalance.toFixed(2)})  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  return {
    hw, iterations, runs, cells: out, measuredAt: new Date().toISOString(),
  };
}
