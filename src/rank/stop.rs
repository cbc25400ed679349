//! Scoring that a caller can abandon: the server stops the job of a request that timed
//! out or whose client went away. `rank` re-exports it.

use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use super::{Query, QueryError, Scores, score_parallel_checking, score_serial_checking};
use crate::catalog::Catalog;
use crate::similarity::Kernel;

/// Scores like [`super::score_serial_with`] (`parallel: false`, on the calling thread) or
/// [`super::score_parallel_with`] (`parallel: true`, on the current rayon pool), and gives up
/// early once `stop` is set by another thread: every candidate met after that is skipped.
///
/// Returns `Ok(None)` when `stop` was set during the run, else the same scores as the
/// plain scorer, bit for bit. The server sets `stop` when a request times out or its
/// client goes away, so no abandoned job keeps the pool busy for long.
pub fn score_until_stopped(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
    parallel: bool,
    stop: &AtomicBool,
) -> Result<Option<Scores>, QueryError> {
    let scores = if parallel {
        score_parallel_checking(catalog, query, kernel, stop)?
    } else {
        score_serial_checking(catalog, query, kernel, stop)?
    };
    Ok((!stop.load(AtomicOrdering::Acquire)).then_some(scores))
}
