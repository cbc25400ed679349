// The report's "How many threads" section, from results.json's `threadsAuto`
// (bench/threads-auto.mjs measures it): what `threads: 'auto'` chooses, and why.
import { median } from '../www/js/format.js';
import { fmtMs, fmtX, table } from './markdown.mjs';

export function threadsSection(results) {
  const { cores, visits } = results;
  const counts = Object.keys(visits).map(Number).sort((a, b) => b - a);
  const figure = (threads, key) => median(visits[threads].map((v) => v[key]));
  const lines = ['## How many threads', '',
    `What \`threads: 'auto'\` chooses for the package (and what the page uses by default). Measured ${results.date} on this machine ` +
    `(${cores} cores), headless Chromium, \`bench/threads-auto.mjs\`: generated ${results.n.toLocaleString('en-US')} × ${results.iterations}, ` +
    `Parallel, ${results.runs} timed runs per visit, ${results.rounds} visits per pool size, the sizes alternating visit by visit. ` +
    'During each run a probe on the page\'s own thread runs a fixed piece of work (about 5 ms while idle) every 50 ms: ' +
    '"stretch" is how much longer a piece took than while idle (1.00× means the pool took nothing from the page), ' +
    'and "timer lag" how late the probe\'s 50 ms timer fired (how long an input could have waited). Medians over the visits:', ''];
  lines.push(table(['pool', 'run (median ms)', 'page work stretch, median / p95', 'timer lag p95 / max (ms)'],
    counts.map((threads) => [
      `${threads} thread${threads === 1 ? '' : 's'}${threads === cores ? ' (every core)' : ''}`,
      fmtMs(figure(threads, 'medianMs')),
      `${fmtX(figure(threads, 'stretchMedian'))} / ${fmtX(figure(threads, 'stretchP95'))}`,
      `${fmtMs(figure(threads, 'lagP95Ms'))} / ${fmtMs(figure(threads, 'lagMaxMs'))}`,
    ]), ['l', 'r', 'l', 'l']));
  if (counts.length === 2) {
    const [all, fewer] = counts;
    const slower = figure(fewer, 'medianMs') / figure(all, 'medianMs');
    const piece = (threads, key) => fmtMs(figure(threads, 'idlePieceMs') * figure(threads, key));
    lines.push('', `- **One core fewer** makes every run ${fmtX(slower)} slower. With every core busy the page's own work is stretched ` +
      `${fmtX(figure(all, 'stretchMedian'))} at the median and ${fmtX(figure(all, 'stretchP95'))} at p95 (a 5 ms piece took ${piece(all, 'stretchMedian')} and ${piece(all, 'stretchP95')} ms), ` +
      `against ${fmtX(figure(fewer, 'stretchMedian'))} and ${fmtX(figure(fewer, 'stretchP95'))} with one core left free; the timer never waited long (at most ${fmtMs(figure(all, 'lagMaxMs'))} ms).`,
    `- **The rule** (\`www/js/choose.js\`): every core the browser reports. The pool's threads are workers, so the page's thread is never blocked, only shares the CPU, ` +
      'and a short handler stays inside a frame; leaving a core free would cost ' +
      `${fmtX(slower)} on every run here, where there are only ${cores} cores. A site whose page thread does heavy work of its own while recommendations are scored can ask for fewer (\`threads: n\`). ` +
      'Not measured here: machines with more cores, where one core fewer costs less of the pool; the rule stays every core until such a measurement says otherwise.');
  }
  lines.push('');
  return lines;
}
