//! The load of the backends comparison (main.rs), from oha (crates.io, pinned in
//! scripts/setup.sh --bench): an HTTP load generator with a fixed-rate mode (`-q`) that
//! counts latency from when each request was due (`--latency-correction`), so a slow
//! server faces a growing backlog instead of slowing its clients down, and JSON output
//! that splits 2xx latencies from the rest (`--stats-success-breakdown`).
//!
//! First the capacity: oha closed-loop (`-c N`, no rate) for S seconds, 2xx per second.
//! Then one step per multiplier: `-q (multiplier x capacity)` for the step's time on up to
//! `connections` kept-alive connections, its stragglers awaited (`-w`, each up to the
//! timeout). A request still waiting for a free connection at the step's end is never
//! sent: it counts as failed. Per step: offered and sent rate, goodput (2xx per second over
//! the step and its stragglers), p50/p90/p99/max of the 2xx latencies, the shares rejected
//! (503) and failed, a second oha asking `/healthz` 50 times a second on one connection
//! during the step, and the CPU the server and the two oha processes used.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// What to load and how.
pub struct Load {
    /// The oha binary.
    pub oha: PathBuf,
    pub url: String,
    pub health: String,
    /// Closed-loop connections for the capacity.
    pub clients: usize,
    /// Connections for the open-loop steps: enough that requests do not wait for one
    /// while the server answers or rejects them.
    pub connections: usize,
    pub capacity_seconds: f64,
    pub step_seconds: f64,
    /// Offered load of each step, as multiples of the capacity.
    pub multipliers: Vec<f64>,
    /// How long one request may take before it counts as failed.
    pub timeout: Duration,
    /// The server's process, whose CPU time each step reports.
    pub server_pid: u32,
    /// `taskset -c` for oha, where the caller keeps the servers off its cores.
    pub cpus: Option<String>,
    /// The flood after the steps: connections asking back to back (closed loop), as a
    /// user's `wrk -c64` would, and for how long (0: none).
    pub flood_connections: usize,
    pub flood_seconds: f64,
}

/// CPU time (user + system, in seconds) so far of process `pid` (`self` for this one),
/// and of its children that have ended, from `/proc/PID/stat`; `None` without `/proc`.
fn cpu_seconds(pid: &str) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's closing parenthesis: utime, stime, cutime and cstime
    // are the 12th to 15th of those, in clock ticks (USER_HZ, 100 on Linux).
    let fields: Vec<f64> = stat
        .get(stat.rfind(')')? + 2..)?
        .split(' ')
        .skip(11)
        .take(4)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    Some((
        (fields[0] + fields[1]) / 100.0,
        (fields[2] + fields[3]) / 100.0,
    ))
}

