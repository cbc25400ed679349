//! JSON catalog parsing: a streaming serde visitor that keeps only the fields a product needs.
//!
//! User catalogs can be 64 MiB, most of it fields we never read (reviews, image lists,
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
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Catalog, CatalogError, MAX_CATALOG_BYTES, MAX_PRODUCTS, Product};

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
/// | `tags` | array of strings | optional |
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
/// returned.
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
/// assert_eq!(err.to_string(), "products[0].description: expected a string, found a number");
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

/// [`parse_catalog`] after the length check, keeping at most `limit` products. Tests
/// lower `limit` to reach the too-many-products path without a million-product text.
fn parse_with_limit(text: &str, limit: usize) -> Result<Catalog, CatalogError> {
    let failure = Failure::default();
    let mut json = serde_json::Deserializer::from_str(text);
    let parsed = TopLevel {
        failure: &failure,
        limit,
    }
    .deserialize(&mut json)
    .and_then(|products| json.end().map(|()| products));
    match parsed {
        Ok(products) => Catalog::from_products(products),
        Err(error) => Err(failure.take().unwrap_or_else(|| invalid_json(text, &error))),
    }
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

/// The top level: an array of products, or an object with a `products` array.
struct TopLevel<'f> {
    failure: &'f Failure,
    limit: usize,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = Vec<Product>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TopLevel<'_> {
    fn wrong_shape<E: de::Error>(&self, found: &str) -> E {
        self.failure.raise(CatalogError::WrongShape {
            found: found.to_string(),
        })
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Vec<Product>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of products or an object with a \"products\" array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        collect_products(seq, self.failure, Prefix::Array, self.limit)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut products = None;
        while let Some(key) = map.next_key_seed(TopLevelKey)? {
            if !key.is_products {
                map.next_value::<IgnoredAny>()?;
            } else if products.is_some() {
                return Err(self.wrong_shape("an object with more than one \"products\" field"));
            } else {
                products = Some(map.next_value_seed(ProductsField {
                    failure: self.failure,
                    limit: self.limit,
                })?);
            }
        }
        products.ok_or_else(|| self.wrong_shape("an object without a \"products\" array"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_BOOLEAN))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_NUMBER))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_NUMBER))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_NUMBER))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_STRING))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(self.wrong_shape(NULL))
    }
}

/// A top-level object key: `products` or something to skip. Borrowed, never allocated.
struct TopLevelKey;

struct TopLevelKeyValue {
    is_products: bool,
}

impl<'de> DeserializeSeed<'de> for TopLevelKey {
    type Value = TopLevelKeyValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for TopLevelKey {
    type Value = TopLevelKeyValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(TopLevelKeyValue {
            is_products: key == "products",
        })
    }
}

/// The value of the top-level `products` field, which must be an array.
struct ProductsField<'f> {
    failure: &'f Failure,
    limit: usize,
}

impl<'de> DeserializeSeed<'de> for ProductsField<'_> {
    type Value = Vec<Product>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ProductsField<'_> {
    fn wrong_shape<E: de::Error>(&self, found: &str) -> E {
        let found = format!("an object whose \"products\" is {found}");
        self.failure.raise(CatalogError::WrongShape { found })
    }
}

impl<'de> Visitor<'de> for ProductsField<'_> {
    type Value = Vec<Product>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of products")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        collect_products(seq, self.failure, Prefix::Products, self.limit)
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.wrong_shape(AN_OBJECT))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_BOOLEAN))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_NUMBER))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_NUMBER))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_NUMBER))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(self.wrong_shape(A_STRING))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(self.wrong_shape(NULL))
    }
}

/// Reads the products array.
///
/// At most `limit` ([`MAX_PRODUCTS`]) products are kept: past that, elements are only
/// counted (and their syntax checked), so an oversized catalog costs no more memory than
/// a full one, and the error can still say how many products there were.
fn collect_products<'de, A: SeqAccess<'de>>(
    mut seq: A,
    failure: &Failure,
    prefix: Prefix,
    limit: usize,
) -> Result<Vec<Product>, A::Error> {
    let mut products = Vec::new();
    while products.len() < limit {
        let seed = ProductSeed {
            failure,
            at: Path {
                prefix,
                index: products.len(),
            },
        };
        match seq.next_element_seed(seed)? {
            Some(product) => products.push(product),
            None => return Ok(products),
        }
    }
    let mut count = products.len();
    while seq.next_element::<IgnoredAny>()?.is_some() {
        count += 1;
    }
    if count > limit {
        return Err(failure.raise(CatalogError::TooManyProducts { count, limit }));
    }
    Ok(products)
}

