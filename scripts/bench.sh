#!/usr/bin/env bash
# The benchmark: wasm parallel vs wasm serial vs plain JS (the page, in headless
# Chromium) vs the server (the page's Server mode, over HTTP) vs native serial and
# parallel (the CLI) vs the Go peer (goroutines), over catalogs, iterations and thread
# counts. Writes bench/REPORT.md, bench/plot.svg and bench/results.json, and
# prints the summary table.
#
#   scripts/bench.sh            the full grid (under 15 minutes on 2 cores)
#   scripts/bench.sh --quick    fewer cells (about 2 minutes), to check the pipeline;
#                               writes into bench/tmp/quick/ (git-ignored) instead
#   scripts/bench.sh --server   only the server part (shop-recs serve under load), put
#                               into the existing report (about 2 minutes)
#   scripts/bench.sh --workers  only "Pool or workers" (the rayon pool against the Workers
#                               mode, uniform and skewed catalogs), put into the existing
#                               report (about 10 minutes)
#   scripts/bench.sh --backends only "The backends under open-loop load" (shop-recs serve
#                               against the seeds' Go backend as a server under oha, and
#                               native rayon against Go from 1 thread to every core), put
#                               into the existing report (about 12 minutes)
#   scripts/bench.sh --pieces   only "How the pool gets its pieces" (native, no browser): the
#                               parallel scorer's ways of cutting its work, on uniform and
#                               skewed catalogs (bench/pieces.mjs)
#   scripts/bench.sh --native-only  the same: everything that needs no browser (the native
#                               CLI, the server, the Go peer and the load), for a machine
#                               with many cores and no browser
#
# Steps: install what is missing and build the release site (scripts/build.sh), build the
# native CLI in release, build the wasm simd128 experiment module, then bench/run.mjs
# serves dist/ with the isolation headers and drives the page and the CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

quick=()
only=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick) ;;
    --server) only=(--server-only) ;;
    --workers) only=(--workers-only) ;;
    --backends | --native-only) only=(--backends) ;;
    --pieces) only=(--pieces) ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $arg (expected --quick, --server, --workers, --backends, --native-only or --pieces)" ;;
  esac
done
started=$SECONDS

# The seeds' Go scaffolding, the peer rayon is compared with (standard library only).
build_go_peer() {
  step "Building the Go peer (bench/peers/go) into bench/tmp/shop-recs-go"
  (cd bench/peers/go && go vet ./... && go build -trimpath -o ../../tmp/shop-recs-go .)
  ok "$(go version): bench/tmp/shop-recs-go"
}

# The pieces alone need the native binary only.
if [ "${only[*]:-}" = --pieces ]; then
  scripts/setup.sh
  step "Building the native binary (cargo build --release)"
  cargo build --release --locked --bin shop-recs
  step "Timing the ways of cutting the pool's pieces (bench/pieces.mjs ${quick[*]:-})"
  node bench/pieces.mjs "${quick[@]}"
  ok "done in $((SECONDS - started)) s (build included)"
  exit 0
fi

# The backends alone need no browser and no page: the native binary, the Go peer, oha
# and the comparison that drives them (examples/backends/).
if [ "${only[*]:-}" = --backends ]; then
  scripts/setup.sh --bench
  step "Building the native binary and the backends comparison (examples/backends/)"
  cargo build --release --locked --bin shop-recs --example backends
  build_go_peer
  step "Running the backends comparison (bench/backends.mjs ${quick[*]:-})"
  node bench/backends.mjs "${quick[@]}"
  ok "done in $((SECONDS - started)) s (build included)"
  exit 0
fi

# --browser: the benchmark drives Debian's Chromium, as the end-to-end tests do; --go: the
# Go peer is built with Debian's golang-go. The build includes the native release binary
# (the CLI, and shop-recs serve, which serves the page).
scripts/build.sh --browser --go

build_go_peer

# An experiment the report states: the same kernel built with wasm's 128-bit SIMD
# (simd128), beside the page's scalar build; built like the single-thread module (no
# atomics, so no build-std), in its own target folder, into bench/tmp/ (git-ignored).
# bench/run.mjs serves it beside its copy of dist/ and loads it in the page's worker.
# It is not part of the page.
step "Building the simd128 experiment module into bench/tmp/bench-simd128/"
scripts/build-single-thread.sh --simd128 bench/tmp/bench-simd128

# The server's load generator, and the benchmark-only build that scores on the reactor
# instead of behind spawn_blocking (its own target folder; no LTO, which only speeds the
# kernel it is not measured on).
step "Building the server benchmark (examples/server_bench.rs) and the on-the-reactor build"
cargo build --release --locked --example server_bench
CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  cargo build --release --locked --bin shop-recs --features bench-score-on-reactor \
  --target-dir target/bench-reactor

step "Running the benchmark (bench/run.mjs ${quick[*]:-})"
node bench/run.mjs "${quick[@]}" "${only[@]}"
ok "done in $((SECONDS - started)) s (build included)"
