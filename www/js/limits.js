// Generated from the Rust core's constants by tests/js_limits.rs; edit those, not this
// file (`UPDATE_JS_LIMITS=1 cargo test --test js_limits` writes it again, and the
// test fails while it is out of date).

/** Most MinHash iterations a query may ask for (the least is 1). */
export const MAX_ITERATIONS = 100000;

/** MinHash iterations when a query does not say. */
export const DEFAULT_ITERATIONS = 1500;

/** Most recommendations a query may ask for (the least is 1). */
export const MAX_TOP = 1000;

/** Recommendations when a query does not say. */
export const DEFAULT_TOP = 10;

/** Most products a catalog may hold. */
export const MAX_PRODUCTS = 1000000;

/** Most a generated catalog's skew may be: the percentage of long products. */
export const MAX_SKEW = 25;

/** Longest catalog, in bytes (1 GiB): larger ones are refused before they are read. */
export const MAX_CATALOG_BYTES = 1073741824;

/** Weight of the text (MinHash) signal in the combined score. */
export const TEXT_WEIGHT = 0.1;

/** Weight of the attribute (Jaccard) signal in the combined score. */
export const ATTRIBUTE_WEIGHT = 0.9;
