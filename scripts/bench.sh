#!/usr/bin/env bash
# The benchmark: wasm parallel vs wasm serial vs plain JS (the page, in headless
# Chromium) vs native serial and parallel (the CLI), over catalogs, iterations and
# thread counts. Writes bench/REPORT.md, bench/plot.svg and bench/results.json, and
# prints the summary table.
#
#   scripts/bench.sh            the full grid (under 15 minutes on 2 cores)
#   scripts/bench.sh --quick    fewer cells (about 2 minutes), to check the pipeline;
#                               writes into bench/tmp/quick/ (git-ignored) instead
#
# Steps: install what is missing and build the release site (scripts/build.sh), build the
# native CLI in release, build the wasm simd128 experiment module, then bench/run.mjs
# serves dist/ with the isolation headers and drives the page and the CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

quick=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick) ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $arg (expected --quick)" ;;
  esac
done
started=$SECONDS

# --browser: the benchmark drives Debian's Chromium, as the end-to-end tests do.
scripts/build.sh --browser

step "Building the native CLI (cargo build --release)"
cargo build --release --locked --bin shop-recs
ok "target/release/shop-recs"

# An experiment the report states: the same kernel built with wasm's 128-bit SIMD
# (simd128), beside the page's scalar build; built like the single-thread module (no
# atomics, so no build-std), in its own target folder, into bench/tmp/ (git-ignored).
# bench/run.mjs serves it beside its copy of dist/ and loads it in the page's worker.
# It is not part of the page.
step "Building the simd128 experiment module into bench/tmp/bench-simd128/"
scripts/build-single-thread.sh --simd128 bench/tmp/bench-simd128

step "Running the benchmark (bench/run.mjs ${quick[*]:-})"
node bench/run.mjs "${quick[@]}"
ok "done in $((SECONDS - started)) s (build included)"
