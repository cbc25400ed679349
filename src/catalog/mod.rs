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
//! | catalog JSON text | [`MAX_CATALOG_BYTES`] (1 GiB) | [`CatalogError::TooLarge`] |
//! | products | [`MAX_PRODUCTS`] (1,000,000) | [`CatalogError::TooManyProducts`] |
//! | one description | [`MAX_DESCRIPTION_BYTES`] (64 KiB) | [`CatalogError::DescriptionTooLong`] |
//! | one identifier | [`MAX_IDENTIFIER_BYTES`] (1 KiB) | [`CatalogError::FieldTooLong`] |
//! | a name, category or tag | [`MAX_FIELD_BYTES`] (64 KiB) | [`CatalogError::FieldTooLong`] |

mod build;
mod error;
mod flat;
mod parse;
mod search;

use rayon::slice::ParallelSliceMut;
use serde::Serialize;

pub use build::{CatalogBuilder, PerProduct};
pub use error::CatalogError;
pub use flat::FlatTokens;
pub use parse::{
    ReadError, parse_catalog, parse_catalog_bytes, parse_catalog_reader, parse_products,
};
pub use search::SearchResult;

/// Largest catalog text [`parse_catalog`] accepts, in bytes (1 GiB): it follows
/// [`MAX_PRODUCTS`], room for a million products of about 1 KiB of JSON each (the
/// generator's are about 400 bytes). Parse texts this large as a stream
/// ([`parse_catalog_reader`]); the server takes uploads up to its own, lower limit.
pub const MAX_CATALOG_BYTES: usize = 1024 * 1024 * 1024;
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

/// `Catalog::category` of a product without one.
const NO_CATEGORY: u32 = u32::MAX;

/// What the catalog keeps of one product for display: borrowed from its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProductRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub category: Option<&'a str>,
}

/// A validated catalog, tokenized and indexed for scoring.
///
/// Flat, offset-addressed tables shared by all products, and only what scoring and
/// display read: each product's identifier and name (end to end in one buffer), its
/// category (an id into a short list), its distinct description words and their ends,
/// its attribute word ids, and the identifiers' byte order (the ranking's tie-break and
/// the lookup by identifier). Descriptions, tags and prices are read, tokenized and
/// dropped. [`Catalog::memory`] says what each table costs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    len: usize,
    /// Every product's identifier then name, end to end.
    labels: Vec<u8>,
    /// `2 * len + 1` entries: product `i`'s identifier is `labels[label_ends[2i]..label_ends[2i + 1]]`
    /// and its name runs from there to `label_ends[2i + 2]`.
    label_ends: Vec<u32>,
    /// Each product's index into `categories`, or [`NO_CATEGORY`].
    category: Vec<u32>,
    /// Distinct category names, in order of first use.
    categories: Vec<String>,
    /// Product `i`'s identifier's rank in UTF-8 byte order.
    id_rank: Vec<u32>,
    /// Product indices in identifier byte order (`id_rank` inverted).
    by_id: Vec<u32>,
    /// Description words of every product, end to end.
    text_bytes: Vec<u8>,
    /// Word end offsets, relative to the owning product's first byte.
    text_ends: Vec<u32>,
    /// Product `i` owns `text_bytes[byte_starts[i]..byte_starts[i + 1]]`.
    byte_starts: Vec<u32>,
    /// Product `i` owns `text_ends[end_starts[i]..end_starts[i + 1]]`.
    end_starts: Vec<u32>,
    /// Interned attribute words (title words, tag words, category words) of every product.
    attribute_ids: Vec<u32>,
    /// Product `i` owns `attribute_ids[attribute_starts[i]..attribute_starts[i + 1]]`.
    attribute_starts: Vec<u32>,
}

