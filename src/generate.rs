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
    check_count(n)?;
    let mut sentence = String::with_capacity(MAX_DESCRIPTION);
    Ok((0..n).map(move |index| product_at(index, n, seed, skew, &mut sentence)))
}

/// A catalog of `n` products can be made: 1 to [`MAX_PRODUCTS`].
fn check_count(n: usize) -> Result<(), CatalogError> {
    if n == 0 {
        return Err(CatalogError::Empty);
    }
    if n > MAX_PRODUCTS {
        return Err(CatalogError::TooManyProducts {
            count: n,
            limit: MAX_PRODUCTS,
        });
    }
    Ok(())
}

/// Product `index` of the catalog of `n` products: it depends on nothing else.
fn product_at(index: usize, n: usize, seed: u64, skew: Skew, sentence: &mut String) -> Product {
    let mut product = generate_product(index, seed, sentence);
    if skew.is_long(index, n, seed) {
        skew.lengthen(index, seed, &mut product.description);
    }
    product
}

/// Products in one piece of [`generate_on_pool`]'s work: a few milliseconds of it.
const PIECE: usize = 4_096;

/// [`generate_reporting`] on the current rayon pool: the catalog is made in pieces of
/// consecutive products, side by side, each built into its own tables, and the pieces
/// are merged in order ([`CatalogBuilder::merge`]): the same catalog, table for table,
/// as the serial build (a property test holds them equal). The identifiers are sorted
/// on the pool in both.
///
/// The pieces are made a few per thread at a time and merged as each batch ends, so
/// that the memory a load needs stays near the catalog's own (a wasm memory never
/// shrinks: building every piece before merging would double its peak). `report` is
/// called on the calling thread, after each batch that crosses a multiple of
/// [`REPORT_EVERY`], and once at the end.
///
/// # Errors
/// As [`generate`].
///
/// # Examples
/// ```
/// use shop_recs::generate::{Skew, generate_on_pool, generate_skewed};
///
/// let skew = Skew::new(5).unwrap();
/// let parallel = generate_on_pool(20_000, 7, skew, &mut |_| {})?;
/// assert_eq!(parallel, generate_skewed(20_000, 7, skew)?);
/// # Ok::<(), shop_recs::CatalogError>(())
/// ```
pub fn generate_on_pool(
    n: usize,
    seed: u64,
    skew: Skew,
    report: &mut dyn FnMut(usize),
) -> Result<Catalog, CatalogError> {
    generate_in_pieces(n, seed, skew, PIECE, report)
}

/// [`generate_on_pool`] with pieces of `piece` products (the tests make them small).
fn generate_in_pieces(
    n: usize,
    seed: u64,
    skew: Skew,
    piece: usize,
    report: &mut dyn FnMut(usize),
) -> Result<Catalog, CatalogError> {
    use rayon::prelude::*;
    check_count(n)?;
    let mut builder = CatalogBuilder::with_capacity(n, GENERATED_PRODUCT);
    let batch = piece * 4 * rayon::current_num_threads();
    let mut done = 0;
    let mut reported = 0;
    while done < n {
        let end = (done + batch).min(n);
        let pieces: Vec<CatalogBuilder> = (done..end)
            .into_par_iter()
            .step_by(piece)
            .map(|first| {
                let mut built = CatalogBuilder::starting_at(first);
                let mut sentence = String::with_capacity(MAX_DESCRIPTION);
                for index in first..(first + piece).min(end) {
                    built.push(&product_at(index, n, seed, skew, &mut sentence));
                }
                built
            })
            .collect();
        for piece in pieces {
            builder.merge(piece);
        }
        done = end;
        if done / REPORT_EVERY > reported / REPORT_EVERY && done < n {
            report(done);
            reported = done;
        }
    }
    report(n);
    builder.finish()
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
mod tests;
