// "Pool or workers": the rayon pool (one instance, one shared memory, pieces cut by
// cost; needs cross-origin isolation) against the Workers mode (N single-thread
// instances, N copies of the catalog, a fixed split; runs on any page), on uniform and
// skewed catalogs, in headless Chromium. bench/run.mjs calls it in the full run and alone
// with --workers-only; bench/report-workers.mjs writes its section.
//
// Per catalog, one visit of the page per Workers split (interleaved, blocks, balanced by
// cost), each a Compare of wasm serial, the pool and the workers only
// (`compare=serial,parallel,workers`): the three modes run in turn in every round, so a
// slow moment of the machine hurts each alike, and every ratio has its run-by-run spread.
// The balanced visit also shows the pool at work (`timeline=1`): the pool's imbalance
// from its own spans. Every ranking is held against native serial.

import { median } from '../www/js/format.js';

export const SPLITS = Object.freeze(['interleaved', 'blocks', 'balanced']);

/**
 * `helpers`: `{ visit, cli, sameRanking, BenchError, log }` from bench/run.mjs.
 * `cells`: `[{ n, skew }]`. Returns `{ hw, iterations, runs, cells: [...], measuredAt }`.
 */
export async function poolOrWorkers(browser, base, hw, { cells, iterations, runs }, helpers) {
  const {
    visit, cli, sameRanking, BenchError, log,
  } = helpers;
  const out = [];
  for (const { n, skew } of cells) {
    const started = performance.now();
    const name = `generated ${n.toLocaleString('en-US')}${skew ? `, skew ${skew}%` : ''} × ${iterations}`;
    const native = await cli(['bench', '--generate', String(n), '--seed', '42', '--skew', String(skew),
      '--iterations', String(iterations), '--runs', '1', '--threads', String(hw), '--json']);
    const reference = native.ranking.map((r) => ({ id: r.id, score: r.score }));
    const visits = {};
    for (const split of SPLITS) {
      const params = {
        generate: String(n), skew: String(skew), product: native.target, mode: 'compare', compare: 'serial,parallel,workers',
        split, threads: String(hw), iterations: String(iterations), runs: String(runs), autorun: '1',
        ...(split === 'balanced' ? { timeline: '1' } : {}),
      };
      const hooks = await visit(browser, base, params, { timeoutMs: 1_800_000 });
      const mismatch = sameRanking(hooks.rows, reference);
      if (mismatch) throw new BenchError(`${name}, ${split}: the page ranks differently from native serial: ${mismatch}`);
      if (hooks.identical !== 'true') throw new BenchError(`${name}, ${split}: the modes ranked differently`);
      if (hooks.workers?.count !== hw || hooks.workers.split !== split) throw new BenchError(`${name}: the page ran ${JSON.stringify(hooks.workers)}`);
      if (split === 'balanced' && hooks.timeline?.identical !== 'true') throw new BenchError(`${name}: the pool at work ranked differently`);
      visits[split] = {
        serialMs: hooks.times.serial.runs,
        poolMs: hooks.times.parallel.runs,
        workersMs: hooks.times.workers.runs,
        workersImbalance: hooks.workers.imbalance,
        workersStartMs: hooks.workers.startMs,
        workersMemoryBytes: hooks.workers.memoryBytes,
        poolStartMs: hooks.poolStartMs,
        poolMemoryBytes: hooks.memoryBytes,
        ...(hooks.timeline ? { poolImbalance: hooks.timeline.imbalance, poolEfficiency: hooks.timeline.efficiency } : {}),
      };
      log(`   ${name}, ${split}: serial ${median(visits[split].serialMs).toFixed(0)}, pool ${median(visits[split].poolMs).toFixed(0)}, ` +
        `workers ${median(visits[split].workersMs).toFixed(0)} ms`);
    }
    out.push({
      name, n, skew, byteSteps: native.byte_steps, visits,
    });
    log(`   ${name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return {
    hw, iterations, runs, cells: out, measuredAt: new Date().toISOString(),
  };
}
