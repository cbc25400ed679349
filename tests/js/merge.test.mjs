// Unit tests of www/js/merge.js, the Workers mode's merge: the K best of the shares' own
// top Ks, in the core's order (score descending, then identifier byte order as idOrder),
// are exactly the K best of all candidates, ties included, for every N from 1 to more
// workers than candidates and both splits. The split itself is the core's
// (rank::Share, tests/shares.rs); here it is written out as its contract says, so that
// each candidate is in exactly one share. Run with `node --test tests/js/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  DEFAULT_SPLIT, SPLITS, imbalance, mergeRankings,
} from '../../www/js/merge.js';

/** Deterministic PRNG (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Candidate positions of worker `w` of `n` over `count` candidates (rank::Share's contract). */
function positions(split, w, n, count) {
  if (split === 'interleaved') {
    const out = [];
    for (let k = w; k < count; k += n) out.push(k);
    return out;
  }
  const bound = (x) => Math.floor((x * count) / n);
  return Array.from({ length: bound(w + 1) - bound(w) }, (_, k) => bound(w) + k);
}

/** `count` candidates with scores from a few values (ties everywhere) and a shuffled idOrder. */
function candidates(count, random) {
  const values = [0.98, 0.5, 0.5 + 1e-16, 0.25, 0];
  const idOrder = Uint32Array.from({ length: count }, (_, k) => k);
  for (let k = count - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [idOrder[k], idOrder[j]] = [idOrder[j], idOrder[k]];
  }
  const items = Array.from({ length: count }, (_, index) => ({
    rank: 0, index, id: `p${idOrder[index]}`, score: values[Math.floor(random() * values.length)], text: random(), attribute: random(),
  }));
  return { items, idOrder };
}

/** The naive reference: every candidate, sorted in the ranking order, cut to `top`. */
function serialTop(items, idOrder, top) {
  return [...items]
    .sort((a, b) => (a.score === b.score ? idOrder[a.index] - idOrder[b.index] : b.score - a.score))
    .slice(0, top)
    .map((item, k) => ({ ...item, rank: k + 1 }));
}

test('the shares\' top Ks merge to the serial top K, ties included, for N = 1 to more workers than candidates', () => {
  const random = prng(19);
  for (const count of [0, 1, 2, 7, 40, 301]) {
    const { items, idOrder } = candidates(count, random);
    for (const top of [1, 3, 10, 1000]) {
      const expected = serialTop(items, idOrder, top);
      for (const split of SPLITS) {
        for (let n = 1; n <= count + 2; n += n < 12 ? 1 : 37) {
          const seen = new Array(count).fill(0);
          const lists = [];
          for (let w = 0; w < n; w++) {
            const share = positions(split, w, n, count).map((k) => items[k]);
            for (const item of share) seen[item.index]++;
            // Each worker's own top K, in the ranking order, as the core returns it.
            lists.push(serialTop(share, idOrder, top));
          }
          assert.ok(seen.every((c) => c === 1), `${split}, ${n} workers: every candidate in exactly one share`);
          assert.deepEqual(mergeRankings(lists, idOrder, top), expected, `${split}, ${n} workers, ${count} candidates, top ${top}`);
        }
      }
    }
  }
});

test('the merge breaks ties by idOrder, not by the identifiers\' JavaScript order', () => {
  // "b" < "a" in this catalog's byte order (idOrder), whatever the strings say.
  const idOrder = Uint32Array.from([1, 0]);
  const lists = [[{ index: 0, id: 'a', score: 0.5 }], [{ index: 1, id: 'b', score: 0.5 }]];
  assert.deepEqual(mergeRankings(lists, idOrder, 2).map((i) => [i.id, i.rank]), [['b', 1], ['a', 2]]);
});

test('the merge copies items, and refuses a candidate ranked twice', () => {
  const item = { index: 0, id: 'a', score: 1, rank: 7 };
  const [merged] = mergeRankings([[item]], Uint32Array.from([0]), 1);
  assert.equal(merged.rank, 1);
  assert.equal(item.rank, 7, 'the worker\'s item is unchanged');
  assert.throws(() => mergeRankings([[item], [{ ...item }]], Uint32Array.from([0]), 5), /ranked by two workers/);
});

test('imbalance is the slowest worker over the mean', () => {
  assert.equal(imbalance([10, 10]), 1);
  assert.equal(imbalance([30, 10]), 1.5);
  assert.equal(imbalance([8, 0, 0, 0]), 4);
  assert.equal(imbalance([]), 1);
  assert.equal(imbalance([0, 0]), 1);
  assert.equal(DEFAULT_SPLIT, 'interleaved');
});