/// How paths start: `products[3]` in the object form, `[3]` in the array form.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Prefix {
    Products,
    Array,
}

/// The location of one product, written lazily (only when an error needs it).
#[derive(Debug, Clone, Copy)]
struct Path {
    prefix: Prefix,
    index: usize,
}

impl Path {
    /// `products[3]`, `products[3].tags` or `products[3].tags[1]` (or without `products`).
    fn render(self, field: Option<&str>, element: Option<usize>) -> String {
        let mut path = match self.prefix {
            Prefix::Products => format!("products[{}]", self.index),
            Prefix::Array => format!("[{}]", self.index),
        };
        if let Some(field) = field {
            path.push('.');
            path.push_str(field);
        }
        if let Some(element) = element {
            path.push_str(&format!("[{element}]"));
        }
        path
    }
}

/// One product object.
struct ProductSeed<'f> {
    failure: &'f Failure,
    at: Path,
}

impl<'de> DeserializeSeed<'de> for ProductSeed<'_> {
    type Value = Product;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ProductSeed<'_> {
    fn not_an_object<E: de::Error>(&self, found: &'static str) -> E {
        let path = self.at.render(None, None);
        self.failure.raise(CatalogError::WrongType {
            path,
            expected: AN_OBJECT,
            found,
        })
    }

    fn field<K>(&self, field: &'static str) -> FieldSeed<'_, K> {
        FieldSeed::new(self.failure, self.at, field, None)
    }
}

impl<'de> Visitor<'de> for ProductSeed<'_> {
    type Value = Product;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a product object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut slug = None;
        let mut id = None;
        let mut name = None;
        let mut title = None;
        let mut description = None;
        let mut category = None;
        let mut tags = Vec::new();
        let mut price = None;
        while let Some(key) = map.next_key_seed(ProductKeySeed)? {
            match key {
                ProductKey::Slug => slug = map.next_value_seed(self.field::<Text>("slug"))?,
                ProductKey::Id => id = map.next_value_seed(self.field::<Identifier>("id"))?,
                ProductKey::Name => name = map.next_value_seed(self.field::<Text>("name"))?,
                ProductKey::Title => title = map.next_value_seed(self.field::<Text>("title"))?,
                ProductKey::Description => {
                    description = map.next_value_seed(self.field::<Text>("description"))?
                }
                ProductKey::Category => {
                    category = map.next_value_seed(self.field::<Text>("category"))?
                }
                ProductKey::Tags => {
                    let seed = TagsSeed {
                        failure: self.failure,
                        at: self.at,
                    };
                    tags = map.next_value_seed(seed)?;
                }
                ProductKey::Price => price = map.next_value_seed(self.field::<Number>("price"))?,
                ProductKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }

        let index = self.at.index;
        let non_empty = |value: Option<String>| value.filter(|text| !text.is_empty());
        let Some(id) = non_empty(slug).or(id) else {
            return Err(self
                .failure
                .raise(CatalogError::MissingIdentifier { index }));
        };
        let Some(description) = description else {
            return Err(self
                .failure
                .raise(CatalogError::MissingDescription { index }));
        };
        let name = non_empty(name)
            .or_else(|| non_empty(title))
            .unwrap_or_else(|| id.clone());
        Ok(Product {
            id,
            name,
            description,
            category,
            tags,
            price,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.not_an_object(AN_ARRAY))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.not_an_object(A_BOOLEAN))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self.not_an_object(A_NUMBER))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self.not_an_object(A_NUMBER))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self.not_an_object(A_NUMBER))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(self.not_an_object(A_STRING))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(self.not_an_object(NULL))
    }
}

