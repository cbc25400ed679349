#![cfg(not(target_arch = "wasm32"))]
//! The shop's database, against real databases: SQLite (a temporary file) always, and
//! Postgres when `SHOP_RECS_TEST_POSTGRES` names one (scripts/postgres.sh starts a
//! throwaway cluster and sets it; scripts/test.sh runs this file under it, with
//! `SHOP_RECS_REQUIRE_POSTGRES=1` so that a missing URL fails instead of skipping).
//!
//! The same tests run against both: `shop-recs import` then `serve --database` answers as
//! `serve --catalog` on the same file (ids and f64 scores); a write through the API is seen
//! by the next request; a failed import and bad input leave the database as it was; a
//! database that stops while serving gives 503 with a JSON error and the server recovers
//! when it returns (Postgres: an embedded SQLite file cannot stop).
//!
//! Servers are driven in-process (`shop_recs::server::build`'s router); the import and
//! the start-up errors through the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use shop_recs::database::Database;
use shop_recs::generate::{Skew, products};
use shop_recs::server::{Config, OwnCatalog, build};
use tower::ServiceExt;

const BIN: &str = env!("CARGO_BIN_EXE_shop-recs");

/// Every test takes this first: one of them stops the shared Postgres for a while.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/temp.rs"]
mod temp;

use temp::dist;

fn temp_dir() -> PathBuf {
    temp::temp_dir("database")
}

/// A database to test against, empty.
struct Backend {
    name: &'static str,
    url: String,
}

/// A fresh SQLite file.
fn sqlite() -> Backend {
    let path = temp_dir().join("shop.db");
    Backend {
        name: "sqlite",
        url: format!("sqlite://{}", path.display()),
    }
}

/// A fresh database in the test Postgres (scripts/postgres.sh).
async fn postgres(test: &str) -> Backend {
    Backend {
        name: "postgres",
        url: postgres::fresh_database(&format!("t_{test}_{}", std::process::id())).await,
    }
}

/// Each check as two tests, `NAME::sqlite` and `NAME::postgres`; the second is ignored
/// by a plain `cargo test` (counted, with the reason) and run by the database tier.
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let _one = super::ONE_AT_A_TIME.lock().await;
                super::$name(super::sqlite()).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs Postgres: the database tier runs it (scripts/postgres.sh cargo test --test database -- --ignored)"]
            async fn postgres() {
                let _one = super::ONE_AT_A_TIME.lock().await;
                super::$name(super::postgres(stringify!($name)).await).await
            }
        }
    };
}

on_both!(import_then_serve_answers_as_the_file_server);
on_both!(writes_through_the_api_are_seen_by_the_next_request);
on_both!(a_failed_import_leaves_the_database_as_it_was);
on_both!(bad_input_is_refused_and_nothing_is_written);
on_both!(writers_on_two_connections_take_turns);

/// The checks above include the real catalog when it is there; this counts it as
/// skipped when it is not.
#[test]
#[cfg_attr(
    not(real_catalog),
    ignore = "the real catalog (../shared/catalogs/dummyjson-products.json) is not there"
)]
fn the_real_catalog_is_there() {
    let real = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/catalogs/dummyjson-products.json"
    );
    assert!(Path::new(real).exists());
}

/// A generated catalog written as a file, as `shop-recs generate` writes it.
fn catalog_file(n: usize, seed: u64) -> PathBuf {
    let path = temp_dir().join(format!("generated-{n}-{seed}.json"));
    let products: Vec<_> = products(n, seed, Skew::NONE).expect("generated").collect();
    std::fs::write(&path, serde_json::to_vec(&products).expect("json")).expect("write");
    path
}

/// A generated catalog of `n` products, imported into `url` in place of what it held.
async fn import_generated(url: &str, n: usize, seed: u64) -> Vec<shop_recs::Product> {
    let all: Vec<_> = products(n, seed, Skew::NONE).expect("generated").collect();
    Database::connect(url)
        .await
        .expect("connect")
        .import(&all, true)
        .await
        .expect("import");
    all
}

