//! One product object: its fields, each checked for its JSON type and size, with errors
//! that name the product and the field (`products[12].tags[1]`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{A_BOOLEAN, A_NUMBER, A_STRING, AN_ARRAY, AN_OBJECT, Failure, NULL};
use crate::catalog::{CatalogError, Product};

/// How paths start: `products[3]` in the object form, `[3]` in the array form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Prefix {
    Products,
    Array,
}

/// The location of one product, written lazily (only when an error needs it).
#[derive(Debug, Clone, Copy)]
pub(super) struct Path {
    pub(super) prefix: Prefix,
    pub(super) index: usize,
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
pub(super) struct ProductSeed<'f> {
    pub(super) failure: &'f Failure,
    pub(super) at: Path,
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

    reject_kinds!('de, not_an_object: array, boolean, number, string, null);
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

    reject_kinds!('de, wrong_type: boolean, array, object);
}

/// The `tags` field: an array of strings, one string of comma-separated tags (as many
/// shop exports write them: `"red, matte, long-lasting"`, the same as
/// `["red", "matte", "long-lasting"]`; spaces around each tag are dropped, and so are
/// empty tags), or `null` for none.
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
    const EXPECTED: &'static str = "an array of strings or one comma-separated string";

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

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(text
            .split(',')
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .map(str::to_string)
            .collect())
    }

    reject_kinds!('de, wrong_type: boolean, number, object);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::parse_catalog;

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
        assert_eq!(*in_object.first_problem(), wrong("products[1].tags[1]"));
        assert_eq!(*in_array.first_problem(), wrong("[1].tags[1]"));
    }
}
