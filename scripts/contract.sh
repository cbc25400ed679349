#!/usr/bin/env bash
# The server's contract, checked by tools nobody here wrote: Schemathesis (PyPI, pinned in
# scripts/lib.sh, installed by scripts/setup.sh --contract into .venv-contract/) reads
# GET /openapi.json from a running `shop-recs serve` (the release binary, on a free port,
# its catalog in a SQLite database imported from the page's bundled catalog, so that PUT
# and DELETE /products/{slug} write) and sends every operation generated requests, valid
# and invalid, with a fixed seed.
# It fails on a server error, a status code or content type the document does not list,
# a response that breaks its schema or lacks a documented header, and an invalid request
# accepted. Not checked: Schemathesis's positive_data_acceptance (a schema cannot say
# that a product needs a slug or an id, nor that identifiers are unique, so some
# schema-valid catalogs are rightly refused); no --max-response-time (no timing in tests).
#
#   scripts/contract.sh [--examples N]    N examples per operation (default 100: about 15 s)
#
# No example database: every run is the same run. A failure prints the request that
# failed (with a curl line to replay it). Then
# Prometheus's Python client parses GET /metrics, which must count those requests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

examples=100
while [ $# -gt 0 ]; do
  case "$1" in
    --examples) examples=${2:?--examples needs a number}; shift 2 ;;
    *) die "unknown option $1 (usage: scripts/contract.sh [--examples N])" ;;
  esac
done
st=.venv-contract/bin/st
[ -x "$st" ] || die "Schemathesis is not installed: run scripts/setup.sh --contract"
bin=target/release/shop-recs
[ -x "$bin" ] && [ -f dist/index.html ] || die "build first: scripts/build.sh"

work=$(mktemp -d)
log=$work/serve.log
trap 'kill "${server:-}" 2>/dev/null; wait "${server:-}" 2>/dev/null; rm -rf "$work"' EXIT
"$bin" import www/catalog.json --database "sqlite://$work/shop.db"
"$bin" serve --port 0 --dist dist --request-timeout 30 --database "sqlite://$work/shop.db" >"$log" 2>/dev/null &
server=$!
for _ in $(seq 100); do
  url=$(head -n1 "$log")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || die "shop-recs serve did not start"
ok "shop-recs serve at $url"

step "Schemathesis $("$st" --version | awk '{print $3}') against ${url}openapi.json: $examples examples per operation, seed 42"
NO_COLOR=1 "$st" run "${url}openapi.json" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$examples" --seed 42 --generation-database none \
  --workers 1 --request-timeout 60 --no-color --report-dir target/schemathesis

# Then /metrics, read by Prometheus's own Python client after all those requests. The
# server writes the OpenMetrics text format (what Prometheus asks for first), so its
# strict OpenMetrics parser: it must parse, and count the requests answered, by route
# template and status class.
step "GET /metrics, parsed by prometheus-client's OpenMetrics parser"
.venv-contract/bin/python - "${url}metrics" <<'PY'
import sys, urllib.request
from prometheus_client.openmetrics.parser import text_string_to_metric_families

text = urllib.request.urlopen(sys.argv[1]).read().decode()
families = {f.name: f for f in text_string_to_metric_families(text)}
requests = families["shop_recs_http_requests"]
by_class = {}
for sample in requests.samples:
    assert "/" in sample.labels["route"] or sample.labels["route"] == "static", sample
    key = sample.labels["status"]
    by_class[key] = by_class.get(key, 0) + sample.value
assert by_class.get("2xx", 0) > 0 and by_class.get("4xx", 0) > 0, by_class
for name in ["shop_recs_http_request_duration_seconds", "shop_recs_http_requests_shed",
             "shop_recs_catalog_store_bytes", "shop_recs_catalog_uploads", "shop_recs_jobs_busy_seconds"]:
    assert name in families, name
print(f"  ok: {len(families)} metric families; requests by status class: {by_class}")
PY
