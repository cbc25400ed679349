//! Catalogs other than the server's own: uploads (`POST /catalogs`, identified by the
//! SHA-256 of their bytes) and `generated-{n}-{seed}[-{skew}]` ids, made on first use, both kept in
//! the [`CatalogStore`](super::store::CatalogStore) under the memory budget.

use std::sync::Arc;
use std::time::Instant;

use crate::Catalog;
use crate::catalog::{MAX_PRODUCTS, parse_catalog_bytes};
use crate::generate::{Skew, generate_skewed};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, Sizes, readable_bytes};
use super::jobs::run_job;
use super::memory::release_freed_memory;
use super::openapi::{CatalogUpload, ErrorBody};
use super::state::{DEFAULT_CATALOG, DefaultCatalog, Shared};

/// A catalog to answer from, and the shop database's version it was read at (for the
/// default catalog under `--database`).
pub type Found = (Arc<Catalog>, Option<i64>);

/// [`catalog_for`] for a request about product `slug`, which must be in it (404
/// otherwise). Under `--database` the product and the version are looked up together.
pub async fn catalog_for_target(state: &Shared, id: &str, slug: &str) -> Result<Found, ApiError> {
    let found = match (&state.default, id == DEFAULT_CATALOG) {
        (DefaultCatalog::Shop(shop), true) => {
            let current = shop.for_target(slug).await?;
            (Arc::clone(&current.catalog), Some(current.version))
        }
        _ => catalog_for(state, id).await?,
    };
    // An unknown target is a 404 before any slot is taken.
    if found.0.index_of(slug).is_none() {
        return Err(crate::QueryError::UnknownTarget { id: slug.into() }.into());
    }
    Ok(found)
}

/// The catalog called `id`: the default one (under `--database`, as of the current
/// version), a stored one, or a `generated-{n}-{seed}` made now (on a blocking thread,
/// under the in-flight limit) and stored.
pub async fn catalog_for(state: &Shared, id: &str) -> Result<Found, ApiError> {
    if id == DEFAULT_CATALOG {
        return match &state.default {
            DefaultCatalog::Fixed { catalog, .. } => Ok((Arc::clone(catalog), None)),
            DefaultCatalog::Shop(shop) => {
                let current = shop.current().await?;
                Ok((Arc::clone(&current.catalog), Some(current.version)))
            }
        };
    }
    if let Some((catalog, _)) = state.store().get(id) {
        return Ok((catalog, None));
    }
    let Some((n, seed, skew)) = generated_id(id) else {
        return Err(ApiError::unknown_catalog(id));
    };
    if !(1..=MAX_PRODUCTS).contains(&n) {
        return Err(ApiError::bad_parameter(format!(
            "a generated catalog holds between 1 and {MAX_PRODUCTS} products, got {n}"
        )));
    }
    let job_state = Arc::clone(state);
    let id = id.to_string();
    run_job(&state.slots, move |_| {
        let started = Instant::now();
        let catalog = generate_skewed(n, seed, skew).map_err(|e| ApiError::invalid_catalog(&e))?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let stored = job_state.store().insert(&id, Arc::new(catalog), ms);
        // The generator's scratch space is freed now, and perhaps evicted catalogs.
        release_freed_memory();
        stored.map_err(|over| over_budget(over.bytes, over.budget))
    })
    .await?
    .map(|catalog| (catalog, None))
}

/// `generated-{n}-{seed}` (uniform) or `generated-{n}-{seed}-{skew}` as `(n, seed, skew)`;
/// a skew over [`crate::generate::MAX_SKEW`] is no such id.
fn generated_id(id: &str) -> Option<(usize, u64, Skew)> {
    let mut parts = id.strip_prefix("generated-")?.split('-');
    let n = parts.next()?.parse().ok()?;
    let seed = parts.next()?.parse().ok()?;
    let skew = match parts.next() {
        None => Skew::NONE,
        Some(percent) => Skew::new(percent.parse().ok()?).ok()?,
    };
    parts.next().is_none().then_some((n, seed, skew))
}

fn over_budget(bytes: usize, budget: usize) -> ApiError {
    ApiError {
        sizes: Some(Sizes {
            needed: bytes as u64,
            limit: budget as u64,
        }),
        ..ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "over_memory_budget",
            format!(
                "the catalog needs about {} of memory; the server's whole catalog budget is {} \
                 (--catalog-memory)",
                readable_bytes(bytes as u64),
                readable_bytes(budget as u64)
            ),
        )
    }
}

