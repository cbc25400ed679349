//! One product as the parser reads it ([`Product`]), and what a built catalog lends out
//! of its tables: a product's description words ([`TokenSet`]) and its display fields
//! ([`ProductRef`]).

use serde::Serialize;

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
    pub(super) bytes: &'a [u8],
    /// `ends[k]` is the end offset (exclusive, within `bytes`) of word `k`.
    pub(super) ends: &'a [u16],
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
    pub fn ends(&self) -> &'a [u16] {
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

/// What the catalog keeps of one product for display: borrowed from its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProductRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub category: Option<&'a str>,
}
