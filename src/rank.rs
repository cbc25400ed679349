//! Ranking: score every candidate against a target, then keep the best.
//!
//! [`recommend_serial`] and [`recommend_parallel`] are siblings with one signature and
//! bit-identical results: every candidate's scores come from the same pure functions in
//! [`crate::similarity`], and the final order is a total order (score descending, then
//! identifier ascending), so neither the thread count nor the evaluation order can change
//! the output.
//!
//! The two phases are public too, so callers can time them separately:
//! [`score_serial`] / [`score_parallel`] ("signatures and scoring", the CPU-bound part)
//! and [`top_k`] ("sorting").

use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use serde::Serialize;

mod bench;
mod pieces;
mod query;
mod select;
mod share;
mod stop;
mod timeline;

pub use bench::{
    EveryThread, score_parallel_pieces, score_parallel_with, score_serial_on_every_thread,
    score_serial_with,
};
pub use pieces::{PIECES_PER_THREAD, Pieces};
pub use query::{DEFAULT_ITERATIONS, DEFAULT_TOP, MAX_ITERATIONS, MAX_TOP, Query, QueryError};
pub use select::{top_k, top_k_parallel};
pub use share::{Share, ShareError, Split, score_share};
pub use stop::score_until_stopped;
pub use timeline::{Branch, Span, ThreadSummary, Timeline, score_parallel_timeline};

use crate::catalog::Catalog;
use crate::similarity::{Kernel, attribute_similarity, combined_score, seed_bases};

/// One candidate's scores against the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CandidateScore {
    /// The candidate's index in the catalog.
    pub index: u32,
    /// MinHash text similarity, `0.0..=1.0`.
    pub text: f64,
    /// Attribute Jaccard similarity, `0.0..=1.0`.
    pub attribute: f64,
    /// [`combined_score`] of the two.
    pub score: f64,
}

/// Every candidate's scores for one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Catalog index of the target.
    pub target: usize,
    /// One entry per product except the target, in catalog order.
    pub candidates: Vec<CandidateScore>,
}

/// One ranked recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
// The server's OpenAPI document describes it (native only: utoipa is the server's).
#[cfg_attr(
    all(feature = "server", not(target_arch = "wasm32")),
    derive(utoipa::ToSchema)
)]
pub struct Recommendation {
    /// Position in the ranking, starting at 1.
    pub rank: u32,
    /// The product's index in the catalog.
    pub index: u32,
    pub id: String,
    pub name: String,
    pub category: Option<String>,
    /// Combined score; the ranking key.
    pub score: f64,
    /// Text (MinHash) similarity.
    pub text: f64,
    /// Attribute (Jaccard) similarity.
    pub attribute: f64,
}

/// Resolves the query's target to its catalog index.
fn resolve_target(catalog: &Catalog, query: &Query) -> Result<usize, QueryError> {
    catalog
        .index_of(&query.target)
        .ok_or_else(|| QueryError::UnknownTarget {
            id: query.target.clone(),
        })
}

/// Catalog index of the `position`-th candidate: every product except `target`, in
/// catalog order. A plain mapping keeps the parallel iterators indexed, so `collect`
/// writes each result straight into its slot.
fn candidate_index(position: usize, target: usize) -> usize {
    position + usize::from(position >= target)
}

/// The text branch's per-target state: the kernel, the seed bases and the target's
/// signature, made once per run so that scoring a candidate allocates nothing.
struct TextScorer {
    kernel: Kernel,
    bases: Vec<u64>,
    target_signature: Vec<u64>,
}

impl TextScorer {
    fn new(catalog: &Catalog, target: usize, iterations: u32, kernel: Kernel) -> TextScorer {
        let bases = seed_bases(iterations);
        let target_signature = kernel.signature(catalog.description_words(target), &bases);
        TextScorer {
            kernel,
            bases,
            target_signature,
        }
    }

    fn score(&self, catalog: &Catalog, candidate: usize) -> f64 {
        self.kernel.text_similarity(
            &self.target_signature,
            &self.bases,
            catalog.description_words(candidate),
        )
    }
}

fn attribute_score(catalog: &Catalog, target: usize, candidate: usize) -> f64 {
    attribute_similarity(
        catalog.attribute_words(target),
        catalog.attribute_words(candidate),
    )
}

