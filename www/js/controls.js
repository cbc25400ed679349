// The controls: filled from the settings, and wired to what they do.
import { DEFAULT_CATALOG, LIMITS, MODE_LABELS, parseWholeNumber } from './params.js';
import { checkField, run, scaling } from './runs.js';
import {
  loadFile, loadSource, rebuild, recoverFrom,
} from './session.js';
import { $, hw, initial, page } from './state.js';
import {
  node, setMode, showError, syncUrl, task,
} from './ui.js';

export function fillControls() {
  const { settings } = page;
  const threads = $('threads');
  threads.replaceChildren(...Array.from({ length: hw }, (_, k) => {
    const option = node('option', String(k + 1));
    option.value = String(k + 1);
    return option;
  }));
  threads.value = String(settings.threads);
  for (const name of ['iterations', 'runs', 'top']) $(name).value = String(settings[name]);
  setMode(settings.mode);
  $('split').value = settings.split;
  $('timeline-toggle').checked = settings.timeline;
  for (const [mode, label] of Object.entries(MODE_LABELS)) {
    const radio = document.querySelector(`input[name=mode][value=${mode}]`);
    radio.closest('label').title = label;
  }
  if (initial.source.kind === 'generate') $('generate-n').value = String(initial.source.n);
  if (initial.source.kind === 'url' && initial.source.url !== DEFAULT_CATALOG) $('catalog-url').value = initial.source.url;
}

export function wire() {
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    task(run);
  });
  $('scaling').addEventListener('click', () => task(scaling));
  $('cancel').addEventListener('click', () => {
    const { state, abort } = page.session;
    if (!abort) return;
    // Aborting terminates the worker, the only way to stop wasm mid-run or mid-parse:
    // neither the scoring loops nor the parser yield. The request fails at once, and
    // recoverFrom rebuilds the pool and reloads the last catalog that loaded, reporting
    // what that cost from the abort's reason.
    abort.abort({ at: performance.now(), what: state === 'running' ? 'run' : 'load' });
  });
  for (const name of ['iterations', 'runs', 'top']) {
    $(name).addEventListener('input', () => checkField(name));
  }
  for (const radio of document.querySelectorAll('input[name=mode]')) {
    radio.addEventListener('change', () => {
      page.settings.mode = radio.value;
      syncUrl();
    });
  }
  $('split').addEventListener('change', () => {
    page.settings.split = $('split').value;
    syncUrl();
  });
  $('timeline-toggle').addEventListener('change', () => {
    page.settings.timeline = $('timeline-toggle').checked;
    syncUrl();
  });
  $('threads').addEventListener('change', () => {
    const threads = Number($('threads').value);
    page.settings.threads = threads;
    syncUrl();
    task(async () => {
      try {
        await rebuild(threads);
      } catch (e) {
        await recoverFrom(e, `Could not start ${threads} threads`);
      }
    });
  });
  $('catalog-file').addEventListener('change', () => {
    const file = $('catalog-file').files[0];
    $('catalog-file').value = ''; // so choosing the same file again loads it again
    loadFile(file);
  });
  const loadUrl = () => {
    const url = $('catalog-url').value.trim();
    if (!url) {
      showError('Enter a catalog URL first.');
      return;
    }
    task(() => loadSource({ kind: 'url', url }));
  };
  $('load-url').addEventListener('click', loadUrl);
  $('catalog-url').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      loadUrl();
    }
  });
  const generate = (text) => {
    const { value, error } = parseWholeNumber('generate', text, LIMITS.generate);
    const message = $('generate-n-error');
    if (error) {
      message.textContent = `${error}.`;
      message.hidden = false;
      $('generate-n').setAttribute('aria-invalid', 'true');
      $('generate-n').focus();
      return;
    }
    message.hidden = true;
    $('generate-n').removeAttribute('aria-invalid');
    task(() => loadSource({ kind: 'generate', n: value }));
  };
  $('generate').addEventListener('click', () => generate($('generate-n').validity.badInput ? 'not a number' : $('generate-n').value));
  $('generate-n').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      $('generate').click();
    }
  });
  for (const preset of document.querySelectorAll('.preset')) {
    preset.addEventListener('click', () => {
      $('generate-n').value = preset.dataset.n;
      generate(preset.dataset.n);
    });
  }
  $('load-default').addEventListener('click', () => task(() => loadSource({ kind: 'url', url: DEFAULT_CATALOG })));

  // Drag and drop anywhere on the page.
  const overlay = $('drop-overlay');
  const hasFiles = (event) => event.dataTransfer?.types?.includes('Files');
  let depth = 0;
  document.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth++;
    overlay.hidden = false;
  });
  document.addEventListener('dragover', (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  document.addEventListener('dragleave', (event) => {
    if (!hasFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  document.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    overlay.hidden = true;
    loadFile(event.dataTransfer.files[0]);
  });
}
