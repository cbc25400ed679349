// Runs: reading the number fields, a Run (one or more modes, interleaved in the worker),
// and Scaling (a parallel run on a fresh pool of each size).
import { fmtBytes, median, plural } from './format.js';
import {
  LIMITS, MODE_RUNS, fmtInt, parseWholeNumber,
} from './params.js';
import { TIMELINE_ROUNDS } from './recommender.js';
import { renderRun, renderScaling, showPoolVsWorkersAfter } from './render-run.js';
import { hideTimeline, renderTimeline } from './render-timeline.js';
import { responsiveness } from './responsiveness.js';
import {
  loadInto, noteMemory, noteWorkers, recoverFrom, renderCatalog, settleServer, startWorker,
} from './session.js';
import {
  $, MODE_NAMES, hw, page, runtime,
} from './state.js';
import {
  bringIntoView, cancellably, hasPool, hasServer, hasWorkers, setState, setStatus, syncUrl,
} from './ui.js';

/** Reads and checks the three number fields; returns false (and focuses one) if any is invalid. */
export function checkFields() {
  let firstBad = null;
  for (const name of ['iterations', 'runs', 'top']) {
    if (!checkField(name) && !firstBad) firstBad = $(name);
  }
  if (firstBad) {
    firstBad.focus();
    setStatus(`Fix ${firstBad.id} first: see the message under it.`);
    return false;
  }
  return true;
}

/** Validates one number field, shows or clears its message, and stores a valid value. */
export function checkField(name) {
  const input = $(name);
  const error = $(`${name}-error`);
  const { value, error: problem } = input.validity.badInput
    ? { error: `${name} must be a whole number from ${fmtInt(LIMITS[name].min)} to ${fmtInt(LIMITS[name].max)}; got text that is not a number` }
    : parseWholeNumber(name, input.value, LIMITS[name]);
  if (problem) {
    error.textContent = `${problem}. Runs keep using ${fmtInt(page.settings[name])} until this is fixed.`;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    return false;
  }
  error.hidden = true;
  input.removeAttribute('aria-invalid');
  if (page.settings[name] !== value) {
    page.settings[name] = value;
    syncUrl();
  }
  return true;
}

/**
 * The modes a Run performs here: Compare leaves out parallel without a pool, workers
 * without nested workers, server without a server.
 */
export function modesToRun() {
  const modes = page.settings.mode === 'compare' ? page.settings.compare ?? MODE_RUNS.compare : MODE_RUNS[page.settings.mode];
  return modes.filter((mode) => (mode !== 'parallel' || hasPool())
    && (mode !== 'server' || hasServer()) && (mode !== 'workers' || hasWorkers()));
}

/** What a RUN with Server mode needs to know: where, the server's own catalog, and our catalog's id there. */
function serverRequest() {
  const { base, info } = runtime.server;
  return {
    base, defaultSha: info.catalog?.sha256 ?? null, catalogId: page.source?.serverId ?? null, maxUpload: info.limits?.max_upload_bytes,
  };
}

/**
 * After a failed run: a server that did not answer at all is taken as gone for this
 * session (Server mode is disabled with the reason; the browser's modes carry on).
 */
function noteServerGone(error) {
  if (error.code !== 'server-unreachable' || !hasServer()) return;
  settleServer({
    available: false,
    reason: `the server stopped answering during this session (${error.message.split(' (')[0]}); reload the page once it is back`,
  }, 'The server stopped answering, so Server mode is off');
  syncUrl();
}

/**
 * The frame of a run and of Scaling: `work(signal, progress)` is the cancellable part
 * (cancellably: Cancel aborts `signal`), with the page in state 'running', its
 * responsiveness measured and the progress bar reset to `steps`; a failure goes to
 * `recover(error)` once the run is over.
 */
async function asRun(steps, work, recover, answer) {
  try {
    await cancellably('running', (signal) => {
      setState('running');
      responsiveness.begin();
      const progress = $('progress');
      progress.max = steps;
      progress.value = 0;
      // The status, progress and Cancel, where the user can see them (a phone's Run is
      // far from them).
      bringIntoView($('status-line'), 'start');
      return work(signal, progress);
    });
    bringIntoView(answer(), 'start');
  } catch (e) {
    await recover(e);
  } finally {
    responsiveness.finish();
  }
}

