//! The JavaScript binding: the only module that knows it runs in a browser.
//!
//! It stays thin. It holds a parsed [`Catalog`] in [`Engine`] so a catalog is parsed once
//! and scored many times, calls the core, converts errors to JS once (in [`to_js`]), and
//! installs the panic hook once. Results cross as plain JS objects (serde-wasm-bindgen).
//!
//! Everything here is called from `www/js/worker.js`, a module worker that owns the wasm
//! instance and the rayon pool; nothing here runs on the page's UI thread. The test hooks
//! and the benchmark hooks live apart, in `test_hooks.rs` and `bench_hooks.rs`.

use js_sys::{Object, Reflect, Uint8Array, Uint16Array, Uint32Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::catalog::{self, Catalog};
use crate::rank::{self, Query, Recommendation, Scores, Share, Split};
use crate::similarity::{ATTRIBUTE_WEIGHT, TEXT_WEIGHT};

// The demo site's test and benchmark hooks; the npm package's modules are built without
// them (feature `hooks`, scripts/package.sh).
#[cfg(feature = "hooks")]
mod bench_hooks;
mod errors;
mod load;
mod panic;
#[cfg(feature = "hooks")]
mod test_hooks;
mod timeline;

use errors::{BindingError, to_js, to_value};

/// Re-exported so the worker can start the pool: `await initThreadPool(n)`. Only the
/// threaded build (feature `threads`) has it.
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()` of the calling worker: the clock every page timing uses.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Number of threads in the rayon pool this instance runs on (1 before the pool starts).
/// Only the threaded build (feature `threads`) has it.
#[cfg(feature = "threads")]
#[wasm_bindgen(js_name = poolThreads)]
pub fn pool_threads() -> usize {
    rayon::current_num_threads()
}

/// A loaded catalog, kept in wasm memory between runs.
#[wasm_bindgen]
pub struct Engine {
    catalog: Catalog,
    /// The threads that built it: the pool's (a generated catalog on the threaded
    /// build's pool), or 1.
    load_threads: usize,
}

impl Engine {
    /// A catalog built on one thread.
    fn built(catalog: Catalog) -> Engine {
        Engine {
            catalog,
            load_threads: 1,
        }
    }
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

/// A product as the page shows it.
#[derive(Serialize)]
struct Shown<'a> {
    index: usize,
    id: &'a str,
    name: &'a str,
    category: Option<&'a str>,
}

/// Sets `object[key] = value`.
fn set(object: &Object, key: &str, value: impl Into<JsValue>) -> Result<(), JsError> {
    Reflect::set(object, &JsValue::from_str(key), &value.into())
        .map(|_| ())
        .map_err(|_| to_js(BindingError::TokenDataObject))
}

#[wasm_bindgen]
impl Engine {
    /// Parses and validates a catalog from the raw bytes of a file or HTTP body, which
    /// must be UTF-8 JSON text ([`catalog::parse_catalog_bytes`]). Errors carry the
    /// location of the problem.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<Engine, JsError> {
        let catalog = catalog::parse_catalog_bytes(bytes).map_err(to_js)?;
        Ok(Engine::built(catalog))
    }

    /// The threads that built this catalog: more than 1 when it was generated on the
    /// pool, 1 when it was built on the calling thread.
    #[wasm_bindgen(getter, js_name = loadThreads)]
    pub fn load_threads(&self) -> usize {
        self.load_threads
    }

    /// Number of products.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> usize {
        self.catalog.len()
    }

    /// Identifier of the product at `index`, or `undefined` past the end.
    #[wasm_bindgen(js_name = idAt)]
    pub fn id_at(&self, index: usize) -> Option<String> {
        (index < self.catalog.len()).then(|| self.catalog.product(index).id.to_string())
    }

    /// Index of the product whose identifier is exactly `id`, or `undefined`.
    #[wasm_bindgen(js_name = indexOf)]
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.catalog.index_of(id)
    }

    /// The product at `index` as `{ index, id, name, category }` (a category is `null`
    /// when the product has none), or `undefined` past the end. The catalog's strings
    /// stay in wasm memory; the page asks for the few it shows.
    pub fn product(&self, index: usize) -> Result<JsValue, JsError> {
        if index >= self.catalog.len() {
            return Ok(JsValue::UNDEFINED);
        }
        let product = self.catalog.product(index);
        let shown = Shown {
            index,
            id: product.id,
            name: product.name,
            category: product.category,
        };
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
        shown.serialize(&serializer).map_err(to_js)
    }

    /// Products whose name or identifier holds every word of `query`
    /// ([`Catalog::search`]): `{ matches, total }`, at most `limit` matches as
    /// [`Engine::product`] gives them.
    pub fn search(&self, query: &str, limit: usize) -> Result<JsValue, JsError> {
        let found = self.catalog.search(query, limit);
        let matches = js_sys::Array::new();
        for index in found.matches {
            matches.push(&self.product(index)?);
        }
        let result = Object::new();
        set(&result, "matches", matches)?;
        set(&result, "total", found.total as f64)?;
        Ok(result.into())
    }

    /// What the catalog's tables hold, part by part, in bytes ([`Catalog::memory`]):
    /// `{ labels, labelOffsets, categories, idOrder, words, wordOffsets, attributes, total }`.
    pub fn memory(&self) -> Result<JsValue, JsError> {
        to_value(&self.catalog.memory())
    }

    /// The prepared token data that `www/js/scoring.js` scores, copied out of wasm memory
    /// into plain typed arrays (called once per catalog load).
    ///
    /// Fields: `count`; `bytes` (`Uint8Array`) and `ends` (`Uint16Array`), every product's
    /// distinct description words end to end, each product's word ends relative to its
    /// first byte, as [`Catalog::description_words`] gives them; `byteStarts` and
    /// `endStarts` (`count + 1` entries each), where product `i`'s bytes and ends begin;
    /// `attrIds` and `attrStarts`, the same for [`Catalog::attribute_words`]; `idOrder`,
    /// the rank of each product's identifier in UTF-8 byte order (the ranking's
    /// tie-break); `textWeight` and `attributeWeight`, the weights of `combined_score`.
    #[wasm_bindgen(js_name = tokenData)]
    pub fn token_data(&self) -> Result<Object, JsError> {
        let t = self.catalog.tables_ref();
        let data = Object::new();
        set(&data, "count", self.catalog.len() as f64)?;
        set(&data, "bytes", Uint8Array::from(t.text_bytes))?;
        set(&data, "ends", Uint16Array::from(t.text_ends))?;
        set(&data, "byteStarts", Uint32Array::from(t.byte_starts))?;
        set(&data, "endStarts", Uint32Array::from(t.end_starts))?;
        set(&data, "attrIds", Uint32Array::from(t.attribute_ids))?;
        set(&data, "attrStarts", Uint32Array::from(t.attribute_starts))?;
        set(&data, "idOrder", Uint32Array::from(t.id_rank))?;
        set(&data, "textWeight", TEXT_WEIGHT)?;
        set(&data, "attributeWeight", ATTRIBUTE_WEIGHT)?;
        Ok(data)
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
        // The single-thread build (no `threads` feature) is compiled without atomics, and
        // then rayon's into_par_iter() runs sequentially on the current thread: a
        // "parallel" run would be a serial one under another name, so it is refused.
        if parallel && !cfg!(feature = "threads") {
            return Err(to_js(BindingError::NoPool));
        }
        self.timed(&query, parallel, || {
            if parallel {
                rank::score_parallel(&self.catalog, &query)
            } else {
                rank::score_serial(&self.catalog, &query)
            }
        })
    }

    /// Scores worker `worker`'s share of the candidates when they are split among
    /// `workers` (`split`: "interleaved", "blocks" or "balanced", blocks of equal estimated
    /// cost: [`Split::name`]) and returns that share's own top
    /// `top`, timed like [`Engine::recommend`]; `candidates` is the share's size. The
    /// page's Workers mode merges the shares' rankings (www/js/merge.js) into exactly the
    /// serial one.
    #[wasm_bindgen(js_name = recommendShare)]
    pub fn recommend_share(
        &self,
        target: &str,
        iterations: u32,
        top: usize,
        worker: usize,
        workers: usize,
        split: &str,
    ) -> Result<JsValue, JsError> {
        let split = Split::from_name(split).ok_or_else(|| {
            JsError::new(&format!(
                "unknown split {split:?}: interleaved, blocks or balanced"
            ))
        })?;
        let share = Share::new(worker, workers, split).map_err(to_js)?;
        let query = Query {
            target: target.to_string(),
            iterations,
            top,
        };
        self.timed(&query, false, || {
            rank::score_share(&self.catalog, &query, share)
        })
    }
}

impl Engine {
    /// Runs `score`, then the top K of its scores (on the pool when `parallel`), each
    /// phase timed: a [`RunOutput`].
    fn timed(
        &self,
        query: &Query,
        parallel: bool,
        score: impl FnOnce() -> Result<Scores, rank::QueryError>,
    ) -> Result<JsValue, JsError> {
        let started = performance_now();
        let scores = score().map_err(to_js)?;
        let scored = performance_now();
        let items = if parallel {
            rank::top_k_parallel(&self.catalog, &scores, query.top)
        } else {
            rank::top_k(&self.catalog, &scores, query.top)
        };
        let ranked = performance_now();
        to_value(&RunOutput {
            items,
            score_ms: scored - started,
            rank_ms: ranked - scored,
            candidates: scores.candidates.len(),
        })
    }
}
