//! How a parallel branch hands its candidates to the rayon pool.
//!
//! An indexed `par_iter` over `0..candidates` is split adaptively: a range is halved
//! while its split budget (about the pool's thread count) lasts or when another thread
//! steals half of it, and a range a thread has started is never split again. When the
//! costly candidates cluster (a catalog whose long descriptions sit together), the thread
//! that took their range keeps all of them while the others run dry: on 2 threads the
//! page measured an imbalance of 1.42 and 1.52 on skewed catalogs. So the split is ours
//! to choose, and [`Pieces`] names the choices the benchmark compares
//! (`shop-recs bench --pieces`); [`Pieces::DEFAULT`] is the one every scorer uses.

use rayon::prelude::*;

use super::candidate_index;
use crate::catalog::Catalog;

/// Pieces per pool thread for [`Pieces::Bounded`] and [`Pieces::ByCost`]: enough that
/// the last pieces, stolen one by one, even out the threads' finishing times, few enough
/// that a piece's bookkeeping (a few hundred nanoseconds) stays far below its work.
pub const PIECES_PER_THREAD: usize = 16;

/// How the candidates of one branch are cut into the pieces the pool's threads take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pieces {
    /// rayon's adaptive split of the whole range, as `into_par_iter()` does by itself:
    /// the pieces follow the thread count, not the work.
    Adaptive,
    /// Pieces of at most `candidates / (threads × PIECES_PER_THREAD)` candidates
    /// (`with_max_len`): every piece a small share of the count, whatever it costs.
    Bounded,
    /// `threads × PIECES_PER_THREAD` contiguous pieces of nearly equal estimated cost (a
    /// candidate's description word count plus one, which is what its MinHash loops over),
    /// each one job for the pool: a cluster of long descriptions is cut into as many
    /// pieces as its cost needs.
    ByCost,
}

impl Pieces {
    /// What every parallel scorer uses: measured against the others on uniform and
    /// skewed catalogs (bench/REPORT.md, "How the pool gets its pieces").
    pub const DEFAULT: Pieces = Pieces::ByCost;

    /// Every strategy, in the order the benchmark reports them.
    pub const ALL: [Pieces; 3] = [Pieces::Adaptive, Pieces::Bounded, Pieces::ByCost];

    /// `"adaptive"`, `"bounded"` or `"by-cost"`, as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            Pieces::Adaptive => "adaptive",
            Pieces::Bounded => "bounded",
            Pieces::ByCost => "by-cost",
        }
    }

    /// The strategy named `name` (see [`Pieces::name`]).
    pub fn from_name(name: &str) -> Option<Pieces> {
        Pieces::ALL.into_iter().find(|p| p.name() == name)
    }

    /// `item(candidate's catalog index)` for every candidate of `target` (every product
    /// but the target, in catalog order), on the current pool, cut as `self` says; the
    /// results in candidate order.
    pub(super) fn map<T: Send>(
        self,
        catalog: &Catalog,
        target: usize,
        item: impl Fn(usize) -> T + Sync + Send,
    ) -> Vec<T> {
        let candidates = catalog.len() - 1;
        let pieces = rayon::current_num_threads().max(1) * PIECES_PER_THREAD;
        let item = |k| item(candidate_index(k, target));
        match self {
            Pieces::Adaptive => (0..candidates).into_par_iter().map(item).collect(),
            Pieces::Bounded => (0..candidates)
                .into_par_iter()
                .with_max_len(candidates.div_ceil(pieces).max(1))
                .map(item)
                .collect(),
            Pieces::ByCost => {
                let bounds = cost_bounds(catalog, target, pieces);
                // One job per piece (`with_max_len(1)`), each run in order on one thread;
                // the pieces' results are joined in piece order (an empty piece adds none).
                bounds
                    .par_windows(2)
                    .with_max_len(1)
                    .flat_map_iter(|w| (w[0]..w[1]).map(item))
                    .collect()
            }
        }
    }
}

/// The estimated cost of scoring candidate `candidate` (a catalog index): its distinct
/// description words, which its MinHash hashes once per seed, plus one for the rest.
fn cost(catalog: &Catalog, candidate: usize) -> u64 {
    catalog.description_words(candidate).len() as u64 + 1
}

/// Boundaries `b[0] = 0 <= b[1] <= ... <= b[pieces] = candidates` (positions, not catalog
/// indices) of `pieces` contiguous pieces of nearly equal total [`cost`]: piece `p` ends at
/// the first candidate whose running total reaches `(p + 1) / pieces` of the whole. A
/// piece is empty only when one candidate costs more than a piece's share (or there are
/// fewer candidates than pieces). The Workers' balanced split uses the same cuts.
pub(crate) fn cost_bounds(catalog: &Catalog, target: usize, pieces: usize) -> Vec<usize> {
    let candidates = catalog.len() - 1;
    let pieces = pieces.max(1);
    // Two passes over the costs (two length lookups each) rather than a vector of them: a
    // parallel run cuts its branches on every call.
    let cost_of = |k| cost(catalog, candidate_index(k, target));
    let total: u64 = (0..candidates).map(cost_of).sum();
    let mut bounds = Vec::with_capacity(pieces + 1);
    bounds.push(0);
    let mut running = 0u64;
    for k in 0..candidates {
        running += cost_of(k);
        // Every piece whose share the running total has now reached ends after k (in
        // u128: no overflow).
        while bounds.len() < pieces
            && running as u128 * pieces as u128 >= total as u128 * bounds.len() as u128
        {
            bounds.push(k + 1);
        }
    }
    bounds.resize(pieces + 1, candidates);
    bounds
}
