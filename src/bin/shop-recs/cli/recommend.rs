//! `shop-recs recommend`: the products most similar to one product, with scores and timings.

use super::*;

#[derive(Args)]
pub(super) struct RecommendArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Identifier of the target product (its slug, or its id); default: the first product.
    #[arg(long, value_name = "ID")]
    product: Option<String>,
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
    /// After the timed run, an instrumented parallel run: write which pool thread scored
    /// each candidate in each branch, and when, to FILE as JSON (see the README).
    #[arg(long, value_name = "FILE")]
    timeline: Option<PathBuf>,
}

pub(super) fn recommend(args: RecommendArgs) -> Result<String, CliError> {
    let pool = thread_pool(args.threads)?;
    let started = Instant::now();
    let (catalog, source) = args.source.load()?;
    let loaded = Instant::now();
    let query = Query {
        target: args
            .product
            .unwrap_or_else(|| catalog.product(0).id.to_string()),
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

    let timeline = match &args.timeline {
        None => None,
        Some(path) => {
            let serial = match args.mode {
                Mode::Serial => scores.clone(),
                Mode::Parallel => score_serial(&catalog, &query)?,
            };
            Some(super::timeline::write_timeline(
                path,
                &catalog,
                &query,
                pool.as_ref(),
                &serial,
            )?)
        }
    };
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
            "catalog": source,
            "target": { "index": scores.target, "id": target.id, "name": target.name,
                        "category": target.category },
            "mode": args.mode.name(),
            "threads": threads,
            "iterations": query.iterations,
            "top": query.top,
            "candidates": scores.candidates.len(),
            "timings_ms": { "load": load, "score": score, "sort": sort, "total": total },
            "recommendations": ranking,
            "timeline": args.timeline.as_ref().map(|path| path.display().to_string()),
            "peak_resident_bytes": peak_resident_bytes(),
            "catalog_bytes": catalog.memory(),
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
    out.push_str(timeline.as_deref().unwrap_or_default());
    out.push_str(&memory_line(&catalog));
    Ok(out)
}

pub(super) fn ranking_table(ranking: &[Recommendation]) -> String {
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
