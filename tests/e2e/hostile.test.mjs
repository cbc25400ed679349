// Hostile strings: names, identifiers, categories, descriptions and tags that are HTML
// or script show up literally and never run. Every payload would leave a trace if it ran
// (a global, the title, a request), and the test checks that none did. Beneath that, the
// page's Content-Security-Policy allows no inline script at all: markup injected on
// purpose cannot run either, and the policy is reported as violated, while the normal
// page never violates it (the harness fails any test on a violation).
import assert from 'node:assert/strict';
import {
  test,
  actAndWait, browser, chooseProduct, ENGINE, dropFile, openPage, resultRows, run, screenshotPath, server, useServerAndBrowser, waitForState,
} from './harness.mjs';

useServerAndBrowser();

/** What a payload does if it runs: a global, the title, and a request to /pwned-<where>. */
const trace = (where) => `window.__pwned=(window.__pwned||[]).concat('${where}');document.title='pwned';fetch('/pwned-${where}')`;
const NAME = `<img src=x onerror="${trace('name')}">Lipstick`;
const CATEGORY = `<script>${trace('category')}</script>`;
const ID = `"><svg onload="${trace('id')}"></svg>`;
const DESCRIPTION = `<img src=x onerror="${trace('description')}"> red matte lipstick`;
const TAGS = [`<script>${trace('tag')}</script>`, 'javascript:alert(1)', '<b onmouseover=alert(1)>tag</b>'];

/** Anything a payload could have put in the page or done. */
function traces(page) {
  return page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    title: document.title,
    // No element of the catalog's making: the page itself has no img, and no script in <body>.
    images: document.querySelectorAll('img').length,
    bodyScripts: document.body.querySelectorAll('script').length,
    handlers: document.querySelectorAll('[onerror], [onload], [onmouseover]').length,
    strayBold: document.querySelectorAll('main b').length,
    strayGraphics: document.querySelectorAll('svg:not(#bars):not(#scaling-chart):not(#timeline-chart)').length,
  }));
}

test('HTML and script in a catalog show literally and never run', async () => {
  const { page, context, assertClean } = await openPage(browser, `${server.url}?runs=1&iterations=100&mode=compare`);
  // Every request the page makes: Playwright's request events in Chromium; elsewhere the
  // page's own Resource Timing entries, read before each navigation and at the end
  // (WebDriver has no request events).
  const requests = [];
  if (ENGINE.playwright) context.on('request', (request) => requests.push(new URL(request.url()).pathname));
  const readResourceTiming = async () => {
    if (!ENGINE.playwright) {
      requests.push(...await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)));
    }
  };
  await waitForState(page, 'ready');
  const title = await page.title();
  const clean = {
    pwned: null, title, images: 0, bodyScripts: 0, handlers: 0, strayBold: 0, strayGraphics: 0,
  };

  const products = [
    { slug: ID, name: NAME, description: DESCRIPTION, category: CATEGORY, tags: TAGS },
    { slug: 'plain', name: 'Plain lipstick', description: 'red matte lipstick', category: 'beauty', tags: ['lipstick'] },
    { slug: 'other', name: 'Other', description: 'a blue kettle', category: CATEGORY },
  ];
  await actAndWait(page, () => dropFile(page, { name: 'hostile.json', text: JSON.stringify(products) }), 'ready');
  assert.equal(await page.locator('[data-testid=catalog-count]').getAttribute('data-value'), '3');

  // The chooser lists the hostile product by its literal name and identifier.
  const chosen = await chooseProduct(page, 'lipstick', /<img src=x/);
  assert.equal(chosen, ID);
  assert.equal(await page.locator('#product-search').inputValue(), NAME);
  assert.equal(await page.locator('[data-testid=product]').textContent(), `Selected: ${ID} · ${CATEGORY}`);
  await run(page);
  assert.equal(await page.locator('[data-testid=identical]').getAttribute('data-value'), 'true');
  assert.match(await page.locator('#ranking-note').textContent(), /candidates for “<img src=x onerror=/);

  // And as a recommendation: every cell holds the text, character for character.
  await chooseProduct(page, 'plain');
  await run(page);
  const rows = await resultRows(page);
  assert.equal(rows[0].id, ID, 'the hostile product is the best match for the plain lipstick');
  const cells = await page.locator('[data-testid=result-row]').first().evaluate((row) => ({
    name: row.querySelector('td.name > span').textContent,
    id: row.querySelector('td.ident').textContent,
    category: row.querySelectorAll('td')[3].textContent,
  }));
  assert.deepEqual(cells, { name: NAME, id: ID, category: CATEGORY });
  await page.screenshot({ path: screenshotPath('hostile-strings'), fullPage: true });

  // An error message quoting a hostile identifier is text too.
  await actAndWait(page, () => dropFile(page, { name: 'hostile-dupes.json', text: JSON.stringify([products[0], products[0]]) }), 'error');
  assert.equal(await page.locator('[data-testid=error]').textContent(),
    `Could not load hostile-dupes.json: product 2 (id ${JSON.stringify(ID)}, ${JSON.stringify(NAME)}) repeats the identifier of product 1: identifiers must be unique`);

  // A hostile product parameter in the URL, reported in a notice.
  await readResourceTiming();
  await page.goto(`${server.url}?product=${encodeURIComponent(NAME)}&runs=1&iterations=50`);
  await waitForState(page, 'ready');
  assert.match(await page.locator('[data-testid=notices] li[data-param=product]').textContent(),
    /^product "<img src=x onerror="window\.__pwned=.*" is not in this catalog/);

  // Give anything that might run a moment, then look for its traces.
  await page.waitForTimeout(300);
  assert.deepEqual(await traces(page), clean);
  await readResourceTiming();
  assert.ok(requests.length > 0, 'the page\'s own requests were seen, so a stray one would be too');
  const strays = requests.filter((path) => path.startsWith('/pwned') || path === '/x');
  assert.deepEqual(strays, [], 'no payload made a request');
  assertClean(); // includes: no Content-Security-Policy violation on the normal page
  await context.close();
});

