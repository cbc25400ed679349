//! The MinHash kernel against its naive reference, and serial against parallel ranking.
//!
//! `cargo bench --bench kernel` runs everything once (about two minutes on 2 cores) and
//! ends with a summary table:
//!
//! - (a) nanoseconds per FNV byte-step for [`signature_naive`] (one seed at a time) and,
//!   for every [`Kernel`] this CPU runs (portable, and AVX2 and AVX-512 where present),
//!   the interleaved `signature` and the streaming `text_similarity`, on generated
//!   descriptions of about 200 bytes, after checking the signatures are identical;
//! - (b) `recommend_serial` against `recommend_parallel` on the page's default catalog
//!   (`www/catalog.json`, skipped when absent) and on generated catalogs of 2,000 and
//!   20,000 products, after checking the rankings are identical.
//!
//! Times are captured with `iter_custom`; the summary uses the fastest per-iteration
//! time seen for each case, the figure least disturbed by other work on a busy machine.
//! Native only: on wasm32 this is an empty program.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::cell::RefCell;
    use std::hint::black_box;
    use std::path::Path;
    use std::rc::Rc;
    use std::time::{Duration, Instant};

    use criterion::Criterion;
    use shop_recs::generate::generate;
    use shop_recs::rank::DEFAULT_ITERATIONS;
    use shop_recs::similarity::{Kernel, seed_bases, signature_naive};
    use shop_recs::{Catalog, Query, parse_catalog, recommend_parallel, recommend_serial};

    /// Seed for the generated catalogs, fixed so that runs compare.
    const SEED: u64 = 42;

    /// Fastest per-iteration time seen by an `iter_custom` routine.
    #[derive(Clone, Default)]
    struct Best(Rc<RefCell<Option<Duration>>>);

    impl Best {
        fn record(&self, elapsed: Duration, iters: u64) {
            let per_iter = elapsed / u32::try_from(iters.max(1)).unwrap_or(u32::MAX);
            let mut best = self.0.borrow_mut();
            *best = Some(best.map_or(per_iter, |b| b.min(per_iter)));
        }

        fn get(&self) -> Duration {
            self.0.borrow().expect("the routine ran at least once")
        }
    }

    /// Benchmarks `routine` under `name`, recording its fastest time into the result.
    fn measure(c: &mut Criterion, name: &str, mut routine: impl FnMut()) -> Duration {
        let best = Best::default();
        let recorder = best.clone();
        c.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    routine();
                }
                let elapsed = start.elapsed();
                recorder.record(elapsed, iters);
                elapsed
            })
        });
        best.get()
    }

    struct KernelRow {
        name: String,
        ns_per_step: f64,
    }

    struct RankRow {
        catalog: String,
        products: usize,
        serial: Duration,
        parallel: Duration,
    }

    fn kernel_rows(c: &mut Criterion) -> (Vec<KernelRow>, usize, f64) {
        let catalog = generate(200, SEED).expect("a generated catalog");
        let iterations = DEFAULT_ITERATIONS;
        let bases = seed_bases(iterations);
        let all = || (0..catalog.len()).map(|i| catalog.description_words(i));
        for kernel in Kernel::available() {
            for words in all() {
                assert_eq!(
                    kernel.signature(words, &bases),
                    signature_naive(words, iterations),
                    "the {} kernel and the naive signatures differ",
                    kernel.name()
                );
            }
        }
        let word_bytes: usize = all().map(|w| w.bytes().len()).sum();
        let description_bytes: usize =
            shop_recs::generate::products(catalog.len(), SEED, Default::default())
                .expect("generated")
                .map(|p| p.description.len())
                .sum();
        let steps = word_bytes as f64 * f64::from(iterations);
        let target = signature_naive(catalog.description_words(0), iterations);

        let mut group = |name: &str, routine: &mut dyn FnMut()| KernelRow {
            name: name.to_string(),
            ns_per_step: measure(c, name, routine).as_nanos() as f64 / steps,
        };
        let mut rows = vec![group("signature_naive", &mut || {
            for words in all() {
                black_box(signature_naive(black_box(words), iterations));
            }
        })];
        for kernel in Kernel::available() {
            let (name, lanes) = (kernel.name(), kernel.lanes());
            rows.push(group(
                &format!("signature {name} ({lanes} lanes)"),
                &mut || {
                    for words in all() {
                        black_box(kernel.signature(black_box(words), &bases));
                    }
                },
            ));
            rows.push(group(&format!("text_similarity {name}"), &mut || {
                for words in all() {
                    black_box(kernel.text_similarity(&target, &bases, black_box(words)));
                }
            }));
        }
        (
            rows,
            catalog.len(),
            description_bytes as f64 / catalog.len() as f64,
        )
    }

    fn rank_row(c: &mut Criterion, name: &str, catalog: &Catalog) -> RankRow {
        let query = Query::new(catalog.product(0).id);
        let serial = recommend_serial(catalog, &query).expect("a valid query");
        let parallel = recommend_parallel(catalog, &query).expect("a valid query");
        assert_eq!(
            serial, parallel,
            "{name}: serial and parallel rankings differ"
        );
        RankRow {
            catalog: name.to_string(),
            products: catalog.len(),
            serial: measure(c, &format!("recommend_serial {name}"), || {
                black_box(recommend_serial(catalog, &query).ok());
            }),
            parallel: measure(c, &format!("recommend_parallel {name}"), || {
                black_box(recommend_parallel(catalog, &query).ok());
            }),
        }
    }

    pub fn main() {
        let mut c = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2))
            .configure_from_args();

        let (kernel, descriptions, mean_bytes) = kernel_rows(&mut c);

        let mut ranking = Vec::new();
        let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/catalog.json");
        let www_catalog = std::fs::read_to_string(&www)
            .ok()
            .map(|text| parse_catalog(&text));
        match www_catalog {
            Some(Ok(catalog)) => ranking.push(rank_row(&mut c, "www/catalog.json", &catalog)),
            Some(Err(e)) => println!("skipping www/catalog.json: {e}"),
            None => println!("skipping www/catalog.json: not found"),
        }
        for n in [2_000, 20_000] {
            let catalog = generate(n, SEED).expect("a generated catalog");
            ranking.push(rank_row(&mut c, &format!("generated {n}"), &catalog));
        }

        c.final_summary();

        let naive = kernel[0].ns_per_step;
        println!();
        println!(
            "== kernel: {DEFAULT_ITERATIONS} iterations over {descriptions} generated \
             descriptions ({mean_bytes:.0} B each on average; fastest run) =="
        );
        println!(
            "{:<30} {:>12} {:>16}",
            "function", "ns/byte-step", "vs naive"
        );
        for row in &kernel {
            println!(
                "{:<30} {:>12.3} {:>15.2}x",
                row.name,
                row.ns_per_step,
                naive / row.ns_per_step
            );
        }
        println!();
        println!(
            "== ranking: {DEFAULT_ITERATIONS} iterations, top 10, {} rayon threads; fastest run ==",
            rayon::current_num_threads()
        );
        println!(
            "{:<20} {:>9} {:>12} {:>12} {:>9}",
            "catalog", "products", "serial ms", "parallel ms", "speedup"
        );
        for row in &ranking {
            println!(
                "{:<20} {:>9} {:>12.2} {:>12.2} {:>8.2}x",
                row.catalog,
                row.products,
                row.serial.as_secs_f64() * 1e3,
                row.parallel.as_secs_f64() * 1e3,
                row.serial.as_secs_f64() / row.parallel.as_secs_f64()
            );
        }
    }
}
