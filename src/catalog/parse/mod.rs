//! JSON catalog parsing: a streaming serde visitor that keeps only the fields a product needs.
//!
//! User catalogs can be hundreds of megabytes, most of it fields we never read (reviews, image lists,
//! dimensions). Parsing the document into a `serde_json::Value` first would hold all of
//! that in memory at several times its text size. Instead the visitors below walk the
//! text once: the top level and the products array are visited, each product's known
//! fields are deserialized into small values, and everything else is skipped with
//! [`IgnoredAny`], which allocates nothing. Memory stays near the size of the kept fields.
//!
//! Typed errors and serde: a visitor can only fail with `serde::de::Error`, a message.
//! So each visitor holds a [`Failure`] slot; it stores the typed [`CatalogError`] there
//! and returns a sentinel error, which unwinds the parse. [`parse_catalog`] prefers the
//! stored error; anything else is a syntax error and becomes [`CatalogError::InvalidJson`].

use std::cell::Cell;

use serde::de::{self, DeserializeSeed};

use super::{Catalog, CatalogBuilder, CatalogError, MAX_CATALOG_BYTES, MAX_PRODUCTS, Product};

/// Writes the `visit_*` methods of a [`Visitor`] that turn down whole JSON kinds, each
/// answering `Err(self.$reject(WHAT_IT_FOUND))`: `object` (`visit_map`), `array`
/// (`visit_seq`), `boolean`, `number` (`visit_i64`, `visit_u64` and `visit_f64`), `string`
/// and `null` (`visit_unit`). A visitor writes the kinds it accepts itself.
macro_rules! reject_kinds {
    ($de:lifetime, $reject:ident: $($kind:ident),+ $(,)?) => {
        $( reject_kinds!(@one $de, $reject, $kind); )+
    };
    (@one $de:lifetime, $reject:ident, object) => {
        fn visit_map<A: MapAccess<$de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(self.$reject(AN_OBJECT))
        }
    };
    (@one $de:lifetime, $reject:ident, array) => {
        fn visit_seq<A: SeqAccess<$de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(self.$reject(AN_ARRAY))
        }
    };
    (@one $de:lifetime, $reject:ident, boolean) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(self.$reject(A_BOOLEAN))
        }
    };
    (@one $de:lifetime, $reject:ident, number) => {
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(self.$reject(A_NUMBER))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(self.$reject(A_NUMBER))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(self.$reject(A_NUMBER))
        }
    };
    (@one $de:lifetime, $reject:ident, string) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(self.$reject(A_STRING))
        }
    };
    (@one $de:lifetime, $reject:ident, null) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(self.$reject(NULL))
        }
    };
}

// After the macro, so that both files can use it.
mod diagnose;
mod pieces;
mod product;
mod reader;
mod top;

pub use diagnose::diagnose_reader;
pub use pieces::parse_catalog_reader_on_pool;
pub use reader::{ReadError, parse_catalog_reader};

use top::TopLevel;

