// The browser engines the end-to-end tests run in, chosen by E2E_ENGINE:
//
//   chromium     Debian's Chromium, headless, through Playwright (playwright-core). The
//                default, and the only engine with Playwright's extras: page.workers(),
//                request events, blocking service workers, init scripts.
//   firefox      Debian's Firefox ESR, headless, through geckodriver (WebDriver).
//   webkit       WebKitGTK's MiniBrowser through Debian's WebKitWebDriver, under Xvfb
//                (MiniBrowser has no headless mode). As shipped: no SharedArrayBuffer, so
//                the page runs its single-thread build.
//   webkit-sab   The same with JSC_useSharedArrayBuffer=1 in the driver's environment
//                (it reaches the web process): the threaded build and a pool.
//
// Firefox and WebKit are driven with selenium-webdriver through SeleniumPage below, which
// offers the part of Playwright's Page API the tests use, so every test is written once
// and takes the engine as a parameter. Neither driver is asked to download anything: the
// browsers and drivers are Debian's (and geckodriver is `cargo install`ed, pinned, by
// scripts/setup.sh), and selenium-webdriver connects to a driver this module starts.
//
// Page errors: WebKitWebDriver 2.50 has no WebDriver BiDi, so it cannot report console
// messages or uncaught errors. The page records them itself (www/js/problems.js) once
// this module marks the tab's session storage, and every SeleniumPage operation collects
// them; Firefox is handled the same way, so both engines share one path.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, Key } from 'selenium-webdriver';
import { unexpectedProblems } from '../../scripts/browser.mjs';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** What each engine is and can do; tests read `ENGINE` to adapt or skip. */
export const ENGINES = {
  chromium: {
    name: 'chromium',
    label: 'Chromium',
    playwright: true,
    threads: true,
    longtask: true,
    userAgent: /Chrome\/\d+/,
  },
  firefox: {
    name: 'firefox',
    label: 'Firefox ESR',
    playwright: false,
    threads: true,
    longtask: false,
    userAgent: /Firefox\/\d+/,
  },
  webkit: {
    name: 'webkit',
    label: 'WebKitGTK (as shipped: no SharedArrayBuffer)',
    playwright: false,
    threads: false,
    longtask: false,
    userAgent: /AppleWebKit\/[\d.]+ \(KHTML, like Gecko\) Version\/[\d.]+ Safari/,
  },
  'webkit-sab': {
    name: 'webkit-sab',
    label: 'WebKitGTK with JSC_useSharedArrayBuffer=1',
    playwright: false,
    threads: true,
    longtask: false,
    userAgent: /AppleWebKit\/[\d.]+ \(KHTML, like Gecko\) Version\/[\d.]+ Safari/,
  },
};

