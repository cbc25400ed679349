// bench/plot.svg: (a) speedup against threads, wasm and native, beside the ideal line;
// (b) nanoseconds per FNV byte-step of every serial mode in every cell, on a log scale;
// (c) each cell's medians side by side: the browser, the server, rayon and goroutines.
// Plain SVG text, no dependencies; the figures come from bench/run.mjs's results.

const WIDTH = 1000;
const HEIGHT = 860;
const FONT = 'font-family="system-ui, sans-serif"';
const CELL_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const MODE_COLORS = { wasm: '#1f77b4', js: '#ff7f0e', native: '#2ca02c', portable: '#98df8a' };
const PEER_COLORS = {
  serial: '#aec7e8', parallel: '#1f77b4', server: '#9467bd', compute: '#c5b0d5', rayon: '#2ca02c', goroutines: '#17becf',
};

const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A text element; `attrs` may set its own font-size (12 otherwise): an attribute may appear only once in XML. */
const text = (x, y, content, attrs = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT}${/font-size=/.test(attrs) ? '' : ' font-size="12"'} ${attrs}>${esc(content)}</text>`;
const short = (cell) => `${cell.catalog === 'default' ? 'default' : cell.catalog === 'real' ? 'real' : `${cell.products / 1000}k`} × ${cell.iterations >= 1000 ? `${cell.iterations / 1000}k` : cell.iterations}`;

function speedupPanel(results, x0, y0, w, h) {
  const { hw } = results;
  const out = [];
  // Cells large enough for threads to matter; all of them if none is.
  let cells = results.cells.filter((c) => c.products >= 2000);
  if (!cells.length) cells = results.cells;
  const lines = [];
  cells.forEach((cell, i) => {
    const color = CELL_COLORS[i % CELL_COLORS.length];
    const wasm = [];
    const native = [];
    for (let t = 1; t <= hw; t++) {
      if (cell.page.parallel[t]) wasm.push([t, cell.page.serial.median / cell.page.parallel[t].median]);
      native.push([t, cell.native.serial.median / cell.native.parallel[t].median]);
    }
    lines.push({ label: `wasm ${short(cell)}`, color, dash: '', points: wasm });
    lines.push({ label: `native ${short(cell)}`, color, dash: 'stroke-dasharray="6 4"', points: native });
  });
  const maxY = Math.max(hw, ...lines.flatMap((l) => l.points.map((p) => p[1]))) * 1.1;
  const px = (t) => x0 + (hw === 1 ? w / 2 : ((t - 1) / (hw - 1)) * w);
  const py = (s) => y0 + h - (s / maxY) * h;
  out.push(text(x0, y0 - 14, `Speedup against serial (serial median / parallel median)`, 'font-weight="bold" font-size="13"'));
  for (let k = 0; k <= Math.ceil(maxY); k++) {
    if (k > maxY) break;
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${py(k)}" y2="${py(k)}" stroke="#ddd"/>`);
    out.push(text(x0 - 8, py(k) + 4, `${k}×`, 'text-anchor="end"'));
  }
  for (let t = 1; t <= hw; t++) out.push(text(px(t), y0 + h + 16, String(t), 'text-anchor="middle"'));
  out.push(text(x0 + w / 2, y0 + h + 32, 'threads', 'text-anchor="middle"'));
  out.push(`<line x1="${px(1)}" y1="${py(1)}" x2="${px(hw)}" y2="${py(hw)}" stroke="#555" stroke-width="1.5" stroke-dasharray="1 3"/>`);
  out.push(text(px(hw) - 4, py(hw) - 6, 'ideal', 'text-anchor="end" fill="#777"'));
  for (const line of lines) {
    if (!line.points.length) continue;
    const d = line.points.map(([t, s], i) => `${i ? 'L' : 'M'}${px(t).toFixed(1)},${py(s).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${line.color}" stroke-width="2" ${line.dash}/>`);
    for (const [t, s] of line.points) out.push(`<circle cx="${px(t).toFixed(1)}" cy="${py(s).toFixed(1)}" r="3" fill="${line.color}"><title>${esc(`${line.label}, ${t} threads: ${s.toFixed(2)}×`)}</title></circle>`);
  }
  // Legend, two columns: wasm (solid) and native (dashed).
  lines.forEach((line, i) => {
    const lx = x0 + (i % 2) * (w / 2);
    const ly = y0 + h + 52 + Math.floor(i / 2) * 16;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${line.color}" stroke-width="2" ${line.dash}/>`);
    out.push(text(lx + 30, ly, line.label));
  });
  return out.join('\n');
}