/// Parses and validates a catalog from JSON text.
///
/// Accepts a top-level array of products, or an object whose `products` field is that
/// array (other top-level fields are ignored). Each product is an object with:
///
/// | field | type | use |
/// |---|---|---|
/// | `slug` | string | the identifier, when present and non-empty |
/// | `id` | number or string | the identifier otherwise |
/// | `name`, `title` | string | the display name: `name`, else `title`, else the identifier |
/// | `description` | string | required |
/// | `category` | string | optional |
/// | `tags` | array of strings, or one comma-separated string | optional |
/// | `price` | number | optional |
///
/// A numeric `id` is written as JSON shows it, without a fraction for whole numbers
/// (`7` and `7.0` both give `"7"`). An empty `name` or `title` counts as absent. `null`
/// counts as absent everywhere, unknown fields are skipped, and when a field repeats in
/// one object the last value wins. A leading byte order mark is ignored.
///
/// Errors are checked in this order: the text length ([`CatalogError::TooLarge`]), then,
/// in reading order, JSON syntax ([`CatalogError::InvalidJson`], 1-based line and column
/// in characters), the top-level shape, each product's field types (with a path such as
/// `products[3].tags[1]`, or `[3].tags[1]` for a top-level array) and required fields,
/// and the product count; finally [`Catalog::from_products`] checks that the catalog is
/// not empty, the field lengths and duplicate identifiers. The first problem found is
/// returned, unless it is a product's: then the text is read once more, product by
/// product, and [`CatalogError::Products`] lists every product's problem (the first
/// [`super::MAX_REPORTED_PROBLEMS`], then a count), each with the product's position from 1,
/// identifier and name.
///
/// # Examples
/// ```
/// use shop_recs::{CatalogError, parse_catalog};
///
/// let catalog = parse_catalog(r#"[{"id": 7, "title": "Red Lipstick", "description": "Matte."}]"#)
///     .unwrap();
/// assert_eq!(catalog.product(0).id, "7");
/// assert_eq!(catalog.product(0).name, "Red Lipstick");
///
/// let err = parse_catalog(r#"{"products": [{"slug": "a", "description": 5}]}"#).unwrap_err();
/// assert_eq!(err.to_string(), r#"product 1 (id "a"): "description" must be a string, found a number"#);
/// // The variant keeps the JSON path.
/// assert_eq!(
///     err.first_problem(),
///     &CatalogError::WrongType {
///         path: "products[0].description".into(),
///         expected: "a string",
///         found: "a number",
///     }
/// );
/// ```
pub fn parse_catalog(text: &str) -> Result<Catalog, CatalogError> {
    if text.len() > MAX_CATALOG_BYTES {
        return Err(CatalogError::TooLarge {
            bytes: text.len(),
            limit: MAX_CATALOG_BYTES,
        });
    }
    // Editors on Windows often save a byte order mark; it is not JSON, but it is not a
    // mistake either.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    parse_with_limit(text, MAX_PRODUCTS)
}

