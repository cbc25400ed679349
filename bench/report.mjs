// Turns bench/run.mjs's measurements into bench/REPORT.md, bench/plot.svg and
// bench/results.json, and returns the summary table printed at the end of a run.
// Every figure is computed here from the measurements; none is written by hand.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMs, median, plural } from '../www/js/format.js';
import { verdictOf, verdictSentence } from '../www/js/results.js';
import {
  fmtInt, fmtX, table,
} from './markdown.mjs';
import { peerSections, summaryExtra, summaryExtraHeader } from './report-peers.mjs';
import { serverGoals, serverSection } from './report-server.mjs';
import { gridWorkersSection, poolOrWorkersSection } from './report-workers.mjs';
import { millionSection } from './report-million.mjs';
import { backendsSection, renderBackendsPlot } from './report-backends.mjs';
import { piecesSection } from './report-pieces.mjs';
import { threadsSection } from './report-threads.mjs';

export {
  fmtInt, fmtMs, fmtX, table,
};

// ---------------------------------------------------------------------------------------
// Formatting.

const fmtNs = (ns) => (ns === undefined || ns === null ? '—' : ns.toFixed(3));
const fmtMiB = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const fmtKB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
/** "lo to hi" of the numbers `xs`, each written by `f`. */
const fmtRange = (xs, f = (x) => x.toFixed(2)) => `${f(Math.min(...xs))} to ${f(Math.max(...xs))}`;

/** A plain-text table for the terminal. */
function textTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------
// Derived figures.

const nsPerStep = (cell, ms) => (ms === undefined ? undefined : ms * 1e6 / cell.byteSteps);

/** The figures of one cell that the summary, the goals and the plot use. */
export function derive(cell, hw) {
  const { page, native } = cell;
  const wasmParallel = page.parallel[hw];
  const nativeParallel = native.parallel[hw];
  return {
    wasmSerial: page.serial.median,
    wasmParallel: wasmParallel?.median,
    wasmSpeedup: wasmParallel ? page.serial.median / wasmParallel.median : undefined,
    wasmEfficiency: wasmParallel ? page.serial.median / wasmParallel.median / hw : undefined,
    js: page.js?.median,
    jsVsWasm: page.js ? page.js.median / page.serial.median : undefined,
    nativeSerial: native.serial.median,
    nativeParallel: nativeParallel.median,
    nativeSpeedup: native.serial.median / nativeParallel.median,
    nativeEfficiency: native.serial.median / nativeParallel.median / hw,
    wasmVsNative: page.serial.median / native.serial.median,
    wasmVsPortable: native.portable ? page.serial.median / native.portable.serial.median : undefined,
    portableEfficiency: native.portable ? native.portable.serial.median / native.portable.parallel[hw].median / hw : undefined,
    wasmNs: nsPerStep(cell, page.serial.median),
    jsNs: nsPerStep(cell, page.js?.median),
    nativeNs: nsPerStep(cell, native.serial.median),
    portableNs: nsPerStep(cell, native.portable?.serial.median),
  };
}

function summaryRows(results) {
  const { hw } = results;
  return results.cells.map((cell) => {
    const d = derive(cell, hw);
    return [
      cell.label, fmtInt(cell.iterations),
      fmtMs(d.wasmSerial), fmtMs(d.wasmParallel), fmtX(d.wasmSpeedup), d.wasmEfficiency?.toFixed(2) ?? '—',
      fmtMs(d.js), fmtX(d.jsVsWasm, 1),
      fmtMs(d.nativeSerial), fmtMs(d.nativeParallel), d.nativeEfficiency.toFixed(2),
      fmtX(d.wasmVsNative, 1), fmtX(d.wasmVsPortable),
      ...summaryExtra(cell, hw),
    ];
  });
}

function summaryHeader(hw) {
  return [
    'catalog', 'iterations',
    'wasm serial ms', `wasm parallel (${hw}) ms`, 'wasm speedup', 'wasm efficiency',
    'JS ms', 'JS / wasm serial',
    'native serial ms', `native parallel (${hw}) ms`, 'native efficiency',
    'wasm / native serial', 'wasm / native portable',
    ...summaryExtraHeader(hw),
  ];
}

// ---------------------------------------------------------------------------------------
// The parallel ceiling (an experiment: see ceilingProbe in run.mjs).

/**
 * One side of a ceiling probe (`{ serial, every, parallel }`, run by run) reduced to
 * medians. Per round: the ceiling is the mean over threads of serial ÷ that thread's time
 * while every thread ran a whole serial run at once (1 = each thread as fast as one
 * alone); the efficiency is serial ÷ (threads × parallel); their ratio is the share of
 * the ceiling the pool reached. Each is the median over rounds, so a round's three runs
 * share the machine's state.
 */
export function ceilingStats({ serial, every, parallel }) {
  const threads = every[0].length;
  const ceiling = every.map((round, r) => round.reduce((sum, ms) => sum + serial[r] / ms, 0) / round.length);
  const efficiency = serial.map((ms, r) => ms / (threads * parallel[r]));
  return {
    threads,
    rounds: serial.length,
    serial: median(serial),
    every: median(every.flat()),
    parallel: median(parallel),
    ceiling: median(ceiling),
    ceilingRange: [Math.min(...ceiling), Math.max(...ceiling)],
    efficiency: median(efficiency),
    efficiencyRange: [Math.min(...efficiency), Math.max(...efficiency)],
    efficiencies: efficiency,
    share: median(efficiency.map((e, r) => e / ceiling[r])),
  };
}

