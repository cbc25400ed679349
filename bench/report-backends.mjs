// The report's "The backends under open-loop load" section and its plot
// (bench/backends.svg), from results.json's `backends` (bench/backends.mjs measures it with
// examples/backends/: shop-recs serve against the seeds' Go backend, bench/peers/go serve).
import { median } from '../www/js/format.js';
import { fmtInt, fmtMs, table } from './markdown.mjs';

const SERVERS = [
  { key: 'rust', name: 'shop-recs serve (rayon in spawn_blocking, sheds at --max-inflight)', short: 'Rust', color: '#2ca02c' },
  {
    key: 'rust_before', name: 'shop-recs serve as it ran before (--reactor-nice 0 --max-inflight 2 × threads)', short: 'Rust, before',
    color: '#98df8a',
  },
  { key: 'go', name: 'Go (goroutine per candidate, WaitGroup, no shedding)', short: 'Go', color: '#17becf' },
];
/** The servers measured on catalog `c` (older figures have no `rust_before`). */
const measured = (c) => SERVERS.filter((s) => c[s.key]);
const pct = (x) => `${(100 * x).toFixed(x > 0 && x < 0.01 ? 1 : 0)}%`;
const ms = (x) => (x === null || x === undefined ? '—' : fmtMs(x));
const rps = (x) => x.toFixed(x < 10 ? 2 : 1);
const cpu = (step) => (step.server_cpu_seconds === undefined ? '—'
  : `${step.server_cpu_seconds.toFixed(1)} / ${step.generator_cpu_seconds.toFixed(1)}`);

/** A step at `multiplier` × capacity, if measured. */
const stepAt = (load, multiplier) => load.steps.find((s) => s.multiplier === multiplier);
/** Goodput at `multiplier` × capacity as a share of the capacity. */
export const goodputShare = (load, multiplier) => {
  const step = stepAt(load, multiplier);
  return step ? step.goodput_rps / load.capacity.rate : undefined;
};