/// `POST /catalogs`: the body is a catalog in any format the core accepts.
#[utoipa::path(
    post,
    path = "/catalogs",
    tag = "catalogs",
    request_body(content = CatalogUpload, content_type = "application/json",
        description = "A catalog: an array of products, or an object with a `products` array (at most `--max-upload`, 64 MiB by default)"),
    responses(
        (status = 201, description = "Parsed and stored: its id (the body's SHA-256)", body = UploadAnswer),
        (status = 200, description = "The same bytes were stored already: the same id, not parsed again", body = UploadAnswer),
        (status = 400, description = "Not a valid catalog (`invalid_catalog`, with the location) or an unreadable body", body = ErrorBody),
        (status = 413, description = "Over `--max-upload` (`too_large`, with `needed_bytes` when the length was sent, and `limit_bytes`)", body = ErrorBody),
        (status = 415, description = "Not application/json (`unsupported_media_type`)", body = ErrorBody),
        (status = 500, description = "A panic inside the job", body = ErrorBody),
        (status = 503, description = "Every slot is taken (`busy`)", body = ErrorBody,
            headers(("retry-after" = u32, description = "Seconds to wait"))),
        (status = 504, description = "The request ran past --request-timeout", body = ErrorBody),
        (status = 507, description = "Larger than the whole catalog memory budget (`over_memory_budget`, with `needed_bytes` and `limit_bytes`)", body = ErrorBody),
    )
)]
pub async fn upload(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("a catalog is sent as application/json, not {content_type:?}"),
        ));
    }
    // A Content-Length over the limit is refused before the body is read; a body without
    // one is cut off once it passes the limit while streaming.
    let limit = state.max_upload_bytes;
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|length| length > limit as u64) {
        return Err(ApiError::too_large(length, limit));
    }
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        if is_length_limit(&e) {
            ApiError::too_large(None, limit)
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                format!("cannot read the body: {e}"),
            )
        }
    })?;
    let job_state = Arc::clone(&state);
    let (status, answer) = run_job(&state.slots, move |_| {
        let id = sha256_hex(&bytes);
        if let Some((catalog, parse_ms)) = job_state.store().get(&id) {
            return Ok((StatusCode::OK, upload_answer(&id, &catalog, parse_ms)));
        }
        let started = Instant::now();
        // On the scoring pool: a large upload is parsed in pieces on its threads
        // (`--threads`), not on threads of its own.
        let catalog = job_state
            .pool
            .install(|| parse_catalog_bytes(&bytes))
            .map_err(|e| ApiError::invalid_catalog(&e))?;
        let parse_ms = started.elapsed().as_secs_f64() * 1e3;
        let stored = job_state
            .store()
            .insert(&id, Arc::new(catalog), parse_ms)
            .map_err(|over| over_budget(over.bytes, over.budget));
        // The body and the parser's buffers are freed now, and perhaps evicted catalogs.
        drop(bytes);
        release_freed_memory();
        let catalog = stored?;
        job_state.metrics.uploads.inc();
        job_state
            .metrics
            .upload_parse_seconds
            .observe(parse_ms / 1e3);
        Ok::<_, ApiError>((StatusCode::CREATED, upload_answer(&id, &catalog, parse_ms)))
    })
    .await??;
    Ok((status, Json(answer)).into_response())
}

/// What an upload answers.
#[derive(Serialize, ToSchema)]
pub struct UploadAnswer {
    /// The catalog's id: the SHA-256 of its bytes, in lowercase hex.
    id: String,
    products: usize,
    /// How long parsing and validating took (when it was first uploaded).
    parse_ms: f64,
}

fn upload_answer(id: &str, catalog: &Catalog, parse_ms: f64) -> UploadAnswer {
    UploadAnswer {
        id: id.to_string(),
        products: catalog.len(),
        parse_ms,
    }
}

/// The SHA-256 of `bytes` in lowercase hex: an uploaded catalog's id.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether reading a body failed because it passed the body limit.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids() {
        assert_eq!(
            generated_id("generated-2000-42"),
            Some((2000, 42, Skew::NONE))
        );
        let five = Skew::new(5).ok();
        assert_eq!(
            generated_id("generated-2000-42-5"),
            five.map(|s| (2000, 42, s))
        );
        assert_eq!(generated_id("generated-2000-42-26"), None);
        assert_eq!(generated_id("generated-2000-42-5-1"), None);
        assert_eq!(generated_id("generated-2000"), None);
        assert_eq!(generated_id("generated-x-1"), None);
        assert_eq!(generated_id("abc"), None);
    }

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
