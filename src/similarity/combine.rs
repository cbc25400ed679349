//! The attribute signal (a Jaccard similarity of interned words) and how the two signals
//! combine into one score, with the weights and how they were chosen. `similarity`
//! re-exports all of it.

/// Weight of the text (MinHash) signal in [`combined_score`].
///
/// Chosen by category precision@5 on the real catalog
/// (`../shared/catalogs/dummyjson-products.json`: 194 products, 24 categories), with
/// 1500 iterations: for every product as target, the share of its top 5 that have the
/// target's category, averaged over all targets. `tests/real_catalog.rs` recomputes it.
///
/// | text weight | attribute weight | precision@5 |
/// |---|---|---|
/// | 1.0 (text only) | 0.0 | 0.5299 |
/// | 0.9 | 0.1 | 0.6309 |
/// | 0.7 | 0.3 | 0.8010 |
/// | 0.5 | 0.5 | 0.8433 |
/// | 0.3 | 0.7 | 0.8567 |
/// | 0.2 | 0.8 | 0.8557 |
/// | **0.1** | **0.9** | **0.8588** |
/// | 0.05 | 0.95 | 0.8588 |
/// | 0.0 | 1.0 (attributes only) | 0.8588 |
///
/// The best figure is reached by every text weight from 0.0 to 0.1; 0.1 is the largest
/// of them, so the description still orders candidates whose attribute overlap is equal
/// (it moves no category hit in this catalog, and costs none). The ceiling is 0.9155:
/// 19 of the 24 categories hold 5 products or fewer, so a target's top 5 cannot all
/// share its category. Attribute words include the category's own words, which is why
/// this measure favours the attribute signal so strongly.
pub const TEXT_WEIGHT: f64 = 0.1;

/// Weight of the attribute (Jaccard) signal in [`combined_score`]; see [`TEXT_WEIGHT`]
/// for how it was chosen. The two weights sum to 1, so scores stay in `0.0..=1.0`.
pub const ATTRIBUTE_WEIGHT: f64 = 0.9;

/// Returns the Jaccard similarity `|a ∩ b| / |a ∪ b|` of two attribute word sets.
///
/// `a` and `b` must be sorted ascending and distinct, as
/// [`Catalog::attribute_words`](crate::Catalog::attribute_words) returns them; they are
/// intersected by one merge pass. Two empty sets give 0.0 (never NaN).
///
/// # Examples
/// ```
/// use shop_recs::similarity::attribute_similarity;
/// assert_eq!(attribute_similarity(&[1, 2, 3], &[2, 3, 4]), 0.5);
/// assert_eq!(attribute_similarity(&[], &[]), 0.0);
/// ```
pub fn attribute_similarity(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        return 0.0;
    }
    common as f64 / union as f64
}

/// Returns the combined score `TEXT_WEIGHT * text + ATTRIBUTE_WEIGHT * attribute`.
///
/// Evaluated in exactly that order in f64, so any reimplementation that does the same
/// gets the same bits.
///
/// # Examples
/// ```
/// use shop_recs::similarity::{ATTRIBUTE_WEIGHT, TEXT_WEIGHT, combined_score};
/// assert_eq!(combined_score(1.0, 1.0), TEXT_WEIGHT + ATTRIBUTE_WEIGHT);
/// assert_eq!(combined_score(0.0, 0.0), 0.0);
/// ```
pub fn combined_score(text: f64, attribute: f64) -> f64 {
    TEXT_WEIGHT * text + ATTRIBUTE_WEIGHT * attribute
}
