//! A real catalog: the 194-product DummyJSON export in ../shared/catalogs, when present.
//!
//! The file is not part of this repository (see its licence next to it), so where it is
//! absent the test is ignored with the reason, and cargo counts it (build.rs). The expected values come from the same file read
//! as a plain `serde_json::Value`, an independent reading of the same text.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use serde_json::Value;
use shop_recs::parse_catalog;

#[test]
#[cfg_attr(
    not(real_catalog),
    ignore = "needs ../shared/catalogs/dummyjson-products.json, which is not there"
)]
fn dummyjson_catalog_loads_with_ids_titles_and_categories() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/catalogs/dummyjson-products.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));

    let catalog =
        parse_catalog(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));

    let raw: Value = serde_json::from_str(&text).unwrap();
    let raw = raw.as_array().expect("the export is a top-level array");
    assert_eq!(raw.len(), 194);
    assert_eq!(catalog.len(), raw.len());
    let every = shop_recs::catalog::parse_products(&text).unwrap();
    for (index, (product, expected)) in every.iter().zip(raw).enumerate() {
        assert_eq!(catalog.product(index).id, product.id);
        assert_eq!(catalog.product(index).name, product.name);
        assert_eq!(catalog.product(index).category, product.category.as_deref());
        let id = expected["id"].as_u64().expect("numeric id");
        assert_eq!(product.id, id.to_string(), "product {index}");
        assert_eq!(catalog.index_of(&id.to_string()), Some(index));
        assert_eq!(
            Some(product.name.as_str()),
            expected["title"].as_str(),
            "product {index}"
        );
        let description = expected["description"].as_str();
        assert_eq!(
            Some(product.description.as_str()),
            description,
            "product {index}"
        );
        let category = product.category.as_deref();
        assert!(
            category.is_some_and(|c| !c.is_empty()),
            "product {index} has no category"
        );
        assert_eq!(category, expected["category"].as_str(), "product {index}");
        let tags: Vec<&str> = expected["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(product.tags, tags, "product {index}");
        assert_eq!(product.price, expected["price"].as_f64(), "product {index}");
    }
}
