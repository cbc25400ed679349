// The benchmark report's own arithmetic and output, on made-up and on recorded figures:
// the ceiling reduction (bench/report.mjs) and the plot's SVG (bench/plot.mjs), which
// must be well-formed XML or no browser shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ceilingStats, derive } from '../../bench/report.mjs';
import { renderPlot } from '../../bench/plot.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('ceilingStats reduces each round, then takes medians over the rounds', () => {
  // Round 1: both threads as fast as one alone, parallel exactly half: ceiling 1, efficiency 1.
  // Round 2: both threads at half speed, parallel no faster than serial: ceiling 0.5, efficiency 0.5.
  // Round 3: one thread alone 90, the two at once 100 and 300; parallel 75.
  const c = ceilingStats({
    serial: [100, 100, 90],
    every: [[100, 100], [200, 200], [100, 300]],
    parallel: [50, 100, 75],
  });
  assert.equal(c.threads, 2);
  assert.equal(c.rounds, 3);
  const third = (90 / 100 + 90 / 300) / 2; // 0.6
  assert.ok(Math.abs(c.ceiling - third) < 1e-12, `ceiling ${c.ceiling}`);
  assert.deepEqual(c.ceilingRange, [0.5, 1]);
  assert.ok(Math.abs(c.efficiency - 0.6) < 1e-12, `efficiency ${c.efficiency}`);
  assert.deepEqual(c.efficiencyRange, [0.5, 1]);
  // Each round's efficiency over its own ceiling: 1, 1 and 0.6 / 0.6.
  assert.ok(Math.abs(c.share - 1) < 1e-12, `share ${c.share}`);
  assert.equal(c.serial, 100);
  assert.equal(c.parallel, 75);
  // The per-thread times of every round together: 100, 100, 100, 200, 200, 300.
  assert.equal(c.every, 150);
});

test('the plot of the recorded report is well-formed: every tag closed, no attribute twice', () => {
  const results = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8'));
  const svg = renderPlot(results, derive);
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const open = [];
  for (const [, closing, name, attrs, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    if (closing) {
      assert.equal(open.pop(), name, `</${name}> closes the wrong element`);
      continue;
    }
    const names = [...attrs.matchAll(/\s([a-zA-Z][\w:-]*)="[^"]*"/g)].map((m) => m[1]);
    assert.equal(new Set(names).size, names.length, `<${name}> repeats an attribute: ${names.join(' ')}`);
    assert.doesNotMatch(attrs.replace(/\s[a-zA-Z][\w:-]*="[^"]*"/g, ''), /\S/, `<${name}> has text that is not an attribute: ${attrs}`);
    if (!selfClosing) open.push(name);
  }
  assert.deepEqual(open, [], 'every element is closed');
  // Text is escaped: no raw ampersand outside an entity.
  assert.doesNotMatch(svg, /&(?!amp;|lt;|gt;|quot;)/);
});

// ---------------------------------------------------------------------------------------
// The peers' comparisons (bench/report-peers.mjs), on made-up cells.

/** A cell with the figures the comparisons read: medians in ms. */
function cell({ products, iterations, serial, parallel, server, compute, go }) {
  return {
    label: `generated ${products}`, products, iterations,
    page: { serial: { median: serial }, parallel: { 2: { median: parallel } }, server: { median: server, computeMs: compute, outsideMs: server - compute } },
    native: { portable: { serial: { median: 100 }, parallel: { 2: { median: 50 } } } },
    go: go && { serial: { median: go.serial }, goroutines: { 2: { median: go.parallel } } },
  };
}

test('browser against server: the break-even, and the crossover from the smallest winning size up', async () => {
  const { crossover, versusServer } = await import('../../bench/report-peers.mjs');
  const small = cell({ products: 40, iterations: 1500, serial: 3, parallel: 2, server: 4, compute: 0.5 });
  const mid = cell({ products: 200, iterations: 1500, serial: 12, parallel: 8, server: 5, compute: 1 });
  const big = cell({ products: 2000, iterations: 1500, serial: 120, parallel: 65, server: 17, compute: 13 });
  const v = versusServer(big, 2);
  assert.equal(v.best.ms, 65);
  assert.equal(v.breakEven, 65 - 13);
  assert.equal(v.serverVsParallel, 65 / 17);
  assert.equal(v.serverWins, true);
  assert.equal(versusServer(small, 2).serverWins, false);
  const at = crossover({ hw: 2, cells: [big, small, mid] });
  assert.equal(at.from.cell, mid, 'the smallest size from which the server wins in every larger cell');
  assert.match(at.text, /below it the browser wins \(generated 40 × 1,500\)/);
  // A larger cell the browser wins again moves the crossover above it.
  const bigger = cell({ products: 20000, iterations: 1500, serial: 1, parallel: 1, server: 5, compute: 1 });
  assert.match(crossover({ hw: 2, cells: [small, mid, big, bigger] }).text,
    /^none that holds: .*generated 200 × 1,500, generated 2000 × 1,500, but not in the largest cell, generated 20000 × 1,500/);
  assert.match(crossover({ hw: 2, cells: [small] }).text, /^none: the browser's best beat the server's round trip in every cell/);
  assert.match(crossover({ hw: 2, cells: [mid, big] }).text, /in every cell, down to the smallest/);
});

test('rayon against goroutines: time ratio and each side\'s own efficiency', async () => {
  const { versusGoroutines } = await import('../../bench/report-peers.mjs');
  const c = cell({ products: 2000, iterations: 1500, serial: 1, parallel: 1, server: 1, compute: 1, go: { serial: 130, parallel: 75 } });
  const v = versusGoroutines(c, 2);
  assert.equal(v.rayonEfficiency, 100 / (2 * 50));
  assert.equal(v.goEfficiency, 130 / (2 * 75));
  assert.equal(v.ratio, 75 / 50);
  assert.equal(versusGoroutines({ ...c, go: undefined }, 2), null, 'no Go run, no comparison');
});
