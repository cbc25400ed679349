// State lives in the URL: a link with every parameter reproduces the page and its run;
// the controls and the URL stay in sync; an invalid parameter gets a visible message
// naming it and its valid range, and its default is used; invalid typed input gets a
// message, never a silent change.
import assert from 'node:assert/strict';
import { closeSync, cpSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  test,
  actAndWait, browser, chooseMode, openPage, REPO, resultRows, run, server, startServer, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser();

/** Tests whose links set `threads` and check the pool's size. */
const POOL = {
  engines: ['chromium', 'firefox', 'webkit-sab'],
  why: 'its links set threads and check the pool\'s size; WebKit as shipped has no pool (its autorun link is checked in isolation.test.mjs)',
};

const params = (page) => Object.fromEntries(new URL(page.url()).searchParams);

async function controls(page) {
  return page.evaluate(() => ({
    mode: document.querySelector('input[name=mode]:checked')?.value,
    threads: document.getElementById('threads').value,
    iterations: document.getElementById('iterations').value,
    runs: document.getElementById('runs').value,
    top: document.getElementById('top').value,
    product: document.querySelector('[data-testid=product]').dataset.id,
    productName: document.getElementById('product-search').value,
  }));
}

/** The notices shown for invalid parameters, as { param: text }. */
function notices(page) {
  return page.$$eval('[data-testid=notices] li', (items) =>
    Object.fromEntries(items.map((li) => [li.dataset.param, li.textContent])));
}

test('a URL with every parameter reproduces the state and the run', POOL, async () => {
  // Find a product that is not the first: the 3rd recommendation of a quick run.
  let target;
  let targetName;
  {
    const { page, context, assertClean } = await openPage(browser,
      `${server.url}?generate=300&mode=serial&runs=1&iterations=50&autorun=1`);
    await waitForState(page, 'done');
    target = (await resultRows(page))[2].id;
    targetName = await page.locator('[data-testid=result-row]').nth(2).locator('td.name > span').first().textContent();
    assertClean();
    await context.close();
  }

  const query = `?generate=300&product=${encodeURIComponent(target)}&mode=compare&threads=1&iterations=200&runs=3&top=7&autorun=1`;
  const { page, context, assertClean } = await openPage(browser, `${server.url}${query}`);
  await waitForState(page, 'done', 120_000);
  assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '300');
  assert.deepEqual(await controls(page), {
    mode: 'compare', threads: '1', iterations: '200', runs: '3', top: '7', product: target, productName: targetName,
  });
  assert.equal(await page.locator('[data-testid=env]').getAttribute('data-threads'), '1', 'the pool has 1 thread');
  // The run happened with those settings: 7 rows, 3 timed runs per mode, all three modes.
  assert.equal(await page.locator('[data-testid=result-row]').count(), 7);
  for (const mode of ['serial', 'parallel', 'js']) {
    assert.equal((await page.locator(`[data-testid=time-${mode}] .raw-runs`).textContent()).split(',').length, 3);
  }
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assert.match(await page.locator('#ranking-note').textContent(), new RegExp(`\\(${target}`), 'ranked for the linked product');
  assert.match(await page.locator('#timings-note').textContent(), /200|3 timed runs/);
  // The URL still says all of it (autorun is dropped so a reload does not rerun by itself).
  assert.deepEqual(params(page), {
    generate: '300', product: target, mode: 'compare', threads: '1', iterations: '200', runs: '3', top: '7',
  });
  // ...and the share link adds autorun.
  const share = new URL(await page.locator('#share-link').getAttribute('href'), server.url);
  assert.equal(share.searchParams.get('autorun'), '1');
  assert.equal(share.searchParams.get('product'), target);
  assert.equal(await page.locator('[data-testid=notices]').isVisible(), false, 'no parameter was invalid');
  assertClean();
  await context.close();

  // A catalog URL parameter (an absolute same-origin URL) loads that catalog.
  const catalogUrl = `${server.url}catalog.json`;
  const second = await openPage(browser,
    `${server.url}?catalog=${encodeURIComponent(catalogUrl)}&product=satin-cream-lipstick&mode=js&top=3&runs=1&autorun=1`);
  await waitForState(second.page, 'done');
  assert.equal(await second.page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '40');
  assert.equal((await controls(second.page)).product, 'satin-cream-lipstick');
  assert.equal(await second.page.locator('[data-testid=result-row]').count(), 3);
  assert.notEqual(await second.page.locator('[data-testid=time-js]').getAttribute('data-median-ms'), null);
  assert.equal(params(second.page).catalog, catalogUrl);
  second.assertClean();
  await second.context.close();
});

