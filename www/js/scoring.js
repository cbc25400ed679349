// The recommendation scoring of src/similarity.rs and src/rank.rs, in plain JavaScript.
//
// The page times this beside the wasm kernel, so it has to be two things at once:
// bit-identical to Rust's `rank::recommend_serial` (same rankings, same f64 scores by ===),
// and as fast as plain JavaScript reasonably gets, so the wasm-versus-JS figure is honest.
//
// It reads the prepared token data the wasm Engine exports once per catalog load (the
// mirror of Rust's `Catalog`: `description_words(i)` and `attribute_words(i)`); it never
// tokenizes. No DOM, and no import but the core's limits (limits.js): it runs in a module
// worker and in node alike.
//
// # 64-bit FNV-1a without BigInt
// A u64 is a pair of 32-bit halves (hi, lo). FNV_PRIME = 2^40 + 0x1b3, so one step
// `h = (h ^ byte) * FNV_PRIME mod 2^64`, with x = lo ^ byte, is
//
//   lo' = low 32 bits of x * 0x1b3                      = Math.imul(x, 0x1b3)
//   hi' = hi * 0x1b3 + (x << 8) + carry      (mod 2^32), carry = floor(x * 0x1b3 / 2^32)
//
// where `x << 8` is the x * 2^40 term seen from the high half. x * 0x1b3 < 2^41 is exact in
// a double, and so is its product with CARRY_SCALE = 0x1b3 / 2^32 (a 9-bit integer times a
// power of two), so `(x >>> 0) * CARRY_SCALE | 0` is the carry exactly: one multiply and
// one truncation, measured faster than splitting x into 16-bit halves. Halves are kept as
// int32 (`| 0`), which V8 keeps in registers.
//
// Unsigned 64-bit order is (hi, lo) compared as unsigned. Minimums and the target
// signature are stored "biased" (each half xor 0x80000000), so that plain signed int32
// comparisons give that unsigned order; two biased values are equal exactly when the
// unbiased ones are.
//
// # Speed
// Like Rust's kernel (src/similarity.rs, LANES), LANES seeds are hashed side by side in
// one pass over a word's bytes: their multiply chains are independent, so the CPU
// overlaps them. A candidate's signature is streamed block by block against the target
// signature and never stored, and every array is allocated once per run. LANES = 4 keeps
// the 8 running halves in registers on x86-64; 8 lanes spilled and were no faster in node.
import { MAX_ITERATIONS, MAX_TOP } from './limits.js';

/** 64-bit FNV-1a offset basis, as halves. */
const FNV_OFFSET_HI = 0xcbf29ce4 | 0;
const FNV_OFFSET_LO = 0x84222325 | 0;

/** Low part of FNV_PRIME = 2^40 + 0x1b3. */
const PRIME_LOW = 0x1b3;

/** 0x1b3 / 2^32, exact in a double: `x * CARRY_SCALE | 0` is floor(x * 0x1b3 / 2^32). */
const CARRY_SCALE = 0x1b3 / 4294967296;

/** Seeds hashed side by side; see "Speed" above. The kernel below is written for 4. */
const LANES = 4;

/** Xor this into a half to turn unsigned order into signed int32 order. */
const BIAS = 0x80000000 | 0;

/** Limits of a query: the core's (limits.js). */
export { MAX_ITERATIONS, MAX_TOP };

/**
 * Returns 64-bit FNV-1a of `bytes` (a Uint8Array) from the offset basis, as
 * `[hi, lo]`: two unsigned 32-bit numbers, hi * 2^32 + lo.
 *
 * `fnv1a64(new TextEncoder().encode('a'))` is `[0xaf63dc4c, 0x8601ec8c]`.
 */
export function fnv1a64(bytes) {
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  for (let b = 0; b < bytes.length; b++) {
    const x = lo ^ bytes[b];
    lo = Math.imul(x, PRIME_LOW);
    hi = (Math.imul(hi, PRIME_LOW) + (x << 8) + (((x >>> 0) * CARRY_SCALE) | 0)) | 0;
  }
  return [hi >>> 0, lo >>> 0];
}

/**
 * Returns Rust's `similarity::seed_basis(seed)` as `[hi, lo]` (unsigned 32-bit halves):
 * FNV-1a over the 4 little-endian bytes of `seed` (a u32), from the offset basis.
 */
export function seedBasis(seed) {
  return fnv1a64(leBytes(seed));
}

function leBytes(seed) {
  return new Uint8Array([seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff, seed >>> 24]);
}

