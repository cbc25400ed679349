//! A deterministic generator of realistic catalogs, for benchmarks and for trying the
//! scorer at sizes no hand-written catalog reaches.
//!
//! Products are drawn from eight categories, each with its own vocabulary (adjectives,
//! nouns, materials, features, uses, tags) and its own sentence templates. Products of
//! one category therefore share many description words and a few name and tag words,
//! while products of different categories share almost none: the similarity signals have
//! something real to find.
//!
//! Determinism: the only randomness is `SplitMix64` (`rng.rs`), seeded from `seed` and the product
//! index, and all arithmetic is on integers (a price is an integer number of cents
//! divided by 100 once, which IEEE 754 rounds the same way everywhere). The same `n` and
//! `seed` give the same catalog on every platform, wasm32 included.

mod rng;
mod skew;
mod vocabulary;

pub use skew::{MAX_SKEW, Skew, SkewError};

use rng::SplitMix64;
use vocabulary::{CATEGORIES, Category, FILLERS, MAX_SENTENCES, MAX_TAGS};

use crate::catalog::{Catalog, CatalogBuilder, CatalogError, MAX_PRODUCTS, PerProduct, Product};

/// Generates `n` realistic products; the same `n` and `seed` always give the same catalog.
///
/// Each product has a slug identifier such as `beauty-matte-velvet-lipstick-17` (the
/// index at the end makes it unique), a name such as "Matte Velvet Lipstick", a
/// description of 150 to 250 bytes written from its category's sentence templates, a
/// category, 2 to 4 tags and a price with two decimals. Product `i` depends only on
/// `seed` and `i`, so a larger `n` extends a smaller catalog without changing it.
///
/// # Errors
/// [`CatalogError::Empty`] when `n` is 0, [`CatalogError::TooManyProducts`] when `n` is
/// over [`MAX_PRODUCTS`].
///
/// # Examples
/// ```
/// use shop_recs::generate::generate;
///
/// let catalog = generate(1_000, 7).unwrap();
/// assert_eq!(catalog.len(), 1_000);
/// assert_eq!(catalog, generate(1_000, 7).unwrap());
/// assert!(catalog.product(0).id.ends_with("-0"));
/// ```
pub fn generate(n: usize, seed: u64) -> Result<Catalog, CatalogError> {
    generate_skewed(n, seed, Skew::NONE)
}

/// Generates like [`generate`], with `skew` percent of the products (all in the first
/// quarter of the catalog) given descriptions 10 to 100 times longer ([`Skew`]): uneven
/// work, placed so that contiguous blocks are unbalanced. Every other product equals
/// [`generate`]'s, and [`Skew::NONE`] gives exactly [`generate`]'s catalog.
///
/// # Examples
/// ```
/// use shop_recs::generate::{Skew, products};
///
/// let uniform: Vec<_> = products(400, 7, Skew::NONE).unwrap().collect();
/// let skewed: Vec<_> = products(400, 7, Skew::new(5).unwrap()).unwrap().collect();
/// let long = |all: &[shop_recs::Product]| all.iter().filter(|p| p.description.len() > 1_000).count();
/// assert_eq!(long(&uniform), 0);
/// assert!(long(&skewed) > 0);
/// assert_eq!(skewed[300..], uniform[300..]);
/// ```
///
/// # Errors
/// As [`generate`].
pub fn generate_skewed(n: usize, seed: u64, skew: Skew) -> Result<Catalog, CatalogError> {
    generate_reporting(n, seed, skew, &mut |_| {})
}

/// Products between two calls of [`generate_reporting`]'s `report`.
pub const REPORT_EVERY: usize = 50_000;

/// [`generate_skewed`], calling `report(done)` every [`REPORT_EVERY`] products (and once
/// at the end, before the identifiers are indexed), for a progress bar.
///
/// # Errors
/// As [`generate`].
pub fn generate_reporting(
    n: usize,
    seed: u64,
    skew: Skew,
    report: &mut dyn FnMut(usize),
) -> Result<Catalog, CatalogError> {
    let products = products(n, seed, skew)?;
    // The tables' sizes are known well enough to be reserved once (see CatalogBuilder).
    let mut builder = CatalogBuilder::with_capacity(n, GENERATED_PRODUCT);
    for (k, product) in products.enumerate() {
        if k % REPORT_EVERY == 0 && k > 0 {
            report(k);
        }
        builder.push(&product);
    }
    report(n);
    builder.finish()
}

/// A generated product's size in the catalog's tables, with about 10% to spare (measured
/// at a million: 70 label bytes, 154 word bytes, 31.5 words, 7.7 attribute words).
const GENERATED_PRODUCT: PerProduct = PerProduct {
    label_bytes: 77,
    word_bytes: 170,
    words: 35,
    attributes: 9,
};

