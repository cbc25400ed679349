//! Browser tier: the rayon pool on real Web Workers, in headless Chrome and Firefox.
//!
//! Run by `cargo test --target wasm32-unknown-unknown` with wasm-bindgen-test-runner as
//! cargo's runner, headless in Chrome and in Firefox (scripts/test.sh). The
//! tests run in a dedicated worker, because the pool cannot be started on the main thread
//! without freezing it; the test runner's server sends the COOP/COEP headers that
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

    // Every pool thread really runs work: broadcast runs one job on each of them, which
    // reports the thread's index. Deterministic, unlike counting which threads happened to
    // take items of a par_iter (on a busy machine one thread may drain them all).
    let mut indices = rayon::broadcast(|ctx| {
        assert_eq!(rayon::current_thread_index(), Some(ctx.index()));
        ctx.index()
    });
    indices.sort_unstable();
    assert_eq!(
        indices,
        (0..THREADS).collect::<Vec<_>>(),
        "each pool thread ran a job"
    );
}

#[wasm_bindgen_test]
async fn recommend_parallel_equals_serial_on_the_pool() {
    pool().await;
    let catalog = generate(300, 7).expect("generated catalog");
    let target = catalog.product(11).id.to_string();
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

/// The pool at work through the binding the page calls: on the pool's threads, every
/// candidate once per branch, times on one clock inside the run, and the serial ranking.
/// Which threads take part is the scheduler's choice: a pool thread asleep when the run
/// starts may wake too late to steal. So each attempt must hold everything else, and at
/// least one of five (each some 30 ms of text work) must show more than one thread on
/// the text branch; a pool that never shares it fails.
#[wasm_bindgen_test]
async fn the_timeline_records_every_candidate_on_the_pool() {
    use js_sys::{Float64Array, Int32Array, Object, Reflect};
    use shop_recs::wasm::Engine;
    use wasm_bindgen::{JsCast, JsValue};

    pool().await;
    let field = |object: &JsValue, key: &str| {
        Reflect::get(object, &JsValue::from_str(key)).expect("a field")
    };
    let engine = Engine::generate(2000, 5, None, None).expect("generated");
    let target = engine.id_at(3).expect("a product");
    let mut shared = false;
    let mut timeline = JsValue::UNDEFINED;
    for _attempt in 0..5 {
        let run: Object = engine.timeline(&target, 300, 10).expect("a timeline");
        timeline = JsValue::from(run);
        assert_eq!(field(&timeline, "threads").as_f64(), Some(THREADS as f64));
        let wall = field(&timeline, "wallMs").as_f64().expect("wallMs");
        let mut text_threads = std::collections::HashSet::new();
        for branch in ["text", "attribute"] {
            let spans = field(&timeline, branch);
            let thread: Int32Array = field(&spans, "thread").dyn_into().expect("Int32Array");
            let start: Float64Array = field(&spans, "start").dyn_into().expect("Float64Array");
            let end: Float64Array = field(&spans, "end").dyn_into().expect("Float64Array");
            assert_eq!(thread.length(), 1999, "{branch}: one span per candidate");
            for k in 0..thread.length() {
                let t = thread.get_index(k);
                assert!((0..THREADS as i32).contains(&t), "{branch}: thread {t}");
                let (s, e) = (start.get_index(k), end.get_index(k));
                assert!(
                    0.0 <= s && s <= e && e <= wall,
                    "{branch}: [{s}, {e}] in {wall}"
                );
                if branch == "text" {
                    text_threads.insert(t);
                }
            }
        }
        if text_threads.len() > 1 {
            shared = true;
            break;
        }
    }
    assert!(
        shared,
        "in one of five runs, more than one thread scored text"
    );
    let serial = engine.recommend(&target, 300, 10, false).expect("serial");
    let ids = |value: &JsValue| -> Vec<String> {
        js_sys::Array::from(&field(value, "items"))
            .iter()
            .map(|item| field(&item, "id").as_string().expect("an id"))
            .collect()
    };
    assert_eq!(ids(&timeline), ids(&serial), "the serial ranking");
}

/// Loading on the pool: a generated catalog made in pieces on the pool's threads and
/// merged is the serial generator's, table for table, in wasm as natively.
#[wasm_bindgen_test]
async fn the_catalog_generated_on_the_pool_is_the_serial_one() {
    use shop_recs::generate::{Skew, generate_on_pool, generate_skewed};
    pool().await;
    assert_eq!(rayon::current_num_threads(), THREADS);
    for (n, skew) in [(20_000, 0), (12_345, 5)] {
        let skew = Skew::new(skew).expect("a skew");
        let mut reports = Vec::new();
        let parallel = generate_on_pool(n, 11, skew, &mut |k| reports.push(k)).expect("a catalog");
        let serial = generate_skewed(n, 11, skew).expect("a catalog");
        assert!(parallel == serial, "{n} products, skew {skew:?}");
        assert_eq!(parallel.to_tables(), serial.to_tables());
        assert_eq!(reports.last(), Some(&n));
    }
}

/// Loading a file on the pool: a catalog text read a chunk at a time, its products parsed
/// and built in pieces on the pool's threads and merged, is the serial parse's catalog,
/// table for table, in wasm as natively.
#[wasm_bindgen_test]
async fn a_catalog_text_parsed_on_the_pool_is_the_serial_parse() {
    use shop_recs::catalog::{
        MAX_CATALOG_BYTES, parse_catalog_reader, parse_catalog_reader_on_pool,
    };
    use shop_recs::generate::{Skew, products};
    pool().await;
    let all: Vec<_> = products(12_000, 3, Skew::new(5).expect("a skew"))
        .expect("products")
        .collect();
    let text = serde_json::to_vec(&serde_json::json!({ "products": all })).expect("JSON text");
    assert!(text.len() > 4 << 20, "several pieces: {} bytes", text.len());
    let (pooled, threads) =
        parse_catalog_reader_on_pool(|| Ok(&text[..]), MAX_CATALOG_BYTES, Some(text.len() as u64))
            .expect("a catalog");
    let serial = parse_catalog_reader(&text[..], MAX_CATALOG_BYTES).expect("a catalog");
    assert_eq!(threads, THREADS, "built on every thread of the pool");
    assert!(pooled == serial);
    assert_eq!(pooled.to_tables(), serial.to_tables());
}
