//! The command line: arguments, the `recommend`, `bench` and `kernel` commands, and
//! one-line errors. `serve` lives in [`crate::serve`].

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use serde_json::json;
use shop_recs::catalog::MAX_CATALOG_BYTES;
use shop_recs::generate::generate;
use shop_recs::rank::{
    DEFAULT_ITERATIONS, DEFAULT_TOP, Scores, score_parallel, score_parallel_with, score_serial,
    score_serial_on_every_thread, score_serial_with, top_k,
};
use shop_recs::similarity::{Kernel, seed_bases, signature_naive};
use shop_recs::{Catalog, CatalogError, Query, QueryError, Recommendation, parse_catalog};

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

#[derive(Args)]
struct RecommendArgs {
    /// Catalog JSON: an array of products or an object with a "products" array.
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// Identifier of the target product (its slug, or its id).
    #[arg(long, value_name = "ID")]
    product: String,
    #[arg(long, value_enum, default_value_t = Mode::Parallel)]
    mode: Mode,
    /// Threads of a dedicated rayon pool (default: rayon's global pool).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// MinHash signature length, 1 to 100000.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ITERATIONS)]
    iterations: u32,
    /// How many recommendations to print, 1 to 1000.
    #[arg(long, value_name = "K", default_value_t = DEFAULT_TOP)]
    top: usize,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
#[command(group(ArgGroup::new("source").required(true).args(["catalog", "generate"])))]
struct BenchArgs {
    /// Catalog JSON file to score.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Score a generated catalog of N products instead of a file.
    #[arg(long, value_name = "N")]
    generate: Option<usize>,
    /// Seed of the generated catalog.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// Target product (default: the first product).
    #[arg(long, value_name = "ID")]
    product: Option<String>,
    /// MinHash signature length, 1 to 100000.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ITERATIONS)]
    iterations: u32,
    /// Recommendations per run, 1 to 1000.
    #[arg(long, value_name = "K", default_value_t = DEFAULT_TOP)]
    top: usize,
    /// Timed runs of each mode, after one untimed warm-up of each.
    #[arg(long, value_name = "R", default_value_t = 7)]
    runs: usize,
    /// Threads of a dedicated rayon pool (default: rayon's global pool).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Time only this mode (rankings are still checked against an untimed serial run).
    #[arg(long, value_enum, value_name = "MODE")]
    only: Option<Mode>,
    /// MinHash kernel: auto (the fastest this CPU runs), portable, avx2 or avx512.
    #[arg(long, value_name = "NAME", default_value = "auto")]
    kernel: String,
    /// Also time, in each round, every pool thread scoring the whole catalog serially
    /// at once: the machine's own ceiling for parallel scoring.
    #[arg(long)]
    ceiling: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct KernelArgs {
    /// Descriptions of a generated catalog of N products are hashed.
    #[arg(long, value_name = "N", default_value_t = 200)]
    generate: usize,
    /// Seed of the generated catalog.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// MinHash signature length, 1 to 100000.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ITERATIONS)]
    iterations: u32,
    /// Timed runs of each function, after one untimed warm-up; the minimum is kept.
    #[arg(long, value_name = "R", default_value_t = 7)]
    runs: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Everything that can go wrong, each shown as one line.
#[derive(Debug)]
enum CliError {
    Read {
        path: PathBuf,
        source: io::Error,
    },
    TooLarge {
        path: PathBuf,
        bytes: u64,
    },
    Catalog {
        path: PathBuf,
        source: CatalogError,
    },
    Generate(CatalogError),
    Query(QueryError),
    ThreadPool(rayon::ThreadPoolBuildError),
    Argument(String),
    RankingsDiffer {
        run: usize,
    },
    /// The pool's threads, each scoring the whole catalog (`--ceiling`), got different scores.
    ThreadsDisagree,
    SignaturesDiffer {
        kernel: &'static str,
        product: usize,
    },
    Output(io::Error),
    Serve(crate::serve::ServeError),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            CliError::TooLarge { path, bytes } => write!(
                f,
                "{}: the catalog is {bytes} bytes; the limit is {MAX_CATALOG_BYTES} bytes",
                path.display()
            ),
            CliError::Catalog { path, source } => write!(f, "{}: {source}", path.display()),
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
            CliError::ThreadsDisagree => write!(
                f,
                "the pool's threads scored the same catalog differently (--ceiling); this is a bug"
            ),
            CliError::SignaturesDiffer { kernel, product } => write!(
                f,
                "the {kernel} kernel and the naive reference differ on product {product}; \
             this is a bug"
            ),
            CliError::Output(source) => write!(f, "cannot write the output: {source}"),
            CliError::Serve(source) => write!(f, "{source}"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Read { source, .. } | CliError::Output(source) => Some(source),
            CliError::Catalog { source, .. } | CliError::Generate(source) => Some(source),
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
                "error: a subcommand is required: recommend, bench, kernel or serve (see --help)"
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

fn load_catalog(path: &Path) -> Result<Catalog, CliError> {
    let read_error = |source| CliError::Read {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::metadata(path).map_err(read_error)?.len();
    if bytes > MAX_CATALOG_BYTES as u64 {
        return Err(CliError::TooLarge {
            path: path.to_path_buf(),
            bytes,
        });
    }
    let text = std::fs::read_to_string(path).map_err(read_error)?;
    parse_catalog(&text).map_err(|source| CliError::Catalog {
        path: path.to_path_buf(),
        source,
    })
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

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn recommend(args: RecommendArgs) -> Result<String, CliError> {
    let pool = thread_pool(args.threads)?;
    let started = Instant::now();
    let catalog = load_catalog(&args.catalog)?;
    let loaded = Instant::now();
    let query = Query {
        target: args.product,
        iterations: args.iterations,
        top: args.top,
    };
    let (scores, threads) = in_pool(pool.as_ref(), || {
        let scores = match args.mode {
            Mode::Serial => score_serial(&catalog, &query),
            Mode::Parallel => score_parallel(&catalog, &query),
        };
        let threads = match args.mode {
            Mode::Serial => 1,
            Mode::Parallel => rayon::current_num_threads(),
        };
        (scores, threads)
    });
    let scores = scores.map_err(CliError::Query)?;
    let scored = Instant::now();
    let ranking = top_k(&catalog, &scores, query.top);
    let ranked = Instant::now();

    let target = catalog.product(scores.target);
    let (load, score, sort, total) = (
        ms(loaded - started),
        ms(scored - loaded),
        ms(ranked - scored),
        ms(ranked - started),
    );
    if args.json {
        let report = json!({
            "command": "recommend",
            "catalog": args.catalog.display().to_string(),
            "target": { "index": scores.target, "id": target.id, "name": target.name,
                        "category": target.category },
            "mode": args.mode.name(),
            "threads": threads,
            "iterations": query.iterations,
            "top": query.top,
            "candidates": scores.candidates.len(),
            "timings_ms": { "load": load, "score": score, "sort": sort, "total": total },
            "recommendations": ranking,
        });
        return Ok(format!("{report:#}\n"));
    }
    let mut out = format!(
        "Top {} of {} candidates for {:?} ({}), {} iterations, {}, {} thread(s)\n",
        ranking.len(),
        scores.candidates.len(),
        target.id,
        target.name,
        query.iterations,
        args.mode.name(),
        threads
    );
    out.push_str(&ranking_table(&ranking));
    out.push_str(&format!(
        "time: load {load:.2} ms, signatures and scoring {score:.2} ms, sorting {sort:.3} ms, \
         total {total:.2} ms\n"
    ));
    Ok(out)
}

fn ranking_table(ranking: &[Recommendation]) -> String {
    let width = |column: &str, cell: fn(&Recommendation) -> &str| {
        ranking
            .iter()
            .map(|r| cell(r).chars().count())
            .chain([column.len()])
            .max()
    };
    let id_width = width("id", |r| &r.id).unwrap_or(2);
    let name_width = width("name", |r| &r.name).unwrap_or(4);
    let mut out = format!(
        "{:>4}  {:>6}  {:>6}  {:>6}  {:<id_width$}  {:<name_width$}  {}\n",
        "rank", "score", "text", "attr", "id", "name", "category"
    );
    for r in ranking {
        out.push_str(&format!(
            "{:>4}  {:>6.4}  {:>6.4}  {:>6.4}  {:<id_width$}  {:<name_width$}  {}\n",
            r.rank,
            r.score,
            r.text,
            r.attribute,
            r.id,
            r.name,
            r.category.as_deref().unwrap_or("-")
        ));
    }
    out
}

/// Median and minimum of some timings, in milliseconds.
fn summary(times: &[Duration]) -> (f64, f64) {
    let mut sorted: Vec<f64> = times.iter().copied().map(ms).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    (median, sorted[0])
}

/// The kernel `--kernel` names: `auto` is the fastest this CPU runs.
fn chosen_kernel(name: &str) -> Result<Kernel, CliError> {
    if name == "auto" {
        return Ok(Kernel::detect());
    }
    Kernel::by_name(name).ok_or_else(|| {
        let available: Vec<&str> = Kernel::available().iter().map(|k| k.name()).collect();
        CliError::Argument(format!(
            "--kernel {name} is not available here; this CPU runs auto, {}",
            available.join(", ")
        ))
    })
}

/// Bytes of every product's distinct description words: one run of the text signal
/// makes `iterations` FNV byte-steps per byte.
fn word_bytes(catalog: &Catalog) -> usize {
    (0..catalog.len())
        .map(|i| catalog.description_words(i).bytes().len())
        .sum()
}

/// Timings of one mode: the runs, their median and minimum, in milliseconds.
struct Timed {
    runs: Vec<Duration>,
    median: f64,
    min: f64,
}

impl Timed {
    fn new(runs: Vec<Duration>) -> Timed {
        let (median, min) = summary(&runs);
        Timed { runs, median, min }
    }

    fn json(&self, byte_steps: f64) -> serde_json::Value {
        json!({
            "median": self.median,
            "min": self.min,
            "runs": self.runs.iter().copied().map(ms).collect::<Vec<_>>(),
            "ns_per_byte_step": self.median * 1e6 / byte_steps,
        })
    }
}

fn bench(args: BenchArgs) -> Result<String, CliError> {
    if args.runs == 0 {
        return Err(CliError::Argument("--runs must be at least 1".to_string()));
    }
    let kernel = chosen_kernel(&args.kernel)?;
    let pool = thread_pool(args.threads)?;
    let (catalog, source) = match (&args.catalog, args.generate) {
        (Some(path), _) => (load_catalog(path)?, path.display().to_string()),
        (None, Some(n)) => (
            generate(n, args.seed).map_err(CliError::Generate)?,
            format!("generated catalog (seed {})", args.seed),
        ),
        // clap's "source" group already demands one of them.
        (None, None) => {
            return Err(CliError::Argument(
                "give --catalog FILE or --generate N".into(),
            ));
        }
    };
    let target = args
        .product
        .unwrap_or_else(|| catalog.product(0).id.clone());
    let query = Query {
        target,
        iterations: args.iterations,
        top: args.top,
    };
    let (time_serial, time_parallel) = match args.only {
        None => (true, true),
        Some(Mode::Serial) => (true, false),
        Some(Mode::Parallel) => (false, true),
    };

    type Scorer = fn(&Catalog, &Query, Kernel) -> Result<Scores, QueryError>;
    let recommend = |score: Scorer| -> Result<Vec<Recommendation>, QueryError> {
        let scores = score(&catalog, &query, kernel)?;
        Ok(top_k(&catalog, &scores, query.top))
    };
    let timed = |score: Scorer| {
        let start = Instant::now();
        let ranking = recommend(score);
        (start.elapsed(), ranking)
    };
    let (threads, runs) = in_pool(pool.as_ref(), || {
        // Untimed warm-up of each; it also validates the query once, and the serial
        // ranking is the reference every timed run is held against.
        let reference = recommend(score_serial_with)?;
        if time_parallel && recommend(score_parallel_with)? != reference {
            return Err(CliError::RankingsDiffer { run: 0 });
        }
        let mut serial = Vec::with_capacity(args.runs);
        let mut parallel = Vec::with_capacity(args.runs);
        let mut every_thread = Vec::with_capacity(args.runs);
        if args.ceiling {
            every_thread_serial(&catalog, &query, kernel)?;
        }
        for run in 1..=args.runs {
            for (wanted, times, score) in [
                (time_serial, &mut serial, score_serial_with as Scorer),
                (time_parallel, &mut parallel, score_parallel_with as Scorer),
            ] {
                if !wanted {
                    continue;
                }
                let (time, ranking) = timed(score);
                times.push(time);
                if ranking? != reference {
                    return Err(CliError::RankingsDiffer { run });
                }
            }
            if args.ceiling {
                every_thread.push(every_thread_serial(&catalog, &query, kernel)?);
            }
        }
        Ok((
            rayon::current_num_threads(),
            (serial, parallel, every_thread, reference),
        ))
    })?;
    let (serial, parallel, every_thread, ranking) = runs;
    let every_thread_ms: Vec<Vec<f64>> = every_thread
        .iter()
        .map(|round| round.iter().copied().map(ms).collect())
        .collect();
    let serial = time_serial.then(|| Timed::new(serial));
    let parallel = time_parallel.then(|| Timed::new(parallel));
    let speedup = match (&serial, &parallel) {
        (Some(s), Some(p)) => Some((s.median / p.median, s.min / p.min)),
        _ => None,
    };
    let word_bytes = word_bytes(&catalog);
    let byte_steps = word_bytes as f64 * f64::from(query.iterations);

    if args.json {
        let report = json!({
            "command": "bench",
            "catalog": args.catalog.as_ref().map(|p| p.display().to_string()),
            "generated": args.generate,
            "seed": args.generate.map(|_| args.seed),
            "products": catalog.len(),
            "candidates": catalog.len() - 1,
            "target": query.target,
            "iterations": query.iterations,
            "top": query.top,
            "threads": threads,
            "runs": args.runs,
            "kernel": kernel.name(),
            "kernel_lanes": kernel.lanes(),
            "word_bytes": word_bytes,
            "byte_steps": byte_steps,
            "serial_ms": serial.as_ref().map(|t| t.json(byte_steps)),
            "parallel_ms": parallel.as_ref().map(|t| t.json(byte_steps)),
            "speedup": speedup.map(|s| s.0),
            "speedup_min": speedup.map(|s| s.1),
            "every_thread_ms": args.ceiling.then_some(&every_thread_ms),
            "rankings_equal": true,
            "ranking": ranking,
        });
        return Ok(format!("{report:#}\n"));
    }
    let mut out = format!(
        "bench: {} ({} products), target {:?}, {} iterations, top {}, {} thread(s), {} runs \
         after one warm-up, {} kernel ({} lanes)\n",
        source,
        catalog.len(),
        query.target,
        query.iterations,
        query.top,
        threads,
        args.runs,
        kernel.name(),
        kernel.lanes(),
    );
    for (name, timed) in [("serial:  ", &serial), ("parallel:", &parallel)] {
        if let Some(t) = timed {
            out.push_str(&format!(
                "{name} median {:.2} ms, min {:.2} ms, {:.3} ns per byte-step\n",
                t.median,
                t.min,
                t.median * 1e6 / byte_steps
            ));
        }
    }
    if let Some((median, min)) = speedup {
        out.push_str(&format!(
            "speedup:  {median:.2}x (medians), {min:.2}x (minimums)\n"
        ));
    }
    if !every_thread_ms.is_empty() {
        let mut each: Vec<f64> = every_thread_ms.iter().flatten().copied().collect();
        each.sort_by(f64::total_cmp);
        let line = match &serial {
            Some(s) => format!(
                "every thread at once, each a whole serial run: median {:.2} ms per thread \
                 ({:.2}x a serial run alone)\n",
                each[each.len() / 2],
                each[each.len() / 2] / s.median
            ),
            None => format!(
                "every thread at once, each a whole serial run: median {:.2} ms per thread\n",
                each[each.len() / 2]
            ),
        };
        out.push_str(&line);
    }
    out.push_str("rankings: identical in every run\n");
    out.push_str(&ranking_table(&ranking));
    Ok(out)
}

/// Every thread of the current pool scoring the whole catalog at once
/// ([`score_serial_on_every_thread`]): each thread's time, by pool index. Every
/// thread's scores must be the same.
fn every_thread_serial(
    catalog: &Catalog,
    query: &Query,
    kernel: Kernel,
) -> Result<Vec<Duration>, CliError> {
    let origin = Instant::now();
    let every =
        score_serial_on_every_thread(catalog, query, kernel, || origin.elapsed().as_secs_f64())?;
    if !every.scores_agree {
        return Err(CliError::ThreadsDisagree);
    }
    Ok(every
        .times
        .into_iter()
        .map(Duration::from_secs_f64)
        .collect())
}

/// Times the naive reference and every kernel this CPU runs over the descriptions of
/// a generated catalog, after checking that each gives the naive signatures.
fn kernel(args: KernelArgs) -> Result<String, CliError> {
    if args.runs == 0 {
        return Err(CliError::Argument("--runs must be at least 1".to_string()));
    }
    let catalog = generate(args.generate, args.seed).map_err(CliError::Generate)?;
    let iterations = args.iterations;
    // The core's check, so the range and its message exist once.
    Query {
        iterations,
        ..Query::new("")
    }
    .validate()?;
    let bases = seed_bases(iterations);
    let products: Vec<_> = (0..catalog.len())
        .map(|i| catalog.description_words(i))
        .collect();
    let byte_steps = word_bytes(&catalog) as f64 * f64::from(iterations);
    let reference: Vec<Vec<u64>> = products
        .iter()
        .map(|&words| signature_naive(words, iterations))
        .collect();
    let kernels = Kernel::available();
    for &kernel in &kernels {
        for (product, (&words, expected)) in products.iter().zip(&reference).enumerate() {
            if kernel.signature(words, &bases) != *expected {
                return Err(CliError::SignaturesDiffer {
                    kernel: kernel.name(),
                    product,
                });
            }
        }
    }
    // One pass hashes every product's description: the naive reference first, then
    // each kernel. Each gets one untimed pass, then the passes take turns, `runs`
    // rounds, and each keeps its fastest: taking turns lets all of them see the same
    // moments of a machine whose speed drifts, so their ratios are not skewed by it.
    let pass = |kernel: Option<Kernel>| match kernel {
        None => {
            for &words in &products {
                std::hint::black_box(signature_naive(std::hint::black_box(words), iterations));
            }
        }
        Some(kernel) => {
            for &words in &products {
                std::hint::black_box(kernel.signature(std::hint::black_box(words), &bases));
            }
        }
    };
    let passes: Vec<Option<Kernel>> = std::iter::once(None)
        .chain(kernels.iter().copied().map(Some))
        .collect();
    for &which in &passes {
        pass(which);
    }
    let mut fastest = vec![Duration::MAX; passes.len()];
    for _ in 0..args.runs {
        for (best, &which) in fastest.iter_mut().zip(&passes) {
            let start = Instant::now();
            pass(which);
            *best = (*best).min(start.elapsed());
        }
    }
    let ns = |time: Duration| time.as_secs_f64() * 1e9 / byte_steps;
    let naive_ns = ns(fastest[0]);
    let rows: Vec<(Kernel, f64)> = kernels
        .iter()
        .copied()
        .zip(fastest[1..].iter().map(|&time| ns(time)))
        .collect();
    if args.json {
        let kernels: Vec<_> = rows
            .iter()
            .map(|(kernel, ns)| {
                json!({ "name": kernel.name(), "lanes": kernel.lanes(),
                        "ns_per_byte_step": ns, "vs_naive": naive_ns / ns })
            })
            .collect();
        let report = json!({
            "command": "kernel",
            "products": catalog.len(),
            "seed": args.seed,
            "iterations": iterations,
            "runs": args.runs,
            "byte_steps": byte_steps,
            "naive_ns_per_byte_step": naive_ns,
            "detected": Kernel::detect().name(),
            "kernels": kernels,
            "signatures_equal": true,
        });
        return Ok(format!("{report:#}\n"));
    }
    let mut out = format!(
        "kernel: {} generated descriptions, {iterations} iterations, fastest of {} runs; \
         signatures identical to the naive reference\n{:<10} {:>5} {:>13} {:>9}\n",
        catalog.len(),
        args.runs,
        "function",
        "lanes",
        "ns/byte-step",
        "vs naive"
    );
    out.push_str(&format!(
        "{:<10} {:>5} {naive_ns:>13.3} {:>8.2}x\n",
        "naive", 1, 1.0
    ));
    for (kernel, ns) in rows {
        out.push_str(&format!(
            "{:<10} {:>5} {ns:>13.3} {:>8.2}x\n",
            kernel.name(),
            kernel.lanes(),
            naive_ns / ns
        ));
    }
    out.push_str(&format!("auto picks: {}\n", Kernel::detect().name()));
    Ok(out)
}

impl From<QueryError> for CliError {
    fn from(e: QueryError) -> CliError {
        CliError::Query(e)
    }
}
