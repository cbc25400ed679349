//! The server's own catalog when it lives in the shop's database (`serve --database`).
//!
//! Scoring runs on the tokenized, in-memory catalog (reading rows on every request would
//! cost more than the scoring), so the server keeps the catalog of one **version** and
//! reloads it when a write has moved the version. A recommendations request asks the
//! database two independent questions at once, whether its target exists and which
//! version is current (`tokio::try_join!`: the async form of `rayon::join`, both answers
//! or the first error, as one unit), and scores on a catalog at least that new.
//!
//! One reload at a time (a mutex); requests that need the new version **wait** for it
//! rather than score the old one, so that a write is seen by every request that starts
//! after it has been acknowledged. The rows become a catalog off the reactor.

use std::sync::{Arc, PoisonError, RwLock};

use axum::http::StatusCode;

use super::error::ApiError;
use crate::database::Database;
use crate::{Catalog, CatalogError, QueryError};

/// A catalog and the database version it was read at.
pub struct Versioned {
    pub version: i64,
    pub catalog: Arc<Catalog>,
}

/// The shop's database and the catalog cached from it.
pub struct Shop {
    pub db: Database,
    /// `--read-only`: writes through the API answer 405.
    pub read_only: bool,
    current: RwLock<Arc<Versioned>>,
    reload: tokio::sync::Mutex<()>,
}

impl Shop {
    /// Reads the catalog the database holds now; an empty or invalid one is an error.
    pub async fn open(db: Database, read_only: bool) -> Result<Shop, ApiError> {
        let first = load(&db).await?;
        Ok(Shop {
            db,
            read_only,
            current: RwLock::new(Arc::new(first)),
            reload: tokio::sync::Mutex::new(()),
        })
    }

    /// The catalog cached now, whatever the database's version.
    pub fn cached(&self) -> Arc<Versioned> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The current catalog: the cached one, or reloaded when the version has moved.
    pub async fn current(&self) -> Result<Arc<Versioned>, ApiError> {
        let version = self.db.version().await?;
        self.at_least(version).await
    }

    /// The current catalog for a request about `slug`, which must exist: the product and
    /// the version are looked up together.
    pub async fn for_target(&self, slug: &str) -> Result<Arc<Versioned>, ApiError> {
        let (exists, version) = tokio::try_join!(self.db.contains(slug), self.db.version())?;
        if !exists {
            return Err(QueryError::UnknownTarget { id: slug.into() }.into());
        }
        self.at_least(version).await
    }

    /// A catalog of `version` or newer.
    async fn at_least(&self, version: i64) -> Result<Arc<Versioned>, ApiError> {
        let cached = self.cached();
        if cached.version >= version {
            return Ok(cached);
        }
        let _one_at_a_time = self.reload.lock().await;
        // Another request may have reloaded while this one waited.
        let cached = self.cached();
        if cached.version >= version {
            return Ok(cached);
        }
        let fresh = Arc::new(load(&self.db).await?);
        tracing::info!(
            version = fresh.version,
            products = fresh.catalog.len(),
            "catalog reloaded from the database"
        );
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::clone(&fresh);
        Ok(fresh)
    }
}

/// Reads the whole catalog and builds its tables on a blocking thread.
async fn load(db: &Database) -> Result<Versioned, ApiError> {
    let (version, products) = db.load().await?;
    let catalog = tokio::task::spawn_blocking(move || Catalog::from_products(products))
        .await
        .map_err(|e| ApiError::panicked(&e.to_string()))?
        .map_err(|e| invalid(version, &e))?;
    Ok(Versioned {
        version,
        catalog: Arc::new(catalog),
    })
}

/// The database holds no catalog the server can score (rows written by other means).
fn invalid(version: i64, e: &CatalogError) -> ApiError {
    let message = match e {
        CatalogError::Empty => "the database holds no products; import a catalog first \
                                (shop-recs import FILE --database URL)"
            .to_string(),
        other => format!("the database's catalog (version {version}) is not valid: {other}"),
    };
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "invalid_database",
        message,
    )
}
