// "The backends under open-loop load": shop-recs serve against the seeds' Go backend
// (bench/peers/go serve), the same catalogs, the same open-loop load
// (examples/backends/, which starts both servers, checks that they rank alike, and
// loads each). Stores the figures as `backends` in DIR/results.json and renders
// DIR/REPORT.md and DIR/backends.svg again (the section: bench/report-backends.mjs).
// Needs no browser, so it runs on a machine with many cores and nothing else.
//
//   node bench/backends.mjs [--quick] [--out DIR] [--threads N]
//   node bench/backends.mjs --from FILE [--out DIR]   figures measured elsewhere
//                                                     (scripts/device-bench.sh), rendered here
//
// scripts/bench.sh --backends builds what it runs (the release binary, the Go peer and
// the example). Figures only: nothing here is a test; a ranking mismatch ends it with 1.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync, mkdtempSync, readFileSync, rmSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../www/js/format.js';
import {
  fail, option, out, quick, ROOT,
} from './script-args.mjs';
import { storeSection } from './store.mjs';

const REAL_CATALOG = join(ROOT, '..', 'shared', 'catalogs', 'dummyjson-products.json');


/**
 * Native rayon and Go's goroutines at 1 thread up to every core, on a generated catalog
 * (each checked: the CLI against its own serial run, Go against the CLI's ranking), and
 * the parallel ceiling (every thread scoring the whole catalog at once) at 200,000.
 */
function scaling(bins, dir, cores) {
  const n = quick ? 2000 : 20000;
  const runs = quick ? '2' : '3';
  const file = join(dir, `generated-${n}.json`);
  execFileSync('sh', ['-c', `"${bins.shopRecs}" generate --n ${n} > "${file}"`]);
  const threads = [...new Set([1, 2, 4, 8, 16, cores].filter((t) => t <= cores))].sort((a, b) => a - b);
  const rows = [];
  for (const t of threads) {
    const ours = JSON.parse(execFileSync(bins.shopRecs, ['bench', '--catalog', file, '--threads', String(t), '--runs', runs, '--json'],
      { maxBuffer: 1 << 26 }).toString());
    if (!ours.rankings_equal) fail(`shop-recs bench at ${t} threads: parallel ranking differs from serial`);
    const go = JSON.parse(execFileSync(bins.go, ['-catalog', file, '-threads', String(t), '-runs', runs, '-modes', 'serial,goroutines'],
      { maxBuffer: 1 << 26 }).toString());
    const same = (items) => items.length === ours.ranking.length
      && items.every((item, i) => item.id === ours.ranking[i].id && item.score === ours.ranking[i].score);
    if (!same(go.modes.goroutines.ranking) || !same(go.modes.serial.ranking)) fail(`the Go peer at ${t} threads ranks differently from shop-recs`);
    rows.push({
      threads: t,
      rust: { serial: ours.serial_ms.median, parallel: ours.parallel_ms.median },
      go: { serial: median(go.modes.serial.runs_ms), parallel: median(go.modes.goroutines.runs_ms) },
    });
    process.stderr.write(`  scaling at ${t} threads: rayon ${ours.parallel_ms.median.toFixed(1)} ms, goroutines ${median(go.modes.goroutines.runs_ms).toFixed(1)} ms\n`);
  }
  const ceilingN = quick ? 20000 : 200000;
  const ceiling = JSON.parse(execFileSync(bins.shopRecs, ['bench', '--generate', String(ceilingN), '--threads', String(cores),
    '--runs', '1', '--ceiling', '--json'], { maxBuffer: 1 << 26 }).toString());
  return {
    products: n,
    kernel: ceiling.kernel,
    rows,
    ceiling: {
      products: ceilingN, threads: cores, serial: ceiling.serial_ms.median, parallel: ceiling.parallel_ms.median,
      everyThread: ceiling.every_thread_ms.flat(),
    },
  };
}

/** Runs the comparison here; returns the example's JSON with what the report states. */
function measure() {
  const bins = {
    shopRecs: join(ROOT, 'target', 'release', 'shop-recs'),
    go: join(ROOT, 'bench', 'tmp', 'shop-recs-go'),
    backends: join(ROOT, 'target', 'release', 'examples', 'backends'),
  };
  for (const bin of Object.values(bins)) {
    if (!existsSync(bin)) fail(`${bin} is missing: scripts/bench.sh --backends builds it`);
  }
  const cores = cpus().length;
  // oha on core 0 and the servers on the rest, wherever there is a rest: on 2 cores each
  // server has one core and one thread to itself, and the generator never takes its CPU.
  const pinned = cores >= 2;
  const threads = Number(option('--threads', pinned ? cores - 1 : cores));
  const dir = mkdtempSync(join(tmpdir(), 'shop-recs-backends-'));
  try {
    const generated = join(dir, 'generated-2000.json');
    execFileSync('sh', ['-c', `"${bins.shopRecs}" generate --n 2000 > "${generated}"`]);
    const catalogs = [`generated 2,000=${generated}`];
    if (existsSync(REAL_CATALOG)) catalogs.push(`real catalog=${REAL_CATALOG}`);
    else process.stderr.write(`skipped the real catalog: ${REAL_CATALOG} is not there\n`);
    const seconds = quick ? { capacity: 2, step: 2, flood: 2 } : { capacity: 8, step: 8, flood: 8 };
    // oha comes from PATH; the example says so, in one line, where it is missing.
    const argv = [
      '--shop-recs', bins.shopRecs, '--go', bins.go, '--threads', String(threads),
      '--capacity-seconds', String(seconds.capacity), '--step-seconds', String(seconds.step), '--flood-seconds', String(seconds.flood),
      ...catalogs.flatMap((c) => ['--catalog', c]), '--before-too',
      ...(pinned ? ['--server-cpus', `1-${cores - 1}`, '--load-cpus', '0'] : []),
    ];
    const run = spawnSync(bins.backends, argv, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    if (run.status !== 0) fail(`examples/backends exited with ${run.status}`);
    const figures = JSON.parse(run.stdout.toString());
    return {
      ...figures,
      scaling: scaling(bins, dir, cores),
      date: new Date().toISOString().slice(0, 10),
      machine: /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0].model,
      cores,
      capacitySeconds: seconds.capacity,
      stepSeconds: seconds.step,
      floodSeconds: seconds.flood,
      timeoutSeconds: 30,
      pinning: pinned
        ? `oha (both instances) ran on core 0 and each server on ${cores === 2 ? 'core 1' : `cores 1-${cores - 1}`} (\`taskset\`), with ${threads} ` +
          `thread${threads === 1 ? '' : 's'} (the rayon pool; \`GOMAXPROCS\`), so the generator never took the server's CPU. ` +
          (cores === 2 ? 'On this 2-core machine that leaves each server one core: the load part measures each as a one-core server, and ' +
            '"Native and Go from 1 to 2 threads" below measures the parallel scaling. ' : '') +
          'The figures are ratios measured in one run; read them as such.'
        : `This machine has ${cores} cores: too few to give the load generator a core of its own, so it shares them with the server it loads ` +
          '(oha and the prober\'s second oha; the CPU they took is in the tables\' last column). The figures are ratios measured in one run; read them as such.',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const from = option('--from', null);
const backends = from ? JSON.parse(readFileSync(from, 'utf8')) : measure();
try {
  storeSection(out, 'backends', backends);
} catch (error) {
  fail(error.message);
}
process.stdout.write(`backends: written into ${join(out, 'REPORT.md')} and ${join(out, 'backends.svg')}\n`);