/**
 * Fills `bases` (an Int32Array of 2 * padded entries, hi then lo per seed) with the
 * seed bases (unbiased halves) of seeds 0..iterations-1, then pads it to `padded` seeds by
 * repeating the last basis, as Rust pads its last block.
 */
function fillSeedBases(bases, iterations, padded) {
  for (let seed = 0; seed < iterations; seed++) {
    let hi = FNV_OFFSET_HI;
    let lo = FNV_OFFSET_LO;
    for (let shift = 0; shift < 32; shift += 8) {
      const x = lo ^ ((seed >>> shift) & 0xff);
      lo = Math.imul(x, PRIME_LOW);
      hi = (Math.imul(hi, PRIME_LOW) + (x << 8) + (((x >>> 0) * CARRY_SCALE) | 0)) | 0;
    }
    bases[2 * seed] = hi;
    bases[2 * seed + 1] = lo;
  }
  for (let seed = iterations; seed < padded; seed++) {
    bases[2 * seed] = bases[2 * iterations - 2];
    bases[2 * seed + 1] = bases[2 * iterations - 1];
  }
}

/**
 * The kernel: MinHash of the words `bytes[start..]`, split by `ends[endFrom..endTo]`
 * (offsets relative to `start`), under the first `iterations` seeds of `bases`, streamed
 * LANES seeds at a time.
 *
 * With `store`, writes the biased signature into `signature` (2 * iterations entries:
 * hi, lo per component) and returns 0. Without, compares each component as it is made
 * with `signature` and returns how many agree, storing nothing. With no words every
 * minimum stays u64::MAX (biased: 0x7fffffff, 0x7fffffff).
 *
 * One function for both, so that the hot path makes no call per block; `bases` is padded
 * to whole blocks, and the lanes past `iterations` in the last block are ignored.
 */
function minHash(bytes, start, ends, endFrom, endTo, bases, iterations, signature, store) {
  let agreements = 0;
  for (let first = 0; first < iterations; first += LANES) {
    // The four lanes' bases, and their running minimums (biased).
    const b0h = bases[2 * first], b0l = bases[2 * first + 1];
    const b1h = bases[2 * first + 2], b1l = bases[2 * first + 3];
    const b2h = bases[2 * first + 4], b2l = bases[2 * first + 5];
    const b3h = bases[2 * first + 6], b3l = bases[2 * first + 7];
    let m0h = 0x7fffffff, m0l = 0x7fffffff, m1h = 0x7fffffff, m1l = 0x7fffffff;
    let m2h = 0x7fffffff, m2l = 0x7fffffff, m3h = 0x7fffffff, m3l = 0x7fffffff;
    let from = start;
    for (let w = endFrom; w < endTo; w++) {
      const to = start + ends[w];
      let h0 = b0h, l0 = b0l, h1 = b1h, l1 = b1l, h2 = b2h, l2 = b2l, h3 = b3h, l3 = b3l;
      for (let b = from; b < to; b++) {
        const y = bytes[b];
        let x = l0 ^ y;
        l0 = Math.imul(x, PRIME_LOW);
        h0 = (Math.imul(h0, PRIME_LOW) + (x << 8) + (((x >>> 0) * CARRY_SCALE) | 0)) | 0;
        x = l1 ^ y;
        l1 = Math.imul(x, PRIME_LOW);
        h1 = (Math.imul(h1, PRIME_LOW) + (x << 8) + (((x >>> 0) * CARRY_SCALE) | 0)) | 0;
        x = l2 ^ y;
        l2 = Math.imul(x, PRIME_LOW);
        h2 = (Math.imul(h2, PRIME_LOW) + (x << 8) + (((x >>> 0) * CARRY_SCALE) | 0)) | 0;
        x = l3 ^ y;
        l3 = Math.imul(x, PRIME_LOW);
        h3 = (Math.imul(h3, PRIME_LOW) + (x << 8) + (((x >>> 0) * CARRY_SCALE) | 0)) | 0;
      }
      from = to;
      h0 ^= BIAS; l0 ^= BIAS; h1 ^= BIAS; l1 ^= BIAS;
      h2 ^= BIAS; l2 ^= BIAS; h3 ^= BIAS; l3 ^= BIAS;
      if (h0 < m0h || (h0 === m0h && l0 < m0l)) { m0h = h0; m0l = l0; }
      if (h1 < m1h || (h1 === m1h && l1 < m1l)) { m1h = h1; m1l = l1; }
      if (h2 < m2h || (h2 === m2h && l2 < m2l)) { m2h = h2; m2l = l2; }
      if (h3 < m3h || (h3 === m3h && l3 < m3l)) { m3h = h3; m3l = l3; }
    }
    const s = 2 * first;
    const real = iterations - first; // lanes of this block that are components, >= 1
    if (store) {
      signature[s] = m0h; signature[s + 1] = m0l;
      if (real > 1) { signature[s + 2] = m1h; signature[s + 3] = m1l; }
      if (real > 2) { signature[s + 4] = m2h; signature[s + 5] = m2l; }
      if (real > 3) { signature[s + 6] = m3h; signature[s + 7] = m3l; }
    } else {
      if (m0h === signature[s] && m0l === signature[s + 1]) agreements++;
      if (real > 1 && m1h === signature[s + 2] && m1l === signature[s + 3]) agreements++;
      if (real > 2 && m2h === signature[s + 4] && m2l === signature[s + 5]) agreements++;
      if (real > 3 && m3h === signature[s + 6] && m3l === signature[s + 7]) agreements++;
    }
  }
  return agreements;
}

