// The benchmark driver: wasm parallel vs wasm serial vs plain JS vs the server (the page,
// in headless Chromium, its Server mode asking `shop-recs serve` over HTTP), native serial
// vs native parallel (the CLI), and the seeds' Go scaffolding (bench/peers/go: goroutine
// per candidate), over a grid of catalogs, iterations and thread counts. Writes REPORT.md, plot.svg and results.json into bench/
// (bench/tmp/quick/ with --quick), and prints the summary table.
//
//   node bench/run.mjs [--quick] [--cli target/release/shop-recs] [--out DIR]
//   node bench/run.mjs --server-only [--quick] [--out DIR]
//
// The last part measures `shop-recs serve` (examples/server_bench.rs, built by
// scripts/bench.sh); --server-only runs just that part and puts it into the existing
// DIR/results.json, re-rendering the report, for when only the server changed.
//
// scripts/bench.sh builds first (the release site into dist/, the release CLI) and then
// runs this. Every figure in the report comes from this run: nothing is typed in by hand.
//
// What is measured is what users run: the page is opened with its URL parameters
// (`?generate=N&product=..&mode=..&threads=..&iterations=..&runs=..&autorun=1`) and read
// through its test hooks once `document.body.dataset.state` is 'done'. The page times each
// run with performance.now() inside its worker; the CLI (`shop-recs bench --json`) with
// std::time::Instant. Both do one untimed warm-up per mode, then the timed runs.
//
// Every cell checks its rankings: the page's own serial == parallel == JS == server
// verdict where it ran them all, every page's result rows and every Go mode's ranking
// against the native serial ranking (the same identifiers and the same f64 scores), which
// the CLI has itself checked against its parallel one. Any difference ends the run with a
// non-zero exit status.

import { execFile } from 'node:child_process';
import {
  copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

import { launchBrowser, openPage, startServer } from '../scripts/browser.mjs';
import { median, plural } from '../www/js/format.js';
import { renderPlot } from './plot.mjs';
import {
  BenchError, pageWorker, visit, WASM_BUILDS, wasmKernels,
} from './page.mjs';
import { poolOrWorkers } from './pool-or-workers.mjs';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REAL_CATALOG = join(ROOT, '..', 'shared', 'catalogs', 'dummyjson-products.json');
/**
 * What is served: a copy of dist/ taken at the start (git-ignored, one per run, removed
 * at the end), so that a rebuild of dist/ or another run cannot change what is
 * measured, plus the real catalog, so the page can fetch it same-origin.
 */
const SERVED = join(ROOT, 'bench', 'tmp', `dist-${process.pid}`);
const SERVED_CATALOG = 'bench-catalogs/dummyjson-products.json';

// ---------------------------------------------------------------------------------------
// Settings.

/**
 * Options. The report goes to bench/ (the one kept in the repository) for a full run,
 * and to the git-ignored bench/tmp/quick/ for a quick one, so that checking the pipeline
 * never replaces the full report; --out chooses another folder.
 */
function parseArgs(argv) {
  const options = {
    quick: false, serverOnly: false, workersOnly: false, cli: join(ROOT, 'target', 'release', 'shop-recs'), go: join(ROOT, 'bench', 'tmp', 'shop-recs-go'), out: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--server-only') options.serverOnly = true;
    else if (arg === '--workers-only') options.workersOnly = true;
    else if (arg === '--cli') options.cli = argv[++i];
    else if (arg === '--go') options.go = argv[++i];
    else if (arg === '--out') options.out = argv[++i];
    else throw new Error(`unknown option ${arg} (expected --quick, --server-only, --workers-only, --cli PATH, --go PATH, --out DIR)`);
  }
  options.out ??= options.quick ? join(ROOT, 'bench', 'tmp', 'quick') : join(ROOT, 'bench');
  return options;
}

const options = parseArgs(process.argv.slice(2));

/**
 * The grid, and its time budget. Cells run smallest first, and each mode's time in a cell
 * is estimated from this run's own measurements in the smaller cells: (runs + 1) ×
 * byte-steps × the median ns per byte-step the mode showed in the largest cell so far,
 * × 1.25. Wasm
 * serial, wasm parallel on every hardware thread and native always run. The others (wasm
 * parallel on fewer threads, plain JS, the extra native run with the portable kernel) are
 * left out of a cell when their estimate is over their budget (`modeBudgetS`,
 * `portableBudgetS`) or over what is left of `totalBudgetS` for the whole of
 * bench/run.mjs; the report lists each with its estimate.
 */
const GRID = options.quick
  ? {
    catalogs: ['default', 'real', 2000, { n: 2000, skew: 5 }],
    iterations: [1500],
    runs: 5,
    runsBySize: [[1e6, 25], [1e7, 11]],
    modeBudgetS: 60,
    portableBudgetS: 15,
    longBudgetS: 30,
    totalBudgetS: 200,
    readyVisits: 3,
    kernelRuns: 5,
    memoryIterations: 100,
    ceiling: [{ products: 2000, iterations: 1500, rounds: 7 }],
  }
  : {
    catalogs: ['default', 'real', 2000, { n: 2000, skew: 5 }, 20000, { n: 20000, skew: 5 }],
    iterations: [1500, 15000],
    runs: 5,
    runsBySize: [[1e6, 25], [1e7, 11]],
    modeBudgetS: 150,
    portableBudgetS: 60,
    longBudgetS: 150,
    totalBudgetS: 1200,
    readyVisits: 5,
    kernelRuns: 9,
    memoryIterations: 100,
    ceiling: [
      { products: 2000, iterations: 1500, rounds: 11 },
      { products: 2000, iterations: 15000, rounds: 5 },
      { products: 20000, iterations: 1500, rounds: 5 },
    ],
  };
/** The catalog whose peak wasm memory the report states. */
const MEMORY_PRODUCTS = 200_000;
/** The generator's seed, as the page's (www/js/params.js GENERATE_SEED) and the CLI's. */
const SEED = 42;

// ---------------------------------------------------------------------------------------
// Small helpers.

const stats = (runs) => ({ median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs });
/**
 * A page mode's timings, plus the medians of its phases as the scorer times them inside:
 * scoring, selecting the top K, and what is left of each run outside the scorer (the
 * call across the wasm boundary: the query in, the results out as JS objects).
 */
const pageStats = ({ runs, phases }) => ({
  ...stats(runs),
  scoreMs: median(phases.map((p) => p.scoreMs)),
  rankMs: median(phases.map((p) => p.rankMs)),
  // For the server: its own compute, and the rest of each round trip (network and JSON).
  computeMs: median(phases.map((p) => p.scoreMs + p.rankMs)),
  outsideMs: median(runs.map((ms, i) => ms - phases[i].scoreMs - phases[i].rankMs)),
});
const log = (text) => process.stdout.write(`${text}\n`);
/** CPU time the hypervisor stole from this machine so far, in clock ticks (`/proc/stat`), or null off Linux. */
function stealTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    return Number(fields[8]);
  } catch {
    return null;
  }
}
const elapsed = (since) => (performance.now() - since) / 1000;


