// The report's formatting helpers, shared by bench/report.mjs and its section modules
// (report-peers.mjs, report-server.mjs, report-workers.mjs), which import them from here
// rather than from report.mjs, so that no two report modules import each other.

export { fmtMs } from '../www/js/format.js';

/** `x` as "1.23×", or a dash when it is not a number. */
export const fmtX = (x, digits = 2) => (x === undefined || x === null || !Number.isFinite(x) ? '—' : `${x.toFixed(digits)}×`);
export const fmtInt = (n) => n.toLocaleString('en-US');

/** A markdown table; `align[i]` 'l' left-aligns column i, anything else right-aligns it. */
export function table(header, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const rule = `|${header.map((_, i) => (align?.[i] === 'l' ? '---' : '---:')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
