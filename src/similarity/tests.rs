//! Unit tests of the kernels, the signals and their combination.

use super::*;
use crate::catalog::{Catalog, Product};

fn catalog(descriptions: &[&str]) -> Catalog {
    let products = descriptions
        .iter()
        .enumerate()
        .map(|(i, description)| Product::new(format!("p{i}"), format!("product {i}"), *description))
        .collect();
    Catalog::from_products(products).unwrap()
}

/// Plain FNV-1a 64 from the offset basis, written out once more for the vectors.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

#[test]
fn fnv1a_matches_published_test_vectors() {
    // From the FNV reference test suite (fnv1a64 of "", "a", "foobar").
    assert_eq!(hash_word(FNV_OFFSET, b""), 0xcbf29ce484222325);
    assert_eq!(hash_word(FNV_OFFSET, b"a"), 0xaf63dc4c8601ec8c);
    assert_eq!(hash_word(FNV_OFFSET, b"foobar"), 0x85944171f73967e8);
}

#[test]
fn seeded_hash_is_fnv1a_of_seed_bytes_then_word() {
    for seed in [0u32, 1, 255, 256, 0x0102_0304, u32::MAX] {
        let mut bytes = seed.to_le_bytes().to_vec();
        bytes.extend_from_slice("café".as_bytes());
        assert_eq!(
            hash_word(seed_basis(seed), "café".as_bytes()),
            fnv1a(&bytes)
        );
    }
    // Little-endian: seed 1 hashes the bytes 01 00 00 00, not 00 00 00 01.
    assert_eq!(seed_basis(1), fnv1a(&[1, 0, 0, 0]));
    assert_ne!(seed_basis(1), fnv1a(&[0, 0, 0, 1]));
}

#[test]
fn seed_bases_are_the_bases_in_order() {
    let bases = seed_bases(20);
    assert_eq!(bases.len(), 20);
    for (i, basis) in bases.iter().enumerate() {
        assert_eq!(*basis, seed_basis(i as u32));
    }
}

#[test]
fn kernel_equals_naive_on_odd_sizes() {
    let c = catalog(&[
        "a",
        "The Essence Mascara Lash Princess is a popular mascara known for its volumizing \
         and lengthening effects. Achieve dramatic lashes with this long-lasting formula.",
        "Ärger über Café ١٢٣ 東京タワー x y z",
        "one two three four five six seven",
    ]);
    for kernel in Kernel::available() {
        // Every remainder modulo the lanes, over one to three whole blocks, and more.
        let lanes = kernel.lanes() as u32;
        let sizes = (1..=3 * lanes + 1).chain([100, 1499, 1500]);
        for iterations in sizes {
            let bases = seed_bases(iterations);
            for i in 0..c.len() {
                let words = c.description_words(i);
                let naive = signature_naive(words, iterations);
                let name = kernel.name();
                assert_eq!(
                    kernel.signature(words, &bases),
                    naive,
                    "{name}: product {i}, {iterations} iterations"
                );
                // The streaming form agrees with the stored one on every component.
                for j in 0..c.len() {
                    let expected = naive
                        .iter()
                        .zip(&signature_naive(c.description_words(j), iterations))
                        .filter(|(a, b)| a == b)
                        .count() as f64
                        / f64::from(iterations);
                    let expected = if c.description_words(j).is_empty()
                        || naive.iter().all(|&m| m == u64::MAX)
                    {
                        0.0
                    } else {
                        expected
                    };
                    assert_eq!(
                        kernel.text_similarity(&naive, &bases, c.description_words(j)),
                        expected,
                        "{name}: products {i} and {j}, {iterations} iterations"
                    );
                }
            }
        }
    }
}

#[test]
fn kernels_are_found_by_name_and_detect_picks_the_widest() {
    let available = Kernel::available();
    assert_eq!(available[0], Kernel::PORTABLE);
    assert_eq!(Kernel::detect(), *available.last().unwrap());
    for kernel in &available {
        assert_eq!(Kernel::by_name(kernel.name()), Some(*kernel));
        assert!(kernel.lanes() >= LANES);
    }
    assert_eq!(Kernel::PORTABLE.lanes(), LANES);
    assert_eq!(Kernel::by_name("auto"), None);
}

