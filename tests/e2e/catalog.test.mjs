// Catalogs that must work: the real one through the file input, files dropped on the
// page, URLs and the generator up to 200,000 products, one product, and unusual text
// (punctuation or emoji only, very long names, right-to-left and CJK). Bad catalogs are
// in bad-input.test.mjs, hostile strings in hostile.test.mjs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  test,
  actAndWait, browser, chooseMode, chooseProduct, dropFile, openPage, REPO, resultRows, run, screenshotPath, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

const REAL_CATALOG = join(REPO, '..', 'shared', 'catalogs', 'dummyjson-products.json');

useServerAndBrowser();

const count = (page) => page.locator('[data-testid=catalog-count]').getAttribute('data-value');

test('a lipstick gets beauty products: its top 5 in a generated catalog are all beauty', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?generate=2000&top=5&runs=1&mode=compare`);
  await waitForState(page, 'ready');
  const id = await chooseProduct(page, 'lipstick', /Lipstick/);
  await run(page);
  const rows = await resultRows(page);
  assert.equal(rows.length, 5);
  assert.ok(!rows.some((row) => row.id === id));
  assert.deepEqual(rows.map((row) => row.category), Array(5).fill('beauty'), JSON.stringify(rows));
  assertClean();
  await context.close();
});

test('the real catalog through the file input: a lipstick gets beauty products', async (t) => {
  if (!existsSync(REAL_CATALOG)) {
    t.skip(`${REAL_CATALOG} is not present`);
    return;
  }
  const { page, context, assertClean } = await openPage(browser, `${server.url}?top=5&runs=1`);
  await waitForState(page, 'ready');
  await actAndWait(page, () => page.setInputFiles('[data-testid=catalog-file]', REAL_CATALOG), 'ready');
  assert.equal(await count(page), '194');
  assert.match(await page.locator('#catalog-detail').textContent(), /dummyjson-products\.json.*parsed in [0-9.]+ ms/);
  const id = await chooseProduct(page, 'Lipstick', /Lipstick/);
  assert.match(await page.locator('#product-search').inputValue(), /Lipstick/);
  await chooseMode(page, 'compare');
  await run(page);
  const rows = await resultRows(page);
  assert.equal(rows.length, 5);
  assert.ok(!rows.some((row) => row.id === id), 'the target is not among its own recommendations');
  // "All five are beauty" cannot hold here: this catalog has 5 beauty products, the
  // lipstick included, so at most 4 others. What must hold (as in tests/real_catalog.rs):
  // the best match is a beauty product, and beauty products are most of the top 5.
  const beauty = rows.filter((row) => row.category === 'beauty').length;
  assert.equal(rows[0].category, 'beauty', `the best match is beauty: ${JSON.stringify(rows)}`);
  assert.ok(beauty >= 3, `most of the top 5 are beauty, got ${beauty}: ${JSON.stringify(rows)}`);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  // The file cannot be linked to, so the URL carries no catalog parameter.
  assert.equal(new URL(page.url()).searchParams.get('catalog'), null);
  assertClean();
  await context.close();
});

test('a dropped catalog, a URL and the generator all load', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1&iterations=100`);
  await waitForState(page, 'ready');

  // One product: not an error, there is just nothing to compare it with.
  await actAndWait(page, () => dropFile(page, {
    name: 'one.json', text: JSON.stringify({ products: [{ slug: 'only', name: 'The only one', description: 'alone' }] }),
  }), 'ready');
  assert.equal(await count(page), '1');
  assert.equal(await page.locator('[data-testid=product]').getAttribute('data-id'), 'only');
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 0);
  assert.match(await page.locator('#results').textContent(), /no other products to compare with/);

  // (Catalog strings are text, never HTML: hostile.test.mjs.)

  // A same-origin URL.
  await page.fill('[data-testid=catalog-url]', `${server.url}catalog.json`);
  await actAndWait(page, () => page.click('#load-url'), 'ready');
  assert.equal(await count(page), '40');

  // The presets and any N.
  await actAndWait(page, () => page.click('.preset[data-n="30"]'), 'ready');
  assert.equal(await count(page), '30');
  assert.equal(new URL(page.url()).searchParams.get('generate'), '30');
  await page.fill('[data-testid=generate-n]', '1234');
  await actAndWait(page, () => page.press('[data-testid=generate-n]', 'Enter'), 'ready');
  assert.equal(await count(page), '1234');
  await run(page);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);

  // A 200,000-product catalog: the chooser searches it without a giant list.
  await actAndWait(page, () => page.click('.preset[data-n="200000"]'), 'ready', 120_000);
  assert.equal(await count(page), '200000');
  await page.fill('[data-testid=product-search]', 'lipstick');
  await page.waitForFunction(() => document.getElementById('product-options').dataset.query === 'lipstick');
  assert.ok(await page.locator('[data-testid=product-option]').count() <= 20, 'at most 20 options');
  assert.match(await page.locator('#product-status').textContent(), /matches; showing the first 20/);
  assert.equal(await page.locator('[data-testid=threads] option').count(), await page.evaluate(() => navigator.hardwareConcurrency),
    'the thread count offers 1..hardwareConcurrency');
  assert.equal(await page.locator('select option').count(), await page.evaluate(() => navigator.hardwareConcurrency) + 3,
    'the only other select is the Workers\' split (3 options): nothing lists the products');
  // An exact identifier comes first.
  await page.fill('[data-testid=product-search]', 'beauty');
  await page.waitForFunction(() => document.getElementById('product-options').dataset.query === 'beauty');
  const someId = await page.locator('[data-testid=product-option]').nth(5).getAttribute('data-id');
  await chooseProduct(page, someId);
  assert.equal(await page.locator('[data-testid=product]').getAttribute('data-id'), someId);
  // And all three modes score all of it (1 iteration keeps this quick), identically.
  await page.fill('[data-testid=iterations]', '1');
  await chooseMode(page, 'compare');
  await run(page, 120_000);
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assert.match(await page.locator('#ranking-note').textContent(), /of 199,999 candidates/);
  assertClean();
  await context.close();
});