/** Runs the Go peer (bench/peers/go) and returns its JSON. */
async function go(args) {
  const { stdout } = await run(options.go, args, { maxBuffer: 64 << 20 }).catch((e) => {
    throw new BenchError(`${relative(ROOT, options.go)} ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  });
  return JSON.parse(stdout);
}

async function cli(args) {
  const { stdout } = await run(options.cli, args, { maxBuffer: 64 << 20 }).catch((e) => {
    throw new BenchError(`${relative(ROOT, options.cli)} ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  });
  return JSON.parse(stdout);
}

/** How many 64-bit multiplies a wasm module holds, scalar and SIMD (binaryen's wasm-dis). */
async function multiplies(wasmPath) {
  const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'wasm-dis'), [wasmPath], { maxBuffer: 256 << 20 });
  const count = (re) => (stdout.match(re) ?? []).length;
  return { i64Mul: count(/\(i64\.mul\b/g), i64x2Mul: count(/\(i64x2\.mul\b/g) };
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return { cores: cpus().length, cpu: model, node: process.version, platform: `${process.platform} ${process.arch}` };
}

// ---------------------------------------------------------------------------------------
// The grid.

/**
 * A cell's catalog: 'default', 'real', a size N (generated, uniform) or `{ n, skew }`
 * (generated with `skew` percent long products, all in the first quarter).
 */
function describeCatalog(catalog) {
  if (typeof catalog === 'object') {
    const { n, skew } = catalog;
    return {
      key: `gen${n}s${skew}`,
      label: `generated ${n.toLocaleString('en-US')}, skew ${skew}%`,
      cli: ['--generate', String(n), '--seed', String(SEED), '--skew', String(skew)],
      page: { generate: String(n), skew: String(skew) },
    };
  }
  if (catalog === 'default') return { key: 'default', label: 'www/catalog.json', cli: ['--catalog', join(ROOT, 'www', 'catalog.json')], page: {} };
  if (catalog === 'real') return { key: 'real', label: 'real (dummyjson)', cli: ['--catalog', REAL_CATALOG], page: { catalog: SERVED_CATALOG } };
  return { key: `gen${catalog}`, label: `generated ${catalog.toLocaleString('en-US')}`, cli: ['--generate', String(catalog), '--seed', String(SEED)], page: { generate: String(catalog) } };
}

/** Estimated seconds for `runs + 1` runs of a mode, from its median ns per byte-step in the largest cell so far. */
function estimate(nsPerStep, byteSteps, runs) {
  return nsPerStep === undefined ? 0 : 1.25 * (runs + 1) * byteSteps * nsPerStep / 1e9;
}

/**
 * Timed runs for a mode that always runs but may be long (native portable, Go): `runs`,
 * or fewer, at least 3, so that its estimate (`perRunS` a run) fits `budgetS`.
 */
function runsWithin(runs, perRunS, budgetS) {
  if (!(perRunS > 0)) return runs;
  return Math.max(3, Math.min(runs, Math.floor(budgetS / (1.25 * perRunS)) - 1));
}

/** The catalog file the Go peer reads: the CLI's generated catalogs written out once. */
async function catalogFile(catalog) {
  if (catalog === 'default') return join(ROOT, 'www', 'catalog.json');
  if (catalog === 'real') return REAL_CATALOG;
  const { n, skew } = typeof catalog === 'object' ? catalog : { n: catalog, skew: 0 };
  const path = join(ROOT, 'bench', 'tmp', 'catalogs', `generated-${n}-${SEED}${skew ? `-${skew}` : ''}.json`);
  if (!existsSync(path)) {
    const { stdout } = await run(options.cli, ['generate', '--n', String(n), '--seed', String(SEED), '--skew', String(skew)], { maxBuffer: 1 << 30 });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, stdout);
  }
  return path;
}

