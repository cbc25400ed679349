//! The server's benchmark: starts `shop-recs serve` (release) itself, loads it from
//! client threads on loopback, and prints one JSON object that `bench/run.mjs` stores
//! as `results.server` and `bench/report-server.mjs` renders. Measures, never asserts.
//!
//! ```text
//! cargo run --release --example server_bench -- --bin target/release/shop-recs --dist DIR
//!     [--reactor-bin PATH] [--real FILE] [--threads N] [--seconds S]
//! ```
//!
//! - latency: p50/p99 and throughput of `GET .../recommendations` for each catalog and
//!   1, 2, 4, 8 clients, beside the server's own compute time for each request and the
//!   CLI's (`shop-recs bench`) for the same query: what HTTP and JSON add.
//! - reactor: `GET /healthz` latency while the scoring endpoint is saturated, and while
//!   64 MiB catalogs are uploaded, for the normal build (spawn_blocking) and, given
//!   `--reactor-bin`, the build that scores on the reactor.
//! - shedding: 4 x max-inflight clients; the share of 503s and the accepted requests' waits.
//! - memory: resident memory after 20 distinct uploads of about 5 MB under a 64 MiB budget.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Options {
    bin: PathBuf,
    reactor_bin: Option<PathBuf>,
    dist: PathBuf,
    real: Option<PathBuf>,
    threads: usize,
    seconds: f64,
}

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut bin = None;
    let mut reactor_bin = None;
    let mut dist = None;
    let mut real = None;
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut seconds = 3.0;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--bin" => bin = Some(PathBuf::from(value()?)),
            "--reactor-bin" => reactor_bin = Some(PathBuf::from(value()?)),
            "--dist" => dist = Some(PathBuf::from(value()?)),
            "--real" => real = Some(PathBuf::from(value()?)),
            "--threads" => threads = value()?.parse().map_err(|_| "--threads takes a number")?,
            "--seconds" => seconds = value()?.parse().map_err(|_| "--seconds takes a number")?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Options {
        bin: bin.ok_or("--bin is required")?,
        reactor_bin,
        dist: dist.ok_or("--dist is required")?,
        real,
        threads,
        seconds,
    })
}

#[path = "../tests/support/serve_process.rs"]
mod serve_process;

use serve_process::{ServeProcess as Server, agent};

impl Server {
    /// Resident memory, from /proc (Linux), in bytes.
    fn rss(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }
}

/// One request's outcome: status, round trip, and the server's compute when it said.
struct Sample {
    status: u16,
    ms: f64,
    compute_ms: Option<f64>,
}

