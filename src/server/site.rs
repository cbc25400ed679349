//! The static site: `--dist` served as files, with the headers the page needs on every
//! response (the API's too).

use std::path::Path;

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::compression::Predicate;
use tower_http::services::ServeDir;

/// The page's files, `index.html` for a directory.
pub fn files(dist: &Path) -> ServeDir {
    ServeDir::new(dist).append_index_html_on_directories(true)
}

/// The headers every response carries.
///
/// - With isolation (the default), `Cross-Origin-Opener-Policy: same-origin` and
///   `Cross-Origin-Embedder-Policy: require-corp` make the page cross-origin isolated,
///   which gives it SharedArrayBuffer, the wasm threads' shared memory;
///   `Cross-Origin-Resource-Policy: same-origin` keeps our files to this origin.
///   `--no-isolation` leaves all three out, as a host without header control would.
/// - The Content-Security-Policy that `index.html` declares in its `<meta>` tag, as a
///   header too: a worker script takes its policy from its own response, not the page's.
/// - `X-Content-Type-Options: nosniff`, and `Cache-Control: no-cache` (revalidate, so a
///   rebuilt site is never mixed with a cached one).
pub fn headers(csp: Option<&str>, isolation: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if let Some(value) = csp.and_then(|csp| HeaderValue::from_str(csp).ok()) {
        headers.push((header::CONTENT_SECURITY_POLICY, value));
    }
    if isolation {
        headers.extend([
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
            (
                HeaderName::from_static("cross-origin-embedder-policy"),
                HeaderValue::from_static("require-corp"),
            ),
            (
                HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("same-origin"),
            ),
        ]);
    }
    headers
}

/// The `content` of `<meta http-equiv="Content-Security-Policy" content="...">`.
pub fn csp_of(index_html: &str) -> Option<String> {
    let lower = index_html.to_ascii_lowercase();
    let at = lower.find("http-equiv=\"content-security-policy\"")?;
    let tag_start = lower[..at].rfind('<')?;
    let tag_end = at + lower[at..].find('>')?;
    let tag = &index_html[tag_start..tag_end];
    let content = tag.find("content=\"")? + "content=\"".len();
    let length = tag[content..].find('"')?;
    Some(tag[content..content + length].to_string())
}

/// What compression is for: the page's code and data (`.wasm`, `.js`, `.json`) and the
/// API's JSON, from 1 KiB (below that it does not pay) to 8 MiB. A larger body goes as it
/// is, with its `Content-Length`, so that a client sees its size before reading it (the
/// page refuses a catalog URL over 64 MiB that way), and so that no reactor thread spends
/// long compressing one response.
#[derive(Clone, Copy)]
pub struct WorthCompressing;

const COMPRESS_MIN: u64 = 1024;
const COMPRESS_MAX: u64 = 8 * 1024 * 1024;

impl Predicate for WorthCompressing {
    fn should_compress<B: http_body::Body>(&self, response: &axum::http::Response<B>) -> bool {
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let compressible = [
            "application/wasm",
            "text/javascript",
            "application/javascript",
            "application/json",
        ]
        .iter()
        .any(|t| content_type.starts_with(t));
        let size = response.body().size_hint().exact().or_else(|| {
            response
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse().ok())
        });
        compressible && size.is_some_and(|size| (COMPRESS_MIN..=COMPRESS_MAX).contains(&size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_meta_policy() {
        let html = r#"<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self'; worker-src 'self'"></head>"#;
        assert_eq!(
            csp_of(html).as_deref(),
            Some("default-src 'self'; worker-src 'self'")
        );
        assert_eq!(csp_of("<head></head>"), None);
    }

    #[test]
    fn isolation_headers_only_with_isolation() {
        let names = |h: Vec<(HeaderName, HeaderValue)>| -> Vec<String> {
            h.into_iter().map(|(n, _)| n.to_string()).collect()
        };
        assert!(names(headers(None, true)).contains(&"cross-origin-embedder-policy".into()));
        assert!(
            !names(headers(None, false))
                .iter()
                .any(|n| n.starts_with("cross-origin"))
        );
        assert!(
            names(headers(Some("default-src 'self'"), false))
                .contains(&"content-security-policy".into())
        );
    }
}
