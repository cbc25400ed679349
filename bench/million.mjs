// "A million products": per phase (generate, parse, prepare for JS, score, top K) and per
// mode, time and memory at 200,000 and 1,000,000 products, native (the CLI) and in the
// browser (the page in headless Chromium, served by `shop-recs serve`), with the
// catalog's bytes per product by part, and the generator's file loaded on one thread
// against the pool of 2 (natively, and through the page's file picker). Stores them as `million` in bench/results.json and
// renders bench/REPORT.md again (its section: bench/report-million.mjs).
//
//   node bench/million.mjs [--sizes 200000,1000000] [--runs 3]
//
// Needs the release build (scripts/build.sh). Figures only: nothing here is a test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, startServer } from '../scripts/browser.mjs';
import { median } from '../www/js/format.js';
import { storeSection } from './store.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'target', 'release', 'shop-recs');
const ITERATIONS = 10;
const MODES = ['serial', 'parallel', 'js', 'workers'];

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const sizes = option('--sizes', '200000,1000000').split(',').map(Number);
const runs = Number(option('--runs', '3'));


function cli(argv) {
  const started = performance.now();
  const out = execFileSync(BIN, argv, { maxBuffer: 1 << 26 }).toString();
  return { ms: performance.now() - started, out };
}

/** The CLI: generate a file, load it, and bench the generated catalog; the file stays. */
function native(n, file) {
  const started = performance.now();
  execFileSync('sh', ['-c', `"${BIN}" generate --n ${n} > "${file}"`]);
  const generateMs = performance.now() - started;
  const fileBytes = statSync(file).size;
  const loaded = JSON.parse(cli(['recommend', '--catalog', file, '--iterations', String(ITERATIONS), '--json']).out);
  const bench = JSON.parse(cli(['bench', '--generate', String(n), '--iterations', String(ITERATIONS),
    '--runs', String(runs), '--json']).out);
  // Apart, so that its catalogs (one thread's and the pool's, compared) do not count in
  // the bench's peak memory above.
  const loads = JSON.parse(cli(['bench', '--generate', String(n), '--iterations', String(ITERATIONS),
    '--runs', String(runs), '--threads', '2', '--load', '--only', 'serial', '--json']).out);
  // The file loaded on one thread, then on the pool of 2 (rayon's global pool, which
  // the load uses), interleaved run by run.
  const fileLoads = { serialMs: [], poolMs: [] };
  for (let round = 0; round < runs; round++) {
    for (const [threads, into] of [['1', fileLoads.serialMs], ['2', fileLoads.poolMs]]) {
      const out = execFileSync(BIN, ['recommend', '--catalog', file, '--iterations', String(ITERATIONS), '--json'],
        { maxBuffer: 1 << 26, env: { ...process.env, RAYON_NUM_THREADS: threads } });
      into.push(JSON.parse(out.toString()).timings_ms.load);
    }
  }
  return {
    generateToFileMs: generateMs,
    fileBytes,
    loadFileMs: loaded.timings_ms.load,
    loadPeakBytes: loaded.peak_resident_bytes,
    benchPeakBytes: bench.peak_resident_bytes,
    catalogBytes: bench.catalog_bytes,
    serialMs: bench.serial_ms.median,
    parallelMs: bench.parallel_ms.median,
    sortMs: loaded.timings_ms.sort,
    threads: bench.threads,
    // Generating the catalog on one thread against on the pool, interleaved run by run.
    load: { serialMs: loads.load_ms.serial.runs, poolMs: loads.load_ms.pool.runs },
    fileLoad: fileLoads,
  };
}

/**
 * The generator's file through the page's file picker, one thread against the pool:
 * `runs` rounds, each a page with a pool of 1 then one with a pool of 2, the load time
 * from `[data-testid=env]`'s data-load-ms (its threads checked), and the wasm memory after.
 */
async function browserFileLoads(browser, base, n, file) {
  const out = { serialMs: [], poolMs: [], wasmMemoryBytes: [] };
  const count = () => document.querySelector('[data-testid=catalog-count]')?.dataset.value;
  for (let round = 0; round < runs; round++) {
    for (const [threads, into] of [[1, out.serialMs], [2, out.poolMs]]) {
      const { page, context } = await openPage(browser, `${base}?threads=${threads}&mode=serial&iterations=${ITERATIONS}`);
      try {
        await page.waitForFunction(count, null, { timeout: 60_000 });
        await page.setInputFiles('[data-testid=catalog-file]', file);
        await page.waitForFunction((want) => document.querySelector('[data-testid=catalog-count]')?.dataset.value === want,
          String(n), { timeout: 600_000 });
        const env = page.locator('[data-testid=env]');
        const used = Number(await env.getAttribute('data-load-threads'));
        if (used !== threads) throw new Error(`n=${n}: asked for ${threads} threads, the file's load used ${used}`);
        into.push(Number(await env.getAttribute('data-load-ms')));
        if (threads === 2) out.wasmMemoryBytes.push(Number(await env.getAttribute('data-wasm-memory-bytes')));
      } finally {
        await context.close();
      }
    }
  }
  return out;
}

