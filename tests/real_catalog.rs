#![cfg(not(target_arch = "wasm32"))]
//! Category precision@5 on the real catalog (`../shared/catalogs/dummyjson-products.json`),
//! the measure the weights in `similarity.rs` were chosen by. Where the file is absent the
//! tests are ignored, with the reason, and cargo counts them (build.rs sets `real_catalog`).
//!
//! `cargo test --test real_catalog -- --nocapture` prints the figures.

use std::path::{Path, PathBuf};

use shop_recs::rank::{CandidateScore, DEFAULT_ITERATIONS, Scores, score_parallel, top_k};
use shop_recs::similarity::{
    ATTRIBUTE_WEIGHT, TEXT_WEIGHT, attribute_similarity, combined_score, seed_bases, signature,
};
use shop_recs::{Catalog, Query, parse_catalog, recommend_serial};

fn catalog_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/catalogs/dummyjson-products.json")
}

/// The real catalog; only called by tests that run when it is there (see build.rs).
fn load() -> Catalog {
    let path = catalog_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_catalog(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Which signal ranks the candidates.
#[derive(Clone, Copy, Debug)]
enum Signal {
    Text,
    Attribute,
    Combined,
}

/// Mean over all targets of the share of the target's top 5 in its category.
fn precision_at_5(catalog: &Catalog, all_scores: &[Scores], signal: Signal) -> f64 {
    let mut total = 0.0;
    for scores in all_scores {
        // Re-key the candidates by the chosen signal; top_k keeps the crate's order
        // (score descending, identifier ascending).
        let rekeyed = Scores {
            target: scores.target,
            candidates: scores
                .candidates
                .iter()
                .map(|c| CandidateScore {
                    score: match signal {
                        Signal::Text => c.text,
                        Signal::Attribute => c.attribute,
                        Signal::Combined => c.score,
                    },
                    ..*c
                })
                .collect(),
        };
        let category = catalog.product(scores.target).category;
        let best = top_k(catalog, &rekeyed, 5);
        assert_eq!(best.len(), 5);
        total += best
            .iter()
            .filter(|r| r.category.as_deref() == category)
            .count() as f64
            / 5.0;
    }
    total / all_scores.len() as f64
}

/// Every product's [`Scores`] as a target, at the default iterations.
///
/// Scoring all 194 targets through `score_parallel` hashes every description 194 times,
/// which takes minutes in an unoptimized test build. Text similarity is the share of
/// agreeing signature components, so computing each signature once and comparing gives
/// the same figures; three targets are checked against `score_parallel` to hold that.
fn all_scores(catalog: &Catalog) -> Vec<Scores> {
    let bases = seed_bases(DEFAULT_ITERATIONS);
    let signatures: Vec<Vec<u64>> = (0..catalog.len())
        .map(|i| signature(catalog.description_words(i), &bases))
        .collect();
    let text = |a: usize, b: usize| {
        if catalog.description_words(a).is_empty() || catalog.description_words(b).is_empty() {
            return 0.0;
        }
        let agree = signatures[a]
            .iter()
            .zip(&signatures[b])
            .filter(|(x, y)| x == y)
            .count();
        agree as f64 / bases.len() as f64
    };
    let all: Vec<Scores> = (0..catalog.len())
        .map(|target| Scores {
            target,
            candidates: (0..catalog.len())
                .filter(|&i| i != target)
                .map(|i| {
                    let text = text(target, i);
                    let attribute = attribute_similarity(
                        catalog.attribute_words(target),
                        catalog.attribute_words(i),
                    );
                    let score = combined_score(text, attribute);
                    CandidateScore {
                        index: i as u32,
                        text,
                        attribute,
                        score,
                    }
                })
                .collect(),
        })
        .collect();
    for target in [0, catalog.len() / 2, catalog.len() - 1] {
        let query = Query::new(catalog.product(target).id);
        assert_eq!(
            score_parallel(catalog, &query).expect("a valid target"),
            all[target]
        );
    }
    all
}

#[test]
#[cfg_attr(
    not(real_catalog),
    ignore = "needs ../shared/catalogs/dummyjson-products.json, which is not there"
)]
fn combined_precision_beats_the_weaker_signal() {
    let catalog = load();
    let all_scores = all_scores(&catalog);
    let text = precision_at_5(&catalog, &all_scores, Signal::Text);
    let attribute = precision_at_5(&catalog, &all_scores, Signal::Attribute);
    let combined = precision_at_5(&catalog, &all_scores, Signal::Combined);
    println!(
        "category precision@5 over {} products: text only {text:.4}, attribute only \
         {attribute:.4}, combined ({TEXT_WEIGHT} text + {ATTRIBUTE_WEIGHT} attribute) {combined:.4}",
        catalog.len()
    );
    // The figures `TEXT_WEIGHT`'s documentation gives for these weights (4 decimals).
    assert_eq!(format!("{text:.4}"), "0.5299", "text only");
    assert_eq!(format!("{attribute:.4}"), "0.8588", "attributes only");
    assert_eq!(
        format!("{combined:.4}"),
        "0.8588",
        "0.1 text + 0.9 attributes"
    );
    assert!(
        combined >= text.min(attribute),
        "combined {combined} is worse than both signals"
    );
    // 24 categories: a random top 5 would score about 0.09.
    assert!(
        combined > 0.6,
        "combined precision@5 {combined} is implausibly low"
    );
}

#[test]
#[cfg_attr(
    not(real_catalog),
    ignore = "needs ../shared/catalogs/dummyjson-products.json, which is not there"
)]
fn lipstick_is_recommended_beauty_products() {
    let catalog = load();
    let lipstick = catalog
        .products()
        .find(|p| p.name.to_lowercase().contains("lipstick"))
        .expect("the catalog has a lipstick");
    assert_eq!(lipstick.category, Some("beauty"));
    let best = recommend_serial(
        &catalog,
        &Query {
            top: 5,
            ..Query::new(lipstick.id)
        },
    )
    .expect("a known target");
    let beauty_total = catalog
        .products()
        .filter(|p| p.category == Some("beauty"))
        .count();
    let beauty_in_top5 = best
        .iter()
        .filter(|r| r.category.as_deref() == Some("beauty"))
        .count();
    for r in &best {
        println!(
            "{} {:?} {:?} score {:.4} text {:.4} attribute {:.4}",
            r.rank, r.name, r.category, r.score, r.text, r.attribute
        );
    }
    // "All five are beauty" is impossible here: the catalog has only `beauty_total` (5)
    // beauty products, the lipstick included. What must hold: the best match is a beauty
    // product, and beauty products are the majority of the top 5.
    assert_eq!(best[0].category.as_deref(), Some("beauty"), "{best:?}");
    assert!(
        beauty_in_top5 * 2 > best.len(),
        "{beauty_in_top5} of 5 are beauty ({beauty_total} exist): {best:?}"
    );
}