/// [`parse_catalog`] for raw bytes, as a file or an HTTP body arrives: checks the length
/// first, then that the bytes are UTF-8 text, then parses them.
///
/// A file that is not UTF-8 (a binary file, or text saved in another encoding) is
/// rejected with [`CatalogError::NotText`] and the offset of its first invalid byte,
/// instead of a JSON syntax error about a replacement character.
///
/// # Examples
/// ```
/// use shop_recs::CatalogError;
/// use shop_recs::catalog::parse_catalog_bytes;
///
/// let catalog = parse_catalog_bytes(br#"[{"slug": "a", "description": "x"}]"#).unwrap();
/// assert_eq!(catalog.len(), 1);
///
/// let err = parse_catalog_bytes(b"\x89PNG\r\n").unwrap_err();
/// assert_eq!(err, CatalogError::NotText { offset: 0 });
/// ```
pub fn parse_catalog_bytes(bytes: &[u8]) -> Result<Catalog, CatalogError> {
    if bytes.len() > MAX_CATALOG_BYTES {
        return Err(CatalogError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_CATALOG_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| CatalogError::NotText {
        offset: e.valid_up_to(),
    })?;
    parse_catalog(text)
}

/// Where the parser puts each product as soon as it is read.
pub(crate) trait ProductSink {
    fn accept(&mut self, product: Product);

    /// The diagnosing reading's collector ([`diagnose`]): when a sink has one, the
    /// parser hands it each product as a JSON value instead of calling `accept`.
    fn problems(&mut self) -> Option<&mut diagnose::Problems> {
        None
    }
}

impl ProductSink for CatalogBuilder {
    fn accept(&mut self, product: Product) {
        self.push(&product);
    }
}

impl ProductSink for Vec<Product> {
    fn accept(&mut self, product: Product) {
        self.push(product);
    }
}

/// [`parse_catalog`] after the length check, keeping at most `limit` products. Tests
/// lower `limit` to reach the too-many-products path without a million-product text.
///
/// When the first problem is a product's, the text is read once more
/// ([`diagnose::diagnose`]) to report every product's problem at once.
///
/// A text of more than a few megabytes is parsed on the rayon pool when it has more
/// than one thread ([`pieces`]): the same catalog, or the same first problem.
fn parse_with_limit(text: &str, limit: usize) -> Result<Catalog, CatalogError> {
    let on_pool = match pieces::worth_pieces(text.len()) && rayon::current_num_threads() > 1 {
        // Reading a slice cannot fail.
        true => pieces::parse_on_pool(text.as_bytes(), MAX_CATALOG_BYTES, limit, text.len()).ok(),
        false => None,
    };
    let built = match on_pool {
        Some(pieces::Pooled::Built(builder, _)) => builder.finish(),
        _ => {
            let mut builder = CatalogBuilder::default();
            read_products(text, limit, &mut builder).and_then(|()| builder.finish())
        }
    };
    built.map_err(|first| match first.is_about_a_product() {
        true => diagnose::diagnose(text, limit).unwrap_or(first),
        false => first,
    })
}

/// Reads every product of `text` into `sink`, with the syntax, shape and type checks of
/// [`parse_catalog`].
fn read_products(text: &str, limit: usize, sink: &mut dyn ProductSink) -> Result<(), CatalogError> {
    let failure = Failure::default();
    let mut json = serde_json::Deserializer::from_str(text);
    let parsed = TopLevel {
        failure: &failure,
        limit,
        sink,
    }
    .deserialize(&mut json)
    .and_then(|()| json.end());
    parsed.map_err(|error| failure.take().unwrap_or_else(|| invalid_json(text, &error)))
}

/// The products of a catalog text as the parser reads them, every field included,
/// before the catalog keeps what it needs: for tools and tests that look at what was
/// read. The checks of [`parse_catalog`] up to the product count; the catalog's own
/// (empty, field lengths, repeated identifiers) are not made.
///
/// # Examples
/// ```
/// let products = shop_recs::catalog::parse_products(r#"[{"id": 7, "description": "Matte.", "price": 9.5}]"#)?;
/// assert_eq!(products[0].id, "7");
/// assert_eq!(products[0].description, "Matte.");
/// assert_eq!(products[0].price, Some(9.5));
/// # Ok::<(), shop_recs::CatalogError>(())
/// ```
pub fn parse_products(text: &str) -> Result<Vec<Product>, CatalogError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut products = Vec::new();
    read_products(text, MAX_PRODUCTS, &mut products)?;
    Ok(products)
}

/// Converts a serde_json error into [`CatalogError::InvalidJson`].
///
/// serde_json counts columns in bytes and reports column 0 at the very start of a line
/// (an error at end of input after a newline); editors count characters from 1. So the
/// column is recounted in characters on the reported line, and clamped to at least 1.
fn invalid_json(text: &str, error: &serde_json::Error) -> CatalogError {
    let line = error.line().max(1);
    let byte_column = error.column();
    let line_text = text.split('\n').nth(line - 1).unwrap_or("");
    // Characters that start before `byte_column`: the offending character is the last.
    let column = line_text
        .char_indices()
        .take_while(|&(i, _)| i < byte_column)
        .count()
        .max(1);
    invalid_json_at(error, line, column)
}

/// [`CatalogError::InvalidJson`] for `error` at `line` and `column` (in characters).
fn invalid_json_at(error: &serde_json::Error, line: usize, column: usize) -> CatalogError {
    // serde_json's Display appends " at line L column C"; the variant carries those apart.
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    CatalogError::InvalidJson {
        line,
        column,
        message,
    }
}

/// Where a visitor stores the typed error that stopped the parse.
#[derive(Default)]
struct Failure(Cell<Option<CatalogError>>);

