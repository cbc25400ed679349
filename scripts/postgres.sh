#!/usr/bin/env bash
# Runs a command with a throwaway Postgres: Debian's `postgresql` (scripts/setup.sh
# --postgres installs it), a cluster made by initdb in a temporary directory, started by
# pg_ctl on a free port of 127.0.0.1 as an unprivileged user (`postgres` when this runs as
# root, as CI does; yourself otherwise), and stopped and removed when the command ends,
# whether it passed or failed.
#
#   scripts/postgres.sh cargo test --test database
#
# The command sees:
#   SHOP_RECS_TEST_POSTGRES           postgres://shop@127.0.0.1:PORT/postgres (trust auth)
#   SHOP_RECS_TEST_POSTGRES_CTL       a pg_ctl command line for that cluster, to which the
#                                     tests add `stop -m fast` or `start` (a database that
#                                     goes away while the server runs, then comes back)
#   SHOP_RECS_REQUIRE_POSTGRES=1      so that tests/database.rs fails instead of skipping
#                                     Postgres if the URL were missing
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

[ $# -gt 0 ] || die "usage: scripts/postgres.sh COMMAND [ARGS...]"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] ||
  die "Postgres is not installed: scripts/setup.sh --postgres installs Debian's postgresql"

dir=$(mktemp -d "${TMPDIR:-/tmp}/shop-recs-postgres.XXXXXX")
as=()
if [ "$(id -u)" = 0 ]; then
  # Postgres refuses to run as root.
  user=postgres
  id "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$dir"
  as=(runuser -u "$user" --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ctl=("${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off")

stop() {
  "${ctl[@]}" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

step "Postgres $("$bin/postgres" --version | awk '{print $3}') in $dir, port $port"
"${as[@]}" "$bin/initdb" -D "$dir/data" -U shop --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; die "initdb failed"; }
"${ctl[@]}" start >/dev/null || { cat "$dir/log" >&2; die "pg_ctl start failed"; }

export SHOP_RECS_TEST_POSTGRES="postgres://shop@127.0.0.1:$port/postgres"
SHOP_RECS_TEST_POSTGRES_CTL=$(printf '%q ' "${ctl[@]}")
export SHOP_RECS_TEST_POSTGRES_CTL
export SHOP_RECS_REQUIRE_POSTGRES=1
"$@"
