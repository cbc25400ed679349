// Responsiveness: long tasks on this thread during a run, where the browser reports them
// (Chromium), and how late a 25 ms heartbeat timer fires, everywhere.
import { $ } from './state.js';

export const responsiveness = {
  supported: typeof PerformanceObserver === 'function' &&
    (PerformanceObserver.supportedEntryTypes ?? []).includes('longtask'),
  start: Infinity,
  end: Infinity,
  longestMs: 0,
  lagMs: 0,
  timer: 0,
  begin() {
    Object.assign(this, { start: performance.now(), end: Infinity, longestMs: 0, lagMs: 0 });
    // A 25 ms heartbeat: how late it fires is how long an input could have waited.
    let expected = performance.now() + 25;
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lagMs = Math.max(this.lagMs, now - expected);
      expected = now + 25;
    }, 25);
    this.render();
  },
  finish() {
    this.end = performance.now();
    clearInterval(this.timer);
    this.render();
  },
  observe(entries) {
    for (const entry of entries) {
      // Tasks that overlap the run, including the one that started it.
      if (entry.startTime + entry.duration >= this.start && entry.startTime <= this.end) {
        this.longestMs = Math.max(this.longestMs, entry.duration);
      }
    }
    this.render();
  },
  render() {
    const card = $('longest-task');
    card.dataset.ms = String(Math.round(this.longestMs));
    card.dataset.lagMs = String(Math.round(this.lagMs));
    card.dataset.supported = String(this.supported);
    const value = $('longest-task-value');
    const note = $('longest-task-note');
    if (this.start === Infinity) return;
    card.classList.add('measured');
    if (!this.supported) {
      value.textContent = `timer lag ${Math.round(this.lagMs)} ms`;
      note.textContent = 'this browser does not report long tasks; the heartbeat timer\'s worst delay is shown';
      return;
    }
    const longest = Math.round(this.longestMs);
    card.classList.toggle('bad', longest > 50);
    value.textContent = longest === 0 ? 'yes' : longest > 50 ? 'no' : 'yes';
    note.textContent = longest === 0
      ? `longest main-thread task 0 ms (none over 50 ms); timer lag ≤ ${Math.round(this.lagMs)} ms`
      : `longest main-thread task ${longest} ms; timer lag ≤ ${Math.round(this.lagMs)} ms`;
  },
};

if (responsiveness.supported) {
  new PerformanceObserver((list) => responsiveness.observe(list.getEntries())).observe({ type: 'longtask' });
}
