// Small DOM helpers, the state and status lines, the controls' enabled state, the one
// task under way, and the URL (written after every change, so the address bar is always
// a working link).
import { MODE_LABELS, writeUrl } from './params.js';
import { $, page, runtime } from './state.js';

/** `text` cut to `max` characters with an ellipsis: names may be 64 KiB long. */
export function short(text, max = 120) {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

export function node(tag, text = null, className = null) {
  const element = document.createElement(tag);
  if (text !== null) element.textContent = text;
  if (className) element.className = className;
  return element;
}

export function setState(state) {
  document.body.dataset.state = state;
  // The first 'ready' ends the page's start-up; bench/run.mjs reads this mark's time.
  if (state === 'ready' && performance.getEntriesByName('shop-recs:ready').length === 0) {
    performance.mark('shop-recs:ready');
  }
  if (state !== 'error') $('error').hidden = true;
  updateControls();
}

export function setStatus(text) {
  $('status').textContent = text;
}

export function showError(message) {
  const error = $('error');
  error.textContent = message;
  error.hidden = false;
  setState('error');
  setStatus('Something went wrong; see the message below.');
}

/** Adds a notice about an invalid parameter or a fallback the page made. */
export function addNotice(param, text) {
  const li = node('li', text);
  li.dataset.param = param;
  $('notices').append(li);
  $('notices').hidden = false;
}

export function hasPool() {
  return (page.pool?.poolThreads ?? 0) > 0;
}

/** Switches the mode, in the settings and the radio buttons (not the URL: callers sync it when it is due). */
export function setMode(mode) {
  page.settings.mode = mode;
  for (const radio of document.querySelectorAll('input[name=mode]')) radio.checked = radio.value === mode;
}

/** Whether the Workers mode can run here (nested workers, each with its own instance). */
export function hasWorkers() {
  return runtime.noWorkersReason === null;
}

/** Whether the page's site serves the shop-recs API (found at start, and still answering). */
export function hasServer() {
  return runtime.server?.available === true;
}

/** Why Server mode cannot run; null when it can, or before the page has asked its host. */
export function noServerReason() {
  return hasServer() ? null : runtime.server?.reason ?? null;
}

export function updateControls() {
  const { state } = page.session;
  const idle = state === 'idle';
  const failed = state === 'failed';
  const haveCatalog = idle && page.catalog !== null;
  for (const id of ['catalog-file', 'catalog-url', 'load-url', 'generate-n', 'generate', 'load-default']) {
    $(id).disabled = !idle;
  }
  for (const preset of document.querySelectorAll('.preset')) preset.disabled = !idle;
  $('run').disabled = !haveCatalog;
  $('scaling').disabled = !haveCatalog || !hasPool();
  // The thread count is N for both the pool and the Workers mode.
  $('threads').disabled = !idle || (runtime.noPoolReason !== null && !hasWorkers());
  $('split').disabled = !idle || !hasWorkers();
  $('product-search').disabled = page.catalog === null || failed;
  for (const radio of document.querySelectorAll('input[name=mode]')) {
    radio.disabled = failed || (radio.value === 'parallel' && runtime.noPoolReason !== null)
      || (radio.value === 'server' && !hasServer())
      || (radio.value === 'workers' && !hasWorkers());
  }
  $('workers-hint').textContent = hasWorkers() ? '' : `Workers mode is off: ${runtime.noWorkersReason}.`;
  const serverReason = noServerReason();
  $('server-hint').textContent = serverReason ? `Server mode is off: ${serverReason}.` : '';
  document.querySelector('input[name=mode][value=server]').closest('label').title = serverReason
    ? `Server mode is off: ${serverReason}` : MODE_LABELS.server;
  $('timeline-toggle').disabled = failed || runtime.noPoolReason !== null;
  $('cancel').hidden = page.session.abort === null;
  $('progress').hidden = state !== 'running';
}

/** Moves the session to `state`; `loading` and `running` get a fresh AbortController. */
export function setSession(state) {
  const cancellable = state === 'loading' || state === 'running';
  page.session = { state, abort: cancellable ? new AbortController() : null };
  updateControls();
  return page.session.abort?.signal ?? null;
}

/**
 * Runs `cancellable(signal)`, the part of a task that Cancel may stop (a run, a load),
 * in the session state `state`; back to `busy` after it.
 */
export async function cancellably(state, cancellable) {
  const signal = setSession(state);
  try {
    return await cancellable(signal);
  } finally {
    setSession('busy');
  }
}

/** Runs `work` as the one task under way; ignored (with a word) while another runs. */
export async function task(work) {
  if (page.session.state !== 'idle') {
    setStatus('Busy: wait for the current task to finish, or cancel it.');
    return;
  }
  setSession('busy');
  try {
    await work();
  } finally {
    setSession('idle');
  }
}


export function syncUrl() {
  const state = { settings: page.settings, source: page.source, product: page.product?.id };
  history.replaceState(null, '', writeUrl(state));
  $('share-link').href = writeUrl(state, { autorun: true });
  $('share-link').title = page.source?.kind === 'file'
    ? 'A file cannot be linked to: this link opens the bundled catalog.'
    : 'Opens this page with these settings and runs at once.';
}

/**
 * Scrolls `element` into view if it is not, without moving focus, and not while the user
 * is typing in a field (the status line announces the change anyway: aria-live).
 */
export function bringIntoView(element, block = 'nearest') {
  const active = document.activeElement;
  const typing = active && (active.tagName === 'TEXTAREA'
    || (active.tagName === 'INPUT' && !['button', 'submit', 'checkbox', 'radio', 'file'].includes(active.type)));
  if (!element || typing) return;
  const box = element.getBoundingClientRect();
  if (box.top >= 0 && box.bottom <= window.innerHeight) return;
  element.scrollIntoView({ block, behavior: 'instant' });
}