/** Whether an optional mode fits: null when it does, else why not. */
function overBudget(estimateS, limitS, deadline) {
  const left = (deadline - performance.now()) / 1000;
  if (estimateS > limitS) return `estimated ${Math.round(estimateS)} s, over the ${limitS} s budget per mode`;
  if (estimateS > left) return `estimated ${Math.round(estimateS)} s, more than the ${Math.max(0, Math.round(left))} s left of the run's ${GRID.totalBudgetS} s`;
  return null;
}

/** Null when `rows` and `ranking` list the same identifiers with the same scores, in order; else where they first differ. */
function sameRanking(rows, ranking) {
  if (rows.length !== ranking.length) return `${rows.length} rows against ${ranking.length}`;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].id !== ranking[i].id || rows[i].score !== ranking[i].score) {
      return `rank ${i + 1}: ${rows[i].id} ${rows[i].score} against ${ranking[i].id} ${ranking[i].score}`;
    }
  }
  return null;
}

/**
 * Timed runs per mode in a cell of `size` (products × iterations): at least GRID.runs,
 * more for small cells, whose runs last a few milliseconds and whose medians a single
 * slow run would otherwise move (a 5 ms run is easily doubled by one other thread).
 */
function runsFor(size) {
  const row = GRID.runsBySize.find(([below]) => size < below);
  return Math.max(GRID.runs, row ? row[1] : GRID.runs);
}

/** products × iterations, known before the catalog is loaded (the real catalog: 194). */
const cellSize = ({ catalog, iterations }) => ({ default: 40, real: 194 }[catalog] ?? catalog.n ?? catalog) * iterations;

