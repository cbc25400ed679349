// The pool at work: an instrumented parallel run after the timed runs shows which pool
// thread scored each candidate, in each branch of rayon::join, and when.
import assert from 'node:assert/strict';
import {
  test,
  browser, chooseMode, openPage, resultRows, run, screenshotPath, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser();

const THREADED = { engines: ['chromium', 'firefox', 'webkit-sab'], why: 'needs the rayon pool (WebKitGTK as shipped has no SharedArrayBuffer: the last test covers it)' };

/** The timeline's figures and its per-thread rows, as the page's data attributes carry them. */
async function readTimeline(page) {
  const section = page.locator('[data-testid=timeline]');
  const rows = await page.$$eval('[data-testid=timeline-thread]', (trs) => trs.map((tr) => ({
    thread: Number(tr.dataset.thread),
    text: Number(tr.dataset.candidatesText),
    attribute: Number(tr.dataset.candidatesAttribute),
    busyMs: Number(tr.dataset.busyMs),
  })));
  return {
    visible: await section.isVisible(),
    threads: Number(await section.getAttribute('data-threads')),
    wallMs: Number(await section.getAttribute('data-wall-ms')),
    identical: await section.getAttribute('data-identical'),
    overhead: Number(await section.getAttribute('data-overhead')),
    bars: Number(await section.getAttribute('data-bars')),
    candidates: Number(await section.getAttribute('data-candidates')),
    rows,
  };
}

test('generated 20,000 on 2 threads: every candidate once per branch, on the pool\'s threads, several of them, ranking identical', THREADED, async () => {
  const url = `${server.url}?generate=20000&threads=2&mode=parallel&runs=1&iterations=300&timeline=1&autorun=1`;
  const { page, context, assertClean } = await openPage(browser, url);
  await waitForState(page, 'done', 240_000);
  assert.equal(await page.locator('[data-testid=timeline-toggle]').isChecked(), true, 'timeline=1 ticks the control');

  const timeline = await readTimeline(page);
  assert.equal(timeline.visible, true, 'the timeline is shown after the run');
  assert.equal(timeline.threads, 2);
  assert.equal(timeline.candidates, 19_999);
  assert.ok(timeline.wallMs > 0, `a positive wall time: ${timeline.wallMs}`);
  assert.equal(timeline.identical, 'true', 'the instrumented ranking equals the serial one');
  assert.ok(Number.isFinite(timeline.overhead), `the overhead is measured: ${timeline.overhead}`);
  assert.equal(timeline.rows.length, 2, 'one row per pool thread');
  for (const row of timeline.rows) {
    assert.ok(Number.isInteger(row.thread) && row.thread >= 0 && row.thread < 2, `thread index ${row.thread} inside the pool`);
  }
  const sum = (key) => timeline.rows.reduce((total, row) => total + row[key], 0);
  assert.equal(sum('text'), 19_999, 'the text branch\'s candidates, summed over threads');
  assert.equal(sum('attribute'), 19_999, 'the attribute branch\'s candidates, summed over threads');
  assert.ok(timeline.rows.filter((row) => row.text > 0).length > 1,
    `more than one thread scored text candidates: ${JSON.stringify(timeline.rows)}`);
  assert.ok(sum('busyMs') > 0, 'busy time was recorded');
  // 39,998 spans do not fit a row: they are aggregated, into fewer bars than spans.
  const drawn = await page.locator('#timeline-chart rect.span').count();
  assert.ok(drawn > 2 && drawn === timeline.bars && drawn < 39_998, `aggregated bars: ${drawn}`);
  const caption = await page.locator('#timeline-caption').textContent();
  assert.match(caption, /rayon::join/);
  assert.match(caption, /drawn as one bar/, 'the caption says how spans were aggregated');

  // The ranking shown is the timed run's, and the URL reproduces the timeline.
  assert.equal((await resultRows(page)).length, 10);
  assert.match(new URL(page.url()).search, /timeline=1/);
  await page.screenshot({ path: screenshotPath('timeline-20000'), fullPage: true });
  assertClean();
  await context.close();
});

test('the control turns it on for the bundled catalog: every candidate its own bar, a table row per thread', THREADED, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1&iterations=500`);
  await waitForState(page, 'ready');
  await chooseMode(page, 'serial');
  await run(page);
  assert.equal(await page.locator('[data-testid=timeline]').isVisible(), false, 'no timeline unless asked');

  await page.click('[data-testid=timeline-toggle]');
  assert.match(new URL(page.url()).search, /timeline=1/, 'the URL follows the control');
  await run(page, 120_000);
  const timeline = await readTimeline(page);
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(timeline.threads, hw, 'the pool of the page\'s thread count');
  assert.equal(timeline.rows.length, hw);
  assert.equal(timeline.candidates, 39);
  assert.equal(timeline.identical, 'true');
  // 78 spans fit: each is a bar of its own.
  assert.equal(await page.locator('#timeline-chart rect.single').count(), 78, 'one bar per candidate and branch');
  assert.match(await page.locator('#timeline-caption').textContent(), /Every candidate is its own bar/);

  // Off again: the next run shows none.
  await page.click('[data-testid=timeline-toggle]');
  assert.doesNotMatch(new URL(page.url()).search, /timeline=/);
  await run(page);
  assert.equal(await page.locator('[data-testid=timeline]').isVisible(), false);
  assertClean();
  await context.close();
});

test('on the single-thread build the control is disabled with the reason, and timeline=1 says so', {
  engines: ['webkit'],
  why: 'WebKitGTK as shipped has no SharedArrayBuffer, so the page runs the single-thread build',
}, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?timeline=1&mode=serial&runs=1&iterations=200&autorun=1`);
  await waitForState(page, 'done');
  assert.equal(await page.isDisabled('[data-testid=timeline-toggle]'), true);
  assert.match(await page.locator('#timeline-hint').textContent(), /Needs the rayon pool, which cannot start here: .*SharedArrayBuffer/);
  const notice = page.locator('[data-testid=notices] li[data-param=timeline]');
  assert.match(await notice.textContent(), /no pool here/);
  assert.equal(await page.locator('[data-testid=timeline]').isVisible(), false, 'the run went on without it');
  assert.equal((await resultRows(page)).length, 10);
  assertClean();
  await context.close();
});
