// The page's settings: their defaults and valid ranges, how they are read from the URL
// (and from the form's fields), and how they are written back. No DOM and no wasm.
//
// The core's limits come from limits.js, generated from the Rust constants. An invalid
// value is never clamped or guessed: it gets a message naming the parameter and its valid
// range, and the default is used.

import {
  DEFAULT_ITERATIONS, DEFAULT_TOP, MAX_CATALOG_BYTES, MAX_ITERATIONS, MAX_PRODUCTS, MAX_SKEW, MAX_TOP,
} from './limits.js';
import { DEFAULT_SPLIT, SPLITS } from './merge.js';

export { MAX_CATALOG_BYTES };

export const MODES = Object.freeze(['serial', 'parallel', 'js', 'workers', 'server', 'compare']);

/** What each mode runs, in the order Compare interleaves them. */
export const MODE_RUNS = Object.freeze({
  serial: ['serial'],
  parallel: ['parallel'],
  js: ['js'],
  workers: ['workers'],
  server: ['server'],
  compare: ['serial', 'parallel', 'js', 'workers', 'server'],
});

export const MODE_LABELS = Object.freeze({
  serial: 'Serial (wasm, 1 thread)',
  parallel: 'Parallel (wasm, rayon pool)',
  js: 'JavaScript (1 thread)',
  workers: 'Workers (wasm, N independent workers, no shared memory)',
  server: 'Server (native, shop-recs serve, over HTTP)',
  compare: 'Compare every mode that can run here',
});

/** Integer settings: default and inclusive range. */
export const LIMITS = Object.freeze({
  iterations: { min: 1, max: MAX_ITERATIONS, default: DEFAULT_ITERATIONS },
  runs: { min: 1, max: 100, default: 5 },
  top: { min: 1, max: MAX_TOP, default: DEFAULT_TOP },
  generate: { min: 1, max: MAX_PRODUCTS, default: 2000 },
  skew: { min: 0, max: MAX_SKEW, default: 0 },
});

export const DEFAULT_MODE = 'compare';
/** The generator's seed: a generated catalog is fully described by its size. */
export const GENERATE_SEED = 42;
/** The catalog served with the page. */
export const DEFAULT_CATALOG = 'catalog.json';

const WHOLE_NUMBER = /^[0-9]+$/;

/**
 * Reads a whole number in `min..=max` from `text`. Returns `{ value }` or `{ error }`,
 * where `error` names the parameter, the valid range and what was given. Only plain
 * digits count: "1e3", "-5", "2.0" and "" are errors, not conversions.
 */
export function parseWholeNumber(name, text, { min, max }) {
  const trimmed = String(text).trim();
  const range = `a whole number from ${fmtInt(min)} to ${fmtInt(max)}`;
  if (!WHOLE_NUMBER.test(trimmed)) {
    return { error: `${name} must be ${range}; got "${text}"` };
  }
  const value = Number(trimmed);
  if (value < min || value > max) return { error: `${name} must be ${range}; got ${trimmed}` };
  return { value };
}

/** 1500 -> "1,500", for messages and labels. */
export function fmtInt(n) {
  return n.toLocaleString('en-US');
}

/**
 * Reads the page's state from a URL query string.
 *
 * Returns `{ settings, source, product, autorun, messages }`:
 * - `settings`: `{ mode, threads, iterations, runs, top, timeline, split, compare }`, each valid
 *   (the default when the URL's value is missing or invalid); `timeline`: show the pool at
 *   work after each run; `split`: how Workers mode deals the candidates; `compare`:
 *   the modes Compare interleaves (every one unless `compare=serial,parallel,...`);
 * - `source`: `{ kind: 'url', url }` or `{ kind: 'generate', n, skew }`;
 * - `product`: the requested identifier, or null (checked once the catalog is loaded);
 * - `messages`: `[{ param, text }]`, one per invalid parameter.
 */