async function measureCell(browser, base, hw, catalog, iterations, slowest, skipped, deadline) {
  const runs = runsFor(cellSize({ catalog, iterations }));
  const source = describeCatalog(catalog);
  const name = `${source.label} × ${iterations}`;
  /** `shop-recs bench` arguments for this cell, with `timedRuns` timed runs. */
  const common = (timedRuns = runs) => ['--iterations', String(iterations), '--runs', String(timedRuns), '--json', ...source.cli];

  // Native first: it names the target (the first product) and gives the reference ranking.
  const native = { parallel: {} };
  let reference = null;
  let info = null;
  for (let threads = hw; threads >= 1; threads--) {
    // Serial is timed once, beside the widest pool; the other pools time parallel only
    // (the CLI still holds each parallel ranking against an untimed serial one).
    const only = threads === hw ? [] : ['--only', 'parallel'];
    const out = await cli(['bench', '--threads', String(threads), ...only, ...common()]);
    if (!out.rankings_equal) throw new BenchError(`${name}: native rankings differ`);
    if (!reference) {
      reference = out.ranking.map((r) => ({ id: r.id, score: r.score }));
      info = { products: out.products, target: out.target, wordBytes: out.word_bytes, byteSteps: out.byte_steps, kernel: out.kernel, lanes: out.kernel_lanes };
      native.serial = stats(out.serial_ms.runs);
    } else if (sameRanking(out.ranking, reference)) {
      throw new BenchError(`${name}: the native ranking with ${threads} threads differs`);
    }
    native.parallel[threads] = stats(out.parallel_ms.runs);
  }
  // The same scalar kernel wasm runs, natively, serial and parallel at every thread
  // count: what wasm is compared with like for like, and what the Go peer (the same
  // six-lane kernel) is compared with, so that rayon meets goroutines on the same math.
  // Long cells get fewer timed runs (at least 3).
  const perRun = (key) => (slowest[key] === undefined ? undefined : info.byteSteps * slowest[key] / 1e9);
  const portableRuns = runsWithin(runs, 1.5 * perRun('native-portable'), GRID.longBudgetS);
  native.portable = { runs: portableRuns, parallel: {} };
  for (let threads = hw; threads >= 1; threads--) {
    const only = threads === hw ? [] : ['--only', 'parallel'];
    const out = await cli(['bench', '--threads', String(threads), '--kernel', 'portable', ...only, ...common(portableRuns)]);
    const mismatch = sameRanking(out.ranking, reference);
    if (mismatch || !out.rankings_equal) throw new BenchError(`${name}: the native portable kernel's ranking differs: ${mismatch}`);
    if (threads === hw) native.portable.serial = stats(out.serial_ms.runs);
    native.portable.parallel[threads] = stats(out.parallel_ms.runs);
  }

  // The Go peer: the seeds' goroutine per candidate and WaitGroup, GOMAXPROCS = threads;
  // Go serial (the same six-lane kernel) and its one-seed-at-a-time loop beside it.
  const goPath = await catalogFile(catalog);
  const goCommon = ['-catalog', goPath, '-product', info.target, '-iterations', String(iterations), '-top', '10'];
  const goRuns = runsWithin(runs, (perRun('go-serial') ?? 0) + (perRun(`go-goroutines-${hw}`) ?? 0), GRID.longBudgetS);
  const naiveOver = overBudget(estimate(slowest['go-naive'], info.byteSteps, goRuns), GRID.portableBudgetS, deadline);
  if (naiveOver) skipped.push({ cell: name, mode: 'Go serial, one seed at a time', reason: naiveOver });
  const goPeer = { runs: goRuns, goroutines: {} };
  for (let threads = hw; threads >= 1; threads--) {
    const modes = threads === hw ? ['serial', 'goroutines', ...(naiveOver ? [] : ['naive'])] : ['goroutines'];
    if (threads !== hw) {
      const over = overBudget(estimate(slowest[`go-goroutines-${threads}`] ?? slowest['go-serial'], info.byteSteps, goRuns), GRID.modeBudgetS, deadline);
      if (over) {
        skipped.push({ cell: name, mode: `Go goroutines, ${plural(threads, 'thread')}`, reason: over });
        continue;
      }
    }
    const out = await go([...goCommon, '-threads', String(threads), '-runs', String(goRuns), '-modes', modes.join(',')]);
    if (out.threads !== threads) throw new BenchError(`${name}: the Go peer ran with GOMAXPROCS ${out.threads}, not ${threads}`);
    for (const mode of modes) {
      const mismatch = sameRanking(out.modes[mode].ranking, reference);
      if (mismatch) throw new BenchError(`${name}: the Go peer's ${mode} ranking differs from native serial: ${mismatch}`);
    }
    goPeer.version = out.go;
    if (threads === hw) {
      goPeer.serial = stats(out.modes.serial.runs_ms);
      if (out.modes.naive) goPeer.naive = stats(out.modes.naive.runs_ms);
    }
    goPeer.goroutines[threads] = stats(out.modes.goroutines.runs_ms);
  }

  // Then the page. Compare (serial, parallel and JS interleaved run by run) when all
  // three fit the budget; otherwise each mode on its own visit.
  const page = { parallel: {}, workers: { interleaved: {}, blocks: {} } };
  /** A Workers run's timings, with its imbalance, start-up and memory (all instances). */
  const workerStats = (hooks) => {
    if (!hooks.times.workers || !hooks.workers) throw new BenchError(`${name}: the page ran no Workers mode`);
    return { ...pageStats(hooks.times.workers), ...hooks.workers };
  };
  const pageParams = (mode, threads) => ({
    ...source.page, product: info.target, mode, threads: String(threads),
    iterations: String(iterations), runs: String(runs), autorun: '1',
  });
  const checkRows = (hooks, what) => {
    const mismatch = sameRanking(hooks.rows, reference);
    if (mismatch) throw new BenchError(`${name}: ${what} ranks differently from native serial: ${mismatch}`);
    if (hooks.count !== info.products) throw new BenchError(`${name}: the page loaded ${hooks.count} products, the CLI ${info.products}`);
  };
  const cost = (mode) => estimate(slowest[mode], info.byteSteps, runs);
  const timeout = (seconds) => 120_000 + 4000 * seconds;
  const compareCost = cost('js') + cost('wasm-serial') + cost(`wasm-parallel-${hw}`) + cost('server');
  const jsOver = overBudget(compareCost, GRID.modeBudgetS, deadline);
  const noteServer = (hooks) => {
    if (!hooks.times.server || !hooks.server) throw new BenchError(`${name}: the page ran no Server mode (is shop-recs serve serving it?)`);
    page.server = { ...pageStats(hooks.times.server), threads: hooks.server.threads, kernel: hooks.server.kernel };
  };
  if (!jsOver) {
    // Compare: serial, parallel, JS and the server, interleaved run by run.
    const hooks = await visit(browser, base, pageParams('compare', hw), { timeoutMs: timeout(compareCost) });
    if (hooks.identical !== 'true') throw new BenchError(`${name}: the page says serial, parallel, JS and server rankings are not identical`);
    checkRows(hooks, 'compare');
    page.identical = true;
    page.serial = pageStats(hooks.times.serial);
    page.js = pageStats(hooks.times.js);
    page.parallel[hw] = pageStats(hooks.times.parallel);
    page.workers.interleaved[hw] = workerStats(hooks);
    noteServer(hooks);
  } else {
    // Too long for one visit: each mode on its own, JS last (below).
    const hooks = await visit(browser, base, pageParams('serial', hw), { timeoutMs: timeout(cost('wasm-serial')) });
    checkRows(hooks, 'wasm serial');
    page.serial = pageStats(hooks.times.serial);
  }
  for (let threads = hw; threads >= 1; threads--) {
    if (page.parallel[threads]) continue;
    const mode = `wasm-parallel-${threads}`;
    const over = threads === hw ? null : overBudget(cost(mode), GRID.modeBudgetS, deadline);
    if (over) {
      skipped.push({ cell: name, mode: `wasm parallel, ${threads} thread${threads > 1 ? 's' : ''}`, reason: over });
      continue;
    }
    const hooks = await visit(browser, base, pageParams('parallel', threads), { timeoutMs: timeout(cost(mode)) });
    checkRows(hooks, `wasm parallel on ${threads} threads`);
    page.parallel[threads] = pageStats(hooks.times.parallel);
  }
  // Workers (N single-thread instances, no shared memory) at every thread count, both
  // splits; Compare ran the interleaved one on every hardware thread.
  for (let threads = hw; threads >= 1; threads--) {
    for (const split of ['interleaved', 'blocks']) {
      if (page.workers[split][threads]) continue;
      const key = `wasm-workers-${split}-${threads}`;
      const estimateS = estimate(slowest[key] ?? slowest[`wasm-parallel-${threads}`], info.byteSteps, runs);
      const over = threads === hw ? null : overBudget(estimateS, GRID.modeBudgetS, deadline);
      if (over) {
        skipped.push({ cell: name, mode: `wasm workers, ${split}, ${plural(threads, 'worker')}`, reason: over });
        continue;
      }
      const hooks = await visit(browser, base, { ...pageParams('workers', threads), split }, { timeoutMs: timeout(estimateS) });
      checkRows(hooks, `wasm workers (${split}) on ${threads} workers`);
      page.workers[split][threads] = workerStats(hooks);
    }
  }
  if (!page.server) {
    const hooks = await visit(browser, base, pageParams('server', hw), { timeoutMs: timeout(cost('server')) });
    checkRows(hooks, 'the server');
    noteServer(hooks);
  }
  if (!page.js) {
    const over = overBudget(cost('js'), GRID.modeBudgetS, deadline);
    if (over) {
      skipped.push({ cell: name, mode: 'plain JS', reason: over });
    } else {
      const hooks = await visit(browser, base, pageParams('js', hw), { timeoutMs: timeout(cost('js')) });
      checkRows(hooks, 'plain JS');
      page.js = pageStats(hooks.times.js);
    }
  }

  // What the next, larger cells estimate from: each mode's median ns per byte-step in
  // this cell, the largest so far (small catalogs cost more per step, so they would
  // overestimate).
  const note = (key, s) => {
    if (s) slowest[key] = s.median * 1e6 / info.byteSteps;
  };
  note('wasm-serial', page.serial);
  note('js', page.js);
  for (const [t, s] of Object.entries(page.parallel)) note(`wasm-parallel-${t}`, s);
  for (const [split, byThreads] of Object.entries(page.workers)) {
    for (const [t, s] of Object.entries(byThreads)) note(`wasm-workers-${split}-${t}`, s);
  }
  note('native-portable', native.portable.serial);
  note('server', page.server);
  note('go-serial', goPeer.serial);
  note('go-naive', goPeer.naive);
  for (const [t, s] of Object.entries(goPeer.goroutines)) note(`go-goroutines-${t}`, s);
  return {
    name, catalog: source.key, label: source.label, iterations, runs, ...info, native, page, go: goPeer,
  };
}

