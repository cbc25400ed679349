// Pure helpers over run results: summaries, and whether the modes agree. No DOM, no wasm.

import { median } from './format.js';

/**
 * Summary of one mode's timed runs: `{ medianMs, minMs, scoreMs, rankMs, computeMs }`
 * (phase medians; computeMs the median of each run's scoring plus sorting, which for the
 * server is its own compute, without the network).
 */
export function summarize(run) {
  return {
    medianMs: median(run.timesMs),
    minMs: Math.min(...run.timesMs),
    scoreMs: median(run.phases.map((p) => p.scoreMs)),
    rankMs: median(run.phases.map((p) => p.rankMs)),
    computeMs: median(run.phases.map((p) => p.scoreMs + p.rankMs)),
  };
}

export const BROWSER_MODES = Object.freeze(['serial', 'parallel', 'js', 'workers']);

/**
 * Where running on the server starts to pay: the browser's best median (of the browser
 * modes in `summaries`) minus the server's compute. The server wins while the network
 * round trip (with JSON) is under `ms`; at `ms <= 0` the browser wins on any network.
 * Null unless the server and at least one browser mode ran.
 */
export function breakEven(summaries) {
  const server = summaries.server;
  const browser = BROWSER_MODES.filter((mode) => summaries[mode]);
  if (!server || browser.length === 0) return null;
  const best = browser.reduce((a, b) => (summaries[b].medianMs < summaries[a].medianMs ? b : a));
  return {
    ms: summaries[best].medianMs - server.computeMs, best, bestMs: summaries[best].medianMs, serverComputeMs: server.computeMs,
  };
}

/**
 * Whether every mode that ran produced the same ranking: the same identifiers in the
 * same order, and the same combined, text and attribute scores compared with `===`.
 *
 * `results` maps mode -> `{ items }`. Returns `{ identical, compared, difference }`, where
 * `compared` lists the modes and `difference` says where the first mismatch is, or null.
 */
export function compareRankings(results) {
  const modes = Object.keys(results);
  const [first, ...others] = modes;
  for (const mode of others) {
    const a = results[first].items;
    const b = results[mode].items;
    if (a.length !== b.length) {
      return { identical: false, compared: modes, difference: `${mode} returned ${b.length} items, ${first} ${a.length}` };
    }
    for (let k = 0; k < a.length; k++) {
      for (const field of ['id', 'score', 'text', 'attribute']) {
        if (a[k][field] !== b[k][field]) {
          return {
            identical: false,
            compared: modes,
            difference: `rank ${k + 1}: ${first} has ${field} ${a[k][field]}, ${mode} has ${b[k][field]}`,
          };
        }
      }
    }
  }
  return { identical: true, compared: modes, difference: null };
}