test('the controls and the URL stay in sync', POOL, async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}`);
  await waitForState(page, 'ready');
  await page.fill('[data-testid=iterations]', '321');
  await page.fill('[data-testid=runs]', '2');
  await page.fill('[data-testid=top]', '4');
  await chooseMode(page, 'js');
  // Keyboard only: type, move down and back up the list, pick with Enter.
  await page.fill('[data-testid=product-search]', 'kettle');
  await page.waitForFunction(() => document.getElementById('product-options').dataset.query === 'kettle');
  const first = await page.locator('[data-testid=product-option]').first().getAttribute('data-id');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('[data-testid=product]').dataset.id === id, first);
  const chosen = await page.locator('[data-testid=product]').getAttribute('data-id');
  assert.match(chosen, /kettle/);
  assert.deepEqual(params(page), {
    product: chosen, mode: 'js', threads: String(await page.evaluate(() => navigator.hardwareConcurrency)),
    iterations: '321', runs: '2', top: '4',
  });
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 4);
  assertClean();
  await context.close();
});

test('invalid URL parameters show messages naming them and their ranges, and defaults are used', POOL, async () => {
  const hwQuery = '?iterations=0&runs=abc&top=5000&threads=99&mode=fast&product=nope&split=diagonal&skew=3&autorun=1';
  const { page, context, assertClean } = await openPage(browser, `${server.url}${hwQuery}`);
  await waitForState(page, 'done');
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  const shown = await notices(page);
  assert.ok(await page.locator('[data-testid=notices]').isVisible());
  assert.match(shown.iterations, /iterations must be a whole number from 1 to 100,000; got 0\./);
  assert.match(shown.iterations, /default, 1,500/);
  assert.match(shown.runs, /runs must be a whole number from 1 to 100; got "abc"/);
  assert.match(shown.top, /top must be a whole number from 1 to 1,000; got 5000/);
  assert.match(shown.threads, new RegExp(`threads must be from 1 to ${hw}.*got 99`));
  assert.match(shown.mode, /mode must be one of serial, parallel, js, workers, server, compare; got "fast"/);
  assert.match(shown.split, /split must be one of interleaved, blocks, balanced; got "diagonal"\. Using interleaved\./);
  assert.match(shown.skew, /skew applies to generated catalogs only/);
  assert.match(shown.product, /product "nope" is not in this catalog; using the first product/);
  // The defaults are in the controls and were used by the (auto)run.
  const state = await controls(page);
  assert.deepEqual({ ...state, productName: undefined }, {
    mode: 'compare', threads: String(hw), iterations: '1500', runs: '5', top: '10',
    product: 'velvet-matte-lipstick', productName: undefined,
  });
  assert.equal(await page.locator('[data-testid=env]').getAttribute('data-threads'), String(hw));
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  // The URL now holds the values in use.
  assert.deepEqual(params(page), {
    product: 'velvet-matte-lipstick', mode: 'compare', threads: String(hw), iterations: '1500', runs: '5', top: '10',
  });
  assertClean();
  await context.close();

  // Every way of being wrong gets a message, never a silent clamp or conversion: each
  // form is in tests/js/params.test.mjs; here two of them reach the page's controls.
  for (const bad of ['1e3', '']) {
    const other = await openPage(browser, `${server.url}?iterations=${encodeURIComponent(bad)}&generate=0`);
    await waitForState(other.page, 'ready');
    const messages = await notices(other.page);
    assert.match(messages.iterations ?? '', /iterations must be a whole number from 1 to 100,000/, `iterations=${bad}`);
    assert.equal(await other.page.locator('[data-testid=iterations]').inputValue(), '1500', `iterations=${bad} uses 1500`);
    assert.match(messages.generate ?? '', /generate must be a whole number from 1 to 1,000,000; got 0.*bundled catalog/);
    assert.equal(await other.page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '40');
    other.assertClean();
    await other.context.close();
  }
});

test('invalid typed input gets a message and is not used', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1`);
  await waitForState(page, 'ready');
  const error = page.locator('#iterations-error');
  for (const bad of ['0', '100001', '-3', '-5', '2.5', '1e9', '1000000000', 'abc']) {
    if (bad === 'abc') {
      // A number field takes no letters from the keyboard (and fill() refuses them): typed, they leave it empty.
      await page.fill('[data-testid=iterations]', '');
      await page.type('[data-testid=iterations]', bad);
    } else {
      await page.fill('[data-testid=iterations]', bad);
    }
    assert.ok(await error.isVisible(), `iterations ${bad} shows a message`);
    assert.match(await error.textContent(), /iterations must be a whole number from 1 to 100,000/);
    assert.equal(await page.locator('[data-testid=iterations]').getAttribute('aria-invalid'), 'true');
    assert.equal(params(page).iterations, '1500', 'the URL keeps the last valid value');
  }
  // Run refuses while the field is invalid: nothing starts, focus goes to the field.
  await page.click('[data-testid=run]');
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'iterations');
  assert.equal(await page.locator('[data-testid=result-row]').count(), 0);
  // Fixed: the message goes, the URL follows, and Run works.
  await page.fill('[data-testid=iterations]', '64');
  assert.equal(await error.isVisible(), false);
  assert.equal(params(page).iterations, '64');
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  // The same for the generator's size.
  await page.fill('[data-testid=generate-n]', '0');
  await page.click('#generate');
  assert.match(await page.locator('#generate-n-error').textContent(), /generate must be a whole number from 1 to 1,000,000/);
  await page.fill('[data-testid=generate-n]', '25');
  await actAndWait(page, () => page.click('#generate'), 'ready');
  assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '25');
  assert.equal(params(page).generate, '25');
  assertClean();
  await context.close();
});

