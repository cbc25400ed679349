//! A built catalog as its tables, owned, and back: what one instance hands another so that
//! the other need not parse or generate the catalog again (the page's Workers mode sends
//! each of its workers the built tables, copied, instead of the bytes to re-parse).
//!
//! [`Catalog::from_tables`] trusts nothing it is given: every offset table must start at
//! 0, never decrease and end at its data's length; every identifier and name must be
//! UTF-8; every category must exist; and the identifier order must be a permutation that
//! really sorts the identifiers, strictly (no repeats). A catalog rebuilt from its own
//! tables is equal to it, table for table ([`Catalog::to_tables`]).

use std::fmt;

use super::{Catalog, MAX_PRODUCTS, NO_CATEGORY};

/// Every table of a catalog, owned. The fields mean what [`Catalog`]'s do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogTables {
    /// Every product's identifier then name, end to end.
    pub labels: Vec<u8>,
    /// `2 × products + 1` offsets into `labels`: identifier `i` is
    /// `labels[label_ends[2i]..label_ends[2i + 1]]`, its name runs on to `label_ends[2i + 2]`.
    pub label_ends: Vec<u32>,
    /// Each product's index into `categories`, or `u32::MAX` for none.
    pub category: Vec<u32>,
    /// The distinct category names.
    pub categories: Vec<String>,
    /// Product `i`'s identifier's rank in byte order.
    pub id_rank: Vec<u32>,
    /// Every product's distinct description words, end to end.
    pub text_bytes: Vec<u8>,
    /// Each word's end, relative to its product's first byte.
    pub text_ends: Vec<u16>,
    /// `products + 1` offsets into `text_bytes`.
    pub byte_starts: Vec<u32>,
    /// `products + 1` offsets into `text_ends`.
    pub end_starts: Vec<u32>,
    /// Every product's attribute word ids, end to end.
    pub attribute_ids: Vec<u32>,
    /// `products + 1` offsets into `attribute_ids`.
    pub attribute_starts: Vec<u32>,
}

/// Every table of a catalog, borrowed: [`CatalogTables`] without the copy, for a caller
/// that copies them elsewhere itself. The wasm binding copies them straight into JS
/// arrays, so that the catalog's memory is never doubled inside the instance: all of
/// them for the Workers mode's workers, and the token tables for the page's plain-JS
/// scorer (`www/js/scoring.js`), which scores exactly these arrays so that its results
/// can be held to the core's bit for bit.
#[derive(Debug, Clone, Copy)]
pub struct CatalogTablesRef<'a> {
    pub labels: &'a [u8],
    pub label_ends: &'a [u32],
    pub category: &'a [u32],
    pub categories: &'a [String],
    pub id_rank: &'a [u32],
    pub text_bytes: &'a [u8],
    pub text_ends: &'a [u16],
    pub byte_starts: &'a [u32],
    pub end_starts: &'a [u32],
    pub attribute_ids: &'a [u32],
    pub attribute_starts: &'a [u32],
}

/// Why [`Catalog::from_tables`] refused its tables: which table, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablesError(String);

impl fmt::Display for TablesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a catalog's tables: {}", self.0)
    }
}

impl std::error::Error for TablesError {}

fn bad(why: impl Into<String>) -> TablesError {
    TablesError(why.into())
}

/// `offsets` must hold `count` entries from 0, never decreasing, ending at `end`.
fn check_offsets(name: &str, offsets: &[u32], count: usize, end: usize) -> Result<(), TablesError> {
    if offsets.len() != count {
        return Err(bad(format!(
            "{name} has {} entries, not {count}",
            offsets.len()
        )));
    }
    if offsets.first() != Some(&0) || offsets.last().map(|&e| e as usize) != Some(end) {
        return Err(bad(format!("{name} must run from 0 to {end}")));
    }
    if offsets.windows(2).any(|w| w[0] > w[1]) {
        return Err(bad(format!("{name} decreases")));
    }
    Ok(())
}

