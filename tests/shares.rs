#![cfg(not(target_arch = "wasm32"))]
//! The share-nothing split behind the page's Workers mode (`rank::Share`,
//! `rank::score_share`): every candidate is scored exactly once, by exactly one share, for
//! any number of workers (1 to more than there are candidates) and both splits, with the
//! serial scorer's scores bit for bit; and the shares' own top Ks, merged in the ranking
//! order, are exactly the serial top K, ties included. Also the skewed generator the
//! workloads use: long products in the first quarter, the rest unchanged.
//!
//! The page's merge (www/js/merge.js) is tested in tests/js/merge.test.mjs, and the whole
//! mode against wasm serial in the browser (tests/e2e/workers.test.mjs).

use proptest::prelude::*;
use shop_recs::generate::{MAX_SKEW, Skew, generate, generate_skewed, products};
use shop_recs::rank::{
    Pieces, Query, Recommendation, Share, ShareError, Split, score_parallel_pieces, score_serial,
    score_share, top_k,
};
use shop_recs::similarity::Kernel;
use shop_recs::{Catalog, Product};

/// The splits that deal equal counts (the balanced split deals equal estimated costs).
const SPLITS: [Split; 2] = [Split::Blocks, Split::Interleaved];
const ALL_SPLITS: [Split; 3] = [Split::Blocks, Split::Interleaved, Split::Balanced];

/// A catalog whose scores tie a lot: three words, two categories, short identifiers in
/// an order that differs from catalog order.
fn tied_catalog(n: usize) -> Catalog {
    let words = ["red", "steel", "cotton"];
    let products = (0..n)
        .map(|i| Product {
            category: Some(["a", "b"][i % 2].to_string()),
            ..Product::new(
                format!("p{:03}", (i * 7) % n + 1000 * (i % 3)),
                "x",
                words[i % 3],
            )
        })
        .collect();
    Catalog::from_products(products).expect("valid catalog")
}

/// The naive merge the page's merge must agree with: every share's top K together,
/// sorted in the ranking order (score descending, then identifier bytes), cut to `top`.
fn merged(mut lists: Vec<Vec<Recommendation>>, top: usize) -> Vec<(String, f64, f64, f64)> {
    let mut all: Vec<Recommendation> = lists.drain(..).flatten().collect();
    all.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.id.as_bytes().cmp(b.id.as_bytes()))
    });
    all.truncate(top);
    all.into_iter()
        .map(|r| (r.id, r.score, r.text, r.attribute))
        .collect()
}

fn plain(ranking: Vec<Recommendation>) -> Vec<(String, f64, f64, f64)> {
    ranking
        .into_iter()
        .map(|r| (r.id, r.score, r.text, r.attribute))
        .collect()
}

/// Checks both properties for one catalog, target, top and worker count.
fn check(catalog: &Catalog, target: usize, top: usize, workers: usize) {
    let query = Query {
        target: catalog.product(target).id.to_string(),
        iterations: 64,
        top,
    };
    let serial = score_serial(catalog, &query).expect("serial");
    for split in ALL_SPLITS {
        let mut seen = vec![0u32; catalog.len()];
        let mut lists = Vec::new();
        for worker in 0..workers {
            let share = Share::new(worker, workers, split).expect("share");
            let scores = score_share(catalog, &query, share).expect("share scores");
            for candidate in &scores.candidates {
                seen[candidate.index as usize] += 1;
                // The same scores as the serial run's, bit for bit.
                let reference = serial
                    .candidates
                    .iter()
                    .find(|c| c.index == candidate.index)
                    .expect("a candidate of the serial run");
                assert_eq!(candidate, reference, "{split:?}, {workers} workers");
            }
            lists.push(top_k(catalog, &scores, top));
        }
        for (index, &count) in seen.iter().enumerate() {
            let expected = u32::from(index != target);
            assert_eq!(
                count, expected,
                "{split:?}, {workers} workers: product {index} scored {count} times"
            );
        }
        assert_eq!(
            merged(lists, top),
            plain(top_k(catalog, &serial, top)),
            "{split:?}, {workers} workers, top {top}"
        );
    }
}

#[test]
fn every_candidate_once_and_the_merge_is_the_serial_ranking() {
    let catalog = tied_catalog(23);
    for workers in 1..=25 {
        for (target, top) in [(0, 5), (11, 1), (22, 22), (5, 1000)] {
            check(&catalog, target, top, workers);
        }
    }
}

#[test]
fn a_one_product_catalog_has_nothing_to_share() {
    let catalog = tied_catalog(1);
    for workers in [1, 2, 3] {
        check(&catalog, 0, 10, workers);
    }
}

#[test]
fn positions_are_balanced_and_ordered() {
    for candidates in [0, 1, 7, 1000, 1001] {
        for workers in [1, 2, 3, 16] {
            for split in SPLITS {
                let sizes: Vec<usize> = (0..workers)
                    .map(|w| {
                        Share::new(w, workers, split)
                            .unwrap()
                            .positions(candidates)
                            .count()
                    })
                    .collect();
                let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(
                    max - min <= 1,
                    "{split:?} {candidates}/{workers}: {sizes:?}"
                );
                assert_eq!(sizes.iter().sum::<usize>(), candidates);
            }
        }
    }
    let blocks: Vec<usize> = Share::new(0, 2, Split::Blocks)
        .unwrap()
        .positions(5)
        .collect();
    assert_eq!(blocks, [0, 1]);
}

