#![cfg(not(target_arch = "wasm32"))]
//! `shop-recs serve` against a real socket: the binary is started on port 0 and driven
//! over HTTP, as a client would. The test binary is unoptimized, so a generated catalog
//! with many iterations keeps a request in flight for seconds: that is how the tests
//! below hold requests deterministically, never with a sleep.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use shop_recs::rank::Query;
use shop_recs::{parse_catalog, recommend_serial};

const BIN: &str = env!("CARGO_BIN_EXE_shop-recs");
const BUNDLED: &str = include_str!("../www/catalog.json");
/// A product of `--generate N` (seed 42): the generator names product 0 this way.
const GENERATED_FIRST: &str = "sports-breathable-durable-football-0";

/// A stand-in for dist/: the page's index.html, whose CSP the server sends as a header.
fn dist() -> PathBuf {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("server-dist");
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html"),
            dir.join("index.html"),
        )
        .expect("copy index.html");
        std::fs::write(dir.join("app.js"), "export const x = 1;\n".repeat(200)).expect("app.js");
        // Over the 8 MiB compression cap: served as it is, with its Content-Length.
        std::fs::write(dir.join("big.json"), vec![b' '; 9 << 20]).expect("big.json");
        dir
    })
    .clone()
}

#[path = "support/serve_process.rs"]
mod serve_process;

use serve_process::{ServeProcess as Server, agent};

impl Server {
    /// `shop-recs serve` on the stand-in dist/ with `args`.
    fn start(args: &[&str]) -> Server {
        Server::spawn(BIN, &dist(), args)
    }

