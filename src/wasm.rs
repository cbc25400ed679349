//! The JavaScript binding: the only module that knows it runs in a browser.
//!
//! It stays thin. It holds a parsed [`Catalog`] in [`Engine`] so a catalog is parsed once
//! and scored many times, calls the core, converts errors to JS once (in [`to_js`]), and
//! installs the panic hook once. Results cross as plain JS objects (serde-wasm-bindgen).
//!
//! Everything here is called from `www/js/worker.js`, a module worker that owns the wasm
//! instance and the rayon pool; nothing here runs on the page's UI thread.

use std::fmt::Display;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::catalog::{self, Catalog};
use crate::generate;
use crate::rank::{self, Query, Recommendation};

/// Re-exported so the worker can start the pool: `await initThreadPool(n)`.
pub use wasm_bindgen_rayon::init_thread_pool;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()` of the calling worker: the clock every page timing uses.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The one place a Rust error becomes a JS `Error`, keeping its message.
fn to_js(error: impl Display) -> JsError {
    JsError::new(&error.to_string())
}

fn to_value(value: &impl Serialize) -> Result<JsValue, JsError> {
    // Maps become plain objects, not `Map`s, so the page can read fields directly.
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(to_js)
}

/// Installs the panic hook, once per wasm instance, so a panic reaches the console and
/// the worker with its message instead of a bare `unreachable` trap.
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Number of threads in the rayon pool this instance runs on (1 before the pool starts).
#[wasm_bindgen(js_name = poolThreads)]
pub fn pool_threads() -> usize {
    rayon::current_num_threads()
}

/// A loaded catalog, kept in wasm memory between runs.
#[wasm_bindgen]
pub struct Engine {
    catalog: Catalog,
}

/// One timed run as the worker sees it: the ranking plus the time of each phase.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunOutput {
    items: Vec<Recommendation>,
    /// Signatures and scoring of every candidate.
    score_ms: f64,
    /// Selecting and sorting the top K.
    rank_ms: f64,
    candidates: usize,
}

#[wasm_bindgen]
impl Engine {
    /// Parses and validates a JSON catalog. Errors carry the location of the problem.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<Engine, JsError> {
        let catalog = catalog::parse_catalog(text).map_err(to_js)?;
        Ok(Engine { catalog })
    }

    /// A generated catalog of `n` products; the same `n` and `seed` give the same catalog.
    pub fn generate(n: u32, seed: u32) -> Result<Engine, JsError> {
        let catalog = generate::generate(n as usize, u64::from(seed)).map_err(to_js)?;
        Ok(Engine { catalog })
    }

    /// Number of products.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> usize {
        self.catalog.len()
    }

    /// Identifier of the product at `index`, or `undefined` past the end.
    #[wasm_bindgen(js_name = idAt)]
    pub fn id_at(&self, index: usize) -> Option<String> {
        self.catalog.products().get(index).map(|p| p.id.clone())
    }

    /// Scores every other product against `target` and returns the top `top`, with the
    /// time of the scoring and ranking phases. `parallel` picks the rayon pool.
    pub fn recommend(
        &self,
        target: &str,
        iterations: u32,
        top: usize,
        parallel: bool,
    ) -> Result<JsValue, JsError> {
        let query = Query {
            target: target.to_string(),
            iterations,
            top,
        };
        let started = performance_now();
        let scores = if parallel {
            rank::score_parallel(&self.catalog, &query)
        } else {
            rank::score_serial(&self.catalog, &query)
        }
        .map_err(to_js)?;
        let scored = performance_now();
        let items = rank::top_k(&self.catalog, &scores, query.top);
        let ranked = performance_now();
        to_value(&RunOutput {
            items,
            score_ms: scored - started,
            rank_ms: ranked - scored,
            candidates: scores.candidates.len(),
        })
    }
}
