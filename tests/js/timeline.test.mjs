// Unit tests of www/js/timeline-data.js: grouping spans by thread, drawing them as bars
// (one per candidate, or aggregated when a row has no room), the runs of consecutive
// candidates, and the caption's facts, each stated only when the spans show it.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  barsOf, captionOf, spansByThread, textRuns,
} from '../../www/js/timeline-data.js';

/**
 * A timeline as the worker answers it, from per-branch lists of [thread, start, end]
 * (in candidate order).
 */
function timelineOf({ threads, wallMs, text, attribute }) {
  const branch = (rows) => ({
    thread: Int32Array.from(rows.map((r) => r[0])),
    start: Float64Array.from(rows.map((r) => r[1])),
    end: Float64Array.from(rows.map((r) => r[2])),
  });
  const busyMs = [...text, ...attribute].reduce((sum, [, start, end]) => sum + end - start, 0);
  return {
    threads, wallMs, busyMs, efficiency: busyMs / (threads * wallMs), candidates: text.length,
    text: branch(text), attribute: branch(attribute),
  };
}

/**
 * Two threads, `n` candidates of 1 ms each: thread 0 scores the first half of the text
 * branch; thread 1 the attribute branch (0.125 ms each), then the text branch's second half.
 */
function halves(n) {
  const half = Math.floor(n / 2);
  const text = [];
  for (let k = 0; k < n; k++) {
    text.push(k < half ? [0, k, k + 1] : [1, n * 0.125 + (k - half), n * 0.125 + (k - half) + 1]);
  }
  const attribute = Array.from({ length: n }, (_, k) => [1, k * 0.125, k * 0.125 + 0.125]);
  return timelineOf({ threads: 2, wallMs: n * 0.125 + (n - half), text, attribute });
}

test('spans are grouped by thread, sorted by start, and those outside the pool left out', () => {
  const timeline = timelineOf({
    threads: 2,
    wallMs: 10,
    text: [[1, 5, 6], [0, 0, 1], [-1, 2, 3], [1, 1, 2]],
    attribute: [[0, 3, 4], [0, 1, 2], [1, 0, 1], [0, 2, 3]],
  });
  const rows = spansByThread(timeline);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].map((s) => [s.branch, s.position, s.start]),
    [['text', 1, 0], ['attribute', 1, 1], ['attribute', 3, 2], ['attribute', 0, 3]]);
  assert.deepEqual(rows[1].map((s) => [s.branch, s.position, s.start]),
    [['attribute', 2, 0], ['text', 3, 1], ['text', 0, 5]]);
  assert.equal(rows.flat().length, 7, 'the span of thread -1 is in no row');
});

test('every candidate is its own bar while the row has room', () => {
  const spans = spansByThread(halves(10))[1];
  const bars = barsOf(spans, { msPerPx: 0.01, plotPx: 600 });
  assert.equal(bars.length, spans.length);
  assert.ok(bars.every((bar) => bar.count === 1));
});

test('past that, spans merge within a branch, never across one, and a visible gap stays', () => {
  const span = (branch, position, start, end) => ({ branch, position, start, end });
  const spans = [
    span('attribute', 0, 0, 1), span('attribute', 1, 1, 2),
    span('text', 5, 2, 3), span('text', 6, 3.05, 4), // a 0.05 ms gap: under a pixel
    span('text', 7, 6, 7), // a 2 ms gap: visible
  ];
  const bars = barsOf(spans, { msPerPx: 0.1, plotPx: 10, minPx: 3 });
  assert.deepEqual(bars.map((b) => [b.branch, b.count, b.first, b.last]),
    [['attribute', 2, 0, 1], ['text', 2, 5, 6], ['text', 1, 7, 7]]);
});

test('a bar ends where the thread moves to another piece, unless the bar is too thin to see', () => {
  const span = (position, start) => ({ branch: 'text', position, start, end: start + 1 });
  // Positions 0..3, then a jump to 10..11: two pieces, each wide enough to see.
  const wide = barsOf([span(0, 0), span(1, 1), span(2, 2), span(3, 3), span(10, 4), span(11, 5)],
    { msPerPx: 0.5, plotPx: 4, minPx: 3 });
  assert.deepEqual(wide.map((b) => [b.first, b.last, b.count]), [[0, 3, 4], [10, 11, 2]]);
  // At 10 ms per pixel the first piece is under 3 px: the jump joins it.
  const thin = barsOf([span(0, 0), span(1, 1), span(10, 2)], { msPerPx: 10, plotPx: 4, minPx: 3 });
  assert.deepEqual(thin.map((b) => [b.first, b.last, b.count]), [[0, 10, 3]]);
});

test('runs of consecutive text candidates per thread', () => {
  const runs = textRuns(spansByThread(halves(9)));
  assert.deepEqual(runs.map((r) => [r.thread, r.first, r.last]), [[0, 0, 3], [1, 4, 8]]);
});

test('the caption says what the spans show: the join, the halves, the idle time', () => {
  const sentences = captionOf(halves(1000));
  const text = sentences.join(' ');
  assert.match(text, /pool's 2 threads/);
  assert.match(text, /the attribute branch's 1,000 candidates took 125 ms of work \(on thread 1\)/);
  assert.match(text, /the cheap attribute branch was done at 125 ms/);
  assert.match(text, /thread 1 began exactly at candidate 500, the first of the second half/);
  assert.match(text, /\(after its attribute work\)/);
  assert.match(text, /efficiency of 0\.90/);
  assert.match(text, /Of the threads that worked, thread 0 sat idle longest, 125 ms, 125 ms of it at the end/);
  // Two runs for two threads: no sentence about more pieces.
  assert.doesNotMatch(text, /runs of consecutive candidates/);
});

test('no halving sentence when no thread began at the middle', () => {
  const timeline = timelineOf({
    threads: 2,
    wallMs: 4,
    text: [[0, 0, 1], [1, 0, 1], [0, 1, 2], [1, 1, 2]],
    attribute: [[0, 2, 3], [0, 3, 4], [1, 2, 3], [1, 3, 4]],
  });
  const text = captionOf(timeline).join(' ');
  assert.doesNotMatch(text, /second half/);
  assert.match(text, /went out in 4 runs of consecutive candidates: the scorer cuts each branch into pieces of about equal estimated cost .*, 2 × 16 of them/);
});

test('a catalog of one product has nothing to show, and says so', () => {
  const timeline = timelineOf({ threads: 2, wallMs: 0.01, text: [], attribute: [] });
  assert.deepEqual(captionOf(timeline), ['This catalog has one product: there was nothing to score, so nothing to show.']);
});

test('a run too short to wake the other thread: one thread ran both branches, the other nothing', () => {
  // Thread 0 wakes at 1 ms, scores the text branch, then the attribute branch it had
  // left for others; thread 1 never scores.
  const timeline = timelineOf({
    threads: 2,
    wallMs: 5,
    text: [[0, 1, 2], [0, 2, 3], [0, 3, 4]],
    attribute: [[0, 4, 4.25], [0, 4.25, 4.5], [0, 4.5, 4.75]],
  });
  const text = captionOf(timeline).join(' ');
  assert.match(text, /No thread scored anything for the first 1\.00 ms/);
  assert.match(text, /no other thread took it: thread 0 ran both, the text branch and then the attribute branch/);
  assert.doesNotMatch(text, /side by side/);
  assert.match(text, /Thread 1 scored nothing: it found no work before the run was over/);
  assert.doesNotMatch(text, /sat idle longest/, 'with one thread working, no comparison of idle times');
});