test('threads 0 or 999, runs 0, and a catalog URL that fails each get a message; the page runs', POOL, async () => {
  // Each page carries two bad parameters, each with its own message.
  for (const [query, expected] of [
    ['threads=0&runs=0', {
      threads: /threads must be a whole number from 1 to \d+ \(navigator\.hardwareConcurrency\); got "0"\. Using \d+\./,
      runs: /runs must be a whole number from 1 to 100; got 0\. Using the default, 5\./,
    }],
    ['threads=999&iterations=1000000000', {
      threads: /threads must be from 1 to \d+ \(navigator\.hardwareConcurrency\); got 999\. Using \d+\./,
      iterations: /iterations must be a whole number from 1 to 100,000; got 1000000000\./,
    }],
  ]) {
    const { page, context, assertClean } = await openPage(browser, `${server.url}?${query}&mode=compare&top=3&autorun=1`);
    await waitForState(page, 'done', 120_000);
    const shown = await notices(page);
    for (const [param, message] of Object.entries(expected)) assert.match(shown[param] ?? '', message, query);
    // The run used valid values: the pool has hardwareConcurrency threads, Compare agreed.
    const threads = await page.locator('[data-testid=env]').getAttribute('data-threads');
    assert.equal(threads, String(await page.evaluate(() => navigator.hardwareConcurrency)), query);
    assert.equal(await page.locator('[data-testid=result-row]').count(), 3, query);
    assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true', query);
    assertClean();
    await context.close();
  }

  // A catalog parameter that cannot be fetched, or is not JSON: a message naming it, and
  // the bundled catalog instead.
  for (const [catalog, expected] of [
    ['http://127.0.0.1:9/products.json', /Could not load http:\/\/127\.0\.0\.1:9\/products\.json: could not fetch .*\(is it reachable, and same-origin or CORS-enabled\?\)\. Loaded the bundled catalog instead\./],
    ['index.html', /Could not load index\.html: invalid JSON at line 1, column 1: expected value\. Loaded the bundled catalog instead\./],
    ['nowhere/products.json', /Could not load nowhere\/products\.json: could not fetch .*HTTP 404.*Loaded the bundled catalog instead\./],
  ]) {
    const { page, context, problems } = await openPage(browser, `${server.url}?catalog=${encodeURIComponent(catalog)}&top=3&runs=1&autorun=1`);
    await waitForState(page, 'done');
    assert.match((await notices(page)).catalog ?? '', expected, catalog);
    assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '40');
    assert.equal(await page.locator('[data-testid=result-row]').count(), 3);
    const unexpected = problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED|status of 404/.test(p));
    assert.deepEqual(unexpected, [], catalog);
    await context.close();
  }
});

test('a catalog URL whose Content-Length is over 1 GiB is refused before its body is read', async () => {
  // A copy of dist/ with a sparse file one byte over the limit beside the page, served
  // by a server of its own, so the fetch is same-origin and the size comes from the
  // server's Content-Length header.
  const limit = 1024 * 1024 * 1024;
  const dir = mkdtempSync(join(tmpdir(), 'shop-recs-huge-url-'));
  let own;
  try {
    cpSync(join(REPO, 'dist'), dir, { recursive: true });
    const fd = openSync(join(dir, 'huge-catalog.json'), 'w');
    ftruncateSync(fd, limit + 1);
    closeSync(fd);
    own = await startServer({ dir });
    const { page, context, assertClean } = await openPage(browser, `${own.url}?catalog=huge-catalog.json&top=3&runs=1&autorun=1`);
    await waitForState(page, 'done');
    assert.match((await notices(page)).catalog ?? '',
      /Could not load huge-catalog\.json: http:\/\/127\.0\.0\.1:\d+\/huge-catalog\.json: it is 1\.00 GiB \(1,073,741,825 bytes\); catalogs are limited to 1\.00 GiB \(1,073,741,824 bytes\), so it was not read\. Loaded the bundled catalog instead\./);
    assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '40');
    assert.equal(await page.locator('[data-testid=result-row]').count(), 3);
    // The body was not read: the worker's memory did not grow by the file's size.
    const memory = Number(await page.locator('[data-testid=env]').getAttribute('data-wasm-memory-bytes'));
    assert.ok(memory < limit, `wasm memory ${memory} bytes`);
    assertClean();
    await context.close();
  } finally {
    await own?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