/**
 * Every probe of the run, reduced once: `{ probe, sides, stats }`, where `sides` lists
 * wasm (the page's module), native portable and native as built, in that order, each
 * with its label and ceilingStats, and `stats` holds the same stats by side.
 */
function ceilingProbes(results) {
  return (results.ceiling ?? []).map((probe) => {
    const sides = [{ key: 'wasm', label: 'wasm (portable kernel, the page\'s module)', data: probe.wasm }];
    if (probe.native.portable) sides.push({ key: 'portable', label: 'native, portable kernel', data: probe.native.portable });
    if (probe.native.auto) sides.push({ key: 'auto', label: `native, ${probe.native.auto.kernel} kernel`, data: probe.native.auto });
    for (const side of sides) side.stats = ceilingStats(side.data);
    return { probe, sides, stats: Object.fromEntries(sides.map((side) => [side.key, side.stats])) };
  });
}

function ceilingTable(probes) {
  const rows = [];
  for (const { probe, sides } of probes) {
    for (const { label, stats: c } of sides) {
      rows.push([`generated ${fmtInt(probe.products)} × ${fmtInt(probe.iterations)}`, label, String(c.rounds), fmtMs(c.serial), fmtMs(c.every), fmtMs(c.parallel),
        `${c.ceiling.toFixed(2)} (${fmtRange(c.ceilingRange)})`, `${c.efficiency.toFixed(2)} (${fmtRange(c.efficiencyRange)})`, c.share.toFixed(2)]);
    }
  }
  return table(['catalog', 'side', 'rounds', 'serial ms', 'every thread at once: ms per thread', 'parallel ms', 'ceiling (lowest to highest round)', 'efficiency (lowest to highest round)', 'efficiency ÷ ceiling'], rows, ['l', 'l']);
}

// ---------------------------------------------------------------------------------------
// The goals.

function goals(results) {
  const { hw, cells, kernel, startup } = results;
  const out = [];
  const big = cells.filter((c) => c.products >= 2000 && c.iterations >= 1500);

  // 1. Parallel efficiency.
  {
    const figures = [];
    for (const cell of big) {
      for (let t = 2; t <= hw; t++) {
        const wasm = cell.page.parallel[t];
        if (wasm) figures.push({ what: `wasm, ${cell.label} × ${fmtInt(cell.iterations)}, ${t} threads`, value: cell.page.serial.median / wasm.median / t, cell, t, side: 'wasm' });
        const native = cell.native.parallel[t];
        figures.push({ what: `native, ${cell.label} × ${fmtInt(cell.iterations)}, ${t} threads`, value: cell.native.serial.median / native.median / t, cell, t, side: 'native' });
      }
    }
    const worst = figures.reduce((a, b) => (b.value < a.value ? b : a), figures[0]);
    const goal = { name: 'parallel efficiency ≥ 0.90 at 2,000 products × 1500 iterations and above', figures };
    if (!figures.length) {
      Object.assign(goal, { met: null, figure: `not measurable: ${hw} hardware thread` });
    } else {
      const wasmFigures = figures.filter((f) => f.side === 'wasm');
      const nativeFigures = figures.filter((f) => f.side === 'native');
      const range = (fs) => (fs.length ? fmtRange(fs.map((f) => f.value)) : '—');
      Object.assign(goal, {
        met: worst.value >= 0.9,
        figure: `wasm ${range(wasmFigures)}, native ${range(nativeFigures)} (lowest: ${worst.what}, ${worst.value.toFixed(2)})`,
        worst,
      });
    }
    out.push(goal);
  }

  // 2. wasm serial vs native serial.
  {
    const ratios = cells.map((c) => ({ cell: c, value: c.page.serial.median / c.native.serial.median }));
    const portable = cells.filter((c) => c.native.portable).map((c) => ({ cell: c, value: c.page.serial.median / c.native.portable.serial.median }));
    const max = (fs) => fs.reduce((a, b) => (b.value > a.value ? b : a), fs[0]);
    const worst = max(ratios);
    const worstPortable = portable.length ? max(portable) : null;
    const nativeKernel = cells[0].kernel;
    out.push({
      name: 'wasm serial ≤ 1.3 × native serial',
      met: worst.value <= 1.3,
      figure: `${Math.min(...ratios.map((r) => r.value)).toFixed(2)}× to ${worst.value.toFixed(2)}× against native as built (the ${nativeKernel} kernel)` +
        (worstPortable ? `; ${Math.min(...portable.map((r) => r.value)).toFixed(2)}× to ${worstPortable.value.toFixed(2)}× against native with the portable kernel, the same scalar code wasm runs (${portable.filter((r) => r.value > 1.3).length ? `over 1.3× in ${portable.filter((r) => r.value > 1.3).length} of ${portable.length} cells` : 'within 1.3× in every cell'})` : ''),
      worst,
      worstPortable,
    });
  }

  // 3. Plain JS vs wasm serial.
  {
    const ratios = cells.filter((c) => c.page.js).map((c) => ({ cell: c, value: c.page.js.median / c.page.serial.median }));
    const worst = ratios.reduce((a, b) => (b.value < a.value ? b : a), ratios[0]);
    out.push({
      name: 'plain JS ≥ 3 × slower than wasm serial',
      met: worst.value >= 3,
      figure: `${worst.value.toFixed(2)}× to ${Math.max(...ratios.map((r) => r.value)).toFixed(2)}× (lowest: ${worst.cell.label} × ${fmtInt(worst.cell.iterations)})`,
      worst,
    });
  }

  // 4. Ready within 1 s.
  {
    const ready = median(startup.map((s) => s.readyMs));
    const slowest = Math.max(...startup.map((s) => s.readyMs));
    out.push({
      name: 'ready within 1 s of navigation on localhost',
      met: slowest <= 1000,
      figure: `median ${Math.round(ready)} ms, slowest ${Math.round(slowest)} ms over ${startup.length} fresh visits`,
      ready,
    });
  }

  // 5. The kernel against the naive reference.
  {
    const auto = kernel.native.kernels.find((k) => k.name === kernel.native.detected);
    const portable = kernel.native.kernels.find((k) => k.name === 'portable');
    const wasm = kernel.wasm.naiveNs / kernel.wasm.kernelNs;
    out.push({
      name: 'kernel ≥ 2 × faster per byte-step than the naive reference, natively and in wasm',
      met: auto.vs_naive >= 2 && wasm >= 2,
      figure: `native ${auto.vs_naive.toFixed(2)}× (${auto.name}, ${auto.lanes} lanes; the portable kernel ${portable.vs_naive.toFixed(2)}×), wasm ${wasm.toFixed(2)}× (portable, ${portable.lanes} lanes)`,
      auto,
      portable,
      wasm,
    });
  }
  if (results.server) out.push(...serverGoals(results.server));
  return out;
}

