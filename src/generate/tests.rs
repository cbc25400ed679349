//! Unit tests of the generator.
use super::*;

/// Every field of the first `n` products of `seed`.
fn all(n: usize, seed: u64) -> Vec<Product> {
    products(n, seed, Skew::NONE).unwrap().collect()
}

#[test]
fn same_seed_same_catalog_and_different_seeds_differ() {
    let a = all(300, 11);
    assert_eq!(a, all(300, 11));
    assert_eq!(generate(300, 11).unwrap(), generate(300, 11).unwrap());
    let c = all(300, 12);
    let same = a.iter().zip(&c).filter(|(x, y)| x == y).count();
    assert_eq!(same, 0, "seeds 11 and 12 gave {same} identical products");
}

#[test]
fn a_larger_catalog_extends_a_smaller_one() {
    assert_eq!(all(50, 3), &all(120, 3)[..50]);
    let (small, large) = (generate(50, 3).unwrap(), generate(120, 3).unwrap());
    assert!(small.products().eq(large.products().take(50)));
}

#[test]
fn descriptions_are_150_to_250_bytes() {
    for seed in 0..4 {
        for product in all(2_000, seed) {
            let bytes = product.description.len();
            assert!(
                (MIN_DESCRIPTION..=MAX_DESCRIPTION).contains(&bytes),
                "{}: {bytes} bytes: {:?}",
                product.id,
                product.description
            );
        }
    }
}

#[test]
fn identifiers_are_unique_slugs_ending_in_the_index() {
    let catalog = generate(1_000, 5).unwrap();
    let mut ids: Vec<&str> = catalog.products().map(|p| p.id).collect();
    for (index, id) in ids.iter().enumerate() {
        assert!(id.ends_with(&format!("-{index}")), "{id}");
        let slug_chars = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        assert!(id.chars().all(slug_chars) && !id.contains("--"), "{id}");
        let category = catalog.product(index).category.unwrap();
        assert!(id.starts_with(&format!("{category}-")), "{id}");
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), catalog.len());
}

#[test]
fn products_have_a_category_tags_and_a_two_decimal_price() {
    let products = all(1_000, 9);
    let mut categories: Vec<&str> = Vec::new();
    for product in &products {
        let category = product.category.as_deref().unwrap();
        if !categories.contains(&category) {
            categories.push(category);
        }
        assert!((2..=4).contains(&product.tags.len()), "{:?}", product.tags);
        let mut tags = product.tags.clone();
        tags.sort();
        tags.dedup();
        assert_eq!(
            tags.len(),
            product.tags.len(),
            "repeated tag in {:?}",
            product.tags
        );
        let price = product.price.unwrap();
        let cents = price * 100.0;
        assert!(
            price > 0.0 && (cents - cents.round()).abs() < 1e-6,
            "{price}"
        );
        assert!(
            !product.description.contains('{'),
            "{}",
            product.description
        );
    }
    assert_eq!(categories.len(), CATEGORIES.len());
}

#[test]
fn vocabulary_is_ascii_and_fits_the_buffers() {
    for category in &CATEGORIES {
        let lists = [
            category.adjectives,
            category.nouns,
            category.materials,
            category.features,
            category.purposes,
            category.tags,
            category.openings,
            category.sentences,
        ];
        for text in lists.iter().flat_map(|list| list.iter()) {
            assert!(text.is_ascii(), "{text}");
        }
        assert!(
            category.sentences.len() <= MAX_SENTENCES,
            "{}",
            category.name
        );
        // Three distinct extra tags even when one of the pool equals the noun tag.
        assert!(category.tags.len() <= MAX_TAGS && category.tags.len() >= 4);
        assert!(category.adjectives.len() >= 2 && category.features.len() >= 2);
        assert!(category.price_dollars.0 < category.price_dollars.1);
    }
    assert!(FILLERS.iter().all(|filler| filler.len() < 100));
}

#[test]
fn same_category_descriptions_share_more_words_than_different_ones() {
    let word_set = |text: &str| {
        let mut words = crate::tokens::WordBuffer::default();
        words.fill(text);
        words.sort_dedup();
        words.iter().map(str::to_string).collect::<Vec<_>>()
    };
    let products = all(400, 21);
    let jaccard = |a: &str, b: &str| {
        let (a, b) = (word_set(a), word_set(b));
        let shared = a.iter().filter(|w| b.contains(w)).count();
        shared as f64 / (a.len() + b.len() - shared) as f64
    };
    let (mut same, mut same_n, mut other, mut other_n) = (0.0, 0, 0.0, 0);
    for i in 0..100 {
        for j in (i + 1)..100 {
            let score = jaccard(&products[i].description, &products[j].description);
            if products[i].category == products[j].category {
                same += score;
                same_n += 1;
            } else {
                other += score;
                other_n += 1;
            }
        }
    }
    let (same, other) = (same / same_n as f64, other / other_n as f64);
    assert!(
        same > 2.0 * other,
        "same category {same:.3}, different {other:.3}"
    );
}

#[test]
fn no_a_before_a_vowel() {
    for product in all(2_000, 13) {
        let words: Vec<&str> = product.description.split(' ').collect();
        for pair in words.windows(2) {
            let vowel = pair[1].starts_with(['a', 'e', 'i', 'o', 'u']);
            assert!(
                !(pair[0].eq_ignore_ascii_case("a") && vowel),
                "{}",
                product.description
            );
        }
    }
}

#[test]
fn rejects_zero_and_too_many() {
    assert_eq!(generate(0, 1).unwrap_err(), CatalogError::Empty);
    assert_eq!(
        generate(MAX_PRODUCTS + 1, 1).unwrap_err(),
        CatalogError::TooManyProducts {
            count: MAX_PRODUCTS + 1,
            limit: MAX_PRODUCTS
        }
    );
}

#[test]
fn slugs_and_decimals_are_written_like_the_formatter_would() {
    let mut out = String::new();
    push_slug(&mut out, "2-in-1 Laptop  (Pro)!");
    assert_eq!(out, "2-in-1-laptop-pro");
    for value in [0, 7, 10, 1_000_000, u64::MAX] {
        let mut out = String::new();
        push_decimal(&mut out, value);
        assert_eq!(out, value.to_string());
    }
}

/// Small pieces, so that a few thousand products make many pieces and several batches
/// (the last piece and the last batch short), on pools of 1 to 4 threads: the serial
/// generator's catalog every time, and progress reported in order up to `n`.
#[test]
fn pieces_on_the_pool_make_the_serial_catalog() {
    for (n, piece, threads, skew) in [
        (1, 1, 1, 0),
        (7, 2, 2, 0),
        (1_000, 7, 2, 5),
        (2_345, 64, 3, 20),
        (3_000, 1_000, 4, 5),
        (60_001, 100, 2, 0),
    ] {
        let skew = Skew::new(skew).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut reports = Vec::new();
        let merged = pool
            .install(|| generate_in_pieces(n, 9, skew, piece, &mut |k| reports.push(k)))
            .unwrap();
        let serial = generate_skewed(n, 9, skew).unwrap();
        assert!(
            merged == serial,
            "n {n}, pieces of {piece}, {threads} threads"
        );
        assert_eq!(merged.to_tables(), serial.to_tables());
        assert_eq!(reports.last(), Some(&n));
        assert!(reports.windows(2).all(|w| w[0] < w[1]), "{reports:?}");
        assert_eq!(reports.len(), n.div_ceil(REPORT_EVERY), "{reports:?}");
    }
}
