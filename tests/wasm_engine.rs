//! Browser tier: the Engine API itself, the binding the page's worker calls
//! (`src/wasm/mod.rs`), in both builds: the threaded one (wasm-bindgen-test-runner, as
//! `wasm_threads.rs`) and the single-thread one (`--no-default-features`, no atomics).
//! The end-to-end tests reach it only through the page; these check its messages, its
//! refusals and the token data's layout directly.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect, Uint32Array};
use shop_recs::similarity::{ATTRIBUTE_WEIGHT, TEXT_WEIGHT};
use shop_recs::wasm::Engine;
use wasm_bindgen::{JsCast, JsError, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// The message of the JS `Error` a binding call failed with.
fn message(error: JsError) -> String {
    let value: JsValue = error.into();
    value
        .dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|v| format!("not an Error: {v:?}"))
}

fn field(object: &Object, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).expect("a field")
}

#[wasm_bindgen_test]
fn catalog_errors_carry_their_location() {
    let Err(error) = Engine::from_bytes(b"{\n  \"products\": [\n    {,") else {
        panic!("invalid JSON must be refused");
    };
    let text = message(error);
    assert!(text.contains("line 3"), "{text}");
    let Err(error) = Engine::from_bytes(br#"{"products": [{"slug": "a", "description": 7}]}"#)
    else {
        panic!("a number description must be refused");
    };
    // The product named from 1, with its identifier, and the field.
    assert_eq!(
        message(error),
        r#"product 1 (id "a"): "description" must be a string, found a number"#
    );
    let Err(error) = Engine::from_bytes(&[0x7b, 0xff, 0xfe]) else {
        panic!("bytes that are not UTF-8 must be refused");
    };
    assert!(!message(error).is_empty());
}

#[wasm_bindgen_test]
fn the_token_data_has_the_layout_the_js_scorer_reads() {
    let engine = Engine::generate(40, 3, None, None).expect("generated");
    assert_eq!(engine.count(), 40);
    let data = engine.token_data().expect("token data");
    assert_eq!(field(&data, "count").as_f64(), Some(40.0));
    for key in ["byteStarts", "endStarts", "attrStarts"] {
        let starts: Uint32Array = field(&data, key).dyn_into().expect("a Uint32Array");
        assert_eq!(starts.length(), 41, "{key}: count + 1 entries");
    }
    let bytes: js_sys::Uint8Array = field(&data, "bytes").dyn_into().expect("a Uint8Array");
    let byte_starts: Uint32Array = field(&data, "byteStarts").dyn_into().expect("array");
    assert_eq!(
        byte_starts.get_index(40),
        bytes.length(),
        "the last start is the end"
    );
    let id_order: Uint32Array = field(&data, "idOrder").dyn_into().expect("array");
    let mut ranks = id_order.to_vec();
    ranks.sort_unstable();
    assert_eq!(
        ranks,
        (0..40).collect::<Vec<u32>>(),
        "a permutation of the products"
    );
    assert_eq!(field(&data, "textWeight").as_f64(), Some(TEXT_WEIGHT));
    assert_eq!(
        field(&data, "attributeWeight").as_f64(),
        Some(ATTRIBUTE_WEIGHT)
    );
}

#[wasm_bindgen_test]
fn a_serial_run_ranks_and_a_bad_query_is_refused_with_the_core_message() {
    let engine = Engine::generate(50, 4, None, None).expect("generated");
    let target = engine.id_at(0).expect("a product");
    assert_eq!(engine.index_of(&target), Some(0));
    let out: Object = engine
        .recommend(&target, 50, 5, false)
        .expect("a serial run")
        .dyn_into()
        .expect("an object");
    let items: js_sys::Array = field(&out, "items").dyn_into().expect("an array");
    assert_eq!(items.length(), 5);
    assert_eq!(field(&out, "candidates").as_f64(), Some(49.0));
    let Err(error) = engine.recommend("no-such-product", 50, 5, false) else {
        panic!("an unknown target must be refused");
    };
    assert!(message(error).contains("unknown product"));
    let Err(error) = engine.recommend(&target, 0, 5, false) else {
        panic!("0 iterations must be refused");
    };
    assert!(message(error).contains("iterations must be between 1 and 100000"));
}

/// The Workers mode's call: each share's candidates add up to the catalog's, and the best
/// of the shares' top Ks is the serial run's best; a bad share or skew is refused.
#[wasm_bindgen_test]
fn shares_cover_the_candidates_and_bad_shares_and_skews_are_refused() {
    let engine = Engine::generate(60, 4, Some(10), None).expect("a skewed catalog");
    let target = engine.id_at(7).expect("a product");
    let serial: Object = engine
        .recommend(&target, 40, 3, false)
        .expect("a serial run")
        .dyn_into()
        .expect("an object");
    let best = |out: &Object| -> f64 {
        let items: js_sys::Array = field(out, "items").dyn_into().expect("an array");
        let first: Object = items.get(0).dyn_into().expect("an item");
        field(&first, "score").as_f64().expect("a score")
    };
    for split in ["interleaved", "blocks", "balanced"] {
        let mut candidates = 0.0;
        let mut top = f64::MIN;
        for worker in 0..3 {
            let out: Object = engine
                .recommend_share(&target, 40, 3, worker, 3, split)
                .expect("a share")
                .dyn_into()
                .expect("an object");
            candidates += field(&out, "candidates").as_f64().expect("a count");
            top = top.max(best(&out));
        }
        assert_eq!(candidates, 59.0, "{split}: every candidate once");
        assert_eq!(top, best(&serial), "{split}: the serial best");
    }
    let Err(error) = engine.recommend_share(&target, 40, 3, 3, 3, "interleaved") else {
        panic!("worker 3 of 3 must be refused");
    };
    assert!(message(error).contains("worker 3 does not exist"));
    let Err(error) = engine.recommend_share(&target, 40, 3, 0, 3, "diagonal") else {
        panic!("an unknown split must be refused");
    };
    assert!(message(error).contains("unknown split \"diagonal\""));
    let Err(error) = Engine::generate(10, 1, Some(26), None) else {
        panic!("a skew over 25 must be refused");
    };
    assert!(message(error).contains("skew must be"));
}

/// The single-thread build has no pool: a parallel run would be a serial one under
/// another name, so the binding refuses it.
#[cfg(not(feature = "threads"))]
#[wasm_bindgen_test]
fn the_single_thread_build_refuses_a_parallel_run() {
    let engine = Engine::generate(20, 1, None, None).expect("generated");
    let target = engine.id_at(0).expect("a product");
    let Err(error) = engine.recommend(&target, 10, 3, true) else {
        panic!("a parallel run must be refused without a pool");
    };
    assert!(message(error).contains("parallel runs need the threaded wasm build"));
}

/// Nor is there a pool to show at work.
#[cfg(not(feature = "threads"))]
#[wasm_bindgen_test]
fn the_single_thread_build_refuses_a_timeline() {
    let engine = Engine::generate(20, 1, None, None).expect("generated");
    let target = engine.id_at(0).expect("a product");
    let Err(error) = engine.timeline(&target, 10, 3) else {
        panic!("a timeline must be refused without a pool");
    };
    assert!(message(error).contains("parallel runs need the threaded wasm build"));
}

/// `read(max)` over `bytes`, at most `step` bytes a call, as the page's worker hands a
/// file over (a chunk at a time).
fn reader(
    bytes: Vec<u8>,
    step: usize,
) -> wasm_bindgen::closure::Closure<dyn FnMut(f64) -> js_sys::Uint8Array> {
    let mut at = 0;
    wasm_bindgen::closure::Closure::new(move |max: f64| {
        let end = (at + step.min(max as usize)).min(bytes.len());
        let chunk = js_sys::Uint8Array::from(&bytes[at..end]);
        at = end;
        chunk
    })
}

/// `reopen()` over `bytes`: each call another `read` from the start ([`reader`]).
fn reopener(bytes: Vec<u8>, step: usize) -> wasm_bindgen::closure::Closure<dyn FnMut() -> JsValue> {
    wasm_bindgen::closure::Closure::new(move || reader(bytes.clone(), step).into_js_value())
}

/// A catalog read a few bytes at a time is the catalog of the whole bytes, errors
/// included; the products and the search answer from the catalog's own strings; the
/// tables' memory is reported part by part; progress is reported while generating.
#[wasm_bindgen_test]
fn a_catalog_read_in_chunks_is_the_catalog_of_its_bytes() {
    let text = r#"{"products": [{"slug": "café-1", "name": "Crème", "description": "Brûlée rouge", "category": "food"},
                   {"slug": "b", "description": "rouge"}]}"#;
    let read = reader(text.as_bytes().to_vec(), 3);
    let streamed = Engine::from_reader(
        read.as_ref().unchecked_ref::<js_sys::Function>().clone(),
        None,
        None,
    )
    .expect("a valid catalog");
    let whole = Engine::from_bytes(text.as_bytes()).expect("a valid catalog");
    assert_eq!(streamed.count(), 2);
    // Read in pieces (it can be reopened): the same products.
    let (read, again) = (
        reader(text.as_bytes().to_vec(), 3),
        reopener(text.as_bytes().to_vec(), 4),
    );
    let pieces = Engine::from_reader(
        read.as_ref().unchecked_ref::<js_sys::Function>().clone(),
        Some(again.as_ref().unchecked_ref::<js_sys::Function>().clone()),
        Some(text.len() as f64),
    )
    .expect("a valid catalog");
    assert_eq!(pieces.count(), 2);
    for index in 0..2 {
        assert_eq!(
            js_sys::JSON::stringify(&pieces.product(index).expect("a product")).ok(),
            js_sys::JSON::stringify(&whole.product(index).expect("a product")).ok()
        );
    }
    for index in 0..2 {
        let (a, b) = (
            streamed.product(index).expect("a product"),
            whole.product(index).expect("a product"),
        );
        assert_eq!(
            js_sys::JSON::stringify(&a).ok(),
            js_sys::JSON::stringify(&b).ok()
        );
    }
    let first: Object = streamed
        .product(0)
        .expect("a product")
        .dyn_into()
        .expect("an object");
    assert_eq!(field(&first, "id").as_string().as_deref(), Some("café-1"));
    assert_eq!(
        field(&first, "category").as_string().as_deref(),
        Some("food")
    );
    assert!(
        field(
            &streamed
                .product(1)
                .expect("a product")
                .dyn_into()
                .expect("an object"),
            "category"
        )
        .is_null()
    );
    assert!(streamed.product(2).expect("past the end").is_undefined());
    let found: Object = streamed
        .search("crème", 5)
        .expect("a search")
        .dyn_into()
        .expect("an object");
    assert_eq!(field(&found, "total").as_f64(), Some(1.0));
    let memory: Object = streamed
        .memory()
        .expect("memory")
        .dyn_into()
        .expect("an object");
    assert!(field(&memory, "total").as_f64().unwrap_or(0.0) > 0.0);

    // A stream alone reports its first problem; read again, every product's.
    let bad_text = br#"[{"slug": "a", "description": 7}, {"slug": "b", "name": "B"}]"#;
    let bad = reader(bad_text.to_vec(), 2);
    let Err(error) = Engine::from_reader(
        bad.as_ref().unchecked_ref::<js_sys::Function>().clone(),
        None,
        None,
    ) else {
        panic!("a bad catalog must be refused");
    };
    assert_eq!(
        message(error),
        "[0].description: expected a string, found a number"
    );
    let bad = reader(bad_text.to_vec(), 2);
    let again = reopener(bad_text.to_vec(), 5);
    let Err(error) = Engine::from_reader(
        bad.as_ref().unchecked_ref::<js_sys::Function>().clone(),
        Some(again.as_ref().unchecked_ref::<js_sys::Function>().clone()),
        None,
    ) else {
        panic!("a bad catalog must be refused");
    };
    let Err(whole) = Engine::from_bytes(bad_text) else {
        panic!("a bad catalog must be refused");
    };
    let every = message(error);
    assert_eq!(every, message(whole));
    assert_eq!(
        every,
        "2 problems in the catalog's products: product 1 (id \"a\"): \"description\" must be a \
         string, found a number; product 2 (id \"b\", \"B\") has no \"description\" (a string is required)"
    );

    let reports = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = std::rc::Rc::clone(&reports);
    let progress = wasm_bindgen::closure::Closure::<dyn FnMut(f64)>::new(move |done: f64| {
        seen.borrow_mut().push(done)
    });
    Engine::generate(
        120_000,
        1,
        None,
        Some(
            progress
                .as_ref()
                .unchecked_ref::<js_sys::Function>()
                .clone(),
        ),
    )
    .expect("generated");
    assert_eq!(*reports.borrow(), [50_000.0, 100_000.0, 120_000.0]);
}

