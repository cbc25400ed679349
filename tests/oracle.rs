#![cfg(not(target_arch = "wasm32"))]
//! `recommend_serial == recommend_parallel == a naive oracle`, exactly (f64 equality),
//! on random small catalogs, plus a table of edge cases.
//!
//! The oracle shares nothing with the crate but the two weights: its own tokenizer,
//! `HashSet`s of `String`s, FNV-1a written from scratch over the seed's bytes and the
//! word's bytes, one seed at a time, and a full sort.

use std::collections::HashSet;

use proptest::prelude::*;
use shop_recs::rank::{MAX_ITERATIONS, MAX_TOP};
use shop_recs::similarity::{ATTRIBUTE_WEIGHT, TEXT_WEIGHT};
use shop_recs::{
    Catalog, Product, Query, QueryError, Recommendation, recommend_parallel, recommend_serial,
};

// ---- The oracle: one screen, as plain as possible. ----

/// FNV-1a 64 of `seed`'s 4 little-endian bytes followed by `word`'s bytes.
fn oracle_hash(seed: u32, word: &str) -> u64 {
    let mut hash: u64 = 0xcbf29ce484222325;
    for &byte in seed.to_le_bytes().iter().chain(word.as_bytes()) {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x100000001b3);
    }
    hash
}

/// Lowercased maximal runs of alphanumeric characters, as a set (split, then lowercase).
fn oracle_words<'a>(texts: impl IntoIterator<Item = &'a str>) -> HashSet<String> {
    let mut set = HashSet::new();
    for text in texts {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if !word.is_empty() {
                set.insert(word.to_lowercase());
            }
        }
    }
    set
}

fn oracle_text(a: &HashSet<String>, b: &HashSet<String>, iterations: u32) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut agree = 0;
    for seed in 0..iterations {
        let min_a = a.iter().map(|w| oracle_hash(seed, w)).min().unwrap();
        let min_b = b.iter().map(|w| oracle_hash(seed, w)).min().unwrap();
        if min_a == min_b {
            agree += 1;
        }
    }
    agree as f64 / iterations as f64
}

fn oracle_jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        0.0
    } else {
        a.intersection(b).count() as f64 / union as f64
    }
}

fn oracle_attributes(p: &Product) -> HashSet<String> {
    let texts = std::iter::once(p.name.as_str())
        .chain(p.tags.iter().map(String::as_str))
        .chain(p.category.as_deref());
    oracle_words(texts)
}

fn oracle_recommend(
    products: &[Product],
    target: usize,
    iterations: u32,
    top: usize,
) -> Vec<Recommendation> {
    let target_words = oracle_words([products[target].description.as_str()]);
    let target_attributes = oracle_attributes(&products[target]);
    let mut all = Vec::new();
    for (i, p) in products.iter().enumerate() {
        if i == target {
            continue;
        }
        let text = oracle_text(
            &target_words,
            &oracle_words([p.description.as_str()]),
            iterations,
        );
        let attribute = oracle_jaccard(&target_attributes, &oracle_attributes(p));
        let score = TEXT_WEIGHT * text + ATTRIBUTE_WEIGHT * attribute;
        all.push((score, p.id.clone(), i, text, attribute));
    }
    all.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then_with(|| a.1.cmp(&b.1)));
    all.into_iter()
        .take(top)
        .enumerate()
        .map(|(k, (score, id, index, text, attribute))| Recommendation {
            rank: k as u32 + 1,
            index: index as u32,
            id,
            name: products[index].name.clone(),
            category: products[index].category.clone(),
            score,
            text,
            attribute,
        })
        .collect()
}

// ---- Helpers. ----

fn product(
    id: &str,
    name: &str,
    description: &str,
    category: Option<&str>,
    tags: &[&str],
) -> Product {
    Product {
        category: category.map(str::to_string),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Product::new(id, name, description)
    }
}

