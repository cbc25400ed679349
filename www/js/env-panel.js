// The environment panel: isolation, threads, the wasm build and pool, memory, browser.
import { fmtBytes, fmtMs, plural } from './format.js';
import {
  $, hw, isolation, page, runtime, support,
} from './state.js';
import {
  hasPool, hasServer, hasWorkers, noServerReason, node,
} from './ui.js';
import { EngineSession } from './recommender.js';

export function browserName() {
  const data = navigator.userAgentData;
  if (data?.brands?.length) {
    const brands = data.brands.filter((b) => !/not.?a.?brand/i.test(b.brand));
    const names = brands.map((b) => `${b.brand} ${b.version}`).join(', ');
    return `${names}${data.platform ? ` on ${data.platform}` : ''}${data.mobile ? ' (mobile)' : ''}`;
  }
  return navigator.userAgent;
}

/** What the Workers mode's N instances cost, once a Workers run started them. */
function describeWorkers() {
  if (runtime.noWorkersReason) return `off: ${runtime.noWorkersReason}`;
  const w = page.workers;
  if (!w) return 'not started (the first Workers run starts them)';
  const each = w.perWorkerBytes.map((b) => fmtBytes(b)).join(' + ');
  return `${plural(w.count, 'independent instance')} (single-thread build, own catalog copy each): ` +
    `${w.firstStart ? 'started and loaded' : 'loaded'} in ${fmtMs(w.startMs)} ms (slowest catalog load ${fmtMs(w.loadMs)} ms); ` +
    `memory ${fmtBytes(w.memoryBytes)} in all (${each})`;
}

/** The parts of the catalog's tables, as the core names them (Catalog::memory). */
const TABLE_PARTS = {
  words: 'description words', wordOffsets: 'word ends and starts', labels: 'ids and names',
  labelOffsets: 'their ends', attributes: 'attribute ids', idOrder: 'identifier order', categories: 'categories',
};

/** What the loaded catalog's tables hold: in all, per product, and part by part. */
function describeCatalogMemory(memory, count) {
  if (!memory || !count) return '—';
  const per = (bytes) => (bytes / count).toFixed(1);
  const parts = Object.entries(TABLE_PARTS).map(([key, name]) => `${name} ${per(memory[key])}`).join(', ');
  return `${fmtBytes(memory.total)}, ${per(memory.total)} bytes per product (${parts}); the descriptions themselves are not kept`;
}

export function renderEnv() {
  const env = $('env');
  env.dataset.isolated = String(support.isolated);
  env.dataset.hw = String(hw);
  env.dataset.threads = String(page.pool?.poolThreads ?? 0);
  // The last load: its time (parsing and building, or generating) and its threads.
  env.dataset.loadMs = String(page.catalog?.parseMs ?? '');
  env.dataset.loadThreads = String(page.catalog?.loadThreads ?? '');
  // For tests and benchmarks: the wasm memory's size, and how many workers this page runs.
  env.dataset.wasmMemoryBytes = String(page.memoryBytes);
  // The pool's one memory (this worker's instance, shared by its threads) beside the
  // Workers mode's N memories, all instances together.
  env.dataset.poolMemoryBytes = String(page.memoryBytes);
  if (page.workers) {
    env.dataset.workersMemoryBytes = String(page.workers.memoryBytes);
    env.dataset.workersStartMs = String(page.workers.startMs);
    env.dataset.workersCount = String(page.workers.count);
  } else {
    delete env.dataset.workersMemoryBytes;
    delete env.dataset.workersStartMs;
    delete env.dataset.workersCount;
  }
  if (page.pool) {
    env.dataset.poolStartMs = String(page.pool.poolStartMs);
    env.dataset.wasmInitMs = String(page.pool.wasmInitMs);
  } else {
    delete env.dataset.poolStartMs;
    delete env.dataset.wasmInitMs;
  }
  env.dataset.liveWorkers = String(EngineSession.live);
  const tables = page.tables?.memory;
  if (tables) {
    env.dataset.catalogBytes = String(tables.total);
    env.dataset.bytesPerProduct = String(tables.total / page.tables.count);
  } else {
    delete env.dataset.catalogBytes;
    delete env.dataset.bytesPerProduct;
  }
  env.dataset.isolatedVia = isolation.via ?? 'none';
  if (page.pool) env.dataset.build = page.pool.build;
  else delete env.dataset.build;
  const server = hasServer() ? runtime.server.info : null;
  if (server) {
    env.dataset.serverThreads = String(server.pool_threads);
    env.dataset.serverKernel = server.kernel;
    env.dataset.serverCores = String(server.cores);
  } else {
    delete env.dataset.serverThreads;
    delete env.dataset.serverKernel;
    delete env.dataset.serverCores;
  }
  const pool = page.pool
    ? hasPool()
      ? `${plural(page.pool.poolThreads, 'thread')}, started in ${fmtMs(page.pool.poolStartMs)} ms`
      : 'none (single-thread build)'
    : page.session.state === 'failed' ? 'none' : 'starting…';
  const builds = {
    threaded: 'threaded (atomics, shared memory, rayon pool)',
    'single-thread': 'single-thread build (no atomics, no pool)',
  };
  const isolated = isolation.via === 'service-worker' ? 'yes, through the service worker' : 'yes';
  const fields = [
    ['crossOriginIsolated', support.isolated ? isolated : 'no'],
    ['hardwareConcurrency', String(hw)],
    ['wasm build', page.pool ? builds[page.pool.build] : '—'],
    ['Pool size', pool],
    ['wasm start', page.pool ? `${fmtMs(page.pool.wasmInitMs)} ms` : '—'],
    ['wasm memory', page.memoryBytes ? `${fmtBytes(page.memoryBytes)} (after the last load or run${hasPool() ? '; one memory, shared by the pool\'s threads' : ''})` : '—'],
    ['Catalog in wasm', describeCatalogMemory(tables, page.tables?.count)],
    ['Workers mode', describeWorkers()],
    ['WebAssembly threads', support.wasmThreads ? 'supported' : 'not supported'],
    ['SharedArrayBuffer', support.sharedMemory ? 'available' : 'not available'],
    ['Nested workers', support.nestedWorkers === null ? '—' : support.nestedWorkers ? 'yes' : 'no'],
    ['Browser', browserName()],
    ['Server', server
      ? `shop-recs ${server.version}: ${plural(server.cores, 'core')}, pool of ${plural(server.pool_threads, 'thread')}, ${server.kernel} kernel`
      : runtime.server ? `none: ${noServerReason()}` : '…'],
  ];
  env.replaceChildren(...fields.flatMap(([label, value]) => [node('dt', label), node('dd', value)]));
  if (runtime.noPoolReason) {
    const problem = $('env-problem');
    problem.textContent = `The rayon pool cannot start: ${runtime.noPoolReason}. The page runs the single-thread build of the same code instead: ` +
      `Serial and JavaScript work${hasWorkers() ? ', and so does Workers (N independent single-thread instances, no shared memory), this page\'s parallel mode, whose N the thread count sets' : ''}; ` +
      `Parallel runs, Compare's parallel part${hasWorkers() ? ' and Scaling are' : ', Scaling and the thread count are'} disabled.`;
    problem.hidden = false;
  }
  $('threads-hint').textContent = hasPool()
    ? `pool of ${page.pool.poolThreads} started in ${fmtMs(page.pool.poolStartMs)} ms`
    : runtime.noPoolReason ? 'no pool here (see Environment)' : '';
}
