#![cfg(not(target_arch = "wasm32"))]
//! The instrumented parallel run (`score_parallel_timeline`): its spans cover every
//! candidate exactly once per branch, on threads of the pool, one candidate at a time per
//! thread, inside the run; its result equals the uninstrumented serial ranking.

use std::time::Instant;

use proptest::prelude::*;
use shop_recs::generate::generate;
use shop_recs::rank::{Span, Timeline, score_parallel_timeline, score_serial, top_k};
use shop_recs::similarity::Kernel;
use shop_recs::{Catalog, Query, recommend_serial};

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool")
}

fn timeline_on(threads: usize, catalog: &Catalog, query: &Query) -> Timeline {
    let started = Instant::now();
    let now = || started.elapsed().as_secs_f64() * 1e3;
    pool(threads)
        .install(|| score_parallel_timeline(catalog, query, Kernel::detect(), now))
        .expect("a valid query")
}

/// Everything a timeline must satisfy, whatever the scheduling did.
fn check(timeline: &Timeline, catalog: &Catalog, query: &Query, threads: usize) {
    let candidates = catalog.len() - 1;
    assert_eq!(timeline.threads, threads);
    // One span per candidate and branch: the slots are the candidates, in order.
    assert_eq!(timeline.text.len(), candidates, "text spans");
    assert_eq!(timeline.attribute.len(), candidates, "attribute spans");
    for (branch, span) in timeline.spans() {
        let thread = span
            .thread
            .unwrap_or_else(|| panic!("{branch:?} span outside the pool"));
        assert!(
            (thread as usize) < threads,
            "{branch:?} on thread {thread} of {threads}"
        );
        assert!(
            0.0 <= span.start && span.start <= span.end && span.end <= timeline.wall,
            "{branch:?} span {span:?} inside the run of {} ms",
            timeline.wall
        );
    }
    // A thread scores one candidate at a time: its spans never overlap.
    for thread in 0..threads as u32 {
        let mut own: Vec<&Span> = timeline
            .spans()
            .map(|(_, span)| span)
            .filter(|span| span.thread == Some(thread))
            .collect();
        own.sort_by(|a, b| a.start.total_cmp(&b.start));
        for pair in own.windows(2) {
            assert!(
                pair[0].end <= pair[1].start,
                "thread {thread}: {pair:?} overlap"
            );
        }
    }
    // The per-thread rows count every candidate once per branch.
    let rows = timeline.per_thread();
    assert_eq!(rows.len(), threads);
    let text: usize = rows.iter().map(|row| row.text_candidates).sum();
    let attribute: usize = rows.iter().map(|row| row.attribute_candidates).sum();
    assert_eq!((text, attribute), (candidates, candidates));
    let busy: f64 = rows.iter().map(|row| row.busy).sum();
    assert!((busy - timeline.busy()).abs() <= 1e-9 * busy.max(1.0));
    let efficiency = timeline.efficiency();
    assert!(
        (0.0..=1.0 + 1e-9).contains(&efficiency),
        "efficiency {efficiency}"
    );
    // The instrumented run scores exactly as the plain serial one.
    let serial = score_serial(catalog, query).expect("a valid query");
    assert_eq!(timeline.scores, serial, "scores equal the serial run's");
    assert_eq!(
        top_k(catalog, &timeline.scores, query.top),
        recommend_serial(catalog, query).expect("a valid query")
    );
}

/// Which threads take part is the scheduler's choice (a thread asleep when the run starts
/// may wake too late to steal), so every attempt must hold the rest, and one of five must
/// show more than one thread on the text branch: a pool that never shares it fails.
#[test]
fn a_generated_catalog_on_four_threads() {
    let catalog = generate(400, 7).expect("a generated catalog");
    let query = Query {
        iterations: 300,
        ..Query::new(catalog.product(0).id)
    };
    let mut seen = Vec::new();
    for _attempt in 0..5 {
        let timeline = timeline_on(4, &catalog, &query);
        check(&timeline, &catalog, &query, 4);
        let text_threads = timeline
            .per_thread()
            .iter()
            .filter(|row| row.text_candidates > 0)
            .count();
        if text_threads > 1 {
            return;
        }
        seen.push(timeline.per_thread());
    }
    panic!("in none of five runs did more than one thread score text: {seen:?}");
}

#[test]
fn one_thread_scores_everything() {
    let catalog = generate(50, 3).expect("a generated catalog");
    let query = Query {
        iterations: 64,
        ..Query::new(catalog.product(10).id)
    };
    let timeline = timeline_on(1, &catalog, &query);
    check(&timeline, &catalog, &query, 1);
    let row = &timeline.per_thread()[0];
    assert_eq!((row.text_candidates, row.attribute_candidates), (49, 49));
    assert!((row.share - 1.0).abs() < 1e-12);
}

#[test]
fn an_invalid_query_is_refused_like_the_plain_scorers() {
    let catalog = generate(5, 1).expect("a generated catalog");
    let now = || 0.0;
    let error = score_parallel_timeline(&catalog, &Query::new("nope"), Kernel::PORTABLE, now);
    assert_eq!(
        error.map(|t| t.threads).unwrap_err(),
        score_serial(&catalog, &Query::new("nope")).unwrap_err()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_catalog_and_pool(n in 2usize..60, seed in 0u64..1000, threads in 1usize..5,
                            target in 0usize..60, iterations in 1u32..40) {
        let catalog = generate(n, seed).expect("a generated catalog");
        let query = Query {
            iterations,
            ..Query::new(catalog.product(target % n).id)
        };
        let timeline = timeline_on(threads, &catalog, &query);
        check(&timeline, &catalog, &query, threads);
    }
}
