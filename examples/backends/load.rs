//! The open-loop load generator of the backends comparison (main.rs): requests are sent
//! on a fixed schedule whatever the server does, as real users arrive, so a slow server
//! faces a growing backlog instead of slowing its clients down (a closed loop, where each
//! client waits for its answer, hides that). Latency counts from the moment a request was
//! due, not from when it could be sent.
//!
//! First the capacity: N clients back to back (a closed loop) for S seconds, 2xx per
//! second. Then one step per multiplier: requests due every 1 / (multiplier x capacity)
//! seconds for the step's time, each on its own connection (`Connection: close`), then
//! the step's stragglers are awaited (up to the timeout each, then counted as failed).
//! Per step: offered and achieved rate, goodput (2xx per second, over the time from the
//! first request due to the last answer), p50/p90/p99/max of the 2xx latencies, the
//! shares rejected (503) and failed (any other status, a refused connection, a timeout),
//! and a `/healthz` prober's p50/p99 on its own connection during the step.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// What to load and how.
pub struct Load {
    pub url: Target,
    pub health: Option<Target>,
    /// Closed-loop clients for the capacity.
    pub clients: usize,
    pub capacity_seconds: f64,
    pub step_seconds: f64,
    /// Offered load of each step, as multiples of the capacity.
    pub multipliers: Vec<f64>,
    /// How long one request may take before it counts as failed.
    pub timeout: Duration,
    /// The server's process, whose CPU time each step reports.
    pub server_pid: u32,
}

/// A process's CPU time (user + system) so far, in seconds, from `/proc/PID/stat`
/// (`self` for this one); `None` where there is no `/proc`.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's closing parenthesis; utime and stime are the 12th
    // and 13th of those, in clock ticks (USER_HZ, 100 on Linux).
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Where a request goes: `host:port` and the path with its query.
#[derive(Clone)]
pub struct Target {
    address: String,
    path: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url}: only http:// URLs"))?;
        let (address, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        Ok(Target {
            address: address.to_string(),
            path: path.to_string(),
        })
    }
}

/// One answer: its status (0 when there was none) and when it arrived.
struct Outcome {
    status: u16,
    done: Instant,
}

/// One request on its own connection; the status line's code, or 0 for a connection
/// that failed or an answer that did not come within `timeout`.
async fn request(target: &Target, timeout: Duration) -> Outcome {
    let status = tokio::time::timeout(timeout, exchange(target))
        .await
        .unwrap_or(0);
    Outcome {
        status,
        done: Instant::now(),
    }
}

async fn exchange(target: &Target) -> u16 {
    let Ok(mut stream) = TcpStream::connect(&target.address).await else {
        return 0;
    };
    let _ = stream.set_nodelay(true);
    let head = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        target.path, target.address
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        return 0;
    }
    let mut answer = Vec::with_capacity(4096);
    if stream.read_to_end(&mut answer).await.is_err() {
        return 0;
    }
    // "HTTP/1.1 200 OK": the code is the second word.
    std::str::from_utf8(answer.get(..answer.len().min(64)).unwrap_or_default())
        .ok()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn sorted(mut xs: Vec<f64>) -> Vec<f64> {
    xs.sort_by(f64::total_cmp);
    xs
}

/// `clients` requesting back to back for `seconds`: 2xx per second.
async fn capacity(opts: &Load) -> Value {
    // One untimed request each first: connections, caches and the server's pool warm.
    for _ in 0..opts.clients {
        request(&opts.url, opts.timeout).await;
    }
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(opts.capacity_seconds);
    let clients: Vec<_> = (0..opts.clients)
        .map(|_| {
            let (target, timeout) = (opts.url.clone(), opts.timeout);
            tokio::spawn(async move {
                let (mut ok, mut other) = (0usize, 0usize);
                while Instant::now() < until {
                    match request(&target, timeout).await.status {
                        200..=299 => ok += 1,
                        _ => other += 1,
                    }
                }
                (ok, other)
            })
        })
        .collect();
    let (mut ok, mut other) = (0, 0);
    for client in clients {
        let (o, x) = client.await.unwrap_or((0, 0));
        ok += o;
        other += x;
    }
    let seconds = started.elapsed().as_secs_f64();
    json!({
        "clients": opts.clients,
        "seconds": seconds,
        "ok": ok,
        "other": other,
        "rate": ok as f64 / seconds,
    })
}

