//! Replicas of `shop-recs serve --database postgres://...` behind HAProxy with the
//! repository's configuration (deploy/haproxy.cfg), and a steady load through it: what
//! tests/replicas.rs drives. Each process is a child of the test, killed when dropped.
//!
//! The load is open-loop at a fixed rate: request `i` is due at `i / rate` seconds and is
//! sent then by one of a few client threads (each with its own kept-alive connection),
//! whatever the answers before it did, so that a replica that stops does not slow the
//! load down and hide its failures. Every request's start, end and outcome is kept.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a replica keeps serving after SIGTERM with `/readyz` at 503: over
/// deploy/haproxy.cfg's check interval (250 ms) times its fall count (1), with room.
pub const DRAIN_SECONDS: &str = "1";

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("address").port()
}

/// One `shop-recs serve --database` on a fixed port, its log (stderr) in a file.
pub struct Replica {
    pub child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Replica {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGTERM, then the exit status once it has drained and finished its requests.
    pub fn terminate(&mut self) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -TERM failed");
        self.child.wait().expect("exit status")
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// HAProxy and its replicas.
pub struct Cluster {
    bin: PathBuf,
    dist: PathBuf,
    dir: PathBuf,
    database: String,
    pub replicas: Vec<Replica>,
    haproxy: Child,
    /// Where clients connect: `http://127.0.0.1:PORT`.
    pub front: String,
    stats: String,
    pub haproxy_log: PathBuf,
}

/// One request in HAProxy's log (`option httplog`).
#[derive(Debug)]
pub struct Logged {
    /// `r1`, `r2`: the replica that answered last, or was tried last.
    pub server: String,
    /// -1 when no replica answered.
    pub status: i32,
    /// How many times HAProxy tried again (on another replica from the second try on).
    pub retries: u32,
}

impl Cluster {
    /// Every request HAProxy passed to the replicas, from its log.
    pub fn logged(&self) -> Vec<Logged> {
        std::fs::read_to_string(&self.haproxy_log)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                // client [date] frontend backend/server timers status bytes - - state
                // act/fe/be/srv/retries queues "request"
                let fields: Vec<&str> = line.split_whitespace().collect();
                let server = fields.get(3)?.strip_prefix("replicas/")?;
                let retries = fields.get(10)?.rsplit('/').next()?;
                Some(Logged {
                    server: server.to_string(),
                    status: fields.get(5)?.parse().ok()?,
                    retries: retries.trim_start_matches('+').parse().ok()?,
                })
            })
            .collect()
    }

    /// What HAProxy said of its replicas going DOWN and UP (its stderr), in order.
    pub fn state_changes(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("haproxy.err"))
            .unwrap_or_default()
            .lines()
            .filter(|line| line.contains("Server replicas/"))
            .map(str::to_string)
            .collect()
    }
}

impl Cluster {
    /// HAProxy (deploy/haproxy.cfg) in front of its two replicas, `running` of them (1 or
    /// 2) started, serving `database`, with their logs in `dir`; returns once HAProxy sees
    /// those UP (a replica not started is DOWN: HAProxy sends it nothing).
    pub fn start(bin: &Path, dist: &Path, dir: &Path, database: &str, running: usize) -> Cluster {
        let ports = [free_port(), free_port()];
        let (front_port, stats_port) = (free_port(), free_port());
        let haproxy_log = dir.join("haproxy.log");
        let haproxy = Command::new(haproxy_program())
            .args(["-db", "-f"])
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/haproxy.cfg"))
            .env("SHOP_RECS_BIND", format!("127.0.0.1:{front_port}"))
            .env("SHOP_RECS_STATS", format!("127.0.0.1:{stats_port}"))
            .env("SHOP_RECS_REPLICA_1", format!("127.0.0.1:{}", ports[0]))
            .env("SHOP_RECS_REPLICA_2", format!("127.0.0.1:{}", ports[1]))
            .stdout(File::create(&haproxy_log).expect("haproxy log"))
            .stderr(File::create(dir.join("haproxy.err")).expect("haproxy errors"))
            .spawn()
            .expect("start haproxy");
        let mut cluster = Cluster {
            bin: bin.to_path_buf(),
            dist: dist.to_path_buf(),
            dir: dir.to_path_buf(),
            database: database.to_string(),
            replicas: Vec::new(),
            haproxy,
            front: format!("http://127.0.0.1:{front_port}"),
            stats: format!("http://127.0.0.1:{stats_port}/stats;csv"),
            haproxy_log,
        };
        for (k, port) in ports.into_iter().enumerate().take(running) {
            let replica = cluster.spawn_replica(k, port, 0);
            cluster.replicas.push(replica);
        }
        for k in 0..cluster.replicas.len() {
            cluster.wait_state(k, "UP", Duration::from_secs(60));
        }
        cluster
    }

