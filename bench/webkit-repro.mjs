// The WebKit experiment of docs/browsers.md ("Out of bounds call_indirect"): loads the
// page in WebKitGTK as shipped (the single-thread build) and generates 200,000 products,
// over and over, each time in a fresh wasm instance (a navigation), and counts how many
// loads end in a wasm trap, with the engine's message. JavaScriptCore's options come from
// the environment (the web process inherits it), so the same script measures the engine
// with a tier switched off:
//
//   E2E_ENGINE=webkit node bench/webkit-repro.mjs --minutes 20
//   JSC_useOMGJIT=0 E2E_ENGINE=webkit node bench/webkit-repro.mjs --minutes 20
//
// Measures, never asserts; prints one line per trap and a summary line of JSON.
import { launchSelenium, openSeleniumPage, ENGINE } from '../tests/e2e/engines.mjs';
import { startServer } from '../scripts/browser.mjs';

const option = (name, otherwise) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? otherwise : Number(process.argv[at + 1]);
};
const minutes = option('--minutes', 10);
const products = option('--products', 200000);
if (!(minutes > 0) || !(products > 0)) {
  process.stderr.write('usage: node bench/webkit-repro.mjs [--minutes M] [--products N]\n');
  process.exit(2);
}
const jsc = Object.entries(process.env).filter(([k]) => k.startsWith('JSC_')).map(([k, v]) => `${k}=${v}`);

const server = await startServer({ isolation: false });
const browser = await launchSelenium();
const url = `${server.url}?generate=${products}&mode=serial&iterations=100&runs=1`;
const { page, problems, context } = await openSeleniumPage(browser, url);
const deadline = Date.now() + minutes * 60_000;
let loads = 0;
const traps = [];
const started = Date.now();
try {
  for (;;) {
    await page.waitForFunction(() => {
      const state = document.body.dataset.state;
      const count = document.querySelector('[data-testid=catalog-count]')?.dataset.value;
      return state === 'error' || (state === 'ready' && count !== undefined && count !== '40');
    }, null, { timeout: 300_000 });
    const outcome = await page.evaluate(() => (document.body.dataset.state === 'error'
      ? { error: document.querySelector('[data-testid=error]')?.textContent ?? '' }
      : { count: document.querySelector('[data-testid=catalog-count]')?.dataset.value }));
    loads += 1;
    await page.sync();
    const seen = problems.filter((p) => /call_indirect|RuntimeError|unreachable|panicked/i.test(String(p)));
    if (outcome.error !== undefined || seen.length || outcome.count !== String(products)) {
      traps.push({ load: loads, error: outcome.error, problems: seen.map(String) });
      process.stdout.write(`trap at load ${loads}: ${outcome.error ?? ''} ${seen.join(' | ')}\n`);
      problems.length = 0;
    }
    if (Date.now() > deadline) break;
    await page.goto(url);
  }
} finally {
  await context.close();
  await browser.close();
  await server.close();
}
process.stdout.write(`${JSON.stringify({
  engine: ENGINE.name, version: browser.version(), jsc, products, loads, traps: traps.length,
  minutes: Math.round((Date.now() - started) / 600) / 100,
})}\n`);
