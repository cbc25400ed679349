#!/usr/bin/env bash
# Builds the release site into dist/: the threaded wasm module, its JS glue, and www/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
scripts/setup.sh "$@"

step "Building the release site into dist/ (trunk build --release)"
# build-std rebuilds std with atomics for the wasm build only; .cargo/config.toml
# explains why it is not set there.
CARGO_UNSTABLE_BUILD_STD=panic_abort,std trunk build --release
ok "dist/: $(du -sh dist | cut -f1); wasm $(stat -c %s dist/shop-recs_bg.wasm) bytes"
