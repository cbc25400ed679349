// The page's handle on the worker: starts it, and turns requests into promises.
// No DOM here and no wasm: the worker owns the wasm, main.js owns the DOM.

/** A request's failure; `fatal` when the worker's wasm instance can no longer be used. */
export class WorkerError extends Error {
  constructor(message, { fatal = false, stopped = false } = {}) {
    super(message);
    this.name = 'WorkerError';
    this.fatal = fatal;
    this.stopped = stopped;
  }
}

export class WorkerClient {
  /** Starts a fresh module worker; `onCrash(message)` is called if it dies. */
  constructor(onCrash) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.nextId = 1;
    this.pending = new Map();
    this.worker.onmessage = ({ data }) => {
      const pending = this.pending.get(data.id);
      if (!pending) return;
      if (data.progress) {
        pending.onProgress?.(data.progress);
        return;
      }
      this.pending.delete(data.id);
      if (data.ok) pending.resolve(data.result);
      else pending.reject(new WorkerError(data.error, { fatal: data.fatal }));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      const message = event.message || 'the worker failed to start';
      this.failAll(new WorkerError(message, { fatal: true }));
      onCrash?.(message);
    };
  }

  /**
   * Sends one request; resolves with its result or rejects with a WorkerError.
   * `onProgress(update)` receives the request's progress messages, if it sends any.
   */
  call(type, payload = {}, onProgress = null) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, payload });
    });
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
    this.worker.terminate();
    this.failAll(new WorkerError(reason, { stopped: true }));
  }
}
