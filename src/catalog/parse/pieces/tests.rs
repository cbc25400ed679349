//! The parse in pieces against the serial parse.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::catalog::MAX_CATALOG_BYTES;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool")
}

/// The serial parse of `text`.
fn serial(text: &[u8]) -> Result<Catalog, String> {
    parse_catalog_reader(text, MAX_CATALOG_BYTES).map_err(|e| e.to_string())
}

/// `text` in pieces of about `piece` bytes read `block` bytes at a time: the builder
/// finished, or `None` when the scan left it to the serial parser.
fn pieces(text: &[u8], piece: usize, block: usize) -> Option<(Result<Catalog, String>, usize)> {
    match parse_in_pieces(
        text,
        MAX_CATALOG_BYTES,
        MAX_PRODUCTS,
        piece,
        block,
        text.len(),
    ) {
        Ok(Pooled::Built(builder, pieces)) => {
            Some((builder.finish().map_err(|e| e.to_string()), pieces))
        }
        Ok(Pooled::Serial) => None,
        Err(error) => panic!("a slice cannot fail to read: {error}"),
    }
}

const WORDS: [&str; 10] = [
    "red",
    "Wool",
    "hat",
    "café",
    "x",
    "long",
    "\"quoted\"",
    "back\\slash",
    "tab\t",
    "RED",
];

fn words(picks: &[usize]) -> String {
    let picked: Vec<&str> = picks.iter().map(|&w| WORDS[w % WORDS.len()]).collect();
    picked.join(" ")
}

/// A product object as a shop writes one: an identifier (repeats happen), words with
/// quotes and backslashes, tags as an array or one string, and fields nobody reads.
fn product() -> impl Strategy<Value = Value> {
    (
        0u32..40,
        any::<bool>(),
        prop::collection::vec(0usize..20, 0..4),
        prop::collection::vec(0usize..20, 0..10),
        prop::option::of(0usize..4),
        prop::collection::vec(0usize..20, 0..3),
        any::<bool>(),
        0u8..4,
    )
        .prop_map(
            |(id, slug, name, description, category, tags, joined, extra)| {
                let mut product = serde_json::Map::new();
                match slug {
                    true => product.insert("slug".into(), json!(format!("p-{id}"))),
                    false => product.insert("id".into(), json!(id)),
                };
                product.insert("title".into(), json!(words(&name)));
                product.insert("description".into(), json!(words(&description)));
                if let Some(c) = category {
                    product.insert("category".into(), json!(["Yarn", "hats", "Ü", "a\"b"][c]));
                }
                let tags: Vec<String> = tags.iter().map(|&t| words(&[t])).collect();
                match joined {
                    true => product.insert("tags".into(), json!(tags.join(","))),
                    false => product.insert("tags".into(), json!(tags)),
                };
                if extra > 0 {
                    product.insert("price".into(), json!(f64::from(extra) * 1.5));
                    product.insert(
                        "reviews".into(),
                        json!([{"text": "}{][\"", "stars": extra}, [[["deep"]]], null]),
                    );
                }
                Value::Object(product)
            },
        )
}

