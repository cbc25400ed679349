// What the standalone benchmark scripts share at their end: their figures stored under
// one key of DIR/results.json, and DIR/REPORT.md and its plots rendered again from it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlot } from './plot.mjs';
import { writeReport } from './report.mjs';

/** Stores `value` as `key` in `dir`/results.json (which the full benchmark made) and renders the report again. */
export function storeSection(dir, key, value) {
  const file = join(dir, 'results.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run the benchmark first (scripts/bench.sh)`);
  const results = JSON.parse(readFileSync(file, 'utf8'));
  results[key] = value;
  writeReport(results, dir, renderPlot);
}
