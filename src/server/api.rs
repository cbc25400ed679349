//! The JSON API: recommendations (the seeds' endpoint), product search, health and server
//! information. Uploads and generated catalogs: catalogs.rs.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use crate::rank::{
    DEFAULT_ITERATIONS, DEFAULT_TOP, MAX_ITERATIONS, MAX_TOP, score_until_stopped, top_k,
};
use crate::{Catalog, Query, Recommendation};
use axum::Json;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use utoipa::ToSchema;

use super::catalogs::{catalog_for, catalog_for_target};
use super::error::ApiError;
use super::jobs::run_job;
use super::openapi::{JobErrors, RecommendationParams, SearchParams};
use super::state::{DEFAULT_CATALOG, Shared};

/// Search results when `limit` is not given, and the most a client may ask for.
const DEFAULT_SEARCH_LIMIT: usize = 20;
pub(super) const MAX_SEARCH_LIMIT: usize = 1000;

/// Reads the query parameters `allowed` from `params`, rejecting any other name and any
/// name given twice.
fn take_params<'a, const N: usize>(
    params: &'a [(String, String)],
    allowed: [&str; N],
) -> Result<[Option<&'a str>; N], ApiError> {
    let mut values = [None; N];
    for (name, value) in params {
        let Some(slot) = allowed.iter().position(|a| a == name) else {
            return Err(ApiError::bad_parameter(format!(
                "unknown query parameter {name:?}; this endpoint takes {}",
                allowed.join(", ")
            )));
        };
        if values[slot].replace(value.as_str()).is_some() {
            return Err(ApiError::bad_parameter(format!(
                "query parameter {name:?} is given twice"
            )));
        }
    }
    Ok(values)
}

/// Parses a whole-number parameter; the message names its range, as the core's does.
fn number<T: std::str::FromStr>(
    name: &str,
    value: Option<&str>,
    default: T,
    range: &str,
) -> Result<T, ApiError> {
    match value {
        None => Ok(default),
        Some(text) => text.parse().map_err(|_| {
            ApiError::bad_parameter(format!(
                "{name} must be a whole number between {range}, got {text:?}"
            ))
        }),
    }
}

/// A product, as search results and recommendations name it.
#[derive(Serialize, ToSchema)]
pub(super) struct ProductSummary<'a> {
    index: usize,
    id: &'a str,
    name: &'a str,
    category: Option<&'a str>,
}

impl<'a> ProductSummary<'a> {
    pub(super) fn of(catalog: &'a Catalog, index: usize) -> ProductSummary<'a> {
        let product = catalog.product(index);
        ProductSummary {
            index,
            id: product.id,
            name: product.name,
            category: product.category,
        }
    }
}

/// What the recommendation endpoints answer.
#[derive(Serialize, ToSchema)]
struct Recommendations<'a> {
    catalog: &'a str,
    /// Under `serve --database`, the default catalog's version this answer was scored on.
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog_version: Option<i64>,
    target: ProductSummary<'a>,
    /// Candidates scored: every product but the target.
    candidates: usize,
    items: Vec<Recommendation>,
    iterations: u32,
    top: usize,
    /// `parallel` or `serial`.
    mode: &'static str,
    pool_threads: usize,
    /// The MinHash kernel this CPU runs: `avx512`, `avx2` or `portable`.
    kernel: &'static str,
    timing: Timing,
}

/// The server's own compute, also sent as a Server-Timing header.
#[derive(Serialize, ToSchema)]
struct Timing {
    scoring_ms: f64,
    sorting_ms: f64,
}

/// `GET /products/{slug}/recommendations`: the seeds' endpoint, on the server's own catalog.
#[utoipa::path(
    get,
    path = "/products/{slug}/recommendations",
    tag = "recommendations",
    params(("slug" = String, Path, description = "The target product's identifier", example = "velvet-matte-lipstick"), RecommendationParams),
    responses(
        (status = 200, description = "The top products most similar to the target, ranked",
            body = Recommendations, headers(("server-timing" = String, description = "scoring and sorting durations"))),
        JobErrors,
    )
)]
pub async fn recommendations(
    State(state): State<Shared>,
    Path(slug): Path<String>,
    QueryParams(params): QueryParams<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let catalog = DEFAULT_CATALOG.to_string();
    recommend(state, catalog, slug, params, test_panic(&headers)).await
}

