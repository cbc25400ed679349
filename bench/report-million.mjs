// The report's "A million products" section, from results.json's `million`
// (bench/million.mjs measures it).
import { fmtInt, fmtMs, fmtX, table } from './markdown.mjs';

const MODES = ['serial', 'parallel', 'js', 'workers'];
const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);

export function millionSection(results) {
  const { runs } = results;
  const lines = ['## A million products', '',
    `Measured ${results.date} on this machine (${results.cores} cores), generated catalogs (seed 42) × ${results.iterations} iterations, ` +
    `medians of ${runs} runs; \`node bench/million.mjs\` (figures in results.json, \`million\`). Browser: headless Chromium, ` +
    'the page served by `shop-recs serve`, Compare with 2 threads (and 2 Workers).', ''];
  lines.push('Where one product\'s bytes go in the catalog\'s tables (the same in wasm and natively: the layout is one):', '');
  const parts = ['words', 'wordOffsets', 'labels', 'labelOffsets', 'attributes', 'idOrder', 'categories', 'total'];
  const names = {
    words: 'distinct description words', wordOffsets: 'word ends (4 B a word) and starts', labels: 'identifiers and names',
    labelOffsets: 'their ends', attributes: 'attribute word ids and starts', idOrder: 'identifier order (rank and inverse)',
    categories: 'category ids', total: '**total**',
  };
  lines.push(table(['part', ...results.cells.map((c) => `bytes/product at ${fmtInt(c.n)}`)],
    parts.map((part) => [names[part], ...results.cells.map((c) => (c.native.catalogBytes[part] / c.n).toFixed(1))]), ['l']));
  lines.push('', 'Time and memory per phase:', '');
  const rows = [];
  for (const c of results.cells) {
    const b = c.browser;
    rows.push([fmtInt(c.n), 'native', `${fmtMs(c.native.generateToFileMs)} (to a ${mib(c.native.fileBytes)} MB file)`,
      `${fmtMs(c.native.loadFileMs)} (streamed)`, '—', `${fmtMs(c.native.serialMs)} / ${fmtMs(c.native.parallelMs)}`,
      fmtMs(c.native.sortMs), `${mib(c.native.benchPeakBytes)} MiB peak resident (bench); ${mib(c.native.loadPeakBytes)} (load file)`]);
    rows.push([fmtInt(c.n), 'browser', fmtMs(b.generateMs), '—', fmtMs(b.prepareMs),
      `${fmtMs(b.modes.serial.medianMs)} / ${fmtMs(b.modes.parallel.medianMs)}`,
      `wasm ${fmtMs(b.modes.serial.rankMs)} serial, ${fmtMs(b.modes.parallel.rankMs)} parallel; JS ${fmtMs(b.modes.js.rankMs)}`,
      `${mib(b.wasmMemoryBytes)} MiB wasm memory; Workers ${mib(b.workersMemoryBytes)} MiB in all`]);
  }
  lines.push(table(['products', 'where', 'generate (ms)', 'parse a file (ms)', 'prepare for JS (ms)',
    'score serial / parallel (ms)', 'top K (ms)', 'memory'], rows, ['r', 'l', 'l', 'l', 'r', 'l', 'l', 'l']));
  lines.push('', 'Every mode in the browser, at each size (median ms; JS and Workers for the comparison):', '');
  lines.push(table(['products', ...MODES.map((m) => `${m} total`), 'wasm ÷ JS top K'],
    results.cells.map((c) => [fmtInt(c.n), ...MODES.map((m) => fmtMs(c.browser.modes[m].medianMs)),
      fmtX(c.browser.modes.serial.rankMs / c.browser.modes.js.rankMs)])));
  lines.push('');
  return lines;
}

