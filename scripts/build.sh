#!/usr/bin/env bash
# Builds the release site into dist/: the threaded wasm module and its JS glue, the
# single-thread module of the same source in dist/single-thread/ (which the page loads
# when it cannot run threads: not cross-origin isolated, no wasm threads, or no nested
# workers), and the page's files from www/. Then the native release binary,
# target/release/shop-recs, whose `serve` command serves dist/ and the API.
#
# No site builder: cargo builds each module, wasm-bindgen writes its glue (`web`
# target, fixed names, so that js/worker.js imports ../shop-recs.js by name), wasm-opt
# (npm's binaryen 132: Debian's 108 produces a module that dies with
# `WebAssembly.Table.set(): Argument 1 is invalid`) optimises it, and www/ is copied.
# The site is made in dist.new/ and moved into place complete.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
scripts/setup.sh "$@"

step "Building the threaded wasm module (atomics, shared memory, the rayon pool)"
started=$SECONDS
# build-std rebuilds std with atomics for the wasm build only; .cargo/config.toml has
# the target's flags and explains why build-std is not set there. --offline: setup.sh
# fetched the crates.
CARGO_UNSTABLE_BUILD_STD=panic_abort,std \
  cargo build --release --lib --target wasm32-unknown-unknown --locked --offline
# Made next to cargo's output (scripts/lib.sh's wasm_site).
out=target/site-threaded
wasm_site target/wasm32-unknown-unknown/release/shop_recs.wasm "$out" \
  --enable-threads --enable-bulk-memory --enable-mutable-globals
ok "threaded module: $(stat -c %s "$out/shop-recs_bg.wasm") bytes, in $((SECONDS - started)) s"

step "Building the single-thread module (no atomics) into the site"
rm -rf dist.new
mkdir -p dist.new
cp -r "$out/." dist.new/
scripts/build-single-thread.sh dist.new/single-thread

step "Copying the page (www/) into the site"
cp -r www/. dist.new/
rm -rf dist
mv dist.new dist
ok "dist/: $(du -sh dist | cut -f1)"

step "Building the native binary (cargo build --release): the CLI and shop-recs serve"
cargo build --release --locked --bin shop-recs
ok "target/release/shop-recs"
