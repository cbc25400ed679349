//! The catalog: validated products plus the token sets the similarity signals read.
//!
//! A [`Catalog`] is built once (from JSON with [`parse_catalog`], or by
//! [`crate::generate::generate`]) and then scored many times. Building it tokenizes every
//! description and attribute set, so that a scoring run spends its time on the work the
//! timings describe: MinHash signatures, comparisons and ranking.
//!
//! # Limits
//! | what | limit | error |
//! |---|---|---|
//! | catalog JSON text | [`MAX_CATALOG_BYTES`] (64 MiB) | [`CatalogError::TooLarge`] |
//! | products | [`MAX_PRODUCTS`] (1,000,000) | [`CatalogError::TooManyProducts`] |
//! | one description | [`MAX_DESCRIPTION_BYTES`] (64 KiB) | [`CatalogError::DescriptionTooLong`] |
//! | one identifier | [`MAX_IDENTIFIER_BYTES`] (1 KiB) | [`CatalogError::FieldTooLong`] |
//! | a name, category or tag | [`MAX_FIELD_BYTES`] (64 KiB) | [`CatalogError::FieldTooLong`] |

mod error;
mod flat;
mod parse;
mod search;

use std::collections::HashMap;

use serde::Serialize;

pub use error::CatalogError;
pub use flat::{FlatTokens, FlatTokensTooLarge};
pub use parse::{parse_catalog, parse_catalog_bytes};
pub use search::SearchResult;

use crate::tokens;

/// Largest catalog text [`parse_catalog`] accepts, in bytes (64 MiB).
pub const MAX_CATALOG_BYTES: usize = 64 * 1024 * 1024;
/// Most products a catalog may hold.
pub const MAX_PRODUCTS: usize = 1_000_000;
/// Longest description, in UTF-8 bytes (64 KiB).
pub const MAX_DESCRIPTION_BYTES: usize = 64 * 1024;
/// Longest identifier, in UTF-8 bytes (1 KiB).
pub const MAX_IDENTIFIER_BYTES: usize = 1024;
/// Longest name, category or single tag, in UTF-8 bytes (64 KiB).
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// One product after validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    /// Unique identifier: the JSON `slug`, or `id` as a string when there is no slug.
    pub id: String,
    /// Display name: `name`, else `title`, else the identifier.
    pub name: String,
    /// Free text; its words feed the MinHash text signal.
    pub description: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub price: Option<f64>,
}

impl Product {
    /// A product with no category, tags or price: the fields every product has.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> Product {
        Product {
            id: id.into(),
            name: name.into(),
            description: description.into(),
            category: None,
            tags: Vec::new(),
            price: None,
        }
    }
}

/// The distinct words of one product's description, as UTF-8 bytes laid end to end.
///
/// Guarantees: the words are distinct, sorted by their bytes, and none is empty.
#[derive(Debug, Clone, Copy)]
pub struct TokenSet<'a> {
    bytes: &'a [u8],
    /// `ends[k]` is the end offset (exclusive, within `bytes`) of word `k`.
    ends: &'a [u32],
}

impl<'a> TokenSet<'a> {
    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the description has no words at all (punctuation or emoji only).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// All the words' bytes, concatenated in order; `ends()` splits them.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Exclusive end offset of each word within [`TokenSet::bytes`].
    pub fn ends(&self) -> &'a [u32] {
        self.ends
    }

    /// The words, in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let bytes = self.bytes;
        let mut start = 0usize;
        self.ends.iter().map(move |&end| {
            let word = &bytes[start..end as usize];
            start = end as usize;
            word
        })
    }
}

/// A validated catalog, tokenized and indexed for scoring.
#[derive(Debug, Clone)]
pub struct Catalog {
    products: Vec<Product>,
    index_by_id: HashMap<String, usize>,
    /// Description words of every product, end to end.
    text_bytes: Vec<u8>,
    /// Word end offsets, relative to the owning product's first byte.
    text_ends: Vec<u32>,
    /// Product `i` owns `text_bytes[byte_starts[i]..byte_starts[i + 1]]`.
    byte_starts: Vec<usize>,
    /// Product `i` owns `text_ends[end_starts[i]..end_starts[i + 1]]`.
    end_starts: Vec<usize>,
    /// Interned attribute words (title words, tag words, category words) of every product.
    attribute_ids: Vec<u32>,
    /// Product `i` owns `attribute_ids[attribute_starts[i]..attribute_starts[i + 1]]`.
    attribute_starts: Vec<usize>,
}

