#!/usr/bin/env bash
# Installs what is missing, then runs every test tier and exits non-zero if any fails:
#   1. cargo fmt --check and cargo clippy (native, and the wasm binding);
#   2. native tests: cargo test (unit, integration, property, doc tests; tests/server.rs
#      runs `shop-recs serve` on a real socket; tests/database.rs on SQLite), the shop's
#      database tests' Postgres variants on a throwaway Postgres (scripts/postgres.sh:
#      initdb and pg_ctl in a temporary directory, stopped at the end), two replicas behind
#      HAProxy on such a Postgres (tests/replicas.rs), and the plain-JS
#      scoring's unit tests in node (node --test tests/js/);
#   3. wasm tests in headless Chrome and in headless Firefox ESR (wasm-bindgen-test-runner), the
#      rayon pool on workers and the Engine API, and the single-thread build's Engine;
#   4. the catalog parser fuzzed for 30 s (scripts/fuzz.sh --seconds 30, libFuzzer);
#   5. the release build (scripts/build.sh: the threaded module, the single-thread
#      fallback module, and the native binary), then the server's contract: Schemathesis
#      against a running `shop-recs serve` and its /openapi.json (scripts/contract.sh),
#      and a million products through the CLI (scripts/million.sh: a 400 MB file from
#      `generate` ranks as `bench --generate 1000000`);
#   6. the npm package (scripts/package.sh: package/dist/ from dist/, its own wasm modules
#      built without the site's test and benchmark hooks, then npm pack), and
#      end-to-end tests against dist/, served by `shop-recs serve` with the isolation
#      headers and without them (fallback build, service worker), once per engine, each
#      its own tier with its own summary (tests/e2e/engines.mjs): Chromium (Playwright),
#      Firefox ESR (geckodriver), WebKitGTK as shipped (no SharedArrayBuffer: the
#      single-thread build) and WebKitGTK with SharedArrayBuffer (the threaded build).
#      A test an engine cannot run is reported as skipped, with the reason in its name.
#      tests/e2e/package.test.mjs installs the package's tarball into examples/embed/.
#      (The package's types are checked with the JS unit tests: tests/js/types.test.mjs.)
#      Last, a million products in Chromium (tests/e2e-million/): Compare completes with
#      identical rankings on a static host and under `shop-recs serve` (Server skipped with
#      its reason), within the issue's 640 MiB of wasm memory, and Cancel stops the load.
# Every tier runs even when an earlier one failed, so one run shows everything.
#
#   scripts/test.sh          the default tiers above: no test asserts a timing
#   scripts/test.sh --perf   the perf tier instead: the build, then only the tests that
#                            assert timing thresholds (parallel faster than serial, Cancel
#                            within 200 ms, no main-thread task of 50 ms), in each engine
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

perf=0
for arg in "$@"; do
  case "$arg" in
    --perf) perf=1 ;;
    *) die "unknown option $arg (usage: scripts/test.sh [--perf])" ;;
  esac
done
scripts/setup.sh --test-tools --browser --contract --postgres || exit 1

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

# The end-to-end tests in one engine: E2E_ENGINE picks it (tests/e2e/engines.mjs).
e2e() {
  E2E_ENGINE=$1 E2E_PERF=$perf node --test --test-concurrency=1 tests/e2e/
}
e2e_tiers() {
  # The npm package from the release build (its examples' end-to-end tests install it).
  tier "the npm package: scripts/package.sh (package/dist/ and npm pack)" scripts/package.sh
  tier "end-to-end tests in Chromium (Playwright)" e2e chromium
  tier "end-to-end tests in Firefox ESR (geckodriver)" e2e firefox
  tier "end-to-end tests in WebKitGTK as shipped, no SharedArrayBuffer (WebKitWebDriver, Xvfb)" e2e webkit
  tier "end-to-end tests in WebKitGTK with SharedArrayBuffer (JSC_useSharedArrayBuffer=1)" e2e webkit-sab
}