export function backendsSection(results) {
  const lines = ['## The backends under open-loop load', ''];
  lines.push(`Measured ${results.date} on ${results.machine} (${results.cores} cores): \`node bench/backends.mjs\` ` +
    '(`scripts/bench.sh --backends`; figures in results.json, `backends`). The seeds\' two backends serve the same catalog file: ' +
    '`shop-recs serve` (rayon\'s `into_par_iter` inside `spawn_blocking`; at most `--max-inflight` = 4 × threads requests run or wait, ' +
    'one more is answered 503 at once) and the seeds\' Go handler (`bench/peers/go serve`: standard library only, a goroutine per candidate ' +
    `writing its own slot, a \`sync.WaitGroup\`, no shedding), both with ${results.threads} threads (the rayon pool; \`GOMAXPROCS\`). ` +
    `Before any load, both rank three targets of each catalog identically (identifiers and f64 scores, ${results.iterations} iterations, top 10). ` +
    `Each runs as built: shop-recs with the kernel this CPU allows (${results.scaling?.kernel ?? 'see the kernel table'}), Go with its six-lane scalar kernel, so most of the ` +
    'gap in capacity is the kernel, not the concurrency model ("rayon against goroutines" above compares the two on the same portable kernel). ' +
    'What this section compares is how each behaves relative to its own capacity.');
  lines.push('');
  const first = results.catalogs[0]?.rust;
  lines.push(`The load comes from **oha** (${results.oha ?? 'oha'}, crates.io; \`scripts/setup.sh --bench\` installs it), driven by \`examples/backends/oha.rs\`. ` +
    'It is **open-loop**: with `-q` requests are due on a fixed schedule whatever the server does, and with `--latency-correction` latency counts from when a ' +
    'request was due, not from when a connection was free to send it, so a server that falls behind faces a growing backlog, as it would with real users. ' +
    'Why oha: it is the one generator from this machine\'s registries with both a fixed rate and that correction, its JSON keeps the 2xx latencies apart from ' +
    'the rest (`--stats-success-breakdown`), and it keeps connections alive as browsers do. Debian\'s `hey` and `wrk` were the alternatives: `hey -q` caps each worker, ' +
    'which still waits for its answer before the next request, and `wrk` is closed-loop, so both slow down with the server and hide the queue ' +
    '(wrk2, which fixes that, is in neither Debian nor a registry). Earlier rounds used a client of our own, which opened a connection per request.');
  lines.push('');
  lines.push(`First the capacity: oha with ${first?.capacity.clients ?? '2 × threads'} connections back to back for ${results.capacitySeconds} s (2xx per second). ` +
    `Then ${first?.steps.length ?? 7} steps of ${results.stepSeconds} s offering 0.25 to 4 × that capacity on up to ${results.connections ?? 256} connections; ` +
    `after each, its stragglers are awaited (\`-w\`; unanswered after ${results.timeoutSeconds} s counts as failed). A request still waiting for a free connection ` +
    'when the step ends is never sent: it counts as failed too. **Goodput** is the 2xx answers per second over the step and its stragglers; ' +
    'latency percentiles are those of the 2xx answers. A second oha asks `/healthz` 50 times a second on one kept-alive connection during the step: ' +
    'whether the server\'s reactor (Go: its scheduler) stays responsive. The last column is the CPU time each side used during the step ' +
    '(`/proc/PID/stat`): what the server spent, and what the two oha processes took from the same cores.');
  lines.push('');
  lines.push(results.pinning);
  lines.push('');
  if (results.floodSeconds) {
    lines.push(`Then **a flood**, as a user trying the server with \`wrk -c64\` would make: oha with ${results.catalogs[0]?.rust.flood?.connections ?? 64} connections ` +
      `asking back to back (closed loop, no rate) for ${results.floodSeconds} s, the prober beside it. A server that rejects quickly is asked again at once, ` +
      'so rejections arrive as fast as it can make them, and each still costs its reactor some CPU on the cores the pool scores on. ' +
      '"Rust, before" is shop-recs as it ran before this round\'s fix (see "What the figures say"), measured in the same run.');
    lines.push('');
  }
  for (const c of results.catalogs) {
    lines.push(`### ${c.label}: ${fmtInt(c.products)} products × ${results.iterations} iterations`, '');
    const capacities = measured(c).map((s) => `${s.short} ${rps(c[s.key].capacity.rate)} requests/s`).join(', ');
    lines.push(`Capacity: ${capacities}. Target \`${c.target}\`.`, '');
    const rows = [];
    for (const s of measured(c)) {
      const load = c[s.key];
      for (const step of load.steps) {
        rows.push([s.short, `${step.multiplier} ×`, rps(step.offered_rps), rps(step.achieved_rps), rps(step.goodput_rps),
          pct(step.goodput_rps / load.capacity.rate), ms(step.p50_ms), ms(step.p90_ms), ms(step.p99_ms), ms(step.max_ms),
          pct(step.rejected_share), pct(step.failed_share), `${ms(step.health_p50_ms)} / ${ms(step.health_p99_ms)}`,
          cpu(step)]);
      }
    }
    lines.push(table(['server', 'offered', 'offered (req/s)', 'sent (req/s)', 'goodput (2xx/s)', 'of capacity', 'p50 (ms)', 'p90 (ms)',
      'p99 (ms)', 'max (ms)', 'rejected (503)', 'failed', '/healthz p50 / p99 (ms)', 'CPU s: server / generator'], rows, ['l', 'l']));
    lines.push('');
    const at = (m) => measured(c).map((s) => {
      const share = goodputShare(c[s.key], m);
      return `${s.short} ${share === undefined ? '—' : pct(share)}`;
    }).join(', ');
    lines.push(`Goodput as a share of capacity: at 2 × capacity ${at(2)}; at 4 × ${at(4)}.`, '');
    lines.push(...floodTable(c));
  }
  lines.push('![Latency and goodput against offered load](backends.svg)', '');
  lines.push(...reading(results));
  if (results.scaling) lines.push(...scalingSection(results));
  return lines;
}

