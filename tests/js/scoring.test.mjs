// Unit tests of www/js/scoring.js, the plain-JavaScript twin of the Rust scorer.
//
// Run with `node --test tests/js/`. The oracle is a one-screen naive BigInt transcription
// of src/similarity.rs and src/rank.rs (one seed at a time, Set-based Jaccard, a full sort
// on identifier bytes), working from the fixture's words, not from the packed layout. The
// fast path is held against it exactly (===, deepStrictEqual) on edge-case tables and on
// many seeded random catalogs. The wasm-against-JS comparison is the browser end-to-end
// test's job.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  MAX_ITERATIONS,
  MAX_TOP,
  fnv1a64,
  minHashSignature,
  recommendJs,
  seedBasis,
} from '../../www/js/scoring.js';

const encoder = new TextEncoder();
const utf8 = (text) => encoder.encode(text);

// ---------------------------------------------------------------------------------------
// The oracle: src/similarity.rs and src/rank.rs written out plainly with BigInt.

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64_MAX = 0xffffffffffffffffn;

function fnvFrom(hash, bytes) {
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & U64_MAX;
  return hash;
}

const oracleFnv = (bytes) => fnvFrom(FNV_OFFSET, bytes);

const leBytes = (seed) => [seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff, seed >>> 24];

const oracleSeedBasis = (seed) => oracleFnv(leBytes(seed));

/** `words` is an array of Uint8Arrays. One seed at a time, as `signature_naive`. */
function oracleSignature(words, iterations) {
  const out = [];
  for (let seed = 0; seed < iterations; seed++) {
    const basis = oracleSeedBasis(seed);
    let min = U64_MAX;
    for (const word of words) {
      const hash = fnvFrom(basis, word);
      if (hash < min) min = hash;
    }
    out.push(min);
  }
  return out;
}

function oracleText(targetSignature, candidateWords, iterations) {
  if (candidateWords.length === 0 || targetSignature.every((m) => m === U64_MAX)) return 0;
  const candidate = oracleSignature(candidateWords, iterations);
  let agree = 0;
  for (let k = 0; k < iterations; k++) if (candidate[k] === targetSignature[k]) agree++;
  return agree / iterations;
}

function oracleAttribute(a, b) {
  const union = new Set([...a, ...b]);
  if (union.size === 0) return 0;
  const common = a.filter((id) => b.includes(id)).length;
  return common / union.size;
}

/** Compares two byte strings as Rust compares `&[u8]`. */
function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k] - b[k];
  return a.length - b.length;
}

/** `rank::recommend_serial`, naively: score everything, sort everything, cut. */
function oracleRecommend(fixture, target, iterations, top) {
  const { products, textWeight, attributeWeight } = fixture;
  const targetSignature = oracleSignature(products[target].words, iterations);
  const scored = [];
  products.forEach((product, index) => {
    if (index === target) return;
    const text = oracleText(targetSignature, product.words, iterations);
    const attribute = oracleAttribute(products[target].attributeIds, product.attributeIds);
    const score = textWeight * text + attributeWeight * attribute;
    scored.push({ index, score, text, attribute });
  });
  const idBytes = (item) => utf8(products[item.index].id);
  scored.sort((a, b) => b.score - a.score || compareBytes(idBytes(a), idBytes(b)));
  return scored.slice(0, top).map((item, k) => ({ rank: k + 1, ...item }));
}

// ---------------------------------------------------------------------------------------
// Fixtures: products tokenized like src/tokens.rs and packed like the wasm Engine's export.

