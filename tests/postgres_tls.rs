#![cfg(not(target_arch = "wasm32"))]
//! TLS to Postgres, against the throwaway cluster of scripts/postgres.sh. That cluster
//! accepts TLS connections only, with a certificate for 127.0.0.1 and localhost signed by
//! a CA the script makes. The database tier runs these (they are ignored without it).
//!
//! Checked through the real binary, as an operator meets it:
//! - `sslmode=verify-full` with that CA as `sslrootcert` imports, and serves the same
//!   rankings as the file server;
//! - each wrong configuration stops `serve` at start with one line and exit status 1:
//!   - another CA;
//!   - a host name the certificate does not carry;
//!   - `sslmode=disable` against a server that requires TLS;
//!   - `sslmode=require` against a server without TLS, which must never be spoken to in
//!     plain text (a stand-in server that answers the TLS request "no", as a plain
//!     Postgres does, and records whether the client went on without it).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

#[path = "support/serve_process.rs"]
mod serve_process;

use serve_process::{ServeProcess, agent};

const BIN: &str = env!("CARGO_BIN_EXE_shop-recs");

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this under scripts/postgres.sh"))
}

#[path = "support/temp.rs"]
mod temp;

use temp::dist;

fn temp_dir() -> PathBuf {
    temp::temp_dir("postgres-tls")
}

/// The test cluster's URL with `host` for 127.0.0.1, database `database` and `query`.
fn url(host: &str, database: &str, query: &str) -> String {
    let base = var("SHOP_RECS_TEST_POSTGRES");
    let (server, _) = base.rsplit_once('/').expect("a database in the URL");
    format!("{}/{database}?{query}", server.replace("127.0.0.1", host))
}

/// `serve --database URL` must stop at start: exit status 1, one line on stderr, nothing
/// printed on stdout (it never listened). Returns that line.
fn start_fails(database: &str) -> String {
    let out = Command::new(BIN)
        .args(["serve", "--port", "0", "--dist"])
        .arg(dist())
        .args(["--database", database])
        .output()
        .expect("run shop-recs serve");
    let err = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    assert_eq!(out.status.code(), Some(1), "{database}: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(out.stdout.is_empty(), "{database}: it listened: {err}");
    err
}

/// The first product's ranking from a running server: ids and f64 scores.
fn ranking(server: &ServeProcess, slug: &str) -> Vec<(String, f64)> {
    let mut response = agent()
        .get(format!(
            "{}/products/{slug}/recommendations?top=10&iterations=200",
            server.url
        ))
        .call()
        .expect("an answer");
    assert_eq!(response.status(), 200);
    let answer: Value = response.body_mut().read_json().expect("JSON");
    answer["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            (
                item["id"].as_str().expect("id").to_string(),
                item["score"].as_f64().expect("score"),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs the TLS Postgres of scripts/postgres.sh: the database tier runs it"]
fn verify_full_with_the_servers_ca_imports_and_serves_as_the_file_server() {
    let ca = var("SHOP_RECS_TEST_POSTGRES_CA");
    // A database of its own, made over TLS too.
    let database = format!("tls_{}", std::process::id());
    let admin = url("127.0.0.1", "postgres", "sslmode=require");
    let made = Command::new("psql")
        .args([
            &admin,
            "-qAtc",
            &format!("DROP DATABASE IF EXISTS {database}"),
        ])
        .status()
        .and_then(|_| {
            Command::new("psql")
                .args([&admin, "-qAtc", &format!("CREATE DATABASE {database}")])
                .status()
        })
        .expect("psql");
    assert!(made.success(), "create {database}");

    let catalog = temp_dir().join("catalog.json");
    let generated = Command::new(BIN)
        .args(["generate", "--n", "150", "--seed", "7"])
        .output()
        .expect("generate");
    std::fs::write(&catalog, &generated.stdout).expect("write the catalog");
    let products: Value = serde_json::from_slice(&generated.stdout).expect("JSON");
    let slug = products["products"][3]["id"]
        .as_str()
        .expect("an identifier")
        .to_string();

    let tls = url(
        "127.0.0.1",
        &database,
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let import = Command::new(BIN)
        .arg("import")
        .arg(&catalog)
        .args(["--database", &tls])
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "import over verify-full: {}",
        String::from_utf8_lossy(&import.stderr)
    );

    let from_database = ServeProcess::spawn(BIN, &dist(), &["--database", &tls]);
    let from_file = ServeProcess::spawn(
        BIN,
        &dist(),
        &["--catalog", catalog.to_str().expect("a path")],
    );
    let want = ranking(&from_file, &slug);
    assert_eq!(want.len(), 10);
    assert_eq!(ranking(&from_database, &slug), want);
}

#[test]
#[ignore = "needs the TLS Postgres of scripts/postgres.sh: the database tier runs it"]
fn a_wrong_ca_a_wrong_host_or_no_tls_stops_the_start_in_one_line() {
    let (ca, other) = (
        var("SHOP_RECS_TEST_POSTGRES_CA"),
        var("SHOP_RECS_TEST_POSTGRES_OTHER_CA"),
    );
    let wrong_ca = start_fails(&url(
        "127.0.0.1",
        "postgres",
        &format!("sslmode=verify-full&sslrootcert={other}"),
    ));
    assert!(
        wrong_ca.contains("cannot reach the postgres database"),
        "{wrong_ca}"
    );
    assert!(
        wrong_ca.to_lowercase().contains("certificate"),
        "says why: {wrong_ca}"
    );

    // 127.0.0.2 reaches the same server, whose certificate names 127.0.0.1 and localhost.
    let wrong_host = start_fails(&url(
        "127.0.0.2",
        "postgres",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ));
    assert!(
        wrong_host.contains("cannot reach the postgres database"),
        "{wrong_host}"
    );
    assert!(
        wrong_host.to_lowercase().contains("certificate"),
        "says why: {wrong_host}"
    );

    // Plain text where the server requires TLS: refused by the server.
    let plain = start_fails(&url("127.0.0.1", "postgres", "sslmode=disable"));
    assert!(
        plain.contains("cannot reach the postgres database"),
        "{plain}"
    );
}

#[test]
fn require_never_falls_back_to_plain_text() {
    // A server that answers the client's TLS request "N", as a Postgres without TLS does,
    // then notes anything the client sends after it: a client that fell back would send
    // its start-up message (user, database) in plain text.
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("its address").port();
    let server = std::thread::spawn(move || -> (Vec<u8>, Vec<u8>) {
        let (mut socket, _) = listener.accept().expect("a connection");
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a timeout");
        let mut request = [0u8; 8];
        socket.read_exact(&mut request).expect("the TLS request");
        socket.write_all(b"N").expect("no TLS here");
        let mut after = Vec::new();
        let _ = socket.read_to_end(&mut after);
        (request.to_vec(), after)
    });
    let line = start_fails(&format!(
        "postgres://shop:secret@127.0.0.1:{port}/postgres?sslmode=require"
    ));
    assert!(
        line.contains("cannot reach the postgres database"),
        "{line}"
    );
    assert!(
        !line.contains("secret"),
        "the password is never shown: {line}"
    );
    let (request, after) = server.join().expect("the stand-in server");
    // Length 8, then the SSLRequest code 80877103.
    assert_eq!(
        request,
        [0, 0, 0, 8, 4, 210, 22, 47],
        "the client asked for TLS first"
    );
    assert!(
        after.is_empty(),
        "the client went on in plain text: {:?}",
        String::from_utf8_lossy(&after)
    );
}
