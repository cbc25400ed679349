//! shop-recs: content-based product recommendations, scored serially or on a rayon pool.
//!
//! The core is pure Rust: no wasm-bindgen and no I/O. It builds and tests natively, and
//! the same code runs in the browser, where `src/wasm.rs` (wasm32 only) is a thin binding
//! around it and rayon's pool runs on Web Workers.
//!
//! - [`catalog`]: JSON parsing, validation with typed errors, and token preparation.
//! - [`tokens`]: how text becomes words.
//! - [`similarity`]: the MinHash text signal (FNV-1a, the CPU-bound kernel), the
//!   attribute Jaccard signal, and how they combine.
//! - [`rank`]: [`rank::recommend_serial`] and [`rank::recommend_parallel`], siblings with
//!   one signature and bit-identical results.
//! - [`generate`]: a deterministic generator of realistic catalogs.
//!
//! Beside the core, natively only, the shells' parts that tests drive directly: `server`
//! (`shop-recs serve`: axum on tokio), `files` (reading catalog files) and `database`
//! (the shop's catalog in SQLite or Postgres). They do the I/O; the modules above never do.

pub mod catalog;
/// The shop's database (SQLite or Postgres through sqlx), native only: `shop-recs import`
/// writes it, `shop-recs serve --database` reads it.
#[cfg(all(feature = "server", not(target_arch = "wasm32")))]
pub mod database;
/// Catalog files for the native shells (native only: the core does no I/O).
#[cfg(not(target_arch = "wasm32"))]
pub mod files;
pub mod generate;
pub mod rank;
/// `shop-recs serve`: the HTTP server (axum, tokio), native only. The binary is a thin
/// shell around [`server::run`]; tests drive [`server::build`]'s router in-process.
#[cfg(all(feature = "server", not(target_arch = "wasm32")))]
pub mod server;
pub mod similarity;
pub mod tokens;

/// The JavaScript binding (wasm32 only): the `Engine` the page's worker calls.
#[cfg(target_arch = "wasm32")]
pub mod wasm;
/// The pool starter JS calls as `initThreadPool(n)`; public so the export is linked.
/// Only in the threaded build (feature `threads`, on by default).
#[cfg(all(target_arch = "wasm32", feature = "threads"))]
pub use wasm::init_thread_pool;

pub use catalog::{Catalog, CatalogError, Product, parse_catalog};
pub use rank::{Query, QueryError, Recommendation, recommend_parallel, recommend_serial};
