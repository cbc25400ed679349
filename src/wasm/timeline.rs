//! The pool at work (the page's "Show the pool at work"): an instrumented parallel run
//! ([`rank::score_parallel_timeline`]), its spans copied out as typed arrays.

use js_sys::{Float64Array, Int32Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{BindingError, Engine, performance_now, set, to_js, to_value};
use crate::rank::{self, Query, Recommendation, Span};
use crate::similarity::Kernel;

thread_local! {
    /// This thread's `performance.timeOrigin`, read once per thread: each worker of the
    /// pool has its own, so spans recorded on different threads share a time line only
    /// once it is added to their `performance.now()`.
    static TIME_ORIGIN: f64 = time_origin();
}

/// `performance.timeOrigin` of the calling worker (0 where a browser lacks it: then
/// each thread's spans keep their own origin).
fn time_origin() -> f64 {
    let key = |name: &str| JsValue::from_str(name);
    Reflect::get(&js_sys::global(), &key("performance"))
        .and_then(|performance| Reflect::get(&performance, &key("timeOrigin")))
        .ok()
        .and_then(|origin| origin.as_f64())
        .unwrap_or(0.0)
}

/// `performance.timeOrigin + performance.now()`: the same clock on every thread.
fn shared_now() -> f64 {
    TIME_ORIGIN.with(|origin| *origin) + performance_now()
}

/// What one thread did, for the page's table (the core's [`rank::ThreadSummary`] in ms).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadRow {
    thread: u32,
    text_candidates: usize,
    attribute_candidates: usize,
    busy_ms: f64,
    idle_ms: f64,
    share: f64,
}

/// The figures of the run beside the spans, as one plain object.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Figures {
    threads: usize,
    wall_ms: f64,
    busy_ms: f64,
    efficiency: f64,
    candidates: usize,
    items: Vec<Recommendation>,
    per_thread: Vec<ThreadRow>,
}

/// One branch's spans as `{ thread: Int32Array, start: Float64Array, end: Float64Array }`,
/// in candidate order; a thread outside the pool is -1. Times in ms since the run's start.
fn branch(spans: &[Span]) -> Result<Object, JsError> {
    let thread: Vec<i32> = spans
        .iter()
        .map(|span| span.thread.map_or(-1, |t| t as i32))
        .collect();
    let start: Vec<f64> = spans.iter().map(|span| span.start).collect();
    let end: Vec<f64> = spans.iter().map(|span| span.end).collect();
    let object = Object::new();
    set(&object, "thread", Int32Array::from(&thread[..]))?;
    set(&object, "start", Float64Array::from(&start[..]))?;
    set(&object, "end", Float64Array::from(&end[..]))?;
    Ok(object)
}

#[wasm_bindgen]
impl Engine {
    /// An instrumented parallel run on the pool: the top `top` for `target`, and for every
    /// candidate in each branch the pool thread that scored it and when. Returns the
    /// figures (`threads`, `wallMs`, `busyMs`, `efficiency`, `candidates`, `items`,
    /// `perThread`) and `text` and `attribute` spans ([`branch`]). Refused by the
    /// single-thread build, which has no pool to show.
    pub fn timeline(&self, target: &str, iterations: u32, top: usize) -> Result<Object, JsError> {
        if !cfg!(feature = "threads") {
            return Err(to_js(BindingError::NoPool));
        }
        let query = Query {
            target: target.to_string(),
            iterations,
            top,
        };
        let timeline =
            rank::score_parallel_timeline(&self.catalog, &query, Kernel::detect(), shared_now)
                .map_err(to_js)?;
        let per_thread = timeline
            .per_thread()
            .into_iter()
            .map(|row| ThreadRow {
                thread: row.thread,
                text_candidates: row.text_candidates,
                attribute_candidates: row.attribute_candidates,
                busy_ms: row.busy,
                idle_ms: row.idle,
                share: row.share,
            })
            .collect();
        let figures = Figures {
            threads: timeline.threads,
            wall_ms: timeline.wall,
            busy_ms: timeline.busy(),
            efficiency: timeline.efficiency(),
            candidates: timeline.scores.candidates.len(),
            items: rank::top_k(&self.catalog, &timeline.scores, query.top),
            per_thread,
        };
        let object: Object = to_value(&figures)?.unchecked_into();
        set(&object, "text", branch(&timeline.text)?)?;
        set(&object, "attribute", branch(&timeline.attribute)?)?;
        Ok(object)
    }
}