/// The products [`generate_skewed`] makes, one at a time, with every field (description,
/// tags and price included): what `shop-recs generate` writes, in constant memory.
///
/// # Errors
/// As [`generate`].
///
/// # Examples
/// ```
/// use shop_recs::generate::{Skew, generate, products};
///
/// let first: Vec<_> = products(3, 7, Skew::NONE)?.collect();
/// assert_eq!(first.len(), 3);
/// assert_eq!(generate(3, 7)?.product(2).id, first[2].id);
/// assert!(first[0].price.is_some());
/// # Ok::<(), shop_recs::CatalogError>(())
/// ```
pub fn products(
    n: usize,
    seed: u64,
    skew: Skew,
) -> Result<impl ExactSizeIterator<Item = Product>, CatalogError> {
    if n == 0 {
        return Err(CatalogError::Empty);
    }
    if n > MAX_PRODUCTS {
        return Err(CatalogError::TooManyProducts {
            count: n,
            limit: MAX_PRODUCTS,
        });
    }
    let mut sentence = String::with_capacity(MAX_DESCRIPTION);
    Ok((0..n).map(move |index| {
        let mut product = generate_product(index, seed, &mut sentence);
        if skew.is_long(index, n, seed) {
            skew.lengthen(index, seed, &mut product.description);
        }
        product
    }))
}

/// Descriptions are at least this many bytes...
const MIN_DESCRIPTION: usize = 150;
/// ...and at most this many.
const MAX_DESCRIPTION: usize = 250;

/// The words one product is written from, as indices into its category's lists.
struct Draw {
    category: &'static Category,
    adjective: usize,
    adjective2: usize,
    noun: usize,
    material: usize,
    feature: usize,
    feature2: usize,
    purpose: usize,
}

fn generate_product(index: usize, seed: u64, sentence: &mut String) -> Product {
    let mut rng = SplitMix64::for_item(seed, index as u64);
    let category = &CATEGORIES[rng.below(CATEGORIES.len())];
    let (adjective, adjective2) = rng.two_distinct(category.adjectives.len());
    let (feature, feature2) = rng.two_distinct(category.features.len());
    let draw = Draw {
        category,
        adjective,
        adjective2,
        noun: rng.below(category.nouns.len()),
        material: rng.below(category.materials.len()),
        feature,
        feature2,
        purpose: rng.below(category.purposes.len()),
    };

    let adjectives = category.adjectives;
    let noun = category.nouns[draw.noun];
    let mut name = String::with_capacity(48);
    for part in [
        adjectives[adjective],
        " ",
        adjectives[adjective2],
        " ",
        noun,
    ] {
        name.push_str(part);
    }

    let mut id = String::with_capacity(category.name.len() + name.len() + 8);
    push_slug(&mut id, category.name);
    id.push('-');
    push_slug(&mut id, &name);
    id.push('-');
    push_decimal(&mut id, index as u64);

    let description = describe(&draw, &name, &mut rng, sentence);

    // The noun is the most telling tag ("lipstick"); 1 to 3 more come from the category.
    let noun_tag = noun.to_ascii_lowercase();
    let extra = 1 + rng.below(3);
    let mut order = [0u8; MAX_TAGS];
    let pool = rng.shuffled(&mut order, category.tags.len()).iter();
    let fresh = pool
        .map(|&k| category.tags[k as usize])
        .filter(|&tag| tag != noun_tag);
    let mut tags = Vec::with_capacity(1 + extra);
    tags.extend(fresh.take(extra).map(str::to_string));
    tags.insert(0, noun_tag);

    let (low, high) = category.price_dollars;
    let dollars = low + rng.below((high - low) as usize) as u64;
    let cents = [99, 49, 95, 0, 50][rng.below(5)];
    let price = (dollars * 100 + cents) as f64 / 100.0;

    Product {
        id,
        name,
        description,
        category: Some(category.name.to_string()),
        tags,
        price: Some(price),
    }
}