/** `tokens::WordBuffer`: lowercased maximal runs of Unicode alphanumerics, repeats included. */
const words = (text) => (text.match(/[\p{Alphabetic}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase());

/** `WordBuffer` after `sort_dedup`: distinct words sorted by their UTF-8 bytes, as Uint8Arrays. */
function wordSet(text) {
  const distinct = [...new Set(words(text))].map(utf8);
  return distinct.sort(compareBytes);
}

/**
 * Builds `{ products, data }` from `[{ id, description, name?, tags?, category? }]`:
 * `products` keeps each product's words and attribute ids for the oracle, `data` is the
 * packed layout scoring.js reads (byte and end offsets, interned attributes, idOrder).
 */
function makeCatalog(specs, { textWeight = 0.5, attributeWeight = 0.5 } = {}) {
  const interned = new Map();
  const products = specs.map((spec) => {
    // Like Rust: the name, then the tags, then the category.
    const attributeText = [spec.name ?? spec.id, ...(spec.tags ?? [])];
    if (spec.category) attributeText.push(spec.category);
    const ids = [];
    for (const text of attributeText) {
      for (const word of words(text)) {
        if (!interned.has(word)) interned.set(word, interned.size);
        ids.push(interned.get(word));
      }
    }
    const attributeIds = [...new Set(ids)].sort((a, b) => a - b);
    return { id: spec.id, words: wordSet(spec.description), attributeIds };
  });

  const count = products.length;
  const byteStarts = new Uint32Array(count + 1);
  const endStarts = new Uint32Array(count + 1);
  const attrStarts = new Uint32Array(count + 1);
  const allBytes = [];
  const allEnds = [];
  const allIds = [];
  products.forEach((product, i) => {
    let offset = 0;
    for (const word of product.words) {
      allBytes.push(...word);
      offset += word.length;
      allEnds.push(offset);
    }
    allIds.push(...product.attributeIds);
    byteStarts[i + 1] = allBytes.length;
    endStarts[i + 1] = allEnds.length;
    attrStarts[i + 1] = allIds.length;
  });
  const idBytes = products.map((product) => utf8(product.id));
  const byIdBytes = products.map((_, i) => i).sort((a, b) => compareBytes(idBytes[a], idBytes[b]));
  const idOrder = new Uint32Array(count);
  byIdBytes.forEach((index, rank) => (idOrder[index] = rank));

  const data = {
    count,
    bytes: Uint8Array.from(allBytes),
    ends: Uint16Array.from(allEnds),
    byteStarts,
    endStarts,
    attrIds: Uint32Array.from(allIds),
    attrStarts,
    idOrder,
    textWeight,
    attributeWeight,
  };
  return { products, data, textWeight, attributeWeight };
}

/** SplitMix32-style seeded PRNG: the same seed gives the same catalogs on every run. */
function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const below = (n) => next() % n;
  return { next, below, pick: (xs) => xs[below(xs.length)], chance: (p) => next() / 2 ** 32 < p };
}

// Small vocabularies, so products share words and scores tie. Multi-byte UTF-8 on purpose:
// 2-, 3- and 4-byte characters, letters and digits of other scripts, uppercase to fold.
const VOCABULARY = [
  'red', 'matte', 'lipstick', 'soft', 'cotton', 'scarf', 'steel', 'hammer', 'a', 'z9',
  'Café', 'ÄRGER', 'über', '東京タワー', '١٢٣', 'ß', 'naïve', 'x', '𝔘𝔫𝔦', 'ŉ', 'Ωmega', '42',
];
const SEPARATORS = [' ', ', ', '! ', ' 🎉 ', '-', '... ', '\t'];
const ATTRIBUTES = ['Beauty', 'tools', 'Red', 'pink', 'lipstick', 'Ærø', 'kit', '东西'];
// Identifier characters whose UTF-16 order differs from their UTF-8 byte order:
// U+FF5E sorts after U+1F600's surrogates in UTF-16 but before it in UTF-8.
const ID_CHARS = ['a', 'b', 'B', '0', 'é', '\uff5e', '\u{1f600}', '-', 'z'];

function randomText(rng, maxWords) {
  const n = rng.below(maxWords + 1);
  let text = rng.chance(0.2) ? rng.pick(SEPARATORS) : '';
  for (let k = 0; k < n; k++) text += rng.pick(VOCABULARY) + rng.pick(SEPARATORS);
  return text;
}

function randomCatalog(rng, { maxProducts = 12 } = {}) {
  const count = 1 + rng.below(maxProducts);
  const ids = new Set();
  while (ids.size < count) {
    let id = '';
    const length = 1 + rng.below(4);
    for (let k = 0; k < length; k++) id += rng.pick(ID_CHARS);
    ids.add(id);
  }
  const specs = [...ids].map((id) => ({
    id,
    // Some empty word sets (nothing, or punctuation and emoji only).
    description: rng.chance(0.15) ? rng.pick(['', '!!! 🎉🎉 ...']) : randomText(rng, 8),
    name: rng.chance(0.1) ? '' : randomText(rng, 2),
    tags: rng.chance(0.5) ? [rng.pick(ATTRIBUTES), rng.pick(ATTRIBUTES)] : [],
    category: rng.chance(0.7) ? rng.pick(ATTRIBUTES) : undefined,
  }));
  // Duplicate some products' texts, so whole scores tie and identifiers decide.
  for (let k = 1; k < specs.length; k++) {
    if (rng.chance(0.3)) {
      const from = specs[rng.below(k)];
      specs[k] = { ...from, id: specs[k].id };
    }
  }
  const weights = rng.chance(0.5)
    ? { textWeight: 0.5, attributeWeight: 0.5 }
    : { textWeight: rng.next() / 2 ** 32, attributeWeight: rng.next() / 2 ** 32 };
  return makeCatalog(specs, weights);
}

const hex = ([hi, lo]) => (BigInt(hi) << 32n) | BigInt(lo);

/** Asserts that every product's fast signature equals the oracle's. */
function assertSignatures({ products, data }, iterations, context = '') {
  for (let i = 0; i < data.count; i++) {
    const want = oracleSignature(products[i].words, iterations);
    const got = [...minHashSignature(data, i, iterations)];
    assert.deepEqual(got, want, `${context} product ${i}, ${iterations} iterations`);
  }
}

// ---------------------------------------------------------------------------------------
// FNV-1a and the seeding.

test('fnv1a64 matches the published FNV-1a 64 test vectors', () => {
  assert.deepEqual(fnv1a64(utf8('')), [0xcbf29ce4, 0x84222325]);
  assert.deepEqual(fnv1a64(utf8('a')), [0xaf63dc4c, 0x8601ec8c]);
  assert.deepEqual(fnv1a64(utf8('foobar')), [0x85944171, 0xf73967e8]);
});

test('fnv1a64 returns unsigned halves', () => {
  for (const text of ['', 'a', 'foobar', 'Café 東京']) {
    const [hi, lo] = fnv1a64(utf8(text));
    for (const half of [hi, lo]) assert.ok(Number.isInteger(half) && half >= 0 && half < 2 ** 32);
  }
});

test('fnv1a64 equals the BigInt oracle on random bytes of every value', () => {
  const rng = prng(1);
  for (let trial = 0; trial < 500; trial++) {
    const bytes = Uint8Array.from({ length: rng.below(80) }, () => rng.below(256));
    assert.equal(hex(fnv1a64(bytes)), oracleFnv(bytes), `bytes ${bytes}`);
  }
  // Every byte value alone, so every carry and xor pattern of the first step is covered.
  for (let byte = 0; byte < 256; byte++) {
    assert.equal(hex(fnv1a64(Uint8Array.of(byte))), oracleFnv([byte]));
  }
});

test('seedBasis is FNV-1a over the little-endian bytes of the seed', () => {
  for (const seed of [0, 1, 7, 255, 256, 0x01020304, 65535, 99999, 0xffffffff]) {
    assert.equal(hex(seedBasis(seed)), oracleSeedBasis(seed), `seed ${seed}`);
  }
  // Little-endian: seed 1 hashes the bytes 01 00 00 00, not 00 00 00 01.
  assert.equal(hex(seedBasis(1)), oracleFnv([1, 0, 0, 0]));
  assert.notEqual(hex(seedBasis(1)), oracleFnv([0, 0, 0, 1]));
});

test('a seeded hash is plain FNV-1a of the seed bytes then the word', () => {
  // Checks the oracle's definition against src/similarity.rs's doc: hash(i, word) =
  // fnv1a64(le_bytes(i) ++ word); and the fast path's signature of a one-word set.
  const word = utf8('café');
  const { data } = makeCatalog([{ id: 'p', description: 'café' }]);
  const sig = minHashSignature(data, 0, 300);
  for (const seed of [0, 1, 255, 256, 299]) {
    const expected = hex(fnv1a64(Uint8Array.from([...leBytes(seed), ...word])));
    assert.equal(sig[seed], expected, `seed ${seed}`);
  }
});

// ---------------------------------------------------------------------------------------
// Signatures.

const ITERATION_TABLE = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 100];

