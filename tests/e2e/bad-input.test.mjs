// Bad catalogs: each is rejected with a message that names the problem and where it is
// (the file, and a line and column, a product or a JSON path), the catalog loaded before
// stays loaded, and the next valid request works without a reload. A file over the
// 1 GiB limit is refused before anything reads it.
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import {
  test,
  actAndWait, browser, dropFile, openPage, run, screenshotPath, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

/** The core's MAX_CATALOG_BYTES (src/catalog/mod.rs) and the page's limit. */
const MAX_CATALOG_BYTES = 1024 * 1024 * 1024;

useServerAndBrowser();
let scratch;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'shop-recs-bad-input-'));
});
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const count = (page) => page.locator('[data-testid=catalog-count]').getAttribute('data-value');
const errorText = (page) => page.locator('[data-testid=error]').textContent();

/** Chooses a file made of `content` (a string or bytes) in the file input. */
function chooseFile(page, name, content) {
  return page.setInputFiles('[data-testid=catalog-file]', {
    name, mimeType: 'application/json', buffer: Buffer.from(content),
  });
}

const product = (slug, description = `about ${slug}`) => ({ slug, name: `Name ${slug}`, description });

// [file name, content, what the message must say after "Could not load <file>: "]
const REJECTED = [
  ['prose.json', 'This is a product list, honest.', /invalid JSON at line 1, column 1: expected value/],
  ['truncated.json', '{"products": [\n  {"slug": "a", "description": "x"},\n  {"slug": "b", "descr',
    /invalid JSON at line 3, column 22: EOF while parsing a string/],
  ['photo.json', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]),
    /not UTF-8 text: byte 0 is not part of a UTF-8 character \(a catalog is JSON text; is this a binary file\?\)/],
  ['latin1.json', Buffer.concat([Buffer.from('[{"slug": "caf'), Buffer.from([0xe9]), Buffer.from('", "description": "x"}]')]),
    /not UTF-8 text: byte 14 /],
  ['string.json', '"just a string"', /expected an array of products or an object with a "products" array, found a string/],
  ['items.json', JSON.stringify({ items: [product('a')] }),
    /found an object without a "products" array/],
  ['number-products.json', JSON.stringify({ products: 5 }), /found an object whose "products" is a number/],
  ['no-description.json', JSON.stringify([product('a'), { slug: 'b', name: 'B' }]),
    /^Could not load no-description\.json: product 2 \(id "b", "B"\) has no "description" \(a string is required\)$/],
  ['no-identifier.json', JSON.stringify({ products: [product('a'), product('b'), { name: 'C', description: 'c' }] }),
    /product 3 \("C"\) has no identifier: give it a non-empty "slug" or an "id"/],
  ['tags-number.json', JSON.stringify({ products: [product('a'), { ...product('b'), tags: 5 }] }),
    /product 2 \(id "b", "Name b"\): "tags" must be an array of strings or one comma-separated string, found a number/],
  ['price-text.json', JSON.stringify([{ ...product('a'), price: 'cheap' }]),
    /product 1 \(id "a", "Name a"\): "price" must be a number, found a string \(write the number without quotes/],
  ['dupes.json', JSON.stringify([product('a'), product('b'), product('a')]),
    /product 3 \(id "a", "Name a"\) repeats the identifier of product 1: identifiers must be unique/],
  // Several problems at once: the first ten, each with its product, then how many more.
  ['twelve-problems.json', JSON.stringify(Array.from({ length: 12 }, (_, i) => ({ id: 100 + i, name: `P${i}` }))),
    /^Could not load twelve-problems\.json: 12 problems in the catalog's products: product 1 \(id "100", "P0"\) has no "description" .*; product 10 \(id "109", "P9"\) has no "description" \(a string is required\); and 2 more$/],
  ['empty-array.json', '[]', /the catalog has no products/],
  ['empty-products.json', '{"products": []}', /the catalog has no products/],
  ['long-description.json', JSON.stringify([product('a'), product('b', 'word '.repeat(14_000))]),
    /product 2 \(id "b", "Name b"\): its description is 70,?000 bytes; the limit is 65,?536 bytes/],
];

test('every kind of bad catalog is rejected with its location; the loaded catalog stays and works', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1&iterations=100&mode=serial`);
  await waitForState(page, 'ready');
  await run(page);
  const before = await page.locator('[data-testid=result-row]').count();
  assert.equal(before, 10);

  for (const [name, content, expected] of REJECTED) {
    await actAndWait(page, () => chooseFile(page, name, content), 'error');
    const message = await errorText(page);
    assert.ok(await page.locator('[data-testid=error]').isVisible(), `${name}: the error is shown`);
    assert.ok(message.startsWith(`Could not load ${name}: `), `${name}: the message names the file: ${message}`);
    assert.match(message, expected, name);
    assert.equal(await count(page), '40', `${name}: the bundled catalog is still loaded`);
    assert.equal(await page.isEnabled('[data-testid=run]'), true, `${name}: Run is still available`);
    if (name === 'no-description.json') await page.screenshot({ path: screenshotPath('bad-input-error'), fullPage: true });
  }
  // Still the same catalog and the same results, without a reload.
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), before);
  assert.equal(await page.locator('[data-testid=error]').isVisible(), false, 'a good run clears the error');

  // The next valid file loads and runs.
  await actAndWait(page, () => chooseFile(page, 'good.json', JSON.stringify([product('a'), product('b'), { ...product('c'), tags: 'red, matte' }])), 'ready');
  assert.equal(await count(page), '3');
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 2);
  assertClean();
  await context.close();
});

test('a catalog over 1 GiB is refused before it is read, from the file input and from a drop', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1&iterations=100&mode=serial`);
  // Every message the page posts to a worker, to prove the file never reached one.
  await page.evaluate(() => {
    window.__posted = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, ...rest) {
      window.__posted.push(message?.type ?? null);
      return post.call(this, message, ...rest);
    };
  });
  await waitForState(page, 'ready');
  await page.evaluate(() => { window.__posted = []; });

  // A real 1.01 GiB file on disk, sparse, so it costs no disk space. Nothing should read it.
  const path = join(scratch, 'huge-catalog.json');
  const fd = openSync(path, 'w');
  ftruncateSync(fd, 1034 * 1024 * 1024);
  closeSync(fd);
  const started = Date.now();
  await actAndWait(page, () => page.setInputFiles('[data-testid=catalog-file]', path), 'error');
  const elapsed = Date.now() - started;
  assert.match(await errorText(page),
    /huge-catalog\.json is 1\.01 GiB \(1,084,227,584 bytes\); catalogs are limited to 1\.00 GiB \(1,073,741,824 bytes\), so it was not read\. The previous catalog is still loaded\./);
  assert.deepEqual(await page.evaluate(() => window.__posted.filter((type) => type === 'load-catalog')), [],
    'no load request reached the worker');
  assert.equal(await count(page), '40');
  await page.screenshot({ path: screenshotPath('bad-input-too-large'), fullPage: true });
  console.log(`1.01 GiB file refused in ${elapsed} ms (Playwright round trips included)`);

  // One byte over the limit, dropped on the page.
  await actAndWait(page, () => dropFile(page, { name: 'huge.json', size: MAX_CATALOG_BYTES + 1 }), 'error');
  assert.match(await errorText(page), /huge\.json is 1\.00 GiB \(1,073,741,825 bytes\); catalogs are limited to 1\.00 GiB/);
  assert.equal(await page.evaluate(() => window.__posted.filter((type) => type === 'load-catalog').length), 0);
  assert.equal(await count(page), '40');
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  assertClean();
  await context.close();
});

