#![cfg(not(target_arch = "wasm32"))]
//! What operators see of `shop-recs serve`: `/metrics` in the Prometheus text format,
//! whose request, shed, job and store figures move as requests are served and shed;
//! `x-request-id` on every response; and the access log, one JSON line per request with
//! the id, route template, status, latency and, for scoring, the catalog, iterations and
//! compute time (`--log-format json`).
//!
//! The router is driven in-process (`shop_recs::server::build`, `tower::ServiceExt`), as
//! axum's own examples test theirs; the log is read from the real binary's stderr.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use shop_recs::server::{Config, OwnCatalog, build};
use tower::ServiceExt;

/// A stand-in for dist/: the page's index.html (the server reads its CSP).
fn dist() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("server-ops-dist");
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html"),
        dir.join("index.html"),
    )
    .expect("copy index.html");
    dir
}

async fn router(configure: impl FnOnce(&mut Config)) -> Router {
    let mut config = Config::new(dist());
    configure(&mut config);
    build(&config).await.expect("the server builds").router
}

struct Answer {
    status: StatusCode,
    id: Option<String>,
    content_type: String,
    body: String,
}

async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.expect("an answer");
    let (parts, body) = response.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (status, id, content_type) = (
        parts.status,
        header("x-request-id"),
        header("content-type").unwrap_or_default(),
    );
    let bytes = body.collect().await.expect("a body").to_bytes();
    Answer {
        status,
        id,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(router: &Router, path: &str) -> Answer {
    send(
        router,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
}

/// Parses the Prometheus text format strictly enough to fail on anything malformed:
/// `# HELP` / `# TYPE` / `# EOF` comments, and samples `name{label="value",...} number`.
/// Returns each sample's value by its name and labels as written.
fn parse_prometheus(text: &str) -> HashMap<String, f64> {
    let mut samples = HashMap::new();
    let mut typed = HashMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut words = comment.splitn(3, ' ');
            match words.next() {
                Some("TYPE") => {
                    let name = words.next().expect("a TYPE names a metric");
                    let kind = words.next().expect("a TYPE gives a type");
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "unknown"].contains(&kind),
                        "{line}"
                    );
                    typed.insert(name.to_string(), kind.to_string());
                }
                Some("HELP") => assert!(words.next().is_some(), "{line}"),
                Some("EOF") => {}
                _ => panic!("an unknown comment: {line}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample is `series value`");
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':'),
            "a metric name: {line}"
        );
        if name_end < series.len() {
            let labels = &series[name_end..];
            assert!(labels.starts_with('{') && labels.ends_with('}'), "{line}");
            for pair in labels[1..labels.len() - 1]
                .split("\",")
                .filter(|p| !p.is_empty())
            {
                let (key, quoted) = pair.split_once('=').expect("label=value");
                assert!(quoted.starts_with('"'), "{line}");
                assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
            }
        }
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        let family = typed.keys().any(|t| name.starts_with(t.as_str()));
        assert!(family, "every sample belongs to a TYPEd family: {line}");
        samples.insert(series.to_string(), value);
    }
    samples
}

async fn scrape(router: &Router) -> HashMap<String, f64> {
    let answer = get(router, "/metrics").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer
            .content_type
            .starts_with("application/openmetrics-text"),
        "{}",
        answer.content_type
    );
    parse_prometheus(&answer.body)
}

fn value(samples: &HashMap<String, f64>, series: &str) -> f64 {
    samples.get(series).copied().unwrap_or(0.0)
}

