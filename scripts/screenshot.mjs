// The README's picture: a Compare run of generated 2,000 products at 15,000 iterations
// (ten times the default, where the pool's effect shows), on 2 threads, served by the
// release `shop-recs serve` and rendered by headless Chromium. Writes
// docs/screenshot-compare.png and prints the run's figures for the caption. Run it on a
// quiet machine (scripts/build.sh first):
//
//   node scripts/screenshot.mjs
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, startServer } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = await startServer();
const browser = await launchBrowser();
try {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=2000&iterations=15000&mode=compare&threads=2&runs=3&autorun=1`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 600_000 });
  const figures = await page.evaluate(() => {
    const median = (mode) => Number(document.querySelector(`[data-testid=time-${mode}]`).dataset.medianMs);
    return {
      state: document.body.dataset.state,
      serial: median('serial'),
      parallel: median('parallel'),
      js: median('js'),
      speedup: Number(document.querySelector('[data-testid=speedup]').dataset.value),
      identical: document.querySelector('[data-testid=identical]').dataset.value,
    };
  });
  if (figures.state !== 'done') throw new Error('the run did not finish');
  assertClean();
  await page.screenshot({ path: join(ROOT, 'docs', 'screenshot-compare.png'), fullPage: true });
  console.log(JSON.stringify({ ...figures, cpu: cpus()[0]?.model, cores: cpus().length, browser: browser.version() }));
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
