#!/usr/bin/env bash
# Installs what is missing, builds the release, and serves dist/ on 127.0.0.1 with the
# cross-origin isolation headers the rayon pool needs.
#
#   scripts/serve.sh [--port N]     (default 8080; PORT=N works too)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

port=${PORT:-8080}
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=${2:?--port needs a number}; shift 2 ;;
    --port=*) port=${1#--port=}; shift ;;
    *) die "unknown option $1 (usage: scripts/serve.sh [--port N])" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] ||
  die "--port must be a number from 1 to 65535, not '$port'"

scripts/build.sh
step "Serving dist/ (Ctrl-C stops it)"
exec node scripts/static-server.mjs --dir dist --port "$port"
