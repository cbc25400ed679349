//! `shop-recs serve` as a child process, for the server's tests (`tests/server.rs`) and
//! its benchmarks (`examples/server_bench.rs`, `examples/backends/`, which also starts the
//! Go peer's server with it), which include this file: started on port 0 with the given
//! arguments, its URL read from the first line it prints, and killed when dropped. Each
//! adds its own methods.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct ServeProcess {
    pub child: Child,
    /// `http://127.0.0.1:PORT`, without the trailing slash.
    pub url: String,
}

impl ServeProcess {
    /// Starts `bin serve --port 0 --dist dist ARGS` and waits for the URL line.
    pub fn spawn(bin: impl AsRef<OsStr>, dist: &Path, args: &[impl AsRef<OsStr>]) -> ServeProcess {
        let mut command = Command::new(bin);
        command
            .args(["serve", "--port", "0", "--dist"])
            .arg(dist)
            .args(args)
            .stderr(Stdio::null());
        ServeProcess::start_command(command).unwrap_or_else(|message| panic!("{message}"))
    }

    /// Starts `command`, any server that prints its URL first (`shop-recs serve`, the Go
    /// peer's `serve`), and waits for that line.
    pub fn start_command(mut command: Command) -> Result<ServeProcess, String> {
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e}"))?;
        let mut line = String::new();
        let read = match child.stdout.take() {
            Some(stdout) => BufReader::new(stdout).read_line(&mut line).map(|_| ()),
            None => Ok(()),
        };
        if read.is_err() || !line.starts_with("http://127.0.0.1:") {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{program}: the first line should be its URL, got {line:?}"
            ));
        }
        Ok(ServeProcess {
            child,
            url: line.trim().trim_end_matches('/').to_string(),
        })
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking HTTP client that returns 4xx and 5xx answers as responses, not errors,
/// and keeps a connection per client thread.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections_per_host(64)
        .build()
        .into()
}
