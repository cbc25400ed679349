// Rendering a run: the timings table, the ratio cards, Compare's verdict, the bars, the
// ranking, and the scaling chart (kept to redraw at a new width).
import { drawBars, drawScaling } from './chart.js';
import { fmtMs, median, plural } from './format.js';
import { ATTRIBUTE_WEIGHT, TEXT_WEIGHT } from './limits.js';
import { fmtInt } from './params.js';
import { breakEven, compareRankings, summarize } from './results.js';
import { $, MODE_NAMES, page } from './state.js';
import { node, short } from './ui.js';

/**
 * The card `id` shows `top`'s median ÷ `bottom`'s (also as `data-value`), or a dash if
 * either mode did not run; `skippedWhy`, when a mode it needs was skipped, is shown as
 * the card's note (and `data-skipped`).
 */
export function showRatio(id, top, bottom, skippedWhy = null) {
  const card = $(id);
  const note = card.querySelector('.card-note');
  note.dataset.plain ??= note.textContent;
  note.textContent = skippedWhy ?? note.dataset.plain;
  if (skippedWhy) card.dataset.skipped = skippedWhy;
  else delete card.dataset.skipped;
  if (top && bottom) {
    const value = top.medianMs / bottom.medianMs;
    card.dataset.value = String(value);
    $(`${id}-value`).textContent = `${value.toFixed(2)}×`;
  } else {
    delete card.dataset.value;
    $(`${id}-value`).textContent = '—';
  }
}

