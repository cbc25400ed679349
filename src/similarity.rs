//! The two similarity signals and how they combine.
//!
//! # Text: MinHash over FNV-1a
//! A product's text signal is the MinHash signature of its description words
//! ([`Catalog::description_words`](crate::Catalog::description_words)). Component `i`, for
//! `0 <= i < iterations`, is the minimum over the words of a 64-bit FNV-1a hash seeded by
//! `i`. The seeding is defined here bit for bit, so that a plain JavaScript (BigInt)
//! reimplementation reproduces every component:
//!
//! ```text
//! FNV_OFFSET = 0xcbf29ce484222325
//! FNV_PRIME  = 0x100000001b3
//! step(h, byte)  = (h ^ byte) * FNV_PRIME            (mod 2^64)
//! seed_basis(i)  = fold step over the 4 little-endian bytes of (i as u32), from FNV_OFFSET
//! hash(i, word)  = fold step over the word's UTF-8 bytes, from seed_basis(i)
//! signature[i]   = min over the words of hash(i, word)   (u64::MAX when there are none)
//! ```
//!
//! Equivalently, `hash(i, word)` is plain FNV-1a 64 of the bytes
//! `le_bytes(i as u32) ++ word`. Two signatures are compared component by component:
//! text similarity = (components that agree) as f64 / `iterations` as f64, which
//! estimates the Jaccard similarity of the two word sets; it is 0.0 (never NaN) when
//! either set is empty. The words are those of [`crate::tokens::word_set`]: maximal runs
//! of Unicode alphanumeric characters, split first and then lowercased, distinct.
//!
//! Signatures are **not cached**: every scoring run hashes every candidate's words afresh,
//! `iterations` times. That CPU work, about `iterations x description bytes` FNV steps
//! per candidate, is what the serial and parallel timings measure.
//!
//! # Attributes: exact Jaccard
//! [`attribute_similarity`] is the exact Jaccard similarity of two attribute word sets
//! (words of the name, tags and category, interned as sorted distinct ids).
//!
//! # Speed
//! [`signature_naive`] is the reference: one seed at a time, a dependent chain of
//! multiplies per word. [`signature`] and [`text_similarity`] run a block of seeds side
//! by side over the same bytes (seed blocks outer, then words, then bytes), so that
//! independent multiplies overlap in the pipeline and the lanes' minimums stay in
//! registers. The kernel is plain portable Rust (no intrinsics), so the same code runs
//! in wasm32. With scalar registers ([`LANES`] lanes) it reaches about one 64-bit
//! multiply per cycle, the ceiling for scalar code, and the naive reference, whose
//! per-word chains the CPU already overlaps, is only about 1.7 times slower. Past that
//! ceiling natively, [`Kernel`] compiles the same code a second and third time with
//! AVX2 and AVX-512 enabled, where the lanes become vector registers, and picks the
//! fastest this CPU runs when the program runs. `shop-recs kernel` and
//! `benches/kernel.rs` measure every form against the naive reference.

use crate::catalog::TokenSet;

/// 64-bit FNV-1a offset basis.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// 64-bit FNV-1a prime.
pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

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

/// Seeds hashed side by side in one pass over a word's bytes by the portable kernel
/// ([`Kernel::PORTABLE`], the only one in wasm32).
///
/// Each lane is an independent FNV chain, so the CPU overlaps their multiplies instead of
/// waiting for one chain's latency per byte. Measured on this project's 2-core x86-64
/// machines (1500 iterations, ~150 bytes of words per description, best of 9 runs):
/// natively 4 lanes ran at 0.35 ns per byte-step; 6 and 7 lanes at 0.31 for both
/// [`signature`] and [`text_similarity`], about one 64-bit multiply per cycle, the
/// ceiling for portable scalar code; 8 lanes at 0.31 for `signature` but 0.40 for
/// `text_similarity`, whose extra state no longer fits in registers; 12 lanes at 0.43.
/// Compiled to wasm and run in Node 20, 4, 6 and 8 lanes were within noise of each other,
/// all 2.1 to 2.3 times faster than [`signature_naive`]. In Chromium 156 the streaming
/// comparison ([`text_similarity`], what scoring runs) took 0.362, 0.362 and 0.371 ns per
/// byte-step with 4, 6 and 8 lanes, against 0.746 for the naive reference (best of 10,
/// interleaved); `signature` alone was 5% faster with 4 lanes than with 6.
pub const LANES: usize = 6;

