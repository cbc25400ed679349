//! The x86-64 forms of the kernel: the portable code, compiled with wider instruction
//! sets enabled, and the run-time checks that make calling them sound.

use super::{TokenSet, agreements_lanes, signature_lanes};

/// Four 256-bit registers of hashes: the most lanes that stay in registers (the
/// measurements are in `docs/kernel.md`).
pub(super) const AVX2_LANES: usize = 16;
/// Four 512-bit registers of hashes: the most lanes that stay in registers; with three
/// registers (24 lanes) the compiler left `text_similarity`'s loop scalar
/// (`docs/kernel.md`).
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