export function readUrl(search, hw) {
  const params = new URLSearchParams(search);
  const messages = [];
  const note = (param, text) => messages.push({ param, text });
  const settings = {
    mode: DEFAULT_MODE,
    threads: hw,
    iterations: LIMITS.iterations.default,
    runs: LIMITS.runs.default,
    top: LIMITS.top.default,
    timeline: false,
    split: DEFAULT_SPLIT,
    compare: MODE_RUNS.compare,
  };

  if (params.has('mode')) {
    const mode = params.get('mode');
    if (MODES.includes(mode)) settings.mode = mode;
    else note('mode', `mode must be one of ${MODES.join(', ')}; got "${mode}". Using ${DEFAULT_MODE}.`);
  }
  if (params.has('split')) {
    const split = params.get('split');
    if (SPLITS.includes(split)) settings.split = split;
    else note('split', `split must be one of ${SPLITS.join(', ')}; got "${split}". Using ${DEFAULT_SPLIT}.`);
  }
  if (params.has('compare')) {
    // Which modes a Compare interleaves, for a comparison of just those (the benchmark's
    // pool against workers leaves out the slow plain-JS mode).
    const asked = params.get('compare').split(',').map((m) => m.trim()).filter(Boolean);
    const unknown = asked.filter((m) => !MODE_RUNS.compare.includes(m));
    if (asked.length === 0 || unknown.length > 0) {
      note('compare', `compare must list modes among ${MODE_RUNS.compare.join(', ')}, separated by commas; got "${params.get('compare')}". Comparing every mode.`);
    } else {
      settings.compare = MODE_RUNS.compare.filter((m) => asked.includes(m));
    }
  }
  for (const name of ['iterations', 'runs', 'top']) {
    if (!params.has(name)) continue;
    const { value, error } = parseWholeNumber(name, params.get(name), LIMITS[name]);
    if (error) note(name, `${error}. Using the default, ${fmtInt(LIMITS[name].default)}.`);
    else settings[name] = value;
  }
  if (params.has('threads')) {
    const text = params.get('threads');
    const { value, error } = parseWholeNumber('threads', text, { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (error) {
      note('threads', `threads must be a whole number from 1 to ${hw} (navigator.hardwareConcurrency); got "${text}". Using ${hw}.`);
    } else if (value > hw) {
      note('threads', `threads must be from 1 to ${hw} (navigator.hardwareConcurrency); got ${value}. Using ${hw}.`);
    } else {
      settings.threads = value;
    }
  }

  let source = { kind: 'url', url: DEFAULT_CATALOG };
  const generate = params.get('generate');
  const catalog = params.get('catalog');
  if (generate !== null) {
    const { value, error } = parseWholeNumber('generate', generate, LIMITS.generate);
    if (error) {
      note('generate', `${error}. Loading ${catalog ? 'the catalog URL' : 'the bundled catalog'} instead.`);
    } else {
      source = { kind: 'generate', n: value, skew: readSkew(params, note) };
      if (catalog !== null) note('catalog', `catalog and generate were both given; generating ${fmtInt(value)} products and ignoring catalog.`);
    }
  }
  if (source.kind === 'url' && catalog !== null) {
    if (catalog.trim() === '') note('catalog', 'catalog must be a URL; got an empty value. Loading the bundled catalog.');
    else source = { kind: 'url', url: catalog };
  }

  if (source.kind !== 'generate' && params.has('skew')) note('skew', 'skew applies to generated catalogs only (with generate=N); ignoring it.');

  const product = params.get('product');
  const flag = (name, otherwise) => {
    const text = params.get(name);
    if (text !== null && text !== '1' && text !== '0') note(name, `${name} must be 1 (or 0); got "${text}". ${otherwise}`);
    return text === '1';
  };
  settings.timeline = flag('timeline', 'Not showing the pool at work.');
  const autorun = flag('autorun', 'Not running automatically.');
  return { settings, source, product: product || null, autorun, messages };
}

/** `skew` of a generated catalog: a percentage of long products, 0 when absent or invalid. */
function readSkew(params, note) {
  if (!params.has('skew')) return 0;
  const { value, error } = parseWholeNumber('skew', params.get('skew'), LIMITS.skew);
  if (error) {
    note('skew', `${error}. Generating a uniform catalog (skew 0).`);
    return 0;
  }
  return value;
}

/**
 * The query string that reproduces `state` (`{ settings, source, product }`). A file
 * cannot be linked to, so a file source writes no catalog parameter.
 */
export function writeUrl({ settings, source, product }, { autorun = false } = {}) {
  const params = new URLSearchParams();
  if (source?.kind === 'generate') {
    params.set('generate', String(source.n));
    if (source.skew) params.set('skew', String(source.skew));
  }
  else if (source?.kind === 'url' && source.url !== DEFAULT_CATALOG) params.set('catalog', source.url);
  if (product) params.set('product', product);
  params.set('mode', settings.mode);
  params.set('threads', String(settings.threads));
  params.set('iterations', String(settings.iterations));
  params.set('runs', String(settings.runs));
  params.set('top', String(settings.top));
  if (settings.split !== DEFAULT_SPLIT) params.set('split', settings.split);
  if (settings.compare && settings.compare.length < MODE_RUNS.compare.length) params.set('compare', settings.compare.join(','));
  if (settings.timeline) params.set('timeline', '1');
  if (autorun) params.set('autorun', '1');
  return `?${params}`;
}
