//! The benchmark's API, kept apart from the scorers as benches are (`rank` re-exports it):
//! scoring with a chosen kernel, and the parallel-ceiling probe, every pool thread running
//! a whole serial scoring at once.

use super::{
    NEVER, Pieces, Query, QueryError, Scores, Unprobed, score_parallel_checking,
    score_parallel_probed, score_serial_checking,
};
use crate::catalog::Catalog;
use crate::similarity::Kernel;

/// [`score_serial`](super::score_serial) with a chosen [`Kernel`] instead of the fastest this CPU runs; the
/// result is the same, only the time differs (the benchmark compares kernels with it).
pub fn score_serial_with(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
) -> Result<Scores, QueryError> {
    score_serial_checking(catalog, query, kernel, &NEVER)
}

/// [`score_parallel`](super::score_parallel) with a chosen [`Kernel`]; see [`score_serial_with`].
pub fn score_parallel_with(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
) -> Result<Scores, QueryError> {
    score_parallel_checking(catalog, query, kernel, &NEVER)
}

/// [`score_parallel_with`] with the candidates cut into `pieces` instead of
/// [`Pieces::DEFAULT`]: the same scores, bit for bit; the benchmark compares the
/// strategies' times and balance with it.
pub fn score_parallel_pieces(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
    pieces: Pieces,
) -> Result<Scores, QueryError> {
    score_parallel_probed(catalog, query, kernel, pieces, &NEVER, &Unprobed)
        .map(|probed| probed.scores)
}

/// Every thread of the current rayon pool scoring the whole catalog at once: see
/// [`score_serial_on_every_thread`].
#[derive(Debug, Clone, PartialEq)]
pub struct EveryThread {
    /// Each thread's time for its whole [`score_serial_with`] run, by pool index, in the
    /// unit of the clock the caller passed.
    pub times: Vec<f64>,
    /// Whether every thread's scores were the same (they must be: the scoring is pure).
    pub scores_agree: bool,
}

/// Runs [`score_serial_with`] over the whole catalog on every thread of the current rayon
/// pool at the same time (`rayon::broadcast`), each timed with `now`.
///
/// Nothing is split, stolen or written to shared memory, so against one serial run alone
/// a thread's time here measures the machine: how fast each thread runs while all of them
/// are busy, which no parallel run can beat. The benchmark's ceiling experiment uses it.
/// `now` is the caller's clock (the core reads none): `performance.now()` in a browser,
/// `Instant` natively; only differences of two readings on one thread are used.
pub fn score_serial_on_every_thread(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
    now: impl Fn() -> f64 + Sync,
) -> Result<EveryThread, QueryError> {
    let runs = rayon::broadcast(|_| {
        let started = now();
        let scores = score_serial_with(catalog, query, kernel);
        (now() - started, scores)
    });
    let mut times = Vec::with_capacity(runs.len());
    let mut first: Option<Scores> = None;
    let mut scores_agree = true;
    for (time, scores) in runs {
        let scores = scores?;
        match &first {
            None => first = Some(scores),
            Some(expected) => scores_agree &= *expected == scores,
        }
        times.push(time);
    }
    Ok(EveryThread {
        times,
        scores_agree,
    })
}