const chosen = process.env.E2E_ENGINE ?? 'chromium';
if (!ENGINES[chosen]) {
  throw new Error(`E2E_ENGINE=${chosen} is not an engine; use one of ${Object.keys(ENGINES).join(', ')}`);
}
/** The engine this test process runs in. */
export const ENGINE = ENGINES[chosen];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the WebDriver server at `url` answers /status; fails if `child` exits first. */
async function driverReady(url, child, what) {
  let exited = null;
  child.once('exit', (code) => { exited = code; });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`${what} exited with ${exited} before it answered`);
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer on ${url} within 30 s`);
}

/** Starts one WebDriver server for one session; resolves `{ url, stop }`. */
async function startDriver(engine) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child;
  if (engine.name === 'firefox') {
    // Firefox's own chrome-script messages on stderr are not the page's: the page's errors
    // come from js/problems.js, and a driver that fails to start is reported by driverReady.
    child = spawn(process.env.GECKODRIVER ?? 'geckodriver', ['--host', '127.0.0.1', '--port', String(port)], { stdio: 'ignore' });
  } else {
    const env = { ...process.env };
    if (engine.name === 'webkit-sab') env.JSC_useSharedArrayBuffer = '1';
    else delete env.JSC_useSharedArrayBuffer;
    // xvfb-run starts Xvfb and the driver in a process group of their own, ended as one.
    child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', 'WebKitWebDriver', `--port=${port}`, '--host=127.0.0.1'],
      { stdio: 'ignore', env, detached: true });
  }
  const failed = new Promise((_, reject) => child.once('error', (e) => reject(new Error(`cannot start the ${engine.label} driver: ${e.message}`))));
  failed.catch(() => {}); // raced below; a later 'error' has no one to tell
  await Promise.race([driverReady(url, child, `the ${engine.label} driver`), failed]);
  return {
    url,
    stop() {
      try {
        process.kill(engine.name === 'firefox' ? child.pid : -child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

function capabilitiesOf(engine) {
  if (engine.name === 'firefox') {
    return {
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
        args: ['-headless', '--width=1280', '--height=900'],
        // This machine has no network beyond the registries: nothing to update or report.
        prefs: { 'app.update.disabledForTesting': true, 'datareporting.policy.dataSubmissionEnabled': false },
      },
    };
  }
  return {
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: process.env.MINIBROWSER ?? MINIBROWSER, args: ['--automation'] },
  };
}

/**
 * The engine's browser for a test file. Every page gets a fresh session (a fresh profile:
 * no service worker, no storage), as Playwright's contexts do, from a WebDriver server of
 * its own: geckodriver serves one session at a time, and a test may hold two pages.
 */
export async function launchSelenium(engine = ENGINE) {
  const open = new Set();
  let version = null;
  return {
    engine,
    selenium: true,
    /** A session; `quit()` ends it and its driver. */
    async newSession() {
      const server = await startDriver(engine);
      let driver;
      try {
        driver = await new Builder().usingServer(server.url).withCapabilities(capabilitiesOf(engine)).build();
      } catch (e) {
        server.stop();
        throw e;
      }
      version ??= (await driver.getCapabilities()).get('browserVersion');
      const session = {
        driver,
        async quit() {
          open.delete(session);
          try {
            await driver.quit();
          } finally {
            server.stop();
          }
        },
      };
      open.add(session);
      return session;
    },
    version: () => version,
    /** Ends every session still open (a failed test may leave its page). */
    async close() {
      await Promise.allSettled([...open].map((session) => session.quit()));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Playwright's Page API, the part the tests use, over WebDriver.

const KEYS = {
  Enter: Key.ENTER,
  Escape: Key.ESCAPE,
  Tab: Key.TAB,
  ArrowDown: Key.ARROW_DOWN,
  ArrowUp: Key.ARROW_UP,
  ArrowLeft: Key.ARROW_LEFT,
  ArrowRight: Key.ARROW_RIGHT,
  Backspace: Key.BACK_SPACE,
  Space: ' ',
};
const key = (name) => KEYS[name] ?? name;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A RegExp crosses to the page as its source and flags. */
const textFilter = (hasText) => (hasText instanceof RegExp
  ? { source: hasText.source, flags: hasText.flags }
  : hasText === undefined ? null : { text: String(hasText) });
/** Playwright's default for auto-waiting actions. */
const ACTION_TIMEOUT = 30_000;
/** How long a script may keep failing in a wait before the wait fails (see waitForFunction). */
const SCRIPT_FAILURE_GRACE = 5_000;

/**
 * A chain of steps, `{ selector, filter, index }`, each searched inside the elements the
 * step before it found (as `locator(a).nth(2).locator(b)` does in Playwright); `index`
 * picks one element of a step (null: all of them). Resolved in the page on every use.
 */
class SeleniumLocator {
  constructor(page, steps) {
    Object.assign(this, { page, steps });
  }

  get selector() { return this.steps.map((s) => s.selector).join(' >> '); }
  get index() { return this.steps.at(-1).index ?? 0; }

  withLast(change) {
    return new SeleniumLocator(this.page, [...this.steps.slice(0, -1), { ...this.steps.at(-1), ...change }]);
  }

  first() { return this.withLast({ index: 0 }); }
  nth(index) { return this.withLast({ index }); }
  locator(selector, { hasText } = {}) {
    return new SeleniumLocator(this.page, [...this.steps, { selector, filter: textFilter(hasText), index: null }]);
  }

  /** Every element the chain matches now (no waiting); the last step's index is not applied. */
  all() {
    return this.page.driver.executeScript(`
      let roots = [document];
      const steps = arguments[0];
      steps.forEach((step, k) => {
        const re = step.filter?.source !== undefined ? new RegExp(step.filter.source, step.filter.flags) : null;
        let found = roots.flatMap((root) => [...root.querySelectorAll(step.selector)]).filter((e) =>
          !step.filter || (re ? re.test(e.textContent) : e.textContent.includes(step.filter.text)));
        found = [...new Set(found)];
        if (k < steps.length - 1 && step.index !== null) found = found.slice(step.index, step.index + 1);
        roots = found;
      });
      return roots;`, this.steps);
  }

  async count() {
    const n = (await this.all()).length;
    const { index } = this.steps.at(-1);
    return index === null ? n : Number(n > index);
  }

  /** The element, once it exists (Playwright's auto-wait), or an error after `timeout`. */
  async element(timeout = ACTION_TIMEOUT) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const elements = await this.all();
      if (elements.length > this.index) return elements[this.index];
      if (Date.now() > deadline) throw new Error(`no element matches ${this.selector} (index ${this.index}) after ${timeout} ms`);
      await sleep(50);
    }
  }

  async on(script, ...args) {
    return this.page.driver.executeScript(script, await this.element(), ...args);
  }

  getAttribute(name) { return this.on('return arguments[0].getAttribute(arguments[1])', name); }
  textContent() { return this.on('return arguments[0].textContent'); }
  inputValue() { return this.on('return arguments[0].value'); }
  isDisabled() { return this.on("return arguments[0].matches(':disabled')"); }
  async isEnabled() { return !(await this.isDisabled()); }
  isChecked() { return this.on('return arguments[0].checked'); }

  async isVisible() {
    const elements = await this.all();
    if (elements.length <= this.index) return false;
    return this.page.driver.executeScript(`
      const e = arguments[0];
      return !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length) &&
        getComputedStyle(e).visibility !== 'hidden';`, elements[this.index]);
  }

  async isHidden() { return !(await this.isVisible()); }

  async waitFor({ state = 'visible', timeout = ACTION_TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const visible = await this.isVisible();
      const attached = (await this.all()).length > this.index;
      const done = { visible, hidden: !visible, attached, detached: !attached }[state];
      if (done) return;
      if (Date.now() > deadline) throw new Error(`${this.selector} did not become ${state} within ${timeout} ms`);
      await sleep(50);
    }
  }

  async click() {
    await this.waitFor();
    const element = await this.element();
    // WebDriver scrolls only an element outside the viewport, so one inside it but under
    // the page's sticky Run bar would get the bar's click. Centred first, as a person
    // would scroll to it (Playwright checks what a click would hit and scrolls likewise).
    await this.on("arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' })");
    await element.click();
    await this.page.sync();
  }

  /**
   * As Playwright's fill: focus, then the whole value at once with one input event (typing
   * key by key would pass through other values, "1", "10", ..., each with its own event).
   * A number field refuses text that is not a number, as in Playwright.
   */
  async fill(value) {
    await this.on(`
      const [field, value] = arguments;
      if (field.type === 'number' && value !== '' && Number.isNaN(Number(value))) {
        throw new Error('cannot type text into an input[type=number]');
      }
      field.focus();
      field.value = value;
      field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: value }));`, value);
    await this.page.sync();
  }

  async type(text) {
    await (await this.element()).sendKeys(text);
    await this.page.sync();
  }

  async press(name) {
    await (await this.element()).sendKeys(key(name));
    await this.page.sync();
  }

  async focus() { await this.on('arguments[0].focus()'); }

  async check() {
    if (!(await this.isChecked())) await this.click();
  }

  /** Sets the value and fires input and change, as Playwright's selectOption does. */
  async selectOption(value) {
    await this.on(`
      const [select, value] = arguments;
      if (![...select.options].some((o) => o.value === value)) throw new Error('no option ' + value);
      select.value = value;
      select.dispatchEvent(new Event('input', { bubbles: true }));
      select.dispatchEvent(new Event('change', { bubbles: true }));`, value);
    await this.page.sync();
  }

  /** Paths, or `{ name, mimeType, buffer }` payloads (written to a temporary folder). */
  async setInputFiles(files) {
    const list = Array.isArray(files) ? files : [files];
    const paths = list.map((file) => {
      if (typeof file === 'string') return file;
      const dir = mkdtempSync(join(tmpdir(), 'shop-recs-upload-'));
      const path = join(dir, file.name);
      writeFileSync(path, file.buffer);
      return path;
    });
    await (await this.element()).sendKeys(paths.join('\n'));
    await this.page.sync();
  }

  async dispatchEvent(type) {
    await this.on('arguments[0].dispatchEvent(new Event(arguments[1], { bubbles: true }))', type);
    await this.page.sync();
  }

  async evaluate(fn, arg) {
    return this.on(`return (${fn})(arguments[0], arguments[1])`, arg);
  }
}

/**
 * A page in one WebDriver session. `url()` is synchronous in Playwright, so every
 * operation ends with `sync()`, which reads the URL and collects what the page recorded
 * (problems and loads; www/js/problems.js).
 */
export class SeleniumPage {
  constructor(driver, problems, loads) {
    Object.assign(this, { driver, problems, loads });
    this.currentUrl = 'about:blank';
    this.seen = { problems: 0, loads: 0 };
    this.keyboard = {
      press: async (name) => {
        await this.driver.switchTo().activeElement().sendKeys(key(name));
        await this.sync();
      },
      type: async (text) => {
        await this.driver.switchTo().activeElement().sendKeys(text);
        await this.sync();
      },
    };
  }

  /** Reads the URL and the page's new problems and loads. */
  async sync() {
    const got = await this.driver.executeScript(`
      let problems = [], loads = [];
      try {
        problems = JSON.parse(sessionStorage.getItem('shop-recs:problems') ?? '[]');
        loads = JSON.parse(sessionStorage.getItem('shop-recs:loads') ?? '[]');
      } catch {}
      return { url: location.href, problems, loads };`);
    this.currentUrl = got.url;
    this.problems.push(...got.problems.slice(this.seen.problems));
    this.loads.push(...got.loads.slice(this.seen.loads));
    this.seen = { problems: got.problems.length, loads: got.loads.length };
  }

  url() { return this.currentUrl; }
  title() { return this.driver.getTitle(); }

  async goto(url) {
    await this.sync();
    await this.driver.get(url);
    await this.sync();
  }

  /**
   * A user's reload (`location.reload()`). Not WebDriver's refresh, which geckodriver
   * performs like a hard reload that bypasses the service worker.
   */
  async reload() {
    await this.sync();
    await this.driver.executeScript('window.__shopRecsOldDocument = true; location.reload();');
    const deadline = Date.now() + ACTION_TIMEOUT;
    for (;;) {
      try {
        const fresh = await this.driver.executeScript(
          "return !window.__shopRecsOldDocument && document.readyState === 'complete'");
        if (fresh) break;
      } catch {
        // the old document is going away
      }
      if (Date.now() > deadline) throw new Error('the page did not reload');
      await sleep(50);
    }
    await this.sync();
  }

  async evaluate(fn, arg) {
    const result = await this.driver.executeScript(`return (${fn})(arguments[0])`, arg);
    await this.sync();
    return result;
  }

  async waitForFunction(fn, arg, { timeout = ACTION_TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    // A script can fail while the document is between two loads (WebKitWebDriver then
    // answers an error with no message): that is retried for a while, and only an error
    // that persists (the page is gone for good) fails the wait, with its own message.
    let failingSince = null;
    for (;;) {
      let value;
      try {
        value = await this.driver.executeScript(`return (${fn})(arguments[0])`, arg);
        failingSince = null;
      } catch (error) {
        failingSince ??= Date.now();
        if (Date.now() - failingSince > SCRIPT_FAILURE_GRACE || Date.now() > deadline) {
          throw new Error(`waitForFunction: the page's script kept failing: ${error.name}: ${error.message || '(no message)'}`, { cause: error });
        }
        await sleep(200);
        continue;
      }
      if (value) {
        await this.sync();
        return value;
      }
      if (Date.now() > deadline) {
        await this.sync();
        throw new Error(`waitForFunction: still false after ${timeout} ms: ${fn}`);
      }
      await sleep(50);
    }
  }

  waitForTimeout(ms) { return sleep(ms); }
  locator(selector, { hasText } = {}) {
    return new SeleniumLocator(this, [{ selector, filter: textFilter(hasText), index: null }]);
  }

  click(selector) { return this.locator(selector).click(); }
  fill(selector, value) { return this.locator(selector).fill(value); }
  type(selector, text) { return this.locator(selector).type(text); }
  press(selector, name) { return this.locator(selector).press(name); }
  check(selector) { return this.locator(selector).check(); }
  focus(selector) { return this.locator(selector).focus(); }
  selectOption(selector, value) { return this.locator(selector).selectOption(value); }
  setInputFiles(selector, files) { return this.locator(selector).setInputFiles(files); }
  isDisabled(selector) { return this.locator(selector).isDisabled(); }
  isEnabled(selector) { return this.locator(selector).isEnabled(); }
  isVisible(selector) { return this.locator(selector).isVisible(); }
  isHidden(selector) { return this.locator(selector).isHidden(); }

  $$eval(selector, fn, arg) {
    return this.driver.executeScript(`return (${fn})([...document.querySelectorAll(arguments[0])], arguments[1])`, selector, arg);
  }

  async $eval(selector, fn, arg) {
    await this.locator(selector).element();
    return this.driver.executeScript(`return (${fn})(document.querySelector(arguments[0]), arguments[1])`, selector, arg);
  }

  /** The viewport only: WebDriver has no full-page screenshot. */
  async screenshot({ path }) {
    writeFileSync(path, Buffer.from(await this.driver.takeScreenshot(), 'base64'));
  }

  workers() {
    throw new Error(`page.workers() exists only with Playwright (Chromium); ${ENGINE.label} is driven through WebDriver`);
  }
}

