//! What every handler shares: the server's own catalog, the store of the others, the
//! scoring pool and the in-flight limit. Its own module, so that the handlers' modules
//! (api.rs, catalogs.rs) depend on it and not on each other.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::jobs::Slots;
use super::metrics::Metrics;
use super::shop::Shop;
use super::store::CatalogStore;
use crate::Catalog;
use crate::similarity::Kernel;

/// The id of the catalog the server started with (`--catalog`, `--generate`, or the
/// bundled one): `/products/...` is `/catalogs/default/products/...`.
pub const DEFAULT_CATALOG: &str = "default";

/// Where the server's own catalog comes from.
pub enum DefaultCatalog {
    /// A file, a generated catalog or the bundled one: the same for the server's life.
    Fixed {
        catalog: Arc<Catalog>,
        /// SHA-256 of the catalog's bytes (none for a generated one).
        sha256: Option<String>,
    },
    /// The shop's database (`--database`), cached by version (shop.rs).
    Shop(Shop),
}

/// What every handler shares.
pub struct AppState {
    pub default: DefaultCatalog,
    pub store: Mutex<CatalogStore>,
    pub pool: rayon::ThreadPool,
    pub slots: Slots,
    pub kernel: Kernel,
    pub catalog_memory: usize,
    /// Largest catalog upload, in bytes.
    pub max_upload_bytes: usize,
    pub request_timeout_s: u64,
    /// What `/metrics` shows.
    pub metrics: Metrics,
    /// `/openapi.json`'s text, set once the router is built (mod.rs).
    pub openapi: OnceLock<String>,
    /// Set on SIGTERM or SIGINT: `/readyz` answers 503 from then on (mod.rs's `drained`).
    pub draining: AtomicBool,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub fn store(&self) -> std::sync::MutexGuard<'_, CatalogStore> {
        // The store's methods keep it consistent at every step; a panic elsewhere while
        // it was locked leaves nothing half-done.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