/// Zips the two branches' per-candidate results into [`Scores`].
fn combine(target: usize, text: Vec<f64>, attribute: Vec<f64>) -> Scores {
    let candidates = text
        .into_iter()
        .zip(attribute)
        .enumerate()
        .map(|(position, (text, attribute))| CandidateScore {
            index: candidate_index(position, target) as u32,
            text,
            attribute,
            score: combined_score(text, attribute),
        })
        .collect();
    Scores { target, candidates }
}

/// Scores every candidate against the query's target on the calling thread.
///
/// Validates the query (iterations, then top, then the target), computes the target's
/// MinHash signature once, then each candidate's text and attribute similarity. Candidate
/// signatures are computed afresh on every call and never stored.
///
/// # Examples
/// ```
/// use shop_recs::rank::{Query, score_serial};
/// use shop_recs::{Catalog, Product};
///
/// let product = |id: &str| Product::new(id, id, "words");
/// let catalog = Catalog::from_products(vec![product("a"), product("b"), product("c")])?;
/// let scores = score_serial(&catalog, &Query::new("b"))?;
/// assert_eq!(scores.target, 1);
/// let indices: Vec<u32> = scores.candidates.iter().map(|c| c.index).collect();
/// assert_eq!(indices, [0, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_serial(catalog: &Catalog, query: &Query) -> Result<Scores, QueryError> {
    score_serial_checking(catalog, query, Kernel::detect(), &NEVER)
}

/// A stop flag that nobody sets: the plain scorers pass it, so the stoppable and the
/// plain runs are one code path.
static NEVER: AtomicBool = AtomicBool::new(false);

/// Scores like [`score_serial`] with a chosen kernel, except that a candidate met after `stop` was set is
/// skipped (scored 0). Callers check `stop` afterwards; the result is only the real
/// scores when it was never set.
fn score_serial_checking(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
    stop: &AtomicBool,
) -> Result<Scores, QueryError> {
    query.validate()?;
    let target = resolve_target(catalog, query)?;
    let text_scorer = TextScorer::new(catalog, target, query.iterations, kernel);
    let candidates = catalog.len() - 1;
    let text = (0..candidates)
        .map(|k| {
            unless_stopped(stop, || {
                text_scorer.score(catalog, candidate_index(k, target))
            })
        })
        .collect();
    let attribute = (0..candidates)
        .map(|k| attribute_score(catalog, target, candidate_index(k, target)))
        .collect();
    Ok(combine(target, text, attribute))
}

/// `score()` unless `stop` is set, else 0: one relaxed load per candidate, against the
/// microseconds a candidate's MinHash takes.
#[inline]
fn unless_stopped(stop: &AtomicBool, score: impl FnOnce() -> f64) -> f64 {
    if stop.load(AtomicOrdering::Relaxed) {
        0.0
    } else {
        score()
    }
}

/// Scores every candidate against the query's target on the current rayon pool.
///
/// The same contract and bit-identical result as [`score_serial`]. Two levels of
/// parallelism: [`rayon::join`] runs the text branch and the attribute branch, and each
/// is a `par_iter` over the candidates. Each branch resolves the target itself and the
/// two results are matched as one unit, so an error in either fails the whole call with
/// that error. No locks and no shared mutable state: every candidate's result is written
/// to its own slot by `collect`.
///
/// When wasm is built without atomics, rayon runs everything on the calling thread and
/// this is simply a slower [`score_serial`].
pub fn score_parallel(catalog: &Catalog, query: &Query) -> Result<Scores, QueryError> {
    score_parallel_checking(catalog, query, Kernel::detect(), &NEVER)
}

/// [`score_parallel_with`] that skips candidates once `stop` is set, like
/// [`score_serial_checking`].
fn score_parallel_checking(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
    stop: &AtomicBool,
) -> Result<Scores, QueryError> {
    score_parallel_probed(catalog, query, kernel, Pieces::DEFAULT, stop, &Unprobed)
        .map(|probed| probed.scores)
}

/// What a parallel run records beside each candidate's score, in the candidate's own
/// slot. [`Unprobed`] records nothing (`()`, which costs nothing) and is what every
/// timed run uses; the timeline's probe records which thread scored it and when.
trait Probe: Sync {
    type Record: Send;
    /// Runs `score` for one candidate and returns its result with the record.
    fn around(&self, score: impl FnOnce() -> f64) -> (f64, Self::Record);
}

