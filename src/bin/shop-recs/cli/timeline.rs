//! `shop-recs recommend --timeline FILE`: an instrumented parallel run, after the timed
//! one, written as JSON: which pool thread scored each candidate in each branch, and when.

use super::*;
use shop_recs::rank::{Span, Timeline, score_parallel_timeline};

/// Rounds of (plain parallel run, instrumented run), interleaved: the overhead is the
/// ratio of their medians, so one slow moment of the machine does not decide it.
const ROUNDS: usize = 3;

/// Runs [`ROUNDS`] plain and instrumented parallel runs of `query` (in `pool`, or rayon's
/// global pool), checks the instrumented scores against `serial`, writes the last
/// timeline to `path`, and returns the line that reports it.
pub(super) fn write_timeline(
    path: &Path,
    catalog: &Catalog,
    query: &Query,
    pool: Option<&rayon::ThreadPool>,
    serial: &Scores,
) -> Result<String, CliError> {
    let clock = Instant::now();
    let now = || ms(clock.elapsed());
    let mut plain = Vec::with_capacity(ROUNDS);
    let mut instrumented = Vec::with_capacity(ROUNDS);
    // One round: a plain run, then an instrumented one, whose timeline it returns.
    let mut round = || -> Result<Timeline, QueryError> {
        let started = Instant::now();
        score_parallel(catalog, query)?;
        plain.push(ms(started.elapsed()));
        let timeline = score_parallel_timeline(catalog, query, Kernel::detect(), now)?;
        instrumented.push(timeline.wall);
        Ok(timeline)
    };
    let timeline = in_pool(pool, || {
        let mut last = round()?;
        for _ in 1..ROUNDS {
            last = round()?;
        }
        Ok::<_, QueryError>(last)
    })?;
    if timeline.scores != *serial {
        return Err(CliError::TimelineDiffers);
    }
    let (plain_ms, instrumented_ms) = (median(plain), median(instrumented));
    let overhead = instrumented_ms / plain_ms - 1.0;
    let report = timeline_json(catalog, query, &timeline, plain_ms, instrumented_ms);
    std::fs::write(path, format!("{report}\n")).map_err(|source| CliError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(format!(
        "timeline: {} written: {} threads, {:.2} ms wall, efficiency {:.2} (busy / (threads x wall)); \
         instrumentation overhead {:+.1}% (median of {ROUNDS} instrumented runs against {ROUNDS} plain ones, \
         {:.2} ms against {:.2} ms)\n",
        path.display(),
        timeline.threads,
        timeline.wall,
        timeline.efficiency(),
        overhead * 100.0,
        instrumented_ms,
        plain_ms,
    ))
}

/// The file's content. Spans are rows `[index, thread, start_ms, end_ms]` (catalog index
/// of the candidate; pool thread, or null outside the pool; times since the run's start),
/// in candidate order, one list per branch.
fn timeline_json(
    catalog: &Catalog,
    query: &Query,
    timeline: &Timeline,
    plain_ms: f64,
    instrumented_ms: f64,
) -> serde_json::Value {
    let target = catalog.product(timeline.scores.target);
    let rows = |spans: &[Span]| -> Vec<serde_json::Value> {
        spans
            .iter()
            .zip(&timeline.scores.candidates)
            .map(|(span, candidate)| json!([candidate.index, span.thread, span.start, span.end]))
            .collect()
    };
    let threads: Vec<serde_json::Value> = timeline
        .per_thread()
        .into_iter()
        .map(|row| {
            json!({
                "thread": row.thread,
                "text_candidates": row.text_candidates,
                "attribute_candidates": row.attribute_candidates,
                "busy_ms": row.busy,
                "idle_ms": row.idle,
                "share": row.share,
            })
        })
        .collect();
    json!({
        "command": "timeline",
        "target": { "index": timeline.scores.target, "id": target.id, "name": target.name },
        "iterations": query.iterations,
        "candidates": timeline.scores.candidates.len(),
        "threads": timeline.threads,
        "wall_ms": timeline.wall,
        "busy_ms": timeline.busy(),
        "efficiency": timeline.efficiency(),
        "identical_to_serial": true,
        "overhead": {
            "rounds": ROUNDS,
            "plain_median_ms": plain_ms,
            "instrumented_median_ms": instrumented_ms,
            "ratio": instrumented_ms / plain_ms,
        },
        "per_thread": threads,
        "span_columns": ["index", "thread", "start_ms", "end_ms"],
        "spans": { "text": rows(&timeline.text), "attribute": rows(&timeline.attribute) },
    })
}
