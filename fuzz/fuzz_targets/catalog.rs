//! Feeds arbitrary bytes to the catalog parser, as `POST /catalogs` does. The parser
//! must answer every input with a catalog or a typed error, never a panic, a hang or
//! unbounded memory. A catalog it accepts must then keep the core's promises: every
//! identifier is found again, search answers, and serial and parallel scoring agree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use shop_recs::catalog::parse_catalog_bytes;
use shop_recs::{Query, recommend_parallel, recommend_serial};

fuzz_target!(|data: &[u8]| {
    let Ok(catalog) = parse_catalog_bytes(data) else {
        return;
    };
    assert!(!catalog.is_empty(), "an accepted catalog has products");
    for (index, product) in catalog.products().enumerate() {
        assert_eq!(catalog.index_of(product.id), Some(index), "identifiers are unique");
    }
    let first = catalog.product(0).id;
    let found = catalog.search(first, 5);
    assert!(found.matches.contains(&0) || found.total > 5, "a product finds itself");
    // Few iterations and a capped catalog keep each input fast.
    if catalog.len() <= 200 {
        let query = Query {
            iterations: 4,
            top: 5,
            ..Query::new(first)
        };
        let serial = recommend_serial(&catalog, &query).expect("the target exists");
        let parallel = recommend_parallel(&catalog, &query).expect("the target exists");
        assert_eq!(serial, parallel, "serial and parallel rank identically");
        for item in &serial {
            assert!((0.0..=1.0).contains(&item.score), "scores are in [0, 1]");
        }
    }
});
