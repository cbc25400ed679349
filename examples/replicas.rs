//! The replicas benchmark (bench/REPORT.md, "Replicas"): `shop-recs serve --database`
//! replicas behind HAProxy (deploy/haproxy.cfg), under the same steady load as
//! tests/replicas.rs, with 1 and then 2 replicas at the same offered rates; then a rolling
//! restart and a `kill -9` under load, counting failed requests; and the per-request
//! cost of asking the database for the catalog's version (a replica on the database
//! against one on the same catalog as a file). Measures, never asserts; prints one
//! Markdown section. scripts/replicas-bench.sh runs it under scripts/postgres.sh.
//!
//! ```text
//! cargo run --release --example replicas -- --bin target/release/shop-recs
//!     --database URL --catalog FILE (the database's catalog) [--rates 5,10,20,40,80] [--seconds 8] [--iterations 1500]
//! ```
//!
//! Each replica runs one scoring thread (`--threads 1`), so that on a machine of N cores
//! up to N replicas each have a core of their own: what scaling out can give is then
//! visible even on 2 cores. The load's clients wait for their answers (8 threads, each
//! keeping its connection), so at rates over capacity requests start late: goodput is
//! then the capacity, and the latency counts from when a request was sent.

#[path = "../tests/support/replicas.rs"]
#[allow(dead_code)]
mod replicas;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use replicas::{Cluster, Load, Outcome};

struct Options {
    bin: PathBuf,
    database: String,
    /// The same catalog as the database's, as a file (the version query's comparison).
    catalog: String,
    rates: Vec<f64>,
    seconds: f64,
    iterations: u32,
}

fn options() -> Result<Options, String> {
    let mut bin = None;
    let mut database = None;
    let mut catalog = None;
    let mut rates = vec![5.0, 10.0, 20.0, 40.0, 80.0];
    let mut seconds = 8.0;
    let mut iterations = 1500;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--bin" => bin = Some(PathBuf::from(value()?)),
            "--database" => database = Some(value()?),
            "--catalog" => catalog = Some(value()?),
            "--rates" => {
                rates = value()?
                    .split(',')
                    .map(|r| r.parse().map_err(|_| format!("bad rate {r}")))
                    .collect::<Result<_, _>>()?
            }
            "--seconds" => seconds = value()?.parse().map_err(|_| "bad --seconds")?,
            "--iterations" => iterations = value()?.parse().map_err(|_| "bad --iterations")?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Options {
        bin: bin.ok_or("--bin is required")?,
        database: database.ok_or("--database is required")?,
        catalog: catalog.ok_or("--catalog is required")?,
        rates,
        seconds,
        iterations,
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Goodput (answered 200 per second of the step), p50 and p99 latency in ms, failures.
fn summary(outcomes: &[Outcome], seconds: f64) -> (f64, f64, f64, usize) {
    let mut ms: Vec<f64> = outcomes
        .iter()
        .filter(|o| o.ok())
        .map(|o| (o.end - o.start).as_secs_f64() * 1e3)
        .collect();
    ms.sort_by(f64::total_cmp);
    let failed = outcomes.iter().filter(|o| !o.ok()).count();
    (
        ms.len() as f64 / seconds,
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        failed,
    )
}

fn dist() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("replicas-bench-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dist");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html"),
        dir.join("index.html"),
    )
    .expect("index.html");
    dir
}

fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("replicas: {message}");
            std::process::exit(2);
        }
    };
    let dist = dist();
    let work = dist.with_extension("logs");
    std::fs::create_dir_all(&work).expect("logs");
    // The load's targets: the catalog's first three products, whatever it is.
    let first_three = |front: &str| -> Vec<String> {
        let mut answer = ureq::get(format!("{front}/products?limit=3"))
            .call()
            .expect("GET /products");
        let list: serde_json::Value =
            serde_json::from_str(&answer.body_mut().read_to_string().expect("body")).expect("JSON");
        list["matches"]
            .as_array()
            .expect("matches")
            .iter()
            .map(|m| {
                let slug = m["id"].as_str().expect("id");
                format!(
                    "/products/{slug}/recommendations?iterations={}&top=10",
                    options.iterations
                )
            })
            .collect()
    };
    let run = |cluster: &Cluster, rate: f64, seconds: f64| {
        let paths = first_three(&cluster.front);
        let load = Load::start(&cluster.front, &paths, rate, 8);
        std::thread::sleep(Duration::from_secs_f64(seconds));
        load.stop()
    };

    println!("| replicas | offered (req/s) | goodput (req/s) | p50 (ms) | p99 (ms) | failed |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for running in [1, 2] {
        let cluster = Cluster::start(&options.bin, &dist, &work, &options.database, running);
        // Warm-up: each replica has loaded its catalog and scored once.
        run(&cluster, 4.0, 1.0);
        for &rate in &options.rates {
            let outcomes = run(&cluster, rate, options.seconds);
            let (goodput, p50, p99, failed) = summary(&outcomes, options.seconds);
            println!("| {running} | {rate} | {goodput:.1} | {p50:.1} | {p99:.1} | {failed} |");
        }
    }

    // The rolling restart and the kill, at the middle rate, with both replicas.
    let rate = options.rates[options.rates.len() / 2];
    println!();
    let mut cluster = Cluster::start(&options.bin, &dist, &work, &options.database, 2);
    let paths = first_three(&cluster.front);
    let load = Load::start(&cluster.front, &paths, rate, 8);
    std::thread::sleep(Duration::from_secs(2));
    let started = Instant::now();
    for k in 0..2 {
        cluster.restart(k, 1);
    }
    let took = started.elapsed();
    std::thread::sleep(Duration::from_secs(2));
    let outcomes = load.stop();
    let failed = outcomes.iter().filter(|o| !o.ok()).count();
    println!(
        "- Rolling restart at {rate} req/s: both replicas restarted in turn in {:.1} s; {} requests, **{failed} failed**.",
        took.as_secs_f64(),
        outcomes.len()
    );
    let load = Load::start(&cluster.front, &paths, rate, 8);
    std::thread::sleep(Duration::from_secs(2));
    let killed = Instant::now();
    let _ = cluster.replicas[0].child.kill();
    let down = cluster.wait_state(0, "DOWN", Duration::from_secs(30));
    std::thread::sleep(Duration::from_secs(2));
    let outcomes = load.stop();
    let failed = outcomes.iter().filter(|o| !o.ok()).count();
    let in_flight = outcomes.iter().filter(|o| o.spans(killed)).count();
    std::thread::sleep(Duration::from_millis(300));
    let retried = cluster.logged().iter().filter(|l| l.retries > 0).count();
    println!(
        "- `kill -9` of one replica at {rate} req/s: {} requests, {in_flight} in flight at the kill, **{failed} failed**, {retried} retried by HAProxy on the other replica; HAProxy marked it DOWN {:.0} ms after the kill (checks every 250 ms).",
        outcomes.len(),
        down.as_secs_f64() * 1e3
    );
    drop(cluster);

    // The version query's cost: one replica on the database against the same catalog as
    // a file, GET /products/{slug} (no scoring) one after another.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let median = |args: &[&str]| {
        let server = std::process::Command::new(&options.bin)
            .args(["serve", "--port", "0", "--dist"])
            .arg(&dist)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serve");
        let mut server = server;
        let mut line = String::new();
        {
            use std::io::BufRead;
            let stdout = server.stdout.take().expect("stdout");
            std::io::BufReader::new(stdout)
                .read_line(&mut line)
                .expect("URL");
        }
        let base = line.trim().trim_end_matches('/');
        let slug = first_three(base)[0]
            .trim_start_matches("/products/")
            .split('/')
            .next()
            .expect("slug")
            .to_string();
        let url = format!("{base}/products/{slug}");
        let mut ms: Vec<f64> = (0..600)
            .map(|_| {
                let start = Instant::now();
                let mut r = agent.get(&url).call().expect("GET");
                let _ = r.body_mut().read_to_string();
                start.elapsed().as_secs_f64() * 1e3
            })
            .skip(100)
            .collect();
        ms.sort_by(f64::total_cmp);
        let _ = server.kill();
        let _ = server.wait();
        percentile(&ms, 0.5)
    };
    let file = median(&["--catalog", &options.catalog]);
    let database = median(&["--database", &options.database]);
    println!(
        "- `GET /products/{{slug}}` (no scoring), 500 in a row on one replica: median {file:.3} ms on the catalog as a file, {database:.3} ms on the same catalog in Postgres over TLS: the per-request version and existence queries (run together) cost {:.3} ms.",
        database - file
    );
}