// ---------------------------------------------------------------------------------------
// The parallel ceiling (an experiment).

/**
 * How fast can every thread go at once when nothing is split? Each round times, back to
 * back: one serial run; every pool thread running a whole serial run at the same time
 * (`rayon::broadcast`: the `Engine.everyThreadSerial` hook in the page's worker, and
 * `shop-recs bench --ceiling` natively); one parallel run. A thread's time in the middle
 * one against the serial run just before it is how fast the machine runs each thread
 * when all are busy, with no work-splitting, no stealing and no shared writes: no pool
 * can do better. Rounds alternate the three so that they share the machine's state.
 * Every serial and parallel run's ranking is checked against native serial.
 */
async function ceilingProbe(browser, base, hw, { products, iterations, rounds }) {
  const name = `generated ${products.toLocaleString('en-US')} × ${iterations} (ceiling)`;
  const common = ['bench', '--generate', String(products), '--seed', String(SEED), '--iterations', String(iterations),
    '--threads', String(hw), '--runs', String(rounds), '--ceiling', '--json'];
  const native = {};
  let reference = null;
  let target = null;
  for (const kernel of ['auto', 'portable']) {
    const out = await cli([...common, '--kernel', kernel]);
    if (!out.rankings_equal) throw new BenchError(`${name}: native rankings differ`);
    const ranking = out.ranking.map((r) => ({ id: r.id, score: r.score }));
    if (!reference) {
      reference = ranking;
      target = out.target;
    } else {
      const mismatch = sameRanking(ranking, reference);
      if (mismatch) throw new BenchError(`${name}: the ${out.kernel} kernel ranks differently: ${mismatch}`);
    }
    native[kernel] = { kernel: out.kernel, serial: out.serial_ms.runs, every: out.every_thread_ms, parallel: out.parallel_ms.runs };
  }
  const hooks = await visit(browser, base, { threads: String(hw) }, {
    until: 'ready',
    timeoutMs: 600_000,
    inside: async (page) => {
      const worker = await pageWorker(page);
      return worker.evaluate(async ({ products, iterations, rounds, seed, target }) => {
        const wasm = await import(new URL('../shop-recs.js', self.location.href).href);
        const engine = wasm.Engine.generate(products, seed);
        try {
          const timed = (parallel) => {
            const t0 = performance.now();
            const out = engine.recommend(target, iterations, 10, parallel);
            return [performance.now() - t0, out.items.map((i) => ({ id: i.id, score: i.score }))];
          };
          // One untimed warm-up of each.
          timed(false);
          engine.everyThreadSerial(target, iterations);
          timed(true);
          const serial = [];
          const every = [];
          const parallel = [];
          const rankings = [];
          for (let r = 0; r < rounds; r++) {
            const [s, sr] = timed(false);
            every.push(Array.from(engine.everyThreadSerial(target, iterations)));
            const [p, pr] = timed(true);
            serial.push(s);
            parallel.push(p);
            rankings.push(sr, pr);
          }
          return { serial, every, parallel, rankings, threads: wasm.poolThreads() };
        } finally {
          engine.free();
        }
      }, { products, iterations, rounds, seed: SEED, target });
    },
  });
  const { rankings, ...wasm } = hooks.extra;
  if (wasm.threads !== hw) throw new BenchError(`${name}: the pool has ${wasm.threads} threads, not ${hw}`);
  for (const ranking of rankings) {
    const mismatch = sameRanking(ranking, reference);
    if (mismatch) throw new BenchError(`${name}: a wasm run ranks differently from native serial: ${mismatch}`);
  }
  return { products, iterations, rounds, threads: hw, target, wasm, native };
}