/// Writes a description of [`MIN_DESCRIPTION`]..=[`MAX_DESCRIPTION`] bytes.
///
/// An opening sentence, then the category's other sentences in a random order, until a
/// random target length is reached. A sentence is added only if it fits and repeats no
/// phrase (material, feature, use) already written. Short fillers (each under 100
/// bytes, so one never overshoots) top up anything still under the minimum.
fn describe(draw: &Draw, name: &str, rng: &mut SplitMix64, sentence: &mut String) -> String {
    let category = draw.category;
    let mut text = String::with_capacity(MAX_DESCRIPTION);
    let opening = category.openings[rng.below(category.openings.len())];
    let mut phrases_used = expand(opening, draw, name, &mut text);

    let target = MIN_DESCRIPTION + rng.below(MAX_DESCRIPTION - MIN_DESCRIPTION - 20);
    let mut order = [0u8; MAX_SENTENCES];
    for &k in rng.shuffled(&mut order, category.sentences.len()).iter() {
        if text.len() >= target {
            break;
        }
        sentence.clear();
        let phrases = expand(category.sentences[k as usize], draw, name, sentence);
        if phrases & phrases_used == 0 && text.len() + 1 + sentence.len() <= MAX_DESCRIPTION {
            text.push(' ');
            text.push_str(sentence);
            phrases_used |= phrases;
        }
    }
    let mut filler = rng.below(FILLERS.len());
    while text.len() < MIN_DESCRIPTION {
        text.push(' ');
        text.push_str(FILLERS[filler]);
        filler = (filler + 1) % FILLERS.len();
    }
    text
}

/// Appends `template` to `out`, replacing each `{placeholder}` with the drawn word, and
/// returns which phrases it used (one bit each for `{material}`, `{feature}`,
/// `{feature2}` and `{use}`), so that a description says each of them once.
///
/// `{name}` is the product name as written; `{adj}`, `{adj2}` and `{noun}` are
/// lowercased for the middle of a sentence; `{material}`, `{feature}`, `{feature2}` and
/// `{use}` are already lowercase phrases. An unknown placeholder is copied as it is (a
/// unit test checks that no template has one).
fn expand(template: &str, draw: &Draw, name: &str, out: &mut String) -> u8 {
    let category = draw.category;
    let mut phrases = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|k| open + k) else {
            break;
        };
        match &rest[open + 1..close] {
            "name" => out.push_str(name),
            "adj" => push_lowercase(out, category.adjectives[draw.adjective]),
            "adj2" => push_lowercase(out, category.adjectives[draw.adjective2]),
            "noun" => push_lowercase(out, category.nouns[draw.noun]),
            "material" => {
                out.push_str(category.materials[draw.material]);
                phrases |= 1;
            }
            "feature" => {
                out.push_str(category.features[draw.feature]);
                phrases |= 2;
            }
            "feature2" => {
                out.push_str(category.features[draw.feature2]);
                phrases |= 4;
            }
            "use" => {
                out.push_str(category.purposes[draw.purpose]);
                phrases |= 8;
            }
            _ => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    phrases
}

/// Appends ASCII `text` lowercased (the vocabulary is ASCII; a unit test checks).
fn push_lowercase(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
}

