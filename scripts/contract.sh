#!/usr/bin/env bash
# The server's contract, checked by tools nobody here wrote: Schemathesis (PyPI, pinned in
# scripts/lib.sh, installed by scripts/setup.sh --contract into .venv-contract/) reads
# GET /openapi.json from a running `shop-recs serve` (the release binary, on a free port)
# and sends every operation generated requests, valid and invalid, with a fixed seed, in
# all its phases: the documents' examples, boundary values (coverage), fuzzing, and
# stateful sequences that follow the document's links (a product listed by one answer is
# the target of the next request), so that scoring is reached with real identifiers.
# Twice: against a server whose catalog is a file (it offers no writes) and against one
# whose catalog is a SQLite database imported from the page's bundled catalog (PUT and
# DELETE /products/{slug} write). Each document is what that server accepts.
#
# Every check runs (`--checks all`): a server error, a status code, content type or
# header the document does not list, a response that breaks its schema, a schema-invalid
# request accepted, a schema-valid request refused (positive_data_acceptance), an
# undocumented method not answered 405. The one rule of a catalog JSON Schema cannot say,
# that no two products share an identifier, is given to Schemathesis as a filter
# (tests/contract/hooks.py); the server's refusal of a repeat is tested in the Rust suite.
# No --max-response-time (no timing in tests).
#
# After each run, its HAR report must show GET /products/{slug}, its recommendations and
# the catalog-scoped recommendations answered 200 to generated requests: the fuzzer
# reached the scoring path. Then Prometheus's Python client parses GET /metrics, which
# must count those requests.
#
#   scripts/contract.sh [--examples N]    N examples per operation (default 100)
#
# No example database: every run is the same run. A failure prints the request that
# failed (with a curl line to replay it).
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
server=
trap 'kill "${server:-}" 2>/dev/null; wait "${server:-}" 2>/dev/null; rm -rf "$work"' EXIT

# Starts `shop-recs serve ARGS...` on a free port; sets $server and $url.
start_server() {
  local log=$work/serve-$1.log
  shift
  "$bin" serve --port 0 --dist dist --request-timeout 30 "$@" >"$log" 2>/dev/null &
  server=$!
  url=
  for _ in $(seq 100); do
    url=$(head -n1 "$log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || die "shop-recs serve $* did not start"
}

stop_server() {
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null || true
  server=
}

# Schemathesis against the running server; then its HAR report must show the product and
# both recommendations operations answered 200.
schemathesis() {
  local label=$1 reports=target/schemathesis/$2
  step "Schemathesis $("$st" --version | awk '{print $3}') against $label (${url}openapi.json): every check, $examples examples per operation, seed 42"
  rm -rf "$reports"
  SCHEMATHESIS_HOOKS=tests.contract.hooks NO_COLOR=1 "$st" run "${url}openapi.json" \
    --checks all --max-examples "$examples" --seed 42 --generation-database none \
    --workers 1 --request-timeout 60 --no-color --report har --report-dir "$reports"
  .venv-contract/bin/python - "$reports" <<'PY'
import collections, glob, json, re, sys

(har,) = glob.glob(sys.argv[1] + "/har-*.json")
answered = collections.Counter()
for entry in json.load(open(har))["log"]["entries"]:
    if entry["request"]["method"] != "GET":
        continue
    path = re.sub(r"^https?://[^/]+", "", entry["request"]["url"]).split("?")[0]
    if re.fullmatch(r"/products/[^/]+", path):
        operation = "GET /products/{slug}"
    elif re.fullmatch(r"/products/[^/]+/recommendations", path):
        operation = "GET /products/{slug}/recommendations"
    elif re.fullmatch(r"/catalogs/[^/]+/products/[^/]+/recommendations", path):
        operation = "GET /catalogs/{id}/products/{slug}/recommendations"
    else:
        continue
    answered[(operation, entry["response"]["status"])] += 1
for operation in sorted({op for op, _ in answered} | {
        "GET /products/{slug}", "GET /products/{slug}/recommendations",
        "GET /catalogs/{id}/products/{slug}/recommendations"}):
    statuses = {status: n for (op, status), n in sorted(answered.items()) if op == operation}
    print(f"  {operation}: {statuses}")
    assert statuses.get(200, 0) > 0, f"{operation} never answered 200: the fuzzer did not reach it"
print("  ok: the scoring path answered 200 to generated requests")
PY
}

start_server file --catalog www/catalog.json
ok "shop-recs serve --catalog www/catalog.json at $url"
schemathesis "a file-backed server" file
stop_server

"$bin" import www/catalog.json --database "sqlite://$work/shop.db"
start_server database --database "sqlite://$work/shop.db"
ok "shop-recs serve --database sqlite://... at $url"
schemathesis "a database-backed server" database

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