#[test]
fn naive_signature_is_min_of_seeded_hashes() {
    let c = catalog(&["beta alpha"]);
    let sig = signature_naive(c.description_words(0), 5);
    for (seed, component) in sig.iter().enumerate() {
        let seed = seed as u32;
        let alpha = fnv1a(&[&seed.to_le_bytes()[..], b"alpha"].concat());
        let beta = fnv1a(&[&seed.to_le_bytes()[..], b"beta"].concat());
        assert_eq!(*component, alpha.min(beta));
    }
}

#[test]
fn empty_sets_give_max_signature_and_zero_similarity() {
    let c = catalog(&["!!! ...", "red lipstick"]);
    let bases = seed_bases(13);
    let empty = c.description_words(0);
    let full = c.description_words(1);
    assert_eq!(signature(empty, &bases), vec![u64::MAX; 13]);
    assert_eq!(signature_naive(empty, 13), vec![u64::MAX; 13]);
    let empty_sig = signature(empty, &bases);
    let full_sig = signature(full, &bases);
    assert_eq!(text_similarity(&empty_sig, &bases, full), 0.0);
    assert_eq!(text_similarity(&full_sig, &bases, empty), 0.0);
    assert_eq!(text_similarity(&empty_sig, &bases, empty), 0.0);
    assert_eq!(text_similarity(&[], &[], full), 0.0);
}

#[test]
fn a_set_is_fully_similar_to_itself() {
    let c = catalog(&["matte red lipstick, long lasting", "x"]);
    for iterations in [1, 9, 1500] {
        let bases = seed_bases(iterations);
        for i in 0..c.len() {
            let sig = signature(c.description_words(i), &bases);
            assert_eq!(text_similarity(&sig, &bases, c.description_words(i)), 1.0);
        }
    }
}

#[test]
fn streaming_similarity_counts_agreeing_components() {
    let c = catalog(&[
        "red matte lipstick long lasting formula",
        "red glossy lipstick with a long lasting shine",
        "steel claw hammer",
    ]);
    let iterations = 203;
    let bases = seed_bases(iterations);
    let target = signature_naive(c.description_words(0), iterations);
    for i in 0..c.len() {
        let candidate = signature_naive(c.description_words(i), iterations);
        let agree = target
            .iter()
            .zip(&candidate)
            .filter(|(a, b)| a == b)
            .count();
        let expected = agree as f64 / f64::from(iterations);
        assert_eq!(
            text_similarity(&target, &bases, c.description_words(i)),
            expected
        );
    }
    // Shared words make agreement likely; disjoint words almost never agree.
    assert!(text_similarity(&target, &bases, c.description_words(1)) > 0.2);
    assert!(text_similarity(&target, &bases, c.description_words(2)) < 0.05);
}

#[test]
#[should_panic(expected = "differ in length")]
fn mismatched_signature_length_panics() {
    let c = catalog(&["a"]);
    text_similarity(&[1, 2], &seed_bases(3), c.description_words(0));
}

#[test]
fn jaccard_of_attribute_sets() {
    assert_eq!(attribute_similarity(&[], &[]), 0.0);
    assert_eq!(attribute_similarity(&[1], &[]), 0.0);
    assert_eq!(attribute_similarity(&[1, 5, 9], &[1, 5, 9]), 1.0);
    assert_eq!(attribute_similarity(&[1, 2], &[3, 4]), 0.0);
    assert_eq!(attribute_similarity(&[1, 2, 3, 4], &[2, 4, 6]), 2.0 / 5.0);
    assert_eq!(attribute_similarity(&[2, 4, 6], &[1, 2, 3, 4]), 2.0 / 5.0);
}

#[test]
fn combined_score_is_the_documented_weighted_sum() {
    assert_eq!(
        combined_score(0.25, 0.75),
        TEXT_WEIGHT * 0.25 + ATTRIBUTE_WEIGHT * 0.75
    );
    assert!((TEXT_WEIGHT + ATTRIBUTE_WEIGHT - 1.0).abs() < 1e-12);
    const { assert!(TEXT_WEIGHT > 0.0 && ATTRIBUTE_WEIGHT > 0.0) };
}
