//! Building a [`Catalog`] one product at a time, straight into its flat tables.
//!
//! A parser or the generator hands each [`Product`] to a [`CatalogBuilder`] as soon as
//! it has it; the builder checks its fields, appends what scoring and display read (the
//! identifier, name and category, the distinct description words, the attribute word
//! ids) to tables shared by every product, and drops the rest. No list of products is
//! ever held, so building costs the finished catalog's memory, not twice it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{
    Catalog, CatalogError, MAX_DESCRIPTION_BYTES, MAX_DESCRIPTION_WORD_BYTES, MAX_FIELD_BYTES,
    MAX_IDENTIFIER_BYTES, MAX_PRODUCTS, NO_CATEGORY, Product,
};
use crate::tokens::WordBuffer;

/// Builds a [`Catalog`] from products pushed in catalog order.
///
/// The checks of [`Catalog::from_products`] hold, reported the same way: the first
/// product whose fields are over a limit stops the building (the products after it are
/// accepted and dropped, so that a parser can still report a syntax error further on),
/// and [`CatalogBuilder::finish`] returns that error unless two earlier products share
/// an identifier.
///
/// # Examples
/// ```
/// use shop_recs::catalog::CatalogBuilder;
/// use shop_recs::Product;
///
/// let mut builder = CatalogBuilder::default();
/// builder.push(&Product::new("b", "B", "red wool"));
/// builder.push(&Product::new("a", "A", "wool"));
/// let catalog = builder.finish()?;
/// assert_eq!(catalog.len(), 2);
/// assert_eq!(catalog.product(0).id, "b");
/// assert_eq!(catalog.index_of("a"), Some(1));
/// # Ok::<(), shop_recs::CatalogError>(())
/// ```
#[derive(Debug, Default)]
pub struct CatalogBuilder {
    pub(super) catalog: Catalog,
    /// Attribute words met so far, and their ids (in order of first use).
    pub(super) attribute_words: HashMap<String, u32, Quick>,
    /// Category names met so far, and their ids (in order of first use).
    category_ids: HashMap<String, u32, Quick>,
    words: WordBuffer,
    /// Products pushed, kept or not, counted from the whole catalog's first.
    pub(super) pushed: usize,
    /// The index of this builder's first product: 0, or where its piece starts
    /// ([`CatalogBuilder::starting_at`]).
    pub(super) first: usize,
    /// The first product that failed its checks; nothing is kept from it on.
    pub(super) failure: Option<CatalogError>,
}

/// The interning tables' hash: FNV-1a over the word's bytes. Words come from the
/// catalog, not from an attacker who could aim at collisions to slow one build down
/// (the worst case is a slow load, bounded by the catalog's own size), and SipHash
/// cost more than the rest of building a product.
pub(super) type Quick = BuildHasherDefault<Fnv>;

/// 64-bit FNV-1a.
pub(super) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What one product takes in the catalog's tables, about: [`CatalogBuilder::with_capacity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerProduct {
    /// Identifier and name bytes.
    pub label_bytes: usize,
    /// Distinct description word bytes.
    pub word_bytes: usize,
    /// Distinct description words.
    pub words: usize,
    /// Distinct attribute words.
    pub attributes: usize,
}

/// An offset into one of the catalog's tables; past 4 GiB the catalog is refused.
pub(super) fn offset(length: usize) -> Result<u32, CatalogError> {
    u32::try_from(length).map_err(|_| CatalogError::TooLarge {
        bytes: length,
        limit: u32::MAX as usize,
    })
}

impl CatalogBuilder {
    /// A builder that reserves room for `products` products of about `each`'s sizes (the
    /// generator knows both). A table that outgrows its room grows by doubling, which
    /// briefly holds the old and the new copy: at a million products that costs hundreds
    /// of megabytes of peak memory, so a good estimate errs on the large side; what is
    /// left over is given back by [`CatalogBuilder::finish`].
    pub fn with_capacity(products: usize, each: PerProduct) -> CatalogBuilder {
        let mut builder = CatalogBuilder::default();
        let c = &mut builder.catalog;
        let products = products.min(MAX_PRODUCTS);
        c.labels.reserve_exact(products * each.label_bytes);
        c.label_ends.reserve_exact(2 * products + 1);
        c.category.reserve_exact(products);
        c.text_bytes.reserve_exact(products * each.word_bytes);
        c.text_ends.reserve_exact(products * each.words);
        c.byte_starts.reserve_exact(products + 1);
        c.end_starts.reserve_exact(products + 1);
        c.attribute_ids.reserve_exact(products * each.attributes);
        c.attribute_starts.reserve_exact(products + 1);
        builder
    }

    /// Reserves room for the tables to grow `factor` times what they hold now, about: a
    /// parser that has read part of a text of known size reserves for the rest, so that
    /// no table doubles (a wasm memory never gives back what a doubling left behind).
    pub(crate) fn reserve_scaled(&mut self, factor: f64) {
        fn more<T>(table: &mut Vec<T>, factor: f64) {
            let want = (table.len() as f64 * factor) as usize;
            table.reserve_exact(want.saturating_sub(table.len()));
        }
        let c = &mut self.catalog;
        more(&mut c.labels, factor);
        more(&mut c.label_ends, factor);
        more(&mut c.category, factor);
        more(&mut c.text_bytes, factor);
        more(&mut c.text_ends, factor);
        more(&mut c.byte_starts, factor);
        more(&mut c.end_starts, factor);
        more(&mut c.attribute_ids, factor);
        more(&mut c.attribute_starts, factor);
    }

