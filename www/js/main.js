// The page. It only touches the DOM: the worker (worker.js) owns the wasm and the pool.
import { detectThreadSupport, whyNoThreads } from './detect.js';
import { Request } from './protocol.js';
import { WorkerClient } from './worker-client.js';

const $ = (id) => document.getElementById(id);

function setState(state) {
  document.body.dataset.state = state;
}

function showError(message) {
  const error = $('error');
  error.textContent = message;
  error.hidden = false;
  setState('error');
}

function renderEnv(fields) {
  const env = $('env');
  env.replaceChildren();
  for (const [label, value] of fields) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    env.append(dt, dd);
  }
}

async function start() {
  const support = detectThreadSupport();
  const hw = navigator.hardwareConcurrency || 1;
  const env = $('env');
  env.dataset.isolated = String(support.isolated);
  env.dataset.hw = String(hw);
  const reason = whyNoThreads(support);
  if (reason) {
    showError(`The rayon pool cannot start: ${reason}.`);
    return;
  }
  const client = new WorkerClient((message) => showError(`The worker crashed: ${message}`));
  const pool = await client.call(Request.INIT, { threads: hw });
  env.dataset.threads = String(pool.poolThreads);
  renderEnv([
    ['crossOriginIsolated', support.isolated],
    ['hardwareConcurrency', hw],
    ['pool threads', pool.poolThreads],
    ['pool start', `${pool.poolStartMs.toFixed(1)} ms`],
    ['wasm threads', support.wasmThreads],
    ['browser', navigator.userAgent],
  ]);
  const catalog = await client.call(Request.LOAD_CATALOG, { url: new URL('catalog.json', document.baseURI).href });
  $('status').textContent = `Catalog: ${catalog.count} products, parsed in ${catalog.parseMs.toFixed(1)} ms.`;
  setState('ready');

  setState('running');
  const request = { product: catalog.firstId, iterations: 1500, top: 10, runs: 5 };
  const serial = await client.call(Request.RUN, { ...request, mode: 'serial' });
  const parallel = await client.call(Request.RUN, { ...request, mode: 'parallel' });
  renderResults(serial.items);
  for (const run of [serial, parallel]) renderTime(run);
  const identical = JSON.stringify(serial.items) === JSON.stringify(parallel.items);
  const flag = $('identical');
  flag.dataset.value = String(identical);
  flag.textContent = identical ? 'Identical results: yes' : 'Identical results: NO';
  setState('done');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function renderTime(run) {
  const el = $(`time-${run.mode}`);
  const med = median(run.timesMs);
  el.dataset.medianMs = String(med);
  el.dataset.minMs = String(Math.min(...run.timesMs));
  el.textContent = `${run.mode}: median ${med.toFixed(1)} ms over ${run.timesMs.length} runs`;
}

function renderResults(items) {
  const body = $('results');
  body.replaceChildren();
  for (const item of items) {
    const row = document.createElement('tr');
    row.dataset.testid = 'result-row';
    row.dataset.id = item.id;
    row.dataset.score = String(item.score);
    for (const value of [item.rank, item.name, item.id, item.category ?? '', item.score.toFixed(4)]) {
      const cell = document.createElement('td');
      cell.textContent = String(value);
      row.append(cell);
    }
    body.append(row);
  }
}

start().catch((e) => showError(e.message));
