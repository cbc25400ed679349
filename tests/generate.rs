//! Catalogs the project ships or makes: the generator, and the page's default catalog.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::Path;

use shop_recs::catalog::parse_products;
use shop_recs::generate::{Skew, generate, products};
use shop_recs::parse_catalog;

#[test]
fn generated_catalog_survives_a_json_round_trip() {
    let catalog = generate(2_000, 99).unwrap();
    let products: Vec<_> = products(2_000, 99, Skew::NONE).unwrap().collect();
    let json = serde_json::json!({ "products": products }).to_string();
    assert_eq!(parse_products(&json).unwrap(), products, "every field");
    assert_eq!(parse_catalog(&json).unwrap(), catalog, "the same tables");
}

#[test]
fn default_page_catalog_is_a_valid_realistic_catalog() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/catalog.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let catalog =
        parse_catalog(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));

    assert!(
        (30..=60).contains(&catalog.len()),
        "{} products",
        catalog.len()
    );
    let categories: BTreeSet<&str> = catalog.products().filter_map(|p| p.category).collect();
    assert!(categories.len() >= 5, "categories: {categories:?}");
    let every = parse_products(&text).unwrap();
    for product in &every {
        let bytes = product.description.len();
        assert!(
            (150..=250).contains(&bytes),
            "{}: {bytes} bytes",
            product.id
        );
        assert!(
            (2..=4).contains(&product.tags.len()),
            "{}: {:?}",
            product.id,
            product.tags
        );
        assert!(
            product.category.is_some() && product.price.is_some(),
            "{}",
            product.id
        );
        // Every category has company, so a recommendation can stay in it.
        let category = product.category.as_deref();
        let peers = every.iter().filter(|p| p.category.as_deref() == category);
        assert!(
            peers.count() >= 2,
            "{} is alone in {category:?}",
            product.id
        );
    }
    let lipstick = catalog
        .index_of("velvet-matte-lipstick")
        .expect("velvet-matte-lipstick");
    assert_eq!(catalog.product(lipstick).category, Some("beauty"));
}
