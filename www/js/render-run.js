// Rendering a run: the timings table, the ratio cards, Compare's verdict, the bars, the
// ranking, and the scaling chart (kept to redraw at a new width).
import { drawBars, drawScaling } from './chart.js';
import { fmtMs, median, plural } from './format.js';
import { ATTRIBUTE_WEIGHT, TEXT_WEIGHT } from './limits.js';
import { fmtInt } from './params.js';
import { hideTimeline } from './render-timeline.js';
import {
  breakEven, compareRankings, summarize, verdictOf, verdictSentence,
} from './results.js';
import { $, MODE_NAMES, page } from './state.js';
import { node, short } from './ui.js';

/**
 * Each ratio card: the mode whose time is divided (`slow`), the one it is divided by
 * (`fast`), and how its verdict names them.
 */
const RATIOS = Object.freeze([
  {
    id: 'speedup', slow: 'serial', fast: 'parallel', subject: 'The pool', other: 'one thread',
  },
  {
    id: 'wasm-vs-js', slow: 'js', fast: 'serial', subject: 'wasm', other: 'JavaScript',
  },
  {
    id: 'pool-vs-workers', slow: 'workers', fast: 'parallel', subject: 'The pool', other: 'the workers', skippable: 'workers',
  },
  {
    id: 'server-vs-parallel', slow: 'parallel', fast: 'server', subject: 'The server (round trip)', other: 'the browser\'s pool', skippable: 'server',
  },
]);

/** What to try when the runs are too short to tell modes apart. */
function biggerWorkload() {
  const count = page.catalog?.count ?? 0;
  return count < 2000
    ? 'Try the 2,000-product preset, or more iterations.'
    : 'Try more iterations (15,000, say) or a larger catalog.';
}

/**
 * The card `id` shows `slow`'s median ÷ `fast`'s (also as `data-value`) and the verdict on
 * it in words, with the run-by-run spread it rests on (`data-verdict`: faster, slower,
 * no-clear-difference or too-small; `data-low` and `data-high`: the spread), or a dash if
 * either mode did not run; `skippedWhy`, when a mode it needs was skipped, is shown as
 * the card's note (and `data-skipped`).
 */
export function showRatio(ratio, slow, fast, skippedWhy = null) {
  const card = $(ratio.id);
  const note = card.querySelector('.card-note');
  note.dataset.plain ??= note.textContent;
  note.textContent = skippedWhy ?? note.dataset.plain;
  if (skippedWhy) card.dataset.skipped = skippedWhy;
  else delete card.dataset.skipped;
  delete card.dataset.source;
  const words = card.querySelector('.card-verdict');
  const v = verdictOf(slow, fast);
  if (v) {
    Object.assign(card.dataset, {
      value: String(v.ratio), verdict: v.verdict, low: String(v.low), high: String(v.high),
    });
    $(`${ratio.id}-value`).textContent = `${v.ratio.toFixed(2)}×`;
    words.textContent = verdictSentence(v, ratio.subject, ratio.other, biggerWorkload());
  } else {
    for (const key of ['value', 'verdict', 'low', 'high']) delete card.dataset[key];
    $(`${ratio.id}-value`).textContent = '—';
    words.textContent = '';
  }
}

/**
 * Each mode's last timed runs, for the catalog and the settings they were timed with:
 * when a run times the workers or the pool but not both, the other's last runs on the same
 * catalog, product, iterations, top and thread count fill the pool-vs-workers card
 * (`data-source="separate-runs"`, and its note says they were not interleaved).
 */
const lastTimed = { catalog: null, key: null, results: {} };

function rememberAndPair(out, request) {
  const key = JSON.stringify([request.product, request.iterations, request.top, page.pool?.poolThreads ?? 0, request.workers ?? page.settings.threads]);
  if (lastTimed.catalog !== page.catalog || lastTimed.key !== key) {
    Object.assign(lastTimed, { catalog: page.catalog, key, results: {} });
  }
  const before = { ...lastTimed.results };
  for (const mode of ['parallel', 'workers']) if (out.results[mode]) lastTimed.results[mode] = out.results[mode];
  const [has, lacks] = out.results.workers ? ['workers', 'parallel'] : ['parallel', 'workers'];
  if (!out.results[has] || out.results[lacks] || !before[lacks]) return;
  const ratio = RATIOS.find((r) => r.id === 'pool-vs-workers');
  const results = { ...before, ...out.results };
  showRatio(ratio, results.workers, results.parallel);
  const card = $(ratio.id);
  card.dataset.source = 'separate-runs';
  card.querySelector('.card-note').textContent = `workers median ÷ parallel median, the ${MODE_NAMES[lacks]} runs from an earlier run on this `
    + 'catalog and settings (not interleaved with these)';
}

/** Forgets the runs remembered for pairing (a new catalog). */
function forgetTimed() {
  Object.assign(lastTimed, { catalog: null, key: null, results: {} });
}

