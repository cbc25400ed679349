#!/usr/bin/env bash
# The replicas benchmark (bench/REPORT.md, "Replicas"), on a throwaway Postgres with TLS
# (scripts/postgres.sh) and HAProxy (deploy/haproxy.cfg):
#   1. a million products: `shop-recs import` of the file `shop-recs generate` writes, into
#      Postgres (time, peak memory); then `serve --database` from those rows against `serve
#      --catalog` on the file (time to ready, peak memory), and the reload a write causes;
#   2. examples/replicas.rs: goodput and latency through HAProxy with 1 and 2 replicas at
#      the same offered rates, failed requests through a rolling restart and a kill -9,
#      and the per-request cost of the version query.
# Prints Markdown. Measures, never asserts.
#
#   scripts/replicas-bench.sh [--n 1000000] [--rates 5,10,20,40,80] [--seconds 8] [--report]
#
# --report also writes the section into bench/results.json and renders bench/REPORT.md
# again ("Replicas"), the other sections unchanged.
#
# On a larger machine, the same command: every replica runs one scoring thread, so up to
# as many replicas as cores each get one (add `server` lines to deploy/haproxy.cfg).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

n=1000000
replica_products=2000
report=0
example_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --n) n=${2:?}; shift 2 ;;
    --rates|--seconds) example_args+=("$1" "${2:?}"); shift 2 ;;
    --report) report=1; shift ;;
    *) die "unknown option $1" ;;
  esac
done
if [ -z "${SHOP_RECS_TEST_POSTGRES:-}" ]; then
  again=(--n "$n" "${example_args[@]}")
  [ "$report" = 0 ] || again+=(--report)
  exec scripts/postgres.sh "$0" "${again[@]}"
fi
bin=target/release/shop-recs
[ -x "$bin" ] || die "build first: scripts/build.sh"
cargo build --release --locked --example replicas
work=$(mktemp -d)
server_pid=
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
tls="sslmode=verify-full&sslrootcert=$SHOP_RECS_TEST_POSTGRES_CA"
url="$SHOP_RECS_TEST_POSTGRES?$tls"

# Seconds and peak resident MiB of a command, as "S MiB".
timed() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
  awk '{printf "%.1f s, %d MiB peak", $1, $2 / 1024}' "$work/time"
}

# `serve ARGS` until it answers /readyz; sets $server_pid, $server_url and $ready (the
# seconds, and its peak resident memory then).
ready() {
  local start end pid
  start=$(date +%s.%N)
  "$bin" serve --port 0 --dist dist "$@" >"$work/url" 2>/dev/null &
  pid=$!
  until [ -s "$work/url" ] && curl -sf "$(head -n1 "$work/url")readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || die "serve $* stopped"
    sleep 0.05
  done
  end=$(date +%s.%N)
  server_url=$(head -n1 "$work/url")
  server_pid=$pid
  ready=$(printf '%.1f s, %d MiB peak' "$(echo "$end - $start" | bc)" \
    "$(($(awk '/VmHWM/ {print $2}' "/proc/$pid/status") / 1024))")
}

section=$work/replicas.md
exec 3>&1 >"$section"
step "a million products into Postgres and back ($n products)" >&3
"$bin" generate --n "$n" >"$work/catalog.json"
echo "Measured by \`scripts/replicas-bench.sh\` on $(nproc) cores, $(date -u +%Y-%m-%d). Postgres $(psql --version | awk '{print $3}') over TLS (\`verify-full\`), HAProxy $( (/usr/sbin/haproxy -v || haproxy -v) 2>/dev/null | head -n1 | awk '{print $3}') with [deploy/haproxy.cfg](../deploy/haproxy.cfg); the load generator runs on the same cores."
echo
echo "**A million rows.**"
echo
echo "| step | $n products |"
echo "|---|---|"
echo "| \`import\` into Postgres (TLS, one transaction, 500-row INSERTs) | $(timed "$bin" import "$work/catalog.json" --database "$url") |"
for source in file database; do
  if [ "$source" = file ]; then
    ready --catalog "$work/catalog.json"
  else
    ready --database "$url"
  fi
  echo "| \`serve --$([ "$source" = file ] && echo catalog || echo database)\` to ready | $ready |"
  if [ "$source" = database ]; then
    # A write (the first product rewritten: the catalog is full at a million), then the
    # next request waits for the reload of the new version.
    slug=$(curl -sf "${server_url}products?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["matches"][0]["id"])')
    curl -sf -X PUT -H 'content-type: application/json' -d '{"description": "a reload"}' \
      "${server_url}products/$slug" >/dev/null
    seconds=$(curl -sf -o /dev/null -w '%{time_total}' "${server_url}products/$slug")
    echo "| the first request after a write (reloads $n rows) | $(printf '%.1f' "$seconds") s, $(($(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status") / 1024)) MiB peak (the stale catalog let go first) |"
  fi
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
done

step "replicas behind HAProxy" >&3
"$bin" generate --n "$replica_products" >"$work/replicas.json"
"$bin" import "$work/replicas.json" --database "$url" --replace >/dev/null
echo
echo "**Replicas behind HAProxy** (a generated catalog of $replica_products products, 1,500 iterations: about 20 ms of scoring a request on one thread; each replica scores on one thread, and sheds what is over its \`--max-inflight\` of 4 with 503, counted as failed):"
echo
target/release/examples/replicas --bin "$bin" --database "$url" --catalog "$work/replicas.json" "${example_args[@]}"
echo
cat <<TEXT
What these figures can show on $(nproc) cores: each replica scores on one thread, so a second replica brings a second core to the scoring, and goodput past one replica's capacity is what scaling out adds (HAProxy, Postgres and the load generator share the same cores, so the second replica gets less than a whole one). What they cannot show: a third replica or more on this machine would only share the same cores, and a network between the balancer, the replicas and the database would add its round trips to every request's version query (here 127.0.0.1). On a larger machine, or replicas on machines of their own, the same command measures it: \`scripts/replicas-bench.sh --rates 10,20,40,80,160 --report\`, with one \`server\` line per replica in deploy/haproxy.cfg.
TEXT
exec >&3
cat "$section"
if [ "$report" = 1 ]; then
  node -e '
    const fs = require("fs");
    const results = JSON.parse(fs.readFileSync("bench/results.json", "utf8"));
    results.replicas = { markdown: fs.readFileSync(process.argv[1], "utf8") };
    fs.writeFileSync("bench/results.json", JSON.stringify(results, null, 2) + "\n");
  ' "$section"
  node bench/report.mjs bench >/dev/null
  ok "bench/REPORT.md: the Replicas section"
fi