test('signature equals the one-seed-at-a-time oracle on odd sizes and scripts', () => {
  const fixture = makeCatalog([
    { id: 'one', description: 'a' },
    {
      id: 'long',
      description:
        'The Essence Mascara Lash Princess is a popular mascara known for its volumizing ' +
        'and lengthening effects. Achieve dramatic lashes with this long-lasting formula.',
    },
    { id: 'scripts', description: 'Ärger über Café ١٢٣ 東京タワー 𝔘𝔫𝔦 x y z' },
    { id: 'seven', description: 'one two three four five six seven' },
  ]);
  for (const iterations of ITERATION_TABLE) {
    assertSignatures(fixture, iterations);
  }
});

test('an empty word set has the all-u64::MAX signature', () => {
  const { data } = makeCatalog([
    { id: 'empty', description: '' },
    { id: 'punctuation', description: '!!! 🎉🎉 ... --- ???' },
    { id: 'words', description: 'red lipstick' },
  ]);
  for (const iterations of [1, 5, 13]) {
    assert.deepEqual([...minHashSignature(data, 0, iterations)], Array(iterations).fill(U64_MAX));
    assert.deepEqual([...minHashSignature(data, 1, iterations)], Array(iterations).fill(U64_MAX));
    assert.ok(minHashSignature(data, 2, iterations).every((m) => m !== U64_MAX));
  }
});

