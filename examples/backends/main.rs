//! The backends comparison: `shop-recs serve` (rayon inside `spawn_blocking`, sheds at
//! `--max-inflight`) against the seeds' Go backend (`bench/peers/go serve`: a goroutine per
//! candidate and a `sync.WaitGroup`, no shedding), both serving the same catalog, under
//! the same open-loop load (oha.rs: oha at a fixed rate). Starts both servers itself, checks that they answer
//! the same rankings (identifiers and f64 scores, for three targets) before any load, and
//! prints one JSON object that bench/backends.mjs renders. Measures, never asserts; a
//! mismatch or a server that does not start ends it with exit status 1.
//!
//! ```text
//! cargo run --release --example backends -- --shop-recs target/release/shop-recs
//!     --go bench/tmp/shop-recs-go --oha OHA --catalog LABEL=FILE [--catalog LABEL=FILE ...]
//!     [--threads N] [--server-cpus LIST] [--load-cpus LIST] [--iterations N]
//!     [--capacity-seconds S] [--step-seconds S] [--multipliers 0.25,0.5,...] [--timeout S]
//!     [--connections N] [--flood-seconds S] [--flood-connections N] [--before-too]
//!     [--no-go-load] [--rust-arg ARG ...]
//! ```
//!
//! `--before-too` also loads shop-recs serve as it ran before its reactor was lowered and
//! its in-flight limit raised (`--reactor-nice 0 --max-inflight 2xthreads`), as
//! `rust_before`: the comparison that shows what those two changes did.
//!
//! `--server-cpus LIST` starts each server under `taskset -c LIST`, and `--load-cpus LIST`
//! each oha (scripts/bench.sh keeps them apart where the machine has 4 cores or more).

mod oha;
// Shared with the server's tests, which also use its `spawn`.
#[path = "../../tests/support/serve_process.rs"]
#[allow(dead_code)]
mod serve_process;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use oha::Load;
use serve_process::{ServeProcess as Server, agent};

