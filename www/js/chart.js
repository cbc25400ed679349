// The two SVG charts: bars of the medians per mode, and speedup against threads with the
// ideal line. Built with createElementNS and textContent only; no library.
import { fmtMs } from './format.js';

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
      el('line', {
        x1: labelWidth + (bar.minMs / max) * plot, x2: labelWidth + (bar.minMs / max) * plot,
        y1: y - 2, y2: y + 26, class: 'bar-min',
      }),
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