/// `shop-recs import FILE --database URL [more]`: (success, stdout, stderr).
fn import(file: &Path, url: &str, more: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .arg("import")
        .arg(file)
        .args(["--database", url])
        .args(more)
        .output()
        .expect("run shop-recs import");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn router(catalog: OwnCatalog, read_only: bool) -> Router {
    let mut config = Config::new(dist());
    config.catalog = catalog;
    config.read_only = read_only;
    config.threads = Some(2);
    build(&config).await.expect("the server builds").router
}

async fn send(router: &Router, method: &str, path: &str, body: &str) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("an answer");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

async fn get(router: &Router, path: &str) -> (StatusCode, Value) {
    send(router, "GET", path, "").await
}

/// The ranking of an answer: (id, score) pairs, scores as the f64 JSON carried.
fn ranking(answer: &Value) -> Vec<(String, f64)> {
    answer["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {answer}"))
        .iter()
        .map(|item| {
            (
                item["id"].as_str().expect("id").to_string(),
                item["score"].as_f64().expect("score"),
            )
        })
        .collect()
}

const QUERY: &str = "recommendations?top=10&iterations=200";

async fn recommendations(router: &Router, slug: &str) -> Value {
    let (status, answer) = get(router, &format!("/products/{slug}/{QUERY}")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

/// How many products and which version the database holds, read directly.
async fn contents(url: &str) -> (usize, i64) {
    let db = Database::connect(url).await.expect("connect");
    (
        db.count().await.expect("count"),
        db.version().await.expect("version"),
    )
}

async fn import_then_serve_answers_as_the_file_server(backend: Backend) {
    let mut files = vec![catalog_file(600, 7)];
    let real = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/catalogs/dummyjson-products.json"
    ));
    // Counted as skipped without it: the_real_catalog_is_there.
    if real.exists() {
        files.push(real.to_path_buf());
    }
    {
        for file in &files {
            let (ok, out, err) = import(file, &backend.url, &["--replace"]);
            assert!(ok, "{}: import failed: {err}", backend.name);
            assert!(
                out.starts_with("imported ") && out.contains(backend.name),
                "{out}"
            );
            let from_file = router(OwnCatalog::File(file.clone()), false).await;
            let from_db = router(OwnCatalog::Database(backend.url.clone()), false).await;
            let (_, info) = get(&from_file, "/info").await;
            let (_, db_info) = get(&from_db, "/info").await;
            assert_eq!(info["catalog"]["products"], db_info["catalog"]["products"]);
            assert_eq!(db_info["database"]["kind"], backend.name);
            let (_, listed) = get(&from_file, "/products?limit=1000").await;
            let slugs: Vec<String> = listed["matches"]
                .as_array()
                .expect("matches")
                .iter()
                .step_by(97)
                .map(|m| m["id"].as_str().expect("id").to_string())
                .collect();
            assert!(slugs.len() >= 2);
            for slug in &slugs {
                let want = recommendations(&from_file, slug).await;
                let got = recommendations(&from_db, slug).await;
                assert_eq!(
                    ranking(&got),
                    ranking(&want),
                    "{}: {slug} in {}",
                    backend.name,
                    file.display()
                );
                assert!(got["catalog_version"].as_i64().is_some_and(|v| v >= 1));
                assert!(want.get("catalog_version").is_none());
            }
        }
    }
}

