//! Building one catalog from pieces built side by side: each piece is a [`CatalogBuilder`]
//! of consecutive products, started at its first product's index; [`CatalogBuilder::merge`]
//! appends the next piece as if its products had been pushed one by one.
//!
//! The merged catalog is the serial build's, table for table: identifiers, names and
//! words are copied; offsets are moved by what came before; a piece's own attribute and
//! category ids (numbered in order of first use within the piece) are renumbered in
//! order of first use across the catalog, which is the serial numbering, and each
//! product's attribute ids are sorted again under the new numbers. The first problem in
//! catalog order wins, as it does serially.

use super::build::offset;
use super::{CatalogBuilder, CatalogError};

impl CatalogBuilder {
    /// Appends `next`, the piece that starts where this one ends: the result is what
    /// pushing `next`'s products here would have built.
    ///
    /// # Panics
    /// When `next` does not start where this builder ends (a caller's mistake).
    ///
    /// # Examples
    /// ```
    /// use shop_recs::catalog::CatalogBuilder;
    /// use shop_recs::Product;
    ///
    /// let all = [
    ///     Product::new("b", "Red hat", "warm red wool"),
    ///     Product::new("a", "Blue hat", "blue wool"),
    ///     Product::new("c", "Red scarf", "long red wool"),
    /// ];
    /// let mut serial = CatalogBuilder::default();
    /// all.iter().for_each(|p| serial.push(p));
    ///
    /// let mut first = CatalogBuilder::default();
    /// first.push(&all[0]);
    /// let mut second = CatalogBuilder::starting_at(1);
    /// second.push(&all[1]);
    /// second.push(&all[2]);
    /// first.merge(second);
    /// assert_eq!(first.finish()?, serial.finish()?);
    /// # Ok::<(), shop_recs::CatalogError>(())
    /// ```
    pub fn merge(&mut self, next: CatalogBuilder) {
        assert_eq!(
            next.first, self.pushed,
            "a piece merged out of order: it starts at product {}, this one ends at {}",
            next.first, self.pushed
        );
        self.pushed = next.pushed;
        if self.failure.is_some() {
            return;
        }
        if let Err(error) = self.append_piece(&next) {
            self.failure = Some(error);
            return;
        }
        self.failure = next.failure;
    }

    fn append_piece(&mut self, next: &CatalogBuilder) -> Result<(), CatalogError> {
        let n = &next.catalog;
        if n.len == 0 {
            return Ok(());
        }
        // The offsets after the merge, checked first so that a failure leaves this
        // builder as it was. (Serially the product that crosses 4 GiB fails, and the
        // ones before it in its piece are kept; a catalog's text is at most 1 GiB,
        // so neither happens.)
        let c = &self.catalog;
        offset(c.labels.len() + n.labels.len())?;
        offset(c.text_bytes.len() + n.text_bytes.len())?;
        offset(c.text_ends.len() + n.text_ends.len())?;
        offset(c.attribute_ids.len() + n.attribute_ids.len())?;

        let categories: Vec<u32> = n
            .categories
            .iter()
            .map(|name| self.category_id(name))
            .collect();
        let mut local_words = vec![""; next.attribute_words.len()];
        for (word, &id) in &next.attribute_words {
            local_words[id as usize] = word;
        }
        let words: Vec<u32> = local_words
            .into_iter()
            .map(|word| self.attribute_id(word))
            .collect();

        let c = &mut self.catalog;
        c.open_tables();
        let base = c.labels.len();
        c.labels.extend_from_slice(&n.labels);
        c.label_ends.extend(moved(base, &n.label_ends[1..]));
        c.category
            .extend(n.category.iter().map(|&local| match local {
                super::NO_CATEGORY => super::NO_CATEGORY,
                local => categories[local as usize],
            }));
        let base = c.text_bytes.len();
        c.text_bytes.extend_from_slice(&n.text_bytes);
        c.byte_starts.extend(moved(base, &n.byte_starts[1..]));
        let base = c.text_ends.len();
        c.text_ends.extend_from_slice(&n.text_ends);
        c.end_starts.extend(moved(base, &n.end_starts[1..]));
        let base = c.attribute_ids.len();
        c.attribute_ids
            .extend(n.attribute_ids.iter().map(|&local| words[local as usize]));
        for product in n.attribute_starts.windows(2) {
            c.attribute_ids[base + product[0] as usize..base + product[1] as usize].sort_unstable();
        }
        c.attribute_starts
            .extend(moved(base, &n.attribute_starts[1..]));
        c.len += n.len;
        Ok(())
    }
}

/// `values`, each moved on by `base`: a piece's offsets, in the merged tables.
fn moved(base: usize, values: &[u32]) -> impl Iterator<Item = u32> + '_ {
    values.iter().map(move |&v| v + base as u32)
}