// ---------------------------------------------------------------------------------------
// Main.

/**
 * `shop-recs serve` under load (examples/server_bench.rs, release): latency against the
 * compute, the reactor's responsiveness with and without spawn_blocking, load shedding and
 * memory. Its progress goes to the terminal; its figures come back as JSON.
 */
async function serverBench() {
  const bin = join(ROOT, 'target', 'release', 'examples', 'server_bench');
  const reactorBin = join(ROOT, 'target', 'bench-reactor', 'release', 'shop-recs');
  if (!existsSync(bin)) throw new BenchError(`${bin} is not built: run scripts/bench.sh first`);
  const args = ['--bin', options.cli, '--dist', join(ROOT, 'dist'), '--seconds', options.quick ? '1' : '3'];
  if (existsSync(reactorBin)) args.push('--reactor-bin', reactorBin);
  if (existsSync(REAL_CATALOG)) args.push('--real', REAL_CATALOG);
  const child = execFile(bin, args, { cwd: ROOT, maxBuffer: 64 * 2 ** 20 });
  child.stderr.pipe(process.stderr);
  let out = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new BenchError(`server_bench exited with ${code}`);
  return { ...JSON.parse(out), measuredAt: new Date().toISOString(), quick: options.quick };
}

/** --server-only: measure the server and put it into the report already in options.out. */
async function serverOnly() {
  const path = join(options.out, 'results.json');
  if (!existsSync(path)) throw new BenchError(`${path} is missing: run the whole benchmark first`);
  const results = JSON.parse(readFileSync(path, 'utf8'));
  results.server = await serverBench();
  const { writeReport } = await import('./report.mjs');
  log(writeReport(results, options.out, renderPlot));
  log(`wrote the server section into ${relative(ROOT, join(options.out, 'REPORT.md'))}`);
}

/** "Pool or workers" (bench/pool-or-workers.mjs): its catalogs, iterations and runs. */
const POOL_OR_WORKERS = options.quick
  ? { cells: [{ n: 2000, skew: 0 }, { n: 2000, skew: 5 }], iterations: 1500, runs: 3 }
  : {
    cells: [{ n: 2000, skew: 0 }, { n: 2000, skew: 5 }, { n: 20000, skew: 0 }, { n: 20000, skew: 5 }], iterations: 1500, runs: 7,
  };

/** Pool or workers, with the page served by `shop-recs serve` from `dir` in Chromium. */
async function measurePoolOrWorkers(browser, base, hw) {
  log(`== pool or workers: the rayon pool against ${hw} independent workers, uniform and skewed catalogs`);
  return poolOrWorkers(browser, base, hw, POOL_OR_WORKERS, {
    visit, cli, sameRanking, BenchError, log,
  });
}

/** --workers-only: measure pool or workers and put it into the report already in options.out. */
async function workersOnly() {
  const path = join(options.out, 'results.json');
  if (!existsSync(path)) throw new BenchError(`${path} is missing: run the whole benchmark first`);
  const results = JSON.parse(readFileSync(path, 'utf8'));
  const server = await startServer({ dir: join(ROOT, 'dist') });
  const browser = await launchBrowser();
  try {
    const base = server.url.endsWith('/') ? server.url : `${server.url}/`;
    const hw = (await visit(browser, base, {}, { until: 'ready' })).hw;
    results.poolOrWorkers = await measurePoolOrWorkers(browser, base, hw);
  } finally {
    await browser.close();
    await server.close();
  }
  const { writeReport } = await import('./report.mjs');
  log(writeReport(results, options.out, renderPlot));
  log(`wrote the pool-or-workers section into ${relative(ROOT, join(options.out, 'REPORT.md'))}`);
}

