//! How results and errors cross to JavaScript: the one place a Rust error becomes a JS
//! `Error` ([`to_js`]), the binding's own refusals ([`BindingError`]), and results as
//! plain JS objects ([`to_value`]).

use std::fmt::Display;

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The one place a Rust error becomes a JS `Error`, keeping its message.
pub(super) fn to_js(error: impl Display) -> JsError {
    JsError::new(&error.to_string())
}

/// What the binding itself refuses, beside the core's own errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BindingError {
    /// `Reflect::set` failed while building a result object (token data, a timeline).
    TokenDataObject,
    /// `everyThreadSerial`: the pool's threads scored the catalog differently (a bug).
    #[cfg(feature = "hooks")]
    ThreadsDisagree,
    /// A parallel run asked of the single-thread build.
    NoPool,
}

impl Display for BindingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BindingError::TokenDataObject => "could not build the token data object",
            #[cfg(feature = "hooks")]
            BindingError::ThreadsDisagree => "the pool's threads scored the catalog differently",
            BindingError::NoPool => {
                "parallel runs need the threaded wasm build; this is the single-thread build \
                 (no atomics, no rayon pool)"
            }
        })
    }
}

pub(super) fn to_value(value: &impl Serialize) -> Result<JsValue, JsError> {
    // Maps become plain objects, not `Map`s, so the page can read fields directly.
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(to_js)
}