/** Measured figures beside each missed goal: what the run saw, not a guess. */
function causes(results, goalList, probes) {
  const { hw, cells, kernel, startup, loadAverage } = results;
  const lines = [];
  const load = `load average (1 min) ${loadAverage.start[0].toFixed(2)} at the start and ${loadAverage.end[0].toFixed(2)} at the end, on ${results.machine.cores} cores`;
  for (const goal of goalList) {
    if (goal.met !== false) continue;
    if (goal.name.startsWith('parallel efficiency')) {
      const { cell, t, side } = goal.worst;
      const serial = side === 'wasm' ? cell.page.serial : cell.native.serial;
      const par = side === 'wasm' ? cell.page.parallel[t] : cell.native.parallel[t];
      const one = side === 'wasm' ? cell.page.parallel[1] : cell.native.parallel[1];
      const other = side === 'wasm' ? cell.native.serial.median / cell.native.parallel[t].median / t : cell.page.parallel[t] ? cell.page.serial.median / cell.page.parallel[t].median / t : undefined;
      const portable = cell.native.portable && { serial: cell.native.portable.serial, parallel: cell.native.portable.parallel[hw] };
      const slowRuns = (runs, serialMedian) => runs.filter((ms) => ms >= 0.9 * serialMedian).length;
      const parts = [
        `**Parallel efficiency** (lowest ${goal.worst.value.toFixed(2)}, ${goal.worst.what}). Measured in the same run:`,
        `the ${load};`,
        `the ${side === 'wasm' ? 'native' : 'wasm'} efficiency on the same cell and thread count: ${other?.toFixed(2) ?? '—'};`,
        portable ? `native with the portable kernel (the same scalar code as wasm, so runs of about the same length): efficiency ${(portable.serial.median / portable.parallel.median / hw).toFixed(2)}, ` +
          `and ${slowRuns(portable.parallel.runs, portable.serial.median)} of its ${portable.parallel.runs.length} parallel runs took at least 0.9 × its serial median (${portable.parallel.runs.map(fmtMs).join(', ')} ms against ${fmtMs(portable.serial.median)}), ` +
          `against ${slowRuns(par.runs, serial.median)} of ${par.runs.length} for ${side === 'wasm' ? 'wasm' : `native (${cell.kernel})`} (${par.runs.map(fmtMs).join(', ')} ms against ${fmtMs(serial.median)}): a parallel run as slow as a serial one got no more than one core's work done;` : '',
        one ? `a one-thread pool against serial: ${fmtX(one.median / serial.median)} (the pool's own overhead);` : '',
        side === 'wasm' && par.rankMs !== undefined ? `the serial part of a parallel run (selecting the top K, the page's "sorting" phase): ${fmtMs(par.rankMs)} ms of ${fmtMs(par.median)} ms;` : '',
        `the spread of the parallel runs: min ${fmtMs(par.min)}, median ${fmtMs(par.median)}, max ${fmtMs(par.max)} ms.`,
      ];
      let text = parts.filter(Boolean).join(' ');
      if (probes.length) {
        text += '\n  - **The parallel ceiling**, measured in the same run (the experiment below: rounds of one serial run, then every pool thread running a whole serial run at once with nothing split or shared, then one parallel run):';
        for (const { probe, stats: { wasm: w, portable: p, auto: a } } of probes) {
          const others = [p ? `native portable ${p.ceiling.toFixed(2)}` : '', a ? `native ${probe.native.auto.kernel} ${a.ceiling.toFixed(2)}` : ''].filter(Boolean).join(', ');
          text += `\n    - generated ${fmtInt(probe.products)} × ${fmtInt(probe.iterations)}: with all ${w.threads} threads busy, each wasm thread ran at ${w.ceiling.toFixed(2)} of the speed of one thread alone ` +
            `(${fmtRange(w.ceilingRange)} over ${w.rounds} rounds${others ? `; ${others}` : ''}); wasm's parallel efficiency in the same rounds was ${w.efficiency.toFixed(2)} (${fmtRange(w.efficiencyRange)}), ` +
            `and round by round it reached ${w.share.toFixed(2)} of that round's ceiling (the median${p ? `; native portable ${p.share.toFixed(2)}` : ''}).`;
        }
        const worst = probes.reduce((x, y) => (y.stats.wasm.share < x.stats.wasm.share ? y : x), probes[0]);
        const lowest = Math.min(...probes.map(({ stats }) => stats.wasm.ceilingRange[0]));
        const nativeLowest = Math.min(...probes.flatMap(({ stats }) => [stats.portable, stats.auto].filter(Boolean).map((c) => c.ceilingRange[0])));
        const rounds = probes.flatMap(({ stats }) => stats.wasm.efficiencies);
        text += worst.stats.wasm.share >= 0.9
          ? `\n  - **So the cause is mostly the machine, not the pool.** In every probe the pool reached at least ${worst.stats.wasm.share.toFixed(2)} of the ceiling (the lowest: generated ${fmtInt(worst.probe.products)} × ${fmtInt(worst.probe.iterations)}). ` +
            `In those rounds, where serial and parallel runs alternate and share the machine's state, wasm's parallel efficiency was at least 0.90 in ${rounds.filter((e) => e >= 0.9).length} of ${rounds.length} rounds. ` +
            `The ceiling itself moves from round to round: with no work split and nothing shared, two busy threads each ran as slowly as ${lowest.toFixed(2)} of one thread alone in wasm and ${nativeLowest.toFixed(2)} natively, ` +
            `so a parallel run is held to what the machine gives every thread at once, while a serial run gets the fastest single thread it can.`
          : `\n  - **The pool is part of the cause.** At generated ${fmtInt(worst.probe.products)} × ${fmtInt(worst.probe.iterations)} the pool reached only ${worst.stats.wasm.share.toFixed(2)} of the ceiling the machine allowed in the same rounds.`;
        if (results.steal) text += ` The hypervisor reported ${results.steal.seconds.toFixed(1)} s of stolen CPU time (\`/proc/stat\` steal) over the whole run of ${Math.round(results.durationS)} s, so these slowdowns are not visible as steal inside this machine.`;
      }
      lines.push(text);
      continue;
    } else if (goal.name.startsWith('wasm serial')) {
      const auto = kernel.native.kernels.find((k) => k.name === kernel.native.detected);
      const portable = kernel.native.kernels.find((k) => k.name === 'portable');
      const like = cells.filter((c) => c.native.portable).map((c) => ({ cell: c, value: c.page.serial.median / c.native.portable.serial.median }));
      const over = like.filter((r) => r.value > 1.3);
      const simd = kernel.wasmBuilds.find((b) => b.key === 'simd128');
      let text = `**wasm serial against native** (highest ${goal.worst.value.toFixed(2)}×, ${goal.worst.cell.label} × ${fmtInt(goal.worst.cell.iterations)}). ` +
        `Natively the CLI runs the ${auto.name} kernel (${auto.lanes} lanes in vector registers) at ${fmtNs(auto.ns_per_byte_step)} ns per byte-step; ` +
        `wasm runs the portable kernel (${portable.lanes} scalar lanes) at ${fmtNs(kernel.wasm.kernelNs)} ns, and the same portable kernel natively at ${fmtNs(portable.ns_per_byte_step)} ns (kernel benchmark below). ` +
        `So the gap is the vector kernel: natively, ${auto.name} is ${fmtX(portable.ns_per_byte_step / auto.ns_per_byte_step)} faster per byte-step than the portable kernel, while wasm's kernel takes ${fmtX(kernel.wasm.kernelNs / portable.ns_per_byte_step)} the native portable kernel's time.`;
      if (like.length) {
        text += ` Against native with the portable kernel (\`shop-recs bench --kernel portable\`, the same scalar code), wasm serial is ${Math.min(...like.map((r) => r.value)).toFixed(2)}× to ${Math.max(...like.map((r) => r.value)).toFixed(2)}×, within 1.3× in ${like.length - over.length} of ${like.length} cells`;
        text += over.length
          ? `; over it in ${over.map(({ cell: c, value }) => `${c.label} × ${fmtInt(c.iterations)} (${value.toFixed(2)}×: medians ${fmtMs(c.page.serial.median)} against ${fmtMs(c.native.portable.serial.median)} ms, ` +
            `minimums ${fmtMs(c.page.serial.min)} against ${fmtMs(c.native.portable.serial.min)} ms, wasm runs ${c.page.serial.runs.map(fmtMs).join(', ')} ms; the call across the wasm boundary took ${fmtMs(c.page.serial.outsideMs)} ms of each)`).join('; ')}.`
          : '.';
      }
      if (simd) text += ` wasm's only wider multiply, \`i64x2.mul\` (simd128), made the kernel slower, not faster: ${fmtNs(simd.kernelNs)} ns per byte-step against ${fmtNs(kernel.wasm.kernelNs)} for the page's scalar build.`;
      lines.push(text);
    } else if (goal.name.startsWith('plain JS')) {
      const c = goal.worst.cell;
      const d = derive(c, hw);
      lines.push(`**Plain JS against wasm serial** (lowest ${goal.worst.value.toFixed(2)}×, ${c.label} × ${fmtInt(c.iterations)}): JS ${fmtNs(d.jsNs)} ns per byte-step against wasm ${fmtNs(d.wasmNs)} ns. ` +
        'Each JS byte-step is two 32-bit halves (two `Math.imul`, a shift, a float multiply for the carry, adds); wasm does one `i64.mul`.');
    } else if (goal.name.startsWith('ready')) {
      const init = median(startup.map((s) => s.wasmInitMs ?? NaN));
      const pool = median(startup.map((s) => s.poolStartMs ?? NaN));
      lines.push(`**Ready time** (median ${Math.round(goal.ready)} ms): of which wasm instantiation ${fmtMs(init)} ms and pool start ${fmtMs(pool)} ms (the page's own timings, medians); the rest is loading the page, its worker and the catalog. ${load}.`);
    } else if (goal.name.startsWith('kernel')) {
      lines.push(`**Kernel against naive**: native ${goal.auto.name} ${goal.auto.vs_naive.toFixed(2)}×, portable ${goal.portable.vs_naive.toFixed(2)}×; wasm ${goal.wasm.toFixed(2)}×. ` +
        `The portable kernel is bound by one 64-bit multiply per cycle (${fmtNs(goal.portable.ns_per_byte_step)} ns per step), and the naive reference already overlaps its per-word chains (${fmtNs(results.kernel.native.naive_ns_per_byte_step)} ns).`);
    }
  }
  return lines;
}

