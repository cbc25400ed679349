// The ratio cards' verdicts (www/js/results.js: verdictOf, verdictSentence): run-by-run
// ratios of interleaved runs, a spread that crosses 1 is no clear difference, and runs
// under TOO_SMALL_MS are too small to measure.
import assert from 'node:assert/strict';
import test from 'node:test';

import { TOO_SMALL_MS, verdictOf, verdictSentence } from '../../www/js/results.js';

const runs = (...timesMs) => ({ timesMs });

test('faster only when every run-by-run ratio is above 1', () => {
  const v = verdictOf(runs(200, 210, 190, 205, 198), runs(110, 100, 105, 120, 101));
  assert.equal(v.verdict, 'faster');
  assert.equal(v.pairs, 5);
  assert.ok(v.low > 1 && v.high > v.low, JSON.stringify(v));
  assert.equal(v.ratio, 200 / 105);
  assert.match(verdictSentence(v, 'The pool', 'one thread', ''), /^The pool is 1\.90× faster than one thread \(run by run 1\.71× to 2\.10×, 5 runs\)\.$/);
});

test('slower when every ratio is below 1', () => {
  const v = verdictOf(runs(100, 100, 100), runs(150, 140, 130));
  assert.equal(v.verdict, 'slower');
  assert.match(verdictSentence(v, 'The pool', 'one thread', ''), /^The pool is slower than one thread: 0\.71×/);
});

test('a spread that crosses 1 is no clear difference, whatever the medians say', () => {
  // Medians 1.2× apart, but one pair went the other way.
  const v = verdictOf(runs(120, 125, 90, 130, 118), runs(100, 100, 100, 100, 100));
  assert.equal(v.verdict, 'no-clear-difference');
  assert.ok(v.low < 1 && v.high > 1);
  assert.match(verdictSentence(v, 'The pool', 'one thread', ''), /^No clear difference between the pool and one thread: 1\.20×, and run by run it went both ways \(0\.90× to 1\.30×\)\.$/);
});

test('fewer than 3 pairs cannot show a spread', () => {
  const v = verdictOf(runs(300, 310), runs(100, 100));
  assert.equal(v.verdict, 'no-clear-difference');
  assert.match(verdictSentence(v, 'The pool', 'one thread', ''), /from 2 runs; 3 or more runs give a spread/);
});

test('runs under the threshold are too small to measure, with what to try', () => {
  const v = verdictOf(runs(9, 8, 10), runs(5, 4, 6));
  assert.equal(v.verdict, 'too-small');
  assert.ok(v.longestMs < TOO_SMALL_MS);
  assert.equal(verdictSentence(v, 'The pool', 'one thread', 'Try 2,000 products.'),
    `Too small to measure: the runs take 9.0 ms at most, under ${TOO_SMALL_MS} ms. Try 2,000 products.`);
  // A short run beside a long one is no jitter: 17 ms against 90 ms is a clear ratio.
  assert.equal(verdictOf(runs(90, 95, 88), runs(17, 18, 17)).verdict, 'faster');
});

test('nothing to say when a mode did not run', () => {
  assert.equal(verdictOf(null, runs(1, 2, 3)), null);
  assert.equal(verdictOf(runs(1, 2, 3), undefined), null);
});