/** The flood's figures for catalog `c`: served and rejected per second, and /healthz. */
function floodTable(c) {
  const rows = measured(c).filter((s) => c[s.key].flood).map((s) => {
    const { flood, capacity } = c[s.key];
    return [s.short, String(flood.connections), rps(flood.goodput_rps), pct(flood.goodput_rps / capacity.rate), fmtInt(Math.round(flood.rejected_rps)),
      ms(flood.p50_ms), ms(flood.p99_ms), `${ms(flood.health_p50_ms)} / ${ms(flood.health_p99_ms)}`, String(flood.health_probes), cpu(flood)];
  });
  if (!rows.length) return [];
  return [`The flood (${c.label}):`, '', table(['server', 'connections', 'goodput (2xx/s)', 'of capacity', 'rejected (503/s)', 'p50 (ms)', 'p99 (ms)',
    '/healthz p50 / p99 (ms)', '/healthz answers', 'CPU s: server / generator'], rows, ['l']), ''];
}

/** Native rayon and Go's goroutines from 1 thread to every core, and the parallel ceiling. */
function scalingSection(results) {
  const { scaling } = results;
  const max = Math.max(...scaling.rows.map((r) => r.threads));
  const lines = [`### Native and Go from 1 to ${max} threads`, ''];
  if (results.cores < 16) {
    lines.push(`No machine with 16 or more cores was available to this run (this one has ${results.cores}), so the grid stops at ${max} threads; ` +
      '`scripts/bench.sh --backends` needs no browser and runs the same grid, the ceiling and the load part on a larger machine.', '');
  }
  lines.push(`${fmtInt(scaling.products)} generated products × ${results.iterations} iterations, medians of the timed runs (the CLI's \`bench\`, ` +
    `the ${scaling.kernel} kernel; the Go peer's six-lane scalar kernel); every ranking checked against the CLI's serial one. ` +
    'Efficiency is serial ÷ parallel ÷ threads, each against its own serial run.', '');
  const rows = scaling.rows.map((r) => [String(r.threads), fmtMs(r.rust.serial), fmtMs(r.rust.parallel),
    `${(100 * r.rust.serial / r.rust.parallel / r.threads).toFixed(0)}%`, fmtMs(r.go.serial), fmtMs(r.go.parallel),
    `${(100 * r.go.serial / r.go.parallel / r.threads).toFixed(0)}%`, `${(r.go.parallel / r.rust.parallel).toFixed(1)}×`]);
  lines.push(table(['threads', 'rayon: serial (ms)', 'parallel (ms)', 'efficiency', 'Go: serial (ms)', 'goroutines (ms)', 'efficiency',
    'Go ÷ rayon'], rows));
  const c = scaling.ceiling;
  const every = c.everyThread.length ? median(c.everyThread) : undefined;
  lines.push('', `The parallel ceiling at ${fmtInt(c.products)} products and ${c.threads} threads (\`bench --ceiling\`): serial ${fmtMs(c.serial)} ms, ` +
    `parallel ${fmtMs(c.parallel)} ms (${(c.serial / c.parallel).toFixed(2)}× faster)` +
    (every ? `; each thread scoring the whole catalog while all ${c.threads} do (nothing split) took ${fmtMs(every)} ms (median), ` +
      `so no split can be faster than ${(c.threads * c.serial / every).toFixed(2)}× here: the machine's own limit, not rayon's.` : '.'), '');
  return lines;
}

