// The pool at work, as data: what the timeline chart draws and what its caption says,
// computed from a TIMELINE answer (protocol.js). No DOM, no wasm; tests/js tests it.

import { fmtMs } from './format.js';

/** `n word` or `n words`, n with thousands separators. */
const count = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export const BRANCHES = Object.freeze(['text', 'attribute']);
export const BRANCH_LABELS = Object.freeze({ text: 'text (MinHash)', attribute: 'attribute (Jaccard)' });

/**
 * Every span of both branches, grouped by pool thread and sorted by start:
 * `rows[thread] = [{ branch, position, start, end }]`, `position` being the candidate's
 * place in candidate order. Spans outside the pool (thread -1) are left out.
 */
export function spansByThread(timeline) {
  const rows = Array.from({ length: timeline.threads }, () => []);
  for (const branch of BRANCHES) {
    const { thread, start, end } = timeline[branch];
    for (let position = 0; position < thread.length; position++) {
      rows[thread[position]]?.push({ branch, position, start: start[position], end: end[position] });
    }
  }
  for (const row of rows) row.sort((a, b) => a.start - b.start);
  return rows;
}

/**
 * The bars one thread's row is drawn with, `[{ branch, start, end, count, first, last }]`
 * (`first` and `last`: the candidate positions of its first and last span).
 *
 * Each candidate is a bar of its own while the row has room for it (at least `minPx`
 * pixels per span on average). Past that (thousands of candidates), a span joins the bar
 * before it when both are of one branch, the gap between them is under one pixel
 * (`msPerPx`), and either it is the next candidate in order or that bar is still under
 * `minPx` wide. So a gap the eye could see is never hidden, a bar never spans two
 * branches, and a bar ends where its thread moved on to another piece of the candidates
 * (a piece it split off or took from another thread), unless that would be too thin to see.
 */
export function barsOf(spans, { msPerPx, plotPx, minPx = 3 }) {
  const bar = ({ branch, start, end, position }) => ({
    branch, start, end, count: 1, first: position, last: position,
  });
  if (spans.length * minPx <= plotPx) return spans.map(bar);
  const bars = [];
  for (const span of spans) {
    const last = bars[bars.length - 1];
    const joins = last && last.branch === span.branch && span.start - last.end < msPerPx
      && (span.position === last.last + 1 || last.end - last.start < minPx * msPerPx);
    if (joins) {
      last.end = Math.max(last.end, span.end);
      last.last = span.position;
      last.count++;
    } else {
      bars.push(bar(span));
    }
  }
  return bars;
}

/**
 * Runs of consecutive candidates one thread scored in the text branch, in the order it
 * scored them: `[{ thread, first, last, start }]` (positions, inclusive), all threads.
 */
export function textRuns(rows) {
  const runs = [];
  rows.forEach((spans, thread) => {
    let current = null;
    for (const span of spans) {
      if (span.branch !== 'text') continue;
      if (current && span.position === current.last + 1) {
        current.last = span.position;
      } else {
        current = { thread, first: span.position, last: span.position, start: span.start };
        runs.push(current);
      }
    }
  });
  return runs;
}

/** First start, last end, busy time and threads of one branch. */
function branchExtent(timeline, branch) {
  const { thread, start, end } = timeline[branch];
  let first = Infinity;
  let last = 0;
  let busy = 0;
  const threads = new Set();
  for (let k = 0; k < thread.length; k++) {
    first = Math.min(first, start[k]);
    last = Math.max(last, end[k]);
    busy += end[k] - start[k];
    threads.add(thread[k]);
  }
  return { first, last, busy, threads: [...threads].sort((a, b) => a - b), count: thread.length };
}

const list = (threads) => (threads.length === 1 ? `thread ${threads[0]}`
  : `threads ${threads.slice(0, -1).join(', ')} and ${threads[threads.length - 1]}`);

/**
 * The caption: sentences that say what the picture shows, each stated from this run's
 * own spans (a fact about rayon's scheduling appears only when the spans show it).
 * `rows` is `spansByThread(timeline)`, when the caller has it already.
 */
