//! The prepared token data laid flat, for a scorer outside Rust: the page's plain-JS one
//! (`www/js/scoring.js`) scores exactly these arrays, so that its results can be held to
//! the core's bit for bit.

use std::fmt;

use super::Catalog;

/// Every product's description words and attribute words, end to end, with offsets that
/// fit a `u32`, and the identifier order the ranking breaks ties by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatTokens {
    /// Products, as [`Catalog::len`].
    pub count: usize,
    /// Every product's distinct description words, end to end ([`Catalog::description_words`]).
    pub bytes: Vec<u8>,
    /// Each word's end, relative to its product's first byte.
    pub ends: Vec<u32>,
    /// `count + 1` entries: product `i`'s bytes are `bytes[byte_starts[i]..byte_starts[i + 1]]`.
    pub byte_starts: Vec<u32>,
    /// `count + 1` entries: product `i`'s word ends are `ends[end_starts[i]..end_starts[i + 1]]`.
    pub end_starts: Vec<u32>,
    /// Every product's attribute word ids, end to end ([`Catalog::attribute_words`]).
    pub attr_ids: Vec<u32>,
    /// `count + 1` entries, as `byte_starts` for `attr_ids`.
    pub attr_starts: Vec<u32>,
    /// Product `i`'s identifier's rank in UTF-8 byte order: the ranking's tie-break.
    pub id_order: Vec<u32>,
}

/// Token data longer than a `u32` offset reaches (4 GiB): it cannot be laid flat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatTokensTooLarge;

impl fmt::Display for FlatTokensTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("token data over 4 GiB cannot be exported")
    }
}

impl std::error::Error for FlatTokensTooLarge {}

impl Catalog {
    /// Lays the catalog's token data flat (see [`FlatTokens`]); copies, so call it once
    /// per catalog.
    ///
    /// # Examples
    /// ```
    /// use shop_recs::{Catalog, Product};
    ///
    /// let catalog = Catalog::from_products(vec![
    ///     Product::new("b", "B", "red wool"),
    ///     Product::new("a", "A", "wool"),
    /// ])?;
    /// let flat = catalog.flat_tokens()?;
    /// assert_eq!(flat.bytes, b"redwoolwool");
    /// assert_eq!(flat.byte_starts, [0, 7, 11]);
    /// assert_eq!(flat.id_order, [1, 0]); // "a" sorts before "b"
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flat_tokens(&self) -> Result<FlatTokens, FlatTokensTooLarge> {
        let offset = |length: usize| u32::try_from(length).map_err(|_| FlatTokensTooLarge);
        let count = self.len();
        let (mut bytes, mut ends, mut attr_ids) = (Vec::new(), Vec::new(), Vec::new());
        let mut byte_starts = Vec::with_capacity(count + 1);
        let mut end_starts = Vec::with_capacity(count + 1);
        let mut attr_starts = Vec::with_capacity(count + 1);
        byte_starts.push(0);
        end_starts.push(0);
        attr_starts.push(0);
        for index in 0..count {
            let words = self.description_words(index);
            bytes.extend_from_slice(words.bytes());
            ends.extend_from_slice(words.ends());
            attr_ids.extend_from_slice(self.attribute_words(index));
            byte_starts.push(offset(bytes.len())?);
            end_starts.push(offset(ends.len())?);
            attr_starts.push(offset(attr_ids.len())?);
        }
        // Identifiers are unique, so this order is total.
        let products = self.products();
        let mut by_id: Vec<usize> = (0..count).collect();
        by_id.sort_unstable_by(|&a, &b| products[a].id.as_bytes().cmp(products[b].id.as_bytes()));
        let mut id_order = vec![0u32; count];
        for (rank, &index) in by_id.iter().enumerate() {
            id_order[index] = offset(rank)?;
        }
        Ok(FlatTokens {
            count,
            bytes,
            ends,
            byte_starts,
            end_starts,
            attr_ids,
            attr_starts,
            id_order,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::generate::generate;

    #[test]
    fn every_product_reads_back_its_own_words() {
        let catalog = generate(300, 5).expect("generated");
        let flat = catalog.flat_tokens().expect("small");
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
            assert_eq!(&flat.bytes[range(&flat.byte_starts)], words.bytes());
            assert_eq!(&flat.ends[range(&flat.end_starts)], words.ends());
            assert_eq!(
                &flat.attr_ids[range(&flat.attr_starts)],
                catalog.attribute_words(i)
            );
        }
    }

    #[test]
    fn id_order_ranks_identifiers_by_their_bytes() {
        let catalog = generate(200, 9).expect("generated");
        let flat = catalog.flat_tokens().expect("small");
        let mut ranks = flat.id_order.clone();
        ranks.sort_unstable();
        assert_eq!(ranks, (0..200).collect::<Vec<u32>>(), "a permutation");
        let products = catalog.products();
        for a in 0..200 {
            for b in 0..200 {
                let by_bytes = products[a].id.as_bytes().cmp(products[b].id.as_bytes());
                assert_eq!(flat.id_order[a].cmp(&flat.id_order[b]), by_bytes);
            }
        }
    }
}
