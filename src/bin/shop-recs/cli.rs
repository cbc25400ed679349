//! The command line: arguments, the `recommend`, `bench` and `kernel` commands, and
//! one-line errors. `serve` lives in [`crate::serve`].

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

mod bench;
mod generate;
mod import;
mod kernel;
mod loading;
mod recommend;
mod timeline;

use bench::{BenchArgs, bench};
use generate::{GenerateArgs, generate_json};
use import::{ImportArgs, import};
use kernel::{KernelArgs, kernel};
use recommend::{RecommendArgs, recommend};
use serde_json::json;
use shop_recs::files::{FileError, load_catalog_file};
use shop_recs::generate::{Skew, generate, generate_on_pool, generate_skewed};
use shop_recs::rank::{
    DEFAULT_ITERATIONS, DEFAULT_TOP, Pieces, Scores, score_parallel, score_parallel_pieces,
    score_parallel_with, score_serial, score_serial_on_every_thread, score_serial_with, top_k,
};
use shop_recs::similarity::{Kernel, seed_bases, signature_naive};
use shop_recs::{Catalog, CatalogError, Query, QueryError, Recommendation};

#[derive(Parser)]
#[command(
    name = "shop-recs",
    version,
    about = "Content-based product recommendations, scored serially or on a rayon pool"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the products most similar to one product, with scores and timings.
    Recommend(RecommendArgs),
    /// Time serial against parallel scoring and report medians, minimums and speedup.
    Bench(BenchArgs),
    /// Time the MinHash kernels against the naive reference, in ns per FNV byte-step.
    Kernel(KernelArgs),
    /// Print a generated catalog as JSON (the one --generate N scores).
    Generate(GenerateArgs),
    /// Load a catalog file into the shop's database (SQLite or Postgres), in one transaction.
    Import(ImportArgs),
    /// Serve the recommendations API and the page over HTTP (see the README's API).
    Serve(crate::serve::ServeArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    Serial,
    Parallel,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Serial => "serial",
            Mode::Parallel => "parallel",
        }
    }
}

/// Where `recommend` and `bench` get their catalog: a file, or the generator.
#[derive(Args)]
#[command(group(ArgGroup::new("source").required(true).args(["catalog", "generate"])))]
struct SourceArgs {
    /// Catalog JSON: an array of products or an object with a "products" array.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Use a generated catalog of N products instead of a file.
    #[arg(long, value_name = "N")]
    generate: Option<usize>,
    /// Seed of the generated catalog.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// Percentage of long products in the generated catalog (0 to 25, all in its first
    /// quarter, descriptions 10 to 100 times longer): uneven work.
    #[arg(
        long,
        value_name = "PERCENT",
        default_value_t = 0,
        conflicts_with = "catalog"
    )]
    skew: u32,
}

/// The `--skew` of `generate`, `recommend` and `bench`, checked.
fn skew(percent: u32) -> Result<Skew, CliError> {
    Skew::new(percent).map_err(|e| CliError::Argument(e.to_string()))
}

impl SourceArgs {
    /// The catalog, and how to name it in reports.
    fn load(&self) -> Result<(Catalog, String), CliError> {
        match (&self.catalog, self.generate) {
            (Some(path), _) => Ok((load_catalog(path)?, path.display().to_string())),
            (None, Some(n)) => Ok((
                // On the pool, in pieces merged in order: the serial generator's catalog.
                generate_on_pool(n, self.seed, skew(self.skew)?, &mut |_| {})
                    .map_err(CliError::Generate)?,
                match self.skew {
                    0 => format!("generated catalog (seed {})", self.seed),
                    s => format!("generated catalog (seed {}, skew {s}%)", self.seed),
                },
            )),
            // clap's "source" group already demands one of them.
            (None, None) => Err(CliError::Argument(
                "give --catalog FILE or --generate N".into(),
            )),
        }
    }
}

