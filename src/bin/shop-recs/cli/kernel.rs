//! `shop-recs kernel`: the MinHash kernels this CPU runs, timed against the naive reference
//! in ns per FNV byte-step, after checking that each gives the same signatures.

use super::*;

#[derive(Args)]
pub(super) struct KernelArgs {
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

/// Times the naive reference and every kernel this CPU runs over the descriptions of
/// a generated catalog, after checking that each gives the naive signatures.
pub(super) fn kernel(args: KernelArgs) -> Result<String, CliError> {
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
