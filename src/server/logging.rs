//! The server's log: stderr, for people or as JSON, filtered by `RUST_LOG`, with one
//! access-log line per request.

use axum::Router;
use tower_http::LatencyUnit;
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use super::request_id;

/// The log's format: `RUST_LOG` filters either (default `info`: start, stop, and one line
/// per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object per line, the request's span fields flattened, for log shippers.
    Json,
}

/// `app` with the access log around it.
pub(super) fn with_access_log(app: Router) -> Router {
    // The access log: one line per request at INFO, in a span that carries the request's
    // id, method and path, and, recorded on the way, its route template and for scoring its
    // catalog, iterations and compute time. The id is settled outside it.
    app.layer(
        TraceLayer::new_for_http()
            .make_span_with(|request: &axum::http::Request<axum::body::Body>| {
                let id = request
                    .extensions()
                    .get::<request_id::RequestId>()
                    .map_or("", |id| id.0.as_str());
                tracing::info_span!(
                    "request",
                    id,
                    method = %request.method(),
                    path = %request.uri().path(),
                    route = tracing::field::Empty,
                    catalog = tracing::field::Empty,
                    iterations = tracing::field::Empty,
                    compute_ms = tracing::field::Empty,
                )
            })
            .on_request(())
            .on_response(
                DefaultOnResponse::new()
                    .level(tracing::Level::INFO)
                    .latency_unit(LatencyUnit::Micros),
            )
            .on_failure(log_failure),
    )
}

/// A response that failed, at ERROR, except load shed (503) and timeouts (504): those are
/// the server protecting itself, expected under overload and counted by `/metrics` and the
/// access log; an ERROR line for each would turn a flood of rejections into a flood of
/// log writes, which cost the CPU the scoring needs.
fn log_failure(class: ServerErrorsFailureClass, latency: std::time::Duration, _: &tracing::Span) {
    if let ServerErrorsFailureClass::StatusCode(status) = &class
        && matches!(status.as_u16(), 503 | 504)
    {
        return;
    }
    tracing::error!(classification = %class, latency_us = latency.as_micros(), "response failed");
}

/// Logs to stderr in `format`; `RUST_LOG` filters (default `info`: start, stop, and each
/// request with its id, route, status and latency).
pub(super) fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