/// One FNV-1a step: xor in the byte, then multiply by the prime (wrapping).
#[inline(always)]
fn fnv_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
}

/// Returns the FNV-1a state for `seed`: the offset basis folded over `seed`'s 4
/// little-endian bytes.
///
/// Hashing a word under `seed` continues FNV-1a from this state over the word's bytes.
///
/// # Examples
/// ```
/// use shop_recs::similarity::{FNV_OFFSET, FNV_PRIME, seed_basis};
/// let mut h = FNV_OFFSET;
/// for byte in 7u32.to_le_bytes() {
///     h = (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
/// }
/// assert_eq!(seed_basis(7), h);
/// ```
pub fn seed_basis(seed: u32) -> u64 {
    seed.to_le_bytes().into_iter().fold(FNV_OFFSET, fnv_step)
}

/// Returns `seed_basis(i)` for every `i` in `0..iterations`, in order.
pub fn seed_bases(iterations: u32) -> Vec<u64> {
    (0..iterations).map(seed_basis).collect()
}

/// Hashes `word` under the seed whose basis is `basis`.
#[inline]
fn hash_word(basis: u64, word: &[u8]) -> u64 {
    word.iter().fold(basis, |h, &byte| fnv_step(h, byte))
}

/// Returns the MinHash signature of `words` (the reference: one seed at a time).
///
/// Component `i` is `min over words of hash(i, word)`; an empty set gives `u64::MAX`
/// everywhere. Plain and slow on purpose: tests and the bench hold the fast kernel
/// ([`signature`]) against it.
pub fn signature_naive(words: TokenSet<'_>, iterations: u32) -> Vec<u64> {
    (0..iterations)
        .map(|seed| {
            let basis = seed_basis(seed);
            words
                .iter()
                .map(|word| hash_word(basis, word))
                .min()
                .unwrap_or(u64::MAX)
        })
        .collect()
}

/// Computes the minimum hash of every word, for the `L` seeds whose bases are `bases`.
///
/// The heart of the kernel: for each word, `L` FNV chains start from their bases and
/// step through the word's bytes together; the lanes' minimums stay in registers. Written
/// once, over plain arrays, so that the compiler turns the lanes into scalar registers
/// (the portable build) or vector registers (the x86-64 forms of [`Kernel`]).
#[inline(always)]
fn block_minimums<const L: usize>(words: TokenSet<'_>, bases: &[u64; L]) -> [u64; L] {
    let mut minimums = [u64::MAX; L];
    for word in words.iter() {
        let mut hashes = *bases;
        for &byte in word {
            for hash in &mut hashes {
                *hash = fnv_step(*hash, byte);
            }
        }
        for (minimum, hash) in minimums.iter_mut().zip(hashes) {
            *minimum = (*minimum).min(hash);
        }
    }
    minimums
}

/// Calls `visit(first_component, minimums)` for every block of `L` seeds in `bases`.
///
/// The last block, when `bases.len()` is not a multiple of `L`, is padded by repeating
/// its last basis; `visit` receives only the `bases.len() % L` real lanes.
#[inline(always)]
fn for_each_block<const L: usize>(
    words: TokenSet<'_>,
    bases: &[u64],
    mut visit: impl FnMut(usize, &[u64]),
) {
    let (blocks, rest) = bases.as_chunks::<L>();
    for (k, block) in blocks.iter().enumerate() {
        visit(k * L, &block_minimums(words, block));
    }
    if let Some(&last) = rest.last() {
        let mut padded = [last; L];
        padded[..rest.len()].copy_from_slice(rest);
        visit(
            blocks.len() * L,
            &block_minimums(words, &padded)[..rest.len()],
        );
    }
}

