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
//! | its distinct words, lowercased, end to end | [`MAX_DESCRIPTION_WORD_BYTES`] (64 KiB - 1) | [`CatalogError::DescriptionWordsTooLong`] |
//! | one identifier | [`MAX_IDENTIFIER_BYTES`] (1 KiB) | [`CatalogError::FieldTooLong`] |
//! | a name, category or tag | [`MAX_FIELD_BYTES`] (64 KiB) | [`CatalogError::FieldTooLong`] |

mod build;
mod error;
mod memory;
mod merge;
mod parse;
mod product;
mod search;
mod tables;

use rayon::slice::ParallelSliceMut;

pub use build::{CatalogBuilder, PerProduct};
pub use error::{CatalogError, MAX_REPORTED_PROBLEMS, ProductProblem};
pub use memory::CatalogMemory;
pub use parse::{
    ReadError, diagnose_reader, parse_catalog, parse_catalog_bytes, parse_catalog_reader,
    parse_catalog_reader_on_pool, parse_products,
};
pub use product::{Product, ProductRef, TokenSet};
pub use search::SearchResult;
pub use tables::{CatalogTables, CatalogTablesRef, TablesError};

/// Largest catalog text [`parse_catalog`] accepts, in bytes (1 GiB): it follows
/// [`MAX_PRODUCTS`], room for a million products of about 1 KiB of JSON each (the
/// generator's are about 400 bytes). Parse texts this large as a stream
/// ([`parse_catalog_reader`]); the server takes uploads up to its own, lower limit.
pub const MAX_CATALOG_BYTES: usize = 1024 * 1024 * 1024;
/// Most products a catalog may hold.
pub const MAX_PRODUCTS: usize = 1_000_000;
/// Longest description, in UTF-8 bytes (64 KiB).
pub const MAX_DESCRIPTION_BYTES: usize = 64 * 1024;
/// Most bytes one description's distinct words may take, lowercased and end to end
/// (64 KiB - 1): each word's end is kept in 2 bytes. Only a description near
/// [`MAX_DESCRIPTION_BYTES`] can reach it: one word of 65,536 letters, or letters that
/// grow when lowercased (`İ` is 2 bytes, `i̇` 3).
pub const MAX_DESCRIPTION_WORD_BYTES: usize = u16::MAX as usize;
/// Longest identifier, in UTF-8 bytes (1 KiB).
pub const MAX_IDENTIFIER_BYTES: usize = 1024;
/// Longest name, category or single tag, in UTF-8 bytes (64 KiB).
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// `Catalog::category` of a product without one.
const NO_CATEGORY: u32 = u32::MAX;

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
    /// Word end offsets, relative to the owning product's first byte: 2 bytes each, as
    /// a product's words take at most [`MAX_DESCRIPTION_WORD_BYTES`].
    text_ends: Vec<u16>,
    /// Product `i` owns `text_bytes[byte_starts[i]..byte_starts[i + 1]]`.
    byte_starts: Vec<u32>,
    /// Product `i` owns `text_ends[end_starts[i]..end_starts[i + 1]]`.
    end_starts: Vec<u32>,
    /// Interned attribute words (title words, tag words, category words) of every product.
    attribute_ids: Vec<u32>,
    /// Product `i` owns `attribute_ids[attribute_starts[i]..attribute_starts[i + 1]]`.
    attribute_starts: Vec<u32>,
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
mod tests;