export function run() {
  if (!checkFields()) return undefined;
  const {
    iterations, runs, top, threads, split,
  } = page.settings;
  const modes = modesToRun();
  if (modes.length === 0) {
    setStatus('Nothing can run in this mode here: see the hint under Mode.');
    return undefined;
  }
  const request = {
    modes,
    product: page.product.id,
    iterations,
    top,
    runs,
    server: modes.includes('server') ? serverRequest() : undefined,
    // Workers mode: N is the thread count, as for the pool.
    ...(modes.includes('workers') ? { workers: threads, split } : {}),
  };
  const source = page.source;
  // The pool at work, after the timed runs and apart from them (only with a pool).
  const timeline = page.settings.timeline && hasPool();
  const timelineSteps = timeline ? 2 * TIMELINE_ROUNDS + 1 : 0;
  hideTimeline();
  return asRun(modes.length * (runs + 1) + timelineSteps, async (signal, progress) => {
    setStatus(`Running ${modes.map((m) => MODE_NAMES[m]).join(', ')}: 1 warm-up and ${runs} timed ${runs === 1 ? 'run' : 'runs'} each…`);
    const out = await page.client.run(request, {
      signal,
      onProgress: ({
        done, total, mode, upload, step, workers,
      }) => {
        progress.value = done;
        if (upload) {
          setStatus(`Uploading the catalog to the server (once): ${fmtBytes(upload.sent)} of ${fmtBytes(upload.total)}…`);
        } else if (step === 'workers') {
          setStatus(`Starting ${plural(workers, 'independent worker')} and loading a copy of the catalog into each (once per catalog and N)…`);
        } else {
          setStatus(`Running: ${done} of ${total} done (last: ${MODE_NAMES[mode]})…`);
        }
      },
    });
    // The id the server knows this catalog by: the next run needs no upload.
    if (out.serverCatalogId && source) source.serverId = out.serverCatalogId;
    noteMemory(page.client, out.memoryBytes);
    if (out.workers) noteWorkers(out.workers);
    renderRun(out, request);
    if (timeline) {
      const steps = progress.value;
      setStatus('Showing the pool at work: plain and instrumented parallel runs, then a serial one to check the ranking…');
      const shown = await page.client.timeline({ product: page.product.id, iterations, top }, {
        signal,
        onProgress: ({ done, total }) => {
          progress.value = steps + done;
          setStatus(`Showing the pool at work: ${done} of ${total} runs done…`);
        },
      });
      renderTimeline(shown);
      if (out.results.workers && !out.results.parallel) showPoolVsWorkersAfter(out.results.workers, shown.plainMs);
    }
    setState('done');
    setStatus(`Done: ${fmtInt(out.candidates)} candidates scored ${runs + 1} times per mode, ${fmtInt(iterations)} iterations.`);
  }, (e) => {
    noteServerGone(e);
    return recoverFrom(e, 'The run failed');
  }, () => $('answer'));
}

export function scaling() {
  if (!checkFields()) return undefined;
  const { iterations, runs, top, threads: userThreads } = page.settings;
  const request = { modes: ['parallel'], product: page.product.id, iterations, top, runs };
  return asRun(hw, async (signal, progress) => {
    const points = [];
    for (let threads = 1; threads <= hw; threads++) {
      setStatus(`Scaling: starting a pool of ${plural(threads, 'thread')} and reloading the catalog…`);
      await startWorker(threads, signal);
      page.catalog = await loadInto(page.client, page.source, signal);
      setStatus(`Scaling: ${threads} of ${hw} threads, ${runs} timed ${runs === 1 ? 'run' : 'runs'}…`);
      const out = await page.client.run(request, { signal });
      const medianMs = median(out.results.parallel.timesMs);
      points.push({ threads, medianMs, speedup: points.length ? points[0].medianMs / medianMs : 1 });
      progress.value = threads;
    }
    if (userThreads !== hw) {
      setStatus(`Scaling done; restoring the pool of ${plural(userThreads, 'thread')}…`);
      await startWorker(userThreads, signal);
      page.catalog = await loadInto(page.client, page.source, signal);
    }
    renderCatalog(page.catalog, page.source);
    renderScaling(points);
    setState('done');
    setStatus(`Scaling done: ${points.map((p) => `${p.threads}: ${p.speedup.toFixed(2)}×`).join(', ')} (speedup against 1 thread).`);
  }, (e) => recoverFrom(e, 'Scaling failed', { rebuild: true }), // the user's pool size again, whatever failed
  () => $('scaling-figure'));
}
