#![cfg(not(target_arch = "wasm32"))]
//! `www/js/limits.js` is generated from the core's constants, so the page and the core
//! cannot disagree: the JS reads its limits and weights from that file only. This test
//! writes the file's text from the Rust constants and fails when the committed file
//! differs; `UPDATE_JS_LIMITS=1 cargo test --test js_limits` rewrites it.

use shop_recs::catalog::{MAX_CATALOG_BYTES, MAX_PRODUCTS};
use shop_recs::generate::MAX_SKEW;
use shop_recs::rank::{DEFAULT_ITERATIONS, DEFAULT_TOP, MAX_ITERATIONS, MAX_TOP};
use shop_recs::similarity::{ATTRIBUTE_WEIGHT, TEXT_WEIGHT};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/js/limits.js");

fn generated() -> String {
    let constants: [(&str, &str, String); 9] = [
        (
            "MAX_ITERATIONS",
            "Most MinHash iterations a query may ask for (the least is 1).",
            MAX_ITERATIONS.to_string(),
        ),
        (
            "DEFAULT_ITERATIONS",
            "MinHash iterations when a query does not say.",
            DEFAULT_ITERATIONS.to_string(),
        ),
        (
            "MAX_TOP",
            "Most recommendations a query may ask for (the least is 1).",
            MAX_TOP.to_string(),
        ),
        (
            "DEFAULT_TOP",
            "Recommendations when a query does not say.",
            DEFAULT_TOP.to_string(),
        ),
        (
            "MAX_PRODUCTS",
            "Most products a catalog may hold.",
            MAX_PRODUCTS.to_string(),
        ),
        (
            "MAX_SKEW",
            "Most a generated catalog's skew may be: the percentage of long products.",
            MAX_SKEW.to_string(),
        ),
        (
            "MAX_CATALOG_BYTES",
            "Longest catalog, in bytes (1 GiB): larger ones are refused before they are read.",
            MAX_CATALOG_BYTES.to_string(),
        ),
        (
            "TEXT_WEIGHT",
            "Weight of the text (MinHash) signal in the combined score.",
            format!("{TEXT_WEIGHT:?}"),
        ),
        (
            "ATTRIBUTE_WEIGHT",
            "Weight of the attribute (Jaccard) signal in the combined score.",
            format!("{ATTRIBUTE_WEIGHT:?}"),
        ),
    ];
    let mut out = String::from(
        "// Generated from the Rust core's constants by tests/js_limits.rs; edit those, not this\n\
         // file (`UPDATE_JS_LIMITS=1 cargo test --test js_limits` writes it again, and the\n\
         // test fails while it is out of date).\n",
    );
    for (name, doc, value) in constants {
        out.push_str(&format!("\n/** {doc} */\nexport const {name} = {value};\n"));
    }
    out
}

#[test]
fn limits_js_is_generated_from_the_core() {
    let expected = generated();
    if std::env::var_os("UPDATE_JS_LIMITS").is_some() {
        std::fs::write(PATH, &expected).expect("write www/js/limits.js");
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed == expected,
        "www/js/limits.js is out of date with the core's constants; run \
         UPDATE_JS_LIMITS=1 cargo test --test js_limits"
    );
}
