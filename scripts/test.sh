#!/usr/bin/env bash
# Installs what is missing, then runs every test tier and exits non-zero if any fails:
#   1. cargo fmt --check and cargo clippy (native, and the wasm binding);
#   2. native tests: cargo test (unit, integration, property, doc tests; tests/server.rs
#      runs `shop-recs serve` on a real socket), and the plain-JS scoring's unit tests in
#      node (node --test tests/js/);
#   3. wasm tests in headless Chrome: wasm-pack test, including the rayon pool on workers;
#   4. the catalog parser fuzzed for 30 s (scripts/fuzz.sh --seconds 30, libFuzzer);
#   5. the release build (scripts/build.sh: trunk build --release, the single-thread
#      fallback module, and the native binary);
#   6. end-to-end tests: Playwright drives headless Chromium against dist/, served by
#      `shop-recs serve` with the isolation headers, and without them (fallback build,
#      service worker).
# Every tier runs even when an earlier one failed, so one run shows everything.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
scripts/setup.sh --browser || exit 1

# build-std for the wasm builds only (see .cargo/config.toml).
wasm_env=(env CARGO_UNSTABLE_BUILD_STD=panic_abort,std)
failed=()
passed=()
tier() {
  local name=$1
  shift
  step "$name"
  local started=$SECONDS
  if "$@"; then
    passed+=("$name ($((SECONDS - started)) s)")
  else
    failed+=("$name")
  fi
}

tier "format: cargo fmt --check" cargo fmt --check
tier "lints: cargo clippy (native)" cargo clippy --locked --all-targets -- -D warnings
tier "lints: cargo clippy (wasm binding)" "${wasm_env[@]}" \
  cargo clippy --locked --lib --target wasm32-unknown-unknown -- -D warnings
# The single-thread fallback build: same source, no atomics, no pool (scripts/build-single-thread.sh).
tier "lints: cargo clippy (single-thread wasm build)" env CARGO_TARGET_DIR=target/single-thread \
  RUSTFLAGS= cargo clippy --locked --lib --target wasm32-unknown-unknown --no-default-features \
  -- -D warnings
tier "native tests: cargo test" cargo test --locked
tier "JS unit tests: node --test tests/js/" node --test tests/js/
# Chrome and its flags come from webdriver.json; the runner's server sends COOP/COEP.
tier "wasm tests in headless Chrome: wasm-pack test" "${wasm_env[@]}" \
  CHROMEDRIVER=/usr/bin/chromedriver \
  wasm-pack test --headless --chrome --release -- --locked --test wasm_threads
tier "fuzz: the catalog parser for 30 s (scripts/fuzz.sh --seconds 30)" scripts/fuzz.sh --seconds 30
if tier "release build: scripts/build.sh" scripts/build.sh; then
  tier "end-to-end tests: Playwright in headless Chromium" \
    node --test --test-concurrency=1 tests/e2e/
else
  failed+=("end-to-end tests: not run, the release build failed")
fi

step "Summary"
for t in "${passed[@]}"; do echo "  passed: $t"; done
for t in "${failed[@]}"; do echo "  FAILED: $t"; done
[ ${#failed[@]} -eq 0 ]
