#![cfg(not(target_arch = "wasm32"))]
//! A catalog sent as its built tables (`Catalog::to_tables`, `Catalog::from_tables`), as
//! the page's Workers mode sends its workers: rebuilt, it is the same catalog table for
//! table and ranks the same, bit for bit, for any catalog; and tables that are not a
//! catalog's are refused, never trusted.

use proptest::prelude::*;
use shop_recs::generate::{MAX_SKEW, Skew, generate_skewed};
use shop_recs::rank::{Query, recommend_serial};
use shop_recs::{Catalog, parse_catalog};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_catalog_rebuilt_from_its_tables_is_the_same_catalog(
        n in 1usize..400,
        seed in any::<u64>(),
        skew in 0u32..=MAX_SKEW,
        target in any::<prop::sample::Index>(),
    ) {
        let catalog = generate_skewed(n, seed, Skew::new(skew).expect("skew")).expect("a catalog");
        let tables = catalog.to_tables();
        let rebuilt = Catalog::from_tables(tables.clone()).expect("its own tables");
        prop_assert_eq!(rebuilt.to_tables(), tables);
        // Allocated exactly: never more than the catalog it came from.
        prop_assert!(rebuilt.memory().total <= catalog.memory().total);
        let query = Query {
            target: catalog.product(target.index(n)).id.to_string(),
            iterations: 32,
            top: 10,
        };
        prop_assert_eq!(recommend_serial(&rebuilt, &query), recommend_serial(&catalog, &query));
        for i in 0..n {
            prop_assert_eq!(rebuilt.product(i), catalog.product(i));
            prop_assert_eq!(rebuilt.index_of(catalog.product(i).id), Some(i));
        }
    }
}

#[test]
fn tables_that_are_not_a_catalogs_are_refused() {
    let catalog = parse_catalog(
        r#"[{"slug": "b", "name": "Blue", "description": "blue wool", "category": "yarn"},
            {"slug": "a", "name": "Red", "description": "red wool", "tags": ["soft"]},
            {"slug": "c", "name": "Grey", "description": ""}]"#,
    )
    .expect("a catalog");
    let good = catalog.to_tables();
    let refused = |why: &str, change: &dyn Fn(&mut shop_recs::catalog::CatalogTables)| {
        let mut tables = good.clone();
        change(&mut tables);
        let err = Catalog::from_tables(tables).expect_err(why);
        assert!(
            err.to_string().starts_with("not a catalog's tables: "),
            "{why}: {err}"
        );
        err.to_string()
    };
    assert!(refused("no products", &|t| t.category.clear()).contains("0 products"));
    assert!(
        refused("a label end past the labels", &|t| *t
            .label_ends
            .last_mut()
            .unwrap() += 1)
        .contains("label_ends")
    );
    assert!(
        refused("an identifier cut inside a character", &|t| {
            t.labels[0] = 0xff;
        })
        .contains("not UTF-8")
    );
    assert!(
        refused("a category that does not exist", &|t| t.category[0] = 7)
            .contains("category does not exist")
    );
    assert!(
        refused("byte starts that decrease", &|t| t.byte_starts.swap(1, 2)).contains("byte_starts")
    );
    assert!(
        refused("a word end past its product", &|t| t.text_ends[0] = 1000).contains("word ends")
    );
    assert!(
        refused("attribute starts too short", &|t| {
            t.attribute_starts.pop();
        })
        .contains("attribute_starts")
    );
    assert!(
        refused("a repeated rank", &|t| t.id_rank[1] = t.id_rank[0]).contains("not a permutation")
    );
    assert!(
        refused("an order that does not sort", &|t| t.id_rank.swap(0, 1)).contains("does not sort")
    );
    // And the good ones rebuild it.
    assert_eq!(
        Catalog::from_tables(good.clone())
            .expect("good")
            .to_tables(),
        good
    );
}
