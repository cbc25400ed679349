// The Workers mode's arithmetic, in one place: merging the share workers' own rankings
// into the catalog's, and how unevenly the work fell. No DOM and no wasm.
//
// Each share worker ranks its share of the candidates with the core's total order (score
// descending, then identifier ascending in UTF-8 byte order) and returns its own top K.
// Every candidate is in exactly one share, so the serial top K's members are each in
// their own share's top K: the K best of all the lists, in the same order, are exactly
// the serial ranking. `idOrder` (the Engine's token data) is each product's rank in
// identifier byte order, which is the tie-break as an integer: JavaScript's own string
// order (UTF-16 code units) differs from byte order past U+FFFF.

/**
 * The `top` best items of `lists` (arrays of `{ index, score, ... }`, each in ranking
 * order or not), in ranking order, ranked again from 1. Items are copied, not changed.
 * Two items with the same catalog index are a bug in the split, and throw.
 */
export function mergeRankings(lists, idOrder, top) {
  const all = lists.flat();
  all.sort((a, b) => b.score - a.score || idOrder[a.index] - idOrder[b.index]);
  for (let k = 1; k < all.length; k++) {
    if (all[k].index === all[k - 1].index) {
      throw new Error(`product ${all[k].index} was ranked by two workers: the split gave it twice`);
    }
  }
  return all.slice(0, top).map((item, k) => ({ ...item, rank: k + 1 }));
}

/**
 * How unevenly the work fell: the slowest worker's busy time ÷ the mean (1 when even;
 * N when one of N workers did everything). 1 for no or idle workers.
 */
export function imbalance(busyMs) {
  if (busyMs.length === 0) return 1;
  const mean = busyMs.reduce((a, b) => a + b, 0) / busyMs.length;
  return mean > 0 ? Math.max(...busyMs) / mean : 1;
}

/** The splits the page offers, and the one it uses unless told otherwise. */
export const SPLITS = Object.freeze(['interleaved', 'blocks', 'balanced']);
export const DEFAULT_SPLIT = 'interleaved';
