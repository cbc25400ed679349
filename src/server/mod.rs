//! `shop-recs serve`: the seeds' recommendations endpoint over HTTP, and the page.
//!
//! axum on tokio answers requests; every CPU-heavy step (scoring, parsing an upload,
//! generating a catalog) leaves the reactor through `spawn_blocking` ([`jobs`]), and a
//! parallel scoring runs inside it on a dedicated rayon pool, `pool.install(||
//! score(..))`, so the pool never starves the async reactor. At most `--max-inflight`
//! jobs run or wait; beyond that a request is answered `503` at once. The rest of the
//! paths serve `--dist` with the page's headers ([`site`]).

mod api;
mod catalogs;
mod error;
mod jobs;
mod logging;
mod memory;
mod metrics;
mod openapi;
mod operations;
mod priority;
mod products;
mod request_id;
mod shop;
mod site;
mod state;
mod store;

pub use logging::LogFormat;

use std::fmt;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::catalog::MAX_CATALOG_BYTES;

/// The largest catalog upload `shop-recs serve` takes by default (64 MiB); `--max-upload`
/// raises it, up to the core's [`MAX_CATALOG_BYTES`].
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// How far below the scoring pool the reactor's threads run by default (`--reactor-nice`).
pub const DEFAULT_REACTOR_NICE: i32 = 10;
use crate::generate::generate;
use crate::parse_catalog;
use crate::similarity::Kernel;
use axum::Router;
use axum::http::StatusCode;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::database::Database;
use crate::files::load_catalog_file_seeing;
use jobs::Slots;
use sha2::{Digest, Sha256};
use shop::Shop;
use state::{AppState, DefaultCatalog, Shared};
use store::CatalogStore;

/// The catalog the page ships with, the server's own when no other is given.
const BUNDLED_CATALOG: &str = include_str!("../../www/catalog.json");

/// Where the server's own catalog (`default`) comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnCatalog {
    /// The page's bundled catalog (`www/catalog.json`, built into the binary).
    Bundled,
    /// A catalog file.
    File(PathBuf),
    /// A generated catalog of `n` products.
    Generate { n: usize, seed: u64 },
    /// The shop's database (`sqlite://FILE`, a file's path, or `postgres://...`), which
    /// `PUT` and `DELETE /products/{slug}` write to.
    Database(String),
}

/// How the server runs: what `shop-recs serve`'s options say, checked by [`build`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// The built page, served at `/`.
    pub dist: PathBuf,
    /// The server's own catalog.
    pub catalog: OwnCatalog,
    /// Threads of the scoring pool (None: one per core).
    pub threads: Option<usize>,
    /// Scoring jobs that may run or wait at once (None: 4 x the pool's threads, so that a
    /// job is usually waiting when one ends, even while the reactor that hands the next
    /// one over is busy rejecting others; see [`priority`]).
    pub max_inflight: Option<usize>,
    /// Memory for uploaded and generated catalogs, in bytes.
    pub catalog_memory: usize,
    /// Largest catalog upload, in bytes (at most the core's [`MAX_CATALOG_BYTES`]).
    pub max_upload_bytes: usize,
    /// Seconds a request may take before it is answered 504.
    pub request_timeout_s: u64,
    /// Whether to send the cross-origin isolation headers (COOP, COEP, CORP).
    pub isolation: bool,
    /// How the log is written (stderr): for people, or one JSON object a line.
    pub log_format: LogFormat,
    /// Under [`OwnCatalog::Database`]: refuse writes through the API (405).
    pub read_only: bool,
    /// Nice levels the reactor's threads run below the scoring pool's (0 to 19; 0: the
    /// same priority). See [`priority`].
    pub reactor_nice: i32,
    /// After SIGTERM or SIGINT: seconds to keep serving while `/readyz` answers 503, so
    /// that a load balancer's health checks take this replica out of rotation before it
    /// stops taking connections (0: stop taking them at once).
    pub drain_s: u64,
}

