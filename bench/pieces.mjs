// "How the pool gets its pieces": the native parallel scorer with the candidates cut each
// way rank::Pieces knows (adaptive: rayon's own split; bounded: with_max_len; by-cost:
// pieces of equal estimated cost, the default), timed interleaved in one
// `shop-recs bench --pieces` per catalog, on uniform and skewed generated catalogs. Stores
// the figures as `pieces` in DIR/results.json and renders DIR/REPORT.md again (the
// section: bench/report-pieces.mjs). Needs no browser.
//
//   node bench/pieces.mjs [--quick] [--out DIR] [--threads N]
//
// scripts/bench.sh --pieces builds the release binary first. Figures only: a ranking that
// differs from serial ends the CLI, and this, with an error.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  fail, option, out, quick, ROOT,
} from './script-args.mjs';
import { storeSection } from './store.mjs';

const threads = Number(option('--threads', String(cpus().length)));
const bin = join(ROOT, 'target', 'release', 'shop-recs');

if (!existsSync(bin)) fail(`${bin} is missing: build it first (cargo build --release --bin shop-recs)`);
const grid = quick
  ? [[2000, 0], [2000, 5]]
  : [[2000, 0], [2000, 5], [20000, 0], [20000, 1], [20000, 5], [20000, 25], [200000, 5]];
const cells = grid.map(([n, skew]) => {
  const runs = n >= 200000 ? '5' : '7';
  const report = JSON.parse(execFileSync(bin, ['bench', '--generate', String(n), '--seed', '42', '--skew', String(skew),
    '--threads', String(threads), '--runs', runs, '--pieces', '--json'], { maxBuffer: 1 << 26 }).toString());
  if (!report.rankings_equal) fail(`generated ${n}, skew ${skew}: a parallel ranking differs from serial`);
  const cell = {
    n, skew, runs: Number(runs), serial: report.serial_ms, pieces: report.pieces_ms, defaultPieces: report.default_pieces,
  };
  process.stdout.write(`   generated ${n}, skew ${skew}: serial ${cell.serial.median.toFixed(1)} ms; ` +
    `${Object.entries(cell.pieces).map(([name, t]) => `${name} ${t.median.toFixed(1)}`).join(', ')} ms\n`);
  return cell;
});
const pieces = {
  cells,
  threads,
  date: new Date().toISOString().slice(0, 10),
  machine: /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0].model,
  cores: cpus().length,
};
try {
  storeSection(out, 'pieces', pieces);
} catch (error) {
  fail(error.message);
}
process.stdout.write(`pieces: written into ${join(out, 'REPORT.md')}\n`);