    fn spawn_replica(&self, k: usize, port: u16, generation: usize) -> Replica {
        let log = self.dir.join(format!("r{}-{generation}.log", k + 1));
        let mut child = Command::new(&self.bin)
            .args(["serve", "--port", &port.to_string(), "--dist"])
            .arg(&self.dist)
            .args([
                "--database",
                &self.database,
                "--drain-seconds",
                DRAIN_SECONDS,
            ])
            .args(["--threads", "1"])
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("replica log"))
            .spawn()
            .expect("start shop-recs serve");
        // Its first line is its URL, printed once it listens.
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            use std::io::BufRead;
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        }
        assert!(
            line.starts_with("http://127.0.0.1:"),
            "replica r{} did not start: {line:?}; its log: {}",
            k + 1,
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        Replica { child, port, log }
    }

    /// Restarts replica `k` as a deployment would: SIGTERM (it drains and exits 0), a new
    /// process on the same port, and back in rotation before this returns.
    pub fn restart(&mut self, k: usize, generation: usize) -> ExitStatus {
        let status = self.replicas[k].terminate();
        let port = self.replicas[k].port;
        self.replicas[k] = self.spawn_replica(k, port, generation);
        self.wait_state(k, "UP", Duration::from_secs(60));
        status
    }

    /// Waits until HAProxy's stats say replica `k` is `state` (`UP`, `DOWN`); returns how
    /// long that took.
    pub fn wait_state(&self, k: usize, state: &str, limit: Duration) -> Duration {
        let started = Instant::now();
        loop {
            if self.state(k).is_some_and(|s| s.starts_with(state)) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < limit,
                "HAProxy did not see r{} {state} in {limit:?}: {:?}",
                k + 1,
                self.state(k)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Replica `k`'s state in HAProxy's stats (the CSV's `status` column).
    pub fn state(&self, k: usize) -> Option<String> {
        let text = ureq::get(&self.stats)
            .call()
            .ok()?
            .body_mut()
            .read_to_string()
            .ok()?;
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next()?.trim_start_matches("# ").split(',').collect();
        let status = header.iter().position(|h| *h == "status")?;
        let name = format!("r{}", k + 1);
        lines
            .map(|line| line.split(',').collect::<Vec<_>>())
            .find(|row| row.first() == Some(&"replicas") && row.get(1) == Some(&name.as_str()))
            .and_then(|row| row.get(status).map(|s| s.to_string()))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.haproxy.kill();
        let _ = self.haproxy.wait();
    }
}

/// `haproxy` on PATH, or Debian's /usr/sbin/haproxy (not on a user's PATH).
pub fn haproxy_program() -> PathBuf {
    let sbin = PathBuf::from("/usr/sbin/haproxy");
    if sbin.exists() {
        sbin
    } else {
        PathBuf::from("haproxy")
    }
}

/// Whether HAProxy is installed.
pub fn haproxy_installed() -> bool {
    Command::new(haproxy_program())
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// One request of the load.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub path: String,
    pub start: Instant,
    pub end: Instant,
    /// The status, or why there was none.
    pub status: Result<u16, String>,
}

impl Outcome {
    /// 200, or 201 for a write that created its product.
    pub fn ok(&self) -> bool {
        matches!(self.status, Ok(200 | 201))
    }

    /// Whether the request was under way at `instant`.
    pub fn spans(&self, instant: Instant) -> bool {
        self.start <= instant && instant <= self.end
    }
}

/// A steady open-loop load over `paths`, in turn: GETs, and a `PUT ` before a path writes
/// a product there (HAProxy never retries those: a replica must not drop one).
pub struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<Vec<Outcome>>>,
}

impl Load {
    pub fn start(base: &str, paths: &[String], rate: f64, clients: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let threads = (0..clients)
            .map(|_| {
                let (stop, next) = (Arc::clone(&stop), Arc::clone(&next));
                let (base, paths) = (base.to_string(), paths.to_vec());
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(30)))
                        .build()
                        .into();
                    let mut outcomes = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let due = started + Duration::from_secs_f64(i as f64 / rate);
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let path = paths[i % paths.len()].clone();
                        let start = Instant::now();
                        let answer = match path.strip_prefix("PUT ") {
                            Some(put) => agent
                                .put(format!("{base}{put}"))
                                .header("content-type", "application/json")
                                .send(format!(r#"{{"description": "written by request {i}"}}"#)),
                            None => agent.get(format!("{base}{path}")).call(),
                        };
                        let status = match answer {
                            Ok(mut response) => {
                                // Read the body: a reply cut short is a failure too.
                                let status = response.status().as_u16();
                                match response.body_mut().read_to_string() {
                                    Ok(_) => Ok(status),
                                    Err(e) => Err(format!("{status}, then the body failed: {e}")),
                                }
                            }
                            Err(e) => Err(e.to_string()),
                        };
                        outcomes.push(Outcome {
                            path,
                            start,
                            end: Instant::now(),
                            status,
                        });
                    }
                    outcomes
                })
            })
            .collect();
        Load { stop, threads }
    }

    /// Stops sending; returns every request's outcome, in the order they started.
    pub fn stop(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::Relaxed);
        let mut all: Vec<Outcome> = self
            .threads
            .into_iter()
            .flat_map(|t| t.join().expect("load thread"))
            .collect();
        all.sort_by_key(|o| o.start);
        all
    }
}

/// How many requests of `log` (a replica's access log) were answered, by any route.
pub fn answered_in_log(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains("finished processing request"))
        .count()
}
