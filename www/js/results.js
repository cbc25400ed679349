// Pure helpers over run results: summaries, and whether the modes agree. No DOM, no wasm.

import { median } from './format.js';

/** Summary of one mode's timed runs: `{ medianMs, minMs, scoreMs, rankMs }` (phase medians). */
export function summarize(run) {
  return {
    medianMs: median(run.timesMs),
    minMs: Math.min(...run.timesMs),
    scoreMs: median(run.phases.map((p) => p.scoreMs)),
    rankMs: median(run.phases.map((p) => p.rankMs)),
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