/**
 * The page's load alone, one thread against the pool: `runs` rounds, each a page with a
 * pool of 1 (the serial build path) then one with a pool of 2, the load time from
 * `[data-testid=env]`'s data-load-ms (and its threads, checked).
 */
async function browserLoads(browser, base, n) {
  const out = { serialMs: [], poolMs: [] };
  for (let round = 0; round < runs; round++) {
    for (const [threads, into] of [[1, out.serialMs], [2, out.poolMs]]) {
      const { page, context } = await openPage(browser, `${base}?generate=${n}&threads=${threads}&mode=serial&iterations=${ITERATIONS}`);
      try {
        await page.waitForFunction((want) => document.querySelector('[data-testid=catalog-count]')?.dataset.value === want,
          String(n), { timeout: 600_000 });
        const env = page.locator('[data-testid=env]');
        const used = Number(await env.getAttribute('data-load-threads'));
        if (used !== threads) throw new Error(`n=${n}: asked for ${threads} threads, the load used ${used}`);
        into.push(Number(await env.getAttribute('data-load-ms')));
      } finally {
        await context.close();
      }
    }
  }
  return out;
}

/** The page: Compare at `n`, every mode's median and top K, the load's phases, memory. */
async function browserRun(browser, base, n) {
  const url = `${base}?generate=${n}&mode=compare&iterations=${ITERATIONS}&runs=${runs}&threads=2&autorun=1`;
  const { page, context } = await openPage(browser, url);
  try {
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 900_000 });
    if (await page.evaluate(() => document.body.dataset.state) === 'error') {
      throw new Error(`n=${n}: ${await page.locator('[data-testid=error]').textContent()}`);
    }
    const identical = await page.locator('[data-testid=identical]').getAttribute('data-value');
    if (identical !== 'true') throw new Error(`n=${n}: the modes ranked differently`);
    const detail = page.locator('#catalog-detail');
    const env = page.locator('[data-testid=env]');
    const out = {
      generateMs: Number(await detail.getAttribute('data-parse-ms')),
      prepareMs: Number(await detail.getAttribute('data-export-ms')),
      wasmMemoryBytes: Number(await env.getAttribute('data-wasm-memory-bytes')),
      workersMemoryBytes: Number(await env.getAttribute('data-workers-memory-bytes')),
      bytesPerProduct: Number(await env.getAttribute('data-bytes-per-product')),
      modes: {},
    };
    for (const mode of MODES) {
      const row = page.locator(`[data-testid=time-${mode}]`);
      const phases = JSON.parse(await row.getAttribute('data-phases-ms'));
      out.modes[mode] = {
        medianMs: Number(await row.getAttribute('data-median-ms')),
        scoreMs: median(phases.map((p) => p.scoreMs)),
        rankMs: median(phases.map((p) => p.rankMs)),
      };
    }
    return out;
  } finally {
    await context.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'shop-recs-million-'));
const server = await startServer({});
const browser = await launchBrowser();
try {
  const cells = [];
  for (const n of sizes) {
    process.stderr.write(`n = ${n}: native…\n`);
    const file = join(dir, `catalog-${n}.json`);
    const nativeFigures = native(n, file);
    process.stderr.write(`n = ${n}: browser…\n`);
    const browserFigures = await browserRun(browser, server.url, n);
    process.stderr.write(`n = ${n}: browser loads, one thread against the pool…\n`);
    browserFigures.load = await browserLoads(browser, server.url, n);
    process.stderr.write(`n = ${n}: the file through the page's file picker, one thread against the pool…\n`);
    browserFigures.fileLoad = await browserFileLoads(browser, server.url, n, file);
    rmSync(file);
    cells.push({ n, native: nativeFigures, browser: browserFigures });
  }
  const results = {
    date: new Date().toISOString().slice(0, 10),
    cores: (await import('node:os')).cpus().length,
    iterations: ITERATIONS,
    runs,
    cells,
  };
  storeSection(join(ROOT, 'bench'), 'million', results);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
