//! What operators and clients ask of the server itself: `/healthz` (the process is
//! alive), `/readyz` (it can answer: under `--database`, the database is reachable),
//! `/info` and `/metrics`; and the middleware that counts every request for `/metrics`
//! (the registry itself is metrics.rs, which knows nothing of the server's state).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::api::MAX_SEARCH_LIMIT;
use super::error::ApiError;
use super::metrics::route_of;
use super::openapi::ErrorBody;
use super::state::{DEFAULT_CATALOG, DefaultCatalog, Shared};
use crate::catalog::{MAX_CATALOG_BYTES, MAX_PRODUCTS};
use crate::database::DatabaseError;
use crate::rank::{MAX_ITERATIONS, MAX_TOP};

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: answers at once, whatever the scoring pool or the database is doing.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "`ok`: the process is alive and answering", body = String, content_type = "text/plain"))
)]
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: whether the server can answer requests now. Under `--database`, the
/// database must answer a trivial query within 2 s; otherwise the server is ready once
/// it listens. From SIGTERM on it answers 503 (`shutting_down`), so that a load balancer
/// stops sending it requests while it drains (`serve --drain-seconds`).
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "`ready`: the server and its database answer", body = String, content_type = "text/plain"),
        (status = 503, description = "The database does not answer (`database_unavailable`), or the server is \
            stopping (`shutting_down`)", body = ErrorBody,
            headers(("retry-after" = u32, description = "Seconds to wait"))),
    )
)]
pub async fn readyz(State(state): State<Shared>) -> Result<&'static str, ApiError> {
    if state.draining.load(Ordering::Relaxed) {
        return Err(ApiError {
            retry_after_s: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "the server is stopping: it finishes its requests and takes no new ones",
            )
        });
    }
    if let DefaultCatalog::Shop(shop) = &state.default {
        tokio::time::timeout(READY_TIMEOUT, shop.db.ping())
            .await
            .map_err(|_| {
                DatabaseError::Query(format!("no answer in {} s", READY_TIMEOUT.as_secs()))
            })??;
    }
    Ok("ready")
}

/// `GET /info`: what a client needs to know about this server.
#[utoipa::path(
    get,
    path = "/info",
    tag = "operations",
    responses((status = 200, description = "name, version, cores, pool_threads, kernel, max_inflight, reactor_nice, inflight, \
        catalog { id, products, sha256, source, version }, database { kind, read_only } (or null), \
        stored_catalogs { count, bytes, budget_bytes }, limits", body = Object))
)]
pub async fn info(State(state): State<Shared>) -> Json<serde_json::Value> {
    let (used, stored) = state.store().usage();
    let (catalog, database) = match &state.default {
        DefaultCatalog::Fixed { catalog, sha256 } => (
            json!({
                "id": DEFAULT_CATALOG,
                "source": "fixed",
                "products": catalog.len(),
                "sha256": sha256,
            }),
            serde_json::Value::Null,
        ),
        DefaultCatalog::Shop(shop) => {
            // The version as cached: /info never waits on the database.
            let (version, products) = shop.last_loaded();
            (
                json!({
                    "id": DEFAULT_CATALOG,
                    "source": "database",
                    "products": products,
                    "sha256": null,
                    "version": version,
                }),
                json!({ "kind": shop.db.kind().name(), "read_only": shop.read_only }),
            )
        }
    };
    Json(json!({
        "name": "shop-recs",
        "version": env!("CARGO_PKG_VERSION"),
        "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "pool_threads": state.pool.current_num_threads(),
        "kernel": state.kernel.name(),
        "max_inflight": state.slots.max(),
        "reactor_nice": super::priority::reactor_nice(),
        "inflight": state.slots.in_flight(),
        "catalog": catalog,
        "database": database,
        "stored_catalogs": { "count": stored, "bytes": used, "budget_bytes": state.catalog_memory },
        "limits": {
            "max_catalog_bytes": MAX_CATALOG_BYTES,
            "max_upload_bytes": state.max_upload_bytes,
            "max_products": MAX_PRODUCTS,
            "max_iterations": MAX_ITERATIONS,
            "max_top": MAX_TOP,
            "max_search_limit": MAX_SEARCH_LIMIT,
            "request_timeout_s": state.request_timeout_s,
        },
    }))
}

/// Middleware: counts each request by route template and status class, times it, and
/// keeps the in-flight gauge.
pub async fn track(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let route = route_of(&request);
    // Into the access log's span (mod.rs): the route template, never the raw path.
    tracing::Span::current().record("route", route.as_str());
    let started = Instant::now();
    state.metrics.request_started();
    let response = next.run(request).await;
    state.metrics.request_answered(
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`: every metric, the store's figures read now.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Every metric, in the Prometheus (OpenMetrics) text format",
        body = String, content_type = "application/openmetrics-text"))
)]
pub async fn metrics(State(state): State<Shared>) -> Response {
    let (bytes, count) = state.store().usage();
    let Ok(text) = state.metrics.encode_with_store(bytes, count) else {
        return ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "metrics",
            "the metrics could not be written",
        )
        .into_response();
    };
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
