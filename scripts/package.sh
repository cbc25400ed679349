#!/usr/bin/env bash
# Builds the `shop-recs` npm package: the release site first (scripts/build.sh, skipped
# when dist/ is newer than every source), then package/dist/ (scripts/package.mjs) with
# the package's own wasm modules (built without the site's test and benchmark hooks, the
# cargo feature `hooks`), then the tarball, package/shop-recs-<version>.tgz (npm pack).
# The examples install it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

if [ ! -f dist/shop-recs_bg.wasm ] || [ -n "$(find src www Cargo.toml Cargo.lock -newer dist/shop-recs_bg.wasm -print -quit)" ]; then
  scripts/build.sh "$@"
fi
step "Packaging shop-recs into package/dist/ (scripts/package.mjs)"
node scripts/package.mjs
# The package's own modules: the same source without the demo site's test and benchmark
# hooks (feature `hooks`), in place of the site's.
step "Building the package's wasm modules without the test and benchmark hooks"
CARGO_UNSTABLE_BUILD_STD=panic_abort,std cargo build --release --lib --target wasm32-unknown-unknown \
  --no-default-features --features threads --locked --offline
wasm_site target/wasm32-unknown-unknown/release/shop_recs.wasm target/package-threaded \
  --enable-threads --enable-bulk-memory --enable-mutable-globals
cp target/package-threaded/shop-recs.js target/package-threaded/shop-recs_bg.wasm package/dist/
scripts/build-single-thread.sh --no-hooks package/dist/single-thread
ok "package/dist/: both modules without hooks"
step "npm pack (package/)"
(cd package && rm -f shop-recs-*.tgz && npm pack --silent)
ok "package/$(cd package && ls shop-recs-*.tgz)"