/**
 * Opens `url` in a fresh session, with the page recording its problems, like the
 * Playwright openPage in scripts/browser.mjs: `{ page, context, problems, loads, assertClean }`.
 */
export async function openSeleniumPage(browser, url, { viewport = { width: 1280, height: 900 }, serviceWorkers = 'allow', initScript = null } = {}) {
  if (serviceWorkers !== 'allow' || initScript) {
    throw new Error(`blocking service workers and init scripts need Playwright (Chromium), not ${ENGINE.label}`);
  }
  const session = await browser.newSession();
  const { driver } = session;
  try {
    await driver.manage().window().setRect({ width: viewport.width, height: viewport.height });
  } catch {
    // MiniBrowser's window is sized by Xvfb's screen; the page does not depend on it.
  }
  const problems = [];
  const loads = [];
  const page = new SeleniumPage(driver, problems, loads);
  // Mark the tab before the page loads, on the same origin, so js/problems.js records.
  await driver.get(new URL('/favicon.svg', url).href);
  await driver.executeScript(`sessionStorage.setItem('shop-recs:record-problems', '1');
    sessionStorage.removeItem('shop-recs:problems'); sessionStorage.removeItem('shop-recs:loads');`);
  await page.goto(url);
  await assertEngine(page);
  let closed = false;
  return {
    page,
    problems,
    loads,
    context: {
      async close() {
        if (closed) return;
        closed = true;
        try {
          await page.sync();
        } finally {
          await session.quit();
        }
      },
      on() {
        throw new Error(`request events need Playwright (Chromium), not ${ENGINE.label}`);
      },
    },
    /** As scripts/browser.mjs's: `expected` names and explains the problems allowed. */
    assertClean(expected = []) {
      const unexpected = unexpectedProblems(problems, expected);
      if (unexpected.length) throw new Error(`unexpected errors on the page (${ENGINE.label}):\n${unexpected.join('\n')}`);
    },
  };
}

/** Fails unless the page really runs in the engine this process was asked for. */
export async function assertEngine(page) {
  // The page may be reloading itself (js/isolate.js) just now: read again after it.
  let agent;
  for (let attempt = 1; agent === undefined; attempt++) {
    try {
      agent = await page.evaluate(() => navigator.userAgent);
    } catch (e) {
      if (attempt === 20) throw e;
      await sleep(100);
    }
  }
  const chromeInside = ENGINE.name !== 'chromium' && /Chrome\//.test(agent);
  if (!ENGINE.userAgent.test(agent) || chromeInside) {
    throw new Error(`E2E_ENGINE=${ENGINE.name} but the page runs in: ${agent}`);
  }
}
