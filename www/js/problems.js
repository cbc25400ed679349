// For the end-to-end tests in engines whose WebDriver cannot report page errors or console
// messages (WebKitWebDriver has no BiDi; tests/e2e/engines.mjs drives Firefox the same
// way). Only when the test harness has set `shop-recs:record-problems` in this tab's
// session storage, this module records, in that storage so a reload keeps them:
//   `shop-recs:problems`: uncaught errors, unhandled rejections, Content-Security-Policy
//     violations, and console errors and warnings of this page;
//   `shop-recs:loads`: the URL of every document load.
// Without that mark it does nothing. index.html loads it first, so it sees everything the
// page's own modules do. The page itself never reads what it records.
const RECORD_KEY = 'shop-recs:record-problems';

function marked() {
  try {
    return sessionStorage.getItem(RECORD_KEY) === '1';
  } catch {
    return false; // storage disabled: nobody asked
  }
}

function append(key, entry) {
  const list = JSON.parse(sessionStorage.getItem(key) ?? '[]');
  list.push(entry);
  sessionStorage.setItem(key, JSON.stringify(list));
}

if (marked()) {
  const problem = (text) => append('shop-recs:problems', text);
  const text = (value) => (value instanceof Error ? value.message : String(value));
  addEventListener('error', (e) => problem(`pageerror: ${e.message}`));
  addEventListener('unhandledrejection', (e) => problem(`pageerror (unhandled rejection): ${text(e.reason)}`));
  document.addEventListener('securitypolicyviolation', (e) => {
    problem(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline code'} (${e.sample})`);
  });
  for (const [level, name] of [['error', 'error'], ['warn', 'warning']]) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      problem(`console ${name}: ${args.map(text).join(' ')}`);
      original(...args);
    };
  }
  append('shop-recs:loads', location.href);
}