// Word pairs whose seeded hashes share the high 32 bits, found once by a birthday search
// (base-36 counters): under seed `seed` only the low halves decide which is the minimum.
const HIGH_HALF_COLLISIONS = [
  [0, 'j9vx', 'uha0'], [1, '7ai', '5010'], [2, '5y2r', 'i810'], [3, 'f62z', '10i84'],
  [4, '3y1j', 'o828'], [5, 'i2jg', '1111a'], [6, '3ux7', 'py9a'], [7, '1403r', '1hg20'],
];

test('equal high halves: the minimum is decided by the low halves, unsigned', () => {
  const seededHash = (seed, word) => fnvFrom(oracleSeedBasis(seed), utf8(word));
  for (const [seed, a, b] of HIGH_HALF_COLLISIONS) {
    assert.equal(seededHash(seed, a) >> 32n, seededHash(seed, b) >> 32n, `pair ${a} ${b}`);
    assert.notEqual(seededHash(seed, a), seededHash(seed, b));
  }
  // Each pair alone in a product, and all of them in one, at sizes that put each seed in
  // every lane position of a block.
  const specs = HIGH_HALF_COLLISIONS.map(([seed, a, b]) => ({
    id: `pair${seed}`,
    description: `${a} ${b}`,
  }));
  specs.push({ id: 'all', description: HIGH_HALF_COLLISIONS.map(([, a, b]) => `${a} ${b}`).join(' ') });
  const fixture = makeCatalog(specs);
  for (const iterations of [8, 9, 11]) {
    assertSignatures(fixture, iterations);
  }
  // Minimums that agree in the high half only are not an agreement.
  for (const [seed, a, b] of HIGH_HALF_COLLISIONS) {
    const fixture = makeCatalog([{ id: 'a', description: a }, { id: 'b', description: b }]);
    for (const iterations of [seed + 1, 8, 9]) {
      const [item] = recommendJs(fixture.data, 0, iterations, 1).items;
      assert.deepStrictEqual(item, oracleRecommend(fixture, 0, iterations, 1)[0]);
      assert.equal(item.text, 0, `seed ${seed}, ${iterations} iterations`);
    }
  }
});

test('random catalogs: every signature equals the oracle', () => {
  const rng = prng(2);
  for (let trial = 0; trial < 60; trial++) {
    const fixture = randomCatalog(rng, { maxProducts: 6 });
    const iterations = 1 + rng.below(40);
    assertSignatures(fixture, iterations, `trial ${trial}:`);
  }
});

// ---------------------------------------------------------------------------------------
// Scores and rankings.