/// Runs serial (global pool irrelevant) and parallel (in a 4-thread pool, so that work is
/// really split even on a 2-core machine), checks they agree, and returns the result.
fn both(catalog: &Catalog, query: &Query) -> Result<Vec<Recommendation>, QueryError> {
    let serial = recommend_serial(catalog, query);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("a 4-thread pool");
    let parallel = pool.install(|| recommend_parallel(catalog, query));
    assert_eq!(serial, parallel, "serial and parallel differ for {query:?}");
    serial
}

fn check_against_oracle(products: Vec<Product>, target: usize, iterations: u32, top: usize) {
    let expected = oracle_recommend(&products, target, iterations, top);
    let query = Query {
        target: products[target].id.clone(),
        iterations,
        top,
    };
    let catalog = Catalog::from_products(products).expect("a valid catalog");
    assert_eq!(both(&catalog, &query).expect("a valid query"), expected);
}

// ---- Property tests. ----

const WORDS: &[&str] = &[
    "red",
    "Red",
    "RED",
    "lipstick",
    "matte",
    "steel",
    "hammer",
    "cotton",
    "soft",
    "a",
    "x",
    "42",
    "4k",
    "Café",
    "ÄRGER",
    "über",
    "東京",
    "タワー",
    "١٢٣",
    "İstanbul",
    "straße",
    "ǅ",
    "Ωmega",
];
const SEPARATORS: &[&str] = &[" ", ", ", "-", "!", "...", " 🎉 ", "\n", "'"];
const CATEGORIES: &[&str] = &[
    "beauty",
    "Home Decor",
    "tools",
    "kitchen-accessories",
    "Ωmega",
];

fn text(max_words: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(WORDS),
            prop::sample::select(SEPARATORS),
        ),
        0..=max_words,
    )
    .prop_map(|pieces| pieces.into_iter().flat_map(|(w, s)| [w, s]).collect())
}

fn random_product()
-> impl Strategy<Value = (String, String, String, Option<&'static str>, Vec<String>)> {
    (
        prop::sample::select(&["a", "B", "z", "é", "item-", "10", "1"][..])
            .prop_map(str::to_string),
        text(3),
        text(10),
        prop::option::of(prop::sample::select(CATEGORIES)),
        prop::collection::vec(text(2), 0..3),
    )
}

fn catalog_and_query() -> impl Strategy<Value = (Vec<Product>, usize, u32, usize)> {
    (
        prop::collection::vec(random_product(), 1..12),
        1u32..200,
        1usize..15,
        any::<prop::sample::Index>(),
    )
        .prop_map(|(raw, iterations, top, target)| {
            let products: Vec<Product> = raw
                .into_iter()
                .enumerate()
                .map(|(i, (prefix, name, description, category, tags))| Product {
                    // The prefix makes identifier order differ from catalog order; the
                    // index makes identifiers unique.
                    id: format!("{prefix}{i}"),
                    name,
                    description,
                    category: category.map(str::to_string),
                    tags,
                    price: None,
                })
                .collect();
            let target = target.index(products.len());
            (products, target, iterations, top)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn serial_equals_parallel_equals_oracle((products, target, iterations, top) in catalog_and_query()) {
        check_against_oracle(products, target, iterations, top);
    }
}

// ---- Edge cases. ----

#[test]
fn single_product_gives_an_empty_list() {
    check_against_oracle(
        vec![product("only", "Only", "red lipstick", Some("beauty"), &[])],
        0,
        50,
        10,
    );
    let catalog = Catalog::from_products(vec![product("only", "Only", "x", None, &[])]).unwrap();
    assert_eq!(both(&catalog, &Query::new("only")).unwrap(), vec![]);
}

#[test]
fn punctuation_only_descriptions_score_zero_text() {
    let products = vec![
        product("t", "Red Lipstick", "!!! ... 🎉", Some("beauty"), &["red"]),
        product("b", "Red Onions", "--- ???", Some("groceries"), &[]),
        product("a", "Blue Lipstick", "", Some("beauty"), &[]),
        product("c", "Claw hammer", "steel claw hammer", Some("tools"), &[]),
    ];
    check_against_oracle(products.clone(), 0, 64, 10);
    let catalog = Catalog::from_products(products).unwrap();
    let got = both(&catalog, &Query::new("t")).unwrap();
    assert!(got.iter().all(|r| r.text == 0.0 && !r.score.is_nan()));
    // Blue Lipstick shares {lipstick, beauty}, Red Onions shares {red}, the hammer nothing.
    let ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
}

#[test]
fn equal_scores_are_ordered_by_identifier() {
    // Four identical candidates, listed out of identifier order; byte order puts
    // "B" (0x42) before "a" (0x61) and "a" before "aa" before "é".
    let twin = |id: &str| {
        product(
            id,
            "Soft Scarf",
            "soft cotton scarf",
            Some("textiles"),
            &["scarf"],
        )
    };
    let products = vec![
        twin("é"),
        product(
            "target",
            "Soft Scarf",
            "soft cotton scarf",
            Some("textiles"),
            &["scarf"],
        ),
        twin("aa"),
        twin("B"),
        twin("a"),
    ];
    check_against_oracle(products.clone(), 1, 300, 10);
    let catalog = Catalog::from_products(products).unwrap();
    let got = both(&catalog, &Query::new("target")).unwrap();
    let ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["B", "a", "aa", "é"]);
    assert!(
        got.iter()
            .all(|r| r.score == got[0].score && r.text == 1.0 && r.attribute == 1.0)
    );
    let ranks: Vec<u32> = got.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4]);
}

