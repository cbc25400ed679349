use super::*;
use crate::generate::generate;

pub(crate) fn product(id: &str, description: &str) -> Product {
    Product {
        category: Some("misc".to_string()),
        tags: vec!["Tag One".to_string()],
        ..Product::new(id, format!("Name of {id}"), description)
    }
}

#[test]
fn description_words_are_distinct_and_sorted() {
    let catalog = Catalog::from_products(vec![
        product("a", "Zebra apple zebra, Apple!"),
        product("b", "!!!"),
    ])
    .unwrap();
    let words: Vec<&[u8]> = catalog.description_words(0).iter().collect();
    assert_eq!(words, [b"apple".as_slice(), b"zebra".as_slice()]);
    assert!(catalog.description_words(1).is_empty());
}

#[test]
fn attribute_words_share_ids_across_products() {
    let mut a = product("a", "x");
    a.name = "Red Lipstick".into();
    let mut b = product("b", "y");
    b.name = "lipstick red red".into();
    b.tags = vec![];
    let catalog = Catalog::from_products(vec![a, b]).unwrap();
    // a: {red, lipstick, tag, one, misc}; b: {lipstick, red, misc}
    assert_eq!(catalog.attribute_words(0).len(), 5);
    assert_eq!(catalog.attribute_words(1).len(), 3);
    let a_ids = catalog.attribute_words(0);
    assert!(
        catalog
            .attribute_words(1)
            .iter()
            .all(|id| a_ids.contains(id))
    );
    assert!(catalog.attribute_words(1).windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn rejects_empty_and_duplicates() {
    assert_eq!(
        Catalog::from_products(vec![]).unwrap_err(),
        CatalogError::Empty
    );
    let err = Catalog::from_products(vec![product("a", ""), product("b", ""), product("a", "")])
        .unwrap_err();
    assert_eq!(
        err,
        CatalogError::DuplicateIdentifier {
            id: "a".into(),
            first: 0,
            second: 2
        }
    );
}

#[test]
fn index_of_finds_exact_identifiers() {
    let catalog = Catalog::from_products(vec![product("a", ""), product("b", "")]).unwrap();
    assert_eq!(catalog.index_of("b"), Some(1));
    assert_eq!(catalog.index_of("B"), None);
}

#[test]
fn the_first_problem_in_catalog_order_is_reported() {
    let long = "x".repeat(MAX_IDENTIFIER_BYTES + 1);
    // A repeat before an over-long field: the repeat.
    let err = Catalog::from_products(vec![product("a", ""), product("a", ""), product(&long, "")])
        .unwrap_err();
    assert!(
        matches!(err, CatalogError::DuplicateIdentifier { second: 1, .. }),
        "{err:?}"
    );
    // An over-long field before a repeat: the field, even though the repeat's first use
    // came earlier.
    let err = Catalog::from_products(vec![product("a", ""), product(&long, ""), product("a", "")])
        .unwrap_err();
    assert!(
        matches!(err, CatalogError::FieldTooLong { index: 1, .. }),
        "{err:?}"
    );
    // Three uses: the first two are named.
    let err = Catalog::from_products(vec![
        product("b", ""),
        product("a", ""),
        product("a", ""),
        product("a", ""),
    ])
    .unwrap_err();
    assert_eq!(
        err,
        CatalogError::DuplicateIdentifier {
            id: "a".into(),
            first: 1,
            second: 2
        }
    );
}

#[test]
fn the_tables_keep_what_display_and_scoring_read_and_say_what_they_cost() {
    let products: Vec<Product> = (0..50)
        .map(|k| Product {
            category: (k % 3 != 0).then(|| format!("c{}", k % 4)),
            ..product(&format!("id-{}", (k * 17) % 50), &format!("word{k} shared"))
        })
        .collect();
    let catalog = Catalog::from_products(products.clone()).unwrap();
    for (index, p) in products.iter().enumerate() {
        let shown = catalog.product(index);
        assert_eq!((shown.id, shown.name), (p.id.as_str(), p.name.as_str()));
        assert_eq!(shown.category, p.category.as_deref());
        assert_eq!(catalog.index_of(&p.id), Some(index));
        // The rank is the identifier's place in byte order.
        let before = products
            .iter()
            .filter(|q| q.id.as_bytes() < p.id.as_bytes())
            .count();
        assert_eq!(catalog.id_rank(index) as usize, before);
    }
    assert_eq!(catalog.index_of("id-"), None);
    assert_eq!(catalog.index_of("id-99"), None);
    let memory = catalog.memory();
    // Every part the table reports, whatever parts it has: a part left out of the total
    // fails here.
    let reported = serde_json::to_value(memory).expect("serializable");
    let parts: u64 = reported
        .as_object()
        .expect("an object")
        .iter()
        .filter(|(name, _)| name.as_str() != "total")
        .map(|(_, bytes)| bytes.as_u64().expect("bytes"))
        .sum();
    assert_eq!(memory.total as u64, parts);
    assert!(memory.labels >= products.iter().map(|p| p.id.len() + p.name.len()).sum());
    assert!(catalog.heap_bytes() > memory.total);
}

// The tables as the wasm binding hands them to the plain-JS scorer (Engine.tokenData)
// and to the Workers mode's workers (Engine.tables()).
#[test]
fn every_product_reads_back_its_own_words() {
    let catalog = generate(300, 5).expect("generated");
    let flat = catalog.tables_ref();
    assert_eq!(flat.category.len(), 300);
    for starts in [&flat.byte_starts, &flat.end_starts, &flat.attribute_starts] {
        assert_eq!(starts.len(), 301);
        assert!(
            starts.windows(2).all(|w| w[0] <= w[1]),
            "offsets never go back"
        );
    }
    assert_eq!(
        *flat.byte_starts.last().unwrap() as usize,
        flat.text_bytes.len()
    );
    for i in 0..300 {
        let range = |starts: &[u32]| starts[i] as usize..starts[i + 1] as usize;
        let words = catalog.description_words(i);
        assert_eq!(&flat.text_bytes[range(flat.byte_starts)], words.bytes());
        assert_eq!(&flat.text_ends[range(flat.end_starts)], words.ends());
        assert_eq!(
            &flat.attribute_ids[range(flat.attribute_starts)],
            catalog.attribute_words(i)
        );
    }
}

#[test]
fn id_order_ranks_identifiers_by_their_bytes() {
    let catalog = generate(200, 9).expect("generated");
    let flat = catalog.tables_ref();
    let mut ranks = flat.id_rank.to_vec();
    ranks.sort_unstable();
    assert_eq!(ranks, (0..200).collect::<Vec<u32>>(), "a permutation");
    let ids: Vec<&str> = catalog.products().map(|p| p.id).collect();
    for a in 0..200 {
        for b in 0..200 {
            let by_bytes = ids[a].as_bytes().cmp(ids[b].as_bytes());
            assert_eq!(flat.id_rank[a].cmp(&flat.id_rank[b]), by_bytes);
        }
    }
}
