// The demo page is the package's first user: its own modules (those the package does not
// ship: the DOM, the controls, the charts) reach the worker and the wasm only through the
// package's API, recommender.js (Recommender, and EngineSession with its timing and test
// hooks), besides pure helpers that touch neither (formatting, limits, verdicts, the
// merge's helpers, feature detection). So there is one path from a page to the core.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { reached } from '../../scripts/package.mjs';

const JS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'js');
/** Package modules the page may import besides the API: no worker, no wasm in them. */
const PURE_HELPERS = new Set(['format.js', 'limits.js', 'results.js', 'merge.js', 'detect.js']);

/** The package's modules: everything www/js/recommender.js reaches. */
function packageModules() {
  const seen = new Set();
  const queue = [resolve(JS, 'recommender.js')];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file) || !file.startsWith(resolve(JS)) || !file.endsWith('.js')) continue;
    seen.add(file);
    for (const specifier of reached(readFileSync(file, 'utf8'))) queue.push(resolve(dirname(file), specifier));
  }
  return new Set([...seen].map((file) => basename(file)));
}

/** What `file` imports or starts as a worker, by name (`../shop-recs.js` stays as written). */
function importsOf(file) {
  return reached(readFileSync(join(JS, file), 'utf8')).map((s) => (s.startsWith('./') ? s.slice(2) : s));
}

test('the page\'s own modules reach the core only through recommender.js', () => {
  const shipped = packageModules();
  for (const needed of ['worker.js', 'worker-client.js', 'protocol.js', 'engine-session.js']) {
    assert.ok(shipped.has(needed), `the package ships ${needed}`);
  }
  const pageModules = readdirSync(JS).filter((f) => f.endsWith('.js') && !shipped.has(f));
  assert.ok(pageModules.includes('main.js') && pageModules.includes('session.js') && pageModules.includes('runs.js'));
  let viaApi = 0;
  for (const module of pageModules) {
    for (const target of importsOf(module)) {
      if (target === 'recommender.js') viaApi++;
      const allowed = !shipped.has(target) || target === 'recommender.js' || PURE_HELPERS.has(target);
      assert.ok(allowed && !target.includes('shop-recs'), `${module} imports ${target}: the page reaches the core only through recommender.js`);
    }
  }
  assert.ok(viaApi >= 3, `the page's session, runs and environment use the API (${viaApi} imports)`);
});

test('the pure helpers the page shares with the package start no worker and load no wasm', () => {
  for (const helper of PURE_HELPERS) {
    const text = readFileSync(join(JS, helper), 'utf8');
    assert.doesNotMatch(text, /new Worker|postMessage|shop-recs\.js|WebAssembly\.(instantiate|compile)|initThreadPool/, helper);
    for (const target of importsOf(helper)) assert.ok(PURE_HELPERS.has(target), `${helper} imports ${target}`);
  }
});