/// A catalog text: an array, or an object with fields around its products, written
/// compactly or indented.
fn catalog_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(product(), 1..40),
        0u8..3,
        any::<bool>(),
    )
        .prop_map(|(products, shape, pretty)| {
            let value = match shape {
                0 => Value::Array(products),
                1 => json!({"products": products}),
                _ => json!({"total": products.len(), "note": "a [ \" } note", "products": products, "skip": {"a": [1, 2]}}),
            };
            match pretty {
                true => serde_json::to_string_pretty(&value),
                false => serde_json::to_string(&value),
            }
            .expect("JSON text")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any catalog of the common shape, in any piece and block sizes, on pools of 1
    /// to 4 threads: read in pieces, and the serial parse's catalog (or first problem).
    #[test]
    fn a_catalog_read_in_pieces_is_the_serial_parse(
        text in catalog_text(),
        piece in 1usize..400,
        block in 1usize..64,
        threads in 1usize..5,
    ) {
        let Some((built, count)) = pool(threads).install(|| pieces(text.as_bytes(), piece, block)) else {
            return Err(TestCaseError::fail("the common shape was left to the serial parser"));
        };
        prop_assert!(count >= 1);
        match (built, serial(text.as_bytes())) {
            (Ok(a), Ok(b)) => prop_assert!(a.to_tables() == b.to_tables() && a == b),
            (a, b) => prop_assert_eq!(a.map(|c| c.len()), b.map(|c| c.len())),
        }
    }

    /// A text with a byte changed, cut short or added: whatever the pieces make of it
    /// is the serial parse's, and the public reading gives the serial result always.
    #[test]
    fn a_damaged_catalog_reads_as_the_serial_parse(
        text in catalog_text(),
        at in any::<prop::sample::Index>(),
        byte in prop_oneof![Just(b'"'), Just(b'\\'), Just(b'{'), Just(b']'), Just(b','), Just(0xff), any::<u8>()],
        how in 0u8..3,
        piece in 1usize..200,
    ) {
        let mut bytes = text.into_bytes();
        let at = at.index(bytes.len());
        match how {
            0 => bytes[at] = byte,
            1 => bytes.truncate(at),
            _ => bytes.insert(at, byte),
        }
        let expected = serial(&bytes);
        if let Some((built, _)) = pool(2).install(|| pieces(&bytes, piece, 7)) {
            match (&built, &expected) {
                (Ok(a), Ok(b)) => prop_assert!(a == b),
                (a, b) => prop_assert_eq!(a.as_ref().map(|c| c.len()), b.as_ref().map(|c| c.len())),
            }
        }
        let public = pool(2).install(|| parse_catalog_reader_on_pool(|| Ok(&bytes[..]), MAX_CATALOG_BYTES, None));
        match (public, expected) {
            (Ok((a, _)), Ok(b)) => prop_assert!(a == b),
            (a, b) => prop_assert_eq!(a.map(|(c, _)| c.len()).map_err(|e| e.to_string()), b.map(|c| c.len())),
        }
    }
}

#[test]
fn shapes_the_scan_does_not_follow_go_to_the_serial_parser() {
    let product = r#"{"slug": "a", "description": "red"}"#;
    let left = [
        // A key that an escape makes "products".
        format!(r#"{{"product\u0073": [{product}]}}"#),
        format!(r#"{{"products": [{product}], "products": [{product}]}}"#),
        format!(r#"{{"total": tru, "products": [{product}]}}"#),
        r#"{"total": 1}"#.to_string(),
        "[]".to_string(),
        format!("[{product}, 7]"),
        format!("[{product}] x"),
        format!("[{product},]"),
        format!(
            r#"[{{"slug": "a", "description": "red", "x": {}}}]"#,
            "[".repeat(70) + &"]".repeat(70)
        ),
        r#"[{"slug": "a", "description": 5}]"#.to_string(),
        r#"[{"slug": "a" "description": "red"}]"#.to_string(),
    ];
    for text in &left {
        assert!(
            pieces(text.as_bytes(), 1, 3).is_none(),
            "{text} should be left to the serial parser"
        );
        let public = pool(2)
            .install(|| {
                parse_catalog_reader_on_pool(
                    || Ok(text.as_bytes()),
                    MAX_CATALOG_BYTES,
                    Some(text.len() as u64),
                )
            })
            .map(|(catalog, _)| catalog)
            .map_err(|e| e.to_string());
        assert_eq!(public, serial(text.as_bytes()), "{text}");
    }
    // A byte order mark, and the scan follows.
    let text = format!("\u{feff} [{product}, {product}]");
    let (built, _) = pieces(text.as_bytes(), 1, 2).expect("read in pieces");
    assert_eq!(built, serial(text.as_bytes()));
}

#[test]
fn more_products_than_allowed_are_left_to_the_serial_parser() {
    let text = r#"[{"slug": "a", "description": "x"}, {"slug": "b", "description": "y"}]"#;
    let built = parse_in_pieces(text.as_bytes(), MAX_CATALOG_BYTES, 1, 1, 4, 0);
    assert!(matches!(built, Ok(Pooled::Serial)));
    let over = parse_in_pieces(text.as_bytes(), 10, MAX_PRODUCTS, 1, 4, 0);
    assert!(matches!(over, Ok(Pooled::Serial)));
}

#[test]
fn a_read_error_ends_the_reading_with_it() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    let Err(error) = parse_in_pieces(Failing, MAX_CATALOG_BYTES, MAX_PRODUCTS, 1, 4, 0) else {
        panic!("a failing source must fail the reading");
    };
    assert_eq!(error.to_string(), "disk on fire");
}

/// Many pieces on a pool whose own thread does the reading (the caller inside
/// `install`): it runs pieces while it waits, so even a pool of one thread finishes.
#[test]
fn a_reading_from_inside_the_pool_finishes() {
    let products: Vec<Value> = (0..300)
        .map(|k| json!({"slug": format!("p{k}"), "description": words(&[k, k / 3])}))
        .collect();
    let text = serde_json::to_string(&products).expect("JSON text");
    for threads in [1, 2, 3] {
        let (built, count) = pool(threads)
            .install(|| pieces(text.as_bytes(), 64, 16))
            .expect("read in pieces");
        assert!(count > 100, "{count} pieces");
        assert_eq!(built, serial(text.as_bytes()));
    }
}