/// `program`, under `taskset -c CPUS` where `cpus` is given (the servers and oha are
/// kept on separate cores that way).
pub fn pinned(program: &Path, cpus: Option<&str>) -> Command {
    match cpus {
        Some(cpus) => {
            let mut command = Command::new("taskset");
            command.args(["-c", cpus]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// oha's `-z`: a duration in whole milliseconds.
fn millis(seconds: f64) -> String {
    format!("{}ms", (seconds * 1e3).round())
}

impl Load {
    /// oha with `args` against `url`, started (its JSON summary on stdout).
    fn spawn(&self, args: &[String], url: &str) -> Result<Child, String> {
        pinned(&self.oha, self.cpus.as_deref())
            .args(["--no-tui", "--output-format", "json"])
            .args(args)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!(
                    "{}: {e} (scripts/setup.sh --bench installs oha)",
                    self.oha.display()
                )
            })
    }

    /// Waits for an oha started by `spawn` and parses its summary.
    fn summary(child: Child) -> Result<Value, String> {
        let output = child.wait_with_output().map_err(|e| format!("oha: {e}"))?;
        if !output.status.success() {
            return Err(format!("oha exited with {}", output.status));
        }
        serde_json::from_slice(&output.stdout).map_err(|e| format!("oha's JSON: {e}"))
    }

    /// oha on `connections` kept-alive connections for `seconds`, its stragglers awaited
    /// (`-w`, each up to the timeout), started: back to back (closed loop) without a
    /// `rate`, or `rate` requests a second due on a fixed schedule, latency counted from
    /// when each was due.
    fn timed(&self, connections: usize, seconds: f64, rate: Option<f64>) -> Result<Child, String> {
        let mut args = vec![
            "-c".into(),
            connections.to_string(),
            "-z".into(),
            millis(seconds),
            "-w".into(),
            "-t".into(),
            millis(self.timeout.as_secs_f64()),
            "--stats-success-breakdown".into(),
        ];
        if let Some(rate) = rate {
            args.extend([
                "-q".into(),
                format!("{rate:.3}"),
                "--latency-correction".into(),
            ]);
        }
        self.spawn(&args, &self.url)
    }
}

/// Answers counted by status: (2xx, 503, anything else including connection errors).
fn counts(summary: &Value) -> (u64, u64, u64) {
    let (mut ok, mut rejected, mut other) = (0, 0, 0);
    if let Some(codes) = summary["statusCodeDistribution"].as_object() {
        for (code, n) in codes {
            let n = n.as_u64().unwrap_or(0);
            match code.parse::<u16>() {
                Ok(200..=299) => ok += n,
                Ok(503) => rejected += n,
                _ => other += n,
            }
        }
    }
    if let Some(errors) = summary["errorDistribution"].as_object() {
        other += errors.values().filter_map(Value::as_u64).sum::<u64>();
    }
    (ok, rejected, other)
}

/// oha's percentile `key` (seconds) of `table`, in ms; `None` where it had no answers.
fn ms(table: &Value, key: &str) -> Option<f64> {
    table[key].as_f64().map(|s| s * 1e3)
}

/// The slowest 2xx answer, in ms: oha's 11-bin histogram runs from the fastest to the
/// slowest, so its largest bin with answers starts at the slowest.
fn slowest_ok(summary: &Value) -> Option<f64> {
    summary["responseTimeHistogramSuccessful"]
        .as_object()?
        .iter()
        .filter(|(_, n)| n.as_u64().unwrap_or(0) > 0)
        .filter_map(|(bin, _)| bin.parse::<f64>().ok())
        .max_by(f64::total_cmp)
        .map(|s| s * 1e3)
}

/// `clients` connections requesting back to back for the capacity's time: 2xx per second.
fn capacity(load: &Load) -> Result<Value, String> {
    // Warm first: connections, caches and the server's pool.
    let warm = [
        "-n",
        &(2 * load.clients).to_string(),
        "-c",
        &load.clients.to_string(),
    ]
    .map(String::from);
    Load::summary(load.spawn(&warm, &load.url)?)?;
    let summary = Load::summary(load.timed(load.clients, load.capacity_seconds, None)?)?;
    let (ok, rejected, other) = counts(&summary);
    let seconds = summary["summary"]["total"].as_f64().unwrap_or(f64::NAN);
    Ok(json!({
        "clients": load.clients,
        "seconds": seconds,
        "ok": ok,
        "other": rejected + other,
        "rate": ok as f64 / seconds,
    }))
}

/// `/healthz` 50 times a second on one kept-alive connection for `duration`, started.
fn prober(load: &Load, seconds: f64) -> Result<Child, String> {
    let args = ["-c", "1", "-q", "50", "-z", &millis(seconds)].map(String::from);
    load.spawn(&args, &load.health)
}

/// The prober's answers and their p50 and p99, into `value`.
fn add_probes(value: &mut Value, health: &Value) {
    let (health_ok, _, _) = counts(health);
    value["health_probes"] = json!(health_ok);
    value["health_p50_ms"] = json!(ms(&health["latencyPercentiles"], "p50"));
    value["health_p99_ms"] = json!(ms(&health["latencyPercentiles"], "p99"));
}

/// CPU time so far: the server's, and this process's ended children's (oha's).
type Cpu = (Option<(f64, f64)>, Option<(f64, f64)>);
fn cpu_now(pid: &str) -> Cpu {
    (cpu_seconds(pid), cpu_seconds("self"))
}

/// The CPU the server and the oha processes used since `before`, into `value`.
fn add_cpu(value: &mut Value, before: Cpu, pid: &str) {
    if let ((Some(server0), Some(self0)), (Some(server1), Some(self1))) = (before, cpu_now(pid)) {
        value["server_cpu_seconds"] = json!(server1.0 - server0.0);
        // The oha processes have ended and been waited for: their CPU is now this
        // process's children's.
        value["generator_cpu_seconds"] = json!(self1.1 - self0.1);
    }
}

/// One step: `rate` requests per second for the step's time, with the prober beside it.
fn step(load: &Load, rate: f64) -> Result<Value, String> {
    let prober = prober(load, load.step_seconds)?;
    let pid = load.server_pid.to_string();
    let before = cpu_now(&pid);
    let step = load.timed(load.connections, load.step_seconds, Some(rate))?;
    let summary = Load::summary(step)?;
    let health = Load::summary(prober)?;

    // oha sends the requests due at 0, 1 / rate, 2 / rate, ... before the step's end.
    let offered = (rate * load.step_seconds).floor() as u64;
    let (ok, rejected, other) = counts(&summary);
    let sent = ok + rejected + other;
    let unsent = offered.saturating_sub(sent);
    let span = summary["summary"]["total"]
        .as_f64()
        .unwrap_or(load.step_seconds);
    let latencies = &summary["latencyPercentilesSuccessful"];
    let mut value = json!({
        "offered_rps": rate,
        "requests": offered,
        "sent": sent,
        "unsent": unsent,
        "achieved_rps": sent as f64 / load.step_seconds,
        "span_seconds": span,
        "ok": ok,
        "rejected": rejected,
        "failed": other + unsent,
        "goodput_rps": ok as f64 / span,
        "rejected_share": rejected as f64 / offered.max(1) as f64,
        "failed_share": (other + unsent) as f64 / offered.max(1) as f64,
        "p50_ms": ms(latencies, "p50"),
        "p90_ms": ms(latencies, "p90"),
        "p99_ms": ms(latencies, "p99"),
        "max_ms": slowest_ok(&summary),
        "connections": load.connections,
    });
    add_probes(&mut value, &health);
    add_cpu(&mut value, before, &pid);
    Ok(value)
}

/// The flood: `flood_connections` connections asking back to back for the flood's time,
/// with the prober beside it: served and rejected per second.
fn flood(load: &Load) -> Result<Value, String> {
    let prober = prober(load, load.flood_seconds)?;
    let pid = load.server_pid.to_string();
    let before = cpu_now(&pid);
    let flood = load.timed(load.flood_connections, load.flood_seconds, None)?;
    let summary = Load::summary(flood)?;
    let health = Load::summary(prober)?;
    let (ok, rejected, other) = counts(&summary);
    let span = summary["summary"]["total"]
        .as_f64()
        .unwrap_or(load.flood_seconds);
    let mut value = json!({
        "connections": load.flood_connections,
        "span_seconds": span,
        "ok": ok,
        "rejected": rejected,
        "failed": other,
        "goodput_rps": ok as f64 / span,
        "rejected_rps": rejected as f64 / span,
        "p50_ms": ms(&summary["latencyPercentilesSuccessful"], "p50"),
        "p99_ms": ms(&summary["latencyPercentilesSuccessful"], "p99"),
    });
    add_probes(&mut value, &health);
    add_cpu(&mut value, before, &pid);
    Ok(value)
}

/// The capacity, then every step.
pub fn run(load: &Load) -> Result<Value, String> {
    let capacity = capacity(load)?;
    let rate = capacity["rate"].as_f64().unwrap_or(0.0);
    let mut steps = Vec::new();
    if rate > 0.0 {
        for &multiplier in &load.multipliers {
            let mut value = step(load, multiplier * rate)?;
            value["multiplier"] = json!(multiplier);
            eprintln!(
                "  {multiplier} x capacity: {:.1} rps offered, goodput {:.1}, p99 {:.0} ms, {} rejected, {} failed ({} unsent)",
                value["offered_rps"].as_f64().unwrap_or(0.0),
                value["goodput_rps"].as_f64().unwrap_or(0.0),
                value["p99_ms"].as_f64().unwrap_or(f64::NAN),
                value["rejected"],
                value["failed"],
                value["unsent"],
            );
            steps.push(value);
            // Let the server's backlog and sockets settle between steps.
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    let flood = if rate > 0.0 && load.flood_seconds > 0.0 {
        let value = flood(load)?;
        eprintln!(
            "  flood of {} connections: goodput {:.1}, {:.0} rejected a second",
            load.flood_connections,
            value["goodput_rps"].as_f64().unwrap_or(0.0),
            value["rejected_rps"].as_f64().unwrap_or(0.0),
        );
        value
    } else {
        Value::Null
    };
    Ok(json!({
        "capacity": capacity,
        "flood": flood,
        "step_seconds": load.step_seconds,
        "timeout_seconds": load.timeout.as_secs_f64(),
        "generator": "oha",
        "steps": steps,
    }))
}