impl Catalog {
    /// Every table, borrowed (see [`CatalogTablesRef`]): no copy.
    ///
    /// # Examples
    /// ```
    /// use shop_recs::{Catalog, Product};
    ///
    /// let catalog = Catalog::from_products(vec![
    ///     Product::new("b", "B", "red wool"),
    ///     Product::new("a", "A", "wool"),
    /// ])?;
    /// let tables = catalog.tables_ref();
    /// assert_eq!(tables.text_bytes, b"redwoolwool");
    /// assert_eq!(tables.byte_starts, [0, 7, 11]);
    /// assert_eq!(tables.id_rank, [1, 0]); // "a" sorts before "b"
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tables_ref(&self) -> CatalogTablesRef<'_> {
        CatalogTablesRef {
            labels: &self.labels,
            label_ends: &self.label_ends,
            category: &self.category,
            categories: &self.categories,
            id_rank: &self.id_rank,
            text_bytes: &self.text_bytes,
            text_ends: &self.text_ends,
            byte_starts: &self.byte_starts,
            end_starts: &self.end_starts,
            attribute_ids: &self.attribute_ids,
            attribute_starts: &self.attribute_starts,
        }
    }

    /// A copy of every table, for [`Catalog::from_tables`] elsewhere.
    pub fn to_tables(&self) -> CatalogTables {
        let t = self.tables_ref();
        CatalogTables {
            labels: t.labels.to_vec(),
            label_ends: t.label_ends.to_vec(),
            category: t.category.to_vec(),
            categories: t.categories.to_vec(),
            id_rank: t.id_rank.to_vec(),
            text_bytes: t.text_bytes.to_vec(),
            text_ends: t.text_ends.to_vec(),
            byte_starts: t.byte_starts.to_vec(),
            end_starts: t.end_starts.to_vec(),
            attribute_ids: t.attribute_ids.to_vec(),
            attribute_starts: t.attribute_starts.to_vec(),
        }
    }

    /// The catalog whose tables these are, after checking every one of them (see the
    /// module's documentation): a catalog equal to the one [`Catalog::to_tables`] was
    /// called on, with no parsing, tokenizing or sorting.
    ///
    /// # Examples
    /// ```
    /// use shop_recs::{Catalog, Product};
    ///
    /// let catalog = Catalog::from_products(vec![Product::new("b", "B", "red"), Product::new("a", "A", "blue")])?;
    /// let mut tables = catalog.to_tables();
    /// assert_eq!(Catalog::from_tables(tables.clone())?.to_tables(), tables);
    /// tables.id_rank.swap(0, 1); // an order that does not sort the identifiers
    /// assert!(Catalog::from_tables(tables).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_tables(t: CatalogTables) -> Result<Catalog, TablesError> {
        let len = t.category.len();
        if len == 0 || len > MAX_PRODUCTS {
            return Err(bad(format!(
                "{len} products: a catalog has 1 to {MAX_PRODUCTS}"
            )));
        }
        check_offsets("label_ends", &t.label_ends, 2 * len + 1, t.labels.len())?;
        for (i, pair) in t.label_ends.windows(2).enumerate() {
            if std::str::from_utf8(&t.labels[pair[0] as usize..pair[1] as usize]).is_err() {
                let what = if i % 2 == 0 { "identifier" } else { "name" };
                return Err(bad(format!("product {}'s {what} is not UTF-8", i / 2 + 1)));
            }
        }
        if let Some(i) = t
            .category
            .iter()
            .position(|&c| c != NO_CATEGORY && c as usize >= t.categories.len())
        {
            return Err(bad(format!("product {}'s category does not exist", i + 1)));
        }
        check_offsets("byte_starts", &t.byte_starts, len + 1, t.text_bytes.len())?;
        check_offsets("end_starts", &t.end_starts, len + 1, t.text_ends.len())?;
        check_offsets(
            "attribute_starts",
            &t.attribute_starts,
            len + 1,
            t.attribute_ids.len(),
        )?;
        for i in 0..len {
            let bytes = t.byte_starts[i + 1] - t.byte_starts[i];
            let ends = &t.text_ends[t.end_starts[i] as usize..t.end_starts[i + 1] as usize];
            let mut previous = 0;
            for &end in ends {
                let end = u32::from(end);
                // Words are never empty: each ends past the one before, inside the product.
                if end <= previous || end > bytes {
                    return Err(bad(format!(
                        "product {}'s word ends are out of order or range",
                        i + 1
                    )));
                }
                previous = end;
            }
            if previous != bytes {
                return Err(bad(format!(
                    "product {}'s words do not cover its bytes",
                    i + 1
                )));
            }
        }
        // The identifier order: a permutation, inverted into `by_id`, that sorts them.
        if t.id_rank.len() != len {
            return Err(bad(format!(
                "id_rank has {} entries, not {len}",
                t.id_rank.len()
            )));
        }
        let mut by_id = vec![u32::MAX; len];
        for (index, &rank) in t.id_rank.iter().enumerate() {
            match by_id.get_mut(rank as usize) {
                Some(slot) if *slot == u32::MAX => *slot = index as u32,
                _ => return Err(bad("id_rank is not a permutation")),
            }
        }
        let catalog = Catalog {
            len,
            labels: t.labels,
            label_ends: t.label_ends,
            category: t.category,
            categories: t.categories,
            id_rank: t.id_rank,
            by_id,
            text_bytes: t.text_bytes,
            text_ends: t.text_ends,
            byte_starts: t.byte_starts,
            end_starts: t.end_starts,
            attribute_ids: t.attribute_ids,
            attribute_starts: t.attribute_starts,
        };
        if catalog
            .by_id
            .windows(2)
            .any(|w| catalog.id_bytes(w[0] as usize) >= catalog.id_bytes(w[1] as usize))
        {
            return Err(bad("id_rank does not sort the identifiers strictly"));
        }
        Ok(catalog)
    }
}