export function captionOf(timeline, rows = spansByThread(timeline)) {
  const { threads, wallMs, candidates } = timeline;
  if (candidates === 0) return ['This catalog has one product: there was nothing to score, so nothing to show.'];
  const sentences = [
    `Each row is one of the pool's ${count(threads, 'thread')}; time runs left to right over the run's ${fmtMs(wallMs)} ms. ` +
      `A bar is candidates being scored, coloured by branch (${BRANCH_LABELS.text}, ${BRANCH_LABELS.attribute}); ` +
      'a gap is time the thread scored nothing.',
  ];
  const text = branchExtent(timeline, 'text');
  const attribute = branchExtent(timeline, 'attribute');
  const firstStart = Math.min(text.first, attribute.first);
  if (firstStart > 0.05 * wallMs) {
    sentences.push(`No thread scored anything for the first ${fmtMs(firstStart)} ms: the caller hands the job to the pool, ` +
      'and a sleeping pool thread has to wake up and take it.');
  }
  const work = `the attribute branch's ${count(attribute.count, 'candidate')} took ${fmtMs(attribute.busy)} ms of work` +
    ` (on ${list(attribute.threads)}), the text branch's ${fmtMs(text.busy)} ms (on ${list(text.threads)})`;
  const sideBySide = attribute.first < text.last && text.first < attribute.last
    && new Set([...attribute.threads, ...text.threads]).size > 1;
  if (sideBySide) {
    sentences.push(`rayon::join ran the two branches side by side: ${work}` +
      (attribute.last < text.last
        ? `; the cheap attribute branch was done at ${fmtMs(attribute.last)} ms, long before the text branch at ${fmtMs(text.last)} ms.`
        : '.'));
  } else {
    const [before, after] = attribute.first >= text.last ? ['text', 'attribute'] : ['attribute', 'text'];
    const one = attribute.threads.length === 1 && text.threads.length === 1 && attribute.threads[0] === text.threads[0];
    sentences.push(one
      ? `rayon::join left one branch for another thread to take, and no other thread took it: thread ${text.threads[0]} ` +
        `ran both, the ${before} branch and then the ${after} branch; ${work}.`
      : `rayon::join's two branches ran one after the other, the ${before} branch first: ${work}.`);
  }

  const runs = textRuns(rows);
  const half = Math.floor(candidates / 2);
  const starter = runs.find((run) => run.first === 0);
  // Each thread's first run of the text branch: where it began.
  const firstRuns = new Map();
  for (const run of runs) if (!firstRuns.has(run.thread)) firstRuns.set(run.thread, run);
  const halfTaker = [...firstRuns.values()].find((run) => run.first === half && run.thread !== starter?.thread);
  if (starter && halfTaker) {
    sentences.push(
      `par_iter splits the candidates in halves: thread ${starter.thread} began the text branch at candidate 0, and thread ` +
        `${halfTaker.thread} began exactly at candidate ${half.toLocaleString('en-US')}, the first of the second half, ` +
        `which it took from thread ${starter.thread}'s queue (work stealing) once it had nothing of its own` +
        `${attribute.threads.includes(halfTaker.thread) ? ' (after its attribute work)' : ''}.`,
    );
  }
  if (runs.length > threads) {
    sentences.push(
      `In all the text branch went out in ${runs.length.toLocaleString('en-US')} runs of consecutive candidates: ` +
        'the scorer cuts each branch into pieces of about equal estimated cost (a candidate\'s description words), ' +
        `${threads} × 16 of them, so that a cluster of long descriptions is shared out; ` +
        'a thread that runs out of work takes another piece, split off a range some other thread has not finished.',
    );
  }

  let worst = null;
  const unused = [];
  for (const [thread, spans] of rows.entries()) {
    if (spans.length === 0) {
      unused.push(thread);
      continue;
    }
    const before = spans[0].start;
    const after = wallMs - spans[spans.length - 1].end;
    const busy = spans.reduce((sum, s) => sum + (s.end - s.start), 0);
    const idle = wallMs - busy;
    if (!worst || idle > worst.idle) worst = { thread, idle, before, after };
  }
  if (unused.length) {
    sentences.push(`${unused.length === 1 ? 'Thread' : 'Threads'} ${unused.join(', ')} scored nothing: ` +
      `${unused.length === 1 ? 'it' : 'they'} found no work before the run was over.`);
  }
  const busy = timeline.busyMs;
  const idleShare = Math.round((1 - timeline.efficiency) * 100);
  sentences.push(
    `Busy time summed over the threads is ${fmtMs(busy)} ms out of ${threads} × ${fmtMs(wallMs)} ms, an efficiency of ` +
      `${timeline.efficiency.toFixed(2)}` +
      (threads > 1 ? `: the pool sat idle ${idleShare}% of its time, one reason ${threads} threads are not ${threads} times as fast as one.` : '.') +
      (threads > 1 && worst && rows.length - unused.length > 1
        ? ` Of the threads that worked, thread ${worst.thread} sat idle longest, ${fmtMs(worst.idle)} ms, ` +
          `${worst.after >= worst.before ? `${fmtMs(worst.after)} ms of it at the end, waiting for the last candidates on other threads` : `${fmtMs(worst.before)} ms of it at the start, before it found work`}.`
        : ''),
  );
  return sentences;
}