impl Failure {
    /// Stores `error` and returns the sentinel serde error that unwinds the parse.
    fn raise<E: de::Error>(&self, error: CatalogError) -> E {
        let message = error.to_string();
        self.0.set(Some(error));
        E::custom(message)
    }

    fn take(&self) -> Option<CatalogError> {
        self.0.take()
    }
}

// What a JSON value turned out to be, as `WrongShape` and `WrongType` describe it.
const A_BOOLEAN: &str = "a boolean";
const A_NUMBER: &str = "a number";
const A_STRING: &str = "a string";
const AN_ARRAY: &str = "an array";
const AN_OBJECT: &str = "an object";
const NULL: &str = "null";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_name_the_first_bad_byte() {
        // Valid text, then a lone continuation byte after "é" (2 bytes) and 3 more.
        let mut bytes = "[\"é".as_bytes().to_vec();
        bytes.push(0x80);
        assert_eq!(
            parse_catalog_bytes(&bytes).unwrap_err(),
            CatalogError::NotText { offset: 4 }
        );
        assert!(parse_catalog_bytes(br#"{"products": [{"id": 1, "description": ""}]}"#).is_ok());
        let too_large = vec![b' '; 1000];
        assert!(matches!(
            parse_catalog_reader(&too_large[..], 999).unwrap_err(),
            ReadError::Catalog(CatalogError::TooLarge { limit: 999, .. })
        ));
    }

    fn parse_one(product: &str) -> Result<Product, CatalogError> {
        let text = format!("[{product}]");
        parse_catalog(&text).map_err(|e| e.first_problem().clone())?;
        Ok(parse_products(&text)?.remove(0))
    }

    fn id_of(id_json: &str) -> String {
        parse_one(&format!(r#"{{"id": {id_json}, "description": ""}}"#))
            .unwrap()
            .id
    }

    #[test]
    fn integer_ids_keep_every_digit_and_no_fraction() {
        assert_eq!(id_of("7"), "7");
        assert_eq!(id_of("-12"), "-12");
        assert_eq!(id_of(&u64::MAX.to_string()), u64::MAX.to_string());
        assert_eq!(id_of(&i64::MIN.to_string()), i64::MIN.to_string());
        // Whole numbers written as floats read as the integer an editor would expect.
        assert_eq!(id_of("7.0"), "7");
        assert_eq!(id_of("1e3"), "1000");
        assert_eq!(id_of("2.5"), "2.5");
        assert_eq!(id_of(r#""007""#), "007");
    }

    #[test]
    fn id_number_and_string_with_same_text_are_duplicates() {
        let err =
            parse_catalog(r#"[{"id": 1, "description": ""}, {"id": "1", "description": ""}]"#)
                .unwrap_err();
        assert_eq!(
            *err.first_problem(),
            CatalogError::DuplicateIdentifier {
                id: "1".into(),
                first: 0,
                second: 1
            }
        );
    }

    #[test]
    fn slug_wins_over_id_unless_empty_or_null() {
        let both = parse_one(r#"{"slug": "red", "id": 3, "description": ""}"#).unwrap();
        assert_eq!(both.id, "red");
        let empty = parse_one(r#"{"slug": "", "id": 3, "description": ""}"#).unwrap();
        assert_eq!(empty.id, "3");
        let null = parse_one(r#"{"slug": null, "id": 3, "description": ""}"#).unwrap();
        assert_eq!(null.id, "3");
        let none = parse_one(r#"{"slug": "", "id": null, "description": ""}"#);
        assert_eq!(
            none.unwrap_err(),
            CatalogError::MissingIdentifier { index: 0 }
        );
    }

    #[test]
    fn null_optional_fields_are_absent() {
        let product = parse_one(
            r#"{"slug": "a", "name": null, "title": "T", "description": "d",
                "category": null, "tags": null, "price": null}"#,
        )
        .unwrap();
        assert_eq!(product.name, "T");
        assert_eq!(product.category, None);
        assert!(product.tags.is_empty());
        assert_eq!(product.price, None);
    }

    #[test]
    fn null_description_is_missing() {
        let err = parse_one(r#"{"slug": "a", "description": null}"#).unwrap_err();
        assert_eq!(err, CatalogError::MissingDescription { index: 0 });
    }

    #[test]
    fn null_tag_inside_the_array_is_a_wrong_type() {
        let err =
            parse_one(r#"{"slug": "a", "description": "", "tags": ["x", null]}"#).unwrap_err();
        let expected = CatalogError::WrongType {
            path: "[0].tags[1]".into(),
            expected: "a string",
            found: "null",
        };
        assert_eq!(err, expected);
    }

    #[test]
    fn name_falls_back_to_title_then_identifier() {
        let named = parse_one(r#"{"slug": "a", "name": "N", "title": "T", "description": ""}"#);
        assert_eq!(named.unwrap().name, "N");
        let titled = parse_one(r#"{"slug": "a", "name": "", "title": "T", "description": ""}"#);
        assert_eq!(titled.unwrap().name, "T");
        let bare = parse_one(r#"{"id": 42, "description": ""}"#);
        assert_eq!(bare.unwrap().name, "42");
    }

    #[test]
    fn a_product_that_is_not_an_object_is_named_by_index() {
        let err = parse_catalog(r#"{"products": [{"slug": "a", "description": ""}, "b"]}"#);
        let expected = CatalogError::WrongType {
            path: "products[1]".into(),
            expected: "an object",
            found: "a string",
        };
        assert_eq!(*err.unwrap_err().first_problem(), expected);
    }

    #[test]
    fn a_repeated_products_field_is_rejected() {
        let err = parse_catalog(r#"{"products": [], "products": []}"#).unwrap_err();
        assert!(
            matches!(err, CatalogError::WrongShape { found } if found.contains("more than one"))
        );
    }

    #[test]
    fn products_past_the_limit_are_counted_not_kept() {
        let product = |i: usize| format!(r#"{{"id": {i}, "description": ""}}"#);
        let five: Vec<String> = (0..5).map(product).collect();
        let text = format!("[{}]", five.join(","));
        assert_eq!(
            parse_with_limit(&text, 3).unwrap_err(),
            CatalogError::TooManyProducts { count: 5, limit: 3 }
        );
        assert_eq!(parse_with_limit(&text, 5).unwrap().len(), 5);
    }

    #[test]
    fn invalid_json_columns_count_characters_from_one() {
        // serde_json counts bytes: the `x` is byte 23 of its line, but character 17.
        let text = "[\n{\"name\": \"日本語\", x}]";
        let line_two = text.lines().nth(1).unwrap();
        let x_column = line_two.chars().position(|c| c == 'x').unwrap() + 1;
        match parse_catalog(text).unwrap_err() {
            CatalogError::InvalidJson { line, column, .. } => {
                assert_eq!((line, column), (2, x_column))
            }
            other => panic!("expected InvalidJson, got {other:?}"),
        }
        // End of input right after a newline: serde_json says column 0.
        match parse_catalog("[\n").unwrap_err() {
            CatalogError::InvalidJson {
                line,
                column,
                message,
            } => {
                assert_eq!((line, column), (2, 1));
                assert!(
                    !message.contains("line"),
                    "location repeated in {message:?}"
                );
            }
            other => panic!("expected InvalidJson, got {other:?}"),
        }
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let catalog = parse_catalog("\u{feff}[{\"slug\": \"a\", \"description\": \"\"}]").unwrap();
        assert_eq!(catalog.product(0).id, "a");
    }

    #[test]
    fn unknown_fields_of_any_shape_are_skipped() {
        let deep = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
        let text = format!(
            r#"{{"meta": {{"x": [1, {{"y": null}}]}}, "products": [{{"slug": "a", "reviews": {deep},
               "description": "d", "images": ["u"]}}], "total": 1}}"#
        );
        let catalog = parse_catalog(&text).unwrap();
        assert_eq!(catalog.len(), 1);
        assert_eq!(parse_products(&text).unwrap()[0].description, "d");
    }

    #[test]
    fn every_problem_of_the_products_is_reported_from_1_with_identifier_and_name() {
        let text = r#"{"products": [
            {"id": 4710, "title": "Matte Lipstick", "description": "ok"},
            {"id": 4711, "title": "Velvet Lipstick"},
            {"slug": "brush", "name": "Brush", "description": "ok", "price": "9.99"},
            {"name": "Nameless", "description": "ok"},
            {"id": 4710, "description": "again"}
        ]}"#;
        let err = parse_catalog(text).unwrap_err();
        let CatalogError::Products { problems, more } = &err else {
            panic!("expected every product's problem, got {err:?}");
        };
        assert_eq!(*more, 0);
        let positions: Vec<usize> = problems.iter().map(|p| p.position).collect();
        assert_eq!(positions, [2, 3, 4, 5]);
        assert_eq!(
            err.to_string(),
            "4 problems in the catalog's products: \
             product 2 (id \"4711\", \"Velvet Lipstick\") has no \"description\" (a string is required); \
             product 3 (id \"brush\", \"Brush\"): \"price\" must be a number, found a string \
             (write the number without quotes: 9.99, not \"9.99\"); \
             product 4 (\"Nameless\") has no identifier: give it a non-empty \"slug\" or an \"id\"; \
             product 5 (id \"4710\") repeats the identifier of product 1: identifiers must be unique"
        );
        // One problem alone reads as one sentence, with the product named.
        let one = parse_catalog(
            r#"[{"id": 17, "name": "Red", "description": "x"}, {"id": 18, "name": "Blue"}]"#,
        )
        .unwrap_err();
        assert_eq!(
            one.to_string(),
            "product 2 (id \"18\", \"Blue\") has no \"description\" (a string is required)"
        );
    }

    #[test]
    fn past_ten_problems_the_rest_are_counted() {
        let products: Vec<String> = (0..25).map(|i| format!(r#"{{"id": {i}}}"#)).collect();
        let err = parse_catalog(&format!("[{}]", products.join(","))).unwrap_err();
        let CatalogError::Products { problems, more } = &err else {
            panic!("expected every product's problem, got {err:?}");
        };
        assert_eq!((problems.len(), *more), (10, 15));
        assert!(
            err.to_string()
                .starts_with("25 problems in the catalog's products: product 1 (id \"0\")")
        );
        assert!(err.to_string().ends_with("; and 15 more"), "{err}");
    }

    #[test]
    fn a_problem_of_the_whole_text_is_not_diagnosed_per_product() {
        // Syntax, shape and count stay one error each, as before.
        let err = parse_catalog(r#"[{"id": 1, "description": "x"}, "#).unwrap_err();
        assert!(matches!(err, CatalogError::InvalidJson { .. }), "{err:?}");
        let err = parse_catalog(r#"{"products": 3}"#).unwrap_err();
        assert!(matches!(err, CatalogError::WrongShape { .. }), "{err:?}");
    }

    #[test]
    fn tags_as_one_comma_separated_string_are_the_same_as_an_array() {
        let from_string =
            parse_one(r#"{"slug": "a", "description": "", "tags": " red, matte,,long-lasting "}"#)
                .unwrap();
        let from_array = parse_one(
            r#"{"slug": "a", "description": "", "tags": ["red", "matte", "long-lasting"]}"#,
        )
        .unwrap();
        assert_eq!(from_string.tags, ["red", "matte", "long-lasting"]);
        assert_eq!(from_string, from_array);
        let err = parse_one(r#"{"slug": "a", "description": "", "tags": 5}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "[0].tags: expected an array of strings or one comma-separated string, found a number"
        );
    }
}
