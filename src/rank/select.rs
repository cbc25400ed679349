//! The top K: a bounded selection in the ranking order, serial or per thread and merged.
//!
//! The ranking order is score descending, then identifier ascending in byte order. The
//! identifier comparison is the catalog's integer [`Catalog::id_rank`], computed once
//! per catalog, so a tie (common: scores are quantized) costs one integer comparison,
//! not two string lookups. The selection keeps the best `top` seen so far in a binary
//! heap whose root is the worst of them: a candidate that does not beat the root, which
//! is almost every one, costs one comparison and no copy. O(n log K) at worst.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::{CandidateScore, Recommendation, Scores};
use crate::catalog::Catalog;

/// A candidate in the selection, ordered so that the heap's greatest is the worst kept.
#[derive(Debug, Clone, Copy)]
struct Kept {
    candidate: CandidateScore,
    id_rank: u32,
}

impl Kept {
    fn new(catalog: &Catalog, candidate: &CandidateScore) -> Kept {
        Kept {
            candidate: *candidate,
            id_rank: catalog.id_rank(candidate.index as usize),
        }
    }
}

impl Ord for Kept {
    /// Greater means later in the ranking: a lower score, or an equal score and a later
    /// identifier. Scores are never NaN; `total_cmp` keeps the order total regardless.
    fn cmp(&self, other: &Kept) -> Ordering {
        other
            .candidate
            .score
            .total_cmp(&self.candidate.score)
            .then(self.id_rank.cmp(&other.id_rank))
    }
}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Kept) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Kept) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Kept {}

/// The best `top` candidates seen so far.
struct Best {
    top: usize,
    heap: BinaryHeap<Kept>,
}

impl Best {
    fn new(top: usize) -> Best {
        Best {
            top,
            heap: BinaryHeap::with_capacity(top.min(4096) + 1),
        }
    }

    #[inline]
    fn offer(&mut self, kept: Kept) {
        if self.heap.len() < self.top {
            self.heap.push(kept);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && kept < *worst
        {
            *worst = kept;
        }
    }

    fn offer_all(mut self, catalog: &Catalog, candidates: &[CandidateScore]) -> Best {
        for candidate in candidates {
            // The cheap test first: a lower score than the worst kept never enters.
            if self.heap.len() == self.top
                && let Some(worst) = self.heap.peek()
                && candidate.score < worst.candidate.score
            {
                continue;
            }
            self.offer(Kept::new(catalog, candidate));
        }
        self
    }

    fn merge(mut self, other: Best) -> Best {
        for kept in other.heap {
            self.offer(kept);
        }
        self
    }

    /// The kept candidates, best first, as recommendations ranked from 1.
    fn into_recommendations(self, catalog: &Catalog) -> Vec<Recommendation> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .zip(1u32..)
            .map(|(kept, rank)| {
                let candidate = kept.candidate;
                let product = catalog.product(candidate.index as usize);
                Recommendation {
                    rank,
                    index: candidate.index,
                    id: product.id.to_string(),
                    name: product.name.to_string(),
                    category: product.category.map(str::to_string),
                    score: candidate.score,
                    text: candidate.text,
                    attribute: candidate.attribute,
                }
            })
            .collect()
    }
}

/// Returns the best `top` candidates of `scores`, ranked.
///
/// Order: score descending, then identifier ascending by bytes, a total order, so the
/// result is deterministic. Returns `min(top, candidates)` entries, ranks from 1. A
/// bounded selection on the calling thread: no copy of the candidates.
///
/// # Examples
/// ```
/// use shop_recs::rank::{Query, score_serial, top_k};
/// use shop_recs::{Catalog, Product};
///
/// let product = |id: &str, description: &str| Product::new(id, id, description);
/// let catalog = Catalog::from_products(vec![
///     product("target", "red cotton scarf"),
///     product("other", "steel hammer"),
///     product("close", "red cotton scarf"),
/// ])?;
/// let scores = score_serial(&catalog, &Query::new("target"))?;
/// let best = top_k(&catalog, &scores, 5);
/// assert_eq!(best.len(), 2);
/// assert_eq!((best[0].rank, best[0].id.as_str()), (1, "close"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn top_k(catalog: &Catalog, scores: &Scores, top: usize) -> Vec<Recommendation> {
    if top == 0 {
        return Vec::new();
    }
    Best::new(top)
        .offer_all(catalog, &scores.candidates)
        .into_recommendations(catalog)
}

/// Candidates per piece of the parallel selection: enough that a piece's own top K is
/// cheap beside its selection.
const PIECE: usize = 16 * 1024;

/// [`top_k`] on the current rayon pool: each piece of the candidates is selected on its
/// own, and the pieces' top Ks are merged. The same result as [`top_k`], exactly.
pub fn top_k_parallel(catalog: &Catalog, scores: &Scores, top: usize) -> Vec<Recommendation> {
    if top == 0 {
        return Vec::new();
    }
    scores
        .candidates
        .par_chunks(PIECE)
        .map(|piece| Best::new(top).offer_all(catalog, piece))
        .reduce_with(Best::merge)
        .unwrap_or_else(|| Best::new(top))
        .into_recommendations(catalog)
}