    fn address(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    fn get(&self, path: &str) -> Reply {
        Reply::from(agent().get(format!("{}{path}", self.url)).call())
    }

    fn post_json(&self, path: &str, body: &[u8]) -> Reply {
        Reply::from(
            agent()
                .post(format!("{}{path}", self.url))
                .header("content-type", "application/json")
                .send(body),
        )
    }

    fn inflight(&self) -> u64 {
        self.get("/info").json()["inflight"]
            .as_u64()
            .expect("inflight")
    }

    /// Polls `/info` until `inflight` is `wanted`; fails after `limit`.
    fn wait_inflight(&self, wanted: u64, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.inflight() != wanted {
            assert!(Instant::now() < deadline, "inflight never reached {wanted}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn from(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut response = result.expect("the request reached the server");
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        Reply {
            status: response.status().as_u16(),
            headers,
            body: String::from_utf8_lossy(
                &response
                    .body_mut()
                    .with_config()
                    .limit(u64::MAX)
                    .read_to_vec()
                    .expect("body"),
            )
            .into_owned(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts the status and the JSON error shape; returns the error's code and message.
    fn error(&self, status: u16) -> (String, String) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "errors are JSON: {:?}",
            self.headers
        );
        let json = self.json();
        let code = json["error"]["code"]
            .as_str()
            .expect("error.code")
            .to_string();
        let message = json["error"]["message"]
            .as_str()
            .expect("error.message")
            .to_string();
        assert!(!message.is_empty());
        (code, message)
    }
}

/// The core's ranking, serialized as the server serializes it, then parsed: equal
/// values here are equal f64s printed the same way.
fn expected_items(catalog_text: &str, target: &str, iterations: u32, top: usize) -> Value {
    let catalog = parse_catalog(catalog_text).expect("valid catalog");
    let query = Query {
        iterations,
        top,
        ..Query::new(target)
    };
    let ranking = recommend_serial(&catalog, &query).expect("ranked");
    serde_json::from_str(&serde_json::to_string(&ranking).expect("json")).expect("parse")
}

#[test]
fn recommendations_equal_the_core_serial_and_parallel() {
    let server = Server::start(&["--threads", "2"]);
    let expected = expected_items(BUNDLED, "velvet-matte-lipstick", 300, 15);
    for mode in ["serial", "parallel"] {
        let reply = server.get(&format!(
            "/products/velvet-matte-lipstick/recommendations?iterations=300&top=15&mode={mode}"
        ));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let json = reply.json();
        assert_eq!(
            json["items"], expected,
            "{mode}: the core's ranking, value for value"
        );
        assert_eq!(json["mode"], mode);
        assert_eq!(json["iterations"], 300);
        assert_eq!(json["top"], 15);
        assert_eq!(json["candidates"], 39);
        assert_eq!(json["pool_threads"], 2);
        assert_eq!(json["target"]["id"], "velvet-matte-lipstick");
        assert!(["avx512", "avx2", "portable"].contains(&json["kernel"].as_str().expect("kernel")));
        for phase in ["scoring_ms", "sorting_ms"] {
            assert!(json["timing"][phase].as_f64().expect(phase) >= 0.0);
        }
        let timing = reply.header("server-timing").expect("Server-Timing header");
        assert!(
            timing.contains("scoring;dur=") && timing.contains("sorting;dur="),
            "{timing}"
        );
    }
    // Defaults: 1500 iterations, top 10, parallel.
    let json = server
        .get("/products/velvet-matte-lipstick/recommendations")
        .json();
    assert_eq!(
        json["items"],
        expected_items(BUNDLED, "velvet-matte-lipstick", 1500, 10)
    );
    assert_eq!(
        (json["iterations"].as_u64(), json["top"].as_u64()),
        (Some(1500), Some(10))
    );
    assert_eq!(json["mode"], "parallel");
}

#[test]
fn search_health_and_info() {
    let server = Server::start(&["--threads", "1", "--max-inflight", "3"]);
    let json = server.get("/products?search=LIPSTICK&limit=2").json();
    assert_eq!(json["matches"].as_array().expect("matches").len(), 2);
    assert!(json["total"].as_u64().expect("total") >= 2);
    for m in json["matches"].as_array().expect("matches") {
        let text = format!("{} {}", m["name"], m["id"]).to_lowercase();
        assert!(text.contains("lipstick"), "{text}");
    }
    assert_eq!(
        server.get("/products").json()["matches"]
            .as_array()
            .map(Vec::len),
        Some(20)
    );
    let health = server.get("/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    let info = server.get("/info").json();
    assert_eq!(info["pool_threads"], 1);
    assert_eq!(info["max_inflight"], 3);
    assert_eq!(info["catalog"]["products"], 40);
    assert_eq!(info["limits"]["max_catalog_bytes"], 1024 * 1024 * 1024);
    assert_eq!(info["limits"]["max_upload_bytes"], 64 * 1024 * 1024);
    assert!(info["cores"].as_u64().expect("cores") >= 1);
}

/// An upload of several megabytes is parsed in pieces on the server's scoring pool
/// (`--threads 2`): the same catalog as the core's serial parse, scored alike.
#[test]
fn a_large_upload_is_parsed_on_the_pool_and_scored_like_the_core() {
    use shop_recs::generate::{Skew, products};
    let all: Vec<_> = products(14_000, 9, Skew::NONE).expect("products").collect();
    let text = serde_json::to_string(&serde_json::json!({ "products": all })).expect("JSON text");
    assert!(text.len() > 5 << 20, "several pieces: {} bytes", text.len());
    let server = Server::start(&["--threads", "2"]);
    let upload = server.post_json("/catalogs", text.as_bytes());
    assert_eq!(upload.status, 201, "{}", upload.body);
    assert_eq!(upload.json()["products"], 14_000);
    let id = upload.json()["id"].as_str().expect("id").to_string();
    let target = all[7].id.clone();
    let json = server
        .get(&format!(
            "/catalogs/{id}/products/{target}/recommendations?iterations=50&top=5"
        ))
        .json();
    assert_eq!(json["items"], expected_items(&text, &target, 50, 5));
}

#[test]
fn uploads_are_identified_by_content_and_scored_like_the_core() {
    let server = Server::start(&[]);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/array.json"
    ))
    .unwrap_or_else(|_| BUNDLED.to_string());
    let first = server.post_json("/catalogs", text.as_bytes());
    assert_eq!(first.status, 201, "{}", first.body);
    let id = first.json()["id"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 64, "a SHA-256 in hex");
    let again = server.post_json("/catalogs", text.as_bytes());
    assert_eq!(again.status, 200, "the same bytes again: already stored");
    assert_eq!(again.json()["id"], id.as_str());
    assert_eq!(again.json()["products"], first.json()["products"]);

    let catalog = parse_catalog(&text).expect("valid");
    let target = catalog.product(0).id.to_string();
    let json = server
        .get(&format!(
            "/catalogs/{id}/products/{target}/recommendations?iterations=200&top=5"
        ))
        .json();
    assert_eq!(json["items"], expected_items(&text, &target, 200, 5));
    assert_eq!(json["catalog"], id.as_str());
    let found = server
        .get(&format!("/catalogs/{id}/products?search={target}"))
        .json();
    assert_eq!(
        found["matches"][0]["id"],
        target.as_str(),
        "the exact identifier first"
    );
    // The default (bundled) catalog's bytes hash to the id an upload of them would get,
    // which /info gives, so that a client holding them need not upload them.
    let bundled = server.post_json("/catalogs", BUNDLED.as_bytes()).json();
    assert_eq!(
        server.get("/info").json()["catalog"]["sha256"],
        bundled["id"]
    );
}

#[test]
fn generated_catalogs_are_made_on_first_use() {
    let server = Server::start(&[]);
    let json = server
        .get(&format!("/catalogs/generated-300-42/products/{GENERATED_FIRST}/recommendations?iterations=100&top=3"))
        .json();
    let products: Vec<_> = shop_recs::generate::products(300, 42, Default::default())
        .expect("generated")
        .collect();
    let text = serde_json::to_string(&serde_json::json!({ "products": products })).expect("json");
    assert_eq!(
        json["items"],
        expected_items(&text, GENERATED_FIRST, 100, 3)
    );
    assert_eq!(json["candidates"], 299);
    let (code, _) = server.get("/catalogs/generated-0-1/products").error(400);
    assert_eq!(code, "bad_parameter");
}

#[test]
fn least_recently_used_catalogs_are_evicted_under_a_small_budget() {
    // Two generated catalogs of 200 (about 82 KB each) fit in 200 KB; a third evicts the
    // least recently used.
    let server = Server::start(&["--catalog-memory", "200000"]);
    for n in [200, 201] {
        assert_eq!(
            server
                .get(&format!("/catalogs/generated-{n}-1/products?limit=1"))
                .status,
            200
        );
    }
    // 200 was used longest ago; touch 201 again, then make a third.
    assert_eq!(
        server
            .get("/catalogs/generated-201-1/products?limit=1")
            .status,
        200
    );
    assert_eq!(
        server
            .get("/catalogs/generated-202-1/products?limit=1")
            .status,
        200
    );
    let info = server.get("/info").json();
    assert!(
        info["stored_catalogs"]["bytes"].as_u64().expect("bytes") <= 200_000,
        "{info}"
    );
    // An uploaded catalog is evicted the same way and then answers 404 with a way out.
    let upload = server.post_json("/catalogs", BUNDLED.as_bytes());
    let id = upload.json()["id"].as_str().expect("id").to_string();
    for n in [203, 204, 205] {
        assert_eq!(
            server
                .get(&format!("/catalogs/generated-{n}-1/products?limit=1"))
                .status,
            200
        );
    }
    let (code, message) = server
        .get(&format!(
            "/catalogs/{id}/products/velvet-matte-lipstick/recommendations"
        ))
        .error(404);
    assert_eq!(code, "unknown_catalog");
    assert!(message.contains("upload it again"), "{message}");
    // Uploading it again brings it back under the same id.
    let back = server.post_json("/catalogs", BUNDLED.as_bytes());
    assert_eq!(
        (back.status, back.json()["id"].as_str()),
        (201, Some(id.as_str()))
    );
    let stored = info["stored_catalogs"]["count"].as_u64().expect("count");
    assert!(stored < 3, "not all three generated catalogs fit: {stored}");
}

#[test]
fn every_error_is_json_with_the_right_status() {
    let server = Server::start(&[]);
    let (code, message) = server
        .get("/products/no-such-thing/recommendations")
        .error(404);
    assert_eq!(code, "unknown_product");
    assert!(message.contains("no-such-thing"));
    assert_eq!(
        server.get("/catalogs/abc/products").error(404).0,
        "unknown_catalog"
    );

    for (query, needle) in [
        (
            "iterations=0",
            "iterations must be between 1 and 100000, got 0",
        ),
        (
            "iterations=abc",
            "iterations must be a whole number between 1 and 100000",
        ),
        ("top=1001", "top must be between 1 and 1000, got 1001"),
        ("mode=fast", "mode must be parallel or serial"),
        ("iteration=5", "unknown query parameter \"iteration\""),
    ] {
        let (code, message) = server
            .get(&format!(
                "/products/velvet-matte-lipstick/recommendations?{query}"
            ))
            .error(400);
        assert_eq!(code, "bad_parameter");
        assert!(message.contains(needle), "{query}: {message}");
    }
    assert!(
        server
            .get("/products?limit=0")
            .error(400)
            .1
            .contains("limit")
    );

    let (code, message) = server
        .post_json(
            "/catalogs",
            br#"{"products": [{"slug": "a", "description": "x", "tags": 5}]}"#,
        )
        .error(400);
    assert_eq!(code, "invalid_catalog");
    assert!(
        message.contains("product 1 (id \"a\"): \"tags\" must be"),
        "the core's location: {message}"
    );
    let (_, message) = server
        .post_json("/catalogs", b"{\n  \"products\": [\n    {,")
        .error(400);
    assert!(message.contains("line 3"), "line and column: {message}");

    let reply = Reply::from(
        agent()
            .post(format!("{}/catalogs", server.url))
            .header("content-type", "text/csv")
            .send("a,b"),
    );
    assert_eq!(reply.error(415).0, "unsupported_media_type");

    let reply = Reply::from(agent().delete(format!("{}/products", server.url)).call());
    assert_eq!(reply.error(405).0, "method_not_allowed");
    assert!(reply.header("allow").is_some_and(|a| a.contains("GET")));
    let reply = Reply::from(agent().get(format!("{}/catalogs", server.url)).call());
    assert_eq!(reply.error(405).0, "method_not_allowed");
}

#[test]
fn a_panic_in_a_scoring_job_is_a_500_and_the_server_carries_on() {
    // The test binary is a debug build, where this header makes the job panic (api.rs).
    let server = Server::start(&["--threads", "2"]);
    for mode in ["parallel", "serial"] {
        let reply = Reply::from(
            agent()
                .get(format!(
                    "{}/products/velvet-matte-lipstick/recommendations?mode={mode}",
                    server.url
                ))
                .header("x-shop-recs-test-panic", "1")
                .call(),
        );
        let (code, message) = reply.error(500);
        assert_eq!(code, "internal");
        assert!(
            message.contains("deliberate test panic"),
            "{mode}: {message}"
        );
        // Its slot came back, and the next request is served.
        assert_eq!(server.inflight(), 0);
        let next = server.get(&format!(
            "/products/velvet-matte-lipstick/recommendations?mode={mode}"
        ));
        assert_eq!(next.status, 200, "{mode}: {}", next.body);
    }
}

/// Sends raw bytes and returns the response's status line and everything after.
fn raw_exchange(address: &str, head: &str, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.write_all(head.as_bytes()).expect("write head");
    // The server may answer and close before the body is all sent: that is the point.
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn bodies_over_64_mib_are_refused_with_413() {
    let server = Server::start(&[]);
    // By Content-Length, before any of the body is read.
    let answer = raw_exchange(
        &server.address(),
        "POST /catalogs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 67108865\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"too_large\""), "{answer}");
    assert!(
        answer.contains("the body is 64 MiB; the server takes catalogs of up to 64 MiB (67108864 bytes, --max-upload)"),
        "{answer}"
    );
    assert!(
        answer.contains("\"needed_bytes\":67108865") && answer.contains("\"limit_bytes\":67108864"),
        "{answer}"
    );

    // Without a Content-Length (chunked), once the streamed body passes the limit.
    let size = 64 * 1024 * 1024 + 1;
    let mut body = std::io::repeat(b' ').take(size as u64);
    let reply = Reply::from(
        agent()
            .post(format!("{}/catalogs", server.url))
            .header("content-type", "application/json")
            .send(ureq::SendBody::from_reader(&mut body)),
    );
    assert_eq!(reply.error(413).0, "too_large");
    // Exactly at the limit is read (and then parsed: all spaces is not a catalog).
    let mut body = std::io::repeat(b' ').take(64 * 1024 * 1024);
    let reply = Reply::from(
        agent()
            .post(format!("{}/catalogs", server.url))
            .header("content-type", "application/json")
            .send(ureq::SendBody::from_reader(&mut body)),
    );
    assert_eq!(reply.error(400).0, "invalid_catalog");
}

/// A request that takes seconds in this unoptimized build: 2,999 candidates, serial.
fn slow_path(iterations: u32) -> String {
    format!("/products/{GENERATED_FIRST}/recommendations?iterations={iterations}&mode=serial")
}

#[test]
fn load_beyond_max_inflight_is_shed_with_503() {
    let server = Server::start(&[
        "--generate",
        "3000",
        "--threads",
        "1",
        "--max-inflight",
        "1",
    ]);
    let url = format!("{}{}", server.url, slow_path(100_000));
    // The held request: its client gives up after the test has what it needs.
    let held = std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        let _ = agent.get(url).call();
    });
    server.wait_inflight(1, Duration::from_secs(20));
    let reply = server.get(&slow_path(10));
    let (code, message) = reply.error(503);
    assert_eq!(code, "busy");
    assert!(message.contains("maximum of 1"), "{message}");
    assert_eq!(reply.header("retry-after"), Some("1"));
    // Health and info never wait for a slot.
    assert_eq!(server.get("/healthz").status, 200);
    held.join().expect("client thread");
    // The held client gave up: its job is stopped and its slot comes back, long before the
    // 100,000 iterations could have finished.
    server.wait_inflight(0, Duration::from_secs(30));
    assert_eq!(server.get(&slow_path(10)).status, 200);
}

#[test]
fn a_request_over_its_timeout_is_answered_504_and_its_job_stopped() {
    let server = Server::start(&[
        "--generate",
        "3000",
        "--threads",
        "1",
        "--request-timeout",
        "1",
    ]);
    let (code, _) = server.get(&slow_path(100_000)).error(504);
    assert_eq!(code, "timeout");
    server.wait_inflight(0, Duration::from_secs(30));
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_0() {
    let mut server = Server::start(&["--generate", "3000", "--threads", "1"]);
    let url = format!("{}{}", server.url, slow_path(1000));
    let in_flight = std::thread::spawn(move || Reply::from(agent().get(url).call()));
    server.wait_inflight(1, Duration::from_secs(20));
    server.signal("TERM");
    // No new connections once the signal is handled, while the request still runs.
    let address = server.address();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&address).is_ok() {
        assert!(
            Instant::now() < deadline,
            "still accepting connections after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !in_flight.is_finished(),
        "the request was still running when accepting stopped"
    );
    let reply = in_flight.join().expect("client thread");
    assert_eq!(
        reply.status, 200,
        "the request in flight finished: {}",
        reply.body
    );
    assert_eq!(reply.json()["candidates"], 2999);
    let status = server.child.wait().expect("exit status");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn the_site_is_served_with_its_headers_with_and_without_isolation() {
    let csp_meta = std::fs::read_to_string(dist().join("index.html")).expect("index.html");
    for isolation in [true, false] {
        let server = Server::start(if isolation { &[] } else { &["--no-isolation"] });
        for path in ["/", "/index.html", "/app.js", "/info"] {
            let reply = server.get(path);
            assert_eq!(reply.status, 200, "{path}");
            for header in [
                "cross-origin-opener-policy",
                "cross-origin-embedder-policy",
                "cross-origin-resource-policy",
            ] {
                assert_eq!(reply.header(header).is_some(), isolation, "{path} {header}");
            }
            let csp = reply.header("content-security-policy").expect("CSP header");
            assert!(
                csp_meta.contains(csp),
                "the header is index.html's own policy: {csp}"
            );
            assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        }
        assert_eq!(server.get("/").body, csp_meta);
        assert_eq!(server.get("/missing.js").status, 404);
    }
    // JS is compressed for a client that accepts gzip.
    let server = Server::start(&[]);
    let reply = Reply::from(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent()
            .get(format!("{}/app.js", server.url))
            .header("accept-encoding", "gzip")
            .call(),
    );
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    let reply = Reply::from(
        agent()
            .get(format!("{}/big.json", server.url))
            .header("accept-encoding", "gzip")
            .call(),
    );
    assert_eq!(
        reply.header("content-encoding"),
        None,
        "9 MiB is over the cap"
    );
    assert_eq!(reply.header("content-length"), Some("9437184"));
}

/// Runs `shop-recs serve` with `args`, expecting a quick one-line failure.
fn fails_to_start(args: &[&str]) -> String {
    let output = Command::new(BIN)
        .arg("serve")
        .args(args)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn start_up_errors_are_one_line_and_exit_1() {
    let dist = dist();
    let dist = dist.to_str().expect("utf-8 path");
    let server = Server::start(&[]);
    let port = server
        .address()
        .rsplit(':')
        .next()
        .expect("port")
        .to_string();
    let message = fails_to_start(&["--dist", dist, "--port", &port]);
    assert!(
        message.contains("cannot listen on") && message.contains("pick another --port"),
        "{message}"
    );

    let message = fails_to_start(&["--dist", "/no/such/dist", "--port", "0"]);
    assert!(
        message.contains("no index.html") && message.contains("scripts/build.sh"),
        "{message}"
    );

    let bad = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad-catalog.json");
    std::fs::write(&bad, "[{\"slug\": \"a\"}]").expect("write");
    let message = fails_to_start(&[
        "--dist",
        dist,
        "--port",
        "0",
        "--catalog",
        bad.to_str().expect("utf-8"),
    ]);
    assert!(
        message.contains("bad-catalog.json") && message.contains("description"),
        "{message}"
    );

    let message = fails_to_start(&["--dist", dist, "--port", "0", "--threads", "0"]);
    assert!(message.contains("--threads"), "{message}");

    let message = fails_to_start(&["--dist", dist, "--port", "0", "--reactor-nice", "20"]);
    assert!(
        message.contains("--reactor-nice takes 0 to 19"),
        "{message}"
    );
}

/// Each of `pid`'s threads: its name and its nice value (`/proc/PID/task/*/stat`).
#[cfg(target_os = "linux")]
fn threads_and_nice(pid: u32) -> Vec<(String, i32)> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("/proc");
    tasks
        .map(|task| {
            let stat =
                std::fs::read_to_string(task.expect("task").path().join("stat")).expect("stat");
            let open = stat.find('(').expect("(");
            let close = stat.rfind(')').expect(")");
            // After the name: state is field 3 of stat(5), nice field 19.
            let nice = stat[close + 2..].split(' ').nth(16).expect("nice");
            (
                stat[open + 1..close].to_string(),
                nice.parse().expect("a number"),
            )
        })
        .collect()
}

/// The reactor's threads run `--reactor-nice` levels below the scoring pool's (10 by
/// default), and /info says so; `--reactor-nice 0` leaves them all alike. With them, the
/// default in-flight limit: 4 x the pool's threads.
#[cfg(target_os = "linux")]
#[test]
fn the_reactor_runs_below_the_scoring_pool() {
    for (args, lowered) in [(&[][..], 10), (&["--reactor-nice", "0"][..], 0)] {
        let server = Server::start(&[&["--threads", "2", "--generate", "100"], args].concat());
        // A scoring job first, so a blocking thread has started too.
        let path = format!("/products/{GENERATED_FIRST}/recommendations?iterations=10");
        assert_eq!(server.get(&path).status, 200);
        let base = threads_and_nice(server.child.id())
            .into_iter()
            .find(|(name, _)| name == "shop-recs")
            .expect("the main thread")
            .1;
        let expected = (base + lowered).min(19);
        let info = server.get("/info").json();
        assert_eq!(info["reactor_nice"], expected - base);
        assert_eq!(info["max_inflight"], 8, "4 x the pool's threads by default");
        let threads = threads_and_nice(server.child.id());
        let of = |prefix: &str| -> Vec<i32> {
            threads
                .iter()
                .filter(|(name, _)| name.starts_with(prefix))
                .map(|(_, nice)| *nice)
                .collect()
        };
        assert_eq!(
            of("score-"),
            vec![base; 2],
            "the pool keeps the process's priority: {threads:?}"
        );
        let reactor = of("tokio-rt-worker");
        assert!(!reactor.is_empty(), "{threads:?}");
        assert!(
            reactor.iter().all(|&nice| nice == expected),
            "{args:?}: {threads:?}"
        );
    }
}

#[test]
fn the_upload_limit_can_be_raised_and_sizes_read_as_people_read_them() {
    // A server that takes at most 1,000 bytes: the bundled catalog (about 9 KB) is refused,
    // with both sizes exact for programs.
    let small = Server::start(&["--max-upload", "1000"]);
    let reply = small.post_json("/catalogs", BUNDLED.as_bytes());
    let (code, message) = reply.error(413);
    assert_eq!(code, "too_large");
    assert!(
        message.contains("up to 1000 bytes (1000 bytes, --max-upload)"),
        "{message}"
    );
    assert_eq!(reply.json()["error"]["limit_bytes"], 1000);
    assert_eq!(reply.json()["error"]["needed_bytes"], BUNDLED.len());
    assert_eq!(
        small.get("/info").json()["limits"]["max_upload_bytes"],
        1000
    );

    // A generated catalog larger than the whole catalog budget: 507, readable and exact.
    let tight = Server::start(&["--catalog-memory", "50000"]);
    let reply = tight.get("/catalogs/generated-1000-1/products?limit=1");
    let (code, message) = reply.error(507);
    assert_eq!(code, "over_memory_budget");
    assert!(
        message.contains(
            "KiB of memory; the server's whole catalog budget is 48.83 KiB (--catalog-memory)"
        ),
        "{message}"
    );
    assert_eq!(reply.json()["error"]["limit_bytes"], 50_000);
    assert!(
        reply.json()["error"]["needed_bytes"]
            .as_u64()
            .expect("needed")
            > 50_000
    );
}