/**
 * Workers mode with the pool at work shown: the pool was timed too (the plain parallel
 * runs beside the instrumented ones, `plainMs`), so the pool-vs-workers card is filled
 * from them, and says they were timed after the workers' runs, not interleaved with them
 * (`data-source="timeline"`).
 */
export function showPoolVsWorkersAfter(workers, plainMs) {
  const ratio = RATIOS.find((r) => r.id === 'pool-vs-workers');
  showRatio(ratio, workers, { timesMs: plainMs });
  const card = $(ratio.id);
  card.dataset.source = 'timeline';
  card.querySelector('.card-note').textContent = 'workers median ÷ the pool at work\'s plain parallel median, '
    + 'timed after the workers\' runs (not interleaved with them)';
}

/** The Identical card before any Compare (or after a new catalog). */
function resetIdentical() {
  const identical = $('identical');
  delete identical.dataset.value;
  identical.classList.remove('bad');
  $('identical-value').textContent = '—';
  $('identical-note').textContent = 'run Compare to check';
}

/** A timings row for a mode that did not run (`reason`: why it was skipped, if it was). */
function notRun(mode, reason = null) {
  const row = $(`time-${mode}`);
  for (const key of ['medianMs', 'minMs', 'runsMs', 'phasesMs', 'computeMs', 'serverCatalog', 'imbalance', 'workers', 'split']) {
    delete row.dataset[key];
  }
  const header = node('th', MODE_NAMES[mode]);
  header.scope = 'row';
  const cell = node('td', reason ? `skipped: ${reason}` : 'not run', 'muted');
  cell.colSpan = 5;
  if (reason) row.dataset.skipped = reason;
  else delete row.dataset.skipped;
  row.replaceChildren(header, cell);
}

/**
 * Results belong to their catalog: after a new one is loaded, nothing of the previous
 * one's runs stays on the page. Every timing, card, chart and ranking is cleared, and the
 * ranking says why (`data-cleared` on it, and `data-catalog` with the new catalog's size).
 */
export function clearResults(catalogLabel) {
  forgetTimed();
  for (const mode of ['serial', 'parallel', 'js', 'workers', 'server']) notRun(mode);
  for (const ratio of RATIOS) showRatio(ratio, null, null);
  showBreakEven(null);
  resetIdentical();
  $('timings-note').textContent = '';
  $('bars-figure').hidden = true;
  charts.bars = null;
  $('scaling-figure').hidden = true;
  delete $('scaling-figure').dataset.points;
  charts.points = null;
  renderWorkers(null);
  hideTimeline();
  const row = node('tr');
  const cell = node('td', `${catalogLabel} is loaded: press Run to rank its products.`, 'muted');
  cell.colSpan = 7;
  row.append(cell);
  const body = $('results');
  body.replaceChildren(row);
  body.dataset.cleared = 'true';
  $('ranking-note').textContent = '';
}

export function renderRun(out, request) {
  const summaries = {};
  // The modes that ran: a Compare may have skipped one that could not run (out.skipped).
  const ran = request.modes.filter((mode) => out.results[mode]);
  for (const mode of ['serial', 'parallel', 'js', 'workers', 'server']) {
    const row = $(`time-${mode}`);
    const result = out.results[mode];
    if (!result) {
      notRun(mode, out.skipped?.[mode]);
      continue;
    }
    const header = node('th', MODE_NAMES[mode]);
    header.scope = 'row';
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
  for (const ratio of RATIOS) {
    showRatio(ratio, out.results[ratio.slow], out.results[ratio.fast], ratio.skippable ? skipped(ratio.skippable) : null);
  }
  rememberAndPair(out, request);
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
    resetIdentical();
  }

  const bars = ran.map((mode) => ({ mode, label: MODE_NAMES[mode], ...summaries[mode] }));
  $('bars-figure').hidden = false;
  charts.bars = bars;
  drawBars($('bars'), bars);
  $('bars-caption').textContent = `Median time per mode (the thin mark is the minimum): ${bars.map((b) => `${b.label} ${fmtMs(b.medianMs)} ms`).join(', ')}.`;

  renderWorkers(out.results.workers);
  // The running mode's "at work" section first: the workers' in Workers mode.
  const workersSection = $('workers-section');
  const timelineSection = $('timeline-section');
  if (request.modes.length === 1 && request.modes[0] === 'workers') {
    timelineSection.before(workersSection);
  } else {
    workersSection.before(timelineSection);
  }

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
  delete body.dataset.cleared;
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
    '. Dashed: ideal. Why this can differ from the Parallel speedup card: Scaling divides by the pool on 1 thread (its ' +
    'own work-splitting included), not by wasm serial, and times each thread count in its own pool, one after the ' +
    'other, so a busy moment of the machine lands on one count only; Compare interleaves serial and parallel run by run.';
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