test('the Content-Security-Policy blocks inline script, even markup injected on purpose', async () => {
  // The header and the page's <meta> carry the same policy, without 'unsafe-inline'.
  const response = await fetch(server.url);
  const header = response.headers.get('content-security-policy');
  const { page, context, problems } = await openPage(browser, `${server.url}?runs=1&iterations=50`);
  await waitForState(page, 'ready');
  const meta = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
  assert.equal(header, meta);
  const directives = Object.fromEntries(meta.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(directives['worker-src'], ["'self'", 'blob:']);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  assert.ok(!meta.includes('unsafe-inline') && !meta.includes("'unsafe-eval'"), meta);
  await run(page);
  assert.deepEqual(problems, [], 'the page, its worker and the pool run without a violation');

  // Suppose a bug put catalog text into the page as HTML: the handler and the script are
  // refused, and the browser reports both.
  const outcome = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    const box = document.createElement('div');
    box.innerHTML = '<img src="favicon.svg" onload="window.__inline = \'handler\'">';
    document.body.append(box);
    const script = document.createElement('script');
    script.textContent = "window.__inline = 'script'";
    document.body.append(script);
    const url = `javascript:window.__inline = 'url'`;
    const link = Object.assign(document.createElement('a'), { href: url });
    document.body.append(link);
    link.click();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const loaded = box.querySelector('img').complete && box.querySelector('img').naturalWidth > 0;
    box.remove();
    script.remove();
    link.remove();
    return { inline: window.__inline ?? null, violations: violations.sort(), loaded };
  });
  assert.equal(outcome.loaded, true, 'the image itself loaded, so its onload would have fired');
  assert.equal(outcome.inline, null, 'no inline handler, inline script or javascript: URL ran');
  // Each of the three is refused by both copies of the policy (header and <meta>).
  assert.deepEqual(outcome.violations, [
    'script-src-attr', 'script-src-attr', 'script-src-elem', 'script-src-elem', 'script-src-elem', 'script-src-elem',
  ]);
  // Those, and only those, were reported.
  assert.ok(problems.length >= 3 && problems.every((p) => /CSP violation|Content Security Policy/.test(p)), problems.join('\n'));
  await context.close();
});