/// The probe of plain runs: records nothing.
struct Unprobed;

impl Probe for Unprobed {
    type Record = ();
    #[inline(always)]
    fn around(&self, score: impl FnOnce() -> f64) -> (f64, ()) {
        (score(), ())
    }
}

/// A parallel run's scores and, per branch, each candidate's probe record in candidate order.
struct Probed<R> {
    scores: Scores,
    text: Vec<R>,
    attribute: Vec<R>,
}

/// One branch's result: the target's index, each candidate's value and its record.
struct BranchRun<R> {
    target: usize,
    values: Vec<f64>,
    records: Vec<R>,
}

/// One branch of a parallel run: `score(candidate's catalog index)` for every candidate of
/// `target`, on the pool in `pieces`, with `probe` around each; results in candidate order.
fn probed_branch<P: Probe>(
    catalog: &Catalog,
    target: usize,
    pieces: Pieces,
    probe: &P,
    score: impl Fn(usize) -> f64 + Sync + Send,
) -> BranchRun<P::Record> {
    let (values, records) = pieces
        .map(catalog, target, |candidate| {
            probe.around(|| score(candidate))
        })
        .into_iter()
        .unzip();
    BranchRun {
        target,
        values,
        records,
    }
}

/// The parallel scorer, with `probe` around every candidate of each branch.
fn score_parallel_probed<P: Probe>(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
    pieces: Pieces,
    stop: &AtomicBool,
    probe: &P,
) -> Result<Probed<P::Record>, QueryError> {
    query.validate()?;
    let (text, attribute) = rayon::join(
        || -> Result<BranchRun<P::Record>, QueryError> {
            let target = resolve_target(catalog, query)?;
            let text_scorer = TextScorer::new(catalog, target, query.iterations, kernel);
            Ok(probed_branch(catalog, target, pieces, probe, |candidate| {
                unless_stopped(stop, || text_scorer.score(catalog, candidate))
            }))
        },
        || -> Result<BranchRun<P::Record>, QueryError> {
            let target = resolve_target(catalog, query)?;
            Ok(probed_branch(catalog, target, pieces, probe, |candidate| {
                attribute_score(catalog, target, candidate)
            }))
        },
    );
    let (text, attribute) = (text?, attribute?);
    Ok(Probed {
        scores: combine(text.target, text.values, attribute.values),
        text: text.records,
        attribute: attribute.records,
    })
}

/// Recommends the query's `top` products most similar to its target, on the calling
/// thread: [`score_serial`] then [`top_k`].
///
/// Every product except the target is ranked by [`combined_score`] descending, ties
/// broken by identifier ascending.
///
/// # Examples
/// ```
/// use shop_recs::{Catalog, Product, Query, recommend_parallel, recommend_serial};
///
/// let product = |id: &str, category: &str, description: &str| Product {
///     category: Some(category.into()),
///     ..Product::new(id, id, description)
/// };
/// let catalog = Catalog::from_products(vec![
///     product("red-lipstick", "beauty", "matte red lipstick"),
///     product("claw-hammer", "tools", "steel claw hammer"),
///     product("pink-lipstick", "beauty", "glossy pink lipstick"),
/// ])?;
/// let query = shop_recs::Query { top: 1, ..Query::new("red-lipstick") };
/// let best = recommend_serial(&catalog, &query)?;
/// assert_eq!(best[0].id, "pink-lipstick");
/// assert_eq!(best, recommend_parallel(&catalog, &query)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommend_serial(
    catalog: &Catalog,
    query: &Query,
) -> Result<Vec<Recommendation>, QueryError> {
    let scores = score_serial(catalog, query)?;
    Ok(top_k(catalog, &scores, query.top))
}

/// Recommends like [`recommend_serial`], on the current rayon pool: [`score_parallel`]
/// then [`top_k_parallel`]. Bit-identical results.
pub fn recommend_parallel(
    catalog: &Catalog,
    query: &Query,
) -> Result<Vec<Recommendation>, QueryError> {
    let scores = score_parallel(catalog, query)?;
    Ok(top_k_parallel(catalog, &scores, query.top))
}

#[cfg(test)]
mod tests;
