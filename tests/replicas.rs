#![cfg(not(target_arch = "wasm32"))]
//! Two replicas of `shop-recs serve --database` (Postgres over TLS, `verify-full`) behind
//! HAProxy with the repository's configuration (deploy/haproxy.cfg), as a shop deploys
//! them. The replicas tier runs these (`scripts/postgres.sh cargo test --test replicas --
//! --ignored`); a plain `cargo test` counts them ignored, with the reason.
//!
//! - A write through one replica is seen by the next request through the other, and by
//!   every request through HAProxy after it was acknowledged.
//! - A rolling restart under a steady load (SIGTERM to each replica in turn: `/readyz`
//!   turns 503, HAProxy takes it out, it finishes its requests and exits 0, a new one
//!   starts and comes back in) fails no request.
//! - `kill -9` of one replica under the same load fails only requests that were in flight
//!   when it died, and HAProxy takes it out.
//!
//! Counts, not times: the load's rate is modest (the replicas score 40 products with 200
//! iterations), and nothing here asserts how fast anything was.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/replicas.rs"]
mod replicas;
#[path = "support/temp.rs"]
mod temp;

use replicas::{Cluster, Load, Outcome, answered_in_log, haproxy_installed};

const BIN: &str = env!("CARGO_BIN_EXE_shop-recs");
const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/catalog.json");

/// Requests per second through HAProxy, and the client threads that send them.
const RATE: f64 = 40.0;
const CLIENTS: usize = 8;

/// One cluster at a time: they share the machine's two cores and the test Postgres.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this under scripts/postgres.sh"))
}

/// A fresh database in the test Postgres, filled from the page's catalog by `shop-recs
/// import`; its URL with `sslmode=verify-full` and the test CA.
fn database(test: &str) -> String {
    assert!(
        haproxy_installed(),
        "HAProxy is not installed: scripts/setup.sh --postgres installs Debian's haproxy"
    );
    let ca = var("SHOP_RECS_TEST_POSTGRES_CA");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let name = format!("replicas_{test}_{}", std::process::id());
    let database = runtime.block_on(postgres::fresh_database(&name));
    let url = format!("{database}?sslmode=verify-full&sslrootcert={ca}");
    let out = Command::new(BIN)
        .args(["import", CATALOG, "--database", &url])
        .output()
        .expect("run shop-recs import");
    assert!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    url
}

fn cluster(test: &str) -> Cluster {
    let dir = temp::temp_dir(&format!("replicas-{test}"));
    Cluster::start(&PathBuf::from(BIN), &temp::dist(), &dir, &database(test), 2)
}

fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn get_json(agent: &ureq::Agent, url: &str) -> (u16, Value) {
    let mut response = agent.get(url).call().expect("GET");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("body");
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn put_product(agent: &ureq::Agent, base: &str, slug: &str, description: &str) -> Value {
    let mut response = agent
        .put(format!("{base}/products/{slug}"))
        .header("content-type", "application/json")
        .send(serde_json::json!({ "name": slug, "description": description }).to_string())
        .expect("PUT");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("body");
    assert!(
        status == 200 || status == 201,
        "PUT answered {status}: {body}"
    );
    serde_json::from_str(&body).expect("JSON")
}

/// The load's requests: recommendations for a few of the catalog's products, and one
/// write in ten (a product rewritten in place), which HAProxy does not retry.
fn paths() -> Vec<String> {
    let slugs = [
        "velvet-matte-lipstick",
        "satin-cream-lipstick",
        "waterproof-curl-mascara",
    ];
    (0..10)
        .map(|k| match k {
            9 => "PUT /products/load-written".to_string(),
            _ => format!(
                "/products/{}/recommendations?iterations=200&top=5",
                slugs[k % slugs.len()]
            ),
        })
        .collect()
}

fn failures(outcomes: &[Outcome]) -> Vec<&Outcome> {
    outcomes.iter().filter(|o| !o.ok()).collect()
}

#[test]
#[ignore = "needs Postgres and HAProxy: the replicas tier runs it (scripts/postgres.sh cargo test --test replicas -- --ignored)"]
fn a_write_through_one_replica_is_seen_through_the_other_and_through_haproxy() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cluster = cluster("write");
    let agent = client();
    let (first, second) = (cluster.replicas[0].url(), cluster.replicas[1].url());
    // Both replicas have loaded the catalog; then one is written through.
    for base in [&first, &second] {
        let (status, _) = get_json(&agent, &format!("{base}/products/velvet-matte-lipstick"));
        assert_eq!(status, 200);
    }
    let written = put_product(
        &agent,
        &first,
        "replica-written",
        "a new lipstick, matte red",
    );
    assert_eq!(written["outcome"], "created");
    let version = written["catalog_version"].as_i64().expect("version");
    // The next request through the other replica sees it, and scores on that version.
    let (status, seen) = get_json(&agent, &format!("{second}/products/replica-written"));
    assert_eq!(status, 200, "{seen}");
    assert!(seen["catalog_version"].as_i64() >= Some(version), "{seen}");
    let (status, ranked) = get_json(
        &agent,
        &format!("{second}/products/replica-written/recommendations?iterations=50"),
    );
    assert_eq!(status, 200, "{ranked}");
    assert_eq!(ranked["candidates"], 40);
    // Through HAProxy: a write, then every request after it, whichever replica answers
    // (round robin: both, in turn).
    let written = put_product(
        &agent,
        &cluster.front,
        "replica-written",
        "now a matte blue",
    );
    assert_eq!(written["outcome"], "updated");
    let version = written["catalog_version"].as_i64().expect("version");
    for _ in 0..6 {
        let (status, seen) = get_json(
            &agent,
            &format!("{}/products/replica-written", cluster.front),
        );
        assert_eq!(status, 200);
        assert!(seen["catalog_version"].as_i64() >= Some(version), "{seen}");
    }
    // Both replicas answered requests through HAProxy (each logs its own).
    for replica in &cluster.replicas {
        assert!(
            answered_in_log(&replica.log) >= 3,
            "{}",
            replica.log.display()
        );
    }
}