impl Catalog {
    /// Validates `products` and prepares their token sets.
    ///
    /// Checks, in order: the catalog is not empty, holds at most [`MAX_PRODUCTS`], every
    /// identifier is non-empty and at most [`MAX_IDENTIFIER_BYTES`], every description is
    /// at most [`MAX_DESCRIPTION_BYTES`], names, categories and tags are at most
    /// [`MAX_FIELD_BYTES`], and no identifier repeats. The first failure is returned.
    pub fn from_products(products: Vec<Product>) -> Result<Catalog, CatalogError> {
        if products.is_empty() {
            return Err(CatalogError::Empty);
        }
        if products.len() > MAX_PRODUCTS {
            return Err(CatalogError::TooManyProducts {
                count: products.len(),
                limit: MAX_PRODUCTS,
            });
        }
        let mut index_by_id = HashMap::with_capacity(products.len());
        for (index, product) in products.iter().enumerate() {
            check_fields(index, product)?;
            if let Some(first) = index_by_id.insert(product.id.clone(), index) {
                return Err(CatalogError::DuplicateIdentifier {
                    id: product.id.clone(),
                    first,
                    second: index,
                });
            }
        }

        let mut catalog = Catalog {
            text_bytes: Vec::new(),
            text_ends: Vec::new(),
            byte_starts: Vec::with_capacity(products.len() + 1),
            end_starts: Vec::with_capacity(products.len() + 1),
            attribute_ids: Vec::new(),
            attribute_starts: Vec::with_capacity(products.len() + 1),
            products,
            index_by_id,
        };
        catalog.prepare_tokens();
        Ok(catalog)
    }

    fn prepare_tokens(&mut self) {
        let mut interned: HashMap<String, u32> = HashMap::new();
        let mut words = tokens::WordBuffer::default();
        self.byte_starts.push(0);
        self.end_starts.push(0);
        self.attribute_starts.push(0);
        for product in &self.products {
            let start = self.text_bytes.len();
            words.fill(&product.description);
            words.sort_dedup();
            for word in words.iter() {
                self.text_bytes.extend_from_slice(word.as_bytes());
                // Relative to the product's first byte: at most a few times the 64 KiB
                // description limit, so it fits in u32.
                self.text_ends.push((self.text_bytes.len() - start) as u32);
            }
            self.byte_starts.push(self.text_bytes.len());
            self.end_starts.push(self.text_ends.len());

            words.fill(&product.name);
            for tag in &product.tags {
                words.push(tag);
            }
            if let Some(category) = &product.category {
                words.push(category);
            }
            let first_id = self.attribute_ids.len();
            for word in words.iter() {
                let id = match interned.get(word) {
                    Some(&id) => id,
                    None => {
                        let id = interned.len() as u32;
                        interned.insert(word.to_string(), id);
                        id
                    }
                };
                self.attribute_ids.push(id);
            }
            let ids = &mut self.attribute_ids[first_id..];
            ids.sort_unstable();
            let distinct = dedup_sorted(ids);
            self.attribute_ids.truncate(first_id + distinct);
            self.attribute_starts.push(self.attribute_ids.len());
        }
    }

