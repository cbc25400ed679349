// The benchmark's side of the page: opening it with URL parameters and reading its test
// hooks once a run is done (visit), its worker (pageWorker), and the wasm kernels timed
// inside that worker (wasmKernels). bench/run.mjs drives the grid with these.
import { openPage } from '../scripts/browser.mjs';

/** A failed measurement: the benchmark stops with its message and exit status 1. */
export class BenchError extends Error {}


/** Reads the page's test hooks once a run is done (or the page is ready). */
function readHooks() {
  const timing = (mode) => {
    const row = document.querySelector(`[data-testid=time-${mode}]`);
    if (!row || row.dataset.medianMs === undefined) return null;
    return {
      median: Number(row.dataset.medianMs),
      min: Number(row.dataset.minMs),
      runs: row.dataset.runsMs ? JSON.parse(row.dataset.runsMs) : null,
      phases: row.dataset.phasesMs ? JSON.parse(row.dataset.phasesMs) : null,
    };
  };
  const env = document.querySelector('[data-testid=env]').dataset;
  const ready = performance.getEntriesByName('shop-recs:ready')[0];
  return {
    state: document.body.dataset.state,
    error: document.querySelector('[data-testid=error]')?.textContent ?? '',
    notices: [...document.querySelectorAll('[data-param]')].map((n) => n.textContent),
    times: {
      serial: timing('serial'), parallel: timing('parallel'), js: timing('js'), workers: timing('workers'), server: timing('server'),
    },
    workers: env.workersCount === undefined ? null : {
      count: Number(env.workersCount),
      startMs: Number(env.workersStartMs),
      memoryBytes: Number(env.workersMemoryBytes),
      imbalance: Number(document.querySelector('[data-testid=time-workers]').dataset.imbalance),
      split: document.querySelector('[data-testid=time-workers]').dataset.split,
    },
    timeline: (() => {
      const t = document.querySelector('[data-testid=timeline]');
      return t.hidden ? null : { efficiency: Number(t.dataset.efficiency), imbalance: Number(t.dataset.imbalance), identical: t.dataset.identical };
    })(),
    server: env.serverThreads === undefined ? null : { threads: Number(env.serverThreads), kernel: env.serverKernel },
    identical: document.querySelector('[data-testid=identical]')?.dataset.value ?? null,
    rows: [...document.querySelectorAll('[data-testid=result-row]')].map((r) => ({ id: r.dataset.id, score: Number(r.dataset.score) })),
    count: Number(document.querySelector('[data-testid=catalog-count]')?.dataset.value),
    threads: Number(env.threads),
    hw: Number(env.hw),
    build: env.build ?? null,
    isolated: env.isolated,
    poolStartMs: env.poolStartMs === undefined ? null : Number(env.poolStartMs),
    wasmInitMs: env.wasmInitMs === undefined ? null : Number(env.wasmInitMs),
    memoryBytes: env.wasmMemoryBytes === undefined ? null : Number(env.wasmMemoryBytes),
    readyMs: ready ? ready.startTime : null,
  };
}

/** Waits until the page's state is one of `states`; 'error' fails. Polls, so it adds no work per frame. */
async function waitFor(page, states, timeoutMs) {
  await page.waitForFunction(
    (states) => states.includes(document.body.dataset.state) || document.body.dataset.state === 'error',
    states, { timeout: timeoutMs, polling: 250 });
  const hooks = await page.evaluate(readHooks);
  if (!states.includes(hooks.state)) throw new BenchError(`the page reached '${hooks.state}': ${hooks.error}`);
  return hooks;
}

/**
 * Opens the page with `params` in a fresh browser context, waits for `until`, reads the
 * hooks, optionally runs `inside(page)`, and closes the context. Fails on any page error,
 * any notice about a parameter, or a pool of another size than asked for.
 */
