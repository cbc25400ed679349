// Rendering the pool at work: the chart, its caption, the run's figures and the
// per-thread table (the same figures for keyboards and screen readers).
import { drawTimeline } from './chart.js';
import { fmtMs, median, plural } from './format.js';
import { imbalance } from './merge.js';
import { fmtInt } from './params.js';
import { $ } from './state.js';
import { captionOf, spansByThread } from './timeline-data.js';
import { node } from './ui.js';

/** The last timeline drawn and its spans by thread, kept to redraw it at a new width. */
let shown = null;

export function hideTimeline() {
  shown = null;
  const section = $('timeline-section');
  section.hidden = true;
  for (const key of Object.keys(section.dataset)) if (key !== 'testid') delete section.dataset[key];
}

/** Shows a TIMELINE answer (protocol.js). */
export function renderTimeline(timeline) {
  const rows = spansByThread(timeline);
  shown = { timeline, rows };
  const section = $('timeline-section');
  section.hidden = false;
  const plain = median(timeline.plainMs);
  const instrumented = median(timeline.instrumentedMs);
  const overhead = instrumented / plain - 1;
  Object.assign(section.dataset, {
    threads: String(timeline.threads),
    wallMs: String(timeline.wallMs),
    efficiency: String(timeline.efficiency),
    overhead: String(overhead),
    identical: String(timeline.identical),
    candidates: String(timeline.candidates),
    // Comparable with the Workers mode's: the busiest pool thread ÷ the mean.
    imbalance: String(imbalance(timeline.perThread.map((t) => t.busyMs))),
  });
  const drawn = drawTimeline($('timeline-chart'), timeline, rows);
  section.dataset.bars = String(drawn.bars);

  $('timeline-summary').textContent =
    `One instrumented parallel run of ${fmtInt(timeline.candidates)} candidates on ${plural(timeline.threads, 'thread')}, after the timed runs and not part of them: ` +
    `wall ${fmtMs(timeline.wallMs)} ms, busy ${fmtMs(timeline.busyMs)} ms summed over the threads, ` +
    `efficiency ${timeline.efficiency.toFixed(2)} (busy ÷ (threads × wall)), imbalance ${Number(section.dataset.imbalance).toFixed(2)} (busiest thread ÷ mean, as for the Workers mode). ` +
    (overhead >= 0
      ? `Recording costs +${(overhead * 100).toFixed(1)}%: ${fmtMs(instrumented)} ms against ${fmtMs(plain)} ms for a plain parallel run `
      // Recording cannot make a run faster: a negative difference is the machine's noise.
      : `Recording cost nothing measurable: ${fmtMs(instrumented)} ms against ${fmtMs(plain)} ms for a plain parallel run, a difference within the machine's noise `) +
    `(medians of ${timeline.plainMs.length} of each, interleaved). ` +
    (timeline.identical
      ? 'Its ranking is identical to the serial run\'s.'
      : `Its ranking DIFFERS from the serial run's: ${timeline.difference}.`);
  $('timeline-summary').classList.toggle('error', !timeline.identical);

  const drawnNote = drawn.bars < drawn.spans
    ? ` With ${fmtInt(drawn.spans)} spans, more than a row has room for, candidates of one branch less than a pixel apart are drawn as one bar (${fmtInt(drawn.bars)} bars): ` +
      'a bar ends where its thread moved on to another piece of the candidates (unless that piece is under 3 pixels wide), and every gap of a pixel or more shows.'
    : ' Every candidate is its own bar.';
  // The first finding in view; the rest (how to read every mark) behind a disclosure.
  const [first, ...more] = [...captionOf(timeline, rows), drawnNote.trim()];
  const details = node('details');
  details.append(node('summary', 'How to read the chart'), ...more.map((sentence) => node('p', sentence)));
  $('timeline-caption').replaceChildren(node('p', first), ...(more.length > 0 ? [details] : []));

  $('timeline-rows').replaceChildren(...timeline.perThread.map((row) => {
    const tr = node('tr');
    Object.assign(tr.dataset, {
      testid: 'timeline-thread',
      thread: String(row.thread),
      candidatesText: String(row.textCandidates),
      candidatesAttribute: String(row.attributeCandidates),
      busyMs: String(row.busyMs),
    });
    const header = node('th', `thread ${row.thread}`);
    header.scope = 'row';
    tr.append(header,
      node('td', fmtInt(row.textCandidates), 'num'),
      node('td', fmtInt(row.attributeCandidates), 'num'),
      node('td', fmtMs(row.busyMs), 'num'),
      node('td', fmtMs(row.idleMs), 'num'),
      node('td', `${(row.share * 100).toFixed(1)}%`, 'num'));
    return tr;
  }));
}

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (shown) drawTimeline($('timeline-chart'), shown.timeline, shown.rows);
  }, 150);
});