/// The built tables, sent to another instance (the Workers mode's workers), make the same
/// catalog: the same products, the same rankings; tables that are not a catalog's are
/// refused with what is wrong.
#[wasm_bindgen_test]
fn a_catalog_sent_as_its_tables_is_the_same_catalog() {
    let engine = Engine::generate(300, 9, Some(5), None).expect("a skewed catalog");
    let tables = engine.tables().expect("tables");
    let copy = Engine::from_tables(&tables).expect("its own tables");
    assert_eq!(copy.count(), 300);
    let target = engine.id_at(11).expect("a product");
    for parallel in [false, true] {
        let (a, b) = (
            engine.recommend(&target, 64, 10, parallel),
            copy.recommend(&target, 64, 10, parallel),
        );
        // The single-thread build refuses parallel runs: both alike.
        let (Ok(a), Ok(b)) = (a, b) else { continue };
        let items = |out: JsValue| {
            js_sys::JSON::stringify(&field(&out.dyn_into().expect("an object"), "items"))
                .ok()
                .and_then(|s| s.as_string())
        };
        assert_eq!(items(a), items(b), "parallel {parallel}");
    }
    // A rank order that no longer sorts the identifiers.
    let ranks: Uint32Array = field(&tables, "idRank").dyn_into().expect("idRank");
    let (first, second) = (ranks.get_index(0), ranks.get_index(1));
    ranks.set_index(0, second);
    ranks.set_index(1, first);
    let Err(error) = Engine::from_tables(&tables) else {
        panic!("tables that do not sort their identifiers must be refused");
    };
    assert!(message(error).contains("does not sort the identifiers"));
    let Err(error) = Engine::from_tables(&Object::new()) else {
        panic!("an empty object is no catalog");
    };
    let said = message(error);
    assert!(
        said.starts_with("the tables have no "),
        "names a missing table: {said}"
    );
}
