// The README's pictures, served by the release `shop-recs serve` and rendered by headless
// Chromium (scripts/build.sh first), on a quiet machine:
//
//   node scripts/screenshot.mjs [compare] [timeline]      (both when none is named)
//
// compare: a Compare run of generated 2,000 products at 15,000 iterations (ten times the
//   default, where the pool's effect shows), on 2 threads: docs/screenshot-compare.png.
// timeline: the pool at work, generated 2,000 products at the default 1,500 iterations
//   on 2 threads: the timeline section only, docs/screenshot-timeline.png.
// Each prints its run's figures, for the caption.
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, startServer } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const PICTURES = {
  compare: {
    query: 'generate=2000&iterations=15000&mode=compare&threads=2&runs=3&autorun=1',
    figures: () => {
      const median = (mode) => Number(document.querySelector(`[data-testid=time-${mode}]`).dataset.medianMs);
      return {
        serial: median('serial'),
        parallel: median('parallel'),
        js: median('js'),
        server: median('server'),
        serverCompute: Number(document.querySelector('[data-testid=time-server]').dataset.computeMs),
        serverVsParallel: Number(document.querySelector('[data-testid=server-vs-parallel]').dataset.value),
        breakEven: Number(document.querySelector('[data-testid=break-even]').dataset.ms),
        speedup: Number(document.querySelector('[data-testid=speedup]').dataset.value),
        identical: document.querySelector('[data-testid=identical]').dataset.value,
      };
    },
    shoot: (page, path) => page.screenshot({ path, fullPage: true }),
  },
  timeline: {
    query: 'generate=2000&mode=parallel&threads=2&runs=3&timeline=1&autorun=1',
    figures: () => {
      const section = document.querySelector('[data-testid=timeline]');
      return {
        ...section.dataset,
        caption: document.getElementById('timeline-caption').textContent,
        rows: [...document.querySelectorAll('[data-testid=timeline-thread]')].map((tr) => ({ ...tr.dataset })),
      };
    },
    shoot: (page, path) => page.locator('#timeline-section').screenshot({ path }),
  },
};

const wanted = process.argv.slice(2);
for (const name of wanted) if (!PICTURES[name]) throw new Error(`unknown picture ${name}: ${Object.keys(PICTURES).join(' or ')}`);
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const name of wanted.length ? wanted : Object.keys(PICTURES)) {
    const picture = PICTURES[name];
    const { page, context, assertClean } = await openPage(browser, `${server.url}?${picture.query}`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 600_000 });
    if (await page.evaluate(() => document.body.dataset.state) !== 'done') throw new Error(`${name}: the run did not finish`);
    const figures = await page.evaluate(picture.figures);
    assertClean();
    await picture.shoot(page, join(ROOT, 'docs', `screenshot-${name}.png`));
    console.log(JSON.stringify({ picture: name, ...figures, cpu: cpus()[0]?.model, cores: cpus().length, browser: browser.version() }));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
