#![cfg(not(target_arch = "wasm32"))]
//! The hot path allocates nothing per candidate: scoring a catalog ten times larger makes
//! exactly as many allocations (the seed bases, the target's signature, and one vector
//! per result column, whatever the catalog's size). Counted with a counting global
//! allocator; this file holds one test, so nothing else allocates while it counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use shop_recs::generate::generate;
use shop_recs::rank::{score_serial, top_k};
use shop_recs::similarity::Kernel;
use shop_recs::{Catalog, Query};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to the system allocator unchanged; the counter is a
// relaxed atomic increment, which allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (see `alloc`).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `dealloc`; the caller's contract for `realloc` is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by one serial scoring run and its top-K selection.
fn allocations_of_one_run(catalog: &Catalog) -> usize {
    // Few iterations keep the debug build quick; the allocations do not depend on them.
    let query = Query {
        iterations: 32,
        ..Query::new(catalog.product(0).id)
    };
    // Warm up first: the kernel check and anything else done once per process.
    let _ = Kernel::detect();
    let _ = score_serial(catalog, &query).unwrap();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let scores = score_serial(catalog, &query).unwrap();
    let best = top_k(catalog, &scores, query.top);
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert_eq!(best.len(), query.top);
    after - before
}

#[test]
fn scoring_allocates_the_same_for_a_ten_times_larger_catalog() {
    let small = generate(200, 7).unwrap();
    let large = generate(2_000, 7).unwrap();
    let (a, b) = (
        allocations_of_one_run(&small),
        allocations_of_one_run(&large),
    );
    assert_eq!(a, b, "200 products: {a} allocations; 2,000 products: {b}");
    // The bases, the target signature, the text and attribute columns, the scores, the
    // top-K copy, and the recommendations with their strings: a few dozen at most.
    assert!(a < 64, "{a} allocations for one run");
}
