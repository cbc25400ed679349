#!/usr/bin/env bash
# Builds the single-thread wasm module (the same source without atomics, which the page
# loads when it cannot run threads) into DEST, by default dist/single-thread
# (scripts/build.sh gives the site it is making).
#
#   scripts/build-single-thread.sh [--simd128 | --no-hooks] [DEST]
#
# --simd128 builds the benchmark's experiment instead (scripts/bench.sh): the same module
# with wasm's 128-bit SIMD enabled, in its own target folder. The page never loads it.
# --no-hooks builds the npm package's module (scripts/package.sh): without the test and
# benchmark hooks (feature `hooks`), which the demo site keeps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

target=target/single-thread
rustflags=''
features=hooks
site=site
case "${1:-}" in
  --simd128)
    target=target/bench-simd128
    rustflags='-C target-feature=+simd128'
    shift
    ;;
  --no-hooks)
    features=''
    site=site-no-hooks
    shift
    ;;
esac
dest=${1:-dist/single-thread}
started=$SECONDS
single=$target/wasm32-unknown-unknown/release/shop_recs.wasm
# - --no-default-features drops the `threads` feature: no wasm-bindgen-rayon, no
#   initThreadPool or poolThreads exports, and parallel runs are refused; `hooks` is
#   asked for again, except for the package (--no-hooks).
# - RUSTFLAGS, even empty, replaces .cargo/config.toml's wasm rustflags, so neither
#   atomics nor the shared-memory link arguments apply: an ordinary, non-shared memory,
#   which needs no cross-origin isolation.
# - No build-std (unset, in case the caller's environment sets it for the threaded
#   build): without atomics rustup's prebuilt std for wasm32 is the right one.
# - Its own target folder: different flags would otherwise make each build throw away
#   the other's artifacts, and every build would be a cold one.
# - --offline like the threaded build (scripts/build.sh); setup.sh fetched the crates.
env -u CARGO_UNSTABLE_BUILD_STD CARGO_TARGET_DIR="$target" RUSTFLAGS="$rustflags" \
  cargo build --release --lib --target wasm32-unknown-unknown --no-default-features \
  --features "$features" --locked --offline
# Made next to cargo's output and copied (scripts/lib.sh's wasm_site): scripts/build.sh
# makes the site afresh every time. The module's target-features section tells wasm-opt
# which features it may use, so none are passed.
out=$target/$site
wasm_site "$single" "$out"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -r "$out" "$dest"
ok "module without atomics${rustflags:+ ($rustflags)}: $dest/shop-recs_bg.wasm, $(stat -c %s "$dest/shop-recs_bg.wasm") bytes, built in $((SECONDS - started)) s"
