// The look: every control has a label, the page works from the keyboard, and at a phone
// width nothing spills sideways. Screenshots land in test-results/.
import assert from 'node:assert/strict';
import {
  test,
  actAndWait, browser, openPage, screenshotPath, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser();

/** Form controls without an accessible label, as short descriptions. */
function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, button, progress, textarea')]
    .filter((el) => {
      if (el.type === 'radio') return !el.closest('label');
      if (el.tagName === 'BUTTON') return !el.textContent.trim() && !el.getAttribute('aria-label');
      return !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
    })
    .map((el) => el.outerHTML.slice(0, 80)));
}

test('every control is labelled and the page runs from the keyboard', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1&iterations=200`);
  await waitForState(page, 'ready');
  assert.deepEqual(await unlabelled(page), []);
  // Keyboard only: pick a product with the arrows, choose a mode, press Enter in a field.
  await page.focus('[data-testid=product-search]');
  await page.keyboard.type('mascara');
  await page.waitForFunction(() => document.getElementById('product-options').dataset.query === 'mascara');
  await page.keyboard.press('ArrowDown');
  const active = await page.evaluate(() => document.getElementById(
    document.getElementById('product-search').getAttribute('aria-activedescendant')).dataset.id);
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('[data-testid=product]').dataset.id === id, active);
  // Escape abandons a search: the field shows the product still selected, not the text typed.
  const chosenName = await page.locator('[data-testid=product-search]').inputValue();
  await page.keyboard.type(' brush');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=product-search]').inputValue(), chosenName);
  assert.equal(await page.locator('[data-testid=product]').getAttribute('data-id'), active);
  await page.focus('input[name=mode][value=compare]');
  await page.keyboard.press('ArrowLeft'); // radios move with the arrows: Server,
  await page.keyboard.press('ArrowLeft'); // Workers,
  await page.keyboard.press('ArrowLeft'); // then JavaScript
  assert.equal(await page.locator('input[name=mode]:checked').getAttribute('value'), 'js');
  await page.focus('[data-testid=top]');
  await actAndWait(page, () => page.keyboard.press('Enter')); // submits the form: Run
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);
  assert.match(await page.locator('#ranking-note').textContent(), new RegExp(active));
  assertClean();
  await context.close();
});

test('at a phone width nothing spills sideways', async () => {
  const { page, context, assertClean } = await openPage(browser,
    `${server.url}?generate=2000&mode=compare&runs=2&autorun=1`, { viewport: { width: 390, height: 844 } });
  await waitForState(page, 'done', 120_000);
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: innerWidth }));
  assert.ok(widths.page <= widths.view, `page is ${widths.page} px wide in a ${widths.view} px viewport`);
  // The ranked table fits without its own scroll bar too.
  const table = await page.$eval('.ranking', (t) => ({ table: t.scrollWidth, wrap: t.parentElement.clientWidth }));
  assert.ok(table.table <= table.wrap, `the ranking is ${table.table} px in ${table.wrap} px`);
  await page.screenshot({ path: screenshotPath('phone-compare'), fullPage: true });
  assertClean();
  await context.close();
});
