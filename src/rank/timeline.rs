//! The pool at work: a parallel run instrumented to show which pool thread scored each
//! candidate, in each branch of the `join`, and when. `rank` re-exports it.
//!
//! It is the same scorer as [`score_parallel`](super::score_parallel) (one code path,
//! `score_parallel_probed`), with a probe that reads the caller's clock before and after
//! each candidate and writes the thread index and both readings into the candidate's own
//! slot, as `collect` writes the scores: no lock, no shared mutable state, nothing
//! allocated per candidate. The timed runs use the probe that records nothing, so their
//! timings are never instrumented.

use serde::Serialize;

use super::{NEVER, Pieces, Probe, Query, QueryError, Scores, score_parallel_probed};
use crate::catalog::Catalog;
use crate::similarity::Kernel;

/// The two branches of a parallel run's [`rayon::join`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// MinHash text similarity: the CPU-bound branch.
    Text,
    /// Attribute Jaccard similarity: the cheap one.
    Attribute,
}

/// One candidate's scoring in one branch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Span {
    /// Pool index of the thread that scored it ([`rayon::current_thread_index`]); `None`
    /// when it ran outside any pool (wasm built without atomics, where rayon runs
    /// everything on the calling thread).
    pub thread: Option<u32>,
    /// When it started, since the run's start, in the unit of the caller's clock.
    pub start: f64,
    /// When it ended, likewise.
    pub end: f64,
}

impl Span {
    /// `end - start`.
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }
}

/// An instrumented parallel run: every candidate's [`Span`] in each branch, and the scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Threads of the pool the run was on.
    pub threads: usize,
    /// The whole run, from before the `join` to after both branches, on the caller's clock.
    pub wall: f64,
    /// The text (MinHash) branch: one span per candidate, in candidate order.
    pub text: Vec<Span>,
    /// The attribute (Jaccard) branch, likewise.
    pub attribute: Vec<Span>,
    /// The run's scores: the same as an uninstrumented run's, bit for bit.
    pub scores: Scores,
}

/// What one pool thread did during a [`Timeline`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadSummary {
    /// Pool index.
    pub thread: u32,
    /// Candidates it scored in the text branch.
    pub text_candidates: usize,
    /// Candidates it scored in the attribute branch.
    pub attribute_candidates: usize,
    /// Sum of its spans' durations, both branches.
    pub busy: f64,
    /// `wall - busy`: waiting, stealing, or scheduling.
    pub idle: f64,
    /// Its part of all threads' busy time, `0.0..=1.0`.
    pub share: f64,
}

impl Timeline {
    /// Every span of both branches with its branch.
    pub fn spans(&self) -> impl Iterator<Item = (Branch, &Span)> {
        let text = self.text.iter().map(|span| (Branch::Text, span));
        let attribute = self.attribute.iter().map(|span| (Branch::Attribute, span));
        text.chain(attribute)
    }

    /// One row per pool thread, `0..threads`. Spans whose thread is outside the pool are
    /// in no row (so that the rows' counts, summed, show it).
    pub fn per_thread(&self) -> Vec<ThreadSummary> {
        let mut rows: Vec<ThreadSummary> = (0..self.threads as u32)
            .map(|thread| ThreadSummary {
                thread,
                text_candidates: 0,
                attribute_candidates: 0,
                busy: 0.0,
                idle: 0.0,
                share: 0.0,
            })
            .collect();
        for (branch, span) in self.spans() {
            let Some(row) = span.thread.and_then(|t| rows.get_mut(t as usize)) else {
                continue;
            };
            match branch {
                Branch::Text => row.text_candidates += 1,
                Branch::Attribute => row.attribute_candidates += 1,
            }
            row.busy += span.duration();
        }
        let busy: f64 = rows.iter().map(|row| row.busy).sum();
        for row in &mut rows {
            row.idle = (self.wall - row.busy).max(0.0);
            row.share = if busy > 0.0 { row.busy / busy } else { 0.0 };
        }
        rows
    }

    /// Every span's duration, summed over both branches.
    pub fn busy(&self) -> f64 {
        self.spans().map(|(_, span)| span.duration()).sum()
    }

    /// `busy / (threads x wall)`: the share of the pool's time spent scoring.
    pub fn efficiency(&self) -> f64 {
        let capacity = self.threads as f64 * self.wall;
        if capacity > 0.0 {
            self.busy() / capacity
        } else {
            0.0
        }
    }
}

/// The timeline's probe: the thread index and the clock's readings, relative to `origin`.
struct Clocked<'a, F> {
    now: &'a F,
    origin: f64,
}

impl<F: Fn() -> f64 + Sync> Probe for Clocked<'_, F> {
    type Record = Span;
    #[inline]
    fn around(&self, score: impl FnOnce() -> f64) -> (f64, Span) {
        let start = (self.now)() - self.origin;
        let value = score();
        let end = (self.now)() - self.origin;
        let thread = rayon::current_thread_index().and_then(|t| u32::try_from(t).ok());
        (value, Span { thread, start, end })
    }
}

/// Scores like [`score_parallel_with`](super::score_parallel_with) on the current rayon
/// pool and records, for every candidate in each branch, the pool thread that scored it
/// and when ([`Timeline`]).
///
/// `now` is the caller's clock (the core reads none): `Instant` natively, and in a browser
/// `performance.timeOrigin + performance.now()`, which every worker of the pool reads on
/// one time line. Two readings per candidate against the microseconds its MinHash takes.
///
/// # Examples
/// ```
/// use std::time::Instant;
/// use shop_recs::rank::{Query, score_parallel_timeline, score_serial};
/// use shop_recs::similarity::Kernel;
/// use shop_recs::{Catalog, Product};
///
/// let product = |id: &str| Product::new(id, id, "some words");
/// let catalog = Catalog::from_products(vec![product("a"), product("b"), product("c")])?;
/// let started = Instant::now();
/// let now = || started.elapsed().as_secs_f64() * 1e3;
/// let timeline = score_parallel_timeline(&catalog, &Query::new("a"), Kernel::PORTABLE, now)?;
/// assert_eq!((timeline.text.len(), timeline.attribute.len()), (2, 2));
/// assert_eq!(timeline.scores, score_serial(&catalog, &Query::new("a"))?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_parallel_timeline(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
    now: impl Fn() -> f64 + Sync,
) -> Result<Timeline, QueryError> {
    let origin = now();
    let probe = Clocked { now: &now, origin };
    let probed = score_parallel_probed(catalog, query, kernel, Pieces::DEFAULT, &NEVER, &probe)?;
    let wall = now() - origin;
    Ok(Timeline {
        threads: rayon::current_num_threads(),
        wall,
        text: probed.text,
        attribute: probed.attribute,
        scores: probed.scores,
    })
}