const SCORE: &str =
    r#"shop_recs_http_requests_total{route="/products/{slug}/recommendations",status="2xx"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_parse_and_move_as_requests_are_served() {
    let router = router(|_| {}).await;
    let before = scrape(&router).await;
    assert_eq!(value(&before, SCORE), 0.0);
    let slug = "velvet-matte-lipstick";
    for _ in 0..3 {
        let answer = get(
            &router,
            &format!("/products/{slug}/recommendations?iterations=50"),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
    let missing = get(&router, "/products/no-such-product/recommendations").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // The page's files are one route, whatever their path: the label set cannot grow.
    for path in ["/index.html", "/no/such/file-1", "/no/such/file-2"] {
        get(&router, path).await;
    }
    let upload = send(
        &router,
        Request::post("/catalogs")
            .header("content-type", "application/json")
            .body(Body::from(r#"[{"id":"a","name":"A","description":"red"},{"id":"b","name":"B","description":"blue"}]"#))
            .expect("request"),
    )
    .await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.body);

    let after = scrape(&router).await;
    assert_eq!(value(&after, SCORE), 3.0, "three scored");
    let not_found =
        r#"shop_recs_http_requests_total{route="/products/{slug}/recommendations",status="4xx"}"#;
    assert_eq!(value(&after, not_found), 1.0);
    assert_eq!(
        value(
            &after,
            r#"shop_recs_http_requests_total{route="static",status="2xx"}"#
        ),
        1.0
    );
    assert_eq!(
        value(
            &after,
            r#"shop_recs_http_requests_total{route="static",status="4xx"}"#
        ),
        2.0
    );
    assert!(
        !after.keys().any(|k| k.contains("no/such")),
        "raw paths never become labels"
    );
    let latency = r#"shop_recs_http_request_duration_seconds_count{route="/products/{slug}/recommendations"}"#;
    assert_eq!(value(&after, latency), 4.0);
    assert_eq!(value(&after, "shop_recs_catalog_uploads_total"), 1.0);
    assert_eq!(
        value(&after, "shop_recs_catalog_upload_parse_seconds_count"),
        1.0
    );
    assert_eq!(value(&after, "shop_recs_catalog_store_catalogs"), 1.0);
    assert!(value(&after, "shop_recs_catalog_store_bytes") > 0.0);
    assert!(
        value(&after, "shop_recs_jobs_busy_seconds_total") > 0.0,
        "the jobs ran"
    );
    assert_eq!(value(&after, "shop_recs_jobs_running"), 0.0, "and ended");
    // The scrape itself is in flight while it is written.
    assert_eq!(value(&after, "shop_recs_http_requests_in_flight"), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shed_requests_are_counted() {
    // One slot, taken by a long scoring (a generated catalog, many iterations, in this
    // unoptimized test build): the next scoring request is shed at once.
    let router = router(|c| {
        c.catalog = OwnCatalog::Generate { n: 3_000, seed: 42 };
        c.max_inflight = Some(1);
    })
    .await;
    let slug = "sports-breathable-durable-football-0";
    let long = {
        let router = router.clone();
        tokio::spawn(async move {
            get(
                &router,
                &format!("/products/{slug}/recommendations?iterations=100000"),
            )
            .await
        })
    };
    let mut running = 0.0;
    for _ in 0..200 {
        running = value(&scrape(&router).await, "shop_recs_jobs_running");
        if running == 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(running, 1.0, "the long job holds the only slot");
    let shed = get(&router, &format!("/products/{slug}/recommendations")).await;
    assert_eq!(
        shed.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        shed.body
    );
    let samples = scrape(&router).await;
    assert_eq!(value(&samples, "shop_recs_http_requests_shed_total"), 1.0);
    let shed_series =
        r#"shop_recs_http_requests_total{route="/products/{slug}/recommendations",status="5xx"}"#;
    assert_eq!(value(&samples, shed_series), 1.0);
    long.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_request_id() {
    let router = router(|_| {}).await;
    let fresh = get(&router, "/healthz").await;
    let id = fresh.id.expect("an id is made when the client sends none");
    assert!(id.len() > 8, "{id}");
    let again = get(&router, "/healthz").await.id.expect("an id");
    assert_ne!(id, again, "each request gets its own");

    let with = |id: &str| {
        Request::get("/info")
            .header("x-request-id", id)
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(
        send(&router, with("client-42:a.b_c")).await.id.as_deref(),
        Some("client-42:a.b_c")
    );
    for bad in ["has space", "quote\"d", &"x".repeat(129)] {
        let answer = send(&router, with(bad)).await;
        let replaced = answer.id.expect("an id");
        assert_ne!(replaced, bad, "an unusable id is replaced");
        assert!(!replaced.contains(' ') && replaced.len() <= 128);
    }
    // Errors and the page's files carry one too.
    assert!(
        get(&router, "/products/nope/recommendations")
            .await
            .id
            .is_some()
    );
    assert!(get(&router, "/index.html").await.id.is_some());
}

#[test]
fn the_json_access_log_has_the_id_route_status_latency_and_the_scoring() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shop-recs"))
        .args(["serve", "--port", "0", "--log-format", "json", "--dist"])
        .arg(dist())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start shop-recs serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the URL line");
    let url = line.trim().trim_end_matches('/').to_string();
    let agent = ureq::agent();
    let answer = agent
        .get(format!(
            "{url}/products/velvet-matte-lipstick/recommendations?iterations=40"
        ))
        .header("x-request-id", "log-test-1")
        .call()
        .expect("an answer");
    assert_eq!(
        answer
            .headers()
            .get("x-request-id")
            .map(|v| v.to_str().ok()),
        Some(Some("log-test-1"))
    );
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("the log");
    let _ = child.wait();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let request = lines
        .iter()
        .find(|l| l["span"]["id"] == "log-test-1")
        .unwrap_or_else(|| panic!("a line for the request: {log}"));
    let span = &request["span"];
    assert_eq!(span["route"], "/products/{slug}/recommendations");
    assert_eq!(span["catalog"], "default");
    assert_eq!(span["iterations"], 40);
    assert!(
        span["compute_ms"].as_f64().is_some_and(|ms| ms > 0.0),
        "{request}"
    );
    assert_eq!(request["status"], 200);
    assert!(!request["latency"].is_null(), "a latency: {request}");
}

/// The API's paths, each with a request that reaches its handler.
const API: [(&str, &str, &str); 13] = [
    ("get", "/products", "/products?search=lip"),
    (
        "get",
        "/products/{slug}/recommendations",
        "/products/velvet-matte-lipstick/recommendations?iterations=20",
    ),
    ("post", "/catalogs", "/catalogs"),
    (
        "get",
        "/catalogs/{id}/products",
        "/catalogs/default/products",
    ),
    (
        "get",
        "/catalogs/{id}/products/{slug}/recommendations",
        "/catalogs/default/products/velvet-matte-lipstick/recommendations?iterations=20",
    ),
    ("get", "/products/{slug}", "/products/velvet-matte-lipstick"),
    ("put", "/products/{slug}", "/products/velvet-matte-lipstick"),
    (
        "delete",
        "/products/{slug}",
        "/products/velvet-matte-lipstick",
    ),
    ("get", "/healthz", "/healthz"),
    ("get", "/readyz", "/readyz"),
    ("get", "/info", "/info"),
    ("get", "/metrics", "/metrics"),
    ("get", "/openapi.json", "/openapi.json"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_lists_exactly_the_routes_the_router_serves() {
    let router = router(|_| {}).await;
    let answer = get(&router, "/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.content_type.starts_with("application/json"));
    let document: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        document["openapi"]
    );
    assert_eq!(document["info"]["title"], "shop-recs");
    // The same document as the library gives for a server that cannot write (this one
    // serves a file), and every operation in it but the writes.
    assert_eq!(document, shop_recs::server::openapi_document(false));
    let mut documented: Vec<(String, String)> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    documented.sort();
    let mut expected: Vec<(String, String)> = API
        .iter()
        .filter(|(method, _, _)| !["put", "delete"].contains(method))
        .map(|(method, path, _)| (method.to_string(), path.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);

    // Every documented operation reaches an API handler (its route template is counted),
    // not the page's files.
    for (method, path, example) in API {
        let request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(example)
            .header("content-type", "application/json")
            .body(Body::from(if method == "post" { "[]" } else { "" }))
            .expect("request");
        send(&router, request).await;
        let samples = scrape(&router).await;
        let served = samples.keys().any(|k| {
            k.starts_with("shop_recs_http_requests_total")
                && k.contains(&format!("route=\"{path}\""))
        });
        assert!(served, "{method} {example} is served by the route {path}");
    }
    // The parameters carry their types and ranges; errors their schema.
    let recommend = &document["paths"]["/products/{slug}/recommendations"]["get"];
    let iterations = recommend["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "iterations")
        .expect("iterations is documented");
    assert_eq!(iterations["in"], "query");
    assert_eq!(iterations["schema"]["maximum"], 100_000);
    for status in ["200", "400", "404", "503", "504"] {
        assert!(
            recommend["responses"][status].is_object(),
            "{status} is documented"
        );
    }
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
    assert!(recommend["responses"]["503"]["headers"]["retry-after"].is_object());

    // The writes this server does not offer answer 405 and say what it takes.
    for method in ["PUT", "DELETE"] {
        let request = Request::builder()
            .method(method)
            .uri("/products/velvet-matte-lipstick")
            .header("content-type", "application/json")
            .body(Body::from("{\"description\": \"x\"}"))
            .expect("request");
        let response = router.clone().oneshot(request).await.expect("response");
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        assert_eq!(response.headers()["allow"], "GET,HEAD", "{method}");
    }
}

#[test]
fn the_document_says_what_a_product_needs_and_links_to_real_identifiers() {
    let writable = shop_recs::server::openapi_document(true);
    let schemas = &writable["components"]["schemas"];
    // A product needs a non-empty slug or an id.
    let either = schemas["CatalogProduct"]["anyOf"]
        .as_array()
        .expect("anyOf");
    assert_eq!(either[0]["required"][0], "slug");
    assert_eq!(either[0]["properties"]["slug"]["minLength"], 1);
    assert_eq!(either[1]["required"][0], "id");
    // A PUT body's identifier is the path's: the body schema has none.
    let put = &writable["paths"]["/products/{slug}"]["put"];
    assert_eq!(
        put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ProductFields"
    );
    assert!(schemas["ProductFields"]["properties"]["slug"].is_null());
    assert!(schemas["ProductFields"]["properties"]["description"].is_object());
    assert!(writable["paths"]["/products/{slug}"]["delete"].is_object());
    // Every link names an operation of the document, with parameters it has.
    let mut operations = std::collections::HashMap::new();
    for item in writable["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("item").values() {
            operations.insert(operation["operationId"].as_str().expect("id"), operation);
        }
    }
    let mut links = 0;
    for item in writable["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("item").values() {
            for response in operation["responses"]
                .as_object()
                .expect("responses")
                .values()
            {
                for link in response["links"]
                    .as_object()
                    .into_iter()
                    .flat_map(|l| l.values())
                {
                    links += 1;
                    let target = operations[link["operationId"].as_str().expect("operationId")];
                    for name in link["parameters"].as_object().expect("parameters").keys() {
                        let has = target["parameters"]
                            .as_array()
                            .expect("parameters")
                            .iter()
                            .any(|p| p["name"] == name.as_str());
                        assert!(has, "{} has no parameter {name}", link["operationId"]);
                    }
                }
            }
        }
    }
    assert!(links >= 5, "{links} links");
    // The recommendations are reached from the product list.
    let from_list = &writable["paths"]["/products"]["get"]["responses"]["200"]["links"];
    assert_eq!(
        from_list["recommendations"]["operationId"],
        "recommendations"
    );
    // A server that cannot write links to no write.
    let read_only = shop_recs::server::openapi_document(false);
    let from_list = &read_only["paths"]["/products"]["get"]["responses"]["200"]["links"];
    assert!(from_list["put_product"].is_null() && from_list["product"].is_object());
}