/**
 * The run's fixed state, each array allocated once: the seed bases (padded to whole
 * blocks) and the target's biased signature (2 * iterations entries).
 */
function textScorer(data, target, iterations) {
  const padded = Math.ceil(iterations / LANES) * LANES;
  const bases = new Int32Array(2 * padded);
  fillSeedBases(bases, iterations, padded);
  const signature = new Int32Array(2 * iterations);
  const { bytes, ends, byteStarts, endStarts } = data;
  minHash(bytes, byteStarts[target], ends, endStarts[target], endStarts[target + 1],
    bases, iterations, signature, true);
  // Rust's `text_similarity` gives 0 when the target signature is that of an empty set
  // (all u64::MAX), even if the target has words whose every minimum is u64::MAX.
  let allMax = true;
  for (let k = 0; k < signature.length && allMax; k++) allMax = signature[k] === 0x7fffffff;
  return { bases, signature, iterations, allMax };
}

/**
 * Rust's `text_similarity`: the share of the target signature's components on which the
 * candidate's (streamed, never stored) signature agrees; 0 when either set is empty.
 */
function textSimilarity(scorer, data, candidate) {
  const endFrom = data.endStarts[candidate];
  const endTo = data.endStarts[candidate + 1];
  if (endFrom === endTo || scorer.allMax) return 0;
  const agreements = minHash(data.bytes, data.byteStarts[candidate], data.ends, endFrom, endTo,
    scorer.bases, scorer.iterations, scorer.signature, false);
  return agreements / scorer.iterations;
}

/**
 * Rust's `attribute_similarity`: |a ∩ b| / |a ∪ b| of two sorted distinct id slices of
 * `ids`, by one merge pass; 0 when the union is empty.
 */
function attributeSimilarity(ids, aFrom, aTo, bFrom, bTo) {
  let i = aFrom;
  let j = bFrom;
  let common = 0;
  while (i < aTo && j < bTo) {
    const a = ids[i];
    const b = ids[j];
    if (a < b) i++;
    else if (a > b) j++;
    else {
      common++;
      i++;
      j++;
    }
  }
  const union = aTo - aFrom + (bTo - bFrom) - common;
  return union === 0 ? 0 : common / union;
}

/**
 * Returns the MinHash signature of product `index`'s description words, as Rust's
 * `similarity::signature(words, &seed_bases(iterations))`: a BigUint64Array of
 * `iterations` components (u64::MAX everywhere when the product has no words).
 *
 * For tests and inspection; the scoring path never stores a candidate's signature.
 */
export function minHashSignature(data, index, iterations) {
  checkIndex(data, index, 'index');
  checkIterations(iterations);
  const { signature: biased } = textScorer(data, index, iterations);
  const out = new BigUint64Array(iterations);
  for (let k = 0; k < iterations; k++) {
    const hi = (biased[2 * k] ^ BIAS) >>> 0;
    const lo = (biased[2 * k + 1] ^ BIAS) >>> 0;
    out[k] = (BigInt(hi) << 32n) | BigInt(lo);
  }
  return out;
}

/**
 * Rust's ranking order (`rank::ranking_order`) on candidate indices `a` and `b`: negative
 * when `a` ranks first. Score descending, then identifier ascending by UTF-8 bytes, which
 * `idOrder` encodes. A total order: identifiers are unique, so no two candidates tie.
 *
 * Rust compares scores with `f64::total_cmp`, which differs from `<` and `===` only on NaN
 * and on -0 against +0. Neither occurs: weights are checked finite and similarities lie in
 * 0..=1, so no score is NaN; and a score is -0 only when both of its products are -0,
 * which needs both weights negative (or -0), and then no score is +0.
 */
function rankingOrder(scores, idOrder, a, b) {
  const sa = scores[a];
  const sb = scores[b];
  if (sa !== sb) return sa > sb ? -1 : 1;
  return idOrder[a] - idOrder[b];
}

