//! `shop-recs bench`: serial against parallel scoring, timed in interleaved runs, with
//! every ranking checked against the serial one; `--ceiling` adds the parallel-ceiling probe.

use super::loading::time_loads;
use super::recommend::ranking_table;
use super::*;

#[derive(Args)]
pub(super) struct BenchArgs {
    #[command(flatten)]
    source: SourceArgs,
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
    /// Also time, in each round, the parallel scorer with the candidates cut into pieces
    /// each way there is (adaptive: rayon's own split; bounded: with_max_len; by-cost:
    /// pieces of equal estimated cost, the default), interleaved with the other modes.
    #[arg(long)]
    pieces: bool,
    /// Also time generating the catalog (--generate N) on one thread against on the pool,
    /// interleaved run by run; the pool's catalog is checked equal to the serial one.
    #[arg(long)]
    load: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs whose medians are both under this (ms) are too short to tell two modes apart: the
/// page's rule (www/js/results.js, TOO_SMALL_MS), so the CLI and the page word alike.
const TOO_SMALL_MS: f64 = 25.0;

/// The verdict on `slow`'s time against `fast`'s, from runs timed in the same rounds: the
/// page's rule. `too-small` when both medians are under [`TOO_SMALL_MS`]; `faster` when
/// every run-by-run ratio is above 1, `slower` when every one is below; otherwise (or with
/// fewer than 3 pairs) `no-clear-difference`. Returns it with the ratios' range.
fn verdict(slow: &Timed, fast: &Timed) -> (&'static str, f64, f64) {
    let ratios: Vec<f64> = slow
        .runs
        .iter()
        .zip(&fast.runs)
        .map(|(s, f)| ms(*s) / ms(*f))
        .collect();
    let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let word = if slow.median.max(fast.median) < TOO_SMALL_MS {
        "too-small"
    } else if ratios.len() < 3 {
        "no-clear-difference"
    } else if low > 1.0 {
        "faster"
    } else if high < 1.0 {
        "slower"
    } else {
        "no-clear-difference"
    };
    (word, low, high)
}

/// The verdict in the page's words: the pool against one thread.
fn verdict_sentence(word: &str, ratio: f64, low: f64, high: f64, pairs: usize) -> String {
    let spread = format!("run by run {low:.2}x to {high:.2}x, {pairs} runs");
    match word {
        "no-clear-difference" if pairs < 3 => format!(
            "no clear difference: {} gives no spread; 3 or more do ({ratio:.2}x)",
            if pairs == 1 {
                "1 run".to_string()
            } else {
                format!("{pairs} runs")
            }
        ),
        "too-small" => format!(
            "too small to measure: the runs take under {TOO_SMALL_MS} ms; try a larger \
             catalog or more iterations"
        ),
        "faster" => format!("the pool is {ratio:.2}x faster than one thread ({spread})"),
        "slower" => format!("the pool is slower than one thread: {ratio:.2}x ({spread})"),
        _ => format!("no clear difference between the pool and one thread: {ratio:.2}x ({spread})"),
    }
}

/// Median and minimum of some timings, in milliseconds.
fn summary(times: &[Duration]) -> (f64, f64) {
    let values: Vec<f64> = times.iter().copied().map(ms).collect();
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    (median(values), min)
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

pub(super) fn bench(args: BenchArgs) -> Result<String, CliError> {
    if args.runs == 0 {
        return Err(CliError::Argument("--runs must be at least 1".to_string()));
    }
    let kernel = chosen_kernel(&args.kernel)?;
    let pool = thread_pool(args.threads)?;
    // On the pool of --threads: the generator runs on it.
    let (catalog, source) = in_pool(pool.as_ref(), || args.source.load())?;
    let loads = if args.load {
        let times = in_pool(pool.as_ref(), || time_loads(&args.source, args.runs))?;
        Some((Timed::new(times.serial), Timed::new(times.pool)))
    } else {
        None
    };
    let judged_load = loads.as_ref().map(|(s, p)| verdict(s, p));
    let target = args
        .product
        .unwrap_or_else(|| catalog.product(0).id.to_string());
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
        let strategies: &[Pieces] = if args.pieces { &Pieces::ALL } else { &[] };
        let mut by_pieces = vec![Vec::with_capacity(args.runs); strategies.len()];
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
            for (&pieces, times) in strategies.iter().zip(&mut by_pieces) {
                let start = Instant::now();
                let scores = score_parallel_pieces(&catalog, &query, kernel, pieces)?;
                times.push(start.elapsed());
                if top_k(&catalog, &scores, query.top) != reference {
                    return Err(CliError::RankingsDiffer { run });
                }
            }
            if args.ceiling {
                every_thread.push(every_thread_serial(&catalog, &query, kernel)?);
            }
        }
        Ok((
            rayon::current_num_threads(),
            (serial, parallel, every_thread, reference, by_pieces),
        ))
    })?;
    let (serial, parallel, every_thread, ranking, by_pieces) = runs;
    let by_pieces: Vec<(Pieces, Timed)> = Pieces::ALL
        .into_iter()
        .zip(by_pieces.into_iter().map(Timed::new))
        .collect();
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
    let judged = match (&serial, &parallel) {
        (Some(s), Some(p)) => Some(verdict(s, p)),
        _ => None,
    };
    let word_bytes = word_bytes(&catalog);
    let byte_steps = word_bytes as f64 * f64::from(query.iterations);

    if args.json {
        let report = json!({
            "command": "bench",
            "catalog": args.source.catalog.as_ref().map(|p| p.display().to_string()),
            "generated": args.source.generate,
            "seed": args.source.generate.map(|_| args.source.seed),
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
            "verdict": judged.map(|(word, low, high)| json!({ "verdict": word, "low": low, "high": high })),
            "every_thread_ms": args.ceiling.then_some(&every_thread_ms),
            "default_pieces": Pieces::DEFAULT.name(),
            "pieces_ms": by_pieces
                .iter()
                .map(|(p, t)| (p.name().to_string(), t.json(byte_steps)))
                .collect::<serde_json::Map<_, _>>(),
            "load_ms": loads.as_ref().map(|(s, p)| json!({
                "serial": s.json(byte_steps),
                "pool": p.json(byte_steps),
                "speedup": s.median / p.median,
                "verdict": judged_load.map(|(word, low, high)| json!({ "verdict": word, "low": low, "high": high })),
            })),
            "rankings_equal": true,
            "ranking": ranking,
            "peak_resident_bytes": peak_resident_bytes(),
            "catalog_bytes": catalog.memory(),
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
    if let (Some((word, low, high)), Some((ratio, _))) = (judged, speedup) {
        out.push_str(&format!(
            "verdict:  {}\n",
            verdict_sentence(word, ratio, low, high, args.runs)
        ));
    }
    for (pieces, t) in &by_pieces {
        let default = if *pieces == Pieces::DEFAULT {
            ", the default"
        } else {
            ""
        };
        out.push_str(&format!(
            "parallel, {} pieces{default}: median {:.2} ms, min {:.2} ms{}\n",
            pieces.name(),
            t.median,
            t.min,
            serial
                .as_ref()
                .map(|s| format!(" ({:.2}x serial)", s.median / t.median))
                .unwrap_or_default()
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
    if let (Some((s, p)), Some((word, low, high))) = (&loads, judged_load) {
        out.push_str(&format!(
            "generate: one thread median {:.0} ms, the pool median {:.0} ms; {}\n",
            s.median,
            p.median,
            verdict_sentence(word, s.median / p.median, low, high, args.runs)
        ));
    }
    out.push_str("rankings: identical in every run\n");
    out.push_str(&ranking_table(&ranking));
    out.push_str(&memory_line(&catalog));
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