export async function visit(browser, base, params, { until = 'done', timeoutMs = 120_000, inside = null } = {}) {
  const url = `${base}?${new URLSearchParams(params)}`;
  const { page, context, assertClean } = await openPage(browser, url);
  try {
    const hooks = await waitFor(page, [until], timeoutMs);
    if (hooks.notices.length) throw new BenchError(`the page rejected a parameter of ${url}: ${hooks.notices.join(' | ')}`);
    if (params.threads && hooks.threads !== Number(params.threads)) {
      throw new BenchError(`${url}: asked for ${params.threads} threads, the pool has ${hooks.threads}`);
    }
    if (hooks.build && hooks.build !== 'threaded') throw new BenchError(`${url}: the page loaded the ${hooks.build} build, not the threaded one`);
    const extra = inside ? await inside(page, hooks) : null;
    assertClean();
    return { ...hooks, extra };
  } finally {
    await context.close();
  }
}

/** The page's worker (the one that owns the wasm), as Playwright sees it. */
export async function pageWorker(page) {
  for (let i = 0; i < 100; i++) {
    const worker = page.workers().find((w) => /\/js\/worker\.js(\?|$)/.test(w.url()));
    if (worker) return worker;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new BenchError('the page has no worker at js/worker.js');
}

/**
 * Times the naive MinHash reference against the kernel inside the page's worker, with
 * performance.now(), through each build's `Engine.signatureDigest` (a benchmark hook), on
 * the same generated descriptions as `shop-recs kernel`. `builds` are wasm-bindgen modules
 * under dist/: the page's own (already started in that worker) and other builds of the
 * same source, started here. Every build gets two untimed passes of each; then `runs`
 * rounds in which every build times the naive reference and the kernel in turn, and each
 * keeps its fastest: the builds and the two kernels all see the same moments of a machine
 * whose speed drifts. Called on a settled page (its pool idle after a finished run), so
 * that no pass competes with the pool starting or the engine compiling in the background.
 * Every build's digests must agree.
 */
export async function wasmKernels(page, {
  builds, products, iterations, runs, seed,
}) {
  const worker = await pageWorker(page);
  return worker.evaluate(async ({ builds, products, iterations, runs, seed }) => {
    const engines = [];
    for (const { key, module } of builds) {
      const wasm = await import(new URL(`../${module}`, self.location.href).href);
      // The page's own module is started already; starting it again would replace its memory.
      if (module !== 'shop-recs.js') await wasm.default();
      engines.push({ key, engine: wasm.Engine.generate(products, seed) });
    }
    const kinds = [['naive', true], ['kernel', false]];
    try {
      const out = {};
      for (const { key, engine } of engines) {
        out[key] = { wordBytes: engine.tokenData().bytes.length, naive: { bestMs: Infinity }, kernel: { bestMs: Infinity } };
        for (let pass = 0; pass < 2; pass++) {
          for (const [kind, naive] of kinds) out[key][kind].digest = String(engine.signatureDigest(iterations, naive));
        }
      }
      for (let r = 0; r < runs; r++) {
        for (const { key, engine } of engines) {
          for (const [kind, naive] of kinds) {
            const t0 = performance.now();
            engine.signatureDigest(iterations, naive);
            out[key][kind].bestMs = Math.min(out[key][kind].bestMs, performance.now() - t0);
          }
        }
      }
      return out;
    } finally {
      for (const { engine } of engines) engine.free();
    }
  }, {
    builds, products, iterations, runs, seed,
  });
}

/**
 * The wasm builds whose kernel is timed: the page's threaded module (what users run),
 * and where they were built, the single-thread module (build.sh) and the simd128
 * experiment (bench.sh, into bench/tmp/), which differ from it only in their compile flags.
 */
export const WASM_BUILDS = [
  { key: 'threaded', module: 'shop-recs.js', label: 'threaded (the page\'s module: atomics, bulk-memory, mutable-globals)' },
  { key: 'single-thread', module: 'single-thread/shop-recs.js', label: 'single-thread (no atomics)' },
  { key: 'simd128', module: 'bench-simd128/shop-recs.js', label: 'single-thread + simd128 (experiment)' },
];
