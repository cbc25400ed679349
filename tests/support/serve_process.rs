//! `shop-recs serve` as a child process, for the server's tests (`tests/server.rs`) and
//! its benchmark (`examples/server_bench.rs`), which both include this file: started on
//! port 0 with the given arguments, its URL read from the first line it prints, and
//! killed when dropped. Each adds its own methods.

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
        let mut child = Command::new(bin)
            .args(["serve", "--port", "0", "--dist"])
            .arg(dist)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start shop-recs serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the URL line");
        assert!(
            line.starts_with("http://127.0.0.1:"),
            "the first line is the URL: {line:?}"
        );
        ServeProcess {
            child,
            url: line.trim().trim_end_matches('/').to_string(),
        }
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