    /// A builder for the products from index `first` on: a piece of a catalog, to be
    /// [`merge`](CatalogBuilder::merge)d after the piece that ends at `first`. Problems
    /// name products by their index in the whole catalog.
    pub fn starting_at(first: usize) -> CatalogBuilder {
        CatalogBuilder {
            pushed: first,
            first,
            ..CatalogBuilder::default()
        }
    }

    /// Checks `product` and appends it to the catalog (see the type's documentation).
    pub fn push(&mut self, product: &Product) {
        let index = self.pushed;
        self.pushed += 1;
        if self.failure.is_some() {
            return;
        }
        if let Err(error) = check_fields(index, product).and_then(|()| self.append(product)) {
            self.failure = Some(error);
        }
    }

    fn append(&mut self, product: &Product) -> Result<(), CatalogError> {
        let category = match &product.category {
            None => NO_CATEGORY,
            Some(name) => self.category_id(name),
        };
        let c = &mut self.catalog;
        c.open_tables();
        c.labels.extend_from_slice(product.id.as_bytes());
        c.label_ends.push(offset(c.labels.len())?);
        c.labels.extend_from_slice(product.name.as_bytes());
        c.label_ends.push(offset(c.labels.len())?);
        c.category.push(category);

        let words = &mut self.words;
        let start = c.text_bytes.len();
        words.fill(&product.description);
        words.sort_dedup();
        for word in words.iter() {
            c.text_bytes.extend_from_slice(word.as_bytes());
            // Relative to the product's first byte: check_fields refused a product whose
            // words take more than MAX_DESCRIPTION_WORD_BYTES, so it fits in u16.
            c.text_ends.push((c.text_bytes.len() - start) as u16);
        }
        c.byte_starts.push(offset(c.text_bytes.len())?);
        c.end_starts.push(offset(c.text_ends.len())?);

        words.fill(&product.name);
        for tag in &product.tags {
            words.push(tag);
        }
        if let Some(category) = &product.category {
            words.push(category);
        }
        let first_id = c.attribute_ids.len();
        for word in words.iter() {
            c.attribute_ids
                .push(intern(&mut self.attribute_words, word));
        }
        let ids = &mut c.attribute_ids[first_id..];
        ids.sort_unstable();
        let distinct = dedup_sorted(ids);
        c.attribute_ids.truncate(first_id + distinct);
        c.attribute_starts.push(offset(c.attribute_ids.len())?);
        c.len += 1;
        Ok(())
    }

    /// The id of category `name`, a new one when it is the first use.
    pub(super) fn category_id(&mut self, name: &str) -> u32 {
        let id = intern(&mut self.category_ids, name);
        if id as usize == self.catalog.categories.len() {
            self.catalog.categories.push(name.to_string());
        }
        id
    }

    /// The id of attribute word `word`, a new one when it is the first use.
    pub(super) fn attribute_id(&mut self, word: &str) -> u32 {
        intern(&mut self.attribute_words, word)
    }

    /// The catalog, or the first problem: no products, too many, a product over a limit
    /// or two products with one identifier, whichever comes first in catalog order.
    pub fn finish(self) -> Result<Catalog, CatalogError> {
        if self.pushed == 0 {
            return Err(CatalogError::Empty);
        }
        if self.pushed > MAX_PRODUCTS {
            return Err(CatalogError::TooManyProducts {
                count: self.pushed,
                limit: MAX_PRODUCTS,
            });
        }
        let mut catalog = self.catalog;
        catalog.index_identifiers();
        // Products kept are those before the first failure, so a repeat among them
        // comes first in catalog order.
        if let Some(repeat) = catalog.first_repeated_identifier() {
            return Err(repeat);
        }
        if let Some(failure) = self.failure {
            return Err(failure);
        }
        catalog.shrink_to_fit();
        Ok(catalog)
    }
}

impl Catalog {
    /// Each offset table's first entry (0), before the first product is appended.
    pub(super) fn open_tables(&mut self) {
        if self.byte_starts.is_empty() {
            self.label_ends.push(0);
            self.byte_starts.push(0);
            self.end_starts.push(0);
            self.attribute_starts.push(0);
        }
    }
}

pub(crate) fn check_fields(index: usize, product: &Product) -> Result<(), CatalogError> {
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
    // Only a description this long can have words over the limit: lowercasing at most
    // makes a character half as long again (2 bytes to 3).
    if product.description.len() > MAX_DESCRIPTION_WORD_BYTES * 2 / 3 {
        let mut words = WordBuffer::default();
        words.fill(&product.description);
        words.sort_dedup();
        let bytes: usize = words.iter().map(str::len).sum();
        if bytes > MAX_DESCRIPTION_WORD_BYTES {
            return Err(CatalogError::DescriptionWordsTooLong {
                index,
                bytes,
                limit: MAX_DESCRIPTION_WORD_BYTES,
            });
        }
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

/// `word`'s id in `ids`, numbered in order of first use: a new one when it is not there.
fn intern(ids: &mut HashMap<String, u32, Quick>, word: &str) -> u32 {
    if let Some(&id) = ids.get(word) {
        return id;
    }
    let id = ids.len() as u32;
    ids.insert(word.to_string(), id);
    id
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