/**
 * Keeps the best `keep` of the `count` products except `target` in a heap whose root is
 * the worst kept, then returns them ranked. O(n log keep); ties never depend on the scan
 * order, because the order is total.
 */
function selectTop(scores, idOrder, count, target, keep) {
  const heap = new Uint32Array(keep);
  let size = 0;
  for (let c = 0; c < count; c++) {
    if (c === target) continue;
    if (size < keep) {
      // Sift up: a parent must rank after (be worse than) its children.
      let k = size++;
      while (k > 0) {
        const parent = (k - 1) >> 1;
        if (rankingOrder(scores, idOrder, heap[parent], c) > 0) break;
        heap[k] = heap[parent];
        k = parent;
      }
      heap[k] = c;
    } else if (rankingOrder(scores, idOrder, c, heap[0]) < 0) {
      // Better than the worst kept: replace the root and sift down.
      let k = 0;
      for (;;) {
        let child = 2 * k + 1;
        if (child >= keep) break;
        if (child + 1 < keep && rankingOrder(scores, idOrder, heap[child + 1], heap[child]) > 0) {
          child++;
        }
        if (rankingOrder(scores, idOrder, heap[child], c) < 0) break;
        heap[k] = heap[child];
        k = child;
      }
      heap[k] = c;
    }
  }
  return Array.from(heap).sort((a, b) => rankingOrder(scores, idOrder, a, b));
}

function checkIndex(data, index, what) {
  if (!Number.isInteger(index) || index < 0 || index >= data.count) {
    throw new RangeError(`${what} must be a product index below ${data.count}, got ${index}`);
  }
}

function checkIterations(iterations) {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be between 1 and ${MAX_ITERATIONS}, got ${iterations}`);
  }
}

/**
 * Recommends the `top` products most similar to product `targetIndex`, exactly as Rust's
 * `rank::recommend_serial` does, on the calling thread.
 *
 * Every product except the target is scored (`score = textWeight * text +
 * attributeWeight * attribute`, in that order, as Rust's `combined_score`) and ranked by
 * score descending, then identifier ascending by UTF-8 bytes (`idOrder`). Returns
 * `{ items, scoreMs, rankMs, candidates }`: `items` is the best `min(top, candidates)`
 * as `{ rank (from 1), index, score, text, attribute }`, `scoreMs` the
 * `performance.now()` time of signatures and scoring, `rankMs` that of selecting,
 * sorting and building `items`, and `candidates` the number of products scored.
 *
 * Throws a RangeError, checked in this order, when `iterations` is outside
 * 1..MAX_ITERATIONS, `top` outside 1..MAX_TOP, `targetIndex` not a product index, or a
 * weight not finite.
 */
export function recommendJs(data, targetIndex, iterations, top) {
  checkIterations(iterations);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
    throw new RangeError(`top must be between 1 and ${MAX_TOP}, got ${top}`);
  }
  checkIndex(data, targetIndex, 'targetIndex');
  const { count, attrIds, attrStarts, idOrder, textWeight, attributeWeight } = data;
  if (!Number.isFinite(textWeight) || !Number.isFinite(attributeWeight)) {
    throw new RangeError(`weights must be finite, got ${textWeight} and ${attributeWeight}`);
  }

  const started = performance.now();
  const scorer = textScorer(data, targetIndex, iterations);
  // Indexed by catalog index; the target's slots stay unused.
  const texts = new Float64Array(count);
  const attributes = new Float64Array(count);
  const scores = new Float64Array(count);
  const aFrom = attrStarts[targetIndex];
  const aTo = attrStarts[targetIndex + 1];
  for (let c = 0; c < count; c++) {
    if (c === targetIndex) continue;
    const text = textSimilarity(scorer, data, c);
    const attribute = attributeSimilarity(attrIds, aFrom, aTo, attrStarts[c], attrStarts[c + 1]);
    texts[c] = text;
    attributes[c] = attribute;
    scores[c] = textWeight * text + attributeWeight * attribute;
  }
  const scored = performance.now();

  const candidates = count - 1;
  const keep = Math.min(top, candidates);
  const items = [];
  if (keep > 0) {
    const ranked = selectTop(scores, idOrder, count, targetIndex, keep);
    for (let r = 0; r < ranked.length; r++) {
      const index = ranked[r];
      items.push({
        rank: r + 1,
        index,
        score: scores[index],
        text: texts[index],
        attribute: attributes[index],
      });
    }
  }
  const finished = performance.now();
  return { items, scoreMs: scored - started, rankMs: finished - scored, candidates };
}
