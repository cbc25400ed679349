//! Catalog validation: every rejection names its variant and its location, and awkward
//! but valid catalogs load.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Read;

use shop_recs::catalog::{
    MAX_CATALOG_BYTES, MAX_DESCRIPTION_BYTES, MAX_DESCRIPTION_WORD_BYTES, MAX_IDENTIFIER_BYTES,
    MAX_PRODUCTS, ReadError, parse_catalog_reader, parse_products,
};
use shop_recs::{Catalog, CatalogError, Product, parse_catalog};

/// A source that hands out a few bytes at a time (1 to 3, in turn), so that chunks end
/// inside characters, escapes and keywords.
struct Trickle<'a> {
    bytes: &'a [u8],
    turn: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.turn += 1;
        let n = (1 + self.turn % 3).min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// The text parsed as a stream, a few bytes a read.
fn streamed(text: &str) -> Result<Catalog, CatalogError> {
    let source = Trickle {
        bytes: text.as_bytes(),
        turn: 0,
    };
    parse_catalog_reader(source, MAX_CATALOG_BYTES).map_err(|error| match error {
        ReadError::Catalog(error) => error,
        ReadError::Read(error) => panic!("a slice cannot fail to read: {error}"),
    })
}

/// What one rejected input must produce.
enum Expected {
    /// Exactly this error.
    Error(CatalogError),
    /// `InvalidJson` at this 1-based line and column, with a message of its own.
    Json { line: usize, column: usize },
}

struct Case {
    name: &'static str,
    text: String,
    expected: Expected,
    /// Text the `Display` form must contain: where the problem is.
    mentions: String,
}

/// 1-based line and column (in characters) of the first occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).expect("needle in text");
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |k| k + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// 1-based line and column of the last character of `text` (where input ran out).
fn end_of(text: &str) -> (usize, usize) {
    let line = text.matches('\n').count() + 1;
    let last_line = text.rsplit('\n').next().unwrap_or("");
    (line, last_line.chars().count().max(1))
}