async fn writes_through_the_api_are_seen_by_the_next_request(backend: Backend) {
    let file = catalog_file(300, 3);
    {
        let all = import_generated(&backend.url, 300, 3).await;
        let db = Database::connect(&backend.url).await.expect("connect");
        let server = router(OwnCatalog::Database(backend.url.clone()), false).await;
        let target = all[0].id.clone();
        let before = recommendations(&server, &target).await;
        let v0 = before["catalog_version"].as_i64().expect("version");
        assert_eq!(before["candidates"], 299);

        // The target's text changes: so do its scores, at the next version.
        let body = r#"{"name": "Changed", "description": "quantum flux capacitor banana", "tags": ["odd"]}"#;
        let (status, written) = send(&server, "PUT", &format!("/products/{target}"), body).await;
        assert_eq!(status, StatusCode::OK, "{}: {written}", backend.name);
        assert_eq!(written["outcome"], "updated");
        assert_eq!(written["catalog_version"], v0 + 1);
        let after = recommendations(&server, &target).await;
        assert_eq!(after["catalog_version"], v0 + 1);
        assert_eq!(after["target"]["name"], "Changed");
        assert_ne!(ranking(&after), ranking(&before), "{}", backend.name);

        // A new product: a candidate at once, and a target.
        let body = r#"{"title": "Brand new", "description": "a brand new thing", "price": 3.5}"#;
        let (status, written) = send(&server, "PUT", "/products/brand-new", body).await;
        assert_eq!(status, StatusCode::CREATED, "{written}");
        assert_eq!(recommendations(&server, &target).await["candidates"], 300);
        let (status, product) = get(&server, "/products/brand-new").await;
        assert_eq!(
            (status, &product["product"]["name"]),
            (StatusCode::OK, &Value::from("Brand new"))
        );

        // Deleted: gone as a target and as a candidate.
        let (status, deleted) = send(&server, "DELETE", "/products/brand-new", "").await;
        assert_eq!(
            (status, &deleted["outcome"]),
            (StatusCode::OK, &Value::from("deleted"))
        );
        assert_eq!(
            get(&server, &format!("/products/brand-new/{QUERY}"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(recommendations(&server, &target).await["candidates"], 299);
        let (status, again) = send(&server, "DELETE", "/products/brand-new", "").await;
        assert_eq!(
            (status, &again["error"]["code"]),
            (StatusCode::NOT_FOUND, &Value::from("unknown_product"))
        );

        // A write made by another server (or `shop-recs import`) is seen too.
        let mut changed = all[1].clone();
        changed.name = "Renamed elsewhere".into();
        db.put(&changed).await.expect("put");
        let seen = recommendations(&server, &changed.id).await;
        assert_eq!(seen["target"]["name"], "Renamed elsewhere");

        // --read-only and a file catalog refuse writes with 405.
        let read_only = router(OwnCatalog::Database(backend.url.clone()), true).await;
        let (status, refused) =
            send(&read_only, "DELETE", &format!("/products/{target}"), "").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("--read-only")
        );
        let (_, info) = get(&read_only, "/info").await;
        assert_eq!(info["database"]["read_only"], true);
        let from_file = router(OwnCatalog::File(file.clone()), false).await;
        let (status, refused) =
            send(&from_file, "PUT", "/products/x", r#"{"description": "d"}"#).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("--database")
        );
        assert_eq!(contents(&backend.url).await.0, 300);
    }
}

/// Two writers at once (two servers on one database, or a server and `shop-recs
/// import`), each a connection pool of its own: every write lands, one after the other,
/// and the version counts each of them. SQLite's plain `BEGIN` refused one of the two at
/// once with "database is locked" (CI, 2026-12-07); `BEGIN IMMEDIATE` makes it wait.
async fn writers_on_two_connections_take_turns(backend: Backend) {
    let all = import_generated(&backend.url, 40, 1).await;
    let first = Database::connect(&backend.url).await.expect("connect");
    let second = Database::connect(&backend.url).await.expect("connect");
    let v0 = first.version().await.expect("version");
    let rounds = 25;
    let write = |db: Database, offset: usize| {
        let all = all.clone();
        tokio::spawn(async move {
            for round in 0..rounds {
                let mut product = all[(offset + round) % all.len()].clone();
                product.name = format!("written {offset} {round}");
                db.put(&product).await.map_err(|e| e.to_string())?;
            }
            Ok::<_, String>(())
        })
    };
    let (a, b) = tokio::join!(write(first.clone(), 0), write(second, 20));
    for outcome in [a, b] {
        outcome
            .expect("the writer ran")
            .unwrap_or_else(|e| panic!("{}: a write was refused: {e}", backend.name));
    }
    assert_eq!(
        first.version().await.expect("version"),
        v0 + 2 * rounds as i64,
        "{}",
        backend.name
    );
}

async fn a_failed_import_leaves_the_database_as_it_was(backend: Backend) {
    let good = catalog_file(200, 5);
    // Valid products first, then one whose description is over the limit, then a repeat.
    let dir = temp_dir();
    let mut products: Vec<_> = shop_recs::generate::products(150, 9, Skew::NONE)
        .expect("generated")
        .collect();
    let mut long = products[0].clone();
    long.id = "too-long".into();
    long.description = "word ".repeat(20_000);
    products.push(long);
    let too_long = dir.join("too-long.json");
    std::fs::write(&too_long, serde_json::to_vec(&products).unwrap()).unwrap();
    products.pop();
    products.push(products[3].clone());
    let repeated = dir.join("repeated.json");
    std::fs::write(&repeated, serde_json::to_vec(&products).unwrap()).unwrap();
    let malformed = dir.join("malformed.json");
    std::fs::write(
        &malformed,
        r#"[{"slug": "a", "description": "x"}, {"slug": "b", "description": ["x"]}]"#,
    )
    .unwrap();

    {
        assert!(import(&good, &backend.url, &[]).0);
        let before = contents(&backend.url).await;
        assert_eq!(before.0, 200);
        for (file, says) in [
            (&too_long, "product 151 (id \"too-long\", \""),
            (&repeated, "repeats the identifier of product 4"),
            (
                &malformed,
                "product 2 (id \"b\"): \"description\" must be a string, found an array",
            ),
        ] {
            for more in [&[][..], &["--replace"][..]] {
                let (ok, out, err) = import(file, &backend.url, more);
                assert!(
                    !ok,
                    "{}: {} was imported: {out}",
                    backend.name,
                    file.display()
                );
                assert!(err.contains(says), "{err}");
                assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
                assert_eq!(contents(&backend.url).await, before, "{}", backend.name);
            }
        }
    }
}

async fn bad_input_is_refused_and_nothing_is_written(backend: Backend) {
    {
        let all = import_generated(&backend.url, 50, 1).await;
        let before = contents(&backend.url).await;
        let server = router(OwnCatalog::Database(backend.url.clone()), false).await;
        let slug = &all[0].id;
        let long = format!(r#"{{"description": "{}"}}"#, "x".repeat(70_000));
        for (body, says) in [
            ("{", "the body is not JSON"),
            (
                r#"{"description": 5}"#,
                "description: expected a string, found a number",
            ),
            (r#"{"name": "no description"}"#, "no \"description\""),
            (
                r#"{"slug": "other", "description": "d"}"#,
                "is not the path's",
            ),
            (
                long.as_str(),
                "description is 70000 bytes; the limit is 65536 bytes",
            ),
        ] {
            let (status, answer) = send(&server, "PUT", &format!("/products/{slug}"), body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
            assert_eq!(answer["error"]["code"], "invalid_product");
            let message = answer["error"]["message"].as_str().expect("message");
            assert!(message.contains(says), "{message}");
            assert_eq!(
                contents(&backend.url).await,
                before,
                "{}: {body:.40}",
                backend.name
            );
        }

        // A row written by other means that is not a product: a clear 500 naming it,
        // and the server answers again once the row is fixed.
        let mut admin = postgres::connect(&backend.url).await;
        let bump = "UPDATE catalog_version SET version = version + 1";
        for statement in [
            &format!("UPDATE products SET tags = 'not json' WHERE slug = '{slug}'"),
            bump,
        ] {
            sqlx::query(statement)
                .execute(&mut admin)
                .await
                .expect("write by hand");
        }
        let (status, answer) = get(&server, &format!("/products/{slug}/{QUERY}")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{answer}");
        assert_eq!(answer["error"]["code"], "invalid_database");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(slug.as_str()) && message.contains("tags"),
            "{message}"
        );
        for statement in [
            &format!("UPDATE products SET tags = '[]' WHERE slug = '{slug}'"),
            bump,
        ] {
            sqlx::query(statement)
                .execute(&mut admin)
                .await
                .expect("fix by hand");
        }
        recommendations(&server, slug).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Postgres (an embedded SQLite file cannot stop): the database tier runs it under scripts/postgres.sh"]
async fn a_database_that_stops_while_serving_gives_503_then_recovers() {
    let _one = ONE_AT_A_TIME.lock().await;
    let ctl = std::env::var("SHOP_RECS_TEST_POSTGRES_CTL")
        .expect("SHOP_RECS_TEST_POSTGRES_CTL: run this under scripts/postgres.sh");
    let backend = postgres("outage").await;
    let all = import_generated(&backend.url, 100, 2).await;
    let server = router(OwnCatalog::Database(backend.url.clone()), false).await;
    let slug = all[0].id.clone();
    let want = ranking(&recommendations(&server, &slug).await);
    assert_eq!(get(&server, "/readyz").await.0, StatusCode::OK);

    let pg_ctl = |action: &str| {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("{ctl} {action} >/dev/null"))
            .status()
            .expect("run pg_ctl");
        assert!(status.success(), "pg_ctl {action}");
    };
    pg_ctl("stop -m fast");
    let (outage_server, outage_slug) = (server.clone(), slug.clone());
    let outage = async move {
        let (server, slug) = (outage_server, outage_slug);
        let request = Request::get(format!("/products/{slug}/{QUERY}"))
            .body(Body::empty())
            .unwrap();
        let response = server.clone().oneshot(request).await.expect("an answer");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key("retry-after"));
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let answer: Value = serde_json::from_slice(&bytes).expect("a JSON error");
        assert_eq!(answer["error"]["code"], "database_unavailable", "{answer}");
        let (status, ready) = get(&server, "/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");
        assert_eq!(ready["error"]["code"], "database_unavailable");
        let (status, alive) = get(&server, "/healthz").await;
        assert_eq!((status, alive), (StatusCode::OK, Value::from("ok")));
    };
    // Whatever the outage checks find, Postgres starts again for the other tests.
    let checked = tokio::spawn(outage).await;
    pg_ctl("start");
    checked.expect("the outage checks");

    let started = Instant::now();
    loop {
        let (status, answer) = get(&server, &format!("/products/{slug}/{QUERY}")).await;
        if status == StatusCode::OK {
            assert_eq!(ranking(&answer), want);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no recovery: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(get(&server, "/readyz").await.0, StatusCode::OK);
}

#[test]
fn a_database_the_server_cannot_use_stops_the_start_in_one_line() {
    let dir = temp_dir();
    let empty = dir.join("empty.db");
    let missing_dir = dir.join("no-such-dir").join("shop.db");
    for (url, says) in [
        (
            "postgres://shop:secret@127.0.0.1:1/shop".to_string(),
            "cannot reach the postgres database",
        ),
        (
            format!("sqlite://{}", missing_dir.display()),
            "cannot reach the sqlite database",
        ),
        (
            format!("sqlite://{}", empty.display()),
            "holds no products; import a catalog first",
        ),
        (
            "mysql://u@h/db".to_string(),
            "not a database shop-recs can use",
        ),
        (
            "postgres://shop:secret@127.0.0.1:1/shop?sslmode=verify-full&sslrootcert=/no/ca.pem"
                .to_string(),
            "sslrootcert=/no/ca.pem: cannot read that CA certificate",
        ),
    ] {
        let out = Command::new(BIN)
            .args(["serve", "--port", "0", "--dist"])
            .arg(dist())
            .args(["--database", &url])
            .output()
            .expect("run shop-recs serve");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{url}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(says), "{url}: {err}");
        assert!(
            !err.contains("secret"),
            "the password is never shown: {err}"
        );
        assert!(out.stdout.is_empty(), "no URL printed: it never listened");
    }
}
