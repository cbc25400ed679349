// The first five minutes on the page: each ratio card's verdict in words with the spread it
// rests on; results that never outlive their catalog; Run reachable without scrolling and
// the answer brought into view; every chart bar its own colour; tables that fit a phone;
// and no accessibility violations (axe-core) after a Compare.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  actAndWait, browser, chooseMode, ENGINE, openPage, REPO, run, screenshotPath, server, test, useServerAndBrowser, waitForState,
} from './harness.mjs';

// Every engine tier, WebKit with SharedArrayBuffer included: these are what anyone meets
// first, whatever the build the page runs.
useServerAndBrowser({ engines: ['chromium', 'firefox', 'webkit', 'webkit-sab'] });

const THREADED = { engines: ['chromium', 'firefox', 'webkit-sab'], why: 'needs the rayon pool (WebKitGTK as shipped has no SharedArrayBuffer)' };
const VERDICTS = ['faster', 'slower', 'no-clear-difference', 'too-small'];
const WORDS = {
  faster: / is [0-9.]+× faster than /,
  slower: / is slower than /,
  'no-clear-difference': /^No clear difference/,
  'too-small': /^Too small to measure: the runs take [0-9.]+ ms at most, under 25 ms\. Try /,
};
// Each ratio card: the two modes whose medians it divides.
const CARDS = {
  speedup: ['serial', 'parallel'],
  'wasm-vs-js': ['js', 'serial'],
  'pool-vs-workers': ['workers', 'parallel'],
  'server-vs-parallel': ['parallel', 'server'],
};

/** Every ratio card's figures, and the medians of the two modes it divides. */
function readCards(page) {
  return page.evaluate((cards) => Object.entries(cards).map(([id, [slow, fast]]) => {
    const card = document.getElementById(id);
    const median = (mode) => Number(document.querySelector(`[data-testid=time-${mode}]`).dataset.medianMs ?? NaN);
    return {
      id,
      value: card.dataset.value ?? null,
      verdict: card.dataset.verdict ?? null,
      low: Number(card.dataset.low),
      high: Number(card.dataset.high),
      words: card.querySelector('.card-verdict').textContent,
      longest: Math.max(median(slow), median(fast)),
    };
  }), CARDS);
}

test('every ratio card states its verdict in words, from the spread of its runs', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=3&threads=2`);
  await waitForState(page, 'ready');
  await run(page, 120_000);
  const cards = await readCards(page);
  const judged = cards.filter((c) => c.value !== null);
  // Serial, JS and Workers run in every engine: at least wasm vs JS has a verdict.
  assert.ok(judged.some((c) => c.id === 'wasm-vs-js'), JSON.stringify(cards));
  for (const card of cards) {
    if (card.value === null) {
      assert.equal(card.verdict, null, `${card.id}: no ratio, no verdict`);
      assert.equal(card.words, '', `${card.id}: no ratio, no words`);
      continue;
    }
    assert.ok(VERDICTS.includes(card.verdict), `${card.id}: ${card.verdict}`);
    assert.match(card.words, WORDS[card.verdict], `${card.id}: ${card.words}`);
    // The verdict follows from the figures the card carries.
    const expected = card.longest < 25 ? 'too-small'
      : card.low > 1 ? 'faster' : card.high < 1 ? 'slower' : 'no-clear-difference';
    assert.equal(card.verdict, expected, `${card.id}: ${JSON.stringify(card)}`);
    assert.ok(card.low <= card.high, `${card.id}: the spread ${card.low}..${card.high}`);
  }
  // The 40-product default is too small for the pool to show (or, on a machine slow
  // enough to take 25 ms, its runs went both ways): never a verdict in either direction.
  const speedup = cards.find((c) => c.id === 'speedup');
  if (speedup.value !== null) {
    assert.ok(['too-small', 'no-clear-difference'].includes(speedup.verdict) || speedup.longest >= 25,
      `the default catalog: ${JSON.stringify(speedup)}`);
  }
  assertClean();
  await context.close();
});

test('a clearly parallel workload reads "faster" (2,000 products × 15,000 iterations)', { ...THREADED, perf: true }, async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=2000&iterations=15000&mode=compare&threads=2&runs=3`);
  await waitForState(page, 'ready', 120_000);
  await run(page, 600_000);
  const speedup = (await readCards(page)).find((c) => c.id === 'speedup');
  assert.equal(speedup.verdict, 'faster', JSON.stringify(speedup));
  assert.match(speedup.words, /^The pool is [0-9.]+× faster than one thread \(run by run /);
  assertClean();
  await context.close();
});

