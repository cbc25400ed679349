//! Skewed catalogs: a few products with descriptions ten to a hundred times longer than
//! the rest, as real catalogs have (a product with a long compatibility list beside
//! thousands with a paragraph each). Scoring a candidate costs in proportion to its
//! distinct description words, so such a catalog is uneven work, and the long products
//! are placed so that splitting the catalog into contiguous blocks is unbalanced: they
//! all lie in its first quarter.

use std::fmt;

use super::rng::SplitMix64;
use super::{MAX_DESCRIPTION, MIN_DESCRIPTION, push_decimal};

/// The most a skew may be: a quarter of the products long (all of the first quarter).
pub const MAX_SKEW: u32 = 25;

/// Mixed into the seed of the long products' own random stream, so that a skew changes
/// nothing else of a product: a skewed catalog's short products equal the uniform one's.
const SKEW_SALT: u64 = 0x0005_ce0f_1e57;

/// How uneven a generated catalog is: `percent` of its products (on average) are long.
/// [`Skew::NONE`], the default, keeps the uniform catalogs byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Skew {
    percent: u32,
}

/// A skew over [`MAX_SKEW`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkewError {
    pub percent: u32,
}

impl fmt::Display for SkewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "skew must be a percentage of long products from 0 to {MAX_SKEW}, got {}",
            self.percent
        )
    }
}

impl std::error::Error for SkewError {}

impl Skew {
    /// Uniform: every description is 150 to 250 bytes.
    pub const NONE: Skew = Skew { percent: 0 };

    /// `percent` of the products long, `0..=MAX_SKEW`.
    pub fn new(percent: u32) -> Result<Skew, SkewError> {
        if percent > MAX_SKEW {
            return Err(SkewError { percent });
        }
        Ok(Skew { percent })
    }

    /// The percentage of long products.
    pub fn percent(self) -> u32 {
        self.percent
    }

    /// Whether product `index` of `n` is long: only in the first quarter of the catalog,
    /// each there with probability `4 * percent / 100`.
    pub(super) fn is_long(self, index: usize, n: usize, seed: u64) -> bool {
        self.percent > 0
            && index < n.div_ceil(4)
            && SplitMix64::for_item(seed ^ SKEW_SALT, index as u64).below(100)
                < 4 * self.percent as usize
    }

    /// Lengthens product `index`'s description to 10 to 100 times the median length, with
    /// a list of distinct model numbers ("Fits models 40213, 40214, ..."): distinct words,
    /// so the MinHash work grows with it.
    pub(super) fn lengthen(self, index: usize, seed: u64, description: &mut String) {
        let mut rng = SplitMix64::for_item(seed ^ SKEW_SALT, index as u64);
        rng.below(100); // the draw is_long made
        let median = (MIN_DESCRIPTION + MAX_DESCRIPTION) / 2;
        let target = (10 + rng.below(91)) * median;
        let mut model = 10_000 + rng.below(80_000) as u64;
        description.reserve(target - description.len().min(target) + 8);
        description.push_str(" Fits models");
        while description.len() < target {
            description.push(' ');
            push_decimal(description, model);
            description.push(',');
            model += 1;
        }
        description.pop();
        description.push('.');
    }
}
