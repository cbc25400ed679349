// Which backend the package's Recommender runs on, and why: a pure function of what the
// browser can do and what was asked, so that every branch is unit-tested
// (tests/js/choose.test.mjs). No DOM, no workers, no wasm here.
//
// The rule, from this project's own measurements (bench/REPORT.md):
// - the pool, where the page is cross-origin isolated and wasm threads start: one wasm
//   memory shared by every thread, and the scorer's pieces balanced by cost;
// - otherwise share-nothing workers, where there are at least 2 cores and the catalog's
//   N + 1 copies (the page's worker's and one per worker) fit the memory budget;
// - otherwise one thread.
// A backend asked for by name is used when it can run here; otherwise the rule picks
// and says why the asked one could not run.

import { whyNoThreads, whyNoWorkers } from './detect.js';

/** The backends, as `Recommender.backend` names them. */
export const BACKENDS = Object.freeze(['pool', 'workers', 'single']);

/** The memory the catalog's copies may take in all, by default: the demo's ceiling. */
export const DEFAULT_MEMORY_BUDGET = 640 * 2 ** 20;

const mib = (bytes) => (bytes < 2 ** 20 ? `${(bytes / 2 ** 10).toFixed(0)} KiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`);

/**
 * The thread count for `threads` ('auto' or a number) on `cores` logical cores, and why.
 * 'auto' takes every core, as the demo does: the work runs in the package's worker and
 * the pool's threads, never on the page's thread, so the page stays responsive with all
 * of them busy (the responsiveness tier of the end-to-end tests measures its frames).
 */
export function chooseThreads(threads, cores) {
  const available = Math.max(1, Math.floor(cores) || 1);
  if (threads === 'auto' || threads === undefined) {
    return {
      threads: available,
      // Measured (bench/REPORT.md, "How many threads"): on 2 cores one core fewer made
      // every run 1.69× slower, while every core busy only slowed the page's own work
      // (1.8× at the median), never blocked it.
      reason: `threads: ${available}, every core this browser reports (navigator.hardwareConcurrency = ${available}); the work runs off the page's thread, which it slows but never blocks (one core fewer cost 1.69× per run on 2 cores: bench/REPORT.md, "How many threads")`,
    };
  }
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be 'auto' or a whole number of at least 1, not ${JSON.stringify(threads)}`);
  }
  return { threads, reason: `threads: ${threads}, as asked` };
}

/**
 * Why the Workers backend cannot run with `threads` workers, or null when it can.
 * `catalogBytes` (the catalog's tables, once loaded; null before) and `budget` decide
 * whether N + 1 copies fit.
 */
function whyNotWorkers(support, threads, catalogBytes, budget) {
  const nested = whyNoWorkers(support);
  if (nested) return nested;
  if (threads < 2) return `share-nothing workers need at least 2 threads, and there is ${threads}`;
  if (catalogBytes !== null && (threads + 1) * catalogBytes > budget) {
    return `${threads} workers need ${threads + 1} copies of the catalog (${mib((threads + 1) * catalogBytes)}), over the memory budget of ${mib(budget)}`;
  }
  return null;
}

/**
 * The backend to run on and the reasons, one line each.
 *
 * `asked`: 'auto' or one of BACKENDS. `support`: detect.js's detectThreadSupport() with
 * nestedWorkers filled in (the worker's PROBE). `threads`: from chooseThreads.
 * `catalogBytes`: the loaded catalog's tables (null before a load). `poolFailed`: the
 * reason a pool failed to start here, when it did (then the pool is not tried again).
 */
export function chooseBackend({
  asked = 'auto', support, threads, catalogBytes = null, budget = DEFAULT_MEMORY_BUDGET, poolFailed = null,
}) {
  if (asked !== 'auto' && !BACKENDS.includes(asked)) {
    throw new RangeError(`backend must be 'auto' or one of ${BACKENDS.join(', ')}, not ${JSON.stringify(asked)}`);
  }
  const why = {
    pool: poolFailed ?? whyNoThreads(support) ?? (threads < 2 ? `a pool of ${threads} thread is one thread` : null),
    workers: whyNotWorkers(support, threads, catalogBytes, budget),
    single: null,
  };
  const reasons = [];
  if (asked !== 'auto') {
    if (why[asked] === null) return { backend: asked, reasons: [`${asked}: asked for, and it can run here`] };
    reasons.push(`${asked} was asked for, but ${why[asked]}`);
  }
  if (why.pool === null) {
    reasons.push('pool: the page is cross-origin isolated and this browser runs WebAssembly threads, so the rayon pool shares one copy of the catalog');
    return { backend: 'pool', reasons };
  }
  reasons.push(`not the pool: ${why.pool}`);
  if (why.workers === null) {
    reasons.push(`workers: ${threads} share-nothing workers, each with its own copy of the catalog${catalogBytes === null ? '' : ` (${mib((threads + 1) * catalogBytes)} in all, within ${mib(budget)})`}`);
    return { backend: 'workers', reasons };
  }
  reasons.push(`not workers: ${why.workers}`);
  reasons.push('single: one thread, in the package\'s worker');
  return { backend: 'single', reasons };
}
