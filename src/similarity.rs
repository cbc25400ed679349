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
//! either set is empty. The words are those of [`crate::tokens::WordBuffer`], distinct:
//! maximal runs of Unicode alphanumeric characters, split first and then lowercased.
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

mod combine;

pub use combine::{ATTRIBUTE_WEIGHT, TEXT_WEIGHT, attribute_similarity, combined_score};

/// 64-bit FNV-1a offset basis.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// 64-bit FNV-1a prime.
pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Seeds hashed side by side in one pass over a word's bytes by the portable kernel
/// ([`Kernel::PORTABLE`], the only one in wasm32).
///
/// Each lane is an independent FNV chain, so the CPU overlaps their multiplies instead of
/// waiting for one chain's latency per byte. Six is the most lanes whose state stays in
/// registers in [`text_similarity`] (more spill and get slower), and about one 64-bit
/// multiply per cycle, the ceiling for portable scalar code; the measurements that chose
/// it are in `docs/kernel.md`.
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
/// it sound. wasm32 has the portable form only: a `simd128` build was slower than the
/// scalar lanes, because x86-64 has no 64-bit lane multiply below AVX-512 and the browser
/// builds one from 32-bit multiplies (`docs/kernel.md`; `scripts/bench.sh` measures it
/// again every run).
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

#[cfg(target_arch = "x86_64")]
mod x86;

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
///     category: Some("beauty".into()),
///     ..Product::new("lipstick", "Red Lipstick", "A matte red lipstick.")
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
/// let product = |id: &str, description: &str| Product::new(id, id, description);
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

#[cfg(test)]
mod tests;