/** What the figures say, stated from them. */
function reading(results) {
  const out = ['What the figures say:', ''];
  const pinned = Boolean(results.server_cpus);
  for (const c of results.catalogs) {
    const [rust, go] = [{ ...c.rust, cores: pinned ? results.threads : results.cores }, c.go];
    const r4 = stepAt(rust, 4);
    const g4 = stepAt(go, 4);
    if (!r4 || !g4) continue;
    out.push(`- ${c.label}: at 2 × capacity shop-recs kept ${pct(goodputShare(rust, 2))} of its capacity as goodput and Go ${pct(goodputShare(go, 2))}. ` +
      `At 4 × shop-recs kept ${pct(goodputShare(rust, 4))} with a p99 of ${ms(r4.p99_ms)} ms for the requests it accepted, rejecting ${pct(r4.rejected_share)} at once; ` +
      `Go kept ${pct(goodputShare(go, 4))} with a p99 of ${ms(g4.p99_ms)} ms` +
      `${g4.failed_share > 0 ? ` and ${pct(g4.failed_share)} failed (unanswered in ${results.timeoutSeconds} s, or never sent because all ${results.connections ?? 256} connections were waiting)` : ''}: ` +
      'it accepts everything, so every request waits behind the backlog.');
    const cost = rejectionCost(rust);
    if (cost) {
      out.push(`  Where shop-recs's CPU went at 4 ×: an accepted request cost ${(cost.perOk * 1e3).toFixed(2)} ms of server CPU (at 1 ×); ` +
        `beyond what its ${fmtInt(r4.ok)} accepted requests cost at that rate, the step's server CPU was ${pct(cost.rejectionShare)} of its ${rust.cores === 1 ? 'core' : `${rust.cores} cores`}: ` +
        `at most ${(cost.perRejection * 1e6).toFixed(0)} µs for each of the ${fmtInt(r4.rejected)} rejections, if all of it was theirs` +
        (pinned ? '.' : `; the load generator used ${pct(cost.generatorShare)} of the same cores.`));
    }
    const [now, before] = [c.rust.flood, c.rust_before?.flood];
    if (now && before) {
      const share = (load) => pct(load.flood.goodput_rps / load.capacity.rate);
      out.push(`  Under the flood shop-recs served ${rps(now.goodput_rps)} requests/s (${share(c.rust)} of its capacity) while rejecting ` +
        `${fmtInt(Math.round(now.rejected_rps))} a second; as it ran before, ${rps(before.goodput_rps)} (${share(c.rust_before)}) while rejecting ` +
        `${fmtInt(Math.round(before.rejected_rps))} a second. \`/healthz\` p99: ${ms(now.health_p99_ms)} ms, before ${ms(before.health_p99_ms)} ms.`);
    }
  }
  out.push('');
  if (results.catalogs.some((c) => c.rust_before?.flood)) {
    out.push('**What was ours to fix, and what changed.** Every request, accepted or rejected, is read, routed and answered on a reactor thread, ' +
      'and those threads share the cores with the scoring pool. At equal priority the scheduler splits a busy core evenly between them, so a flood ' +
      'of rejections took half the pool\'s CPU. And with at most 2 × threads jobs in flight, the pool ran dry between short jobs: the next one is handed ' +
      'over by the reactor, which was busy rejecting. Two changes, both in `src/server/`: the reactor\'s threads now run 10 nice levels below the pool\'s ' +
      '(`--reactor-nice`, `priority.rs`), so under contention the pool keeps most of the CPU; and `--max-inflight` defaults to 4 × threads, so that a job ' +
      'is usually waiting when one ends. How much of a flood\'s cost that wins back depends on the jobs\' length: a rejection costs the same either way, ' +
      'and the shorter the jobs, the more often one must be handed over (the flood tables above). The price is in the tables too: while the pool is busy, ' +
      'a rejection or a `/healthz` answer waits longer for its reactor thread, and an accepted request can wait behind up to 4 × threads others instead of 2 ×, ' +
      'so from 1 × capacity up its latency roughly doubles. Below capacity the pool leaves the cores idle and nothing waits.', '');
  }
  return out;
}

/**
 * What a rejection costs shop-recs: server CPU per accepted request at 1 × (few
 * rejections there), and at 4 × the server CPU left after the accepted requests, per
 * rejection; with the shares of the server's cores the rejections took and of the
 * machine's the generator took.
 */
function rejectionCost(load) {
  const one = stepAt(load, 1);
  const four = stepAt(load, 4);
  if (!one?.server_cpu_seconds || !four?.server_cpu_seconds || !four.rejected || !one.ok) return null;
  const perOk = one.server_cpu_seconds / one.ok;
  const perRejection = Math.max(0, four.server_cpu_seconds - four.ok * perOk) / four.rejected;
  const cores = four.span_seconds * (load.cores ?? 1);
  return {
    perOk, perRejection, rejectionShare: (perRejection * four.rejected) / cores, generatorShare: four.generator_cpu_seconds / cores,
  };
}