fn get(agent: &ureq::Agent, url: &str) -> Sample {
    let started = Instant::now();
    match agent.get(url).call() {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let body = response.body_mut().read_to_string().unwrap_or_default();
            let ms = started.elapsed().as_secs_f64() * 1e3;
            let compute_ms = serde_json::from_str::<Value>(&body).ok().and_then(|v| {
                Some(v["timing"]["scoring_ms"].as_f64()? + v["timing"]["sorting_ms"].as_f64()?)
            });
            Sample {
                status,
                ms,
                compute_ms,
            }
        }
        Err(_) => Sample {
            status: 0,
            ms: started.elapsed().as_secs_f64() * 1e3,
            compute_ms: None,
        },
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn sorted(mut xs: Vec<f64>) -> Vec<f64> {
    xs.sort_by(f64::total_cmp);
    xs
}

/// `clients` threads each requesting `url` back to back for `seconds`, after one
/// untimed request each; every sample comes back.
fn hammer(url: &str, clients: usize, seconds: f64, pause_on_503: Duration) -> (Vec<Sample>, f64) {
    let barrier = Arc::new(Barrier::new(clients + 1));
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let (url, barrier) = (url.to_string(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let agent = agent();
                let _ = get(&agent, &url);
                barrier.wait();
                let until = Instant::now() + Duration::from_secs_f64(seconds);
                let mut samples = Vec::new();
                while Instant::now() < until {
                    let sample = get(&agent, &url);
                    if sample.status == 503 {
                        std::thread::sleep(pause_on_503);
                    }
                    samples.push(sample);
                }
                samples
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let samples: Vec<Sample> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("client thread"))
        .collect();
    (samples, started.elapsed().as_secs_f64())
}

/// `GET /healthz` every 10 ms on one connection until `stop`; its round trips.
fn probe_health(base: String, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<f64>> {
    std::thread::spawn(move || {
        let agent = agent();
        let url = format!("{base}/healthz");
        let mut times = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            times.push(get(&agent, &url).ms);
            std::thread::sleep(Duration::from_millis(10));
        }
        times
    })
}

fn cli_compute_ms(opts: &Options, source: &[String], product: &str) -> Option<f64> {
    let output = Command::new(&opts.bin)
        .arg("bench")
        .args(source)
        .args([
            "--product",
            product,
            "--iterations",
            "1500",
            "--runs",
            "11",
            "--only",
            "parallel",
        ])
        .args(["--threads", &opts.threads.to_string(), "--json"])
        .output()
        .ok()?;
    let json: Value = serde_json::from_slice(&output.stdout).ok()?;
    json["parallel_ms"]["median"].as_f64()
}

fn latency(opts: &Options) -> Vec<Value> {
    // Each catalog as the server and the CLI both take it (`--catalog FILE` or
    // `--generate N`), and the product to recommend for.
    let arg = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
    let mut catalogs = vec![(
        "default",
        arg("--catalog", "www/catalog.json"),
        "velvet-matte-lipstick",
    )];
    if let Some(real) = &opts.real {
        catalogs.push(("real", arg("--catalog", &real.display().to_string()), "1"));
    }
    catalogs.push((
        "generated 2,000",
        arg("--generate", "2000"),
        "sports-breathable-durable-football-0",
    ));
    let mut rows = Vec::new();
    for (name, source, product) in catalogs {
        let mut args = source.clone();
        args.extend([
            "--threads".into(),
            opts.threads.to_string(),
            "--max-inflight".into(),
            "64".into(),
        ]);
        let server = Server::spawn(&opts.bin, &opts.dist, &args);
        let cli_ms = cli_compute_ms(opts, &source, product);
        let url = format!(
            "{}/products/{product}/recommendations?iterations=1500&top=10",
            server.url
        );
        for clients in [1, 2, 4, 8] {
            let (samples, wall_s) = hammer(&url, clients, opts.seconds, Duration::ZERO);
            let ok: Vec<&Sample> = samples.iter().filter(|s| s.status == 200).collect();
            let times = sorted(ok.iter().map(|s| s.ms).collect());
            let compute = sorted(ok.iter().filter_map(|s| s.compute_ms).collect());
            let overhead = sorted(
                ok.iter()
                    .filter_map(|s| Some(s.ms - s.compute_ms?))
                    .collect(),
            );
            eprintln!(
                "   {name}, {clients} client(s): p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s; compute p50 {:.2} ms; HTTP+JSON p50 {:.3} ms",
                percentile(&times, 50.0),
                percentile(&times, 99.0),
                ok.len() as f64 / wall_s,
                percentile(&compute, 50.0),
                percentile(&overhead, 50.0)
            );
            rows.push(json!({
                "catalog": name, "product": product, "clients": clients,
                "requests": samples.len(), "ok": ok.len(),
                "p50_ms": percentile(&times, 50.0), "p99_ms": percentile(&times, 99.0),
                "max_ms": times.last(), "throughput_rps": ok.len() as f64 / wall_s,
                "compute_p50_ms": percentile(&compute, 50.0),
                "overhead_p50_ms": percentile(&overhead, 50.0),
                "overhead_p99_ms": percentile(&overhead, 99.0),
                "cli_median_ms": cli_ms,
            }));
        }
    }
    rows
}

/// A catalog body of about `bytes`, distinct for each `rev` (so each upload is parsed).
fn catalog_body(products: &[Value], rev: usize) -> Vec<u8> {
    serde_json::to_vec(&json!({ "rev": rev, "products": products })).expect("json")
}

fn generated_products(n: usize, seed: u64) -> Vec<Value> {
    shop_recs::generate::products(n, seed, Default::default())
        .expect("generated")
        .map(|p| json!({ "slug": p.id, "name": p.name, "description": p.description, "category": p.category, "tags": p.tags, "price": p.price }))
        .collect()
}

/// About `target` bytes of catalog (never more): products of the generator, repeated with
/// new slugs, sized from a first try.
fn products_of_size(target: usize) -> Vec<Value> {
    let sample = generated_products(2000, 7);
    let make = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|k| {
                let mut p = sample[k % sample.len()].clone();
                p["slug"] = json!(format!("p{k}"));
                p
            })
            .collect()
    };
    let first = make(10_000);
    let per = catalog_body(&first, 0).len() as f64 / 10_000.0;
    let mut n = (target as f64 / per) as usize;
    let mut products = make(n);
    while catalog_body(&products, 99).len() > target {
        n -= n / 100 + 1;
        products = make(n);
    }
    products
}

