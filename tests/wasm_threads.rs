//! Browser tier: the rayon pool on real Web Workers, in headless Chrome.
//!
//! Run by `wasm-pack test --headless --chrome` (scripts/test.sh). The tests run in a
//! dedicated worker, because the pool cannot be started on the main thread without
//! freezing it; the test runner's server sends the COOP/COEP headers that
//! SharedArrayBuffer needs. Only the threaded build (feature `threads`) has a pool.
#![cfg(all(target_arch = "wasm32", feature = "threads"))]

use rayon::prelude::*;
use shop_recs::generate::generate;
use shop_recs::rank::{Query, recommend_parallel, recommend_serial};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Threads asked of the pool. Two, like the CI machine's cores; the test checks that the
/// pool really has this many rather than silently running on one.
const THREADS: usize = 2;

/// Starts the pool once per test binary; every caller awaits the same promise.
async fn pool() {
    thread_local! {
        static POOL: js_sys::Promise = wasm_bindgen_rayon::init_thread_pool(THREADS);
    }
    let promise = POOL.with(Clone::clone);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("the rayon pool must start in the test worker");
}

#[wasm_bindgen_test]
async fn pool_has_the_requested_threads_and_par_iter_matches_serial() {
    pool().await;
    assert_eq!(rayon::current_num_threads(), THREADS);

    let serial: Vec<u64> = (0..10_000u64)
        .map(|x| x.wrapping_mul(x) ^ (x >> 3))
        .collect();
    let parallel: Vec<u64> = (0..10_000u64)
        .into_par_iter()
        .map(|x| x.wrapping_mul(x) ^ (x >> 3))
        .collect();
    assert_eq!(serial, parallel);

    // The work really spread over more than one thread.
    let threads_used: std::collections::HashSet<usize> = (0..64)
        .into_par_iter()
        .map(|i| {
            // Enough work per item that one thread cannot drain the queue alone.
            let mut h = i as u64;
            for _ in 0..200_000 {
                h = h.wrapping_mul(0x100000001b3) ^ 0x2d;
            }
            std::hint::black_box(h);
            rayon::current_thread_index().unwrap_or(usize::MAX)
        })
        .collect();
    assert!(
        threads_used.len() > 1,
        "only threads {threads_used:?} did work"
    );
}

#[wasm_bindgen_test]
async fn recommend_parallel_equals_serial_on_the_pool() {
    pool().await;
    let catalog = generate(300, 7).expect("generated catalog");
    let target = catalog.product(11).id.clone();
    let query = Query {
        iterations: 300,
        top: 25,
        ..Query::new(target)
    };
    let serial = recommend_serial(&catalog, &query).expect("serial run");
    let parallel = recommend_parallel(&catalog, &query).expect("parallel run");
    assert_eq!(serial.len(), 25);
    assert_eq!(serial, parallel);
}