/** bench/backends.svg: p50 and p99 latency (log scale) and goodput against offered load, per catalog. */
export function renderBackendsPlot(results) {
  const panelW = 420;
  const panelH = 220;
  const width = 80 + results.catalogs.length * (panelW + 90);
  const legend = SERVERS.filter((s) => results.catalogs.some((c) => c[s.key]));
  const height = 2 * panelH + 174 + 18 * legend.length;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`];
  const font = 'font-family="system-ui, sans-serif" font-size="12"';
  const text = (x, y, s, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${font} ${attrs}>${String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`;
  results.catalogs.forEach((c, i) => {
    const x0 = 70 + i * (panelW + 90);
    out.push(text(x0, 24, `${c.label}: ${fmtInt(c.products)} products`, 'font-weight="bold"'));
    const multipliers = [...new Set(measured(c).flatMap((s) => c[s.key].steps.map((st) => st.multiplier)))].sort((a, b) => a - b);
    // Offered load on a log2 axis: 0.25, 0.5, 1, 2 and 4 × capacity evenly apart.
    const [loM, hiM] = [Math.log2(Math.min(...multipliers)), Math.log2(Math.max(...multipliers))];
    const px = (m) => x0 + ((Math.log2(m) - loM) / (hiM - loM || 1)) * panelW;
    // Latency, log scale.
    const y0 = 50;
    const lat = measured(c).flatMap((s) => c[s.key].steps.flatMap((st) => [st.p50_ms, st.p99_ms])).filter((v) => v > 0);
    const lo = Math.log10(Math.min(...lat) / 1.5);
    const hi = Math.log10(Math.max(...lat) * 1.5);
    const py = (v) => y0 + panelH - ((Math.log10(v) - lo) / (hi - lo)) * panelH;
    out.push(`<rect x="${x0}" y="${y0}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`);
    for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
      out.push(`<line x1="${x0}" x2="${x0 + panelW}" y1="${py(10 ** e).toFixed(1)}" y2="${py(10 ** e).toFixed(1)}" stroke="#eee"/>`);
      out.push(text(x0 - 6, py(10 ** e) + 4, `${10 ** e} ms`, 'text-anchor="end"'));
    }
    out.push(text(x0 + panelW / 2, y0 - 6, 'latency of 2xx (p50 solid, p99 dashed), log scale', 'text-anchor="middle"'));
    // Goodput, as a share of each server's own capacity.
    const y1 = y0 + panelH + 60;
    const maxG = 1.2;
    const gy = (v) => y1 + panelH - (Math.min(v, maxG) / maxG) * panelH;
    out.push(`<rect x="${x0}" y="${y1}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`);
    out.push(text(x0 + panelW / 2, y1 - 6, 'goodput ÷ own capacity (offered load dotted, grey)', 'text-anchor="middle"'));
    for (const f of [0, 0.5, 0.9, 1]) {
      out.push(`<line x1="${x0}" x2="${x0 + panelW}" y1="${gy(f).toFixed(1)}" y2="${gy(f).toFixed(1)}" stroke="#eee"/>`);
      out.push(text(x0 - 6, gy(f) + 4, String(f), 'text-anchor="end"'));
    }
    for (const m of multipliers) {
      out.push(text(px(m), y1 + panelH + 16, `${m}×`, 'text-anchor="middle"'));
      out.push(text(px(m), y0 + panelH + 16, `${m}×`, 'text-anchor="middle"'));
    }
    out.push(text(x0 + panelW / 2, y1 + panelH + 34, 'offered load, × each server\'s own capacity', 'text-anchor="middle"'));
    const path = (points, color, dash = '') => `<polyline fill="none" stroke="${color}" stroke-width="2" ${dash} points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;
    for (const s of measured(c)) {
      const steps = c[s.key].steps;
      out.push(path(steps.filter((st) => st.p50_ms > 0).map((st) => [px(st.multiplier), py(st.p50_ms)]), s.color));
      out.push(path(steps.filter((st) => st.p99_ms > 0).map((st) => [px(st.multiplier), py(st.p99_ms)]), s.color, 'stroke-dasharray="6 4"'));
      out.push(path(steps.map((st) => [px(st.multiplier), gy(st.goodput_rps / c[s.key].capacity.rate)]), s.color));
    }
    out.push(path(multipliers.map((m) => [px(m), gy(m)]), '#999', 'stroke-dasharray="2 3"'));
  });
  legend.forEach((s, i) => {
    const y = height - 18 * legend.length + i * 18;
    out.push(`<line x1="70" x2="100" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="3"/>`);
    out.push(text(108, y, s.name));
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
