// The page's URL parameters (www/js/params.js), in node: every malformed number is
// refused with a message naming the parameter and its range (never clamped or
// converted), and `compare` lists the modes a Compare interleaves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODE_RUNS, readUrl, writeUrl } from '../../www/js/params.js';

const HW = 2;

test('every malformed iterations gets a message and the default', () => {
  for (const bad of ['-5', 'abc', '1000000000', '1e9', '1e3', '100001', '2.5', '', ' ', '0x10', '1,500']) {
    const { settings, messages } = readUrl(`?iterations=${encodeURIComponent(bad)}`, HW);
    assert.equal(settings.iterations, 1500, `iterations=${bad}`);
    assert.equal(messages.length, 1, `iterations=${bad}`);
    assert.match(messages[0].text, /^iterations must be a whole number from 1 to 100,000; got/, `iterations=${bad}`);
  }
  assert.equal(readUrl('?iterations=64', HW).settings.iterations, 64);
});

test('compare lists the modes a Compare interleaves, in the page\'s order; anything else is refused', () => {
  const { settings, messages } = readUrl('?mode=compare&compare=workers,serial,parallel', HW);
  assert.deepEqual(messages, []);
  assert.deepEqual(settings.compare, ['serial', 'parallel', 'workers']);
  assert.match(writeUrl({ settings, source: null, product: null }), /compare=serial%2Cparallel%2Cworkers/);
  for (const bad of ['', 'serial,gpu', ',']) {
    const refused = readUrl(`?compare=${encodeURIComponent(bad)}`, HW);
    assert.deepEqual(refused.settings.compare, MODE_RUNS.compare, `compare=${bad}`);
    assert.match(refused.messages[0].text, /^compare must list modes among serial, parallel, js, workers, server/, `compare=${bad}`);
  }
  // Every mode: the default, not written to the URL.
  assert.doesNotMatch(writeUrl({ settings: readUrl('', HW).settings, source: null, product: null }), /compare=/);
});