fn reactor(opts: &Options, bin: &PathBuf, build: &str, big: &[Value]) -> Vec<Value> {
    let mut rows = Vec::new();
    let threads = opts.threads.to_string();
    // Saturated scoring: 4 x threads clients on 2,000 x 1,500.
    {
        let server = Server::spawn(
            bin,
            &opts.dist,
            &[
                "--generate".into(),
                "2000".into(),
                "--threads".into(),
                threads.clone(),
                "--max-inflight".into(),
                "256".into(),
            ],
        );
        let url = format!(
            "{}/products/sports-breathable-durable-football-0/recommendations",
            server.url
        );
        let stop = Arc::new(AtomicBool::new(false));
        let probe = probe_health(server.url.clone(), Arc::clone(&stop));
        let (samples, _) = hammer(
            &url,
            4 * opts.threads,
            opts.seconds.max(3.0),
            Duration::ZERO,
        );
        stop.store(true, Ordering::Relaxed);
        let (times, load_requests) = (probe.join().expect("probe"), samples.len());
        rows.push(reactor_row(
            build,
            "scoring saturated",
            times,
            load_requests,
        ));
    }
    // 64 MiB uploads, two at a time, each distinct (so each is hashed and parsed).
    {
        let server = Server::spawn(
            bin,
            &opts.dist,
            &[
                "--threads".into(),
                opts.threads.to_string(),
                "--catalog-memory".into(),
                (4u64 << 30).to_string(),
            ],
        );
        let stop = Arc::new(AtomicBool::new(false));
        let probe = probe_health(server.url.clone(), Arc::clone(&stop));
        let bodies: Vec<Vec<u8>> = (0..2).map(|rev| catalog_body(big, rev)).collect();
        let body_bytes = bodies[0].len();
        let uploads: Vec<_> = bodies
            .into_iter()
            .enumerate()
            .map(|(lane, first)| {
                let base = server.url.clone();
                let big = big.to_vec();
                std::thread::spawn(move || {
                    let agent = agent();
                    let mut count = 0;
                    let mut body = first;
                    for round in 0..3 {
                        let ok = agent
                            .post(format!("{base}/catalogs"))
                            .header("content-type", "application/json")
                            .send(&body[..])
                            .is_ok_and(|r| r.status().is_success());
                        count += usize::from(ok);
                        body = catalog_body(&big, 10 + lane * 10 + round);
                    }
                    count
                })
            })
            .collect();
        let uploaded: usize = uploads.into_iter().map(|h| h.join().expect("upload")).sum();
        stop.store(true, Ordering::Relaxed);
        let times = probe.join().expect("probe");
        let label = format!("{:.1} MiB uploads", body_bytes as f64 / f64::from(1 << 20));
        let mut row = reactor_row(build, &label, times, uploaded);
        row["upload_bytes"] = json!(body_bytes);
        rows.push(row);
    }
    rows
}

fn reactor_row(build: &str, load: &str, times: Vec<f64>, load_requests: usize) -> Value {
    let times = sorted(times);
    eprintln!(
        "   {build}, {load}: /healthz p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} probes ({load_requests} load requests)",
        percentile(&times, 50.0),
        percentile(&times, 99.0),
        times.last().copied().unwrap_or(f64::NAN),
        times.len()
    );
    json!({
        "build": build, "load": load, "probes": times.len(), "load_requests": load_requests,
        "p50_ms": percentile(&times, 50.0), "p99_ms": percentile(&times, 99.0), "max_ms": times.last(),
    })
}

