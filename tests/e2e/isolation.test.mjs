// Without cross-origin isolation there is no SharedArrayBuffer and so no rayon pool: the
// page says why, disables what needs the pool, and the rest still works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage, startServer, timings, waitForState } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await startServer({ isolation: false });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.close();
});

test('without isolation the page explains, disables parallel, and runs serial and JS', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?mode=compare&runs=2&autorun=1`);
  await waitForState(page, 'done');
  const env = page.locator('[data-testid=env]');
  assert.equal(await env.getAttribute('data-isolated'), 'false');
  assert.equal(await env.getAttribute('data-threads'), '0', 'no pool');
  assert.match(await page.locator('#env-problem').textContent(), /not cross-origin isolated.*Cross-Origin-Opener-Policy/);
  assert.equal(await page.isDisabled('input[name=mode][value=parallel]'), true);
  assert.equal(await page.isDisabled('[data-testid=scaling]'), true);
  assert.equal(await page.isDisabled('[data-testid=threads]'), true);
  // Compare ran what it could: serial and JS, identical.
  const times = await timings(page);
  assert.ok(times.serial.median > 0 && times.js.median > 0);
  assert.equal(times.parallel, null);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assert.equal(await page.locator('[data-testid=result-row]').count(), 10);

  // A link asking for parallel gets a message and a mode that can run.
  const other = await openPage(browser, `${server.url}?mode=parallel`);
  await waitForState(other.page, 'ready');
  assert.match(await other.page.locator('[data-testid=notices] li[data-param=mode]').textContent(), /needs the rayon pool/);
  assert.equal(await other.page.locator('input[name=mode]:checked').getAttribute('value'), 'compare');
  other.assertClean();
  await other.context.close();
  assertClean();
  await context.close();
});