/** The four things the report must fix where they are in reach, each with this run's figures. */
function inReach(results, probes) {
  const { kernel, cells, hw } = results;
  const auto = kernel.native.kernels.find((k) => k.name === kernel.native.detected);
  const portable = kernel.native.kernels.find((k) => k.name === 'portable');
  const simd = kernel.wasmBuilds.find((b) => b.key === 'simd128');
  const outside = cells.map((c) => c.page.serial.outsideMs).filter((x) => x !== undefined);
  const wasm = probes.map(({ stats }) => stats.wasm);
  const share = wasm.map((c) => c.share);
  const spread = Math.min(...wasm.map((c) => c.ceilingRange[1] - c.ceilingRange[0]));
  const one = cells.filter((c) => c.products >= 2000 && c.page.parallel[1]).map((c) => c.page.parallel[1].median / c.page.serial.median);
  return [
    `**The kernel's multiply chains** (fixed): every word is hashed under ${portable.lanes} seeds at once, ${portable.lanes} independent FNV chains in scalar registers instead of one seed at a time, ` +
      `${fmtX(kernel.wasm.naiveNs / kernel.wasm.kernelNs)} faster per byte-step than the naive reference in wasm and ${fmtX(portable.vs_naive)} natively; natively the same Rust also runs with ${auto.lanes} lanes in ${auto.name} registers, chosen at run time (${fmtX(auto.vs_naive)}). ` +
      (simd ? `wasm's 128-bit SIMD was tried and measured slower (${fmtNs(simd.kernelNs)} against ${fmtNs(kernel.wasm.kernelNs)} ns per byte-step), so the page does not use it.` : ''),
    '**Allocation in the hot path** (none): a candidate\'s signature is never stored, only compared as it is computed; `tests/allocations.rs` counts the allocations of a whole scoring pass with a counting allocator and fails unless a catalog ten times larger makes exactly as many.',
    `**Copies across the wasm boundary** (kept to the query and the top 10): a catalog crosses once per load and stays in the worker's \`Engine\`; a run sends the target's identifier and gets the top K back as JS objects. ` +
      (outside.length ? `That call took ${fmtRange(outside, fmtMs)} ms per serial run in this run's cells (the run's time outside the core's own timing).` : ''),
    '**Chunking and work-splitting** (left to rayon\'s adaptive splitting of the candidates, one `par_iter` for the text signal and one for the attributes under a `rayon::join`): ' +
      (share.length ? `in the ceiling experiment the pool reached ${fmtRange(share)} of the efficiency the machine allowed in the same rounds` : 'not measured in this run') +
      (share.length ? (1 - Math.min(...share) < 0.005
        ? `, which leaves nothing measurable for coarser chunks (\`with_min_len\`) to win back on ${plural(hw, 'thread')}, so they were left as they are.`
        : `, which leaves at most ${(1 - Math.min(...share)).toFixed(2)} for coarser chunks (\`with_min_len\`) to win back on ${plural(hw, 'thread')}` +
        (1 - Math.min(...share) < spread ? `, less than the ceiling's own spread from round to round (at least ${spread.toFixed(2)}), so they were left as they are.` : '.')) : '.') +
      (one.length ? ` (A one-thread pool, timed on a visit of its own rather than in rounds with serial, took ${fmtRange(one, fmtX)} the serial time at 2,000 products and above; such cross-visit ratios move with the machine's state, as the ceiling's range shows.)` : ''),
  ];
}