/// `GET /healthz` every 20 ms on one kept-alive connection (a new one only when the
/// server closed it) until `stop`: the round trips, in ms, with when each ended.
fn probe(target: Target, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<Vec<(Instant, f64)>> {
    tokio::spawn(async move {
        let mut times = Vec::new();
        let mut connection: Option<TcpStream> = None;
        while !stop.load(Ordering::Relaxed) {
            let started = Instant::now();
            if connection.is_none() {
                connection = TcpStream::connect(&target.address).await.ok();
            }
            if let Some(stream) = connection.as_mut() {
                let asked = tokio::time::timeout(Duration::from_secs(30), ask(stream, &target));
                match asked.await {
                    Ok(Some(200)) => {
                        let done = Instant::now();
                        times.push((done, (done - started).as_secs_f64() * 1e3));
                    }
                    _ => connection = None,
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        times
    })
}

/// One request on a kept-alive connection: the status, after the whole answer
/// (`Content-Length` bytes after the head) was read.
async fn ask(stream: &mut TcpStream, target: &Target) -> Option<u16> {
    let head = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\n\r\n",
        target.path, target.address
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        let read = stream.read(&mut buffer).await.ok().filter(|n| *n > 0)?;
        answer.extend_from_slice(&buffer[..read]);
        let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = std::str::from_utf8(&answer[..end])
            .ok()?
            .to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))?
            .trim()
            .parse()
            .ok()?;
        if answer.len() >= end + 4 + length {
            return head.split(' ').nth(1)?.parse().ok();
        }
    }
}

/// One step: `rate` requests per second for `seconds`, then its stragglers.
async fn step(opts: &Load, rate: f64) -> (Value, Instant, Instant) {
    let count = (rate * opts.step_seconds).round().max(1.0) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let (sender, mut answers) = mpsc::unbounded_channel::<(Instant, Outcome)>();
    let started = Instant::now();
    let mut late = 0usize;
    for i in 0..count {
        let due = started + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        // Sent more than 10 ms after it was due: this generator fell behind.
        if due.elapsed() > Duration::from_millis(10) {
            late += 1;
        }
        let (target, timeout, sender) = (opts.url.clone(), opts.timeout, sender.clone());
        tokio::spawn(async move {
            let outcome = request(&target, timeout).await;
            let _ = sender.send((due, outcome));
        });
    }
    let sent = started.elapsed().as_secs_f64();
    drop(sender);
    let (mut ok, mut rejected, mut failed) = (Vec::new(), 0usize, 0usize);
    let mut last = started;
    while let Some((due, outcome)) = answers.recv().await {
        last = last.max(outcome.done);
        match outcome.status {
            200..=299 => ok.push((outcome.done - due).as_secs_f64() * 1e3),
            503 => rejected += 1,
            _ => failed += 1,
        }
    }
    let span = (last - started).as_secs_f64().max(opts.step_seconds);
    let served = ok.len();
    let latencies = sorted(ok);
    let value = json!({
        "offered_rps": rate,
        "requests": count,
        "sent_seconds": sent,
        "late_sends": late,
        "achieved_rps": count as f64 / sent.max(1e-9),
        "span_seconds": span,
        "ok": served,
        "rejected": rejected,
        "failed": failed,
        "goodput_rps": served as f64 / span,
        "rejected_share": rejected as f64 / count as f64,
        "failed_share": failed as f64 / count as f64,
        "p50_ms": percentile(&latencies, 50.0),
        "p90_ms": percentile(&latencies, 90.0),
        "p99_ms": percentile(&latencies, 99.0),
        "max_ms": latencies.last(),
    });
    (value, started, last)
}

/// The capacity, then every step.
pub async fn run(opts: &Load) -> Value {
    let capacity = capacity(opts).await;
    let rate = capacity["rate"].as_f64().unwrap_or(0.0);
    let mut steps = Vec::new();
    if rate > 0.0 {
        for &multiplier in &opts.multipliers {
            let stop = Arc::new(AtomicBool::new(false));
            let prober = opts
                .health
                .clone()
                .map(|health| probe(health, Arc::clone(&stop)));
            let server_pid = opts.server_pid.to_string();
            let cpu_before = (cpu_seconds(&server_pid), cpu_seconds("self"));
            let (mut value, started, last) = step(opts, multiplier * rate).await;
            let cpu_after = (cpu_seconds(&server_pid), cpu_seconds("self"));
            if let (Some(a), Some(b)) = (cpu_before.0, cpu_after.0) {
                value["server_cpu_seconds"] = json!(b - a);
            }
            if let (Some(a), Some(b)) = (cpu_before.1, cpu_after.1) {
                value["generator_cpu_seconds"] = json!(b - a);
            }
            stop.store(true, Ordering::Relaxed);
            if let Some(prober) = prober {
                let times = prober.await.unwrap_or_default();
                let during = sorted(
                    times
                        .into_iter()
                        .filter(|(done, _)| *done >= started && *done <= last)
                        .map(|(_, ms)| ms)
                        .collect(),
                );
                value["health_probes"] = json!(during.len());
                value["health_p50_ms"] = json!(percentile(&during, 50.0));
                value["health_p99_ms"] = json!(percentile(&during, 99.0));
            }
            value["multiplier"] = json!(multiplier);
            eprintln!(
                "  {multiplier} x capacity: {:.1} rps offered, goodput {:.1}, p99 {:.0} ms, {} rejected, {} failed",
                value["offered_rps"].as_f64().unwrap_or(0.0),
                value["goodput_rps"].as_f64().unwrap_or(0.0),
                value["p99_ms"].as_f64().unwrap_or(f64::NAN),
                value["rejected"],
                value["failed"],
            );
            steps.push(value);
            // Let the server's backlog and sockets settle between steps.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    json!({
        "capacity": capacity,
        "step_seconds": opts.step_seconds,
        "timeout_seconds": opts.timeout.as_secs_f64(),
        "steps": steps,
    })
}
