#![cfg(not(target_arch = "wasm32"))]
//! The bounded top K (`rank::top_k`, `rank::top_k_parallel`) against the selection it
//! replaced, kept here as the oracle: copy every candidate, select and sort with the
//! ranking order comparing identifier strings. Same identifiers, same f64 scores, same
//! ranks, ties included, for any `top` (0, 1, past the candidates), on catalogs built to
//! tie, and on any pool size.

use std::cmp::Ordering;

use proptest::prelude::*;
use shop_recs::generate::generate;
use shop_recs::rank::{
    CandidateScore, Query, Recommendation, Scores, score_serial, top_k, top_k_parallel,
};
use shop_recs::{Catalog, Product};

/// The former `top_k`: a copy of all candidates, `select_nth_unstable_by` and a sort,
/// breaking ties by the identifiers' bytes.
fn oracle(catalog: &Catalog, scores: &Scores, top: usize) -> Vec<Recommendation> {
    let order = |a: &CandidateScore, b: &CandidateScore| -> Ordering {
        b.score.total_cmp(&a.score).then_with(|| {
            let a_id = catalog.product(a.index as usize).id;
            let b_id = catalog.product(b.index as usize).id;
            a_id.as_bytes().cmp(b_id.as_bytes())
        })
    };
    let mut ranked = scores.candidates.clone();
    let keep = top.min(ranked.len());
    if keep == 0 {
        return Vec::new();
    }
    if keep < ranked.len() {
        ranked.select_nth_unstable_by(keep - 1, order);
        ranked.truncate(keep);
    }
    ranked.sort_unstable_by(order);
    ranked
        .iter()
        .zip(1u32..)
        .map(|(candidate, rank)| {
            let product = catalog.product(candidate.index as usize);
            Recommendation {
                rank,
                index: candidate.index,
                id: product.id.to_string(),
                name: product.name.to_string(),
                category: product.category.map(str::to_string),
                score: candidate.score,
                text: candidate.text,
                attribute: candidate.attribute,
            }
        })
        .collect()
}

/// `n` products over three descriptions and two categories (most scores tie), with
/// identifiers whose byte order is not catalog order; non-ASCII ones included, where
/// byte order and UTF-16 order differ.
fn tied_catalog(n: usize, salt: usize) -> Catalog {
    let words = ["red wool", "steel", "cotton red"];
    let ids = ["p", "é", "\u{10000}", "Z", "a-"];
    let products = (0..n)
        .map(|i| Product {
            category: Some(["a", "b"][(i + salt) % 2].to_string()),
            ..Product::new(
                format!(
                    "{}{}",
                    ids[(i * 3 + salt) % ids.len()],
                    (i * 7919 + salt) % 100_003
                ),
                "x",
                words[(i + salt) % 3],
            )
        })
        .collect();
    Catalog::from_products(products).expect("distinct identifiers")
}

fn check(catalog: &Catalog, target: usize, top: usize) {
    let query = Query {
        iterations: 16,
        ..Query::new(catalog.product(target).id)
    };
    let scores = score_serial(catalog, &query).expect("valid query");
    let expected = oracle(catalog, &scores, top);
    assert_eq!(top_k(catalog, &scores, top), expected, "serial, top {top}");
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool");
        let parallel = pool.install(|| top_k_parallel(catalog, &scores, top));
        assert_eq!(
            parallel, expected,
            "parallel on {threads} threads, top {top}"
        );
    }
}

#[test]
fn ties_everywhere_rank_as_the_oracle_does() {
    let catalog = tied_catalog(600, 1);
    for top in [0, 1, 2, 10, 100, 598, 599, 600, 5_000] {
        check(&catalog, 7, top);
    }
}

#[test]
fn a_catalog_larger_than_a_parallel_piece_merges_exactly() {
    // More candidates than one piece of the parallel selection (16,384), so that several
    // pieces' top Ks are merged.
    let catalog = tied_catalog(40_000, 3);
    for top in [1, 50, 1_000] {
        check(&catalog, 123, top);
    }
    let generated = generate(20_000, 5).expect("generated");
    check(&generated, 0, 100);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_catalog_target_and_top(n in 2usize..300, salt in 0usize..50, target in 0usize..300, top in 0usize..320) {
        let catalog = tied_catalog(n, salt);
        check(&catalog, target % n, top);
    }
}
