//! Temporary folders for the tests that run the real binary (`tests/database.rs`,
//! `tests/postgres_tls.rs`), which include this file: a fresh folder under Cargo's
//! target tmpdir, and a stand-in for dist/ that `shop-recs serve` accepts.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder named after `what`, this process and a counter.
pub fn temp_dir(what: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A stand-in for dist/: the page's index.html (the server reads its CSP).
pub fn dist() -> PathBuf {
    let dir = temp_dir("dist");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html"),
        dir.join("index.html"),
    )
    .expect("copy index.html");
    dir
}
