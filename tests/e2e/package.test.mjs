// The `shop-recs` package, end to end: examples/embed/ (a plain page, an import map, no
// bundler) with the package installed from its tarball (scripts/package.sh) and nothing
// else, served with and without the cross-origin isolation headers. The example shows
// recommendations for the bundled catalog's first product on the backend the package
// chose; they must equal the native serial run's (ids and scores), and `explain()` must
// say why that backend.
//
// Where each engine lands: Chromium and Firefox isolated run the pool; not isolated,
// share-nothing workers (2 cores here); WebKitGTK as shipped has no SharedArrayBuffer,
// so workers there too, with that reason.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { after, before } from 'node:test';
import { reached } from '../../scripts/package.mjs';
import {
  browser, ENGINE, openPage, REPO, screenshotPath, startServer, test, useServerAndBrowser,
} from './harness.mjs';

useServerAndBrowser();

const BIN = join(REPO, 'target', 'release', 'shop-recs');
let site = null;
let viteSite = null;

before(() => {
  const tarball = readdirSync(join(REPO, 'package')).find((f) => /^shop-recs-.*\.tgz$/.test(f));
  assert.ok(tarball, 'package/shop-recs-*.tgz is missing: scripts/package.sh makes it (scripts/test.sh runs it)');
  site = mkdtempSync(join(tmpdir(), 'shop-recs-embed-'));
  for (const file of ['index.html', 'main.js']) cpSync(join(REPO, 'examples', 'embed', file), join(site, file));
  // What a user does: install the tarball (a local file: no network).
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--offline', join(REPO, 'package', tarball)],
    { cwd: site, stdio: 'pipe' });
  assert.ok(existsSync(join(site, 'node_modules', 'shop-recs', 'dist', 'js', 'recommender.js')));

  // The Vite example, as its README says: Vite from its lockfile, the tarball, npm run build.
  const vite = mkdtempSync(join(tmpdir(), 'shop-recs-embed-vite-'));
  for (const file of ['index.html', 'src', 'vite.config.js', 'package.json', 'package-lock.json']) {
    cpSync(join(REPO, 'examples', 'embed-vite', file), join(vite, file), { recursive: true });
  }
  const npm = (...args) => execFileSync('npm', args, { cwd: vite, stdio: 'pipe' });
  npm('ci', '--no-audit', '--no-fund', '--prefer-offline');
  npm('install', '--no-save', '--no-audit', '--no-fund', '--offline', join(REPO, 'package', tarball));
  npm('run', 'build');
  viteSite = join(vite, 'dist');
  assert.ok(existsSync(join(viteSite, 'shop-recs', 'js', 'recommender.js')), 'the build copied the package');
});
after(() => {
  for (const dir of [site, viteSite && dirname(viteSite)]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The native serial ranking of `target` in the bundled catalog, top 5. */
function nativeRanking(target) {
  const out = JSON.parse(execFileSync(BIN, ['recommend', '--catalog', join(site, 'node_modules', 'shop-recs', 'dist', 'catalog.json'),
    '--product', target, '--top', '5', '--mode', 'serial', '--json']).toString());
  // Scores as JavaScript writes them (the shortest text that reads back as the same
  // double): the page sends its own text, which no WebDriver transport can round.
  return out.recommendations.map((r) => ({ id: r.id, score: String(r.score) }));
}

/** Opens an example (`dir`: its site) served with or without isolation; returns what it showed. */
async function openExample(isolation, dir = site) {
  const served = await startServer({ isolation, dir });
  try {
    const { page, context, assertClean } = await openPage(browser, `${served.url}index.html`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 120_000 });
    const shown = await page.evaluate(() => ({
      state: document.body.dataset.state,
      backend: document.body.dataset.backend,
      target: document.body.dataset.target,
      said: document.getElementById('target').textContent,
      why: document.getElementById('why').textContent,
      items: [...document.querySelectorAll('#items li')].map((li) => ({ id: li.dataset.id, score: li.dataset.score })),
      isolated: self.crossOriginIsolated,
    }));
    await page.screenshot({ path: screenshotPath(`${dir === site ? 'embed' : 'embed-vite'}-${isolation ? 'isolated' : 'not-isolated'}`) });
    assertClean();
    await context.close();
    return shown;
  } finally {
    await served.close();
  }
}

function assertSameAsNative(shown) {
  assert.equal(shown.state, 'done', shown.said);
  assert.equal(shown.items.length, 5);
  assert.deepEqual(shown.items, nativeRanking(shown.target), 'the package ranks as the native serial run');
}

test('examples/embed served with the isolation headers: the pool, and the native ranking', {
  engines: ['chromium', 'firefox', 'webkit-sab'], why: 'needs SharedArrayBuffer (WebKitGTK as shipped has none: see the test below)',
}, async () => {
  const shown = await openExample(true);
  assertSameAsNative(shown);
  assert.equal(shown.isolated, true);
  assert.equal(shown.backend, 'pool', shown.why);
  assert.match(shown.why, /^pool: the page is cross-origin isolated/m);
});

test('examples/embed served without them: share-nothing workers, said why, the same ranking', {
  engines: ['chromium', 'firefox', 'webkit'],
}, async () => {
  const shown = await openExample(false);
  assertSameAsNative(shown);
  assert.equal(shown.isolated, false);
  assert.equal(shown.backend, 'workers', shown.why);
  assert.match(shown.why, /^not the pool: the page is not cross-origin isolated/m);
  // As many workers as the browser reports cores (WebKitGTK reports 4 on this 2-core machine).
  assert.match(shown.why, /^workers: \d+ share-nothing workers/m);
});

test('examples/embed in WebKitGTK as shipped, even with the headers: no SharedArrayBuffer, so workers, said why', {
  engines: ['webkit'], why: 'WebKitGTK as shipped is the engine without SharedArrayBuffer',
}, async () => {
  const shown = await openExample(true);
  assertSameAsNative(shown);
  assert.equal(shown.backend, 'workers', shown.why);
  assert.match(shown.why, /^not the pool: .*SharedArrayBuffer|^not the pool: the page is not cross-origin isolated/m);
});

test('examples/embed-vite, built by Vite: the pool where the page allows it, else workers, and the native ranking', async () => {
  const shown = await openExample(true, viteSite);
  assertSameAsNative(shown);
  const pool = ENGINE.name !== 'webkit';
  assert.equal(shown.backend, pool ? 'pool' : 'workers', shown.why);
  if (!pool) assert.match(shown.why, /^not the pool: .*SharedArrayBuffer/m);
});

test('every backend: a cancelled load and a cancelled run fail as cancelled, the next call works, and dispose() ends every worker', {
  engines: ['chromium'], why: 'lists the page\'s workers through Playwright',
}, async () => {
  for (const [isolation, backend] of [[true, 'pool'], [false, 'workers'], [true, 'single']]) {
    const served = await startServer({ isolation, dir: site });
    try {
      const { page, context, assertClean } = await openPage(browser, `${served.url}index.html?product=velvet-matte-lipstick`);
      await page.waitForFunction(() => document.body.dataset.state === 'done');
      const before = page.workers().length;
      const got = await page.evaluate(async (asked) => {
        const { Recommender } = await import('./node_modules/shop-recs/dist/js/recommender.js');
        const rec = await Recommender.create({ backend: asked, threads: 2 });
        const cancelled = async (call) => {
          const abort = new AbortController();
          setTimeout(() => abort.abort(), 300);
          try {
            await call(abort.signal);
            return 'finished';
          } catch (e) {
            return e.code;
          }
        };
        const load = await cancelled((signal) => rec.load({ generate: { n: 1_000_000 } }, { signal }));
        await rec.load({ generate: { n: 20_000 } });
        const run = await cancelled((signal) => rec.recommend('sports-breathable-durable-football-0', { iterations: 100_000, signal }));
        // After a cancel the next call starts a fresh worker and loads the catalog again.
        const after = await rec.recommend('sports-breathable-durable-football-0', { top: 3, iterations: 200 });
        const unknown = await rec.recommend('no-such-product').then(() => 'found', (e) => e.code);
        self.recAlive = rec;
        return {
          load, run, backend: rec.backend, items: after.items.length, unknown,
        };
      }, backend);
      assert.deepEqual(got, {
        load: 'cancelled', run: 'cancelled', backend, items: 3, unknown: 'unknown-product',
      });
      assert.ok(page.workers().length > before, 'the package runs its worker');
      await page.evaluate(() => self.recAlive.dispose());
      const deadline = Date.now() + 10_000;
      while (page.workers().length > before && Date.now() < deadline) await new Promise((r) => { setTimeout(r, 100); });
      assert.equal(page.workers().length, before, `dispose() ends every worker of the ${backend} backend`);
      const disposed = await page.evaluate(() => self.recAlive.recommend('x').then(() => 'ran', (e) => e.code));
      assert.equal(disposed, 'disposed');
      assertClean();
      await context.close();
    } finally {
      await served.close();
    }
  }
});

test('the tarball holds what the API reaches, and none of the page\'s own modules', {
  engines: ['chromium'], why: 'the tarball is the same for every engine: checked once',
}, () => {
  const installed = join(site, 'node_modules', 'shop-recs');
  const tarball = readdirSync(join(REPO, 'package')).find((f) => /^shop-recs-.*\.tgz$/.test(f));
  const files = execFileSync('tar', ['tzf', join(REPO, 'package', tarball)]).toString().trim().split('\n')
    .map((f) => f.replace(/^package\//, ''));
  // Every relative import and worker URL of every module resolves inside the package.
  const modules = files.filter((f) => f.endsWith('.js'));
  for (const module of modules) {
    for (const specifier of reached(readFileSync(join(installed, module), 'utf8'))) {
      const target = normalize(join(dirname(module), specifier));
      assert.ok(files.includes(target), `${module} imports ${specifier}, which the tarball lacks`);
    }
  }
  for (const needed of ['index.d.ts', 'package.json', 'dist/js/recommender.js', 'dist/shop-recs.js', 'dist/shop-recs_bg.wasm',
    'dist/single-thread/shop-recs.js', 'dist/single-thread/shop-recs_bg.wasm', 'dist/catalog.json']) {
    assert.ok(files.includes(needed), `the tarball holds ${needed}`);
  }
  assert.ok(files.some((f) => f.startsWith('dist/snippets/') && f.endsWith('workerHelpers.no-bundler.js')), 'the pool\'s worker helpers');
  // The page's DOM, controls, charts and its test-only error recorder stay out.
  for (const pageOnly of ['main.js', 'ui.js', 'session.js', 'controls.js', 'chart.js', 'env-panel.js', 'problems.js', 'isolate.js', 'runs.js']) {
    assert.ok(!files.includes(`dist/js/${pageOnly}`), `${pageOnly} is the page's, not the package's`);
  }
  assert.ok(!files.some((f) => /index\.html|style\.css|coi-serviceworker/.test(f)), 'no page assets');
});

/** The test and benchmark hooks a module exports (src/wasm/test_hooks.rs, bench_hooks.rs). */
function hooksIn(wasmPath) {
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasmPath)));
  return exports.map((e) => e.name).filter((name) => /debugpanic|debugexhaust|signaturedigest|everythreadserial/i.test(name));
}

test('the tarball\'s wasm modules and their glue hold none of the test or benchmark hooks', {
  engines: ['chromium'], why: 'the tarball is the same for every engine: checked once',
}, () => {
  const installed = join(site, 'node_modules', 'shop-recs', 'dist');
  for (const build of ['', 'single-thread/']) {
    // The demo site's modules have them: the check finds what it looks for.
    assert.ok(hooksIn(join(REPO, 'dist', build, 'shop-recs_bg.wasm')).length >= 2, `dist/${build} keeps its hooks`);
    assert.deepEqual(hooksIn(join(installed, build, 'shop-recs_bg.wasm')), [], `the package's ${build || 'threaded '}module`);
    const glue = readFileSync(join(installed, build, 'shop-recs.js'), 'utf8');
    assert.doesNotMatch(glue, /debugPanic|debugExhaustMemory|signatureDigest|everyThreadSerial/, `the package's ${build}glue`);
  }
});