/// `GET /catalogs/{id}/products/{slug}/recommendations`: the same, on an uploaded
/// catalog, a generated one (`generated-{n}-{seed}[-{skew}]`) or `default`.
#[utoipa::path(
    get,
    path = "/catalogs/{id}/products/{slug}/recommendations",
    tag = "recommendations",
    params(
        ("id" = String, Path, description = "`default`, an upload's id (its SHA-256), or `generated-{n}-{seed}[-{skew}]`", example = "default"),
        ("slug" = String, Path, description = "The target product's identifier", example = "velvet-matte-lipstick"),
        RecommendationParams,
    ),
    responses(
        (status = 200, description = "The top products most similar to the target, ranked",
            body = Recommendations, headers(("server-timing" = String, description = "scoring and sorting durations"))),
        JobErrors,
    )
)]
pub async fn catalog_recommendations(
    State(state): State<Shared>,
    Path((id, slug)): Path<(String, String)>,
    QueryParams(params): QueryParams<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    recommend(state, id, slug, params, test_panic(&headers)).await
}

/// Debug builds only (the ones `cargo test` runs): a request with the header
/// `x-shop-recs-test-panic: 1` makes its scoring job panic inside the pool, so the tests
/// can check, over a real socket, that a panic becomes a 500 and the server carries on.
/// Release builds ignore the header.
fn test_panic(headers: &HeaderMap) -> bool {
    cfg!(debug_assertions)
        && headers
            .get("x-shop-recs-test-panic")
            .is_some_and(|v| v.as_bytes() == b"1")
}

async fn recommend(
    state: Shared,
    catalog_id: String,
    slug: String,
    params: Vec<(String, String)>,
    panic_for_test: bool,
) -> Result<Response, ApiError> {
    let [iterations, top, mode] = take_params(&params, ["iterations", "top", "mode"])?;
    let query = Query {
        target: slug,
        iterations: number(
            "iterations",
            iterations,
            DEFAULT_ITERATIONS,
            &format!("1 and {MAX_ITERATIONS}"),
        )?,
        top: number("top", top, DEFAULT_TOP, &format!("1 and {MAX_TOP}"))?,
    };
    query.validate()?;
    let parallel = match mode.unwrap_or("parallel") {
        "parallel" => true,
        "serial" => false,
        other => {
            return Err(ApiError::bad_parameter(format!(
                "mode must be parallel or serial, got {other:?}"
            )));
        }
    };
    let (catalog, catalog_version) = catalog_for_target(&state, &catalog_id, &query.target).await?;

    let job_state = Arc::clone(&state);
    let job_catalog = Arc::clone(&catalog);
    let ranked = run_job(&state.slots, move |stop: &AtomicBool| {
        let (catalog, kernel) = (&job_catalog, job_state.kernel);
        let started = Instant::now();
        let scores = if parallel {
            job_state.pool.install(|| {
                assert!(!panic_for_test, "deliberate test panic in the scoring pool");
                score_until_stopped(catalog, &query, kernel, true, stop)
            })
        } else {
            assert!(
                !panic_for_test,
                "deliberate test panic in a serial scoring job"
            );
            score_until_stopped(catalog, &query, kernel, false, stop)
        }?;
        let scored = Instant::now();
        // None: the request was abandoned while scoring, and nobody reads this answer.
        Ok::<_, ApiError>(scores.map(|scores| {
            let items = top_k(catalog, &scores, query.top);
            (scores.target, items, query, started, scored, Instant::now())
        }))
    })
    .await??;
    let Some((target, items, query, started, scored, sorted)) = ranked else {
        return Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            "the request was abandoned and its job stopped",
        ));
    };
    let timing = Timing {
        scoring_ms: (scored - started).as_secs_f64() * 1e3,
        sorting_ms: (sorted - scored).as_secs_f64() * 1e3,
    };
    // Into the access log's line for this request (mod.rs).
    let span = tracing::Span::current();
    span.record("catalog", catalog_id.as_str());
    span.record("iterations", query.iterations);
    span.record("compute_ms", timing.scoring_ms + timing.sorting_ms);
    let server_timing = format!(
        "scoring;dur={:.3};desc=\"scoring ({})\", sorting;dur={:.3}",
        timing.scoring_ms,
        if parallel { "parallel" } else { "serial" },
        timing.sorting_ms
    );
    let body = Recommendations {
        catalog: &catalog_id,
        catalog_version,
        target: ProductSummary::of(&catalog, target),
        candidates: catalog.len() - 1,
        items,
        iterations: query.iterations,
        top: query.top,
        mode: if parallel { "parallel" } else { "serial" },
        pool_threads: state.pool.current_num_threads(),
        kernel: state.kernel.name(),
        timing,
    };
    let mut response = Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&server_timing) {
        response.headers_mut().insert("server-timing", value);
    }
    Ok(response)
}