function nsPanel(results, derive, x0, y0, w, h) {
  return logBarPanel({
    title: 'ns per FNV byte-step, serial (log scale, lower is faster)',
    modes: [
      ['wasm', 'wasm serial', (d) => d.wasmNs],
      ['js', 'plain JS', (d) => d.jsNs],
      ['native', `native serial (${results.cells[0].kernel})`, (d) => d.nativeNs],
      ['portable', 'native serial (portable)', (d) => d.portableNs],
    ],
    groups: results.cells.map((cell) => ({ cell, data: derive(cell, results.hw) })),
    colors: MODE_COLORS,
    value: (v) => `${v.toFixed(3)} ns`,
    axisLabel: 'catalog × iterations',
    legendColumns: 2,
  }, x0, y0, w, h);
}

/**
 * Bars on a log scale, one group per cell and one bar per mode (`[key, label, f]`, f
 * reading the group's `data`), with the cells' names under the groups and a legend.
 */
function logBarPanel({ title, modes, groups, colors, value, axisLabel = null, legendColumns }, x0, y0, w, h) {
  const out = [];
  const values = groups.flatMap(({ data }) => modes.map(([, , f]) => f(data))).filter((v) => v > 0);
  if (!values.length) return '';
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const py = (v) => y0 + h - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * h;
  out.push(text(x0, y0 - 14, title, 'font-weight="bold" font-size="13"'));
  logGrid(out, lo, hi, py, x0, w);
  const groupWidth = w / groups.length;
  const bar = (groupWidth * 0.8) / modes.length;
  groups.forEach(({ cell, data }, g) => {
    const gx = x0 + g * groupWidth + groupWidth * 0.1;
    modes.forEach(([key, label, f], m) => {
      const v = f(data);
      if (!(v > 0)) return;
      const top = py(v);
      out.push(`<rect x="${(gx + m * bar).toFixed(1)}" y="${top.toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${(y0 + h - top).toFixed(1)}" fill="${colors[key]}"><title>${esc(`${label}, ${short(cell)}: ${value(v)}`)}</title></rect>`);
    });
    // Two lines, catalog over iterations, so that neighbouring labels never overlap.
    const [catalog, iterations] = short(cell).split(' × ');
    out.push(text(gx + groupWidth * 0.4, y0 + h + 14, catalog, 'text-anchor="middle" font-size="11"'));
    out.push(text(gx + groupWidth * 0.4, y0 + h + 26, `× ${iterations}`, 'text-anchor="middle" font-size="11"'));
  });
  if (axisLabel) out.push(text(x0 + w / 2, y0 + h + 42, axisLabel, 'text-anchor="middle"'));
  const legendTop = y0 + h + (axisLabel ? 62 : 48);
  modes.forEach(([key, label], i) => {
    const lx = x0 + (i % legendColumns) * (w / legendColumns);
    const ly = legendTop + Math.floor(i / legendColumns) * 16;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="14" height="10" fill="${colors[key]}"/>`);
    out.push(text(lx + 20, ly, label));
  });
  return out.join('\n');
}

/** Log-scale gridlines and labels for values in [lo, hi] (powers of ten, with 2 and 5 between). */
function logGrid(out, lo, hi, py, x0, w) {
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v > hi * 1.0001) break;
      out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${py(v)}" y2="${py(v)}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
      out.push(text(x0 - 8, py(v) + 4, String(Number(v.toPrecision(2))), 'text-anchor="end"'));
    }
  }
}

/** Each cell's medians: wasm serial and parallel, the server's round trip and compute, rayon and goroutines (portable kernel). */
function peersPanel(results, x0, y0, w, h) {
  const { hw } = results;
  return logBarPanel({
    title: 'Median ms per cell: the browser, the server, rayon and goroutines (log scale, lower is faster)',
    modes: [
      ['serial', 'wasm serial', (c) => c.page.serial?.median],
      ['parallel', `wasm parallel (${hw})`, (c) => c.page.parallel[hw]?.median],
      ['server', 'server round trip', (c) => c.page.server?.median],
      ['compute', 'server compute', (c) => c.page.server?.computeMs],
      ['rayon', `rayon (${hw}, portable kernel)`, (c) => c.native.portable?.parallel?.[hw]?.median],
      ['goroutines', `Go goroutines (${hw})`, (c) => c.go?.goroutines?.[hw]?.median],
    ],
    groups: results.cells.map((cell) => ({ cell, data: cell })),
    colors: PEER_COLORS,
    value: (v) => `${v.toFixed(2)} ms`,
    legendColumns: 3,
  }, x0, y0, w, h);
}

/** The SVG document. */
export function renderPlot(results, derive) {
  const panelH = 300;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<rect width="100%" height="100%" fill="white"/>
${speedupPanel(results, 60, 40, 360, panelH)}
${nsPanel(results, derive, 540, 40, 440, panelH)}
${peersPanel(results, 60, 500, 920, 260)}
</svg>
`;
}