    /// About how many bytes of heap this catalog holds: its strings, token tables and
    /// index, each allocation counted as a typical allocator (glibc's malloc) takes it: the
    /// request plus an 8-byte header, rounded up to 16 bytes, at least 32. An estimate (the
    /// hash table's layout is approximated), good for budgets such as the server's catalog
    /// memory; a catalog of many short strings pays more for headers than for its text.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        /// What malloc takes for a request of `bytes`; nothing for an empty buffer.
        fn taken(bytes: usize) -> usize {
            if bytes == 0 {
                0
            } else {
                ((bytes + 8 + 15) & !15).max(32)
            }
        }
        let strings: usize = self
            .products
            .iter()
            .map(|p| {
                taken(p.id.capacity())
                    + taken(p.name.capacity())
                    + taken(p.description.capacity())
                    + p.category.as_ref().map_or(0, |c| taken(c.capacity()))
                    + p.tags.iter().map(|t| taken(t.capacity())).sum::<usize>()
                    + taken(p.tags.capacity() * size_of::<String>())
            })
            .sum();
        let products = taken(self.products.capacity() * size_of::<Product>());
        // The index: a copy of each identifier, and a table of (String, usize) slots with a
        // control byte each, at most 7/8 full.
        let keys: usize = self.index_by_id.keys().map(|id| taken(id.capacity())).sum();
        let slots = self.index_by_id.capacity() * 8 / 7 + 1;
        let index = keys + taken(slots * (size_of::<String>() + size_of::<usize>() + 1));
        let tables = taken(self.text_bytes.capacity())
            + taken(self.text_ends.capacity() * size_of::<u32>())
            + taken(self.byte_starts.capacity() * size_of::<usize>())
            + taken(self.end_starts.capacity() * size_of::<usize>())
            + taken(self.attribute_ids.capacity() * size_of::<u32>())
            + taken(self.attribute_starts.capacity() * size_of::<usize>());
        size_of::<Catalog>() + strings + products + index + tables
    }

    /// Number of products (always at least 1).
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// Always false: an empty catalog is rejected when it is built.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// All products, in catalog order.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// The product at `index`. Panics when `index >= len()`, like slice indexing.
    pub fn product(&self, index: usize) -> &Product {
        &self.products[index]
    }

    /// Index of the product whose identifier is exactly `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index_by_id.get(id).copied()
    }

    /// The distinct description words of product `index`.
    pub fn description_words(&self, index: usize) -> TokenSet<'_> {
        TokenSet {
            bytes: &self.text_bytes[self.byte_starts[index]..self.byte_starts[index + 1]],
            ends: &self.text_ends[self.end_starts[index]..self.end_starts[index + 1]],
        }
    }

    /// The attribute words of product `index` (words of its name, tags and category) as
    /// interned ids, sorted ascending and distinct. Equal words share an id within one
    /// catalog.
    pub fn attribute_words(&self, index: usize) -> &[u32] {
        &self.attribute_ids[self.attribute_starts[index]..self.attribute_starts[index + 1]]
    }
}

fn check_fields(index: usize, product: &Product) -> Result<(), CatalogError> {
    if product.id.is_empty() {
        return Err(CatalogError::MissingIdentifier { index });
    }
    let too_long = |field: &str, bytes: usize, limit: usize| CatalogError::FieldTooLong {
        index,
        field: field.to_string(),
        bytes,
        limit,
    };
    if product.id.len() > MAX_IDENTIFIER_BYTES {
        return Err(too_long("id", product.id.len(), MAX_IDENTIFIER_BYTES));
    }
    if product.description.len() > MAX_DESCRIPTION_BYTES {
        return Err(CatalogError::DescriptionTooLong {
            index,
            bytes: product.description.len(),
            limit: MAX_DESCRIPTION_BYTES,
        });
    }
    if product.name.len() > MAX_FIELD_BYTES {
        return Err(too_long("name", product.name.len(), MAX_FIELD_BYTES));
    }
    if let Some(category) = &product.category
        && category.len() > MAX_FIELD_BYTES
    {
        return Err(too_long("category", category.len(), MAX_FIELD_BYTES));
    }
    for (k, tag) in product.tags.iter().enumerate() {
        if tag.len() > MAX_FIELD_BYTES {
            return Err(too_long(&format!("tags[{k}]"), tag.len(), MAX_FIELD_BYTES));
        }
    }
    Ok(())
}

/// Moves the distinct values of sorted `values` to its front; returns how many there are.
fn dedup_sorted(values: &mut [u32]) -> usize {
    let mut kept = 0;
    for i in 0..values.len() {
        if kept == 0 || values[i] != values[kept - 1] {
            values[kept] = values[i];
            kept += 1;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let err =
            Catalog::from_products(vec![product("a", ""), product("b", ""), product("a", "")])
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
}
