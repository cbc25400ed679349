// Shared by the end-to-end tests and the benchmark: serve dist/ with `shop-recs serve`,
// launch Debian's Chromium, and open the page collecting every page error and unexpected
// console message. Test-only helpers (waiting for states, reading results) live in
// tests/e2e/harness.mjs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Serves dist/ (or `dir`) with `shop-recs serve` (the release binary scripts/build.sh
 * makes) on a free port; `isolation: false` leaves out COOP/COEP. `args` are more
 * `shop-recs serve` options (`--catalog FILE`, `--threads N`, ...).
 * bench/run.mjs serves a private copy of dist/, so that a rebuild during a long run
 * cannot change what it measures.
 */
export async function startServer({ isolation = true, dir = join(ROOT, 'dist'), args = [] } = {}) {
  const bin = process.env.SHOP_RECS_BIN ?? join(ROOT, 'target', 'release', 'shop-recs');
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: build it first (scripts/build.sh does, or cargo build --release)`);
  }
  const serveArgs = ['serve', '--dist', dir, '--port', '0', ...args];
  if (!isolation) serveArgs.push('--no-isolation');
  // Start-up and shutdown lines only, unless RUST_LOG asks for more (debug: every request).
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' };
  const child = spawn(bin, serveArgs, { stdio: ['ignore', 'pipe', 'inherit'], env });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`shop-recs serve exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    /** Stops the server (SIGTERM: it finishes the requests in flight) and waits for it. */
    close: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// Console messages that are expected and harmless, allowed by their exact text only:
// - every pool worker of wasm-bindgen-rayon 1.3.0 (the newest release) calls the
//   wasm-bindgen init function the old way, `pkg.default(data.module, data.memory)` in its
//   workerHelpers.no-bundler.js, and wasm-bindgen's glue warns about it (the text below
//   is in dist/shop-recs.js); it is not our code;
// - Playwright's own warning when a test opens a page with serviceWorkers: 'block' (it
//   replaces ServiceWorkerContainer.prototype.register with a function that logs it).
const EXPECTED_CONSOLE = new Set([
  'using deprecated parameters for the initialization function; pass a single object instead',
  'Service Worker registration blocked by Playwright',
]);

/** The problems no `{ pattern, why }` of `expected` names (each must say why). */
export function unexpectedProblems(problems, expected) {
  for (const { pattern, why } of expected) {
    if (!(pattern instanceof RegExp) || !why) throw new Error('an expected problem needs a pattern and a reason');
  }
  return problems.filter((problem) => !expected.some(({ pattern }) => pattern.test(problem)));
}

/**
 * Opens `url` in a fresh context. Every `pageerror`, and every console error or warning
 * not listed above, is collected in `problems`; call `assertClean()` at the end.
 * `serviceWorkers: 'block'` keeps the page from registering its service worker (which
 * would make a page served without the isolation headers isolated after one reload).
 * `initScript` (a function) runs in every document of the context before the page's own
 * scripts. `loads` lists the URL of every document the main frame loaded, reloads
 * included: it counts navigation requests, not 'framenavigated' events, which also fire
 * for the page's own history.replaceState.
 */
export async function openPage(browser, url, { viewport = { width: 1280, height: 900 }, serviceWorkers = 'allow', initScript = null } = {}) {
  const context = await browser.newContext({ viewport, serviceWorkers });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const problems = [];
  const loads = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) loads.push(request.url());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // A Content-Security-Policy violation in any document is a problem too (those in the
  // workers reach the console, below).
  await page.exposeFunction('__reportCspViolation', (text) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline code'} (${e.sample})`);
    });
  });
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') &&
        !EXPECTED_CONSOLE.has(m.text())) {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on('worker', (worker) => {
    worker.on('console', (m) => {
      if (m.type() === 'error' && !EXPECTED_CONSOLE.has(m.text())) {
        problems.push(`worker console error: ${m.text()}`);
      }
    });
  });
  await page.goto(url);
  return {
    page,
    context,
    problems,
    loads,
    /**
     * Fails on any problem, except those a test names and explains: `expected` is a list
     * of `{ pattern, why }`, and a problem matching a pattern is allowed (a 404 the page
     * asks for on purpose, a server the test stopped).
     */
    assertClean(expected = []) {
      const unexpected = unexpectedProblems(problems, expected);
      if (unexpected.length) throw new Error(`unexpected errors on the page:\n${unexpected.join('\n')}`);
    },
  };
}

