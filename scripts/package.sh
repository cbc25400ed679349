#!/usr/bin/env bash
# Builds the `shop-recs` npm package: the release site first (scripts/build.sh, skipped
# when dist/ is newer than every source), then package/dist/ (scripts/package.mjs), then
# the tarball, package/shop-recs-<version>.tgz (npm pack). The examples install it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

if [ ! -f dist/shop-recs_bg.wasm ] || [ -n "$(find src www Cargo.toml Cargo.lock -newer dist/shop-recs_bg.wasm -print -quit)" ]; then
  scripts/build.sh "$@"
fi
step "Packaging shop-recs into package/dist/ (scripts/package.mjs)"
node scripts/package.mjs
step "npm pack (package/)"
(cd package && rm -f shop-recs-*.tgz && npm pack --silent)
ok "package/$(cd package && ls shop-recs-*.tgz)"
