//! One worker's share of the candidates, for share-nothing parallelism: N independent
//! scorers (the page's Workers mode: N single-thread wasm instances, each with its own
//! copy of the catalog) each score a [`Share`] and return their own top K, and the K best
//! of those, merged in the ranking order, are exactly the serial ranking.
//!
//! Why that holds: every candidate belongs to exactly one share ([`Share::positions`]), a
//! candidate's scores do not depend on who computes them, and the ranking order is a total
//! order. So the serial top K's members are each in their own share's top K, and nothing
//! outside the union of the shares' top Ks can outrank them.

use std::fmt;

use super::pieces::cost_bounds;
use super::{
    CandidateScore, Query, QueryError, Scores, TextScorer, attribute_score, candidate_index,
    resolve_target,
};
use crate::catalog::Catalog;
use crate::similarity::{Kernel, combined_score};

/// How the candidates are dealt to the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Worker `w` of `n` takes the `w`-th of `n` contiguous blocks of (nearly) equal
    /// length: what a first attempt does, and unbalanced when costly candidates cluster.
    Blocks,
    /// Candidate `k` goes to worker `k mod n`: costly candidates that cluster are spread.
    Interleaved,
    /// Contiguous blocks of nearly equal estimated cost (each candidate's description
    /// word count plus one, as the pool's pieces are cut): the blocks of a skewed catalog
    /// are short where the costly candidates cluster.
    Balanced,
}

impl Split {
    /// `"blocks"`, `"interleaved"` or `"balanced"`, as the page's URL and the CLI spell it.
    pub fn name(self) -> &'static str {
        match self {
            Split::Blocks => "blocks",
            Split::Interleaved => "interleaved",
            Split::Balanced => "balanced",
        }
    }

    /// The split named `name` (see [`Split::name`]).
    pub fn from_name(name: &str) -> Option<Split> {
        [Split::Blocks, Split::Interleaved, Split::Balanced]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// Why a [`Share`] cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// `workers` is 0.
    NoWorkers,
    /// `worker` is not below `workers`.
    WorkerOutOfRange { worker: usize, workers: usize },
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::NoWorkers => f.write_str("a split needs at least one worker"),
            ShareError::WorkerOutOfRange { worker, workers } => write!(
                f,
                "worker {worker} does not exist: the split has {workers} workers, numbered from 0"
            ),
        }
    }
}

impl std::error::Error for ShareError {}

/// Worker `worker`'s share of the candidates when they are split `split` among `workers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    worker: usize,
    workers: usize,
    split: Split,
}

impl Share {
    /// The share of worker `worker` (from 0) of `workers`.
    ///
    /// # Errors
    /// [`ShareError::NoWorkers`] when `workers` is 0, [`ShareError::WorkerOutOfRange`] when
    /// `worker >= workers`.
    pub fn new(worker: usize, workers: usize, split: Split) -> Result<Share, ShareError> {
        if workers == 0 {
            return Err(ShareError::NoWorkers);
        }
        if worker >= workers {
            return Err(ShareError::WorkerOutOfRange { worker, workers });
        }
        Ok(Share {
            worker,
            workers,
            split,
        })
    }

    /// The candidate positions (`0..candidates`: every product except the target, in
    /// catalog order) this share scores, ascending. Over `worker = 0..workers` these are
    /// disjoint and cover `0..candidates`; a worker may get none when there are more
    /// workers than candidates.
    ///
    /// [`Split::Balanced`] needs the candidates' costs: this gives its share as
    /// [`Split::Blocks`] would; [`Share::positions_in`] gives the balanced one.
    ///
    /// # Examples
    /// ```
    /// use shop_recs::rank::{Share, Split};
    ///
    /// let second = |split| Share::new(1, 3, split).unwrap().positions(7).collect::<Vec<_>>();
    /// assert_eq!(second(Split::Interleaved), [1, 4]);
    /// assert_eq!(second(Split::Blocks), [2, 3]);
    /// ```
    pub fn positions(&self, candidates: usize) -> impl Iterator<Item = usize> + use<> {
        let (start, end, step) = match self.split {
            Split::Interleaved => (self.worker, candidates, self.workers),
            // Block boundaries at floor(w * c / n): sizes differ by at most one. In u128 so
            // that the product cannot overflow.
            Split::Blocks | Split::Balanced => {
                let bound =
                    |w: usize| (w as u128 * candidates as u128 / self.workers as u128) as usize;
                (bound(self.worker), bound(self.worker + 1), 1)
            }
        };
        (start.min(end)..end).step_by(step)
    }

    /// [`Share::positions`] for the candidates of `target` in `catalog`: the same, except
    /// that a [`Split::Balanced`] share is cut by the candidates' estimated costs
    /// (`rank::Pieces::ByCost`'s cuts, with one piece per worker). Disjoint and covering
    /// over `worker = 0..workers`, like [`Share::positions`].
    pub fn positions_in(
        &self,
        catalog: &Catalog,
        target: usize,
    ) -> Box<dyn Iterator<Item = usize> + '_> {
        match self.split {
            Split::Balanced => {
                let bounds = cost_bounds(catalog, target, self.workers);
                Box::new(bounds[self.worker]..bounds[self.worker + 1])
            }
            _ => Box::new(self.positions(catalog.len() - 1)),
        }
    }
}

/// Scores the candidates of `share` against the query's target on the calling thread.
///
/// The same validation, the same per-candidate scores (bit for bit) as
/// [`super::score_serial`]; the result holds only this share's candidates, in catalog
/// order, so [`super::top_k`] of it is this share's own top K in the ranking order.
///
/// # Examples
/// ```
/// use shop_recs::rank::{Query, Share, Split, score_serial, score_share};
/// use shop_recs::{Catalog, Product};
///
/// let product = |id: &str| Product::new(id, id, "words");
/// let catalog = Catalog::from_products(vec![product("a"), product("b"), product("c")])?;
/// let query = Query::new("a");
/// let all = score_serial(&catalog, &query)?;
/// let first = score_share(&catalog, &query, Share::new(0, 2, Split::Interleaved)?)?;
/// assert_eq!(first.candidates, all.candidates[..1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_share(catalog: &Catalog, query: &Query, share: Share) -> Result<Scores, QueryError> {
    query.validate()?;
    let target = resolve_target(catalog, query)?;
    let text_scorer = TextScorer::new(catalog, target, query.iterations, Kernel::detect());
    let candidates = share
        .positions_in(catalog, target)
        .map(|k| {
            let candidate = candidate_index(k, target);
            let text = text_scorer.score(catalog, candidate);
            let attribute = attribute_score(catalog, target, candidate);
            CandidateScore {
                index: candidate as u32,
                text,
                attribute,
                score: combined_score(text, attribute),
            }
        })
        .collect();
    Ok(Scores { target, candidates })
}
