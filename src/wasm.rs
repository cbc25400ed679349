//! The JavaScript binding: the only module that knows it runs in a browser.
//!
//! It stays thin. It holds a parsed [`Catalog`] in [`Engine`] so a catalog is parsed once
//! and scored many times, calls the core, converts errors to JS once (in [`to_js`]), and
//! installs the panic hook once. Results cross as plain JS objects (serde-wasm-bindgen).
//!
//! Everything here is called from `www/js/worker.js`, a module worker that owns the wasm
//! instance and the rayon pool; nothing here runs on the page's UI thread.

use std::fmt::Display;

use js_sys::{Object, Reflect, Uint8Array, Uint32Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::catalog::{self, Catalog};
use crate::generate;
use crate::rank::{self, Query, Recommendation};
use crate::similarity::{ATTRIBUTE_WEIGHT, TEXT_WEIGHT};

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

/// Every product's display strings, in catalog order, for the worker's search and for
/// labelling the plain-JS results.
#[derive(Serialize)]
struct Labels<'a> {
    ids: Vec<&'a str>,
    names: Vec<&'a str>,
    /// `null` where a product has no category.
    categories: Vec<Option<&'a str>>,
}

/// Converts an offset into the flat token arrays to the `u32` the JS side indexes with.
fn offset(length: usize) -> Result<u32, JsError> {
    u32::try_from(length).map_err(|_| JsError::new("token data over 4 GiB cannot be exported"))
}

/// Sets `object[key] = value`.
fn set(object: &Object, key: &str, value: impl Into<JsValue>) -> Result<(), JsError> {
    Reflect::set(object, &JsValue::from_str(key), &value.into())
        .map(|_| ())
        .map_err(|_| JsError::new("could not build the token data object"))
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

    /// Index of the product whose identifier is exactly `id`, or `undefined`.
    #[wasm_bindgen(js_name = indexOf)]
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.catalog.index_of(id)
    }

    /// Every product's identifier, name and category as `{ ids, names, categories }`,
    /// three arrays in catalog order (a category is `null` when the product has none).
    pub fn labels(&self) -> Result<JsValue, JsError> {
        let products = self.catalog.products();
        let labels = Labels {
            ids: products.iter().map(|p| p.id.as_str()).collect(),
            names: products.iter().map(|p| p.name.as_str()).collect(),
            categories: products.iter().map(|p| p.category.as_deref()).collect(),
        };
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
        labels.serialize(&serializer).map_err(to_js)
    }

    /// The prepared token data that `www/js/scoring.js` scores, copied out of wasm memory
    /// into plain typed arrays (called once per catalog load).
    ///
    /// Fields: `count`; `bytes` (`Uint8Array`) and `ends` (`Uint32Array`), every product's
    /// distinct description words end to end, each product's word ends relative to its
    /// first byte, as [`Catalog::description_words`] gives them; `byteStarts` and
    /// `endStarts` (`count + 1` entries each), where product `i`'s bytes and ends begin;
    /// `attrIds` and `attrStarts`, the same for [`Catalog::attribute_words`]; `idOrder`,
    /// the rank of each product's identifier in UTF-8 byte order (the ranking's
    /// tie-break); `textWeight` and `attributeWeight`, the weights of `combined_score`.
    #[wasm_bindgen(js_name = tokenData)]
    pub fn token_data(&self) -> Result<Object, JsError> {
        let catalog = &self.catalog;
        let count = catalog.len();
        let (mut bytes, mut ends, mut attr_ids) = (Vec::new(), Vec::new(), Vec::new());
        let mut byte_starts = Vec::with_capacity(count + 1);
        let mut end_starts = Vec::with_capacity(count + 1);
        let mut attr_starts = Vec::with_capacity(count + 1);
        byte_starts.push(0);
        end_starts.push(0);
        attr_starts.push(0);
        for index in 0..count {
            let words = catalog.description_words(index);
            bytes.extend_from_slice(words.bytes());
            ends.extend_from_slice(words.ends());
            attr_ids.extend_from_slice(catalog.attribute_words(index));
            byte_starts.push(offset(bytes.len())?);
            end_starts.push(offset(ends.len())?);
            attr_starts.push(offset(attr_ids.len())?);
        }

        // Identifiers are unique, so this order is total.
        let products = catalog.products();
        let mut by_id: Vec<usize> = (0..count).collect();
        by_id.sort_unstable_by(|&a, &b| products[a].id.as_bytes().cmp(products[b].id.as_bytes()));
        let mut id_order = vec![0u32; count];
        for (rank, &index) in by_id.iter().enumerate() {
            id_order[index] = offset(rank)?;
        }

        let data = Object::new();
        set(&data, "count", count as f64)?;
        set(&data, "bytes", Uint8Array::from(&bytes[..]))?;
        set(&data, "ends", Uint32Array::from(&ends[..]))?;
        set(&data, "byteStarts", Uint32Array::from(&byte_starts[..]))?;
        set(&data, "endStarts", Uint32Array::from(&end_starts[..]))?;
        set(&data, "attrIds", Uint32Array::from(&attr_ids[..]))?;
        set(&data, "attrStarts", Uint32Array::from(&attr_starts[..]))?;
        set(&data, "idOrder", Uint32Array::from(&id_order[..]))?;
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
            return Err(JsError::new(
                "parallel runs need the threaded wasm build; this is the single-thread build (no atomics, no rayon pool)",
            ));
        }
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
