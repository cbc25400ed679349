#!/usr/bin/env bash
# Builds the release site into dist/: the threaded wasm module, its JS glue, and www/
# (Trunk), then the single-thread module of the same source into dist/single-thread/,
# which the page loads when it cannot run threads (not cross-origin isolated, no wasm
# threads, or no nested workers).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
scripts/setup.sh "$@"

step "Building the release site into dist/ (trunk build --release)"
# build-std rebuilds std with atomics for the wasm build only; .cargo/config.toml
# explains why it is not set there.
CARGO_UNSTABLE_BUILD_STD=panic_abort,std trunk build --release
ok "threaded module: dist/shop-recs_bg.wasm, $(stat -c %s dist/shop-recs_bg.wasm) bytes"

# After Trunk, which replaces dist/ as a whole.
step "Building the single-thread module into dist/single-thread/ (no atomics)"
started=$SECONDS
single=target/single-thread/wasm32-unknown-unknown/release/shop_recs.wasm
# - --no-default-features drops the `threads` feature: no wasm-bindgen-rayon, no
#   initThreadPool or poolThreads exports, and parallel runs are refused.
# - RUSTFLAGS, even empty, replaces .cargo/config.toml's wasm rustflags, so neither
#   atomics nor the shared-memory link arguments apply: an ordinary, non-shared memory,
#   which needs no cross-origin isolation.
# - No build-std: without atomics rustup's prebuilt std for wasm32 is the right one.
# - Its own target folder: different flags would otherwise make each build throw away
#   the other's artifacts, and every build would be a cold one.
# - --offline like Trunk's build (Trunk.toml); setup.sh fetched the crates.
CARGO_TARGET_DIR=target/single-thread RUSTFLAGS='' \
  cargo build --release --lib --target wasm32-unknown-unknown --no-default-features --locked --offline
# Made next to cargo's output and copied: Trunk empties dist/ on every build, and
# wasm-opt takes several seconds, so it only runs again when cargo's module changed.
out=target/single-thread/site
if [ ! -f "$out/shop-recs_bg.wasm" ] || [ "$single" -nt "$out/shop-recs_bg.wasm" ]; then
  # Made in a scratch folder and moved into place when complete, so that a failed step
  # never leaves a half-made module that looks up to date.
  rm -rf "$out" "$out.new"
  # The JS glue, as Trunk makes it for the threaded module: `web` target, fixed names,
  # so that js/worker.js can import ../single-thread/shop-recs.js.
  wasm-bindgen --target web --no-typescript --out-dir "$out.new" --out-name shop-recs "$single"
  # Size and speed, as Trunk's data-wasm-opt="3" does for the threaded module; npm's
  # binaryen (see Trunk.toml [tools] for why not Debian's). The module's target-features
  # section tells wasm-opt which features it may use, so none are passed.
  wasm-opt -O3 "$out.new/shop-recs_bg.wasm" -o "$out.new/shop-recs_bg.wasm"
  mv "$out.new" "$out"
fi
rm -rf dist/single-thread
cp -r "$out" dist/single-thread
ok "single-thread module: dist/single-thread/shop-recs_bg.wasm, $(stat -c %s dist/single-thread/shop-recs_bg.wasm) bytes, built in $((SECONDS - started)) s"
ok "dist/: $(du -sh dist | cut -f1)"