// ---------------------------------------------------------------------------------------
// The report.

function cellTable(results, cell) {
  const { hw } = results;
  const rows = [];
  const runsText = (s) => s.runs.map(fmtMs).join(', ');
  const row = (mode, threads, s, serial, ns = true) => {
    const speedup = serial && s !== serial ? serial.median / s.median : undefined;
    rows.push([
      mode, String(threads), fmtMs(s.median), fmtMs(s.min), fmtMs(s.max),
      speedup === undefined ? '—' : fmtX(speedup), speedup === undefined ? '—' : (speedup / threads).toFixed(2),
      ns ? fmtNs(s.median * 1e6 / cell.byteSteps) : '—', runsText(s),
    ]);
  };
  const { page, native } = cell;
  row('wasm serial', 1, page.serial);
  for (let t = 1; t <= hw; t++) if (page.parallel[t]) row('wasm parallel', t, page.parallel[t], page.serial);
  if (page.js) row('plain JS', 1, page.js);
  row(`native serial (${cell.kernel})`, 1, native.serial);
  for (let t = 1; t <= hw; t++) row(`native parallel (${cell.kernel})`, t, native.parallel[t], native.serial);
  if (native.portable) {
    row('native serial (portable)', 1, native.portable.serial);
    for (let t = 1; t <= hw; t++) if (native.portable.parallel[t]) row('native parallel (portable)', t, native.portable.parallel[t], native.portable.serial);
  }
  if (cell.go) {
    row('Go serial (six lanes)', 1, cell.go.serial);
    for (let t = 1; t <= hw; t++) if (cell.go.goroutines[t]) row('Go goroutines (six lanes)', t, cell.go.goroutines[t], cell.go.serial);
    if (cell.go.naive) row('Go serial, one seed at a time', 1, cell.go.naive);
  }
  if (page.server) row(`server round trip (pool of ${page.server.threads}, ${page.server.kernel})`, page.server.threads, page.server, undefined, false);
  return table(['mode', 'threads', 'median ms', 'min ms', 'max ms', 'speedup', 'efficiency', 'ns / byte-step', 'timed runs (ms)'], rows, ['l']);
}