test('random catalogs: recommendJs equals the oracle, scores and ranking exactly', () => {
  const rng = prng(3);
  let tiedScores = 0;
  let truncated = 0;
  let oversized = 0;
  for (let trial = 0; trial < 400; trial++) {
    const fixture = randomCatalog(rng);
    const { data } = fixture;
    const target = rng.below(data.count);
    const iterations = rng.pick([1, 2, 3, 4, 5, 7, 8, 9, 11, 33, 1 + rng.below(70)]);
    const top = rng.pick([1, 2, 3, 5, 10, MAX_TOP]);
    const got = recommendJs(data, target, iterations, top);
    const want = oracleRecommend(fixture, target, iterations, top);
    const context = `trial ${trial}: target ${target}, ${iterations} iterations, top ${top}`;
    assert.deepStrictEqual(got.items, want, context);
    assert.equal(got.candidates, data.count - 1);
    for (let k = 1; k < want.length; k++) if (want[k].score === want[k - 1].score) tiedScores++;
    if (top < data.count - 1) truncated++;
    if (top > data.count - 1) oversized++;
  }
  // The random catalogs did exercise what this test is for.
  assert.ok(tiedScores > 100, `only ${tiedScores} ties`);
  assert.ok(truncated > 50 && oversized > 50, `${truncated} truncated, ${oversized} oversized`);
});

test('text similarity of the Rust doc example: identical words agree fully', () => {
  const { data } = makeCatalog([
    { id: 'a', description: 'soft red cotton scarf', name: 'x' },
    { id: 'b', description: 'Soft, red cotton scarf!', name: 'y' },
    { id: 'c', description: 'steel hammer', name: 'z' },
  ]);
  const { items } = recommendJs(data, 0, 200, 10);
  assert.deepEqual(items.map((item) => item.index), [1, 2]);
  assert.equal(items[0].text, 1);
  assert.ok(items[1].text < 0.1);
  assert.equal(items[0].attribute, 0);
  assert.equal(items[0].score, 0.5);
});

test('the same words agree on every component at every size, whole blocks or not', () => {
  // Exactly 1, never more or less: the last, padded block counts only its real lanes, and
  // the denominator is the iteration count.
  const { data } = makeCatalog([
    { id: 'target', description: 'matte red lipstick, long lasting' },
    { id: 'twin', description: 'Lasting long lipstick red matte' },
  ]);
  for (let iterations = 1; iterations <= 19; iterations++) {
    const [item] = recommendJs(data, 0, iterations, 1).items;
    assert.equal(item.text, 1, `${iterations} iterations`);
  }
});

test('attribute similarity is the exact Jaccard of the interned words', () => {
  const { data } = makeCatalog([
    { id: 't', description: '', name: 'one two three four' },
    { id: 'u', description: '', name: 'two four six' },
    { id: 'v', description: '', name: 'One TWO three four' },
    { id: 'w', description: '', name: '' },
  ]);
  const { items } = recommendJs(data, 0, 7, 10);
  assert.deepStrictEqual(items.map(({ index, attribute, text }) => [index, attribute, text]), [
    [2, 1, 0],
    [1, 2 / 5, 0],
    [3, 0, 0],
  ]);
  // Two empty attribute sets: 0, never NaN.
  const lone = makeCatalog([
    { id: 'p', description: 'x', name: '' },
    { id: 'q', description: 'y', name: '' },
  ]);
  assert.equal(recommendJs(lone.data, 0, 3, 1).items[0].attribute, 0);
});

test('the score is textWeight * text + attributeWeight * attribute', () => {
  const weights = { textWeight: 0.1, attributeWeight: 0.7 };
  const { data } = makeCatalog([
    { id: 't', description: 'alpha beta gamma', name: 'one two three' },
    { id: 'c', description: 'alpha beta delta', name: 'one two four' },
  ], weights);
  const [item] = recommendJs(data, 0, 37, 1).items;
  assert.equal(item.attribute, 2 / 4);
  assert.equal(item.score, weights.textWeight * item.text + weights.attributeWeight * item.attribute);
  assert.ok(item.text > 0 && item.text < 1, `text ${item.text}`);
});

test('empty word sets give text similarity 0 on either side', () => {
  // Only "full" has words, so every pair has an empty side; attributes all agree.
  const { data } = makeCatalog([
    { id: 'empty', description: '!!! ...', name: 'kit' },
    { id: 'full', description: 'red lipstick', name: 'kit' },
    { id: 'also-empty', description: '', name: 'kit' },
  ]);
  for (const target of [0, 1, 2]) {
    const { items } = recommendJs(data, target, 13, 5);
    assert.equal(items.length, 2);
    for (const item of items) {
      assert.equal(item.text, 0, `target ${target}, candidate ${item.index}`);
      assert.equal(item.attribute, 1);
    }
  }
});

