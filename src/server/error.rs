//! Every API error is JSON, `{ "error": { "code": "...", "message": "..." } }`, with the
//! status that says what went wrong. Handlers return [`ApiError`]; errors made by layers
//! below the handlers (a 405 from the router, a 413 from the body limit, a 504 from the
//! timeout) get the same shape from [`json_errors`], so a client parses one format.

use crate::database::DatabaseError;
use crate::{CatalogError, QueryError};
use axum::Json;
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

/// An error a handler answers with: a status, a stable machine-readable code, a message
/// for people, and for 503 the seconds after which to try again.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after_s: Option<u32>,
    /// For an error about a size: what was needed and the limit, in bytes (the message
    /// gives them readably; these are exact, for programs).
    pub sizes: Option<Sizes>,
}

/// A size that was over a limit, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub needed: u64,
    pub limit: u64,
}

/// Bytes as people read them: `1.24 GiB`, `64 MiB`, `512 KiB`, `900 bytes` (up to two
/// decimals, trailing zeros dropped).
pub fn readable_bytes(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let text = format!("{:.2}", bytes as f64 / size as f64);
            let text = text.trim_end_matches('0').trim_end_matches('.');
            return format!("{text} {unit}");
        }
    }
    format!("{bytes} bytes")
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after_s: None,
            sizes: None,
        }
    }

    /// A body over the upload limit (413), with both sizes when the length is known.
    pub fn too_large(length: Option<u64>, limit: usize) -> ApiError {
        let limit = limit as u64;
        let said = match length {
            Some(length) => format!("the body is {}; ", readable_bytes(length)),
            None => String::new(),
        };
        ApiError {
            sizes: length.map(|needed| Sizes { needed, limit }),
            ..ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!(
                    "{said}the server takes catalogs of up to {} ({limit} bytes, --max-upload)",
                    readable_bytes(limit)
                ),
            )
        }
    }

    /// A query parameter that is malformed or out of range; the message names it.
    pub fn bad_parameter(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_parameter", message)
    }

    /// An uploaded or generated catalog that is not in the store (never there, or evicted).
    pub fn unknown_catalog(id: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_catalog",
            format!(
                "no catalog {id:?} on this server: it was never uploaded, or it was evicted to \
                 stay under the catalog memory budget; upload it again (POST /catalogs)"
            ),
        )
    }

    /// Every scoring slot is taken: shed the load at once rather than queue it.
    pub fn busy(max_inflight: usize) -> ApiError {
        ApiError {
            retry_after_s: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                format!(
                    "the server is running its maximum of {max_inflight} scoring jobs; \
                     try again shortly"
                ),
            )
        }
    }

    /// A scoring job that panicked: a bug, reported with its message.
    pub fn panicked(message: &str) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the job panicked: {message}; this is a bug, the server keeps serving"),
        )
    }

    pub fn invalid_catalog(source: &CatalogError) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_catalog",
            source.to_string(),
        )
    }
}

impl From<DatabaseError> for ApiError {
    fn from(e: DatabaseError) -> ApiError {
        let message = e.to_string();
        match e {
            // Down, restarting, or out of connections: worth trying again shortly.
            DatabaseError::Unreachable { .. } | DatabaseError::Query(_) => {
                // The access log has the 503; this says why (503s are not logged as
                // failures: most are load shed).
                tracing::error!(error = %message, "the database failed");
                ApiError {
                    retry_after_s: Some(1),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "database_unavailable",
                        message,
                    )
                }
            }
            DatabaseError::Refused(_) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            DatabaseError::BadRow { .. } | DatabaseError::Url(_) | DatabaseError::Migrate(_) => {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "invalid_database",
                    message,
                )
            }
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        match e {
            QueryError::UnknownTarget { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "unknown_product", e.to_string())
            }
            QueryError::IterationsOutOfRange { .. } | QueryError::TopOutOfRange { .. } => {
                ApiError::bad_parameter(e.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        let mut body = json!({ "error": { "code": self.code, "message": self.message } });
        if let Some(Sizes { needed, limit }) = self.sizes {
            body["error"]["needed_bytes"] = json!(needed);
            body["error"]["limit_bytes"] = json!(limit);
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after_s {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Gives an error response that is not JSON yet (made by a layer, not a handler) the
/// JSON error shape, keeping its status and headers (`Allow` on a 405, say).
pub async fn json_errors(response: Response<Body>) -> Response<Body> {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this path does not take that method (see the Allow header)".to_string(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            "the body is over the server's upload limit (--max-upload)".to_string(),
        ),
        StatusCode::GATEWAY_TIMEOUT => (
            "timeout",
            "the request took longer than the server's request timeout; its job was stopped"
                .to_string(),
        ),
        StatusCode::NOT_FOUND => ("not_found", "nothing here".to_string()),
        _ => ("error", "the request failed".to_string()),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut fresh = ApiError::new(status, code, message).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fresh
}