#[test]
fn top_larger_than_the_candidates_returns_them_all() {
    let products = vec![
        product("a", "A", "red lipstick", None, &[]),
        product("b", "B", "red nail polish", None, &[]),
        product("c", "C", "steel hammer", None, &[]),
    ];
    check_against_oracle(products.clone(), 0, 100, MAX_TOP);
    let catalog = Catalog::from_products(products).unwrap();
    let query = Query {
        top: MAX_TOP,
        ..Query::new("a")
    };
    assert_eq!(both(&catalog, &query).unwrap().len(), 2);
}

#[test]
fn iteration_extremes_match_the_oracle() {
    let products = vec![
        product(
            "lip",
            "Red Lipstick",
            "A matte red lipstick.",
            Some("beauty"),
            &["lipstick"],
        ),
        product(
            "nail",
            "Red Nail Polish",
            "A glossy red nail polish.",
            Some("beauty"),
            &[],
        ),
        product(
            "ham",
            "Claw Hammer",
            "A steel claw hammer.",
            Some("tools"),
            &[],
        ),
    ];
    check_against_oracle(products.clone(), 0, 1, 10);
    check_against_oracle(products, 0, MAX_ITERATIONS, 10);
}

#[test]
fn invalid_queries_fail_the_same_way_serially_and_in_parallel() {
    let catalog = Catalog::from_products(vec![
        product("a", "A", "red", None, &[]),
        product("b", "B", "blue", None, &[]),
    ])
    .unwrap();
    let cases = [
        (
            Query {
                iterations: 0,
                ..Query::new("a")
            },
            QueryError::IterationsOutOfRange { iterations: 0 },
        ),
        (
            Query {
                iterations: MAX_ITERATIONS + 1,
                ..Query::new("a")
            },
            QueryError::IterationsOutOfRange {
                iterations: MAX_ITERATIONS + 1,
            },
        ),
        (
            Query {
                top: 0,
                ..Query::new("a")
            },
            QueryError::TopOutOfRange { top: 0 },
        ),
        (
            Query {
                top: MAX_TOP + 1,
                ..Query::new("a")
            },
            QueryError::TopOutOfRange { top: MAX_TOP + 1 },
        ),
        (
            Query::new("missing"),
            QueryError::UnknownTarget {
                id: "missing".into(),
            },
        ),
        // Identifiers match exactly: no case folding, no trimming.
        (
            Query::new("A"),
            QueryError::UnknownTarget { id: "A".into() },
        ),
        (
            Query::new(" a"),
            QueryError::UnknownTarget { id: " a".into() },
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(both(&catalog, &query), Err(expected), "{query:?}");
    }
}
