#!/usr/bin/env bash
# Coverage-guided fuzzing of the catalog parser (fuzz/fuzz_targets/catalog.rs), which
# `shop-recs serve` runs on request bodies. cargo-fuzz drives libFuzzer on the pinned
# nightly, with AddressSanitizer.
#
#   scripts/fuzz.sh                  10 minutes
#   scripts/fuzz.sh --minutes N      N minutes
#   scripts/fuzz.sh --seconds N      N seconds (the test command runs 30)
#
# The corpus starts from fuzz/seeds/ (small catalogs and broken ones, the shapes the
# validation tests use), the bundled catalog, and ../shared/catalogs/*.json when present;
# it grows in fuzz/corpus/ (git-ignored) from run to run. Prints the executions and exits
# non-zero on a crash, whose input libFuzzer writes to fuzz/artifacts/catalog/. A crash
# is a bug: once fixed, keep its input in fuzz/regressions/ (every run starts from it) and
# as a test in tests/catalog_validation.rs. None has been found so far.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

seconds=600
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) seconds=$(( ${2:?--minutes needs a number} * 60 )); shift 2 ;;
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    *) die "unknown option $1 (usage: scripts/fuzz.sh [--minutes N | --seconds N])" ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] || die "the duration must be a positive number"
command -v cargo-fuzz >/dev/null || die "cargo-fuzz is not installed: run scripts/setup.sh --test-tools"

corpus=fuzz/corpus/catalog
mkdir -p "$corpus"
cp fuzz/seeds/*.json www/catalog.json "$corpus"/
if compgen -G '../shared/catalogs/*.json' >/dev/null; then
  cp ../shared/catalogs/*.json "$corpus"/
else
  echo "  note: ../shared/catalogs/ is absent; seeding without the real catalog"
fi
[ -d fuzz/regressions ] && cp fuzz/regressions/* "$corpus"/ 2>/dev/null || true

step "Building the fuzz target (cargo fuzz build, AddressSanitizer)"
# The parent's .cargo/config.toml holds wasm-only flags; the fuzz crate is native.
(cd fuzz && cargo fuzz build --release catalog)

step "Fuzzing the catalog parser for $seconds s"
log=$(mktemp)
set +e
(cd fuzz && cargo fuzz run --release catalog "../$corpus" -- \
  -max_total_time="$seconds" -max_len=262144 -timeout=20 -rss_limit_mb=4096 \
  -print_final_stats=1) 2>&1 | tee "$log" | grep -E '^#[0-9]+[[:space:]]+(pulse|DONE)|Done [0-9]+ runs|ERROR|panicked|SUMMARY|artifact'
status=${PIPESTATUS[0]}
set -e
runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 executions in \2 s/p' "$log" | tail -n1)
corpus_size=$(find "$corpus" -type f | wc -l)
rm -f "$log"
if [ "$status" -ne 0 ]; then
  die "the fuzzer found a crash (exit $status): its input is in fuzz/artifacts/catalog/"
fi
ok "no crash: ${runs:-executions not reported}; corpus of $corpus_size inputs"