/// [`signature`] with `L` lanes.
#[inline(always)]
fn signature_lanes<const L: usize>(words: TokenSet<'_>, bases: &[u64]) -> Vec<u64> {
    let mut out = vec![u64::MAX; bases.len()];
    for_each_block::<L>(words, bases, |first, minimums| {
        out[first..first + minimums.len()].copy_from_slice(minimums);
    });
    out
}

/// The number of components on which the candidate's signature, computed with `L`
/// lanes and never stored, agrees with `target_signature` (as long as `bases`).
#[inline(always)]
fn agreements_lanes<const L: usize>(
    target_signature: &[u64],
    bases: &[u64],
    candidate: TokenSet<'_>,
) -> usize {
    let (blocks, rest) = bases.as_chunks::<L>();
    let (targets, target_rest) = target_signature.as_chunks::<L>();
    // Whole blocks compare as fixed-size arrays, which keeps the lanes in registers.
    let mut agreements = 0usize;
    for (block, target) in blocks.iter().zip(targets) {
        let minimums = block_minimums(candidate, block);
        agreements += minimums.iter().zip(target).filter(|(m, t)| m == t).count();
    }
    if let Some(&last) = rest.last() {
        let mut padded = [last; L];
        padded[..rest.len()].copy_from_slice(rest);
        let minimums = block_minimums(candidate, &padded);
        agreements += minimums
            .iter()
            .zip(target_rest)
            .filter(|(m, t)| m == t)
            .count();
    }
    agreements
}

/// A compiled form of the MinHash kernel: the same Rust code, built for an instruction
/// set, with as many lanes as that instruction set keeps in registers.
///
/// Every form returns bit-identical results (integer arithmetic only; `tests/kernels.rs`
/// holds each against [`signature_naive`]). Which one runs only changes the speed:
///
/// | name | where | lanes | how the lanes run |
/// |---|---|---|---|
/// | `portable` | everywhere, wasm32 included | [`LANES`] | scalar 64-bit multiplies |
/// | `avx2` | x86-64 CPUs with AVX2 | 16 | 4 lanes per 256-bit register; AVX2 has no 64-bit multiply, so each is three 32-bit ones |
/// | `avx512` | x86-64 CPUs with AVX-512 F, DQ and VL | 32 | 8 lanes per 512-bit register, one `vpmullq` per 8 lanes |
///
/// The binary stays portable: the x86-64 forms are compiled in beside the portable one
/// (`#[target_feature]`) and chosen at run time by [`Kernel::detect`], the way `memchr`
/// does. A form can only be obtained on a CPU that runs it, which is what makes calling
/// it sound. wasm32 has the portable form only: built with `simd128`, the compiler turns
/// the lanes into `i64x2.mul`s, and that build ran the kernel about three times slower
/// than the scalar lanes in Chromium 156 on these machines (x86-64 has no 64-bit lane
/// multiply below AVX-512, so the browser has to build one from 32-bit multiplies);
/// `scripts/bench.sh` measures it again every run (`bench/REPORT.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernel(Isa);