/// Appends `text` as a slug: ASCII letters and digits lowercased, every run of anything
/// else one `-`, none at either end.
fn push_slug(out: &mut String, text: &str) {
    let mut pending_dash = false;
    let start = out.len();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && out.len() > start {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
}

/// Appends `value` in decimal without going through the formatting machinery.
fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend(digits[k..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of the first `n` products of `seed`.
    fn all(n: usize, seed: u64) -> Vec<Product> {
        products(n, seed, Skew::NONE).unwrap().collect()
    }

    #[test]
    fn same_seed_same_catalog_and_different_seeds_differ() {
        let a = all(300, 11);
        assert_eq!(a, all(300, 11));
        assert_eq!(generate(300, 11).unwrap(), generate(300, 11).unwrap());
        let c = all(300, 12);
        let same = a.iter().zip(&c).filter(|(x, y)| x == y).count();
        assert_eq!(same, 0, "seeds 11 and 12 gave {same} identical products");
    }

    #[test]
    fn a_larger_catalog_extends_a_smaller_one() {
        assert_eq!(all(50, 3), &all(120, 3)[..50]);
        let (small, large) = (generate(50, 3).unwrap(), generate(120, 3).unwrap());
        assert!(small.products().eq(large.products().take(50)));
    }

    #[test]
    fn descriptions_are_150_to_250_bytes() {
        for seed in 0..4 {
            for product in all(2_000, seed) {
                let bytes = product.description.len();
                assert!(
                    (MIN_DESCRIPTION..=MAX_DESCRIPTION).contains(&bytes),
                    "{}: {bytes} bytes: {:?}",
                    product.id,
                    product.description
                );
            }
        }
    }

    #[test]
    fn identifiers_are_unique_slugs_ending_in_the_index() {
        let catalog = generate(1_000, 5).unwrap();
        let mut ids: Vec<&str> = catalog.products().map(|p| p.id).collect();
        for (index, id) in ids.iter().enumerate() {
            assert!(id.ends_with(&format!("-{index}")), "{id}");
            let slug_chars = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
            assert!(id.chars().all(slug_chars) && !id.contains("--"), "{id}");
            let category = catalog.product(index).category.unwrap();
            assert!(id.starts_with(&format!("{category}-")), "{id}");
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), catalog.len());
    }

    #[test]
    fn products_have_a_category_tags_and_a_two_decimal_price() {
        let products = all(1_000, 9);
        let mut categories: Vec<&str> = Vec::new();
        for product in &products {
            let category = product.category.as_deref().unwrap();
            if !categories.contains(&category) {
                categories.push(category);
            }
            assert!((2..=4).contains(&product.tags.len()), "{:?}", product.tags);
            let mut tags = product.tags.clone();
            tags.sort();
            tags.dedup();
            assert_eq!(
                tags.len(),
                product.tags.len(),
                "repeated tag in {:?}",
                product.tags
            );
            let price = product.price.unwrap();
            let cents = price * 100.0;
            assert!(
                price > 0.0 && (cents - cents.round()).abs() < 1e-6,
                "{price}"
            );
            assert!(
                !product.description.contains('{'),
                "{}",
                product.description
            );
        }
        assert_eq!(categories.len(), CATEGORIES.len());
    }

    #[test]
    fn vocabulary_is_ascii_and_fits_the_buffers() {
        for category in &CATEGORIES {
            let lists = [
                category.adjectives,
                category.nouns,
                category.materials,
                category.features,
                category.purposes,
                category.tags,
                category.openings,
                category.sentences,
            ];
            for text in lists.iter().flat_map(|list| list.iter()) {
                assert!(text.is_ascii(), "{text}");
            }
            assert!(
                category.sentences.len() <= MAX_SENTENCES,
                "{}",
                category.name
            );
            // Three distinct extra tags even when one of the pool equals the noun tag.
            assert!(category.tags.len() <= MAX_TAGS && category.tags.len() >= 4);
            assert!(category.adjectives.len() >= 2 && category.features.len() >= 2);
            assert!(category.price_dollars.0 < category.price_dollars.1);
        }
        assert!(FILLERS.iter().all(|filler| filler.len() < 100));
    }

    #[test]
    fn same_category_descriptions_share_more_words_than_different_ones() {
        let word_set = |text: &str| {
            let mut words = crate::tokens::WordBuffer::default();
            words.fill(text);
            words.sort_dedup();
            words.iter().map(str::to_string).collect::<Vec<_>>()
        };
        let products = all(400, 21);
        let jaccard = |a: &str, b: &str| {
            let (a, b) = (word_set(a), word_set(b));
            let shared = a.iter().filter(|w| b.contains(w)).count();
            shared as f64 / (a.len() + b.len() - shared) as f64
        };
        let (mut same, mut same_n, mut other, mut other_n) = (0.0, 0, 0.0, 0);
        for i in 0..100 {
            for j in (i + 1)..100 {
                let score = jaccard(&products[i].description, &products[j].description);
                if products[i].category == products[j].category {
                    same += score;
                    same_n += 1;
                } else {
                    other += score;
                    other_n += 1;
                }
            }
        }
        let (same, other) = (same / same_n as f64, other / other_n as f64);
        assert!(
            same > 2.0 * other,
            "same category {same:.3}, different {other:.3}"
        );
    }

    #[test]
    fn no_a_before_a_vowel() {
        for product in all(2_000, 13) {
            let words: Vec<&str> = product.description.split(' ').collect();
            for pair in words.windows(2) {
                let vowel = pair[1].starts_with(['a', 'e', 'i', 'o', 'u']);
                assert!(
                    !(pair[0].eq_ignore_ascii_case("a") && vowel),
                    "{}",
                    product.description
                );
            }
        }
    }

    #[test]
    fn rejects_zero_and_too_many() {
        assert_eq!(generate(0, 1).unwrap_err(), CatalogError::Empty);
        assert_eq!(
            generate(MAX_PRODUCTS + 1, 1).unwrap_err(),
            CatalogError::TooManyProducts {
                count: MAX_PRODUCTS + 1,
                limit: MAX_PRODUCTS
            }
        );
    }

    #[test]
    fn slugs_and_decimals_are_written_like_the_formatter_would() {
        let mut out = String::new();
        push_slug(&mut out, "2-in-1 Laptop  (Pro)!");
        assert_eq!(out, "2-in-1-laptop-pro");
        for value in [0, 7, 10, 1_000_000, u64::MAX] {
            let mut out = String::new();
            push_decimal(&mut out, value);
            assert_eq!(out, value.to_string());
        }
    }
}