test('bad catalog URLs: not found, unreachable, not JSON; the page carries on', async () => {
  const { page, context, problems } = await openPage(browser, `${server.url}?runs=1&iterations=100&mode=serial`);
  await waitForState(page, 'ready');
  const cases = [
    [`${server.url}missing.json`, /could not fetch .*missing\.json: HTTP 404/],
    // Nothing listens on port 9: the fetch itself fails.
    // The middle part is the browser's own words: "Failed to fetch" (Chromium), "NetworkError
    // when attempting to fetch resource." (Firefox), "Load failed" (WebKit).
    ['http://127.0.0.1:9/catalog.json', /could not fetch http:\/\/127\.0\.0\.1:9\/catalog\.json: \S.* \(is it reachable, and same-origin or CORS-enabled\?\)/],
    [`${server.url}index.html`, /index\.html: invalid JSON at line 1, column 1: expected value/],
    [`${server.url}js/main.js`, /main\.js: invalid JSON at line 1, column 1/],
  ];
  for (const [url, expected] of cases) {
    await page.fill('[data-testid=catalog-url]', url);
    await actAndWait(page, () => page.click('#load-url'), 'error');
    assert.match(await errorText(page), expected, url);
    assert.equal(await count(page), '40', `${url}: the bundled catalog is still loaded`);
  }
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  // The failed fetches are logged by the browser; nothing else may be.
  const unexpected = problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED|status of 404/.test(p));
  assert.deepEqual(unexpected, []);
  await context.close();
});