/// Everything that can go wrong, each shown as one line.
#[derive(Debug)]
pub(crate) enum CliError {
    /// A catalog file that could not be read, was too large or was invalid.
    File(FileError),
    Generate(CatalogError),
    Query(QueryError),
    ThreadPool(rayon::ThreadPoolBuildError),
    Argument(String),
    RankingsDiffer {
        run: usize,
    },
    /// The instrumented run (`--timeline`) scored differently from the serial run.
    TimelineDiffers,
    /// The pool's threads, each scoring the whole catalog (`--ceiling`), got different scores.
    ThreadsDisagree,
    /// The catalog generated on the pool is not the serial generator's (`--load`).
    CatalogsDiffer,
    SignaturesDiffer {
        kernel: &'static str,
        product: usize,
    },
    Output(io::Error),
    Write {
        path: PathBuf,
        source: io::Error,
    },
    Serve(shop_recs::server::ServeError),
    Database(shop_recs::database::DatabaseError),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::File(e) => write!(f, "{e}"),
            CliError::Generate(source) => write!(f, "cannot generate the catalog: {source}"),
            CliError::Query(source) => write!(f, "{source}"),
            CliError::ThreadPool(source) => {
                write!(f, "cannot build the thread pool: {source}")
            }
            CliError::Argument(message) => write!(f, "{message}"),
            CliError::RankingsDiffer { run: 0 } => write!(
                f,
                "serial and parallel rankings differ (the untimed warm-up); this is a bug"
            ),
            CliError::RankingsDiffer { run } => write!(
                f,
                "serial and parallel rankings differ (timed run {run}); this is a bug"
            ),
            CliError::TimelineDiffers => write!(
                f,
                "the instrumented run (--timeline) and the serial run scored differently; this is a bug"
            ),
            CliError::ThreadsDisagree => write!(
                f,
                "the pool's threads scored the same catalog differently (--ceiling); this is a bug"
            ),
            CliError::CatalogsDiffer => write!(
                f,
                "the catalog generated on the pool differs from the serial one (--load); this is a bug"
            ),
            CliError::SignaturesDiffer { kernel, product } => write!(
                f,
                "the {kernel} kernel and the naive reference differ on product {product}; \
             this is a bug"
            ),
            CliError::Output(source) => write!(f, "cannot write the output: {source}"),
            CliError::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            CliError::Serve(source) => write!(f, "{source}"),
            CliError::Database(source) => write!(f, "{source}"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::File(e) => e.source(),
            CliError::Write { source, .. } | CliError::Output(source) => Some(source),
            CliError::Generate(source) => Some(source),
            CliError::Query(source) => Some(source),
            CliError::ThreadPool(source) => Some(source),
            _ => None,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return command_line_error(e),
    };
    let result = match cli.command {
        Command::Recommend(args) => recommend(args),
        Command::Bench(args) => bench(args),
        Command::Kernel(args) => kernel(args),
        Command::Import(args) => import(args),
        Command::Generate(args) => {
            generate_json(args, &mut io::stdout().lock()).map(|()| String::new())
        }
        // The URL is printed when listening starts; a clean stop prints nothing more.
        Command::Serve(args) => crate::serve::run(args)
            .map(|()| String::new())
            .map_err(CliError::Serve),
    };
    let output = result.and_then(|text| {
        let mut stdout = io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            // A closed pipe (`| head`) is the reader's choice, not a failure.
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(CliError::Output(e)),
            _ => Ok(()),
        }
    });
    match output {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Messages quoted from parsers may hold newlines; keep the promise of one line.
            eprintln!("error: {}", one_line(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// Help and version go to stdout as usual; every real error becomes one line.
fn command_line_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Nothing useful can be done if printing the help fails.
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!(
                "error: a subcommand is required: recommend, bench, kernel, generate or serve (see --help)"
            );
            ExitCode::from(2)
        }
        _ => {
            let text = e.to_string();
            // clap's message is followed by a usage block or a hint; keep the message.
            let message = text.split("\n\n").next().unwrap_or(&text);
            let message = one_line(message.trim_start_matches("error: "));
            eprintln!("error: {message} (see --help)");
            ExitCode::from(2)
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// This process's peak resident memory so far (Linux's `VmHWM`), or `None` where the
/// system does not say.
pub(crate) fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `memory: catalog tables X MiB (N bytes per product), peak resident Y MiB`.
pub(crate) fn memory_line(catalog: &Catalog) -> String {
    let mib = |bytes: f64| bytes / (1024.0 * 1024.0);
    let tables = catalog.memory().total as f64;
    let peak = peak_resident_bytes()
        .map(|bytes| format!(", peak resident {:.0} MiB", mib(bytes as f64)))
        .unwrap_or_default();
    format!(
        "memory: catalog tables {:.0} MiB ({:.0} bytes per product){peak}\n",
        mib(tables),
        tables / catalog.len() as f64
    )
}

/// Reads and parses a catalog file, refusing one over the size limit before reading it.
pub(crate) fn load_catalog(path: &Path) -> Result<Catalog, CliError> {
    load_catalog_file(path).map_err(CliError::File)
}

/// A dedicated pool when `threads` is given, else `None` (rayon's global pool).
fn thread_pool(threads: Option<usize>) -> Result<Option<rayon::ThreadPool>, CliError> {
    match threads {
        None => Ok(None),
        // rayon reads 0 as "choose for me"; a user who types 0 more likely made a mistake.
        Some(0) => Err(CliError::Argument(
            "--threads must be at least 1".to_string(),
        )),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(Some)
            .map_err(CliError::ThreadPool),
    }
}

/// Runs `work` in `pool` when there is one, else on the global pool.
fn in_pool<T: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// The median of some values (the mean of the middle two when their number is even).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

impl From<QueryError> for CliError {
    fn from(e: QueryError) -> CliError {
        CliError::Query(e)
    }
}

/// Bytes of every product's distinct description words: one run of the text signal
/// makes `iterations` FNV byte-steps per byte.
fn word_bytes(catalog: &Catalog) -> usize {
    (0..catalog.len())
        .map(|i| catalog.description_words(i).bytes().len())
        .sum()
}