/// The product fields we read; everything else is `Other` and skipped.
enum ProductKey {
    Slug,
    Id,
    Name,
    Title,
    Description,
    Category,
    Tags,
    Price,
    Other,
}

/// Reads a product's field name without allocating it.
struct ProductKeySeed;

impl<'de> DeserializeSeed<'de> for ProductKeySeed {
    type Value = ProductKey;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for ProductKeySeed {
    type Value = ProductKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(match key {
            "slug" => ProductKey::Slug,
            "id" => ProductKey::Id,
            "name" => ProductKey::Name,
            "title" => ProductKey::Title,
            "description" => ProductKey::Description,
            "category" => ProductKey::Category,
            "tags" => ProductKey::Tags,
            "price" => ProductKey::Price,
            _ => ProductKey::Other,
        })
    }
}

/// What a scalar field accepts and keeps. `null` is always accepted, as absent.
trait FieldKind {
    type Value;
    /// How `WrongType` names the accepted types.
    const EXPECTED: &'static str;
    /// The value for a JSON string, or `None` when strings are the wrong type.
    fn from_json_str(text: &str) -> Option<Self::Value>;
    /// The value for a JSON number, or `None` when numbers are the wrong type. `exact`
    /// writes the number as it appeared (integers arrive as `u64`/`i64` and keep every
    /// digit); it is called only when needed.
    fn from_json_number(number: f64, exact: impl FnOnce() -> String) -> Option<Self::Value>;
}

/// A string: `slug`, `name`, `title`, `description`, `category`, and each tag.
struct Text;

impl FieldKind for Text {
    type Value = String;
    const EXPECTED: &'static str = A_STRING;

    fn from_json_str(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    fn from_json_number(_: f64, _: impl FnOnce() -> String) -> Option<String> {
        None
    }
}

/// A string or a number, kept as a string: `id`.
struct Identifier;

impl FieldKind for Identifier {
    type Value = String;
    const EXPECTED: &'static str = "a string or a number";

    fn from_json_str(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    fn from_json_number(_: f64, exact: impl FnOnce() -> String) -> Option<String> {
        Some(exact())
    }
}

/// A number: `price`.
struct Number;

impl FieldKind for Number {
    type Value = f64;
    const EXPECTED: &'static str = A_NUMBER;

    fn from_json_str(_: &str) -> Option<f64> {
        None
    }

    fn from_json_number(number: f64, _: impl FnOnce() -> String) -> Option<f64> {
        Some(number)
    }
}

/// One scalar field (or one tag) of kind `K`; `null` gives `None`.
struct FieldSeed<'f, K> {
    failure: &'f Failure,
    at: Path,
    field: &'static str,
    element: Option<usize>,
    kind: PhantomData<K>,
}

impl<'f, K> FieldSeed<'f, K> {
    fn new(failure: &'f Failure, at: Path, field: &'static str, element: Option<usize>) -> Self {
        FieldSeed {
            failure,
            at,
            field,
            element,
            kind: PhantomData,
        }
    }
}

impl<'de, K: FieldKind> DeserializeSeed<'de> for FieldSeed<'_, K> {
    type Value = Option<K::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<K: FieldKind> FieldSeed<'_, K> {
    fn wrong_type<E: de::Error>(&self, found: &'static str) -> E {
        let path = self.at.render(Some(self.field), self.element);
        self.failure.raise(CatalogError::WrongType {
            path,
            expected: K::EXPECTED,
            found,
        })
    }

    fn number<E: de::Error>(
        &self,
        number: f64,
        exact: impl FnOnce() -> String,
    ) -> Result<Option<K::Value>, E> {
        match K::from_json_number(number, exact) {
            Some(value) => Ok(Some(value)),
            None => Err(self.wrong_type(A_NUMBER)),
        }
    }
}