test('pool vs workers is filled whenever both were timed on this catalog and these settings, and says how', THREADED, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?generate=2000&mode=parallel&threads=2&runs=3&iterations=200`);
  await waitForState(page, 'ready', 120_000);
  await run(page, 120_000);
  const card = page.locator('[data-testid=pool-vs-workers]');
  assert.equal(await card.getAttribute('data-value'), null, 'the pool alone: nothing to compare');
  await chooseMode(page, 'workers');
  await run(page, 120_000);
  assert.notEqual(await card.getAttribute('data-value'), null, 'the workers now, the pool before: the card is filled');
  assert.equal(await card.getAttribute('data-source'), 'separate-runs');
  assert.match(await card.locator('.card-note').textContent(), /not interleaved/);
  assert.ok(VERDICTS.includes(await card.getAttribute('data-verdict')));
  // Other settings: the pool's earlier runs no longer pair with these.
  await page.fill('[data-testid=iterations]', '250');
  await run(page, 120_000);
  assert.equal(await card.getAttribute('data-value'), null, 'other iterations: no pairing');
  assertClean();
  await context.close();
});

test('a new catalog clears the previous one\'s results: timings, cards, charts and ranking', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=1&iterations=100`);
  await waitForState(page, 'ready');
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  assert.notEqual(await page.locator('[data-testid=wasm-vs-js]').getAttribute('data-value'), null);
  assert.equal(await page.locator('#bars-figure').isVisible(), true);

  await actAndWait(page, () => page.click('button.preset[data-n="30"]'), 'ready');
  assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '30');
  assert.equal(await page.locator('[data-testid=result-row]').count(), 0, 'the old ranking is gone');
  assert.equal(await page.locator('#results').getAttribute('data-cleared'), 'true');
  assert.match(await page.locator('#results').textContent(), /30 generated products is loaded: press Run/);
  for (const id of Object.keys(CARDS)) {
    assert.equal(await page.locator(`[data-testid=${id}]`).getAttribute('data-value'), null, `${id} cleared`);
    assert.equal(await page.locator(`[data-testid=${id}]`).getAttribute('data-verdict'), null, `${id}'s verdict cleared`);
  }
  for (const mode of ['serial', 'parallel', 'js', 'workers']) {
    assert.equal(await page.locator(`[data-testid=time-${mode}]`).getAttribute('data-median-ms'), null, `${mode}'s timing cleared`);
  }
  assert.equal(await page.locator('#bars-figure').isVisible(), false, 'the chart of the old runs is hidden');
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), null);

  // And the next run is the new catalog's.
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  assert.equal(await page.locator('#results').getAttribute('data-cleared'), null);
  assert.match(await page.locator('#ranking-note').textContent(), /of 29 candidates/);
  assertClean();
  await context.close();
});