function ratioTable(results) {
  const rows = results.cells.map((cell) => {
    const d = derive(cell, results.hw);
    return [cell.label, fmtInt(cell.iterations), fmtNs(d.wasmNs), fmtNs(d.jsNs), fmtNs(d.nativeNs), fmtNs(d.portableNs), fmtX(d.wasmVsNative), fmtX(d.wasmVsPortable), fmtX(d.jsVsWasm)];
  });
  return table(['catalog', 'iterations', 'wasm serial ns / step', 'JS ns / step', `native serial ns / step (${results.cells[0].kernel})`, 'native serial ns / step (portable)', 'wasm / native serial', 'wasm / native portable', 'JS / wasm serial'], rows, ['l']);
}

function render(results) {
  const { hw, machine, kernel, startup, wasm, memory, grid, loadAverage } = results;
  const goalList = goals(results);
  const when = results.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const minutes = `${Math.floor(results.durationS / 60)} min ${Math.round(results.durationS % 60)} s`;
  const md = [];
  md.push('# Benchmark report: wasm parallel vs wasm serial vs plain JS vs the server vs native vs Go');
  md.push('');
  md.push(`Generated by \`scripts/bench.sh${results.mode === 'quick' ? ' --quick' : ''}\` (${results.mode} mode) on ${when}, in ${minutes}. ` +
    'Every figure below was written by `bench/run.mjs` from that run; none is edited by hand. The raw measurements are in `results.json`; the plot is `plot.svg`.');
  md.push('');
  md.push('**How it was timed.** The page (Chromium, headless) times each run with `performance.now()` inside its worker, around each call; ' +
    'the native CLI (`shop-recs bench`) with `std::time::Instant`. Each mode gets one untimed warm-up and then ' +
    `${grid.runs} timed runs or more (${grid.runsBySize ? `${grid.runsBySize.map(([below, n], i) => `${n} where ${i ? 'it' : 'products × iterations'} is under ${fmtInt(below)}`).join(' and ')}, because one other thread can easily double a run of a few milliseconds; ` : ''}each cell gives its count). On the page, Compare interleaves serial, parallel and JS run by run. Medians, minimums and maximums are of the timed runs. ` +
    'A run is what the page\'s Run button does: every candidate\'s MinHash signature computed afresh, plus the attribute Jaccard, then the top 10. ' +
    'The page is driven through its URL parameters and test hooks only, so what is measured is what users run.');
  md.push('');
  md.push('**Rankings are checked in every cell.** The page compares serial, parallel and JS itself (Compare\'s "identical"); every page run\'s result rows ' +
    'are compared with the native serial ranking (same identifiers, same f64 scores), and the CLI holds every parallel ranking against its serial one. ' +
    'Any difference fails the run (non-zero exit), so a report exists only when all agreed.');
  md.push('');
  md.push(`![speedup and time per byte-step](plot.svg)`);
  md.push('');
  md.push('## Machine');
  md.push('');
  md.push(table(['', ''], [
    ['CPU', `${machine.cpu}, ${plural(machine.cores, 'core')} (navigator.hardwareConcurrency ${hw})`],
    ['Browser', `${machine.browser}, headless`],
    ['Native', `${machine.rustc}; MinHash kernel \`${results.cells[0].kernel}\` (${results.cells[0].lanes} lanes), chosen at run time`],
    ['Node', machine.node],
    ['Load average (1, 5, 15 min)', `start ${loadAverage.start.map((x) => x.toFixed(2)).join(', ')}; end ${loadAverage.end.map((x) => x.toFixed(2)).join(', ')}`],
    ...(results.steal ? [['CPU time stolen by the hypervisor', `${results.steal.seconds.toFixed(1)} s over the run (\`/proc/stat\` steal)`]] : []),
  ], ['l', 'l']));
  md.push('');
  md.push('## Goals');
  md.push('');
  md.push(table(['goal', 'met', 'figure'], goalList.map((g) => [g.name, g.met === null ? 'n/a' : g.met ? '**met**' : '**not met**', g.figure]), ['l', 'l', 'l']));
  md.push('');
  const probes = ceilingProbes(results);
  const causeLines = causes(results, goalList, probes);
  if (causeLines.length) {
    md.push('### What was measured where a goal is not met');
    md.push('');
    for (const line of causeLines) md.push(`- ${line}`);
    md.push('');
  }
  md.push('### What was fixed, and what was checked');
  md.push('');
  for (const line of inReach(results, probes)) md.push(`- ${line}`);
  md.push('');
  md.push('## Summary');
  md.push('');
  md.push(`Medians in milliseconds; speedup = serial median / parallel median on ${plural(hw, 'thread')}; efficiency = speedup / threads. ` +
    'Server: the round trip from the page\'s worker (JSON read) and the server\'s own compute, at its full pool ("Browser against server" below); Go: the seeds\' goroutine per candidate; ' +
    'the last two columns set rayon against goroutines on the same portable kernel ("rayon against goroutines" below).');
  md.push('');
  md.push(table(summaryHeader(hw), summaryRows(results), ['l']));
  md.push('');
  if (results.ceiling?.length) {
    md.push('## The parallel ceiling (experiment)');
    md.push('');
    md.push('How fast can every thread go when all are busy and nothing is split? Each round times, back to back and in this order, on the same generated catalog: ' +
      'one serial run; every pool thread running a whole serial run at the same time (`rayon::broadcast`; in the page\'s worker the `Engine.everyThreadSerial` benchmark hook, ' +
      'natively `shop-recs bench --ceiling`), which splits no work, steals nothing and writes nothing shared; and one parallel run. ' +
      'Per round, the **ceiling** is the mean over threads of the serial time ÷ that thread\'s time (1.00: each thread as fast as one thread alone), ' +
      'the **efficiency** is serial ÷ (threads × parallel), and **efficiency ÷ ceiling** is how much of what the machine allows the pool reached. ' +
      'The table gives medians over the rounds (the times too), after one untimed round. Every serial and parallel run\'s ranking is checked against native serial.');
    md.push('');
    md.push(ceilingTable(probes));
    md.push('');
  }
  md.push('## Per byte-step, and the ratios');
  md.push('');
  md.push('Nanoseconds per FNV byte-step: a run\'s median divided by (iterations × the bytes of every product\'s distinct description words), ' +
    'the FNV steps one run makes. The whole run is counted (attribute Jaccard and the top-K selection too), so these are upper bounds on the kernel\'s own cost.');
  md.push('');
  md.push(ratioTable(results));
  md.push('');
  md.push('## Every cell');
  md.push('');
  for (const cell of results.cells) {
    md.push(`### ${cell.label}: ${fmtInt(cell.products)} products × ${fmtInt(cell.iterations)} iterations`);
    md.push('');
    const s = cell.page.serial;
    md.push(`Target \`${cell.target}\`; ${fmtInt(cell.wordBytes)} bytes of description words, so ${fmtInt(cell.byteSteps)} byte-steps per run; ${cell.runs ?? grid.runs} timed runs per mode after one warm-up. ` +
      `Rankings identical: ${cell.page.identical ? 'the page\'s serial, parallel and JS (Compare), and ' : ''}every page run against native serial. ` +
      `A wasm serial run (median ${fmtMs(s.median)} ms) is, as the core times its phases, scoring ${fmtMs(s.scoreMs)} ms and selecting the top 10 ${fmtMs(s.rankMs)} ms; ` +
      `the rest, ${fmtMs(s.outsideMs)} ms (median over the runs), is the call across the wasm boundary (the query in, the top 10 out as JS objects).`);
    md.push('');
    md.push(cellTable(results, cell));
    md.push('');
    const verdicts = compareVerdicts(cell, results.hw);
    if (verdicts) {
      md.push(verdicts);
      md.push('');
    }
  }
  if (results.skipped.length) {
    md.push('### Not run');
    md.push('');
    md.push('Wasm serial, wasm parallel on every hardware thread and native serial and parallel run in every cell. The other modes are left out of a cell when their estimate ' +
      '(1.25 × (runs + 1) × byte-steps × the median ns per byte-step the mode showed in the largest smaller cell of this run) is over their budget ' +
      `(${grid.modeBudgetS} s per page visit; ${grid.portableBudgetS} s for the extra native runs with the portable kernel) or over what is left of the run's ${grid.totalBudgetS} s, so that a full run stays under 15 minutes on 2 cores.`);
    md.push('');
    md.push(table(['cell', 'mode', 'why'], results.skipped.map((s) => [s.cell, s.mode, s.reason]), ['l', 'l', 'l']));
    md.push('');
  }
  md.push('## Kernel against the naive reference');
  md.push('');
  md.push(`${fmtInt(kernel.products)} generated descriptions, ${fmtInt(kernel.iterations)} iterations (${fmtInt(kernel.byteSteps)} byte-steps); the fastest of ${grid.kernelRuns} timed passes of each after one untimed pass, the naive reference and the kernels taking turns so that all of them see the same moments of the machine. ` +
    'The naive reference (`signature_naive`) hashes one seed at a time; its per-word chains are independent, so the CPU already overlaps them. ' +
    'Natively `shop-recs kernel` times it with `std::time::Instant` after checking every kernel\'s signatures against it; in wasm the page\'s worker times `Engine.signatureDigest` with `performance.now()` and the two digests must agree.');
  md.push('');
  const kernelRows = [['native', 'naive', '1', fmtNs(kernel.native.naive_ns_per_byte_step), '1.00×']];
  for (const k of kernel.native.kernels) kernelRows.push(['native', `${k.name}${k.name === kernel.native.detected ? ' (chosen)' : ''}`, String(k.lanes), fmtNs(k.ns_per_byte_step), fmtX(k.vs_naive)]);
  const lanes = String(kernel.native.kernels.find((k) => k.name === 'portable').lanes);
  for (const b of kernel.wasmBuilds) {
    kernelRows.push([`wasm, ${b.label}`, 'naive', '1', fmtNs(b.naiveNs), '1.00×']);
    kernelRows.push([`wasm, ${b.label}`, 'portable', lanes, fmtNs(b.kernelNs), fmtX(b.naiveNs / b.kernelNs)]);
  }
  md.push(table(['where', 'kernel', 'lanes', 'ns / byte-step', 'vs naive'], kernelRows, ['l', 'l']));
  md.push('');
  const counts = kernel.wasmBuilds.map((b) => `${b.key} ${b.i64Mul} \`i64.mul\` and ${b.i64x2Mul} \`i64x2.mul\``).join('; ');
  md.push('The wasm rows time three builds of the same source in the same worker of the same page: the page\'s threaded module, ' +
    'the single-thread module the page falls back to, and an experiment built only for this report with wasm\'s 128-bit SIMD (`-C target-feature=+simd128`), ' +
    `where the compiler puts two 64-bit lanes in one \`v128\` (64-bit multiplies in each module, counted with binaryen's \`wasm-dis\`: ${counts}). ` +
    'The native rows are the same Rust compiled for x86-64: ' +
    '`portable` with the baseline instruction set, `avx2` and `avx512` with those enabled on the functions that need them (chosen at run time, so the binary still runs on any x86-64).');
  md.push('');
  md.push(...peerSections(results));
  if (results.server) md.push(...serverSection(results.server));
  if (results.poolOrWorkers) md.push(...poolOrWorkersSection(results.poolOrWorkers));
  md.push(...gridWorkersSection(results.cells, results.hw));
  if (results.pieces) md.push(...piecesSection(results.pieces));
  if (results.million) md.push(...millionSection(results.million));
  if (results.threadsAuto) md.push(...threadsSection(results.threadsAuto));
  if (results.backends) md.push(...backendsSection(results.backends));
  // Replicas behind HAProxy: scripts/replicas-bench.sh renders its own Markdown.
  if (results.replicas) md.push('## Replicas', '', results.replicas.markdown.trim(), '');
  md.push('## Once per report');
  md.push('');
  const med = (key) => median(startup.map((s) => s[key]));
  md.push(table(['', ''], [
    ['Time from navigation to ready', `median ${Math.round(med('readyMs'))} ms (${startup.map((s) => Math.round(s.readyMs)).join(', ')} ms over ${startup.length} fresh visits of the default page; the \`shop-recs:ready\` performance mark)`],
    ['Pool start', `median ${fmtMs(med('poolStartMs'))} ms for ${plural(startup[0].threads, 'thread')} (\`initThreadPool\`, timed in the worker); wasm instantiation ${fmtMs(med('wasmInitMs'))} ms`],
    ['wasm size', `${fmtKB(wasm.raw)} raw, ${fmtKB(wasm.gzip)} gzip -9 (\`dist/shop-recs_bg.wasm\`, the threaded build)`],
    ['Peak wasm memory', `${fmtMiB(memory.bytes)} for ${fmtInt(memory.products)} generated products, loaded and scored once in parallel (${fmtInt(memory.iterations)} iterations); \`memory.buffer.byteLength\`, which never shrinks`],
  ], ['l', 'l']));
  md.push('');
  return { markdown: md.join('\n'), goalList };
}

