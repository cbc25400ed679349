//! The prepared token data laid flat, for a scorer outside Rust: the page's plain-JS one
//! (`www/js/scoring.js`) scores exactly these arrays, so that its results can be held to
//! the core's bit for bit.

use super::Catalog;

/// Every product's description words and attribute words, end to end, with offsets that
/// fit a `u32`, and the identifier order the ranking breaks ties by: the catalog's own
/// tables, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatTokens<'a> {
    /// Products, as [`Catalog::len`].
    pub count: usize,
    /// Every product's distinct description words, end to end ([`Catalog::description_words`]).
    pub bytes: &'a [u8],
    /// Each word's end, relative to its product's first byte.
    pub ends: &'a [u32],
    /// `count + 1` entries: product `i`'s bytes are `bytes[byte_starts[i]..byte_starts[i + 1]]`.
    pub byte_starts: &'a [u32],
    /// `count + 1` entries: product `i`'s word ends are `ends[end_starts[i]..end_starts[i + 1]]`.
    pub end_starts: &'a [u32],
    /// Every product's attribute word ids, end to end ([`Catalog::attribute_words`]).
    pub attr_ids: &'a [u32],
    /// `count + 1` entries, as `byte_starts` for `attr_ids`.
    pub attr_starts: &'a [u32],
    /// Product `i`'s identifier's rank in UTF-8 byte order: the ranking's tie-break.
    pub id_order: &'a [u32],
}

impl Catalog {
    /// The catalog's token data, laid flat (see [`FlatTokens`]): no copy, the catalog
    /// keeps its tables in this layout.
    ///
    /// # Examples
    /// ```
    /// use shop_recs::{Catalog, Product};
    ///
    /// let catalog = Catalog::from_products(vec![
    ///     Product::new("b", "B", "red wool"),
    ///     Product::new("a", "A", "wool"),
    /// ])?;
    /// let flat = catalog.flat_tokens();
    /// assert_eq!(flat.bytes, b"redwoolwool");
    /// assert_eq!(flat.byte_starts, [0, 7, 11]);
    /// assert_eq!(flat.id_order, [1, 0]); // "a" sorts before "b"
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flat_tokens(&self) -> FlatTokens<'_> {
        FlatTokens {
            count: self.len,
            bytes: &self.text_bytes,
            ends: &self.text_ends,
            byte_starts: &self.byte_starts,
            end_starts: &self.end_starts,
            attr_ids: &self.attribute_ids,
            attr_starts: &self.attribute_starts,
            id_order: &self.id_rank,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::generate::generate;

    #[test]
    fn every_product_reads_back_its_own_words() {
        let catalog = generate(300, 5).expect("generated");
        let flat = catalog.flat_tokens();
        assert_eq!(flat.count, 300);
        for starts in [&flat.byte_starts, &flat.end_starts, &flat.attr_starts] {
            assert_eq!(starts.len(), 301);
            assert!(
                starts.windows(2).all(|w| w[0] <= w[1]),
                "offsets never go back"
            );
        }
        assert_eq!(*flat.byte_starts.last().unwrap() as usize, flat.bytes.len());
        for i in 0..300 {
            let range = |starts: &[u32]| starts[i] as usize..starts[i + 1] as usize;
            let words = catalog.description_words(i);
            assert_eq!(&flat.bytes[range(flat.byte_starts)], words.bytes());
            assert_eq!(&flat.ends[range(flat.end_starts)], words.ends());
            assert_eq!(
                &flat.attr_ids[range(flat.attr_starts)],
                catalog.attribute_words(i)
            );
        }
    }

    #[test]
    fn id_order_ranks_identifiers_by_their_bytes() {
        let catalog = generate(200, 9).expect("generated");
        let flat = catalog.flat_tokens();
        let mut ranks = flat.id_order.to_vec();
        ranks.sort_unstable();
        assert_eq!(ranks, (0..200).collect::<Vec<u32>>(), "a permutation");
        let ids: Vec<&str> = catalog.products().map(|p| p.id).collect();
        for a in 0..200 {
            for b in 0..200 {
                let by_bytes = ids[a].as_bytes().cmp(ids[b].as_bytes());
                assert_eq!(flat.id_order[a].cmp(&flat.id_order[b]), by_bytes);
            }
        }
    }
}
