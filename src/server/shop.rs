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
use futures_util::StreamExt;

use super::error::ApiError;
use crate::catalog::CatalogBuilder;
use crate::database::Database;
use crate::{Catalog, CatalogError, Product, QueryError};

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
    /// The catalog cached now; none while a reload builds its successor.
    current: RwLock<Option<Arc<Versioned>>>,
    /// The version and product count loaded last: what `/info` says, without waiting.
    last: RwLock<(i64, usize)>,
    reload: tokio::sync::Mutex<()>,
}

impl Shop {
    /// Reads the catalog the database holds now; an empty or invalid one is an error.
    pub async fn open(db: Database, read_only: bool) -> Result<Shop, ApiError> {
        let first = load(&db).await?;
        Ok(Shop {
            db,
            read_only,
            last: RwLock::new((first.version, first.catalog.len())),
            current: RwLock::new(Some(Arc::new(first))),
            reload: tokio::sync::Mutex::new(()),
        })
    }

    /// The catalog cached now, whatever the database's version; none during a reload.
    fn cached(&self) -> Option<Arc<Versioned>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The version and number of products loaded last (`/info`: never waits).
    pub fn last_loaded(&self) -> (i64, usize) {
        *self.last.read().unwrap_or_else(PoisonError::into_inner)
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
        if let Some(cached) = self.cached().filter(|c| c.version >= version) {
            return Ok(cached);
        }
        let _one_at_a_time = self.reload.lock().await;
        // Another request may have reloaded while this one waited.
        if let Some(cached) = self.cached().filter(|c| c.version >= version) {
            return Ok(cached);
        }
        // The stale catalog goes first: every request from now on needs the new one and
        // waits for it, and those in flight hold their own reference until they finish.
        // So a reload of a million rows peaks near one catalog's memory, not two.
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = None;
        let fresh = Arc::new(load(&self.db).await?);
        *self.last.write().unwrap_or_else(PoisonError::into_inner) =
            (fresh.version, fresh.catalog.len());
        tracing::info!(
            version = fresh.version,
            products = fresh.catalog.len(),
            "catalog reloaded from the database"
        );
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&fresh));
        Ok(fresh)
    }
}

/// Products per message from the task that reads the rows to the thread that builds.
const BATCH: usize = 1024;

/// Reads the catalog and builds its tables at once: the rows stream in on the reactor and
/// go, a batch at a time through a short queue, to a blocking thread that appends each to
/// a [`CatalogBuilder`]. Neither the rows nor a `Vec` of every product is ever held
/// whole, so loading a million rows peaks near the catalog's own memory, as loading a
/// file does. A write while it read (the version moved) makes it read again.
async fn load(db: &Database) -> Result<Versioned, ApiError> {
    loop {
        let before = db.version().await?;
        let (batches, mut received) = tokio::sync::mpsc::channel::<Vec<Product>>(4);
        let building = tokio::task::spawn_blocking(move || {
            let mut builder = CatalogBuilder::default();
            while let Some(batch) = received.blocking_recv() {
                for product in &batch {
                    builder.push(product);
                }
            }
            builder.finish()
        });
        let read = send_rows(db, batches).await;
        let built = building
            .await
            .map_err(|e| ApiError::panicked(&e.to_string()))?;
        read?;
        if db.version().await? != before {
            continue;
        }
        let catalog = built.map_err(|e| invalid(before, &e))?;
        return Ok(Versioned {
            version: before,
            catalog: Arc::new(catalog),
        });
    }
}

/// Every row of the catalog, in batches, to the building thread; stops early if that
/// thread has gone.
async fn send_rows(
    db: &Database,
    batches: tokio::sync::mpsc::Sender<Vec<Product>>,
) -> Result<(), ApiError> {
    let mut rows = std::pin::pin!(db.products());
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(product) = rows.next().await {
        batch.push(product?);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if batches.send(full).await.is_err() {
                return Ok(());
            }
        }
    }
    if !batch.is_empty() {
        let _ = batches.send(batch).await;
    }
    Ok(())
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
