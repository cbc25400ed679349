//! Unit tests of the scorers, `top_k` and the ceiling probe.

use super::*;
use crate::catalog::Product;

fn product(id: &str, category: &str, description: &str) -> Product {
    Product {
        category: Some(category.to_string()),
        ..Product::new(id, id.replace('-', " "), description)
    }
}

fn catalog() -> Catalog {
    Catalog::from_products(vec![
        product(
            "red-lipstick",
            "beauty",
            "A matte red lipstick that lasts all day.",
        ),
        product(
            "claw-hammer",
            "tools",
            "A steel claw hammer with a rubber grip.",
        ),
        product(
            "pink-lipstick",
            "beauty",
            "A glossy pink lipstick that lasts all day.",
        ),
        product(
            "mascara",
            "beauty",
            "Lengthening mascara for dramatic lashes.",
        ),
        product("wrench", "tools", "An adjustable steel wrench."),
    ])
    .unwrap()
}

#[test]
fn query_new_uses_defaults() {
    let q = Query::new("x");
    assert_eq!(
        q,
        Query {
            target: "x".into(),
            iterations: 1500,
            top: 10
        }
    );
}

#[test]
fn validation_order_is_iterations_top_target() {
    let c = catalog();
    let q = Query {
        target: "missing".into(),
        iterations: 0,
        top: 0,
    };
    let expected = QueryError::IterationsOutOfRange { iterations: 0 };
    assert_eq!(score_serial(&c, &q).unwrap_err(), expected);
    assert_eq!(score_parallel(&c, &q).unwrap_err(), expected);
    let q = Query { iterations: 1, ..q };
    assert_eq!(
        score_serial(&c, &q).unwrap_err(),
        QueryError::TopOutOfRange { top: 0 }
    );
    assert_eq!(
        score_parallel(&c, &q).unwrap_err(),
        QueryError::TopOutOfRange { top: 0 }
    );
    let q = Query { top: MAX_TOP, ..q };
    let unknown = QueryError::UnknownTarget {
        id: "missing".into(),
    };
    assert_eq!(score_serial(&c, &q).unwrap_err(), unknown);
    assert_eq!(score_parallel(&c, &q).unwrap_err(), unknown);
}

#[test]
fn range_limits_are_inclusive() {
    let c = catalog();
    for (iterations, top, ok) in [
        (1, 1, true),
        (MAX_ITERATIONS, MAX_TOP, true),
        (MAX_ITERATIONS + 1, 1, false),
        (1, MAX_TOP + 1, false),
    ] {
        let q = Query {
            target: "wrench".into(),
            iterations,
            top,
        };
        assert_eq!(score_serial(&c, &q).is_ok(), ok, "{iterations} {top}");
    }
}

#[test]
fn errors_read_as_one_line_naming_the_range() {
    let text = QueryError::IterationsOutOfRange { iterations: 0 }.to_string();
    assert!(
        text.contains("1 and 100000") && text.contains("got 0"),
        "{text}"
    );
    let text = QueryError::TopOutOfRange { top: 2000 }.to_string();
    assert!(
        text.contains("1 and 1000") && text.contains("2000"),
        "{text}"
    );
    let text = QueryError::UnknownTarget { id: "nope".into() }.to_string();
    assert!(text.contains("\"nope\""), "{text}");
    for e in [
        QueryError::UnknownTarget { id: "a".into() },
        QueryError::IterationsOutOfRange { iterations: 7 },
        QueryError::TopOutOfRange { top: 0 },
    ] {
        assert!(!e.to_string().contains('\n'));
    }
}

#[test]
fn scores_cover_every_candidate_in_catalog_order() {
    let c = catalog();
    let scores = score_serial(&c, &Query::new("pink-lipstick")).unwrap();
    assert_eq!(scores.target, 2);
    let indices: Vec<u32> = scores.candidates.iter().map(|s| s.index).collect();
    assert_eq!(indices, [0, 1, 3, 4]);
    for s in &scores.candidates {
        assert_eq!(s.score, combined_score(s.text, s.attribute));
        assert!((0.0..=1.0).contains(&s.text) && (0.0..=1.0).contains(&s.attribute));
    }
}

#[test]
fn serial_and_parallel_agree_exactly() {
    let c = catalog();
    for id in ["red-lipstick", "claw-hammer", "mascara"] {
        for iterations in [1, 7, 64, 1500] {
            let q = Query {
                iterations,
                ..Query::new(id)
            };
            assert_eq!(
                score_serial(&c, &q).unwrap(),
                score_parallel(&c, &q).unwrap()
            );
            assert_eq!(
                recommend_serial(&c, &q).unwrap(),
                recommend_parallel(&c, &q).unwrap()
            );
        }
    }
}

#[test]
fn every_kernel_scores_the_same() {
    let c = catalog();
    let q = Query {
        iterations: 61,
        ..Query::new("mascara")
    };
    let expected = score_serial(&c, &q).unwrap();
    for kernel in Kernel::available() {
        assert_eq!(score_serial_with(&c, &q, kernel).unwrap(), expected);
        assert_eq!(score_parallel_with(&c, &q, kernel).unwrap(), expected);
    }
}

#[test]
fn similar_products_rank_first() {
    let c = catalog();
    let best = recommend_serial(&c, &Query::new("red-lipstick")).unwrap();
    assert_eq!(best[0].id, "pink-lipstick");
    let ranks: Vec<u32> = best.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4]);
}

#[test]
fn top_k_breaks_ties_by_identifier_and_truncates() {
    let c = catalog();
    let scores = Scores {
        target: 0,
        candidates: [(1, 0.5), (2, 0.9), (3, 0.5), (4, 0.5)]
            .iter()
            .map(|&(index, score)| CandidateScore {
                index,
                text: score,
                attribute: 0.0,
                score,
            })
            .collect(),
    };
    // Ties at 0.5: claw-hammer < mascara < wrench by bytes.
    let ids = |top| -> Vec<String> { top_k(&c, &scores, top).into_iter().map(|r| r.id).collect() };
    assert_eq!(
        ids(10),
        ["pink-lipstick", "claw-hammer", "mascara", "wrench"]
    );
    assert_eq!(ids(2), ["pink-lipstick", "claw-hammer"]);
    assert_eq!(ids(3), ["pink-lipstick", "claw-hammer", "mascara"]);
    assert_eq!(ids(0), Vec::<String>::new());
    let best = top_k(&c, &scores, 1);
    assert_eq!(best[0].rank, 1);
    assert_eq!(best[0].index, 2);
    assert_eq!(best[0].category.as_deref(), Some("beauty"));
}

#[test]
fn every_thread_scores_the_whole_catalog_once_per_pool_thread() {
    let c = catalog();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    // A clock that ticks by one on every reading: each run reads it twice.
    let ticks = std::sync::atomic::AtomicU32::new(0);
    let now = || f64::from(ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let query = Query::new("pink-lipstick");
    let every = pool
        .install(|| score_serial_on_every_thread(&c, &query, Kernel::detect(), now))
        .unwrap();
    assert_eq!(every.times.len(), 3);
    assert!(every.times.iter().all(|&t| t >= 1.0), "{:?}", every.times);
    assert!(every.scores_agree);
    assert_eq!(ticks.into_inner(), 6);

    let unknown = pool.install(|| {
        score_serial_on_every_thread(&c, &Query::new("nope"), Kernel::detect(), || 0.0)
    });
    assert!(
        matches!(unknown, Err(QueryError::UnknownTarget { .. })),
        "{unknown:?}"
    );
}
