// The SVG charts: bars of the medians per mode, speedup against threads with the ideal
// line, and the pool at work (one row per thread). Built with createElementNS and
// textContent only; no library.
import { fmtMs } from './format.js';
import { BRANCH_LABELS, barsOf } from './timeline-data.js';

const SVG = 'http://www.w3.org/2000/svg';

function el(name, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** The width to draw at: the figure's, between 300 and 760 px. */
function chartWidth(svg) {
  const available = svg.parentElement?.clientWidth || 640;
  return Math.max(300, Math.min(760, Math.round(available)));
}


/**
 * Draws one horizontal bar per mode into `svg`: the median, with a tick at the minimum.
 * `bars` is `[{ mode, label, medianMs, minMs }]`.
 */
export function drawBars(svg, bars) {
  // Drawn at the figure's own width, so that text keeps its size on a phone.
  const width = chartWidth(svg);
  const rowHeight = 34;
  const labelWidth = width < 480 ? 90 : 130;
  const valueWidth = 80;
  const height = bars.length * rowHeight + 10;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const max = Math.max(...bars.map((b) => b.medianMs), 1e-9);
  const plot = width - labelWidth - valueWidth;
  const title = el('title', {}, 'Median time per mode (shorter is faster); the thin mark is the minimum.');
  svg.append(title);
  bars.forEach((bar, k) => {
    const y = 8 + k * rowHeight;
    const w = Math.max(2, (bar.medianMs / max) * plot);
    svg.append(
      el('text', { x: labelWidth - 8, y: y + 17, 'text-anchor': 'end', class: 'chart-label' }, bar.label),
      el('rect', { x: labelWidth, y, width: w, height: 24, rx: 3, class: `bar bar-${bar.mode}` }),
      ...['bar-min-halo', 'bar-min'].map((cls) => el('line', {
        x1: labelWidth + (bar.minMs / max) * plot, x2: labelWidth + (bar.minMs / max) * plot,
        y1: y - 2, y2: y + 26, class: cls,
      })),
      el('text', { x: labelWidth + w + 6, y: y + 17, class: 'chart-value' }, `${fmtMs(bar.medianMs)} ms`),
    );
  });
}

/**
 * Draws speedup against thread count: the measured points joined by a line, and the
 * ideal (speedup = threads) dashed. `points` is `[{ threads, speedup, medianMs }]`.
 */
export function drawScaling(svg, points) {
  const width = chartWidth(svg);
  const height = width < 480 ? 240 : 300;
  const left = 48;
  const right = 40;
  const top = 16;
  const bottom = 44;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.append(el('title', {}, 'Speedup of the parallel mode against the number of threads, with the ideal line.'));
  const maxThreads = Math.max(...points.map((p) => p.threads), 2);
  const maxSpeedup = Math.ceil(Math.max(maxThreads, ...points.map((p) => p.speedup)));
  const x = (threads) => left + ((threads - 1) / (maxThreads - 1)) * (width - left - right);
  const y = (speedup) => top + (1 - speedup / maxSpeedup) * (height - top - bottom);

  for (let s = 0; s <= maxSpeedup; s++) {
    svg.append(
      el('line', { x1: left, x2: width - right, y1: y(s), y2: y(s), class: 'grid' }),
      el('text', { x: left - 8, y: y(s) + 4, 'text-anchor': 'end', class: 'chart-tick' }, `${s}×`),
    );
  }
  const step = Math.max(1, Math.ceil(maxThreads / 16));
  for (let t = 1; t <= maxThreads; t += step) {
    svg.append(el('text', { x: x(t), y: height - bottom + 18, 'text-anchor': 'middle', class: 'chart-tick' }, String(t)));
  }
  svg.append(
    el('text', { x: (left + width - right) / 2, y: height - 6, 'text-anchor': 'middle', class: 'chart-note' }, 'threads'),
    el('line', { x1: x(1), y1: y(1), x2: x(maxThreads), y2: y(maxThreads), class: 'ideal' }),
    el('polyline', { points: points.map((p) => `${x(p.threads)},${y(p.speedup)}`).join(' '), class: 'measured' }),
  );
  // Legend, top left.
  svg.append(
    el('line', { x1: left + 12, x2: left + 40, y1: top + 8, y2: top + 8, class: 'measured legend' }),
    el('text', { x: left + 46, y: top + 12, class: 'chart-note' }, 'measured'),
    el('line', { x1: left + 120, x2: left + 148, y1: top + 8, y2: top + 8, class: 'ideal legend' }),
    el('text', { x: left + 154, y: top + 12, class: 'chart-note' }, 'ideal (speedup = threads)'),
  );
  for (const p of points) {
    const dot = el('circle', { cx: x(p.threads), cy: y(p.speedup), r: 5, class: 'measured-dot' });
    dot.append(el('title', {}, `${p.threads} threads: ${p.speedup.toFixed(2)}× (median ${fmtMs(p.medianMs)} ms)`));
    svg.append(dot,
      el('text', { x: x(p.threads), y: y(p.speedup) - 10, 'text-anchor': 'middle', class: 'chart-value' }, `${p.speedup.toFixed(2)}×`));
  }
}

/**
 * Draws the pool at work: one row per pool thread, time left to right, each candidate a
 * bar coloured by branch (aggregated when there are more than the row has room for:
 * timeline-data.js's barsOf). `rows` is timeline-data.js's `spansByThread(timeline)`.
 * Returns `{ bars, spans }`, the numbers drawn and scored.
 */
export function drawTimeline(svg, timeline, rows) {
  const width = Math.max(300, Math.min(1000, Math.round(svg.parentElement?.clientWidth || 760)));
  const left = 78;
  const right = 16;
  const top = 30;
  const rowHeight = 26;
  const bottom = 34;
  const height = top + rows.length * rowHeight + bottom;
  const plotPx = width - left - right;
  const wall = Math.max(timeline.wallMs, 1e-9);
  const x = (ms) => left + (ms / wall) * plotPx;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.append(el('title', {}, 'What each pool thread scored, and when: one row per thread, time left to right.'));
  // Legend.
  let legendX = left;
  for (const branch of ['text', 'attribute']) {
    svg.append(
      el('rect', { x: legendX, y: 6, width: 14, height: 12, class: `span-${branch}` }),
      el('text', { x: legendX + 20, y: 16, class: 'chart-note' }, BRANCH_LABELS[branch]),
    );
    legendX += 170;
  }
  let drawn = 0;
  let scored = 0;
  rows.forEach((spans, thread) => {
    const y = top + thread * rowHeight;
    const row = el('g', { class: 'timeline-row' });
    row.append(
      el('title', {}, `Thread ${thread}: ${spans.length.toLocaleString('en-US')} candidates, busy ${fmtMs(timeline.perThread[thread].busyMs)} ms of ${fmtMs(timeline.wallMs)} ms`),
      el('rect', { x: left, y: y + 2, width: plotPx, height: rowHeight - 6, class: 'lane' }),
      el('text', { x: left - 8, y: y + rowHeight / 2 + 3, 'text-anchor': 'end', class: 'chart-label' }, `thread ${thread}`),
    );
    for (const bar of barsOf(spans, { msPerPx: wall / plotPx, plotPx })) {
      const barWidth = Math.max(0.75, x(bar.end) - x(bar.start));
      // Bars wide enough get an edge, so that neighbours stay apart.
      const rect = el('rect', {
        x: x(bar.start), y: y + 2, width: barWidth, height: rowHeight - 6,
        class: `span span-${bar.branch}${bar.count === 1 ? ' single' : ''}${barWidth >= 3 ? ' edged' : ''}`,
      });
      rect.append(el('title', {}, bar.count === 1
        ? `Thread ${thread}, ${BRANCH_LABELS[bar.branch]}: candidate ${bar.first.toLocaleString('en-US')}, ${fmtMs(bar.start)}–${fmtMs(bar.end)} ms`
        : `Thread ${thread}, ${BRANCH_LABELS[bar.branch]}: ${bar.count.toLocaleString('en-US')} candidates (${bar.first.toLocaleString('en-US')}…${bar.last.toLocaleString('en-US')}), ${fmtMs(bar.start)}–${fmtMs(bar.end)} ms`));
      row.append(rect);
      drawn++;
      scored += bar.count;
    }
    svg.append(row);
  });
  // The time axis: 0, the middle and the end of the run.
  const axisY = top + rows.length * rowHeight + 4;
  svg.append(el('line', { x1: left, x2: left + plotPx, y1: axisY, y2: axisY, class: 'grid' }));
  for (const fraction of [0, 0.5, 1]) {
    const anchor = fraction === 0 ? 'start' : fraction === 1 ? 'end' : 'middle';
    svg.append(el('text', { x: left + fraction * plotPx, y: axisY + 16, 'text-anchor': anchor, class: 'chart-tick' },
      `${fmtMs(fraction * timeline.wallMs)} ms`));
  }
  return { bars: drawn, spans: scored };
}
