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

/**
 * Runs shorter than this (both modes' medians, in ms) are too small to tell two modes
 * apart: a few milliseconds of the machine's jitter swamp them. Chosen from measurements on the 2-core machines this project runs on: at the
 * default 40 products (4 to 10 ms a run) ten Compares gave a parallel speedup anywhere from
 * 0.61× to 1.80×; from about 50 ms a run (2,000 products) the run-by-run ratios of one
 * Compare stay within about ±15% of their median.
 */
export const TOO_SMALL_MS = 25;

/**
 * The verdict on `slow`'s time ÷ `fast`'s (each `{ timesMs }`, timed interleaved run by
 * run, so run k of one was timed beside run k of the other): `{ verdict, ratio, low, high,
 * pairs }`, where `ratio` is the ratio of the medians, `low`..`high` the range of the
 * run-by-run ratios (the spread it rests on) and `verdict` one of
 * - `too-small`: both medians are under `TOO_SMALL_MS` (a short run beside a long one
 *   still gives a clear ratio: 17 ms against 90 ms is no jitter);
 * - `faster`: every run-by-run ratio is above 1 (`fast` was faster in each pair);
 * - `slower`: every one is below 1;
 * - `no-clear-difference`: the range crosses 1, or there are fewer than 3 pairs.
 * Null when either did not run.
 */
export function verdictOf(slow, fast) {
  if (!slow || !fast) return null;
  const ratio = median(slow.timesMs) / median(fast.timesMs);
  const pairs = Math.min(slow.timesMs.length, fast.timesMs.length);
  const ratios = Array.from({ length: pairs }, (_, k) => slow.timesMs[k] / fast.timesMs[k]);
  const low = Math.min(...ratios);
  const high = Math.max(...ratios);
  const longest = Math.max(median(slow.timesMs), median(fast.timesMs));
  let verdict;
  if (longest < TOO_SMALL_MS) verdict = 'too-small';
  else if (pairs < 3) verdict = 'no-clear-difference';
  else if (low > 1) verdict = 'faster';
  else if (high < 1) verdict = 'slower';
  else verdict = 'no-clear-difference';
  return {
    verdict, ratio, low, high, pairs, longestMs: longest,
  };
}

/**
 * The verdict in words: `subject` (e.g. "The pool") against `other` ("one thread"), for
 * `v` from `verdictOf`; `suggestion` says what to try when the runs are too small.
 */
export function verdictSentence(v, subject, other, suggestion) {
  const x = (value) => `${value.toFixed(2)}×`;
  const spread = v.pairs > 1 ? ` (run by run ${x(v.low)} to ${x(v.high)}, ${v.pairs} runs)` : ' (one run)';
  switch (v.verdict) {
    case 'too-small':
      return `Too small to measure: the runs take ${v.longestMs.toFixed(1)} ms at most, under ${TOO_SMALL_MS} ms. ${suggestion}`;
    case 'faster':
      return `${subject} is ${x(v.ratio)} faster than ${other}${spread}.`;
    case 'slower':
      return `${subject} is slower than ${other}: ${x(v.ratio)}${spread}.`;
    default:
      return v.pairs < 3
        ? `No clear difference: ${x(v.ratio)} from ${v.pairs === 1 ? 'one run' : `${v.pairs} runs`}; 3 or more runs give a spread to judge by.`
        : `No clear difference between ${subject.toLowerCase()} and ${other}: ${x(v.ratio)}, and run by run it went both ways (${x(v.low)} to ${x(v.high)}).`;
  }
}