impl Config {
    /// The defaults of `shop-recs serve`: 127.0.0.1:8080, `dist/`, the bundled catalog.
    pub fn new(dist: impl Into<PathBuf>) -> Config {
        Config {
            host: "127.0.0.1".into(),
            port: 8080,
            dist: dist.into(),
            catalog: OwnCatalog::Bundled,
            threads: None,
            max_inflight: None,
            catalog_memory: 1 << 30,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            request_timeout_s: 60,
            isolation: true,
            log_format: LogFormat::Text,
            read_only: false,
            reactor_nice: DEFAULT_REACTOR_NICE,
            drain_s: 0,
        }
    }
}

/// Why the server could not start (or stopped with an error); shown as one line.
#[derive(Debug)]
pub enum ServeError {
    Argument(String),
    Dist(PathBuf),
    Catalog(String),
    ThreadPool(rayon::ThreadPoolBuildError),
    Runtime(std::io::Error),
    Listen {
        address: String,
        source: std::io::Error,
    },
    Serve(std::io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Argument(message) | ServeError::Catalog(message) => {
                write!(f, "{message}")
            }
            ServeError::Dist(dist) => write!(
                f,
                "--dist {}: no index.html there; build the page first (scripts/build.sh) or \
                 pass the folder that holds it",
                dist.display()
            ),
            ServeError::ThreadPool(e) => write!(f, "cannot build the scoring pool: {e}"),
            ServeError::Runtime(e) => write!(f, "cannot start the async runtime: {e}"),
            ServeError::Listen { address, source } => {
                write!(f, "cannot listen on {address}: {source}")?;
                if source.kind() == std::io::ErrorKind::AddrInUse {
                    write!(
                        f,
                        " (is a server already running there? pick another --port)"
                    )?;
                }
                Ok(())
            }
            ServeError::Serve(e) => write!(f, "the server stopped: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// A server ready to listen: its router (the API, then the page) and its shared state.
pub struct Server {
    pub router: Router,
    pub(crate) state: Shared,
    /// The scoring pool's threads and the in-flight limit, as chosen.
    pub threads: usize,
    pub max_inflight: usize,
}

/// Checks `config`, loads the server's own catalog, starts the scoring pool and builds the
/// router, without listening: [`run`] serves it, and tests drive it in-process.
pub async fn build(config: &Config) -> Result<Server, ServeError> {
    let index = config.dist.join("index.html");
    let index_html =
        std::fs::read_to_string(&index).map_err(|_| ServeError::Dist(config.dist.clone()))?;
    let default = own_catalog(config).await?;
    let threads = match config.threads {
        Some(0) => return Err(ServeError::Argument("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let max_inflight = match config.max_inflight {
        Some(0) => {
            return Err(ServeError::Argument(
                "--max-inflight must be at least 1".into(),
            ));
        }
        Some(n) => n,
        None => 4 * threads,
    };
    if !(0..=19).contains(&config.reactor_nice) {
        return Err(ServeError::Argument("--reactor-nice takes 0 to 19".into()));
    }
    if config.request_timeout_s == 0 {
        return Err(ServeError::Argument(
            "--request-timeout must be at least 1 second".into(),
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("score-{i}"))
        .build()
        .map_err(ServeError::ThreadPool)?;
    let metrics = metrics::Metrics::new();
    let state = Arc::new(AppState {
        default,
        store: Mutex::new(CatalogStore::new(
            config.catalog_memory,
            metrics.store_evictions.clone(),
        )),
        pool,
        slots: Slots::new(max_inflight, metrics.jobs.clone()),
        kernel: Kernel::detect(),
        catalog_memory: config.catalog_memory,
        max_upload_bytes: config.max_upload_bytes.min(MAX_CATALOG_BYTES),
        request_timeout_s: config.request_timeout_s,
        metrics,
        openapi: OnceLock::new(),
        draining: AtomicBool::new(false),
    });
    let csp = site::csp_of(&index_html);
    let router = router(
        Arc::clone(&state),
        &config.dist,
        csp.as_deref(),
        config.isolation,
        Duration::from_secs(config.request_timeout_s),
    );
    Ok(Server {
        router,
        state,
        threads,
        max_inflight,
    })
}

/// Starts the server and serves until SIGINT or SIGTERM; then stops taking connections,
/// lets the requests in flight finish (each bounded by its timeout), and returns.
pub fn run(config: Config) -> Result<(), ServeError> {
    memory::tune_allocator();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_start(priority::below_this_thread(config.reactor_nice))
        .build()
        .map_err(ServeError::Runtime)?;
    // Built on the runtime that serves: a database pool's connections belong to it.
    let Server {
        router: app,
        state,
        threads,
        max_inflight,
    } = runtime.block_on(build(&config))?;

    logging::init(config.log_format);
    let result = runtime.block_on(async {
        let address = format!("{}:{}", config.host, config.port);
        let listener = tokio::net::TcpListener::bind(&address)
            .await
            .map_err(|source| ServeError::Listen { address, source })?;
        let local: SocketAddr = listener.local_addr().map_err(ServeError::Serve)?;
        // The first line printed is the URL: scripts and tests read it.
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "http://{local}/");
        let _ = stdout.flush();
        drop(stdout);
        let (products, database) = match &state.default {
            DefaultCatalog::Fixed { catalog, .. } => (catalog.len(), None),
            DefaultCatalog::Shop(shop) => (shop.last_loaded().1, Some(shop.db.kind().name())),
        };
        tracing::info!(
            products,
            database,
            threads,
            max_inflight,
            reactor_nice = priority::reactor_nice(),
            kernel = state.kernel.name(),
            isolation = config.isolation,
            dist = %config.dist.display(),
            "serving"
        );
        let drain = Duration::from_secs(config.drain_s);
        axum::serve(listener, app)
            .with_graceful_shutdown(drained(state, drain))
            .await
            .map_err(ServeError::Serve)
    });
    // Requests have finished; a job whose client left is told to stop and gets a moment.
    runtime.shutdown_timeout(Duration::from_secs(2));
    if result.is_ok() {
        tracing::info!("stopped");
    }
    result
}

/// The server's own catalog: a file (with the SHA-256 of its bytes: `/info` tells
/// clients, so that one holding the same bytes, the page with its bundled catalog, refers
/// to it as `default` instead of uploading it), a generated one, the bundled one, or the
/// shop's database.
async fn own_catalog(config: &Config) -> Result<DefaultCatalog, ServeError> {
    let fixed = |catalog, sha256| {
        Ok(DefaultCatalog::Fixed {
            catalog: Arc::new(catalog),
            sha256,
        })
    };
    match &config.catalog {
        OwnCatalog::File(path) => {
            let mut hash = Sha256::new();
            let catalog = load_catalog_file_seeing(path, |bytes| hash.update(bytes))
                .map_err(|e| ServeError::Catalog(e.to_string()))?;
            fixed(catalog, Some(catalogs::hex(&hash.finalize())))
        }
        OwnCatalog::Generate { n, seed } => {
            let catalog = generate(*n, *seed)
                .map_err(|e| ServeError::Catalog(format!("cannot generate the catalog: {e}")))?;
            fixed(catalog, None)
        }
        OwnCatalog::Bundled => {
            let catalog = parse_catalog(BUNDLED_CATALOG)
                .map_err(|e| ServeError::Catalog(format!("the bundled catalog is invalid: {e}")))?;
            fixed(
                catalog,
                Some(catalogs::sha256_hex(BUNDLED_CATALOG.as_bytes())),
            )
        }
        OwnCatalog::Database(url) => {
            let db = Database::connect(url)
                .await
                .map_err(|e| ServeError::Catalog(e.to_string()))?;
            let shop = Shop::open(db, config.read_only)
                .await
                .map_err(|e| ServeError::Catalog(e.message))?;
            Ok(DefaultCatalog::Shop(shop))
        }
    }
}

/// Every API route with its OpenAPI operation, from one declaration per handler
/// (`#[utoipa::path]` and utoipa-axum's `routes!`), so that `/openapi.json` lists exactly
/// the routes the router serves.
///
/// A server that cannot write (its catalog is a file or generated, or `--read-only`) has
/// no `PUT` or `DELETE /products/{slug}`: its document does not offer them, and the router
/// answers them 405 with `Allow: GET,HEAD`, as for any method a path does not take.
pub fn api_routes(writable: bool) -> OpenApiRouter<Shared> {
    let product = if writable {
        routes!(
            products::product,
            products::put_product,
            products::delete_product
        )
    } else {
        routes!(products::product)
    };
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(api::products))
        .routes(routes!(api::recommendations))
        .routes(routes!(catalogs::upload))
        .routes(routes!(api::catalog_products))
        .routes(routes!(api::catalog_recommendations))
        .routes(product)
        .routes(routes!(operations::healthz))
        .routes(routes!(operations::readyz))
        .routes(routes!(operations::info))
        .routes(routes!(operations::metrics))
        .routes(routes!(openapi::openapi))
}

/// The API's OpenAPI document, as `/openapi.json` serves it on a server that can write
/// (`serve --database`) or cannot ([`openapi::served_document`]).
pub fn openapi_document(writable: bool) -> serde_json::Value {
    openapi::served_document(&api_routes(writable).into_openapi(), writable)
}

/// The API routes, then the static site for every other path, with the layers.
fn router(
    state: Shared,
    dist: &std::path::Path,
    csp: Option<&str>,
    isolation: bool,
    timeout: Duration,
) -> Router {
    let writable = matches!(&state.default, DefaultCatalog::Shop(shop) if !shop.read_only);
    let (api, generated) = api_routes(writable).split_for_parts();
    // The document is made once, for what this server accepts.
    let document = openapi::served_document(&generated, writable);
    let _ = state.openapi.set(document.to_string());
    let api = api
        .with_state(Arc::clone(&state))
        // A request still running after `timeout` is answered 504; dropping it sets
        // its job's stop flag (jobs.rs).
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            timeout,
        ))
        .layer(axum::middleware::map_response(error::json_errors));
    // Only a server that cannot write answers a product's PUT or DELETE 405; only there
    // does that answer need its reason, so only there is every request looked at for it.
    let api = if writable {
        api
    } else {
        api.layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            products::explain_refused_write,
        ))
    };
    let mut app = api
        .fallback_service(site::files(dist))
        .layer(CompressionLayer::new().compress_when(site::WorthCompressing))
        // Router::layer runs after routing, so the matched route template is known here
        // (the page's files have none: `static`); outside the timeout and the JSON
        // errors, so that a 504 is counted as answered.
        .layer(axum::middleware::from_fn_with_state(
            state,
            operations::track,
        ));
    for (name, value) in site::headers(csp, isolation) {
        app = app.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    logging::with_access_log(app).layer(axum::middleware::from_fn(request_id::request_id))
}

/// Resolves when the server should stop taking connections: on the first SIGINT or
/// SIGTERM, after `drain` during which `/readyz` answers 503 (`shutting_down`) and every
/// request is still served. Then axum finishes the requests in flight.
async fn drained(state: Shared, drain: Duration) {
    shutdown_signal().await;
    state.draining.store(true, Ordering::Relaxed);
    if !drain.is_zero() {
        tracing::info!(
            seconds = drain.as_secs(),
            "draining: /readyz answers 503 while requests are still served"
        );
        tokio::time::sleep(drain).await;
    }
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT: finishing the requests in flight"),
        () = terminate => tracing::info!("SIGTERM: finishing the requests in flight"),
    }
}