#[test]
fn bad_shares_are_refused() {
    assert_eq!(Share::new(0, 0, Split::Blocks), Err(ShareError::NoWorkers));
    let err = Share::new(3, 3, Split::Interleaved).unwrap_err();
    assert_eq!(
        err,
        ShareError::WorkerOutOfRange {
            worker: 3,
            workers: 3
        }
    );
    assert!(err.to_string().contains("3 workers"), "{err}");
}

#[test]
fn a_skewed_catalog_is_uneven_in_its_first_quarter_only() {
    let n = 2_000;
    let uniform = generate(n, 42).unwrap();
    let skewed = generate_skewed(n, 42, Skew::new(5).unwrap()).unwrap();
    assert_eq!(
        generate_skewed(n, 42, Skew::NONE).unwrap(),
        uniform,
        "skew 0 is the uniform catalog, byte for byte"
    );
    let every = |skew| -> Vec<Product> { products(n, 42, skew).unwrap().collect() };
    let (skewed_products, uniform_products) = (every(Skew::new(5).unwrap()), every(Skew::NONE));
    let long: Vec<usize> = (0..n)
        .filter(|&i| skewed_products[i].description.len() > 1_000)
        .collect();
    // About 5% of 2,000, all in the first quarter.
    assert!(
        (60..=140).contains(&long.len()),
        "{} long products",
        long.len()
    );
    assert!(long.iter().all(|&i| i < n / 4), "{long:?}");
    for i in 0..n {
        let (s, u) = (&skewed_products[i], &uniform_products[i]);
        if long.contains(&i) {
            let factor = s.description.len() / u.description.len();
            assert!((8..=130).contains(&factor), "product {i}: {factor}x");
            assert!(s.description.starts_with(&u.description));
            // Distinct words: the MinHash work grows with the length.
            assert!(skewed.description_words(i).len() > 10 * uniform.description_words(i).len());
        } else {
            assert_eq!(s, u, "product {i} is not long, so it is unchanged");
            assert_eq!(skewed.product(i), uniform.product(i));
        }
    }
    assert!(Skew::new(MAX_SKEW + 1).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Generated catalogs, skewed or not, any target, top and worker count.
    #[test]
    fn shares_merge_to_the_serial_ranking(
        n in 1usize..120,
        skew in 0u32..=MAX_SKEW,
        target_pick in 0usize..1000,
        top in 1usize..40,
        workers in 1usize..10,
    ) {
        let catalog = generate_skewed(n, 7, Skew::new(skew).unwrap()).unwrap();
        check(&catalog, target_pick % n, top, workers);
    }
}

/// A share's estimated cost: what `Split::Balanced` and `Pieces::ByCost` even out (each
/// candidate's description words plus one).
fn cost_of(catalog: &Catalog, target: usize, share: Share) -> u64 {
    share
        .positions_in(catalog, target)
        .map(|k| {
            let candidate = k + usize::from(k >= target);
            catalog.description_words(candidate).len() as u64 + 1
        })
        .sum()
}

#[test]
fn balanced_shares_cost_the_same_on_a_skewed_catalog() {
    let catalog = generate_skewed(2_000, 3, Skew::new(5).expect("skew")).expect("a catalog");
    let target = 7;
    let max_cost = (0..catalog.len())
        .map(|i| catalog.description_words(i).len() as u64 + 1)
        .max()
        .expect("products");
    for workers in [2, 3, 4, 7] {
        let costs = |split| -> Vec<u64> {
            (0..workers)
                .map(|w| {
                    cost_of(
                        &catalog,
                        target,
                        Share::new(w, workers, split).expect("share"),
                    )
                })
                .collect()
        };
        let balanced = costs(Split::Balanced);
        let mean = balanced.iter().sum::<u64>() / workers as u64;
        for cost in &balanced {
            // Each share ends at the first candidate that reaches its share of the total:
            // it is off by less than one candidate's cost.
            assert!(
                cost.abs_diff(mean) <= max_cost,
                "{workers} workers, balanced: {balanced:?} (largest candidate {max_cost})"
            );
        }
        // The skew puts the long products in the first quarter: plain blocks are not.
        let blocks = costs(Split::Blocks);
        assert!(
            blocks[0] > mean + max_cost,
            "{workers} workers: blocks {blocks:?} should be unbalanced, balanced {balanced:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the pieces and the pool's size, the parallel scorer's scores are the serial
    /// scorer's, bit for bit, on uniform and skewed catalogs.
    #[test]
    fn every_way_of_cutting_pieces_scores_like_serial(
        n in 1usize..300,
        seed in any::<u64>(),
        skew in 0u32..=MAX_SKEW,
        threads in 1usize..5,
        target in any::<prop::sample::Index>(),
    ) {
        let catalog = generate_skewed(n, seed, Skew::new(skew).expect("skew")).expect("a catalog");
        let query = Query {
            target: catalog.product(target.index(n)).id.to_string(),
            iterations: 16,
            top: 5,
        };
        let serial = score_serial(&catalog, &query).expect("serial");
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        for pieces in Pieces::ALL {
            let parallel = pool
                .install(|| score_parallel_pieces(&catalog, &query, Kernel::detect(), pieces))
                .expect("parallel");
            prop_assert_eq!(&parallel, &serial, "{:?} on {} threads", pieces, threads);
        }
    }
}
