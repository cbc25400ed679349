#!/usr/bin/env bash
# A million products through the native CLI, as a user would try it (issue: "a million
# products, end to end"): `shop-recs generate` writes a 1,000,000-product file (about
# 400 MB), `recommend --catalog` loads it and ranks, and the ranking must be exactly
# `bench --generate 1000000`'s. Prints each step's time and peak resident memory; fails
# on a different ranking or a failed step. Uses target/release/shop-recs (scripts/build.sh).
#
#   scripts/million.sh [--n N]   (N defaults to 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=1000000
if [ "${1:-}" = "--n" ]; then n=$2; fi
bin=${SHOP_RECS_BIN:-target/release/shop-recs}
[ -x "$bin" ] || { echo "million.sh: $bin is missing: run scripts/build.sh first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds() { python3 -c 'import sys,time; print(f"{time.time()-float(sys.argv[1]):.2f}")' "$1"; }
# The ranking of a --json report (recommend's "recommendations", bench's "ranking").
ranking() {
  python3 -c '
import json, sys
report = json.load(open(sys.argv[1]))
for r in report.get("recommendations") or report["ranking"]:
    print(r["rank"], r["id"], repr(r["score"]), repr(r["text"]), repr(r["attribute"]))
' "$1"
}
peak() { python3 -c 'import json,sys; b=json.load(open(sys.argv[1])).get("peak_resident_bytes"); print("unknown" if b is None else f"{b/2**20:.0f} MiB")' "$1"; }

start=$(date +%s.%N)
"$bin" generate --n "$n" > "$work/catalog.json"
echo "generate --n $n: $(seconds "$start") s, $(stat -c %s "$work/catalog.json") bytes written"

start=$(date +%s.%N)
"$bin" recommend --catalog "$work/catalog.json" --iterations 10 --json > "$work/file.json"
echo "recommend --catalog (the file): $(seconds "$start") s, peak resident $(peak "$work/file.json")"

start=$(date +%s.%N)
"$bin" bench --generate "$n" --iterations 10 --runs 1 --json > "$work/bench.json"
echo "bench --generate $n --runs 1: $(seconds "$start") s, peak resident $(peak "$work/bench.json")"

if ! diff <(ranking "$work/file.json") <(ranking "$work/bench.json"); then
  echo "million.sh: the file's ranking differs from the generated catalog's (above: < file, > bench)" >&2
  exit 1
fi
echo "rankings: the file's ranking is bench --generate $n's, id for id and score for score:"
ranking "$work/file.json" | sed -n 1,3p
