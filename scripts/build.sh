#!/usr/bin/env bash
# Builds the release site into dist/: the threaded wasm module, its JS glue, and www/
# (Trunk), and, through Trunk's post_build hook, the single-thread module of the same
# source into dist/single-thread/,
# which the page loads when it cannot run threads (not cross-origin isolated, no wasm
# threads, or no nested workers). Then the native release binary, target/release/shop-recs,
# whose `serve` command serves dist/ and the API.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
scripts/setup.sh "$@"

step "Building the release site into dist/ (trunk build --release)"
# build-std rebuilds std with atomics for the wasm build only; .cargo/config.toml
# explains why it is not set there.
CARGO_UNSTABLE_BUILD_STD=panic_abort,std trunk build --release
ok "threaded module: dist/shop-recs_bg.wasm, $(stat -c %s dist/shop-recs_bg.wasm) bytes"

# Trunk's post_build hook (Trunk.toml) has built the single-thread module into
# dist/single-thread/ (scripts/build-single-thread.sh); check that it is there.
[ -f dist/single-thread/shop-recs_bg.wasm ] || die "dist/single-thread/ is missing: Trunk's post_build hook did not run"
ok "dist/: $(du -sh dist | cut -f1)"

step "Building the native binary (cargo build --release): the CLI and shop-recs serve"
cargo build --release --locked --bin shop-recs
ok "target/release/shop-recs"
