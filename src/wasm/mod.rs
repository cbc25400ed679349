//! The JavaScript binding: the only module that knows it runs in a browser.
//!
//! It stays thin. It holds a parsed [`Catalog`] in [`Engine`] so a catalog is parsed once
//! and scored many times, calls the core, converts errors to JS once (in [`to_js`]), and
//! installs the panic hook once. Results cross as plain JS objects (serde-wasm-bindgen).
//!
//! Everything here is called from `www/js/worker.js`, a module worker that owns the wasm
//! instance and the rayon pool; nothing here runs on the page's UI thread. The test hooks
//! and the benchmark hooks live apart, in `test_hooks.rs` and `bench_hooks.rs`.

use std::fmt::Display;
use std::sync::{Mutex, Once};

use js_sys::{Object, Reflect, Uint8Array, Uint32Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::catalog::{self, Catalog};
use crate::rank::{self, Query, Recommendation, Scores, Share, Split};
use crate::similarity::{ATTRIBUTE_WEIGHT, TEXT_WEIGHT};

mod bench_hooks;
mod load;
mod test_hooks;
mod timeline;

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

/// What the binding itself refuses, beside the core's own errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BindingError {
    /// `Reflect::set` failed while building a result object (token data, a timeline).
    TokenDataObject,
    /// `everyThreadSerial`: the pool's threads scored the catalog differently (a bug).
    ThreadsDisagree,
    /// A parallel run asked of the single-thread build.
    NoPool,
}

impl Display for BindingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BindingError::TokenDataObject => "could not build the token data object",
            BindingError::ThreadsDisagree => "the pool's threads scored the catalog differently",
            BindingError::NoPool => {
                "parallel runs need the threaded wasm build; this is the single-thread build \
                 (no atomics, no rayon pool)"
            }
        })
    }
}

fn to_value(value: &impl Serialize) -> Result<JsValue, JsError> {
    // Maps become plain objects, not `Map`s, so the page can read fields directly.
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(to_js)
}

#[wasm_bindgen]
extern "C" {
    /// The browser's `BroadcastChannel`, the one way a pool thread can reach the page:
    /// its parent (the worker that owns the instance) is blocked waiting for the pool.
    type BroadcastChannel;
    #[wasm_bindgen(constructor, catch)]
    fn new(name: &str) -> Result<BroadcastChannel, JsValue>;
    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message(this: &BroadcastChannel, message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn close(this: &BroadcastChannel);
}

/// The message of the last panic in this instance, on any thread. Built with panic =
/// abort, a panic ends in an `unreachable` trap that carries no text; the worker reads
/// this right after the trap ([`last_panic_message`]). Locked only with `try_lock`, so
/// neither the hook nor the reader can block on a lock a trapped thread left held.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
/// Name of the `BroadcastChannel` the panic hook also posts the message to, set by the
/// worker at start ([`set_panic_channel`]); the page listens on it.
static PANIC_CHANNEL: Mutex<Option<String>> = Mutex::new(None);

/// Installs the panic hook, once per wasm instance (this runs on every thread that
/// instantiates the module): the console gets the message and stack as
/// console_error_panic_hook writes them, [`LAST_PANIC`] keeps the message, and the
/// page's panic channel receives it.
#[wasm_bindgen(start)]
fn start() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            let text = info.payload_as_str().unwrap_or("a panic without a message");
            let message = match info.location() {
                Some(at) => format!("{text} (at {}:{})", at.file(), at.line()),
                None => text.to_string(),
            };
            if let Ok(channel) = PANIC_CHANNEL.try_lock()
                && let Some(name) = channel.as_ref()
                && let Ok(broadcast) = BroadcastChannel::new(name)
            {
                // Best effort: the message also reaches the console and LAST_PANIC.
                let _ = broadcast.post_message(&message);
                broadcast.close();
            }
            if let Ok(mut last) = LAST_PANIC.try_lock() {
                *last = Some(message);
            }
        }));
    });
}

/// The message of the last panic in this instance, or `undefined` if none happened.
///
/// Meant to be called once, right after a call into the instance failed with a
/// `WebAssembly.RuntimeError`, to tell a panic (it has a message) from other traps
/// such as running out of memory (no message).
#[wasm_bindgen(js_name = lastPanicMessage)]
pub fn last_panic_message() -> Option<String> {
    LAST_PANIC.try_lock().ok().and_then(|last| last.clone())
}

/// Makes every later panic, on any thread of this instance, post its message to the
/// `BroadcastChannel` named `name`.
#[wasm_bindgen(js_name = setPanicChannel)]
pub fn set_panic_channel(name: &str) {
    if let Ok(mut channel) = PANIC_CHANNEL.try_lock() {
        *channel = Some(name.to_string());
    }
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
    /// Fields: `count`; `bytes` (`Uint8Array`) and `ends` (`Uint32Array`), every product's
    /// distinct description words end to end, each product's word ends relative to its
    /// first byte, as [`Catalog::description_words`] gives them; `byteStarts` and
    /// `endStarts` (`count + 1` entries each), where product `i`'s bytes and ends begin;
    /// `attrIds` and `attrStarts`, the same for [`Catalog::attribute_words`]; `idOrder`,
    /// the rank of each product's identifier in UTF-8 byte order (the ranking's
    /// tie-break); `textWeight` and `attributeWeight`, the weights of `combined_score`.
    #[wasm_bindgen(js_name = tokenData)]
    pub fn token_data(&self) -> Result<Object, JsError> {
        let flat = self.catalog.flat_tokens();
        let data = Object::new();
        set(&data, "count", flat.count as f64)?;
        set(&data, "bytes", Uint8Array::from(flat.bytes))?;
        set(&data, "ends", Uint32Array::from(flat.ends))?;
        set(&data, "byteStarts", Uint32Array::from(flat.byte_starts))?;
        set(&data, "endStarts", Uint32Array::from(flat.end_starts))?;
        set(&data, "attrIds", Uint32Array::from(flat.attr_ids))?;
        set(&data, "attrStarts", Uint32Array::from(flat.attr_starts))?;
        set(&data, "idOrder", Uint32Array::from(flat.id_order))?;
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