export function renderRun(out, request) {
  const summaries = {};
  // The modes that ran: a Compare may have skipped one that could not run (out.skipped).
  const ran = request.modes.filter((mode) => out.results[mode]);
  for (const mode of ['serial', 'parallel', 'js', 'workers', 'server']) {
    const row = $(`time-${mode}`);
    const result = out.results[mode];
    const header = node('th', MODE_NAMES[mode]);
    header.scope = 'row';
    if (!result) {
      delete row.dataset.medianMs;
      delete row.dataset.minMs;
      delete row.dataset.runsMs;
      delete row.dataset.phasesMs;
      delete row.dataset.computeMs;
      delete row.dataset.serverCatalog;
      delete row.dataset.imbalance;
      delete row.dataset.workers;
      const reason = out.skipped?.[mode];
      const cell = node('td', reason ? `skipped: ${reason}` : 'not run', 'muted');
      cell.colSpan = 5;
      if (reason) row.dataset.skipped = reason;
      else delete row.dataset.skipped;
      row.replaceChildren(header, cell);
      continue;
    }
    delete row.dataset.skipped;
    const summary = summarize(result);
    summaries[mode] = summary;
    row.dataset.medianMs = String(summary.medianMs);
    row.dataset.minMs = String(summary.minMs);
    // Raw figures for bench/run.mjs: every timed run, and its split into phases.
    row.dataset.runsMs = JSON.stringify(result.timesMs);
    row.dataset.phasesMs = JSON.stringify(result.phases);
    if (mode === 'server') {
      row.dataset.computeMs = String(summary.computeMs);
      row.dataset.serverCatalog = out.serverCatalogId;
      header.title = `shop-recs serve: pool of ${result.server.poolThreads} threads, ${result.server.kernel} kernel`;
    }
    if (mode === 'workers') {
      row.dataset.imbalance = String(median(result.imbalance));
      row.dataset.workers = String(result.perWorker[0].length);
      row.dataset.split = result.split;
      header.title = `${plural(result.perWorker[0].length, 'independent worker')}, ${result.split} split`;
    }
    const details = node('details');
    details.append(node('summary', `${result.timesMs.length}`),
      node('span', result.timesMs.map((ms) => fmtMs(ms)).join(', '), 'raw-runs'));
    const runsCell = node('td');
    runsCell.append(details);
    row.replaceChildren(header,
      node('td', fmtMs(summary.medianMs), 'num'),
      node('td', fmtMs(summary.minMs), 'num'),
      node('td', fmtMs(summary.scoreMs), 'num'),
      node('td', fmtMs(summary.rankMs), 'num'),
      runsCell);
  }
  const threads = page.pool?.poolThreads ?? 0;
  $('timings-note').textContent = `Milliseconds: median and minimum of ${request.runs} timed ${request.runs === 1 ? 'run' : 'runs'} after one untimed warm-up, ` +
    `${request.modes.length > 1 ? 'interleaved run by run, ' : ''}timed with performance.now() in the worker` +
    `${summaries.parallel ? `; parallel on ${plural(threads, 'thread')}` : ''}` +
    `${summaries.workers ? `; workers: ${plural(out.results.workers.perWorker[0].length, 'worker')}, ${out.results.workers.split} split, timed from the first post to the merged ranking` : ''}. ` +
    'Scoring (signatures and scoring) and Sorting (selecting the top K) are medians of the scorer\'s own split of each run.' +
    (summaries.server
      ? ` Server: the round trip, from the worker's fetch to its parsed JSON; Scoring and Sorting are the server's own timing (pool of ${out.results.server.server.poolThreads} threads, ` +
        `${out.results.server.server.kernel} kernel); network + JSON = ${fmtMs(summaries.server.medianMs - summaries.server.computeMs)} ms (median round trip − median compute).`
      : '');

  const skipped = (mode) => (out.skipped?.[mode] ? `${MODE_NAMES[mode]} skipped: ${out.skipped[mode]}` : null);
  showRatio('speedup', summaries.serial, summaries.parallel);
  showRatio('pool-vs-workers', summaries.workers, summaries.parallel, skipped('workers'));
  showRatio('wasm-vs-js', summaries.js, summaries.serial);
  showRatio('server-vs-parallel', summaries.parallel, summaries.server, skipped('server'));
  showBreakEven(breakEven(summaries), skipped('server'));
  const identical = $('identical');
  if (request.modes.length > 1) {
    const verdict = compareRankings(out.results);
    identical.dataset.value = String(verdict.identical);
    identical.classList.toggle('bad', !verdict.identical);
    $('identical-value').textContent = verdict.identical ? 'yes' : 'NO';
    $('identical-note').textContent = verdict.identical
      ? `${verdict.compared.map((m) => MODE_NAMES[m]).join(', ')}: same ranking, same scores (===)`
      : `first difference: ${verdict.difference}`;
  } else {
    delete identical.dataset.value;
    identical.classList.remove('bad');
    $('identical-value').textContent = '—';
    $('identical-note').textContent = 'run Compare to check';
  }

  const bars = ran.map((mode) => ({ mode, label: MODE_NAMES[mode], ...summaries[mode] }));
  $('bars-figure').hidden = false;
  charts.bars = bars;
  drawBars($('bars'), bars);
  $('bars-caption').textContent = `Median time per mode (the thin mark is the minimum): ${bars.map((b) => `${b.label} ${fmtMs(b.medianMs)} ms`).join(', ')}.`;

  renderWorkers(out.results.workers);

  // Every mode ranks alike when identical; show the first (serial in Compare).
  const shown = ran[0];
  renderRanking(out.results[shown].items, out, shown);
}

/**
 * The workers at work: each worker's candidates and median busy time, beside the slowest,
 * and the imbalance (slowest ÷ mean), next to the pool's when the pool at work was shown.
 */
function renderWorkers(result) {
  const section = $('workers-section');
  section.hidden = !result;
  if (!result) return;
  const count = result.perWorker[0].length;
  const busy = Array.from({ length: count }, (_, w) => median(result.perWorker.map((run) => run[w].busyMs)));
  const slowest = Math.max(...busy);
  const rows = busy.map((ms, w) => {
    const row = node('tr');
    row.dataset.busyMs = String(ms);
    const meter = node('meter');
    meter.max = 1;
    meter.value = slowest > 0 ? ms / slowest : 0;
    meter.textContent = `${Math.round(meter.value * 100)}%`;
    const bar = node('td');
    bar.append(meter);
    row.append(node('td', String(w)), node('td', fmtInt(result.perWorker[0][w].candidates), 'num'), node('td', fmtMs(ms), 'num'), bar);
    return row;
  });
  $('workers-rows').replaceChildren(...rows);
  // The same figure as the Workers row's data-imbalance: the median of the runs' own.
  const value = median(result.imbalance);
  section.dataset.imbalance = String(value);
  $('workers-summary').textContent = `${plural(count, 'worker')}, ${result.split} split: imbalance ${value.toFixed(2)} ` +
    `(slowest worker's busy time ÷ the mean; 1.00 is even). The run waits for the slowest worker: the pool's threads ` +
    'steal work from each other, independent workers cannot.';
}