test('unusual text works: punctuation or emoji only, very long names, right-to-left and CJK', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1&iterations=200&mode=compare&top=20`);
  await waitForState(page, 'ready');
  const longName = `${'Extraordinarily long product name '.repeat(1800)}end`; // ~61 KiB, under the 64 KiB limit
  const products = [
    { slug: 'punctuation', name: '!!!', description: '!!! ... ??? --- *** ;;; (((( ))))', category: '...' },
    { slug: 'emoji', name: '💄✨', description: '💄💄✨🎉🔥 🙂🙃', tags: ['🎉'], category: '🎉' },
    { slug: 'long-name', name: longName, description: 'a lipstick with a long name', category: 'beauty' },
    { slug: 'arabic', name: 'أحمر شفاه مطفي', description: 'أحمر شفاه مطفي يدوم طويلا', category: 'تجميل' },
    { slug: 'hebrew', name: 'שפתון אדום', description: 'שפתון אדום מט', category: 'יופי' },
    { slug: 'matcha', name: '抹茶 緑茶 セット', description: '静岡県産の 抹茶 と 緑茶 の セット', tags: ['お茶'], category: '食品' },
    { slug: 'sencha', name: '緑茶 ティーバッグ', description: '静岡県産の 緑茶 ティーバッグ', tags: ['お茶'], category: '食品' },
    { slug: 'kimchi', name: '김치 세트', description: '맛있는 김치 세트', category: '식품' },
    { slug: 'mixed', name: 'Lipstick 口紅 أحمر', description: 'lipstick 口紅 أحمر شفاه', category: 'beauty' },
  ];
  await actAndWait(page, () => dropFile(page, { name: 'unusual.json', text: JSON.stringify({ products }) }), 'ready');
  assert.equal(await count(page), String(products.length));

  // The CJK product is found by a CJK search, and its nearest neighbour is the other tea.
  await chooseProduct(page, '抹茶', /抹茶/);
  assert.equal(await page.locator('[data-testid=product]').getAttribute('data-id'), 'matcha');
  await run(page);
  let rows = await resultRows(page);
  assert.equal(rows.length, products.length - 1);
  assert.equal(rows[0].id, 'sencha', JSON.stringify(rows));
  assert.ok(rows.every((row) => Number.isFinite(Number(row.score))), 'every score is a number');
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  // Names are shown as they are; right-to-left ones keep their direction.
  const names = await page.$$eval('[data-testid=result-row] td.name > span:first-child', (spans) =>
    Object.fromEntries(spans.map((span) => [span.closest('tr').dataset.id, { text: span.textContent, dir: span.dir }])));
  assert.deepEqual(names.arabic, { text: 'أحمر شفاه مطفي', dir: 'auto' });
  assert.equal(names['long-name'].text, longName);
  assert.equal(names.emoji.text, '💄✨');
  await page.screenshot({ path: screenshotPath('unusual-text'), fullPage: true });

  // Descriptions without a single word, as the target: scored like any other, no error.
  for (const [query, id] of [['punctuation', 'punctuation'], ['💄', 'emoji'], ['شفاه مطفي', 'arabic']]) {
    await chooseProduct(page, query);
    assert.equal(await page.locator('[data-testid=product]').getAttribute('data-id'), id);
    await run(page);
    rows = await resultRows(page);
    assert.equal(rows.length, products.length - 1, id);
    assert.ok(rows.every((row) => Number.isFinite(Number(row.score)) && Number(row.score) >= 0), id);
    assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true', id);
  }
  // The very long name does not widen the page beyond the window.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
  assertClean();
  await context.close();
});