test('Run is reachable without scrolling at 1366×900, and the answer is brought into view', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=1&iterations=100`,
    { viewport: { width: 1366, height: 900 } });
  await waitForState(page, 'ready');
  const box = () => page.evaluate((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return {
      top: r.top, bottom: r.bottom, inner: window.innerHeight, scrollY: window.scrollY,
    };
  }, 'run');
  const at = await box();
  assert.equal(at.scrollY, 0);
  assert.ok(at.top >= 0 && at.bottom <= at.inner, `Run at ${at.top}..${at.bottom} of a ${at.inner} px window`);
  await page.screenshot({ path: screenshotPath('first-minutes-run-in-view') });

  // Scrolled to the bottom of the settings and back: Run stays in view all the way.
  await page.evaluate(() => window.scrollTo(0, document.getElementById('controls').getBoundingClientRect().bottom / 2));
  const middle = await box();
  assert.ok(middle.top >= 0 && middle.bottom <= middle.inner, `Run in view mid-scroll: ${JSON.stringify(middle)}`);
  await page.evaluate(() => window.scrollTo(0, 0));

  await run(page);
  const answer = await page.evaluate(() => {
    const r = document.getElementById('answer').getBoundingClientRect();
    return { top: r.top, inner: window.innerHeight, focused: document.activeElement?.id ?? null };
  });
  assert.ok(answer.top >= 0 && answer.top < answer.inner, `the answer in view after the run: ${JSON.stringify(answer)}`);
  assert.notEqual(answer.focused, 'answer', 'focus is never moved to the answer');
  assertClean();
  await context.close();
});

test('on a phone the answer is scrolled into view after Run, and every table fits or scrolls in its box', { engines: ['chromium'], why: 'only Playwright sets an exact 390 px viewport' }, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=workers&threads=2&runs=1&iterations=100`,
    { viewport: { width: 390, height: 844 } });
  await waitForState(page, 'ready');
  await run(page);
  const answer = await page.evaluate(() => document.getElementById('answer').getBoundingClientRect().top);
  assert.ok(answer >= 0 && answer < 844, `the answer's top at ${answer}`);
  const overflow = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - window.innerWidth,
    tables: [...document.querySelectorAll('.table-wrap')].filter((w) => w.offsetParent !== null).map((wrap) => {
      const style = getComputedStyle(wrap);
      const parent = wrap.parentElement.getBoundingClientRect();
      const box = wrap.getBoundingClientRect();
      return {
        table: wrap.querySelector('table').className,
        scrolls: style.overflowX === 'auto' || style.overflowX === 'scroll',
        inside: box.left >= parent.left - 0.5 && box.right <= parent.right + 0.5,
        fits: wrap.scrollWidth <= wrap.clientWidth,
      };
    }),
  }));
  assert.ok(overflow.page <= 0, `the page is ${overflow.page} px wider than the phone`);
  assert.ok(overflow.tables.some((t) => t.table === 'workers-table'), JSON.stringify(overflow.tables));
  for (const t of overflow.tables) {
    assert.ok(t.inside && (t.fits || t.scrolls), `${t.table}: ${JSON.stringify(t)}`);
  }
  await page.screenshot({ path: screenshotPath('first-minutes-phone'), fullPage: true });
  assertClean();
  await context.close();
});

test('every chart bar has its own fill, and the minimum marks show (light and, in Chromium, dark)', async () => {
  // Only Playwright emulates the dark scheme; the other engines check the light one.
  for (const colorScheme of ENGINE.playwright ? ['light', 'dark'] : ['light']) {
    const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=1&iterations=100&threads=2`);
    if (ENGINE.playwright) await page.emulateMedia({ colorScheme });
    await waitForState(page, 'ready');
    await run(page);
    const bars = await page.evaluate(() => [...document.querySelectorAll('#bars rect.bar')].map((rect) => ({
      mode: [...rect.classList].find((c) => c.startsWith('bar-')),
      fill: getComputedStyle(rect).fill,
    })));
    const marks = await page.evaluate(() => [...document.querySelectorAll('#bars line.bar-min, #bars line.bar-min-halo')]
      .map((line) => ({ cls: line.getAttribute('class'), stroke: getComputedStyle(line).stroke })));
    const background = await page.evaluate(() => getComputedStyle(document.querySelector('.results')).backgroundColor);
    // Serial, JavaScript and Workers run everywhere; Parallel where there is a pool.
    assert.ok(bars.length >= 3, `${colorScheme}: ${JSON.stringify(bars)}`);
    for (const bar of bars) {
      assert.ok(bar.fill !== 'rgb(0, 0, 0)' && bar.fill !== 'none', `${colorScheme}: ${bar.mode} has the default fill ${bar.fill}`);
    }
    assert.equal(new Set(bars.map((b) => b.fill)).size, bars.length, `${colorScheme}: one colour per mode: ${JSON.stringify(bars)}`);
    // The mark is a light line on a dark halo (or the reverse in dark mode): the two differ,
    // so one of them contrasts with any bar and with the background.
    const halo = marks.find((m) => m.cls === 'bar-min-halo');
    const mark = marks.find((m) => m.cls === 'bar-min');
    assert.ok(halo && mark && halo.stroke !== mark.stroke, `${colorScheme}: ${JSON.stringify(marks)}`);
    assert.equal(mark.stroke, background, `${colorScheme}: the mark is the panel's colour, the halo the text's`);
    assertClean();
    await context.close();
  }
});

test('no accessibility violations (axe-core) after a Compare run', { engines: ['chromium'], why: 'axe-core is run through Playwright' }, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=1&iterations=100&threads=2&timeline=1`);
  await waitForState(page, 'ready');
  await run(page, 120_000);
  // Evaluated as a script by the driver, which the page's CSP does not govern.
  await page.evaluate(readFileSync(join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  assertClean();
  await context.close();
});