async function main() {
  if (options.serverOnly) return serverOnly();
  if (options.workersOnly) return workersOnly();
  const started = performance.now();
  const deadline = started + GRID.totalBudgetS * 1000;
  const startedAt = new Date();
  const loadStart = loadavg();
  const stealStart = stealTicks();
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new BenchError('dist/ is not built: run scripts/bench.sh (or scripts/build.sh) first');
  if (!existsSync(options.cli)) throw new BenchError(`${options.cli} is not built: run scripts/bench.sh (or cargo build --release) first`);
  const catalogs = GRID.catalogs.filter((c) => c !== 'real' || existsSync(REAL_CATALOG));
  const skipped = [];
  if (catalogs.length < GRID.catalogs.length) skipped.push({ cell: 'real catalog', mode: 'every mode', reason: `${relative(ROOT, REAL_CATALOG)} is not there` });
  rmSync(SERVED, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist'), SERVED, { recursive: true });
  const simd = join(ROOT, 'bench', 'tmp', 'bench-simd128');
  if (existsSync(simd)) cpSync(simd, join(SERVED, 'bench-simd128'), { recursive: true });
  if (catalogs.includes('real')) {
    mkdirSync(dirname(join(SERVED, SERVED_CATALOG)), { recursive: true });
    copyFileSync(REAL_CATALOG, join(SERVED, SERVED_CATALOG));
  }

  const server = await startServer({ dir: SERVED });
  const browser = await launchBrowser();
  const base = server.url.endsWith('/') ? server.url : `${server.url}/`;
  try {
    const env = { ...machine(), browser: `Chromium ${browser.version()}`, rustc: (await run('rustc', ['--version'], { cwd: ROOT })).stdout.trim() };

    log(`== start-up: ${GRID.readyVisits} fresh visits of the page (default catalog)`);
    const startup = [];
    let hw = 0;
    for (let i = 0; i < GRID.readyVisits; i++) {
      const hooks = await visit(browser, base, {}, { until: 'ready' });
      if (hooks.readyMs === null) throw new BenchError('the page set no shop-recs:ready performance mark');
      hw = hooks.hw;
      startup.push({ readyMs: hooks.readyMs, poolStartMs: hooks.poolStartMs, wasmInitMs: hooks.wasmInitMs, threads: hooks.threads });
    }
    log(`   ready ${startup.map((s) => s.readyMs.toFixed(0)).join(', ')} ms; pool of ${startup[0].threads} started in ${startup.map((s) => s.poolStartMs.toFixed(0)).join(', ')} ms`);

    log('== kernel against the naive reference (200 generated descriptions, 1500 iterations), on a settled page');
    // A page whose pool has started and finished a parallel run, so that it is idle and
    // the threaded module warm; the builds are then timed pass by pass, in turns.
    const { extra: wasmKernelResult } = await visit(browser, base, {
      generate: '2000', mode: 'parallel', threads: String(hw), iterations: '300', runs: '1', autorun: '1',
    }, {
      inside: (page) => wasmKernels(page, {
        seed: SEED,
        builds: WASM_BUILDS.filter((b) => existsSync(join(SERVED, b.module))).map(({ key, module }) => ({ key, module })),
        products: 200,
        iterations: 1500,
        runs: GRID.kernelRuns,
      }),
    });
    const nativeKernel = await cli(['kernel', '--json', '--runs', String(GRID.kernelRuns)]);
    const threaded = wasmKernelResult.threaded;
    const steps = threaded.wordBytes * 1500;
    if (steps !== nativeKernel.byte_steps) throw new BenchError(`the wasm and native kernel benchmarks hash different bytes (${steps} against ${nativeKernel.byte_steps})`);
    const wasmBuilds = [];
    for (const build of WASM_BUILDS) {
      const got = wasmKernelResult[build.key];
      if (!got) continue;
      if (got.naive.digest !== threaded.naive.digest || got.kernel.digest !== threaded.naive.digest) {
        throw new BenchError(`wasm ${build.key}: the kernel and the naive reference give different signatures`);
      }
      wasmBuilds.push({
        key: build.key, label: build.label, naiveNs: got.naive.bestMs * 1e6 / steps, kernelNs: got.kernel.bestMs * 1e6 / steps,
        ...(await multiplies(join(SERVED, build.module.replace(/\.js$/, '_bg.wasm')))),
      });
    }
    const kernel = {
      iterations: 1500,
      products: 200,
      byteSteps: steps,
      native: nativeKernel,
      wasm: wasmBuilds[0],
      wasmBuilds,
    };
    log(`   native: naive ${nativeKernel.naive_ns_per_byte_step.toFixed(3)} ns/step; ${nativeKernel.kernels.map((k) => `${k.name} ${k.ns_per_byte_step.toFixed(3)} (${k.vs_naive.toFixed(2)}x)`).join(', ')}`);
    for (const b of wasmBuilds) log(`   wasm ${b.key}: naive ${b.naiveNs.toFixed(3)} ns/step; portable ${b.kernelNs.toFixed(3)} (${(b.naiveNs / b.kernelNs).toFixed(2)}x)`);

    log(`== the grid: ${catalogs.length} catalogs x ${GRID.iterations.join(', ')} iterations x 1..${hw} threads, ${GRID.runs} or more timed runs after a warm-up`);
    // Skewed catalogs at the first iteration count only: their long products make every
    // run several times longer, and 1,500 iterations already show what the skew does.
    const plan = catalogs.flatMap((catalog) => GRID.iterations
      .filter((iterations, k) => typeof catalog !== 'object' || k === 0)
      .map((iterations) => ({ catalog, iterations })));
    // Smallest first, so every budget estimate comes from a smaller cell.
    plan.sort((a, b) => cellSize(a) - cellSize(b));
    const slowest = {};
    const cells = [];
    for (const { catalog, iterations } of plan) {
      const t0 = performance.now();
      const cell = await measureCell(browser, base, hw, catalog, iterations, slowest, skipped, deadline);
      cells.push(cell);
      const p = cell.page.parallel[hw];
      log(`   ${cell.name.padEnd(30)} wasm serial ${cell.page.serial.median.toFixed(1)} ms` +
        `${p ? `, parallel(${hw}) ${p.median.toFixed(1)} ms` : ''}` +
        `${cell.page.js ? `, JS ${cell.page.js.median.toFixed(1)} ms` : ''}` +
        `, native ${cell.native.serial.median.toFixed(1)} / ${cell.native.parallel[hw].median.toFixed(1)} ms  (${elapsed(t0).toFixed(0)} s)`);
    }

    log(`== the parallel ceiling (experiment): every thread running a whole serial run at once, between a serial and a parallel run`);
    const ceiling = [];
    for (const probe of GRID.ceiling) {
      const t0 = performance.now();
      const got = await ceilingProbe(browser, base, hw, probe);
      ceiling.push(got);
      const { wasm: w, native: n } = got;
      const per = (x) => median(x.every.flat()).toFixed(1);
      log(`   generated ${probe.products} x ${probe.iterations}: wasm serial ${median(w.serial).toFixed(1)}, every thread ${per(w)}, parallel ${median(w.parallel).toFixed(1)} ms;` +
        ` native portable ${median(n.portable.serial).toFixed(1)}, ${per(n.portable)}, ${median(n.portable.parallel).toFixed(1)} ms  (${elapsed(t0).toFixed(0)} s)`);
    }

    log(`== peak wasm memory: ${MEMORY_PRODUCTS.toLocaleString('en-US')} generated products, loaded and scored once in parallel`);
    const memoryHooks = await visit(browser, base, {
      generate: String(MEMORY_PRODUCTS), mode: 'parallel', threads: String(hw),
      iterations: String(GRID.memoryIterations), runs: '1', autorun: '1',
    }, { timeoutMs: 600_000 });
    if (memoryHooks.memoryBytes === null) throw new BenchError('the page reports no data-wasm-memory-bytes');
    const memory = { products: MEMORY_PRODUCTS, iterations: GRID.memoryIterations, bytes: memoryHooks.memoryBytes };
    log(`   ${(memory.bytes / 2 ** 20).toFixed(0)} MiB`);

    const poolOrWorkersResults = await measurePoolOrWorkers(browser, base, hw);

    log('== the server (shop-recs serve), from examples/server_bench.rs');
    const serverResults = await serverBench();

    const wasmBytes = readFileSync(join(SERVED, 'shop-recs_bg.wasm'));
    const wasm = { raw: wasmBytes.length, gzip: gzipSync(wasmBytes, { level: 9 }).length };

    const stealTicksRun = stealStart === null ? null : stealTicks() - stealStart;
    // USER_HZ is 100 on Linux: a tick is 10 ms.
    const steal = stealTicksRun === null ? null : { ticks: stealTicksRun, seconds: stealTicksRun / 100 };
    const results = {
      mode: options.quick ? 'quick' : 'full',
      startedAt: startedAt.toISOString(),
      durationS: elapsed(started),
      loadAverage: { start: loadStart, end: loadavg() },
      steal,
      machine: env,
      hw,
      grid: GRID,
      startup,
      kernel,
      wasm,
      memory,
      cells,
      ceiling,
      server: serverResults,
      poolOrWorkers: poolOrWorkersResults,
      skipped,
    };
    mkdirSync(options.out, { recursive: true });
    const { writeReport } = await import('./report.mjs');
    const summary = writeReport(results, options.out, renderPlot);
    log('');
    log(summary);
    log(`wrote ${relative(ROOT, join(options.out, 'REPORT.md'))}, plot.svg and results.json beside it, in ${results.durationS.toFixed(0)} s`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(SERVED, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`\nbench failed: ${e instanceof BenchError ? e.message : e.stack}\n`);
  process.exit(1);
});
