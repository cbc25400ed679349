//! `shop-recs serve`'s options: read by clap here, and handed to the server, which lives in
//! the library ([`shop_recs::server`]) so that tests can drive its router in-process.

use std::path::PathBuf;

use clap::{ArgGroup, Args};
use shop_recs::server::{self, Config, LogFormat, OwnCatalog, ServeError};

#[derive(Args)]
#[command(group(ArgGroup::new("source").args(["catalog", "generate", "database"])))]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free one (the URL printed first says which).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The built page (scripts/build.sh makes it), served at /.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    dist: PathBuf,
    /// The server's own catalog, a JSON file (default: the page's bundled catalog).
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Use a generated catalog of N products as the server's own.
    #[arg(long, value_name = "N")]
    generate: Option<usize>,
    /// The shop's database as the server's own catalog: sqlite://FILE (or a file's path;
    /// created if missing) or postgres://USER:PASSWORD@HOST:PORT/DATABASE. Fill it with
    /// `shop-recs import`; PUT and DELETE /products/{slug} write to it.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// With --database: answer PUT and DELETE /products/{slug} with 405.
    #[arg(long, requires = "database")]
    read_only: bool,
    /// Seed of --generate.
    #[arg(long, value_name = "S", default_value_t = 42, requires = "generate")]
    seed: u64,
    /// Threads of the scoring pool (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Scoring jobs that may run or wait at once; more are answered 503 (default: 4 x
    /// the pool's threads).
    #[arg(long, value_name = "N")]
    max_inflight: Option<usize>,
    /// Nice levels the reactor's threads (which read, reject and answer requests) run
    /// below the scoring pool's, so that a flood of rejected requests cannot take the
    /// pool's CPU; 0 runs them at the same priority (Linux; ignored elsewhere).
    #[arg(long, value_name = "N", default_value_t = server::DEFAULT_REACTOR_NICE)]
    reactor_nice: i32,
    /// Memory for uploaded and generated catalogs, in bytes; the least recently used are
    /// evicted to stay under it.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 30)]
    catalog_memory: usize,
    /// Largest catalog upload (POST /catalogs), in bytes; raise it (up to the core's
    /// 1 GiB) to take larger catalogs.
    #[arg(long, value_name = "BYTES", default_value_t = server::DEFAULT_MAX_UPLOAD_BYTES)]
    max_upload: usize,
    /// Seconds a request may take before it is answered 504 and its job is stopped.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    request_timeout: u64,
    /// Leave out the cross-origin isolation headers (COOP, COEP, CORP), to test the
    /// page's single-thread fallback and its service worker.
    #[arg(long)]
    no_isolation: bool,
    /// On SIGTERM or SIGINT, keep serving for this many seconds while /readyz answers 503,
    /// so that a load balancer's health checks take this replica out of rotation before
    /// it stops taking connections; then finish the requests in flight and exit. Behind a
    /// load balancer: more than its check interval times its fall count (deploy/haproxy.cfg).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    drain_seconds: u64,
    /// The log's format on stderr: `text` for people, `json` (one object a line) for log
    /// shippers. RUST_LOG filters either (default info: one line per request).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
}

impl ServeArgs {
    fn into_config(self) -> Config {
        let catalog = match (self.catalog, self.generate, self.database) {
            (Some(path), _, _) => OwnCatalog::File(path),
            (None, Some(n), _) => OwnCatalog::Generate { n, seed: self.seed },
            (None, None, Some(url)) => OwnCatalog::Database(url),
            (None, None, None) => OwnCatalog::Bundled,
        };
        Config {
            host: self.host,
            port: self.port,
            dist: self.dist,
            catalog,
            threads: self.threads,
            max_inflight: self.max_inflight,
            catalog_memory: self.catalog_memory,
            max_upload_bytes: self.max_upload,
            request_timeout_s: self.request_timeout,
            isolation: !self.no_isolation,
            read_only: self.read_only,
            reactor_nice: self.reactor_nice,
            drain_s: self.drain_seconds,
            log_format: if self.log_format == "json" {
                LogFormat::Json
            } else {
                LogFormat::Text
            },
        }
    }
}

/// Serves until SIGINT or SIGTERM ([`server::run`]).
pub fn run(args: ServeArgs) -> Result<(), ServeError> {
    server::run(args.into_config())
}
