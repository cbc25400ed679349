//! `shop-recs`: the native command line.
//!
//! ```text
//! shop-recs recommend --catalog FILE --product ID [--mode serial|parallel] [--threads N]
//!                     [--iterations N] [--top K] [--json]
//! shop-recs bench (--catalog FILE | --generate N) [--seed S] [--product ID] [--iterations N]
//!                 [--top K] [--runs R] [--threads N] [--json]
//! ```
//!
//! Every failure (unreadable file, invalid JSON, unknown product, out-of-range numbers,
//! a thread pool that cannot be built) prints one line on stderr and exits with status 1
//! (2 for a malformed command line). On wasm32 this binary is an empty program: clap is
//! a native-only dependency, and the browser reaches the core through `src/wasm.rs`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::fmt;
    use std::io::{self, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::{Duration, Instant};

    use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
    use serde_json::json;
    use shop_recs::catalog::MAX_CATALOG_BYTES;
    use shop_recs::generate::generate;
    use shop_recs::rank::{DEFAULT_ITERATIONS, DEFAULT_TOP, score_parallel, score_serial, top_k};
    use shop_recs::{
        Catalog, CatalogError, Query, QueryError, Recommendation, parse_catalog,
        recommend_parallel, recommend_serial,
    };

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
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    }

    /// Everything that can go wrong, each shown as one line.
    #[derive(Debug)]
    enum CliError {
        Read { path: PathBuf, source: io::Error },
        TooLarge { path: PathBuf, bytes: u64 },
        Catalog { path: PathBuf, source: CatalogError },
        Generate(CatalogError),
        Query(QueryError),
        ThreadPool(rayon::ThreadPoolBuildError),
        Argument(String),
        RankingsDiffer { run: usize },
        Output(io::Error),
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
                CliError::RankingsDiffer { run } => write!(
                    f,
                    "serial and parallel rankings differ (timed run {run}); this is a bug"
                ),
                CliError::Output(source) => write!(f, "cannot write the output: {source}"),
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
                eprintln!("error: a subcommand is required: recommend or bench (see --help)");
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

    fn bench(args: BenchArgs) -> Result<String, CliError> {
        if args.runs == 0 {
            return Err(CliError::Argument("--runs must be at least 1".to_string()));
        }
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

        let timed = |recommend: fn(&Catalog, &Query) -> Result<Vec<Recommendation>, QueryError>| {
            let start = Instant::now();
            let ranking = recommend(&catalog, &query);
            (start.elapsed(), ranking)
        };
        let (threads, runs) = in_pool(pool.as_ref(), || {
            // Untimed warm-up of each; it also validates the query once.
            let reference = recommend_serial(&catalog, &query)?;
            if recommend_parallel(&catalog, &query)? != reference {
                return Err(CliError::RankingsDiffer { run: 0 });
            }
            let mut serial = Vec::with_capacity(args.runs);
            let mut parallel = Vec::with_capacity(args.runs);
            for run in 1..=args.runs {
                let (time, ranking) = timed(recommend_serial);
                serial.push(time);
                if ranking? != reference {
                    return Err(CliError::RankingsDiffer { run });
                }
                let (time, ranking) = timed(recommend_parallel);
                parallel.push(time);
                if ranking? != reference {
                    return Err(CliError::RankingsDiffer { run });
                }
            }
            Ok((rayon::current_num_threads(), (serial, parallel, reference)))
        })?;
        let (serial, parallel, ranking) = runs;
        let (serial_median, serial_min) = summary(&serial);
        let (parallel_median, parallel_min) = summary(&parallel);
        let speedup = serial_median / parallel_median;
        let speedup_min = serial_min / parallel_min;

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
                "serial_ms": { "median": serial_median, "min": serial_min,
                               "runs": serial.iter().copied().map(ms).collect::<Vec<_>>() },
                "parallel_ms": { "median": parallel_median, "min": parallel_min,
                                 "runs": parallel.iter().copied().map(ms).collect::<Vec<_>>() },
                "speedup": speedup,
                "speedup_min": speedup_min,
                "rankings_equal": true,
                "ranking": ranking,
            });
            return Ok(format!("{report:#}\n"));
        }
        let mut out = format!(
            "bench: {} ({} products), target {:?}, {} iterations, top {}, {} thread(s), {} runs \
             after one warm-up\n",
            source,
            catalog.len(),
            query.target,
            query.iterations,
            query.top,
            threads,
            args.runs
        );
        out.push_str(&format!(
            "serial:   median {serial_median:.2} ms, min {serial_min:.2} ms\n\
             parallel: median {parallel_median:.2} ms, min {parallel_min:.2} ms\n\
             speedup:  {speedup:.2}x (medians), {speedup_min:.2}x (minimums)\n\
             rankings: identical in every run\n"
        ));
        out.push_str(&ranking_table(&ranking));
        Ok(out)
    }

    impl From<QueryError> for CliError {
        fn from(e: QueryError) -> CliError {
            CliError::Query(e)
        }
    }
}
