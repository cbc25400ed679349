// "How many threads": what `threads: 'auto'` should choose. The page's pool on every
// core this browser reports, against one core fewer, in headless Chromium: the run's time,
// and what the page's own thread can still do meanwhile. A probe on the page's thread
// runs a fixed piece of work (calibrated to about 5 ms while idle) every 50 ms during
// the run: how much longer each piece takes than while idle is how much CPU the pool
// leaves the page, and how late the probe's timer fires is how long an input could wait.
// Visits alternate between the two counts, round by round. Stores `threadsAuto` in
// bench/results.json and renders bench/REPORT.md again (bench/report-threads.mjs).
//
//   node bench/threads-auto.mjs [--generate 20000] [--rounds 3] [--runs 7]
//
// Needs the release build (scripts/build.sh). Figures only: nothing here is a test.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, openPage, startServer } from '../scripts/browser.mjs';
import { median } from '../www/js/format.js';
import { ROOT, option } from './script-args.mjs';
import { storeSection } from './store.mjs';

const n = Number(option('--generate', '20000'));
const rounds = Number(option('--rounds', '3'));
const runs = Number(option('--runs', '7'));
const ITERATIONS = 1500;

/** In the page: calibrates the probe's piece of work and records it while idle. */
function installProbe() {
  // Every result goes into `probe.sink`, so that the compiler cannot drop the work; the
  // loop runs long enough first to reach the optimising tier before it is calibrated.
  const probe = { pieces: [], lags: [], timer: 0, sink: 0 };
  const work = (count) => {
    let x = probe.sink;
    for (let i = 0; i < count; i++) x = (Math.imul(x, 31) + i) | 0;
    probe.sink = x;
  };
  const timed = (count) => {
    const t = performance.now();
    work(count);
    return performance.now() - t;
  };
  for (let k = 0; k < 200; k++) work(100_000);
  let count = 100_000;
  while (timed(count) < 2) count *= 2;
  const sample = () => Array.from({ length: 21 }, () => timed(count)).sort((a, b) => a - b)[10];
  count = Math.round((count * 5) / sample());
  probe.idle = Array.from({ length: 21 }, () => timed(count));
  probe.start = () => {
    let expected = performance.now() + 50;
    probe.timer = setInterval(() => {
      const now = performance.now();
      probe.lags.push(Math.max(0, now - expected));
      probe.pieces.push(timed(count));
      expected = performance.now() + 50;
    }, 50);
  };
  probe.stop = () => clearInterval(probe.timer);
  window.__probe = probe;
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** One visit: the pool of `threads`, `runs` timed runs of Parallel with the probe on. */
async function visit(browser, base, threads) {
  const url = `${base}?generate=${n}&mode=parallel&threads=${threads}&runs=${runs}&iterations=${ITERATIONS}`;
  const { page, context } = await openPage(browser, url);
  try {
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 300_000 });
    const pool = Number(await page.locator('[data-testid=env]').getAttribute('data-threads'));
    if (pool !== threads) throw new Error(`asked for a pool of ${threads}, the page has ${pool}`);
    await page.evaluate(installProbe);
    await page.evaluate(() => window.__probe.start());
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 600_000 });
    const probe = await page.evaluate(() => {
      window.__probe.stop();
      const { idle, pieces, lags } = window.__probe;
      return { idle, pieces, lags };
    });
    if (await page.evaluate(() => document.body.dataset.state) === 'error') throw new Error('the run failed');
    const idle = median(probe.idle);
    const stretch = probe.pieces.map((ms) => ms / idle);
    return {
      medianMs: Number(await page.locator('[data-testid=time-parallel]').getAttribute('data-median-ms')),
      probes: probe.pieces.length,
      idlePieceMs: idle,
      stretchMedian: median(stretch),
      stretchP95: quantile(stretch, 0.95),
      lagP95Ms: quantile(probe.lags, 0.95),
      lagMaxMs: Math.max(...probe.lags),
    };
  } finally {
    await context.close();
  }
}

const cores = cpus().length;
const counts = [cores, cores - 1].filter((c) => c >= 1);
const server = await startServer({});
const browser = await launchBrowser();
try {
  const visits = Object.fromEntries(counts.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (const threads of counts) {
      process.stderr.write(`round ${round + 1}: a pool of ${threads}…\n`);
      visits[threads].push(await visit(browser, server.url, threads));
    }
  }
  const results = {
    date: new Date().toISOString().slice(0, 10), cores, n, iterations: ITERATIONS, runs, rounds, visits,
  };
  storeSection(join(ROOT, 'bench'), 'threadsAuto', results);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  await browser.close();
  await server.close();
}
