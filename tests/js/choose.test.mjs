// The package's backend rule (www/js/choose.js), branch by branch: isolated or not,
// SharedArrayBuffer and wasm threads or not, nested workers or not, 1 or more threads,
// the catalog's copies over the memory budget or not, a backend asked for by name that
// can or cannot run, and a pool that failed to start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseBackend, chooseThreads, DEFAULT_MEMORY_BUDGET } from '../../www/js/choose.js';

const ISOLATED = {
  isolated: true, sharedMemory: true, wasmThreads: true, nestedWorkers: true,
};
const NOT_ISOLATED = { ...ISOLATED, isolated: false };
const MiB = 2 ** 20;

test('isolated with wasm threads and 2 or more threads: the pool', () => {
  const { backend, reasons } = chooseBackend({ support: ISOLATED, threads: 2 });
  assert.equal(backend, 'pool');
  assert.match(reasons.at(-1), /^pool: the page is cross-origin isolated/);
});

test('not isolated, 2 threads, the copies fit: workers, and the pool\'s reason first', () => {
  const { backend, reasons } = chooseBackend({ support: NOT_ISOLATED, threads: 2, catalogBytes: 100 * MiB });
  assert.equal(backend, 'workers');
  assert.match(reasons[0], /^not the pool: the page is not cross-origin isolated/);
  assert.match(reasons[1], /^workers: 2 share-nothing workers, each with its own copy of the catalog \(300 MiB in all, within 640 MiB\)/);
});

test('no SharedArrayBuffer, or no wasm threads, even isolated: not the pool, said which', () => {
  for (const [support, said] of [
    [{ ...ISOLATED, sharedMemory: false }, /no SharedArrayBuffer/],
    [{ ...ISOLATED, wasmThreads: false }, /does not support WebAssembly threads/],
  ]) {
    const { backend, reasons } = chooseBackend({ support, threads: 4 });
    assert.equal(backend, 'workers');
    assert.match(reasons[0], said);
  }
});

test('one core: one thread, whether isolated or not', () => {
  for (const support of [ISOLATED, NOT_ISOLATED]) {
    const { backend, reasons } = chooseBackend({ support, threads: 1 });
    assert.equal(backend, 'single');
    assert.match(reasons.join('\n'), /not workers: share-nothing workers need at least 2 threads, and there is 1/);
  }
});

test('the catalog\'s N + 1 copies over the budget: one thread, with the sizes', () => {
  const { backend, reasons } = chooseBackend({
    support: NOT_ISOLATED, threads: 2, catalogBytes: 300 * MiB, budget: DEFAULT_MEMORY_BUDGET,
  });
  assert.equal(backend, 'single');
  assert.match(reasons.join('\n'), /not workers: 2 workers need 3 copies of the catalog \(900 MiB\), over the memory budget of 640 MiB/);
  // Isolated, the pool holds one copy: the budget does not stop it.
  assert.equal(chooseBackend({ support: ISOLATED, threads: 2, catalogBytes: 300 * MiB }).backend, 'pool');
});

test('no nested workers: neither the pool nor workers', () => {
  const { backend, reasons } = chooseBackend({ support: { ...ISOLATED, nestedWorkers: false }, threads: 2 });
  assert.equal(backend, 'single');
  assert.match(reasons[0], /nested workers/);
  assert.match(reasons[1], /nested workers/);
});

test('a pool that failed to start: the next choice, with the failure as the reason', () => {
  const { backend, reasons } = chooseBackend({ support: ISOLATED, threads: 2, poolFailed: 'the pool failed to start: boom' });
  assert.equal(backend, 'workers');
  assert.equal(reasons[0], 'not the pool: the pool failed to start: boom');
});

test('a backend asked for by name: used when it can run, else the rule picks and says why', () => {
  assert.deepEqual(chooseBackend({ asked: 'single', support: ISOLATED, threads: 2 }),
    { backend: 'single', reasons: ['single: asked for, and it can run here'] });
  assert.equal(chooseBackend({ asked: 'workers', support: ISOLATED, threads: 2 }).backend, 'workers');
  const fallback = chooseBackend({ asked: 'pool', support: NOT_ISOLATED, threads: 2 });
  assert.equal(fallback.backend, 'workers');
  assert.match(fallback.reasons[0], /^pool was asked for, but the page is not cross-origin isolated/);
  assert.throws(() => chooseBackend({ asked: 'gpu', support: ISOLATED, threads: 2 }), /backend must be 'auto' or one of pool, workers, single/);
});

test('threads: auto takes every core, a number is kept, anything else is refused', () => {
  assert.deepEqual(chooseThreads('auto', 8).threads, 8);
  assert.match(chooseThreads('auto', 8).reason, /every core this browser reports/);
  assert.equal(chooseThreads(undefined, 0).threads, 1, 'a browser that reports no cores gets one thread');
  assert.equal(chooseThreads(3, 8).threads, 3);
  for (const bad of [0, -1, 2.5, '4']) assert.throws(() => chooseThreads(bad, 8), /threads must be 'auto' or a whole number/);
});