/// Which instruction set a [`Kernel`] was compiled for. Private, so that a `Kernel` can
/// only be made by the constructors that check the CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Isa {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Kernel {
    /// The portable kernel: scalar lanes, runs everywhere.
    pub const PORTABLE: Kernel = Kernel(Isa::Portable);

    /// The fastest kernel this CPU runs (the last of [`Kernel::available`]).
    ///
    /// Checking costs an atomic load once the standard library has cached the CPU's
    /// features, so it can be called per run.
    pub fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if x86::has_avx512() {
                return Kernel(Isa::Avx512);
            }
            if x86::has_avx2() {
                return Kernel(Isa::Avx2);
            }
        }
        Kernel::PORTABLE
    }

    /// Every kernel this CPU runs, slowest first; the portable one is always there.
    pub fn available() -> Vec<Kernel> {
        #[cfg(target_arch = "x86_64")]
        let wider = [
            x86::has_avx2().then_some(Kernel(Isa::Avx2)),
            x86::has_avx512().then_some(Kernel(Isa::Avx512)),
        ];
        #[cfg(not(target_arch = "x86_64"))]
        let wider: [Option<Kernel>; 0] = [];
        std::iter::once(Kernel::PORTABLE)
            .chain(wider.into_iter().flatten())
            .collect()
    }

    /// The kernel called `name` (see [`Kernel::name`]), or `None` when there is no such
    /// kernel or this CPU cannot run it.
    ///
    /// # Examples
    /// ```
    /// use shop_recs::similarity::Kernel;
    /// assert_eq!(Kernel::by_name("portable"), Some(Kernel::PORTABLE));
    /// assert_eq!(Kernel::by_name("sse9"), None);
    /// ```
    pub fn by_name(name: &str) -> Option<Kernel> {
        Kernel::available().into_iter().find(|k| k.name() == name)
    }

    /// `"portable"`, `"avx2"` or `"avx512"`.
    pub fn name(self) -> &'static str {
        match self.0 {
            Isa::Portable => "portable",
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => "avx2",
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => "avx512",
        }
    }

    /// Seeds this kernel hashes side by side.
    pub fn lanes(self) -> usize {
        match self.0 {
            Isa::Portable => LANES,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => x86::AVX2_LANES,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => x86::AVX512_LANES,
        }
    }

    /// [`signature`] computed by this kernel.
    pub fn signature(self, words: TokenSet<'_>, bases: &[u64]) -> Vec<u64> {
        match self.0 {
            Isa::Portable => signature_lanes::<LANES>(words, bases),
            // SAFETY: a Kernel holding Isa::Avx2 is only made by `detect` and
            // `available` (and `by_name`, through `available`), after
            // `x86::has_avx2()` confirmed this CPU has every feature the function enables.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { x86::signature_avx2(words, bases) },
            // SAFETY: as above, after `x86::has_avx512()`.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { x86::signature_avx512(words, bases) },
        }
    }

    /// [`text_similarity`] computed by this kernel.
    ///
    /// # Panics
    /// When `target_signature.len() != bases.len()`.
    pub fn text_similarity(
        self,
        target_signature: &[u64],
        bases: &[u64],
        candidate: TokenSet<'_>,
    ) -> f64 {
        assert_eq!(
            target_signature.len(),
            bases.len(),
            "target signature and seed bases differ in length"
        );
        if candidate.is_empty()
            || bases.is_empty()
            || target_signature.iter().all(|&m| m == u64::MAX)
        {
            return 0.0;
        }
        let agreements = match self.0 {
            Isa::Portable => agreements_lanes::<LANES>(target_signature, bases, candidate),
            // SAFETY: see `Kernel::signature`.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { x86::agreements_avx2(target_signature, bases, candidate) },
            // SAFETY: see `Kernel::signature`.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { x86::agreements_avx512(target_signature, bases, candidate) },
        };
        agreements as f64 / bases.len() as f64
    }
}