impl<'de, K: FieldKind> Visitor<'de> for FieldSeed<'_, K> {
    type Value = Option<K::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(K::EXPECTED)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        match K::from_json_str(text) {
            Some(value) => Ok(Some(value)),
            None => Err(self.wrong_type(A_STRING)),
        }
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Self::Value, E> {
        self.number(number as f64, || number.to_string())
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Self::Value, E> {
        self.number(number as f64, || number.to_string())
    }

    /// Non-integers, and integers too large for `u64`/`i64`. Rust writes an `f64` without
    /// `.0` for whole numbers and never with an exponent: `1.0` and `1e3` give `1` and
    /// `1000`, the strings an integer id would give.
    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Self::Value, E> {
        self.number(number, || number.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.wrong_type(A_BOOLEAN))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.wrong_type(AN_ARRAY))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.wrong_type(AN_OBJECT))
    }
}

/// The `tags` field: an array of strings, or `null` for none.
struct TagsSeed<'f> {
    failure: &'f Failure,
    at: Path,
}

impl<'de> DeserializeSeed<'de> for TagsSeed<'_> {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TagsSeed<'_> {
    const EXPECTED: &'static str = "an array of strings";

    fn wrong_type<E: de::Error>(&self, found: &'static str) -> E {
        let path = self.at.render(Some("tags"), None);
        let error = CatalogError::WrongType {
            path,
            expected: Self::EXPECTED,
            found,
        };
        self.failure.raise(error)
    }
}

impl<'de> Visitor<'de> for TagsSeed<'_> {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::EXPECTED)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut tags = Vec::new();
        loop {
            let element = Some(tags.len());
            let seed = FieldSeed::<Text>::new(self.failure, self.at, "tags", element);
            match seq.next_element_seed(seed)? {
                None => return Ok(tags),
                Some(Some(tag)) => tags.push(tag),
                // A null inside the array is not "no tags": it is a mistake to point at.
                Some(None) => {
                    let path = self.at.render(Some("tags"), element);
                    let error = CatalogError::WrongType {
                        path,
                        expected: A_STRING,
                        found: NULL,
                    };
                    return Err(self.failure.raise(error));
                }
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.wrong_type(A_BOOLEAN))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self.wrong_type(A_NUMBER))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self.wrong_type(A_NUMBER))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self.wrong_type(A_NUMBER))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(self.wrong_type(A_STRING))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.wrong_type(AN_OBJECT))
    }
}

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
        let too_large = vec![b' '; MAX_CATALOG_BYTES + 1];
        assert!(matches!(
            parse_catalog_bytes(&too_large).unwrap_err(),
            CatalogError::TooLarge { .. }
        ));
    }

    fn parse_one(product: &str) -> Result<Product, CatalogError> {
        parse_catalog(&format!("[{product}]")).map(|catalog| catalog.product(0).clone())
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
            err,
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
    fn paths_name_the_form_the_catalog_uses() {
        let at = Path {
            prefix: Prefix::Products,
            index: 12,
        };
        assert_eq!(at.render(None, None), "products[12]");
        assert_eq!(at.render(Some("tags"), None), "products[12].tags");
        assert_eq!(at.render(Some("tags"), Some(1)), "products[12].tags[1]");
        let at = Path {
            prefix: Prefix::Array,
            index: 3,
        };
        assert_eq!(at.render(Some("price"), None), "[3].price");

        let good = r#"{"slug": "a", "description": ""}"#;
        let bad = r#"{"slug": "b", "description": "", "tags": ["x", 5]}"#;
        let in_object = parse_catalog(&format!(r#"{{"products": [{good}, {bad}]}}"#)).unwrap_err();
        let in_array = parse_catalog(&format!("[{good}, {bad}]")).unwrap_err();
        let wrong = |path: &str| CatalogError::WrongType {
            path: path.into(),
            expected: "a string",
            found: "a number",
        };
        assert_eq!(in_object, wrong("products[1].tags[1]"));
        assert_eq!(in_array, wrong("[1].tags[1]"));
    }

    #[test]
    fn a_product_that_is_not_an_object_is_named_by_index() {
        let err = parse_catalog(r#"{"products": [{"slug": "a", "description": ""}, "b"]}"#);
        let expected = CatalogError::WrongType {
            path: "products[1]".into(),
            expected: "an object",
            found: "a string",
        };
        assert_eq!(err.unwrap_err(), expected);
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
        assert_eq!(catalog.product(0).description, "d");
    }
}