/// What a catalog's tables hold, in bytes, part by part ([`Catalog::memory`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogMemory {
    /// Identifiers and names, end to end.
    pub labels: usize,
    /// Where each identifier and name ends.
    pub label_offsets: usize,
    /// Each product's category id, and the distinct category names.
    pub categories: usize,
    /// The identifier order, both ways (rank of each product, products by rank).
    pub id_order: usize,
    /// Distinct description words, end to end.
    pub words: usize,
    /// Word ends and where each product's words and ends begin.
    pub word_offsets: usize,
    /// Attribute word ids and where each product's begin.
    pub attributes: usize,
    /// The sum of the parts.
    pub total: usize,
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
        let mut builder = CatalogBuilder::default();
        for product in &products {
            builder.push(product);
        }
        builder.finish()
    }

    /// Sorts the identifiers once: the lookup by identifier and the ranking's tie-break.
    fn index_identifiers(&mut self) {
        let mut by_id: Vec<u32> = (0..self.len as u32).collect();
        // Equal identifiers (an error, reported next) sort by index. On the current rayon
        // pool: a million identifiers take about a second on one thread.
        by_id.par_sort_unstable_by(|&a, &b| {
            self.id_bytes(a as usize)
                .cmp(self.id_bytes(b as usize))
                .then(a.cmp(&b))
        });
        let mut id_rank = vec![0u32; self.len];
        for (rank, &index) in by_id.iter().enumerate() {
            id_rank[index as usize] = rank as u32;
        }
        self.by_id = by_id;
        self.id_rank = id_rank;
    }

    /// The repeated identifier whose second use comes first, if any.
    fn first_repeated_identifier(&self) -> Option<CatalogError> {
        self.by_id
            .windows(2)
            .filter(|pair| self.id_bytes(pair[0] as usize) == self.id_bytes(pair[1] as usize))
            .min_by_key(|pair| pair[1])
            // Within a group of equal identifiers, indices ascend: the pair with the
            // smallest second is the group's first two uses.
            .map(|pair| CatalogError::DuplicateIdentifier {
                id: self.product(pair[1] as usize).id.to_string(),
                first: pair[0] as usize,
                second: pair[1] as usize,
            })
    }

    fn shrink_to_fit(&mut self) {
        self.labels.shrink_to_fit();
        self.label_ends.shrink_to_fit();
        self.category.shrink_to_fit();
        self.text_bytes.shrink_to_fit();
        self.text_ends.shrink_to_fit();
        self.byte_starts.shrink_to_fit();
        self.end_starts.shrink_to_fit();
        self.attribute_ids.shrink_to_fit();
        self.attribute_starts.shrink_to_fit();
    }

    fn id_bytes(&self, index: usize) -> &[u8] {
        &self.labels[self.label_ends[2 * index] as usize..self.label_ends[2 * index + 1] as usize]
    }

    /// What the catalog's tables hold, part by part, in bytes (their capacity, as
    /// allocated).
    pub fn memory(&self) -> CatalogMemory {
        use std::mem::size_of;
        fn held<T>(table: &Vec<T>) -> usize {
            table.capacity() * size_of::<T>()
        }
        let categories = held(&self.category)
            + held(&self.categories)
            + self.categories.iter().map(String::capacity).sum::<usize>();
        let mut memory = CatalogMemory {
            labels: held(&self.labels),
            label_offsets: held(&self.label_ends),
            categories,
            id_order: held(&self.id_rank) + held(&self.by_id),
            words: held(&self.text_bytes),
            word_offsets: held(&self.text_ends) + held(&self.byte_starts) + held(&self.end_starts),
            attributes: held(&self.attribute_ids) + held(&self.attribute_starts),
            total: 0,
        };
        memory.total = memory.labels
            + memory.label_offsets
            + memory.categories
            + memory.id_order
            + memory.words
            + memory.word_offsets
            + memory.attributes;
        memory
    }

    /// About how many bytes of heap this catalog holds: [`Catalog::memory`]'s total plus
    /// the catalog itself. A dozen allocations in all, whatever the size, so allocator
    /// headers do not count; good for budgets such as the server's catalog memory.
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Catalog>() + self.memory().total
    }

    /// Number of products (always at least 1).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: an empty catalog is rejected when it is built.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The identifier, name and category of the product at `index`. Panics when
    /// `index >= len()`, like slice indexing.
    pub fn product(&self, index: usize) -> ProductRef<'_> {
        let ends = &self.label_ends[2 * index..2 * index + 3];
        let text = |from: u32, to: u32| {
            // Whole UTF-8 strings were appended at these offsets.
            std::str::from_utf8(&self.labels[from as usize..to as usize]).unwrap_or_default()
        };
        let category = self.category[index];
        ProductRef {
            id: text(ends[0], ends[1]),
            name: text(ends[1], ends[2]),
            category: (category != NO_CATEGORY)
                .then(|| self.categories[category as usize].as_str()),
        }
    }

    /// Every product's identifier, name and category, in catalog order.
    pub fn products(&self) -> impl ExactSizeIterator<Item = ProductRef<'_>> + '_ {
        (0..self.len).map(|index| self.product(index))
    }

    /// Index of the product whose identifier is exactly `id` (a binary search in the
    /// identifier order).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id
            .binary_search_by(|&index| self.id_bytes(index as usize).cmp(id.as_bytes()))
            .ok()
            .map(|rank| self.by_id[rank] as usize)
    }

    /// The rank of product `index`'s identifier in UTF-8 byte order: the ranking's
    /// tie-break, as an integer compared once per pair.
    pub fn id_rank(&self, index: usize) -> u32 {
        self.id_rank[index]
    }

    /// The distinct description words of product `index`.
    pub fn description_words(&self, index: usize) -> TokenSet<'_> {
        let bytes = self.byte_starts[index] as usize..self.byte_starts[index + 1] as usize;
        let ends = self.end_starts[index] as usize..self.end_starts[index + 1] as usize;
        TokenSet {
            bytes: &self.text_bytes[bytes],
            ends: &self.text_ends[ends],
        }
    }

    /// The attribute words of product `index` (words of its name, tags and category) as
    /// interned ids, sorted ascending and distinct. Equal words share an id within one
    /// catalog.
    pub fn attribute_words(&self, index: usize) -> &[u32] {
        &self.attribute_ids
            [self.attribute_starts[index] as usize..self.attribute_starts[index + 1] as usize]
    }
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

    #[test]
    fn the_first_problem_in_catalog_order_is_reported() {
        let long = "x".repeat(MAX_IDENTIFIER_BYTES + 1);
        // A repeat before an over-long field: the repeat.
        let err =
            Catalog::from_products(vec![product("a", ""), product("a", ""), product(&long, "")])
                .unwrap_err();
        assert!(
            matches!(err, CatalogError::DuplicateIdentifier { second: 1, .. }),
            "{err:?}"
        );
        // An over-long field before a repeat: the field, even though the repeat's first use
        // came earlier.
        let err =
            Catalog::from_products(vec![product("a", ""), product(&long, ""), product("a", "")])
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
        let parts = memory.labels
            + memory.label_offsets
            + memory.categories
            + memory.id_order
            + memory.words
            + memory.word_offsets
            + memory.attributes;
        assert_eq!(memory.total, parts);
        assert!(memory.labels >= products.iter().map(|p| p.id.len() + p.name.len()).sum());
        assert!(catalog.heap_bytes() > memory.total);
    }
}