struct Options {
    shop_recs: PathBuf,
    go: PathBuf,
    oha: PathBuf,
    catalogs: Vec<(String, PathBuf)>,
    threads: usize,
    server_cpus: Option<String>,
    load_cpus: Option<String>,
    iterations: u32,
    capacity_seconds: f64,
    step_seconds: f64,
    multipliers: Option<String>,
    timeout: f64,
    connections: usize,
    flood_seconds: f64,
    flood_connections: usize,
    before_too: bool,
    /// `--no-go-load`: check the Go server's rankings but load only shop-recs serve (for
    /// experiments on the Rust server).
    go_load: bool,
    /// `--rust-arg ARG`, repeated: more options for shop-recs serve (experiments).
    rust_args: Vec<String>,
}

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut opts = Options {
        shop_recs: PathBuf::new(),
        go: PathBuf::new(),
        oha: PathBuf::from("oha"),
        catalogs: Vec::new(),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        server_cpus: None,
        load_cpus: None,
        iterations: 1500,
        capacity_seconds: 5.0,
        step_seconds: 5.0,
        multipliers: None,
        timeout: 30.0,
        connections: 256,
        flood_seconds: 0.0,
        flood_connections: 64,
        before_too: false,
        go_load: true,
        rust_args: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |text: String| {
            text.parse::<f64>()
                .ok()
                .filter(|n| *n > 0.0)
                .ok_or(format!("{arg} takes a positive number"))
        };
        match arg.as_str() {
            "--shop-recs" => opts.shop_recs = PathBuf::from(value()?),
            "--go" => opts.go = PathBuf::from(value()?),
            "--oha" => opts.oha = PathBuf::from(value()?),
            "--catalog" => {
                let text = value()?;
                let (label, file) = text.split_once('=').ok_or("--catalog takes LABEL=FILE")?;
                opts.catalogs.push((label.to_string(), PathBuf::from(file)));
            }
            "--threads" => opts.threads = number(value()?)? as usize,
            "--server-cpus" => opts.server_cpus = Some(value()?),
            "--load-cpus" => opts.load_cpus = Some(value()?),
            "--iterations" => opts.iterations = number(value()?)? as u32,
            "--capacity-seconds" => opts.capacity_seconds = number(value()?)?,
            "--step-seconds" => opts.step_seconds = number(value()?)?,
            "--multipliers" => opts.multipliers = Some(value()?),
            "--timeout" => opts.timeout = number(value()?)?,
            "--connections" => opts.connections = number(value()?)? as usize,
            "--flood-seconds" => opts.flood_seconds = number(value()?)?,
            "--flood-connections" => opts.flood_connections = number(value()?)? as usize,
            "--before-too" => opts.before_too = true,
            "--no-go-load" => opts.go_load = false,
            "--rust-arg" => opts.rust_args.push(value()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if opts.shop_recs.as_os_str().is_empty() || opts.go.as_os_str().is_empty() {
        return Err("--shop-recs BIN and --go BIN are required".into());
    }
    if opts.catalogs.is_empty() {
        return Err("give at least one --catalog LABEL=FILE".into());
    }
    Ok(opts)
}

/// Starts `program args` (under taskset when asked) and reads the URL it prints first.
fn start(opts: &Options, program: &Path, args: &[String]) -> Result<Server, String> {
    let mut command = oha::pinned(program, opts.server_cpus.as_deref());
    command
        .args(args)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::inherit());
    Server::start_command(command)
}

/// The ranking a server answers: (identifier, score's bits) per item.
fn ranking(
    name: &str,
    server: &Server,
    slug: &str,
    iterations: u32,
) -> Result<Vec<(String, u64)>, String> {
    let url = format!(
        "{}/products/{slug}/recommendations?iterations={iterations}&top=10",
        server.url
    );
    let mut response = agent()
        .get(&url)
        .call()
        .map_err(|e| format!("{name}: {url}: {e}"))?;
    let body: Value = response
        .body_mut()
        .read_json()
        .map_err(|e| format!("{name}: {url}: {e}"))?;
    let items = body["items"]
        .as_array()
        .ok_or_else(|| format!("{name}: {url} answered no items: {body}"))?;
    items
        .iter()
        .map(|item| match (item["id"].as_str(), item["score"].as_f64()) {
            (Some(id), Some(score)) => Ok((id.to_string(), score.to_bits())),
            _ => Err(format!("{name}: an item without id or score: {item}")),
        })
        .collect()
}

fn load_of(opts: &Options, server: &Server, slug: &str) -> Result<Load, String> {
    let base = server.url.clone();
    let multipliers = match &opts.multipliers {
        Some(list) => list
            .split(',')
            .map(|m| m.parse::<f64>().map_err(|_| format!("bad multiplier {m}")))
            .collect::<Result<_, _>>()?,
        None => vec![0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0],
    };
    Ok(Load {
        oha: opts.oha.clone(),
        url: format!(
            "{base}/products/{slug}/recommendations?iterations={}&top=10",
            opts.iterations
        ),
        health: format!("{base}/healthz"),
        // 2 x threads requests at once keep both servers' threads busy, under shop-recs's
        // default --max-inflight (4 x threads), so its capacity is measured without
        // shedding.
        clients: 2 * opts.threads,
        connections: opts.connections,
        capacity_seconds: opts.capacity_seconds,
        step_seconds: opts.step_seconds,
        multipliers,
        timeout: Duration::from_secs_f64(opts.timeout),
        server_pid: server.child.id(),
        cpus: opts.load_cpus.clone(),
        flood_connections: opts.flood_connections,
        flood_seconds: opts.flood_seconds,
    })
}

fn compare(opts: &Options, label: &str, file: &Path, dist: &Path) -> Result<Value, String> {
    let products = shop_recs::files::load_products_file(file).map_err(|e| e.to_string())?;
    let n = products.len();
    let targets: Vec<&str> = [0, n / 2, n - 1]
        .iter()
        .map(|&i| products[i].id.as_str())
        .collect();
    let threads = opts.threads.to_string();
    let catalog = file.display().to_string();
    // The arguments both servers take; shop-recs also wants a page to serve.
    let common = [
        "serve",
        "--port",
        "0",
        "--threads",
        &threads,
        "--catalog",
        &catalog,
    ];
    let mut rust_args: Vec<String> = common.map(String::from).to_vec();
    rust_args.extend([
        "--dist".into(),
        dist.display().to_string(),
        "--no-isolation".into(),
    ]);
    rust_args.extend(opts.rust_args.iter().cloned());
    let rust = start(opts, &opts.shop_recs, &rust_args)?;
    let go = start(opts, &opts.go, &common.map(String::from))?;
    // The same answers first: a load on servers that disagree would compare nothing.
    for slug in &targets {
        let (ours, theirs) = (
            ranking("shop-recs serve", &rust, slug, opts.iterations)?,
            ranking("the Go server", &go, slug, opts.iterations)?,
        );
        if ours != theirs {
            return Err(format!(
                "{label}: the servers rank {slug} differently: shop-recs {ours:?}, Go {theirs:?}"
            ));
        }
    }
    eprintln!("{label}: both servers rank {targets:?} identically; loading shop-recs serve");
    let slug = targets[0];
    let ours = oha::run(&load_of(opts, &rust, slug)?)?;
    drop(rust);
    let before = if opts.before_too {
        let max_inflight = (2 * opts.threads).to_string();
        eprintln!(
            "{label}: loading shop-recs serve --reactor-nice 0 --max-inflight {max_inflight}"
        );
        rust_args
            .extend(["--reactor-nice", "0", "--max-inflight", &max_inflight].map(String::from));
        let rust = start(opts, &opts.shop_recs, &rust_args)?;
        oha::run(&load_of(opts, &rust, slug)?)?
    } else {
        Value::Null
    };
    let theirs = if opts.go_load {
        eprintln!("{label}: loading the Go server");
        oha::run(&load_of(opts, &go, slug)?)?
    } else {
        Value::Null
    };
    Ok(json!({
        "label": label,
        "products": n,
        "target": slug,
        "checked_targets": targets,
        "rust": ours,
        "rust_before": before,
        "go": theirs,
    }))
}

fn main() {
    let opts = match options() {
        Ok(opts) => opts,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    // Which oha, for the report; and a clear line where there is none.
    let oha_version = match Command::new(&opts.oha).arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => {
            eprintln!(
                "error: {} --version failed: scripts/setup.sh --bench installs oha",
                opts.oha.display()
            );
            std::process::exit(1);
        }
    };
    // shop-recs serve wants a page to serve; the comparison needs none.
    let dist = std::env::temp_dir().join(format!("shop-recs-backends-{}", std::process::id()));
    let made = std::fs::create_dir_all(&dist)
        .and_then(|()| std::fs::write(dist.join("index.html"), "<!doctype html><title>x</title>"));
    if let Err(e) = made {
        eprintln!("error: {}: {e}", dist.display());
        std::process::exit(1);
    }
    let mut catalogs = Vec::new();
    for (label, file) in &opts.catalogs {
        match compare(&opts, label, file, &dist) {
            Ok(result) => catalogs.push(result),
            Err(message) => {
                eprintln!("error: {message}");
                let _ = std::fs::remove_dir_all(&dist);
                std::process::exit(1);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dist);
    println!(
        "{}",
        json!({
            "threads": opts.threads,
            "server_cpus": opts.server_cpus,
            "load_cpus": opts.load_cpus,
            "oha": oha_version,
            "connections": opts.connections,
            "rust_args": opts.rust_args,
            "iterations": opts.iterations,
            "catalogs": catalogs,
        })
    );
}
