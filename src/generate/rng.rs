//! The generator's pseudo-random numbers: SplitMix64, small, fast and the same on every
//! platform, so a seed gives the same catalog natively and in wasm.

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// 2014), the generator Java's `SplittableRandom` uses: 64 bits of state, integer
/// arithmetic only, so its output is the same on every platform.
pub(super) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// An independent stream for item `index` of the catalog seeded with `seed`.
    pub(super) fn for_item(seed: u64, index: u64) -> SplitMix64 {
        let mixed = Self::mix(seed ^ Self::mix(index.wrapping_add(Self::GAMMA)));
        SplitMix64 { state: mixed }
    }

    pub(super) fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GAMMA);
        Self::mix(self.state)
    }

    /// A number in `0..n` (`n > 0`), by Lemire's multiply-shift: no division, and a bias
    /// of at most `n / 2^64`, far too small to matter here.
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Two different numbers in `0..n` (`n >= 2`).
    pub(super) fn two_distinct(&mut self, n: usize) -> (usize, usize) {
        let first = self.below(n);
        let second = (first + 1 + self.below(n - 1)) % n;
        (first, second)
    }

    /// Fills `slots[..n]` with a random permutation of `0..n` (Fisher–Yates) and returns it.
    pub(super) fn shuffled<'s>(&mut self, slots: &'s mut [u8], n: usize) -> &'s [u8] {
        let slots = &mut slots[..n];
        for (k, slot) in slots.iter_mut().enumerate() {
            *slot = k as u8;
        }
        for k in (1..n).rev() {
            slots.swap(k, self.below(k + 1));
        }
        slots
    }
}
