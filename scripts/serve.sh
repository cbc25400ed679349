#!/usr/bin/env bash
# Installs what is missing, builds the release (the site and the native binary), and runs
# `shop-recs serve`: the page on 127.0.0.1 with the cross-origin isolation headers the
# rayon pool needs, and the recommendations API beside it.
#
#   scripts/serve.sh [--port N] [-- MORE SERVE OPTIONS]   (default port 8080; PORT=N too)
#
# e.g. scripts/serve.sh -- --threads 4 --catalog my-catalog.json (see shop-recs serve --help)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

port=${PORT:-8080}
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=${2:?--port needs a number}; shift 2 ;;
    --port=*) port=${1#--port=}; shift ;;
    --) shift; break ;;
    *) die "unknown option $1 (usage: scripts/serve.sh [--port N] [-- SERVE OPTIONS])" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] ||
  die "--port must be a number from 1 to 65535, not '$port'"

scripts/build.sh
step "Serving dist/ and the API with shop-recs serve (Ctrl-C stops it)"
exec target/release/shop-recs serve --dist dist --port "$port" "$@"
