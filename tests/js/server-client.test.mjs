// Unit tests of www/js/server-client.js, the worker's side of Server mode, against a
// small HTTP server of canned answers: finding the API (or saying why not), and turning
// each failure (404 after an eviction, 413, 503 with Retry-After, no server at all) into
// a message for the user with a code the page acts on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';

import { probeServer, recommendFrom, sha256Hex } from '../../www/js/server-client.js';

/** Serves `routes[path] = { status, body, headers }` (JSON bodies); 404 otherwise. */
async function cannedServer(routes) {
  const server = createServer((request, response) => {
    const route = routes[new URL(request.url, 'http://x').pathname];
    if (!route) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const body = typeof route.body === 'string' ? route.body : JSON.stringify(route.body);
    response.writeHead(route.status ?? 200, { 'Content-Type': 'application/json', ...route.headers }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

const INFO = { name: 'shop-recs', version: '0.1.0', cores: 2, pool_threads: 2, kernel: 'avx512', catalog: { id: 'default', sha256: 'ab' } };
const apiError = (code, message) => ({ error: { code, message } });
const query = { product: 'p-1', iterations: 10, top: 3 };

test('the API is found where it answers GET info as shop-recs', async () => {
  const host = await cannedServer({ '/info': { body: INFO } });
  try {
    assert.deepEqual(await probeServer(host.base), { available: true, base: host.base, info: INFO });
  } finally {
    await host.close();
  }
});

test('a static host, or another service, is no API, and the reason says which', async () => {
  const host = await cannedServer({ '/app/info': { body: { name: 'something else' } } });
  try {
    const missing = await probeServer(host.base);
    assert.equal(missing.available, false);
    assert.match(missing.reason, /GET \/info answered HTTP 404: this page's host serves no shop-recs API/);
    const other = await probeServer(`${host.base}app/`);
    assert.match(other.reason, /GET \/app\/info answered, but not as the shop-recs API does/);
  } finally {
    await host.close();
  }
  const gone = await probeServer(host.base);
  assert.match(gone.reason, /GET \/info failed/);
});

test('a ranking comes back with its round trip', async () => {
  const body = { items: [{ id: 'p-2', score: 0.5 }], candidates: 1, timing: { scoring_ms: 0.25, sorting_ms: 0.01 } };
  const host = await cannedServer({ '/catalogs/default/products/p-1/recommendations': { body } });
  try {
    const answer = await recommendFrom(host.base, 'default', query);
    assert.deepEqual(answer.body, body);
    assert.ok(answer.roundTripMs > 0);
  } finally {
    await host.close();
  }
});

test('each failure becomes a message and a code', async () => {
  const path = (id) => `/catalogs/${id}/products/p-1/recommendations`;
  const host = await cannedServer({
    [path('evicted')]: { status: 404, body: apiError('unknown_catalog', 'no catalog "evicted" on this server: upload it again') },
    [path('busy')]: { status: 503, body: apiError('busy', 'the server is running its maximum of 4 scoring jobs'), headers: { 'Retry-After': '1' } },
    [path('big')]: { status: 413, body: apiError('too_large', 'the body is over 67108864 bytes') },
    [path('broken')]: { status: 500, body: 'not JSON' },
  });
  try {
    const failure = (id) => recommendFrom(host.base, id, query).then(() => assert.fail('it must fail'), (e) => e);
    const evicted = await failure('evicted');
    assert.equal(evicted.code, 'unknown_catalog', 'the worker uploads again on this code');
    assert.match(evicted.message, /upload it again \(HTTP 404\)/);
    const busy = await failure('busy');
    assert.equal(busy.code, 'busy');
    assert.match(busy.message, /the server is busy \(HTTP 503\): .*maximum of 4 scoring jobs; it asks to retry after 1 s/);
    const big = await failure('big');
    assert.equal(big.code, 'too-large');
    assert.match(big.message, /too large \(HTTP 413\): the body is over 67108864 bytes/);
    const broken = await failure('broken');
    assert.match(broken.message, /failed: HTTP 500: Internal Server Error/);
  } finally {
    await host.close();
  }
  const unreachable = await recommendFrom(host.base, 'default', query).then(() => null, (e) => e);
  assert.equal(unreachable.code, 'server-unreachable', 'the page turns Server mode off on this code');
  assert.match(unreachable.message, /could not reach the server at http:\/\/127\.0\.0\.1:\d+ .*The browser modes still work/);
});

test('the SHA-256 the page compares with the server\'s own catalog is the usual hex digest', async () => {
  assert.equal(await sha256Hex(new TextEncoder().encode('abc')),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
