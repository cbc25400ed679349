//! The top level of a catalog: an array of products, or an object whose `products` field
//! is one; every other shape is rejected with what was found.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ProductSink;
use super::product::{Path, Prefix, ProductSeed};
use super::{A_BOOLEAN, A_NUMBER, A_STRING, AN_OBJECT, Failure, NULL};
use crate::catalog::CatalogError;

/// The top level: an array of products, or an object with a `products` array.
pub(super) struct TopLevel<'f, 's> {
    pub(super) failure: &'f Failure,
    pub(super) limit: usize,
    pub(super) sink: &'s mut dyn ProductSink,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TopLevel<'_, '_> {
    fn wrong_shape<E: de::Error>(&self, found: &str) -> E {
        self.failure.raise(CatalogError::WrongShape {
            found: found.to_string(),
        })
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of products or an object with a \"products\" array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        collect_products(seq, self.failure, Prefix::Array, self.limit, self.sink)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut products = false;
        while let Some(key) = map.next_key_seed(TopLevelKey)? {
            if !key.is_products {
                map.next_value::<IgnoredAny>()?;
            } else if products {
                return Err(self.wrong_shape("an object with more than one \"products\" field"));
            } else {
                map.next_value_seed(ProductsField {
                    failure: self.failure,
                    limit: self.limit,
                    sink: &mut *self.sink,
                })?;
                products = true;
            }
        }
        if products {
            Ok(())
        } else {
            Err(self.wrong_shape("an object without a \"products\" array"))
        }
    }

    reject_kinds!('de, wrong_shape: boolean, number, string, null);
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
struct ProductsField<'f, 's> {
    failure: &'f Failure,
    limit: usize,
    sink: &'s mut dyn ProductSink,
}

impl<'de> DeserializeSeed<'de> for ProductsField<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ProductsField<'_, '_> {
    fn wrong_shape<E: de::Error>(&self, found: &str) -> E {
        let found = format!("an object whose \"products\" is {found}");
        self.failure.raise(CatalogError::WrongShape { found })
    }
}

impl<'de> Visitor<'de> for ProductsField<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of products")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        collect_products(seq, self.failure, Prefix::Products, self.limit, self.sink)
    }

    reject_kinds!('de, wrong_shape: object, boolean, number, string, null);
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
    sink: &mut dyn ProductSink,
) -> Result<(), A::Error> {
    let mut count = 0;
    while count < limit {
        let at = Path {
            prefix,
            index: count,
        };
        if let Some(problems) = sink.problems() {
            // The diagnosing reading (diagnose.rs): each product as a value, checked alone.
            match seq.next_element::<serde_json::Value>()? {
                Some(value) => problems.check(at, &value),
                None => return Ok(()),
            }
        } else {
            match seq.next_element_seed(ProductSeed { failure, at })? {
                Some(product) => sink.accept(product),
                None => return Ok(()),
            }
        }
        count += 1;
    }
    while seq.next_element::<IgnoredAny>()?.is_some() {
        count += 1;
    }
    if count > limit {
        return Err(failure.raise(CatalogError::TooManyProducts { count, limit }));
    }
    Ok(())
}
