// The report's "How the pool gets its pieces" section, from bench/pieces.mjs's figures.
import { verdictOf, verdictSentence } from '../www/js/results.js';
import { fmtInt, fmtMs, fmtX, table } from './markdown.mjs';

const NAMES = {
  adaptive: 'adaptive (rayon\'s own split)',
  bounded: 'bounded (`with_max_len`)',
  'by-cost': 'by cost',
};

export function piecesSection(p) {
  const strategies = Object.keys(p.cells[0].pieces);
  const md = ['## How the pool gets its pieces', ''];
  md.push(`Native \`shop-recs bench --pieces\`, ${p.threads} threads, ${p.machine} (${p.cores} cores), ${p.date}. ` +
    'Each catalog is generated with seed 42; `skew` is the percentage of products 10 to 100 times longer than the others, all in its first quarter. ' +
    'In each round the modes are timed one after the other (serial, the default parallel, then each way of cutting the pieces), ' +
    'so a slow moment of the machine hurts them alike. Every ranking is checked against serial. Medians of the timed runs, ' +
    'and each one\'s speedup over serial in the same run:');
  md.push('');
  const header = ['catalog', 'runs', 'serial (ms)', ...strategies.flatMap((s) => [`${NAMES[s] ?? s} (ms)`, 'speedup'])];
  const rows = p.cells.map((c) => [
    `generated ${fmtInt(c.n)}${c.skew ? `, skew ${c.skew}%` : ''}`, String(c.runs), fmtMs(c.serial.median),
    ...strategies.flatMap((s) => [fmtMs(c.pieces[s].median), fmtX(c.serial.median / c.pieces[s].median)]),
  ]);
  md.push(table(header, rows, ['l']));
  md.push('');
  const skewed = p.cells.filter((c) => c.skew > 0);
  const range = (s) => {
    const xs = skewed.map((c) => c.serial.median / c.pieces[s].median);
    return `${fmtX(Math.min(...xs))} to ${fmtX(Math.max(...xs))}`;
  };
  if (skewed.length > 0 && strategies.includes('adaptive') && strategies.includes('by-cost')) {
    md.push(`- **On skewed catalogs** rayon's adaptive split gave ${range('adaptive')} over serial, pieces cut by cost ${range('by-cost')}` +
      `${strategies.includes('bounded') ? `, bounded pieces ${range('bounded')}` : ''}. ` +
      'rayon splits a range further only while its split budget lasts or when another thread steals half of it, and never splits the piece a thread is already running: ' +
      'the thread that took the first quarter kept every long product while the other ran dry.');
  }
  md.push('- **On uniform catalogs** the three are within the noise of one another: cutting finer costs nothing measurable.');
  if (strategies.includes('adaptive') && strategies.includes('by-cost')) {
    // The page's verdict rule (www/js/results.js): the runs of each round are paired.
    const verdicts = p.cells.map((c) => {
      const v = verdictOf({ timesMs: c.pieces.adaptive.runs }, { timesMs: c.pieces['by-cost'].runs });
      return `${fmtInt(c.n)}${c.skew ? ` skew ${c.skew}%` : ''}: ${verdictSentence(v, 'Cutting by cost', 'rayon\'s adaptive split', 'A larger catalog would tell.')}`;
    });
    md.push(`- **By cost against adaptive, in the page's words** (the run-by-run ratios of the same rounds; "no clear difference" where they cross 1): ${verdicts.join(' ')}`);
  }
  // A speedup above the thread count is not something threads can do: say what it was.
  const above = p.cells.flatMap((c) => strategies
    .filter((s) => c.serial.median / c.pieces[s].median > p.threads)
    .map((s) => ({ c, s })));
  if (above.length > 0) {
    const cells = [...new Set(above.map(({ c }) => c))];
    md.push(`- **Speedups above ${p.threads}.00×** (${above.map(({ c, s }) => `${fmtInt(c.n)} skew ${c.skew}% ${s} ${fmtX(c.serial.median / c.pieces[s].median)}`).join(', ')}) ` +
      `are the machine's noise, not an effect: ${cells.map((c) => `that catalog's serial runs ranged ${fmtMs(Math.min(...c.serial.runs))} to ${fmtMs(Math.max(...c.serial.runs))} ms`).join('; ')}, ` +
      `and the ratio of the minimums is ${cells.map((c) => fmtX(c.serial.min / Math.min(...strategies.map((s) => c.pieces[s].min)))).join(', ')} ` +
      `(every cell's is at most ${fmtX(Math.max(...p.cells.map((c) => c.serial.min / Math.min(...strategies.map((s) => c.pieces[s].min)))))}).`);
  }
  md.push(`- **The default is \`${p.cells[0].defaultPieces}\`.** It measured as fast as bounded pieces here, and it is the more robust of the two: ` +
    'a cluster of costly products that fits inside one bounded piece (n ÷ (threads × 16) candidates) still lands on one thread, while the cost cuts slice such a cluster as finely as its cost needs. ' +
    'The Workers mode\'s `balanced` split uses the same cuts, one piece per worker.');
  md.push('');
  return md;
}
