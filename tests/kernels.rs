#![cfg(not(target_arch = "wasm32"))]
//! Every form of the MinHash kernel this CPU runs (`Kernel::available()`: the portable
//! one everywhere, AVX2 and AVX-512 where the CPU has them) gives exactly the naive
//! reference's signatures and agreement counts, on random descriptions and seed counts.
//!
//! `tests/oracle.rs` checks the rankings through the kernel `Kernel::detect()` picks;
//! this file reaches the other forms, whose lane counts (and so whose padded last blocks)
//! differ.

use proptest::prelude::*;
use shop_recs::similarity::{Kernel, seed_bases, signature_naive};
use shop_recs::{Catalog, Product};

fn catalog(descriptions: &[String]) -> Catalog {
    let products = descriptions
        .iter()
        .enumerate()
        .map(|(i, description)| {
            Product::new(format!("p{i}"), format!("product {i}"), description.clone())
        })
        .collect();
    Catalog::from_products(products).expect("a valid catalog")
}

/// Words of every length from 1 to 40 bytes, ASCII and not, joined by spaces.
fn description() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z0-9]{1,12}|[éßΩ東京]{1,4}|[a-z]{20,40}", 0..30)
        .prop_map(|words| words.join(" "))
}

/// The share of components on which two naive signatures agree, as
/// `Kernel::text_similarity` defines it (0 when either set is empty).
fn naive_similarity(target: &[u64], candidate: &[u64], candidate_empty: bool) -> f64 {
    if candidate_empty || target.iter().all(|&m| m == u64::MAX) {
        return 0.0;
    }
    let agree = target.iter().zip(candidate).filter(|(a, b)| a == b).count();
    agree as f64 / target.len() as f64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_kernel_equals_the_naive_reference(
        descriptions in prop::collection::vec(description(), 1..6),
        iterations in 1u32..300,
    ) {
        let catalog = catalog(&descriptions);
        let bases = seed_bases(iterations);
        let naive: Vec<Vec<u64>> = (0..catalog.len())
            .map(|i| signature_naive(catalog.description_words(i), iterations))
            .collect();
        for kernel in Kernel::available() {
            for (i, expected) in naive.iter().enumerate() {
                let words = catalog.description_words(i);
                prop_assert_eq!(&kernel.signature(words, &bases), expected, "{}", kernel.name());
                for (j, candidate) in naive.iter().enumerate() {
                    let candidate_words = catalog.description_words(j);
                    prop_assert_eq!(
                        kernel.text_similarity(expected, &bases, candidate_words),
                        naive_similarity(expected, candidate, candidate_words.is_empty()),
                        "{}: {} against {}", kernel.name(), i, j
                    );
                }
            }
        }
    }
}

#[test]
fn the_portable_kernel_is_always_available() {
    assert!(Kernel::available().contains(&Kernel::PORTABLE));
    assert_eq!(Kernel::by_name("portable"), Some(Kernel::PORTABLE));
}
