// The page's handle on the worker: starts it, and turns requests into promises.
// No DOM here and no wasm: the worker owns the wasm, main.js owns the DOM.

/** A request's failure; `fatal` when the worker's wasm instance can no longer be used. */
export class WorkerError extends Error {
  /**
   * `fatal`: the worker's wasm instance can no longer be used. `stopped`: the worker was
   * terminated on purpose; `cancelled` is then the AbortSignal's reason when an abort did it.
   */
  constructor(message, {
    fatal = false, stopped = false, cancelled = null, code = null,
  } = {}) {
    super(message);
    this.name = 'WorkerError';
    this.fatal = fatal;
    /** What kind of failure, when the worker names one: a server error's (server-client.js). */
    this.code = code;
    this.stopped = stopped;
    this.cancelled = cancelled;
  }
}

/** Owner workers started and not yet terminated, over the page's life (pool threads not counted). */
let live = 0;

export class WorkerClient {
  /** How many workers this page runs now (each with its own pool); tests read it. */
  static get live() {
    return live;
  }

  /**
   * Starts a fresh module worker; `onCrash(message)` is called if it dies: an `error`
   * event, or a panic on one of its pool's threads. The worker is then terminated, and
   * every pending request fails with a fatal WorkerError carrying the message.
   */
  constructor(onCrash) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    live++;
    this.alive = true;
    this.onCrash = onCrash;
    this.nextId = 1;
    this.pending = new Map();
    // Every panic of this worker's instance, on any of its threads, is posted here
    // (src/wasm/mod.rs). A panic on a pool thread leaves the worker waiting forever for the
    // pool, so this is the only news of it. One channel per worker: other tabs and
    // earlier workers post elsewhere.
    this.panicChannel = `shop-recs-panic-${crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`}`;
    this.panics = new BroadcastChannel(this.panicChannel);
    this.panics.onmessage = ({ data }) => this.crash(`the wasm instance panicked: ${data}`);
    this.worker.onmessage = ({ data }) => {
      if (data.crash) {
        this.crash(data.crash);
        return;
      }
      const pending = this.pending.get(data.id);
      if (!pending) return;
      if (data.progress) {
        pending.onProgress?.(data.progress);
        return;
      }
      this.pending.delete(data.id);
      if (data.ok) pending.resolve(data.result);
      else pending.reject(new WorkerError(data.error, { fatal: data.fatal, code: data.code }));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.crash(event.message ? `the worker crashed: ${event.message}` : 'the worker failed to start');
    };
  }

  /** The worker died or cannot be trusted any more: ends it, fails what was pending, reports once. */
  crash(message) {
    if (!this.alive) return;
    this.end(new WorkerError(message, { fatal: true }));
    this.onCrash?.(message);
  }

  /** Terminates the worker once; pending requests, and any later call, fail with `error`. */
  end(error) {
    if (!this.alive) return;
    this.alive = false;
    this.endError = error;
    live--;
    this.worker.terminate();
    this.panics.close();
    this.failAll(error);
  }

  /**
   * Sends one request; resolves with its result or rejects with a WorkerError.
   * `onProgress(update)` receives the request's progress messages, if it sends any.
   * Aborting `signal` stops the request the only way wasm can be stopped mid-call, as
   * Squoosh's WorkerBridge does: the worker (and its pool) is terminated, and every
   * pending request fails with a stopped WorkerError whose `cancelled` is the abort's
   * reason. The session then starts a fresh worker.
   */
  call(type, payload = {}, { onProgress = null, signal = null } = {}) {
    if (!this.alive) return Promise.reject(this.endError);
    if (signal?.aborted) {
      this.cancel(signal.reason);
      return Promise.reject(this.endError);
    }
    const id = this.nextId++;
    const onAbort = () => this.cancel(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, payload });
    }).finally(() => signal?.removeEventListener('abort', onAbort));
  }

  /** Terminates the worker for an aborted call; `reason` is the abort's. */
  cancel(reason) {
    this.end(new WorkerError('cancelled by the user', { stopped: true, cancelled: reason }));
  }

  failAll(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  /**
   * Stops the worker and its pool at once; pending requests fail with a WorkerError
   * whose `stopped` is true.
   */
  terminate(reason = 'the worker was stopped') {
    this.end(new WorkerError(reason, { stopped: true }));
  }
}
