//! Request ids: every response carries `x-request-id`, the client's own when it sent a
//! usable one (1 to 128 characters of letters, digits, `-`, `_`, `.` and `:`), otherwise a
//! new one; the access log's line for the request carries it too, so that a slow request
//! in a client's logs can be found in the server's.

use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The header, in requests and responses.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The longest id taken from a client.
pub const MAX_REQUEST_ID: usize = 128;

/// The request's id, in its extensions for the handlers and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Whether a client's id may be used as it is: short, and nothing that could forge a log
/// line or a header (no spaces, quotes or control characters).
pub fn usable(id: &str) -> bool {
    (1..=MAX_REQUEST_ID).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// A new id: this process's random prefix and a counter, unique within the process and
/// unlikely to repeat across restarts.
fn new_id() -> String {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| RandomState::new().hash_one(std::process::id()));
    format!("{prefix:016x}-{}", COUNT.fetch_add(1, Ordering::Relaxed))
}

/// Middleware: settles the request's id (the client's if usable, else a new one), puts it
/// in the request (header and extensions) and on the response.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| usable(id))
        .map_or_else(new_id, str::to_string);
    // Only usable characters, so the header value is always valid.
    let value = HeaderValue::from_str(&id).ok();
    if let Some(value) = &value {
        request.headers_mut().insert(REQUEST_ID, value.clone());
    }
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    if let Some(value) = value {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_ids_are_short_and_plain() {
        assert!(usable("3f2a-17"));
        assert!(usable("trace:abc.DEF_1"));
        assert!(usable(&"a".repeat(MAX_REQUEST_ID)));
        assert!(!usable(""));
        assert!(!usable(&"a".repeat(MAX_REQUEST_ID + 1)));
        for bad in ["a b", "a\"b", "a\nb", "é", "a/b", "a;b"] {
            assert!(!usable(bad), "{bad:?}");
        }
    }

    #[test]
    fn new_ids_differ_and_are_usable() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert!(usable(&a) && usable(&b), "{a} {b}");
    }
}