/// The x86-64 forms of the kernel: the portable code, compiled with wider instruction
/// sets enabled, and the run-time checks that make calling them sound.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{TokenSet, agreements_lanes, signature_lanes};

    /// Four 256-bit registers of hashes. 8 lanes measured 0.25 ns per byte-step and 16
    /// lanes 0.20, on this project's AMD EPYC machines.
    pub(super) const AVX2_LANES: usize = 16;
    /// Four 512-bit registers of hashes. On the same machines (ns per byte-step,
    /// `signature` / `text_similarity`): 8 lanes 0.082 / 0.081, 16 lanes 0.060 / 0.064,
    /// 32 lanes 0.051 / 0.049. 24 lanes ran `signature` at 0.053 but `text_similarity`
    /// at 0.485: with three registers the compiler left that loop scalar.
    pub(super) const AVX512_LANES: usize = 32;

    pub(super) fn has_avx2() -> bool {
        is_x86_feature_detected!("avx2")
    }

    pub(super) fn has_avx512() -> bool {
        is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512dq")
            && is_x86_feature_detected!("avx512vl")
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn signature_avx2(words: TokenSet<'_>, bases: &[u64]) -> Vec<u64> {
        signature_lanes::<AVX2_LANES>(words, bases)
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn agreements_avx2(target: &[u64], bases: &[u64], words: TokenSet<'_>) -> usize {
        agreements_lanes::<AVX2_LANES>(target, bases, words)
    }

    #[target_feature(enable = "avx2,avx512f,avx512dq,avx512vl")]
    pub(super) fn signature_avx512(words: TokenSet<'_>, bases: &[u64]) -> Vec<u64> {
        signature_lanes::<AVX512_LANES>(words, bases)
    }

    #[target_feature(enable = "avx2,avx512f,avx512dq,avx512vl")]
    pub(super) fn agreements_avx512(target: &[u64], bases: &[u64], words: TokenSet<'_>) -> usize {
        agreements_lanes::<AVX512_LANES>(target, bases, words)
    }
}

/// Returns the MinHash signature of `words` for the seeds whose bases are `bases`.
///
/// Component `i` is the minimum over the words of FNV-1a continued from `bases[i]`
/// (normally [`seed_bases`]`(iterations)`); an empty set gives `u64::MAX` everywhere.
/// Bit-identical to [`signature_naive`]; computed by the fastest [`Kernel`] this CPU
/// runs ([`Kernel::detect`]).
///
/// # Examples
/// ```
/// use shop_recs::similarity::{seed_bases, signature, signature_naive};
/// use shop_recs::{Catalog, Product};
///
/// let product = Product {
///     id: "lipstick".into(),
///     name: "Red Lipstick".into(),
///     description: "A matte red lipstick.".into(),
///     category: Some("beauty".into()),
///     tags: vec![],
///     price: None,
/// };
/// let catalog = Catalog::from_products(vec![product])?;
/// let words = catalog.description_words(0);
/// assert_eq!(signature(words, &seed_bases(37)), signature_naive(words, 37));
/// # Ok::<(), shop_recs::CatalogError>(())
/// ```
pub fn signature(words: TokenSet<'_>, bases: &[u64]) -> Vec<u64> {
    Kernel::detect().signature(words, bases)
}

/// Returns the share of MinHash components on which `candidate` agrees with a target.
///
/// `target_signature` is [`signature`]`(target_words, bases)`. The candidate's signature
/// is computed block by block and compared as it goes, never stored, so a call allocates
/// nothing. The result is `agreements as f64 / bases.len() as f64`, in `0.0..=1.0`.
///
/// Returns 0.0 (never NaN) when the candidate has no words, when the target signature is
/// that of an empty set (all `u64::MAX`), or when `bases` is empty. Computed by the
/// fastest [`Kernel`] this CPU runs ([`Kernel::detect`]).
///
/// # Panics
/// When `target_signature.len() != bases.len()`.
///
/// # Examples
/// ```
/// use shop_recs::similarity::{seed_bases, signature, text_similarity};
/// use shop_recs::{Catalog, Product};
///
/// let product = |id: &str, description: &str| Product {
///     id: id.into(),
///     name: id.into(),
///     description: description.into(),
///     category: None,
///     tags: vec![],
///     price: None,
/// };
/// let catalog = Catalog::from_products(vec![
///     product("a", "soft red cotton scarf"),
///     product("b", "Soft, red cotton scarf!"),
///     product("c", "steel hammer"),
/// ])?;
/// let bases = seed_bases(200);
/// let target = signature(catalog.description_words(0), &bases);
/// assert_eq!(text_similarity(&target, &bases, catalog.description_words(1)), 1.0);
/// assert!(text_similarity(&target, &bases, catalog.description_words(2)) < 0.1);
/// # Ok::<(), shop_recs::CatalogError>(())
/// ```
pub fn text_similarity(target_signature: &[u64], bases: &[u64], candidate: TokenSet<'_>) -> f64 {
    Kernel::detect().text_similarity(target_signature, bases, candidate)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, Product};

    fn catalog(descriptions: &[&str]) -> Catalog {
        let products = descriptions
            .iter()
            .enumerate()
            .map(|(i, description)| Product {
                id: format!("p{i}"),
                name: format!("product {i}"),
                description: description.to_string(),
                category: None,
                tags: vec![],
                price: None,
            })
            .collect();
        Catalog::from_products(products).unwrap()
    }

    /// Plain FNV-1a 64 from the offset basis, written out once more for the vectors.
    fn fnv1a(bytes: &[u8]) -> u64 {
        let mut h = FNV_OFFSET;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(FNV_PRIME);
        }
        h
    }

    #[test]
    fn fnv1a_matches_published_test_vectors() {
        // From the FNV reference test suite (fnv1a64 of "", "a", "foobar").
        assert_eq!(hash_word(FNV_OFFSET, b""), 0xcbf29ce484222325);
        assert_eq!(hash_word(FNV_OFFSET, b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(hash_word(FNV_OFFSET, b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn seeded_hash_is_fnv1a_of_seed_bytes_then_word() {
        for seed in [0u32, 1, 255, 256, 0x0102_0304, u32::MAX] {
            let mut bytes = seed.to_le_bytes().to_vec();
            bytes.extend_from_slice("café".as_bytes());
            assert_eq!(
                hash_word(seed_basis(seed), "café".as_bytes()),
                fnv1a(&bytes)
            );
        }
        // Little-endian: seed 1 hashes the bytes 01 00 00 00, not 00 00 00 01.
        assert_eq!(seed_basis(1), fnv1a(&[1, 0, 0, 0]));
        assert_ne!(seed_basis(1), fnv1a(&[0, 0, 0, 1]));
    }

    #[test]
    fn seed_bases_are_the_bases_in_order() {
        let bases = seed_bases(20);
        assert_eq!(bases.len(), 20);
        for (i, basis) in bases.iter().enumerate() {
            assert_eq!(*basis, seed_basis(i as u32));
        }
    }

    #[test]
    fn kernel_equals_naive_on_odd_sizes() {
        let c = catalog(&[
            "a",
            "The Essence Mascara Lash Princess is a popular mascara known for its volumizing \
             and lengthening effects. Achieve dramatic lashes with this long-lasting formula.",
            "Ärger über Café ١٢٣ 東京タワー x y z",
            "one two three four five six seven",
        ]);
        for kernel in Kernel::available() {
            // Every remainder modulo the lanes, over one to three whole blocks, and more.
            let lanes = kernel.lanes() as u32;
            let sizes = (1..=3 * lanes + 1).chain([100, 1499, 1500]);
            for iterations in sizes {
                let bases = seed_bases(iterations);
                for i in 0..c.len() {
                    let words = c.description_words(i);
                    let naive = signature_naive(words, iterations);
                    let name = kernel.name();
                    assert_eq!(
                        kernel.signature(words, &bases),
                        naive,
                        "{name}: product {i}, {iterations} iterations"
                    );
                    // The streaming form agrees with the stored one on every component.
                    for j in 0..c.len() {
                        let expected = naive
                            .iter()
                            .zip(&signature_naive(c.description_words(j), iterations))
                            .filter(|(a, b)| a == b)
                            .count() as f64
                            / f64::from(iterations);
                        let expected = if c.description_words(j).is_empty()
                            || naive.iter().all(|&m| m == u64::MAX)
                        {
                            0.0
                        } else {
                            expected
                        };
                        assert_eq!(
                            kernel.text_similarity(&naive, &bases, c.description_words(j)),
                            expected,
                            "{name}: products {i} and {j}, {iterations} iterations"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn kernels_are_found_by_name_and_detect_picks_the_widest() {
        let available = Kernel::available();
        assert_eq!(available[0], Kernel::PORTABLE);
        assert_eq!(Kernel::detect(), *available.last().unwrap());
        for kernel in &available {
            assert_eq!(Kernel::by_name(kernel.name()), Some(*kernel));
            assert!(kernel.lanes() >= LANES);
        }
        assert_eq!(Kernel::PORTABLE.lanes(), LANES);
        assert_eq!(Kernel::by_name("auto"), None);
    }

    #[test]
    fn naive_signature_is_min_of_seeded_hashes() {
        let c = catalog(&["beta alpha"]);
        let sig = signature_naive(c.description_words(0), 5);
        for (seed, component) in sig.iter().enumerate() {
            let seed = seed as u32;
            let alpha = fnv1a(&[&seed.to_le_bytes()[..], b"alpha"].concat());
            let beta = fnv1a(&[&seed.to_le_bytes()[..], b"beta"].concat());
            assert_eq!(*component, alpha.min(beta));
        }
    }

    #[test]
    fn empty_sets_give_max_signature_and_zero_similarity() {
        let c = catalog(&["!!! ...", "red lipstick"]);
        let bases = seed_bases(13);
        let empty = c.description_words(0);
        let full = c.description_words(1);
        assert_eq!(signature(empty, &bases), vec![u64::MAX; 13]);
        assert_eq!(signature_naive(empty, 13), vec![u64::MAX; 13]);
        let empty_sig = signature(empty, &bases);
        let full_sig = signature(full, &bases);
        assert_eq!(text_similarity(&empty_sig, &bases, full), 0.0);
        assert_eq!(text_similarity(&full_sig, &bases, empty), 0.0);
        assert_eq!(text_similarity(&empty_sig, &bases, empty), 0.0);
        assert_eq!(text_similarity(&[], &[], full), 0.0);
    }

    #[test]
    fn a_set_is_fully_similar_to_itself() {
        let c = catalog(&["matte red lipstick, long lasting", "x"]);
        for iterations in [1, 9, 1500] {
            let bases = seed_bases(iterations);
            for i in 0..c.len() {
                let sig = signature(c.description_words(i), &bases);
                assert_eq!(text_similarity(&sig, &bases, c.description_words(i)), 1.0);
            }
        }
    }

    #[test]
    fn streaming_similarity_counts_agreeing_components() {
        let c = catalog(&[
            "red matte lipstick long lasting formula",
            "red glossy lipstick with a long lasting shine",
            "steel claw hammer",
        ]);
        let iterations = 203;
        let bases = seed_bases(iterations);
        let target = signature_naive(c.description_words(0), iterations);
        for i in 0..c.len() {
            let candidate = signature_naive(c.description_words(i), iterations);
            let agree = target
                .iter()
                .zip(&candidate)
                .filter(|(a, b)| a == b)
                .count();
            let expected = agree as f64 / f64::from(iterations);
            assert_eq!(
                text_similarity(&target, &bases, c.description_words(i)),
                expected
            );
        }
        // Shared words make agreement likely; disjoint words almost never agree.
        assert!(text_similarity(&target, &bases, c.description_words(1)) > 0.2);
        assert!(text_similarity(&target, &bases, c.description_words(2)) < 0.05);
    }

    #[test]
    #[should_panic(expected = "differ in length")]
    fn mismatched_signature_length_panics() {
        let c = catalog(&["a"]);
        text_similarity(&[1, 2], &seed_bases(3), c.description_words(0));
    }

    #[test]
    fn jaccard_of_attribute_sets() {
        assert_eq!(attribute_similarity(&[], &[]), 0.0);
        assert_eq!(attribute_similarity(&[1], &[]), 0.0);
        assert_eq!(attribute_similarity(&[1, 5, 9], &[1, 5, 9]), 1.0);
        assert_eq!(attribute_similarity(&[1, 2], &[3, 4]), 0.0);
        assert_eq!(attribute_similarity(&[1, 2, 3, 4], &[2, 4, 6]), 2.0 / 5.0);
        assert_eq!(attribute_similarity(&[2, 4, 6], &[1, 2, 3, 4]), 2.0 / 5.0);
    }

    #[test]
    fn combined_score_is_the_documented_weighted_sum() {
        assert_eq!(
            combined_score(0.25, 0.75),
            TEXT_WEIGHT * 0.25 + ATTRIBUTE_WEIGHT * 0.75
        );
        assert!((TEXT_WEIGHT + ATTRIBUTE_WEIGHT - 1.0).abs() < 1e-12);
        const { assert!(TEXT_WEIGHT > 0.0 && ATTRIBUTE_WEIGHT > 0.0) };
    }
}
