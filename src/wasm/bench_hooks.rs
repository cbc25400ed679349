//! BENCHMARK HOOKS, not used by the page: `bench/run.mjs` times the kernels and the
//! parallel ceiling with them in the page's worker.

use wasm_bindgen::prelude::*;

use super::{BindingError, Engine, performance_now, to_js};
use crate::rank::{self, Query};
use crate::similarity::{self, Kernel};

#[wasm_bindgen]
impl Engine {
    /// BENCHMARK HOOK, not used by the page: computes the MinHash signature of every
    /// product's description words under seeds `0..iterations`, with the kernel
    /// ([`similarity::signature`]) or, when `naive`, with the one-seed-at-a-time reference
    /// ([`similarity::signature_naive`]), and returns a digest of every component.
    /// `bench/run.mjs` times the two with `performance.now()` in the worker and checks
    /// that their digests agree.
    #[wasm_bindgen(js_name = signatureDigest)]
    pub fn signature_digest(&self, iterations: u32, naive: bool) -> u64 {
        let bases = similarity::seed_bases(iterations);
        let mut digest = 0u64;
        for index in 0..self.catalog.len() {
            let words = self.catalog.description_words(index);
            let signature = if naive {
                similarity::signature_naive(words, iterations)
            } else {
                similarity::signature(words, &bases)
            };
            for component in signature {
                digest = (digest ^ component).wrapping_mul(similarity::FNV_PRIME);
            }
        }
        digest
    }

    /// BENCHMARK HOOK, not used by the page: the machine's own ceiling for parallel
    /// scoring ([`rank::score_serial_on_every_thread`]): every pool thread scores the
    /// whole catalog at once. Returns each thread's time in ms (`performance.now()` on
    /// that thread), by pool index. Fails if the query is invalid or if any thread's
    /// scores differ.
    #[wasm_bindgen(js_name = everyThreadSerial)]
    pub fn every_thread_serial(&self, target: &str, iterations: u32) -> Result<Vec<f64>, JsError> {
        let query = Query {
            target: target.to_string(),
            iterations,
            top: 1,
        };
        let every = rank::score_serial_on_every_thread(
            &self.catalog,
            &query,
            Kernel::detect(),
            performance_now,
        )
        .map_err(to_js)?;
        if !every.scores_agree {
            return Err(to_js(BindingError::ThreadsDisagree));
        }
        Ok(every.times)
    }
}