test('ties are broken by identifier UTF-8 bytes (idOrder), not by index or UTF-16', () => {
  // All candidates score the same. UTF-8 byte order: "a" < "b" < "é" < "～" < "😀";
  // UTF-16 would put "😀" (a surrogate pair, 0xD83D...) before "～" (0xFF5E).
  const ids = ['😀', 'target', '～', 'é', 'b', 'a'];
  const { data } = makeCatalog(ids.map((id) => ({ id, description: 'same words', name: 'same' })));
  const { items } = recommendJs(data, 1, 11, 10);
  assert.deepEqual(items.map((item) => ids[item.index]), ['a', 'b', 'é', '～', '😀']);
  assert.deepEqual(['～', '😀'].sort(), ['😀', '～'], 'UTF-16 order differs here, as claimed');
  assert.deepEqual(items.map((item) => item.rank), [1, 2, 3, 4, 5]);
  // The tie-break reads idOrder, whatever it says.
  const reversed = { ...data, idOrder: data.idOrder.map((rank) => data.count - 1 - rank) };
  assert.deepEqual(recommendJs(reversed, 1, 11, 10).items.map((item) => ids[item.index]),
    ['😀', '～', 'é', 'b', 'a']);
});

test('top larger than the candidates returns every candidate, ranked from 1', () => {
  const { data } = makeCatalog([
    { id: 'p', description: 'red lipstick' },
    { id: 'q', description: 'red scarf' },
    { id: 'r', description: 'steel hammer' },
  ]);
  const result = recommendJs(data, 2, 50, MAX_TOP);
  assert.equal(result.candidates, 2);
  assert.deepEqual(result.items.map((item) => item.rank), [1, 2]);
  assert.deepEqual(result.items.map((item) => item.index).sort(), [0, 1]);
});

test('a single-product catalog has no candidates and no items', () => {
  const { data } = makeCatalog([{ id: 'only', description: 'red lipstick' }]);
  const result = recommendJs(data, 0, 10, 5);
  assert.deepEqual(result.items, []);
  assert.equal(result.candidates, 0);
});

test('the Rust recommend_serial doc example: pink lipstick ranks first', () => {
  const { data } = makeCatalog([
    { id: 'red-lipstick', name: 'red-lipstick', category: 'beauty', description: 'matte red lipstick' },
    { id: 'claw-hammer', name: 'claw-hammer', category: 'tools', description: 'steel claw hammer' },
    {
      id: 'pink-lipstick',
      name: 'pink-lipstick',
      category: 'beauty',
      description: 'glossy pink lipstick',
    },
  ]);
  const { items } = recommendJs(data, 0, 1500, 1);
  assert.equal(items.length, 1);
  assert.equal(items[0].index, 2);
});

test('a result has the documented shape and non-negative phase times', () => {
  const { data } = makeCatalog([
    { id: 'p', description: 'red lipstick' },
    { id: 'q', description: 'red scarf' },
  ]);
  const result = recommendJs(data, 0, 9, 3);
  assert.deepEqual(Object.keys(result).sort(), ['candidates', 'items', 'rankMs', 'scoreMs']);
  assert.deepEqual(Object.keys(result.items[0]).sort(), ['attribute', 'index', 'rank', 'score', 'text']);
  for (const ms of [result.scoreMs, result.rankMs]) assert.ok(Number.isFinite(ms) && ms >= 0, `${ms}`);
});

test('queries out of range are rejected in Rust\'s order: iterations, top, target', () => {
  const { data } = makeCatalog([
    { id: 'p', description: 'red lipstick' },
    { id: 'q', description: 'red scarf' },
  ]);
  const rejects = (args, message) =>
    assert.throws(() => recommendJs(data, ...args), { name: 'RangeError', message });
  rejects([0, 0, 10], /iterations/);
  rejects([0, MAX_ITERATIONS + 1, 10], /iterations/);
  rejects([0, 1.5, 10], /iterations/);
  rejects([0, 10, 0], /top/);
  rejects([0, 10, MAX_TOP + 1], /top/);
  rejects([2, 10, 1], /targetIndex/);
  rejects([-1, 10, 1], /targetIndex/);
  rejects([9, 0, 0], /iterations/);
  rejects([9, 10, 0], /top/);
  assert.throws(() => recommendJs({ ...data, textWeight: NaN }, 0, 10, 1), { name: 'RangeError' });
  assert.equal(recommendJs(data, 1, MAX_ITERATIONS, MAX_TOP).items.length, 1);
});
