//! TEST HOOKS, not reachable from the page's controls: the end-to-end tests make the
//! instance fail on purpose with them (a panic on the worker's thread or on a pool thread,
//! running out of memory) and check that the page recovers. The worker only calls them
//! when the page enabled them in INIT (`?testhooks=1`, see `www/js/main.js`).

use wasm_bindgen::prelude::*;

/// TEST HOOK, not reachable from the page's controls: panics with `message` on the
/// calling thread (the worker's own), so the end-to-end tests can check that a panic's
/// message is shown and the worker comes back. The page only asks for it when opened
/// with `?testhooks=1` (see `www/js/main.js`).
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(message: &str) {
    panic!("{message}");
}

/// TEST HOOK, like [`debug_panic`] but on a thread of the rayon pool, as a panic inside
/// a parallel run would: the calling thread waits for the pool forever, so the message
/// reaches the page only through the panic channel. Only the threaded build has a pool.
#[cfg(feature = "threads")]
#[wasm_bindgen(js_name = debugPanicInPool)]
pub fn debug_panic_in_pool(message: &str) {
    let message = message.to_string();
    rayon::scope(|scope| scope.spawn(move |_| panic!("{message}")));
}

/// TEST HOOK: allocates (without touching) 256 MiB blocks until the allocator fails,
/// which aborts the instance as a real out-of-memory does: an `unreachable` trap with
/// no panic message. The shared memory can grow to its maximum without using RAM,
/// because the blocks are never written.
#[wasm_bindgen(js_name = debugExhaustMemory)]
pub fn debug_exhaust_memory() -> usize {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    loop {
        // black_box: the blocks are never read, and must not be optimized away.
        blocks.push(std::hint::black_box(Vec::with_capacity(256 << 20)));
        // Unreachable in practice: 4 GiB is at most 16 blocks.
        if blocks.len() > 64 {
            return blocks.len();
        }
    }
}