fn shedding(opts: &Options) -> Value {
    // shop-recs serve's default, written out.
    let max_inflight = 4 * opts.threads;
    let clients = 4 * max_inflight;
    let server = Server::spawn(
        &opts.bin,
        &opts.dist,
        &[
            "--generate".into(),
            "2000".into(),
            "--threads".into(),
            opts.threads.to_string(),
            "--max-inflight".into(),
            max_inflight.to_string(),
        ],
    );
    let url = format!(
        "{}/products/sports-breathable-durable-football-0/recommendations",
        server.url
    );
    // A shed client waits 10 ms before it asks again, as a polite client would.
    let (samples, wall_s) = hammer(
        &url,
        clients,
        opts.seconds.max(3.0),
        Duration::from_millis(10),
    );
    let ok = sorted(
        samples
            .iter()
            .filter(|s| s.status == 200)
            .map(|s| s.ms)
            .collect(),
    );
    let shed = samples.iter().filter(|s| s.status == 503).count();
    let shed_ms = sorted(
        samples
            .iter()
            .filter(|s| s.status == 503)
            .map(|s| s.ms)
            .collect(),
    );
    eprintln!(
        "   {clients} clients, max-inflight {max_inflight}: {} ok, {shed} shed ({:.0}%), accepted p50 {:.1} ms max {:.1} ms; a 503 took p50 {:.2} ms",
        ok.len(),
        100.0 * shed as f64 / samples.len() as f64,
        percentile(&ok, 50.0),
        ok.last().copied().unwrap_or(f64::NAN),
        percentile(&shed_ms, 50.0)
    );
    json!({
        "max_inflight": max_inflight, "clients": clients, "requests": samples.len(),
        "ok": ok.len(), "shed": shed, "shed_share": shed as f64 / samples.len() as f64,
        "accepted_p50_ms": percentile(&ok, 50.0), "accepted_max_ms": ok.last(),
        "shed_p50_ms": percentile(&shed_ms, 50.0), "throughput_rps": ok.len() as f64 / wall_s,
    })
}

fn memory(opts: &Options) -> Value {
    let budget: u64 = 64 << 20;
    let server = Server::spawn(
        &opts.bin,
        &opts.dist,
        &[
            "--threads".into(),
            opts.threads.to_string(),
            "--catalog-memory".into(),
            budget.to_string(),
        ],
    );
    let agent = agent();
    // The baseline is a warmed-up server: tokio starts its blocking threads and rayon its
    // pool on first use, so one scoring request and one tiny upload come first.
    let _ = get(
        &agent,
        &format!(
            "{}/products/velvet-matte-lipstick/recommendations",
            server.url
        ),
    );
    let tiny = catalog_body(&generated_products(10, 1), 0);
    let _ = agent
        .post(format!("{}/catalogs", server.url))
        .header("content-type", "application/json")
        .send(&tiny[..]);
    let baseline = server.rss();
    let products = products_of_size(5_000_000);
    let mut body_bytes = 0;
    let mut accepted = 0;
    for rev in 0..20 {
        let body = catalog_body(&products, rev + 1);
        body_bytes = body.len();
        let status = agent
            .post(format!("{}/catalogs", server.url))
            .header("content-type", "application/json")
            .send(&body[..])
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        accepted += usize::from(status == 201);
    }
    let info: Value = agent
        .get(format!("{}/info", server.url))
        .call()
        .ok()
        .and_then(|mut r| r.body_mut().read_json().ok())
        .unwrap_or(Value::Null);
    let after = server.rss();
    eprintln!(
        "   20 uploads of {body_bytes} bytes under a {budget}-byte budget: RSS {:?} -> {:?}; stored {}",
        baseline, after, info["stored_catalogs"]
    );
    json!({
        "budget_bytes": budget, "uploads": 20, "accepted": accepted, "upload_bytes": body_bytes,
        "baseline_rss": baseline, "after_rss": after, "stored": info["stored_catalogs"],
    })
}

fn main() {
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    eprintln!(
        "== the server: latency against the compute ({} threads)",
        opts.threads
    );
    let latency = latency(&opts);
    eprintln!("== the server: /healthz while the pool is saturated or catalogs are uploaded");
    // Just under the 64 MiB body limit (the rev field grows by a few bytes).
    let big = products_of_size((64 << 20) - 4096);
    let mut reactor_rows = reactor(&opts, &opts.bin, "spawn_blocking", &big);
    if let Some(bin) = &opts.reactor_bin {
        reactor_rows.extend(reactor(&opts, bin, "on the reactor", &big));
    }
    eprintln!("== the server: load shedding");
    let shedding = shedding(&opts);
    eprintln!("== the server: memory under the catalog budget");
    let memory = memory(&opts);
    let out = json!({
        "threads": opts.threads,
        "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "seconds_per_measurement": opts.seconds,
        "latency": latency,
        "reactor": reactor_rows,
        "shedding": shedding,
        "memory": memory,
        "duration_s": started.elapsed().as_secs_f64(),
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
}