/** The break-even card: the round trip under which the server beats the browser's best. */
function showBreakEven(even, skippedWhy) {
  const card = $('break-even');
  if (!even) {
    delete card.dataset.ms;
    $('break-even-value').textContent = '—';
    $('break-even-note').textContent = skippedWhy ?? 'run Compare with the server to see';
    return;
  }
  card.dataset.ms = String(even.ms);
  const best = `${MODE_NAMES[even.best]} ${fmtMs(even.bestMs)} ms`;
  if (even.ms > 0) {
    $('break-even-value').textContent = `${fmtMs(even.ms)} ms`;
    $('break-even-note').textContent = `the server wins while the network round trip is under this: browser best (${best}) − server compute (${fmtMs(even.serverComputeMs)} ms)`;
  } else {
    $('break-even-value').textContent = 'none';
    $('break-even-note').textContent = `the browser wins on any network: its best (${best}) beats the server's compute alone (${fmtMs(even.serverComputeMs)} ms)`;
  }
}

export function renderRanking(items, out, mode) {
  const body = $('results');
  const note = $('ranking-note');
  if (out.candidates === 0) {
    const row = node('tr');
    const cell = node('td', 'This catalog has one product: no other products to compare with.', 'muted');
    cell.colSpan = 7;
    row.append(cell);
    body.replaceChildren(row);
    note.textContent = '';
    return;
  }
  const rows = items.map((item) => {
    const row = node('tr');
    row.dataset.testid = 'result-row';
    row.dataset.id = item.id;
    row.dataset.score = String(item.score);
    row.dataset.text = String(item.text);
    row.dataset.attribute = String(item.attribute);
    row.dataset.category = item.category ?? '';
    const score = node('td', item.score.toFixed(4), 'num score');
    score.title = String(item.score);
    // On a phone the identifier and category columns fold into the name cell (CSS).
    const name = node('td', null, 'name');
    const folded = node('span', item.category ? `${item.id} · ${item.category}` : item.id, 'folded');
    folded.setAttribute('aria-hidden', 'true');
    const label = node('span', item.name);
    // Right-to-left names (Arabic, Hebrew) keep their own direction inside the row.
    label.dir = 'auto';
    // The CSS shows at most three lines of a name; the whole of a long one is here.
    if (item.name.length > 120) label.title = item.name;
    name.append(label, folded);
    row.append(
      node('td', String(item.rank), 'num'),
      name,
      node('td', item.id, 'ident wide'),
      node('td', item.category ?? '—', 'wide'),
      score,
      node('td', item.text.toFixed(4), 'num'),
      node('td', item.attribute.toFixed(4), 'num'),
    );
    return row;
  });
  body.replaceChildren(...rows);
  const target = out.target;
  note.textContent = `Top ${items.length} of ${fmtInt(out.candidates)} candidates for “${short(target.name)}” (${target.id}${target.category ? `, ${target.category}` : ''}), ` +
    `from the ${MODE_NAMES[mode]} run. Score = ${TEXT_WEIGHT} × text + ${ATTRIBUTE_WEIGHT} × attributes.`;
}

export function renderScaling(points) {
  $('scaling-figure').hidden = false;
  charts.points = points;
  drawScaling($('scaling-chart'), points);
  $('scaling-caption').textContent = `Parallel speedup against threads (median of ${page.settings.runs} runs each, against 1 thread): ` +
    points.map((p) => `${p.threads} → ${p.speedup.toFixed(2)}× (${fmtMs(p.medianMs)} ms)`).join('; ') +
    '. Dashed: ideal.';
  $('scaling-figure').dataset.points = JSON.stringify(points.map((p) => ({ threads: p.threads, speedup: p.speedup })));
}

/** The charts' data, kept to redraw them at a new width. */
export const charts = { bars: null, points: null };
let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (charts.bars) drawBars($('bars'), charts.bars);
    if (charts.points) drawScaling($('scaling-chart'), charts.points);
  }, 150);
});