/// `GET /products?search=&limit=20`: search the server's own catalog's names and identifiers.
#[utoipa::path(
    get,
    path = "/products",
    tag = "products",
    params(SearchParams),
    responses(
        (status = 200, description = "The matches, best first", body = SearchAnswer),
        JobErrors,
    )
)]
pub async fn products(
    State(state): State<Shared>,
    QueryParams(params): QueryParams<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    search(state, DEFAULT_CATALOG.to_string(), params).await
}

/// `GET /catalogs/{id}/products?search=&limit=20`: the same on another catalog.
#[utoipa::path(
    get,
    path = "/catalogs/{id}/products",
    tag = "products",
    params(
        ("id" = String, Path, description = "`default`, an upload's id, or `generated-{n}-{seed}[-{skew}]`", example = "default"),
        SearchParams,
    ),
    responses(
        (status = 200, description = "The matches, best first", body = SearchAnswer),
        JobErrors,
    )
)]
pub async fn catalog_products(
    State(state): State<Shared>,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    search(state, id, params).await
}

async fn search(
    state: Shared,
    catalog_id: String,
    params: Vec<(String, String)>,
) -> Result<Response, ApiError> {
    let [query, limit] = take_params(&params, ["search", "limit"])?;
    let limit = number(
        "limit",
        limit,
        DEFAULT_SEARCH_LIMIT,
        &format!("1 and {MAX_SEARCH_LIMIT}"),
    )?;
    if !(1..=MAX_SEARCH_LIMIT).contains(&limit) {
        return Err(ApiError::bad_parameter(format!(
            "limit must be between 1 and {MAX_SEARCH_LIMIT}, got {limit}"
        )));
    }
    let (catalog, catalog_version) = catalog_for(&state, &catalog_id).await?;
    let query = query.unwrap_or("");
    // A search reads every product's name: cheap next to scoring, but not free on a
    // million products, so it runs off the reactor as well.
    let job_catalog = Arc::clone(&catalog);
    let owned_query = query.to_string();
    let found = run_job(&state.slots, move |_| {
        job_catalog.search(&owned_query, limit)
    })
    .await?;
    let matches: Vec<_> = found
        .matches
        .iter()
        .map(|&index| ProductSummary::of(&catalog, index))
        .collect();
    Ok(Json(SearchAnswer {
        catalog: &catalog_id,
        catalog_version,
        search: query,
        matches,
        total: found.total,
        products: catalog.len(),
    })
    .into_response())
}

/// What a search answers.
#[derive(Serialize, ToSchema)]
struct SearchAnswer<'a> {
    catalog: &'a str,
    /// Under `serve --database`, the default catalog's version searched.
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog_version: Option<i64>,
    search: &'a str,
    /// At most `limit` matches: an exact identifier first, then names starting with the
    /// query, then the rest in catalog order.
    matches: Vec<ProductSummary<'a>>,
    /// How many products match in all.
    total: usize,
    /// How many products the catalog has.
    products: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_reject_unknown_and_repeated_names() {
        let p = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let ok = p(&[("top", "3")]);
        assert_eq!(
            take_params(&ok, ["iterations", "top"]).unwrap(),
            [None, Some("3")]
        );
        let unknown = p(&[("iteration", "3")]);
        let err = take_params(&unknown, ["iterations", "top"]).unwrap_err();
        assert!(err.message.contains("\"iteration\""), "{}", err.message);
        let twice = p(&[("top", "3"), ("top", "4")]);
        assert!(take_params(&twice, ["top"]).is_err());
    }
}
