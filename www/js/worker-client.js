// The page's handle on the worker: starts it, and turns requests into promises.
// No DOM here and no wasm: the worker owns the wasm, main.js owns the DOM.

export class WorkerClient {
  /** Starts a fresh module worker; `onCrash(message)` is called if it dies. */
  constructor(onCrash) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.nextId = 1;
    this.pending = new Map();
    this.worker.onmessage = ({ data }) => {
      const pending = this.pending.get(data.id);
      if (!pending) return;
      this.pending.delete(data.id);
      if (data.ok) pending.resolve(data.result);
      else pending.reject(new Error(data.error));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      const message = event.message || 'the worker failed to start';
      this.failAll(message);
      onCrash?.(message);
    };
  }

  /** Sends one request; resolves with its result or rejects with its error. */
  call(type, payload = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, payload });
    });
  }

  failAll(message) {
    for (const { reject } of this.pending.values()) reject(new Error(message));
    this.pending.clear();
  }

  /** Stops the worker and its pool at once; pending requests fail with `reason`. */
  terminate(reason = 'the worker was stopped') {
    this.worker.terminate();
    this.failAll(reason);
  }
}