/**
 * `node bench/report.mjs DIR` renders DIR/results.json again into DIR/REPORT.md and
 * DIR/plot.svg, with no new measurement: for when only the report's wording changed.
 */
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node bench/report.mjs DIR (the folder of a results.json)\n');
    process.exit(2);
  }
  const { renderPlot } = await import('./plot.mjs');
  const { readFileSync } = await import('node:fs');
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  process.stdout.write(`${writeReport(results, dir, renderPlot)}\n`);
}

/**
 * The page's verdicts (www/js/results.js) on a cell whose serial, parallel and JS runs
 * come from one Compare visit, interleaved run by run; null for a cell whose modes were
 * each timed in a visit of their own, where runs cannot be paired.
 */
function compareVerdicts(cell, hw) {
  const { serial, js } = cell.page;
  const parallel = cell.page.parallel[hw];
  if (!cell.page.identical || !serial?.runs || !parallel?.runs) return null;
  const said = [verdictSentence(verdictOf({ timesMs: serial.runs }, { timesMs: parallel.runs }), 'The pool', 'one thread', 'A larger cell would tell.')];
  if (js?.runs) said.push(verdictSentence(verdictOf({ timesMs: js.runs }, { timesMs: serial.runs }), 'wasm', 'JavaScript', 'A larger cell would tell.'));
  return `In the page's words (its verdict rule, from the run-by-run ratios of the Compare visit): ${said.join(' ')}`;
}

/** Writes REPORT.md, plot.svg and results.json into `dir`; returns the text summary. */
export function writeReport(results, dir, renderPlot) {
  const { markdown, goalList } = render(results);
  writeFileSync(join(dir, 'REPORT.md'), `${markdown}\n`);
  writeFileSync(join(dir, 'plot.svg'), renderPlot(results, derive));
  if (results.backends) writeFileSync(join(dir, 'backends.svg'), renderBackendsPlot(results.backends));
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const goalsText = goalList.map((g) => `  ${g.met === null ? 'n/a' : g.met ? 'met    ' : 'NOT MET'}  ${g.name}: ${g.figure}`).join('\n');
  return `${textTable(summaryHeader(results.hw), summaryRows(results))}\n\nGoals:\n${goalsText}`;
}