fn product(slug: &str) -> String {
    format!(r#"{{"slug": "{slug}", "description": "About {slug}."}}"#)
}

fn json_case(name: &'static str, text: String, (line, column): (usize, usize)) -> Case {
    Case {
        name,
        text,
        expected: Expected::Json { line, column },
        mentions: format!("line {line}, column {column}"),
    }
}

fn error_case(name: &'static str, text: String, error: CatalogError, mentions: &str) -> Case {
    Case {
        name,
        text,
        expected: Expected::Error(error),
        mentions: mentions.to_string(),
    }
}

fn wrong_type(path: &str, expected: &'static str, found: &'static str) -> CatalogError {
    CatalogError::WrongType {
        path: path.to_string(),
        expected,
        found,
    }
}

fn cases() -> Vec<Case> {
    let (a, b, c) = (product("a"), product("b"), product("c"));
    let mut cases = Vec::new();

    // Syntax. The missing comma is reported at the token after it.
    let missing_comma = format!(
        "{{\n  \"products\": [\n    {a},\n    {{\"slug\": \"b\" \"description\": \"x\"}}\n  ]\n}}"
    );
    let at = position_of(&missing_comma, "\"description\": \"x\"");
    cases.push(json_case("invalid JSON", missing_comma, at));

    let whole = format!(r#"{{"products": [{a}, {b}]}}"#);
    let truncated = whole[..whole.len() / 2].to_string();
    let at = end_of(&truncated);
    cases.push(json_case("truncated JSON", truncated, at));

    let png_header = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
    ];
    let binary = String::from_utf8_lossy(&png_header).into_owned();
    cases.push(json_case("binary bytes", binary, (1, 1)));

    // Shape.
    let shape = |found: &str| CatalogError::WrongShape {
        found: found.to_string(),
    };
    cases.push(error_case(
        "a number",
        "42".into(),
        shape("a number"),
        "found a number",
    ));
    let no_products = format!(r#"{{"items": [{a}]}}"#);
    let found = "an object without a \"products\" array";
    cases.push(error_case(
        "no products field",
        no_products,
        shape(found),
        found,
    ));
    let found = "an object whose \"products\" is a string";
    let text = r#"{"products": "lots"}"#.to_string();
    cases.push(error_case(
        "products is a string",
        text,
        shape(found),
        found,
    ));

    // Required fields, by index.
    let text = format!(r#"[{a}, {{"name": "No identifier", "description": "x"}}]"#);
    let error = CatalogError::MissingIdentifier { index: 1 };
    cases.push(error_case(
        "missing identifier",
        text,
        error,
        "product 2 (\"No identifier\") has no identifier",
    ));
    let text = format!(r#"{{"products": [{a}, {b}, {{"slug": "c", "price": 3}}]}}"#);
    let error = CatalogError::MissingDescription { index: 2 };
    cases.push(error_case(
        "missing description",
        text,
        error,
        "product 3 (id \"c\") has no \"description\"",
    ));

    // Types, by path.
    let text =
        format!(r#"{{"products": [{a}, {{"slug": "b", "description": "x", "tags": "red"}}]}}"#);
    let error = wrong_type(
        "products[1].tags",
        "an array of strings or one comma-separated string",
        "an object",
    );
    cases.push(error_case(
        "tags not an array",
        text.replace(r#""tags": "red""#, r#""tags": {"red": 1}"#),
        error,
        "product 2 (id \"b\"): \"tags\" must be an array of strings or one comma-separated string, found an object",
    ));
    let text = r#"{"products": [{"slug": "a", "description": "x", "tags": ["red", 7]}]}"#.into();
    let error = wrong_type("products[0].tags[1]", "a string", "a number");
    cases.push(error_case(
        "tag not a string",
        text,
        error,
        "product 1 (id \"a\"): \"tags[1]\" must be a string, found a number",
    ));
    let text = r#"[{"slug": "a", "description": 42}]"#.into();
    let error = wrong_type("[0].description", "a string", "a number");
    cases.push(error_case(
        "description not a string",
        text,
        error,
        "product 1 (id \"a\"): \"description\" must be a string",
    ));
    let text = format!(r#"[{a}, {b}, {{"slug": "c", "description": "x", "price": "cheap"}}]"#);
    let error = wrong_type("[2].price", "a number", "a string");
    cases.push(error_case(
        "price not a number",
        text,
        error,
        "product 3 (id \"c\"): \"price\" must be a number, found a string",
    ));
    let text = r#"[{"slug": "a", "description": "x", "category": ["home"]}]"#.into();
    let error = wrong_type("[0].category", "a string", "an array");
    cases.push(error_case(
        "category not a string",
        text,
        error,
        "\"category\" must be a string, found an array",
    ));
    let text = r#"{"products": [{"id": true, "description": "x"}]}"#.into();
    let error = wrong_type("products[0].id", "a string or a number", "a boolean");
    cases.push(error_case(
        "id a boolean",
        text,
        error,
        "product 1: \"id\" must be a string or a number, found a boolean",
    ));

    // Catalog-wide checks.
    let text = format!("[{a}, {b}, {c}, {b}]");
    let error = CatalogError::DuplicateIdentifier {
        id: "b".into(),
        first: 1,
        second: 3,
    };
    cases.push(error_case(
        "duplicate identifier",
        text,
        error,
        "product 4 (id \"b\") repeats the identifier of product 2",
    ));
    let error = CatalogError::Empty;
    cases.push(error_case(
        "empty array",
        "[]".into(),
        error.clone(),
        "no products",
    ));
    let text = r#"{"products": [], "total": 0}"#.into();
    cases.push(error_case("empty products", text, error, "no products"));

    // Limits. (The text's length limit, 1 GiB, is checked with a lowered limit below.)
    let long = "a".repeat(MAX_DESCRIPTION_BYTES + 1);
    let text = format!(r#"[{a}, {{"slug": "long", "description": "{long}"}}]"#);
    let error = CatalogError::DescriptionTooLong {
        index: 1,
        bytes: long.len(),
        limit: MAX_DESCRIPTION_BYTES,
    };
    cases.push(error_case(
        "description too long",
        text,
        error,
        "product 2 (id \"long\"): its description is",
    ));
    // Words whose ends no longer fit in 2 bytes: one word of 65,536 letters (a
    // description at its limit), or letters that grow when lowercased (İ, 2 bytes, is i̇, 3).
    for (name, description, bytes) in [
        (
            "one word of 64 KiB",
            "a".repeat(MAX_DESCRIPTION_BYTES),
            MAX_DESCRIPTION_BYTES,
        ),
        (
            "words that grow when lowercased",
            "İ".repeat(30_000),
            90_000,
        ),
    ] {
        let text = format!(r#"[{a}, {{"slug": "long", "description": "{description}"}}]"#);
        let error = CatalogError::DescriptionWordsTooLong {
            index: 1,
            bytes,
            limit: MAX_DESCRIPTION_WORD_BYTES,
        };
        cases.push(error_case(
            name,
            text,
            error,
            "product 2 (id \"long\"): its description's distinct words take",
        ));
    }
    let slug = "s".repeat(MAX_IDENTIFIER_BYTES + 1);
    let text = format!(r#"[{{"slug": "{slug}", "description": "x"}}]"#);
    let error = CatalogError::FieldTooLong {
        index: 0,
        field: "id".into(),
        bytes: slug.len(),
        limit: MAX_IDENTIFIER_BYTES,
    };
    cases.push(error_case(
        "identifier too long",
        text,
        error,
        "product 1 (id \"sss",
    ));

    cases
}

#[test]
fn each_rejection_has_its_variant_and_location() {
    for case in cases() {
        let error = match parse_catalog(&case.text) {
            Ok(catalog) => panic!("{}: accepted, with {} products", case.name, catalog.len()),
            Err(error) => error,
        };
        // A stream cannot be read twice: it reports the first problem, which is the
        // first of the whole text's list when that lists its products' problems.
        assert_eq!(
            streamed(&case.text).map_err(|e| e.first_problem().clone()),
            Err(error.first_problem().clone()),
            "{}: streamed",
            case.name
        );
        // Every product problem names the product from 1, with what identifies it.
        assert_eq!(
            error.is_about_a_product(),
            matches!(error, CatalogError::Products { .. }),
            "{}: {error:?}",
            case.name
        );
        match &case.expected {
            Expected::Error(expected) => {
                assert_eq!(error.first_problem(), expected, "{}", case.name)
            }
            Expected::Json { line, column } => match &error {
                CatalogError::InvalidJson {
                    line: got_line,
                    column: got_column,
                    message,
                } => {
                    assert_eq!((*got_line, *got_column), (*line, *column), "{}", case.name);
                    assert!(!message.is_empty(), "{}: empty message", case.name);
                }
                other => panic!("{}: expected InvalidJson, got {other:?}", case.name),
            },
        }
        let shown = error.to_string();
        assert!(
            shown.contains(&case.mentions),
            "{}: {shown:?} lacks {:?}",
            case.name,
            case.mentions
        );
    }
}

/// A million-and-one-product JSON text would be tens of megabytes, so the product limit
/// is checked where the parser hands over, in `Catalog::from_products`. (The parser's
/// own counting past the limit has a unit test with a lowered limit.)
#[test]
fn too_many_products_are_rejected_before_any_other_check() {
    // Empty strings do not allocate, and an empty identifier would be the first
    // per-product error: seeing TooManyProducts shows the count is checked first.
    let blank = Product::new("", "", "");
    let products = vec![blank; MAX_PRODUCTS + 1];
    let error = Catalog::from_products(products).unwrap_err();
    assert_eq!(
        error,
        CatalogError::TooManyProducts {
            count: MAX_PRODUCTS + 1,
            limit: MAX_PRODUCTS
        }
    );
    assert!(error.to_string().contains(&(MAX_PRODUCTS + 1).to_string()));
}

/// The catalog of `text`, parsed whole and as a stream (which must agree).
fn load(text: &str) -> Catalog {
    let catalog = parse_catalog(text).unwrap_or_else(|error| panic!("rejected: {error}\n{text}"));
    assert_eq!(streamed(text).as_ref(), Ok(&catalog), "streamed: {text}");
    catalog
}

/// Every field of `text`'s products as read (the catalog keeps only what it scores and shows).
fn read(text: &str) -> Vec<Product> {
    load(text);
    parse_products(text).unwrap_or_else(|error| panic!("rejected: {error}\n{text}"))
}

#[test]
fn a_text_over_the_byte_limit_is_refused_as_it_is_read() {
    let text = format!("[{}]", " ".repeat(998));
    let source = Trickle {
        bytes: text.as_bytes(),
        turn: 0,
    };
    match parse_catalog_reader(source, 999) {
        Err(ReadError::Catalog(CatalogError::TooLarge { bytes, limit: 999 })) => {
            assert!(bytes > 999, "{bytes}")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        parse_catalog_reader(text.as_bytes(), 1000).is_err(),
        "no products, but read"
    );
}

#[test]
fn a_byte_order_mark_and_bad_bytes_are_met_as_they_stream() {
    let text = "\u{feff}[{\"slug\": \"é\", \"description\": \"ü\"}]";
    assert_eq!(streamed(text).unwrap().product(0).id, "é");
    let mut bytes = text.as_bytes().to_vec();
    let at = bytes.len() - 5;
    bytes[at] = 0xff;
    match parse_catalog_reader(
        Trickle {
            bytes: &bytes,
            turn: 0,
        },
        MAX_CATALOG_BYTES,
    ) {
        Err(ReadError::Catalog(CatalogError::NotText { offset })) => assert_eq!(offset, at),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_single_product_loads() {
    let catalog = load(r#"[{"slug": "only", "description": "The one product."}]"#);
    assert_eq!(catalog.len(), 1);
    assert_eq!(catalog.index_of("only"), Some(0));
}

#[test]
fn punctuation_and_emoji_descriptions_load_with_no_words() {
    let descriptions = ["!!! ... ??? --- ***", "🎉🛍️✨ 🎁🎁", ""];
    let products: Vec<String> = descriptions
        .iter()
        .enumerate()
        .map(|(k, d)| format!(r#"{{"slug": "p{k}", "description": "{d}"}}"#))
        .collect();
    let text = format!("[{}]", products.join(","));
    let catalog = load(&text);
    let read = read(&text);
    for (k, description) in descriptions.iter().enumerate() {
        assert_eq!(read[k].description, *description);
        assert!(catalog.description_words(k).is_empty());
    }
}

#[test]
fn very_long_names_load() {
    let name: String = "Ultra Long Name 名前 "
        .chars()
        .cycle()
        .take(10_000)
        .collect();
    let catalog = load(&format!(
        r#"[{{"slug": "long", "name": "{name}", "description": "x"}}]"#
    ));
    assert_eq!(catalog.product(0).name.chars().count(), 10_000);
    assert_eq!(catalog.product(0).name, name);
}

#[test]
fn right_to_left_and_cjk_text_loads_unchanged() {
    let texts = [
        (
            "أحمر-شفاه",
            "أحمر شفاه مخملي",
            "أحمر شفاه غير لامع يدوم طويلاً.",
            "تجميل",
        ),
        (
            "שפתון",
            "שפתון קטיפה",
            "שפתון מט עמיד לאורך כל היום.",
            "יופי",
        ),
        (
            "口红",
            "丝绒哑光口红",
            "持久不脱色的丝绒哑光口红，滋润不干燥。",
            "美妆",
        ),
        (
            "リップ",
            "ベルベットリップ",
            "一日中落ちにくいマットな口紅です。",
            "コスメ",
        ),
    ];
    let products: Vec<String> = texts
        .iter()
        .map(|(slug, name, description, category)| {
            format!(
                r#"{{"slug": "{slug}", "name": "{name}", "description": "{description}",
                    "category": "{category}", "tags": ["{category}"]}}"#
            )
        })
        .collect();
    let text = format!(r#"{{"products": [{}]}}"#, products.join(","));
    let catalog = load(&text);
    let read = read(&text);
    for (k, (slug, name, description, category)) in texts.iter().enumerate() {
        let product = catalog.product(k);
        assert_eq!((product.id, product.name), (*slug, *name));
        assert_eq!(read[k].description, *description);
        assert_eq!(product.category, Some(*category));
        assert_eq!(catalog.index_of(slug), Some(k));
        assert!(!catalog.description_words(k).is_empty(), "{description}");
    }
}

#[test]
fn unknown_fields_are_ignored() {
    let text = r#"{
        "total": 1, "skip": 0, "meta": {"source": "test", "pages": [1, 2, {"x": null}]},
        "products": [{
            "slug": "mascara",
            "reviews": [{"rating": 5, "comment": "Great!", "tags": 7}],
            "images": ["https://example.com/1.webp"],
            "dimensions": {"width": 1.5, "depth": null},
            "description": "Volumising mascara.",
            "inStock": true,
            "price": 9.99
        }],
        "limit": 30
    }"#;
    let product = &read(text)[0];
    assert_eq!(product.id, "mascara");
    assert_eq!(product.description, "Volumising mascara.");
    assert_eq!(product.price, Some(9.99));
    // The review's "tags": 7 belongs to the review, not the product.
    assert!(product.tags.is_empty());
}

#[test]
fn numeric_ids_become_identifiers_and_titles_become_names() {
    let ids = [1_u64, 42, 9_007_199_254_740_993];
    let products: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"id": {id}, "title": "Product {id}", "description": "x"}}"#))
        .collect();
    let catalog = load(&format!("[{}]", products.join(",")));
    for (k, id) in ids.iter().enumerate() {
        assert_eq!(catalog.product(k).id, id.to_string());
        assert_eq!(catalog.product(k).name, format!("Product {id}"));
        assert_eq!(catalog.index_of(&id.to_string()), Some(k));
    }
}

#[test]
fn json_escapes_are_decoded_in_keys_and_values() {
    let text = r#"[{"slug": "caf\u00e9", "descr\u0069ption": "Line one\nline \"two\""}]"#;
    assert_eq!(load(text).product(0).id, "café");
    assert_eq!(read(text)[0].description, "Line one\nline \"two\"");
}

/// A syntax error far into a long text (past the streamed parser's window of recent
/// bytes), on one long line and after many lines, with characters of 2 to 4 bytes before
/// it: the streamed column is the whole text's, in characters.
#[test]
fn an_error_deep_in_a_long_text_has_the_same_line_and_column_streamed() {
    let product = |k: usize| {
        format!(
            r#"{{"slug": "p{k}", "name": "Crème brûlée 東京 𝄞 {k}", "description": "ü é {k}"}}"#
        )
    };
    for separator in [", ", ",\n"] {
        let products: Vec<String> = (0..12_000).map(product).collect();
        // A missing value after the last comma: an error at the very end.
        let text = format!("[{}{separator}]", products.join(separator));
        assert!(text.len() > 1_000_000, "{} bytes", text.len());
        let whole = parse_catalog(&text).unwrap_err();
        assert!(
            matches!(whole, CatalogError::InvalidJson { .. }),
            "{whole:?}"
        );
        assert_eq!(streamed(&text).unwrap_err(), whole, "a few bytes a read");
        let read = parse_catalog_reader(text.as_bytes(), MAX_CATALOG_BYTES);
        assert!(
            matches!(&read, Err(ReadError::Catalog(e)) if *e == whole),
            "whole reads: {read:?}"
        );
    }
}

/// A catalog file is parsed as a stream, which reports its first problem; the file is
/// then read again so that the message lists every product's problem, as the whole
/// text's does (a byte order mark skipped both times).
#[test]
fn a_catalog_file_reports_every_product_problem() {
    let text = "\u{feff}[{\"id\": 1, \"name\": \"Red\"}, {\"id\": 2, \"description\": \"x\"}, \
                {\"id\": 3, \"name\": \"Blue\", \"tags\": [null]}, {\"id\": 2, \"description\": \"y\"}]";
    let path = std::env::temp_dir().join(format!("shop-recs-problems-{}.json", std::process::id()));
    std::fs::write(&path, text).expect("a temporary file");
    let loaded = shop_recs::files::load_catalog_file(&path);
    std::fs::remove_file(&path).ok();
    let Err(shop_recs::files::FileError::Catalog { source, .. }) = loaded else {
        panic!("expected a catalog error, got {loaded:?}");
    };
    assert_eq!(source, parse_catalog(text).unwrap_err());
    assert_eq!(
        source.to_string(),
        "3 problems in the catalog's products: \
         product 1 (id \"1\", \"Red\") has no \"description\" (a string is required); \
         product 3 (id \"3\", \"Blue\"): \"tags[0]\" must be a string, found null; \
         product 4 (id \"2\") repeats the identifier of product 2: identifiers must be unique"
    );
}
