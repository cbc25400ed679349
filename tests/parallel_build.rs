#![cfg(not(target_arch = "wasm32"))]
//! A catalog built in pieces side by side and merged (`CatalogBuilder::starting_at`,
//! `CatalogBuilder::merge`, `generate_on_pool`) is the serial build's, table for table:
//! the same words, offsets and attribute and category ids in the same first-use order,
//! for random catalogs cut at random places, and the same first problem when there is one.

use proptest::prelude::*;
use shop_recs::catalog::CatalogBuilder;
use shop_recs::generate::{Skew, generate_on_pool, generate_skewed};
use shop_recs::{Catalog, CatalogError, Product};

/// Few words, so that products share them and first uses fall in every piece.
const WORDS: [&str; 12] = [
    "red", "wool", "hat", "blue", "soft", "Warm", "scarf", "linen", "café", "x", "long", "RED",
];

fn text(words: &[usize]) -> String {
    let words: Vec<&str> = words.iter().map(|&w| WORDS[w % WORDS.len()]).collect();
    words.join(" ")
}

fn product() -> impl Strategy<Value = Product> {
    (
        // Identifiers from a small set: repeats happen; "" is a problem of its own.
        prop_oneof![9 => (0u32..60).prop_map(|k| format!("p{k}")), 1 => Just(String::new())],
        prop::collection::vec(0usize..40, 0..4),
        prop::collection::vec(0usize..40, 0..12),
        prop::option::of(0usize..5),
        prop::collection::vec(0usize..40, 0..3),
    )
        .prop_map(|(id, name, description, category, tags)| {
            let mut product = Product::new(&id, text(&name), text(&description));
            product.category = category.map(|c| ["Yarn", "Hats", "hats", "Linen", "Ü"][c].into());
            product.tags = tags
                .iter()
                .map(|&t| WORDS[t % WORDS.len()].into())
                .collect();
            product
        })
}

fn serial(products: &[Product]) -> Result<Catalog, CatalogError> {
    let mut builder = CatalogBuilder::default();
    products.iter().for_each(|p| builder.push(p));
    builder.finish()
}

fn in_pieces(products: &[Product], cuts: &[usize]) -> Result<Catalog, CatalogError> {
    let mut ends: Vec<usize> = cuts.iter().map(|&c| c % (products.len() + 1)).collect();
    ends.push(products.len());
    ends.sort_unstable();
    let mut merged = CatalogBuilder::default();
    let mut start = 0;
    for end in ends {
        let mut piece = CatalogBuilder::starting_at(start);
        products[start..end].iter().for_each(|p| piece.push(p));
        merged.merge(piece);
        start = end;
    }
    merged.finish()
}

/// Equal catalogs (their tables), or the same error in the same words.
fn same(a: Result<Catalog, CatalogError>, b: Result<Catalog, CatalogError>) -> Result<(), String> {
    match (a, b) {
        (Ok(a), Ok(b)) if a.to_tables() == b.to_tables() && a == b => Ok(()),
        (Err(a), Err(b)) if a.to_string() == b.to_string() => Ok(()),
        (a, b) => Err(format!(
            "serial {:?}\nmerged {:?}",
            a.map(|c| c.len()),
            b.map(|c| c.len())
        )),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_catalog_merged_from_pieces_is_the_serial_build(
        products in prop::collection::vec(product(), 0..40),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let outcome = same(serial(&products), in_pieces(&products, &cuts));
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }

    #[test]
    fn a_catalog_with_a_product_over_a_limit_fails_at_the_same_product(
        products in prop::collection::vec(product(), 1..30),
        bad in any::<prop::sample::Index>(),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
    ) {
        let mut products = products;
        let bad = bad.index(products.len());
        products[bad].description = "w ".repeat(40_000);
        let outcome = same(serial(&products), in_pieces(&products, &cuts));
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }
}

/// The generator on a pool of 2 threads against the serial generator, at a size of
/// more than one batch (the unit tests in src/generate/tests.rs cut small pieces).
#[test]
fn the_generator_on_the_pool_makes_the_serial_catalog() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a pool");
    for (n, skew) in [(40_000, 5), (33_000, 0)] {
        let skew = Skew::new(skew).expect("skew");
        let parallel = pool.install(|| generate_on_pool(n, 3, skew, &mut |_| {}));
        let outcome = same(generate_skewed(n, 3, skew), parallel);
        assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }
}

#[test]
fn the_generator_on_the_pool_refuses_what_the_serial_one_refuses() {
    for n in [0, shop_recs::catalog::MAX_PRODUCTS + 1] {
        assert_eq!(
            generate_on_pool(n, 1, Skew::NONE, &mut |_| {}).map(|c| c.len()),
            generate_skewed(n, 1, Skew::NONE).map(|c| c.len())
        );
    }
}