if [ "$perf" = 1 ]; then
  if tier "release build: scripts/build.sh" scripts/build.sh; then
    e2e_tiers
  else
    failed+=("perf tier: not run, the release build failed")
  fi
else
  tier "format: cargo fmt --check" cargo fmt --check
  tier "lints: cargo clippy (native)" cargo clippy --locked --all-targets -- -D warnings
  tier "lints: cargo clippy (wasm binding)" "${wasm_env[@]}" \
    cargo clippy --locked --lib --target wasm32-unknown-unknown -- -D warnings
  # The single-thread fallback build: same source, no atomics, no pool (scripts/build-single-thread.sh).
  tier "lints: cargo clippy (single-thread wasm build)" env CARGO_TARGET_DIR=target/single-thread \
    RUSTFLAGS= cargo clippy --locked --lib --target wasm32-unknown-unknown --no-default-features \
    -- -D warnings
  tier "native tests: cargo test" cargo test --locked
  # The database tests' Postgres variants (the SQLite ones ran above) and TLS to Postgres:
  # the tests ignored without a Postgres, but not the real catalog's count, ignored where
  # the file is absent.
  tier "the shop's database on Postgres, TLS only (scripts/postgres.sh: a throwaway cluster)" \
    scripts/postgres.sh cargo test --locked --test database --test postgres_tls -- --ignored \
    --skip the_real_catalog_is_there
  # Two replicas of `serve --database` (Postgres over TLS) behind HAProxy
  # (deploy/haproxy.cfg): a write seen through the other, a rolling restart under load
  # with no failed request, kill -9 failing only what was in flight.
  tier "replicas behind HAProxy: writes, a rolling restart and kill -9 under load (scripts/postgres.sh)" \
    scripts/postgres.sh cargo test --locked --test replicas -- --ignored
  tier "JS unit tests: node --test tests/js/" node --test tests/js/
  # The wasm tests run under wasm-bindgen-test-runner (installed with wasm-bindgen's CLI,
  # at Cargo.lock's version) as cargo's runner for wasm32: headless, in the browser whose
  # WebDriver server the environment names. Chrome and Firefox and their flags come from
  # webdriver.json; the runner's server sends COOP/COEP. The pool on real workers
  # (wasm_threads.rs) and the Engine API (wasm_engine.rs).
  tier "wasm tests in headless Chrome: wasm-bindgen-test-runner" "${wasm_env[@]}" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test --target wasm32-unknown-unknown --release --locked --test wasm_threads --test wasm_engine
  tier "wasm tests in headless Firefox ESR: wasm-bindgen-test-runner" "${wasm_env[@]}" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner GECKODRIVER="$(command -v geckodriver)" \
    cargo test --target wasm32-unknown-unknown --release --locked --test wasm_threads --test wasm_engine
  # The single-thread build (no atomics, no build-std): the Engine API, which refuses a
  # parallel run there.
  tier "wasm tests of the single-thread build in headless Chrome: wasm-bindgen-test-runner" \
    env CARGO_TARGET_DIR=target/single-thread RUSTFLAGS= \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test --target wasm32-unknown-unknown --release --locked --no-default-features --test wasm_engine
  tier "fuzz: the catalog parser for 30 s (scripts/fuzz.sh --seconds 30)" scripts/fuzz.sh --seconds 30
  if tier "release build: scripts/build.sh" scripts/build.sh; then
    tier "the server's contract: Schemathesis against /openapi.json (scripts/contract.sh)" scripts/contract.sh
    tier "a million products through the CLI: generate, recommend --catalog, bench (scripts/million.sh)" \
      scripts/million.sh
    e2e_tiers
    tier "a million products in Chromium: Compare on a static host and under shop-recs serve" \
      env E2E_ENGINE=chromium node --test --test-concurrency=1 tests/e2e-million/
  else
    failed+=("the contract and end-to-end tests: not run, the release build failed")
  fi
fi

step "Summary"
for t in "${passed[@]}"; do echo "  passed: $t"; done
for t in "${failed[@]}"; do echo "  FAILED: $t"; done
[ ${#failed[@]} -eq 0 ]