#[test]
#[ignore = "needs Postgres and HAProxy: the replicas tier runs it (scripts/postgres.sh cargo test --test replicas -- --ignored)"]
fn a_rolling_restart_under_load_fails_no_request() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut cluster = cluster("rolling");
    let load = Load::start(&cluster.front, &paths(), RATE, CLIENTS);
    std::thread::sleep(Duration::from_secs(1));
    let mut restarted = Vec::new();
    for k in 0..cluster.replicas.len() {
        let status = cluster.restart(k, 1);
        assert_eq!(status.code(), Some(0), "r{} exited with {status}", k + 1);
        restarted.push(Instant::now());
    }
    // A while with both new replicas in rotation.
    std::thread::sleep(Duration::from_secs(1));
    let outcomes = load.stop();
    let failed = failures(&outcomes);
    println!(
        "rolling restart: {} requests through HAProxy, {} failed",
        outcomes.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "failed during the rolling restart: {failed:#?}"
    );
    assert!(
        outcomes.len() >= 40,
        "only {} requests were sent",
        outcomes.len()
    );
    // The load went on through the restart (requests started after each replica was
    // back), and both new processes served some of it.
    for instant in &restarted {
        assert!(outcomes.iter().any(|o| o.start > *instant && o.ok()));
    }
    for replica in &cluster.replicas {
        assert!(
            answered_in_log(&replica.log) > 0,
            "the new {} served nothing",
            replica.log.display()
        );
    }
    // Each replica left rotation because its /readyz answered 503 while it drained, not
    // because it had stopped answering.
    let changes = cluster.state_changes();
    for k in 1..=cluster.replicas.len() {
        let drained =
            format!("Server replicas/r{k} is DOWN, reason: Layer7 wrong status, code: 503");
        assert!(
            changes.iter().any(|line| line.contains(&drained)),
            "r{k} was not taken out on its 503: {changes:#?}"
        );
    }
    let writes = outcomes
        .iter()
        .filter(|o| o.path.starts_with("PUT "))
        .count();
    assert!(writes >= 4, "only {writes} writes in the load");
}

#[test]
#[ignore = "needs Postgres and HAProxy: the replicas tier runs it (scripts/postgres.sh cargo test --test replicas -- --ignored)"]
fn kill_9_fails_only_the_requests_in_flight_on_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut cluster = cluster("kill");
    let load = Load::start(&cluster.front, &paths(), RATE, CLIENTS);
    std::thread::sleep(Duration::from_millis(1500));
    let killed = Instant::now();
    cluster.replicas[0].child.kill().expect("kill -9");
    let down_after = cluster.wait_state(0, "DOWN", Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(1500));
    let outcomes = load.stop();
    let failed = failures(&outcomes);
    let in_flight = outcomes.iter().filter(|o| o.spans(killed)).count();
    println!(
        "kill -9: {} requests through HAProxy, {in_flight} in flight at the kill, {} failed; \
         HAProxy saw r1 DOWN after {down_after:?}",
        outcomes.len(),
        failed.len()
    );
    // Every failure was under way when the replica died, so there are at most as many as
    // were in flight then (HAProxy retries most of them on the other replica).
    for outcome in &failed {
        assert!(
            outcome.spans(killed),
            "a request that was not in flight at the kill failed: {outcome:#?}"
        );
    }
    assert!(failed.len() <= in_flight);
    // HAProxy's own log counts the same: the requests no replica answered are the ones
    // that failed here, and the ones it retried on the other replica were answered.
    // (HAProxy writes a request's line as it ends; a moment for the last ones.)
    std::thread::sleep(Duration::from_millis(300));
    let logged = cluster.logged();
    let unanswered = logged
        .iter()
        .filter(|l| l.status < 0 || l.status >= 500)
        .count();
    let retried: Vec<_> = logged.iter().filter(|l| l.retries > 0).collect();
    println!(
        "HAProxy's log: {} requests, {} retried on the other replica, {unanswered} unanswered",
        logged.len(),
        retried.len()
    );
    assert_eq!(unanswered, failed.len(), "{logged:#?}");
    assert!(
        retried.iter().all(|l| l.server == "r2" && l.status == 200),
        "{retried:#?}"
    );

    // The other replica carried on: requests after the kill succeeded.
    assert!(
        outcomes
            .iter()
            .any(|o| o.start > killed + down_after && o.ok())
    );
    assert!(
        outcomes.len() >= 40,
        "only {} requests were sent",
        outcomes.len()
    );
}
