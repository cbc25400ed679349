#!/usr/bin/env bash
# Runs a command with a throwaway Postgres: Debian's `postgresql` (scripts/setup.sh
# --postgres installs it), a cluster made by initdb in a temporary directory, started by
# pg_ctl on a free port of 127.0.0.1 as an unprivileged user (`postgres` when this runs as
# root, as CI does; yourself otherwise), and stopped and removed when the command ends,
# whether it passed or failed.
#
#   scripts/postgres.sh cargo test --test database
#
# The cluster accepts TLS connections only (`hostssl` in pg_hba.conf, `hostnossl ...
# reject`), with a server certificate for 127.0.0.1 and localhost signed by a CA this script
# makes with Debian's openssl; it also listens on 127.0.0.2, a name its certificate does
# not carry (the wrong-host check of tests/postgres_tls.rs).
#
# The command sees:
#   SHOP_RECS_TEST_POSTGRES           postgres://shop@127.0.0.1:PORT/postgres (trust auth;
#                                     without sslmode, libpq's default `prefer`: TLS)
#   SHOP_RECS_TEST_POSTGRES_CA        the CA's certificate (PEM), for `sslrootcert`
#   SHOP_RECS_TEST_POSTGRES_OTHER_CA  a second CA's, which signed nothing this server has
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
tls=$dir/tls
ctl=("${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1,127.0.0.2 -c fsync=off -c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key")

stop() {
  "${ctl[@]}" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

step "Postgres $("$bin/postgres" --version | awk '{print $3}') in $dir, port $port, TLS only"
"${as[@]}" "$bin/initdb" -D "$dir/data" -U shop --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; die "initdb failed"; }
# TCP connections over TLS only; the socket in $dir stays for pg_ctl.
cat >"$dir/data/pg_hba.conf" <<'HBA'
local     all all              trust
hostnossl all all 0.0.0.0/0    reject
hostssl   all all 127.0.0.0/8  trust
HBA

# A CA, a server certificate for 127.0.0.1 and localhost signed by it, and a second CA
# that signed nothing here. Quiet unless it fails.
command -v openssl >/dev/null || die "the TLS Postgres needs openssl: apt-get install openssl"
mkdir -p "$tls"
certs() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=shop-recs test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=some other CA" \
    -keyout "$tls/other-ca.key" -out "$tls/other-ca.crt"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tls/server.key" -out "$tls/server.csr"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.crt"
}
certs >"$tls/openssl.log" 2>&1 || { cat "$tls/openssl.log" >&2; die "making the test certificates failed"; }
# Postgres refuses a key others can read; the server runs as $user when this is root.
chmod 600 "$tls/server.key"
[ ${#as[@]} -eq 0 ] || chown -R "$user" "$tls" "$dir/data/pg_hba.conf"
chmod 644 "$tls/ca.crt" "$tls/other-ca.crt"
"${ctl[@]}" start >/dev/null || { cat "$dir/log" >&2; die "pg_ctl start failed"; }

export SHOP_RECS_TEST_POSTGRES="postgres://shop@127.0.0.1:$port/postgres"
export SHOP_RECS_TEST_POSTGRES_CA="$tls/ca.crt"
export SHOP_RECS_TEST_POSTGRES_OTHER_CA="$tls/other-ca.crt"
SHOP_RECS_TEST_POSTGRES_CTL=$(printf '%q ' "${ctl[@]}")
export SHOP_RECS_TEST_POSTGRES_CTL
export SHOP_RECS_REQUIRE_POSTGRES=1
"$@"
