#!/usr/bin/env bash
# Installs everything shop-recs needs to build and test, and skips whatever is already
# there at the right version. Safe to run again and again. Prints each step's time.
#
#   scripts/setup.sh              what serving the page needs (scripts/serve.sh): the
#                                 toolchain, wasm-bindgen, npm packages, crates
#   scripts/setup.sh --test-tools also cargo-fuzz (the fuzz tier)
#   scripts/setup.sh --browser    also the test browsers: Debian's chromium and
#                                 chromium-driver, firefox-esr, webkit2gtk-driver (WebKitGTK's
#                                 MiniBrowser and WebKitWebDriver) and xvfb, and geckodriver
#   scripts/setup.sh --go         also Debian's golang-go, for the benchmark's Go peer
#                                 (bench/peers/go/; scripts/bench.sh asks for it)
#   scripts/setup.sh --bench      --go, and oha (crates.io, pinned), the load generator of
#                                 the backends comparison (scripts/bench.sh --backends)
#   scripts/setup.sh --contract   also Schemathesis and prometheus-client (PyPI, pinned) in
#                                 .venv-contract/, the server's contract tier (scripts/contract.sh)
#   scripts/setup.sh --postgres   also Debian's postgresql (its binaries only: no cluster is
#                                 made or started; scripts/postgres.sh makes a throwaway one),
#                                 openssl (its TLS certificates) and haproxy (the replicas tier)
#
# How it stays quick on a fresh 2-core machine:
# - the cargo-installed tools are built for install time, not for their own speed: no
#   LTO, 16 codegen units, no debug info, and one shared target directory
#   (target/tools/), so a crate that two tools share (clap, serde, syn, tokio, ...) at
#   the same version and features is compiled once;
# - Debian's packages, npm's and PyPI's install in the background while cargo compiles
#   (they wait on the network and the disk, cargo on the CPU); their output goes to
#   target/setup-logs/ and is printed if one fails.
#
# Everything comes from crates.io, npm, Debian's apt or rustup: nothing else is fetched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

want_test_tools=0
want_browser=0
want_go=0
want_oha=0
want_contract=0
want_postgres=0
for arg in "$@"; do
  case "$arg" in
    --test-tools) want_test_tools=1 ;;
    --browser) want_browser=1 ;;
    --go) want_go=1 ;;
    --bench) want_go=1 want_oha=1 ;;
    --contract) want_contract=1 ;;
    --postgres) want_postgres=1 ;;
    *) die "unknown option $arg (usage: scripts/setup.sh [--test-tools] [--browser] [--go] [--bench] [--contract] [--postgres])" ;;
  esac
done
setup_started=$SECONDS
logs=target/setup-logs
mkdir -p "$logs"

# --- background jobs: Debian's packages, npm, PyPI -----------------------------------
# Each runs in the background with its output in $logs/NAME.log; `finish` waits for all
# of them and fails with the log of any that failed.
jobs_names=()
jobs_pids=()
jobs_keys=()
# $1 a short key (the log's name), $2 what it installs, rest: the command.
background() {
  local key=$1 what=$2
  shift 2
  step "Started in the background: $what (log: $logs/$key.log)"
  (
    started=$SECONDS
    "$@"
    echo "took $((SECONDS - started)) s"
  ) >"$logs/$key.log" 2>&1 &
  jobs_keys+=("$key")
  jobs_names+=("$what")
  jobs_pids+=($!)
}
finish() {
  local i log failed=0
  for i in "${!jobs_pids[@]}"; do
    log="$logs/${jobs_keys[$i]}.log"
    if wait "${jobs_pids[$i]}"; then
      ok "${jobs_names[$i]}: $(tail -n1 "$log")"
    else
      printf '\nerror: %s failed; its log (%s):\n' "${jobs_names[$i]}" "$log" >&2
      tail -n 40 "$log" >&2
      failed=1
    fi
  done
  [ "$failed" = 0 ] || exit 1
}

# --- Debian's packages: one apt-get for all of them, in the background ---------------
# The end-to-end tests run in three engines (tests/e2e/engines.mjs): Chromium, Firefox
# ESR and WebKitGTK, all Debian's; WebKitGTK's MiniBrowser has no headless mode, so it
# runs under Xvfb. The database tier needs Postgres's binaries, the benchmark Go.
apt_packages=()
apt_why=()
if [ "$want_browser" = 1 ]; then
  browser_files=(/usr/bin/chromium /usr/bin/chromedriver /usr/bin/firefox-esr /usr/bin/WebKitWebDriver
    /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser /usr/bin/xvfb-run)
  missing=()
  for f in "${browser_files[@]}"; do [ -x "$f" ] || missing+=("$f"); done
  if [ ${#missing[@]} -eq 0 ]; then
    ok "$(/usr/bin/chromium --version 2>/dev/null | head -n1), $(/usr/bin/firefox-esr --version 2>/dev/null | head -n1), WebKitGTK's MiniBrowser and WebKitWebDriver, Xvfb"
  else
    apt_packages+=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb xauth)
    apt_why+=("the engines the end-to-end tests run in (missing: ${missing[*]})")
  fi
fi
if [ "$want_postgres" = 1 ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    ok "Postgres $(ls -d /usr/lib/postgresql/*/ | sort -V | tail -n1 | xargs basename)"
  else
    apt_packages+=(postgresql)
    apt_why+=("the database tier's throwaway Postgres (binaries only)")
  fi
  # scripts/postgres.sh makes the TLS Postgres's certificates with it.
  if command -v openssl >/dev/null; then
    ok "$(openssl version | cut -d' ' -f1-2)"
  else
    apt_packages+=(openssl)
    apt_why+=("the test Postgres's TLS certificates")
  fi
  # The replicas tier's load balancer (tests/replicas.rs, deploy/haproxy.cfg).
  if [ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null; then
    ok "$( (/usr/sbin/haproxy -v 2>/dev/null || haproxy -v) | head -n1 | cut -d' ' -f1-3)"
  else
    apt_packages+=(haproxy)
    apt_why+=("the replicas tier's load balancer")
  fi
fi
if [ "$want_go" = 1 ]; then
  if command -v go >/dev/null; then
    ok "$(go version)"
  else
    apt_packages+=(golang-go)
    apt_why+=("the benchmark's Go peer")
  fi
fi
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [[ " $* " == *" postgresql "* ]]; then
    # No system cluster: the tests make their own in a temporary directory.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/shop-recs.conf
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends "$@"
}
if [ ${#apt_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    printf '  Debian: %s\n' "${apt_why[@]}"
    background apt "Debian's ${apt_packages[*]}" apt_install "${apt_packages[@]}"
  else
    die "missing Debian packages. Install them as root, then run this again:
    apt-get update && apt-get install -y ${apt_packages[*]}"
  fi
fi

# --- npm packages from the lockfile, in the background --------------------------------
# With the Vite example's (examples/embed-vite/): its end-to-end test installs it again
# in a scratch copy, from npm's cache filled here.
lock_hash=$(cat package-lock.json examples/embed-vite/package-lock.json | sha256sum | cut -d' ' -f1)
npm_install() {
  npm ci --no-audit --no-fund
  (cd examples/embed-vite && npm ci --no-audit --no-fund)
  echo "$lock_hash" >node_modules/.lock-hash
}
if [ -f node_modules/.lock-hash ] && [ "$(cat node_modules/.lock-hash)" = "$lock_hash" ]; then
  ok "npm packages (the lockfiles unchanged)"
else
  # playwright-core drives Chromium, selenium-webdriver Firefox and WebKit; binaryen is wasm-opt.
  background npm "npm packages from package-lock.json" npm_install
fi

# --- Schemathesis (the contract tier), in the background ------------------------------
# From PyPI into a virtual environment of its own, at the pinned version: nothing is
# installed into the system's Python.
st=.venv-contract/bin/st
contract_installed() {
  [ "$("$st" --version 2>/dev/null)" = "st, version $SCHEMATHESIS_VERSION" ] &&
    [ "$(.venv-contract/bin/python -c 'import importlib.metadata as m; print(m.version("prometheus-client"))' 2>/dev/null)" = "$PROMETHEUS_CLIENT_VERSION" ]
}
contract_install() {
  rm -rf .venv-contract
  python3 -m venv .venv-contract
  .venv-contract/bin/pip install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" "prometheus-client==$PROMETHEUS_CLIENT_VERSION"
  contract_installed
}
if [ "$want_contract" = 1 ]; then
  if contract_installed; then
    ok "Schemathesis $SCHEMATHESIS_VERSION and prometheus-client $PROMETHEUS_CLIENT_VERSION (.venv-contract/)"
  else
    command -v python3 >/dev/null || die "the contract tier needs python3 (with venv) to install Schemathesis"
    background schemathesis "Schemathesis $SCHEMATHESIS_VERSION and prometheus-client $PROMETHEUS_CLIENT_VERSION into .venv-contract/" contract_install
  fi
fi

# --- Rust toolchain ---------------------------------------------------------------
command -v rustup >/dev/null ||
  die "rustup is not installed. Install it from your OS packages or rustup.rs, then run this again."
components=(rust-src rustfmt clippy)
have_toolchain() {
  rustup toolchain list | grep -q "^$TOOLCHAIN" || return 1
  local installed
  installed=$(rustup component list --toolchain "$TOOLCHAIN" --installed 2>/dev/null)
  for c in "${components[@]}"; do grep -q "^$c" <<<"$installed" || return 1; done
  rustup target list --toolchain "$TOOLCHAIN" --installed | grep -q '^wasm32-unknown-unknown$'
}
if have_toolchain; then
  ok "Rust $TOOLCHAIN with rust-src and wasm32-unknown-unknown"
else
  step "Installing Rust $TOOLCHAIN (pinned in rust-toolchain.toml; threaded wasm needs nightly's build-std)"
  started=$SECONDS
  rustup toolchain install "$TOOLCHAIN" --profile minimal \
    $(printf -- '-c %s ' "${components[@]}") -t wasm32-unknown-unknown
  ok "Rust $TOOLCHAIN in $((SECONDS - started)) s"
fi

# --- cargo-installed tools, each at a pinned version -----------------------------
# Built for install time (see the top of this file): these settings apply to these
# installs only, never to the project's own builds.
install_profile=(env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_TARGET_DIR="$PWD/target/tools")
# $1 binary, $2 expected `--version` output, $3 why, rest: cargo install arguments.
cargo_tool() {
  local bin=$1 expected=$2 why=$3 started=$SECONDS
  shift 3
  if [ "$("$bin" --version 2>/dev/null | head -n1)" = "$expected" ]; then
    ok "$expected"
  else
    step "Installing $expected ($why)"
    "${install_profile[@]}" cargo "+$TOOLCHAIN" install --force "$@"
    [ "$("$bin" --version 2>/dev/null | head -n1)" = "$expected" ] ||
      die "$bin --version does not print '$expected' after installing it"
    ok "$expected in $((SECONDS - started)) s"
  fi
}
# Exactly Cargo.lock's wasm-bindgen: the CLI and the library must agree. Not --locked:
# one of its locked dependencies is no longer on crates.io.
cargo_tool wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" \
  "generates the JS glue, must equal Cargo.lock's wasm-bindgen" \
  wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
if [ "$want_test_tools" = 1 ]; then
  cargo_tool cargo-fuzz "cargo-fuzz $CARGO_FUZZ_VERSION" "fuzzes the catalog parser (scripts/fuzz.sh)" \
    --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi
if [ "$want_browser" = 1 ]; then
  # Firefox's WebDriver server: Debian does not package it.
  cargo_tool geckodriver "geckodriver $GECKODRIVER_VERSION" "Firefox's WebDriver server, for the Firefox tests" \
    --locked geckodriver --version "$GECKODRIVER_VERSION"
fi
if [ "$want_oha" = 1 ]; then
  cargo_tool oha "oha $OHA_VERSION" "the backends comparison's open-loop load generator" \
    --locked oha --version "$OHA_VERSION"
fi

# --- crates, fetched now so the offline wasm builds find them -------------------
# Both the project's crates and those of the std that build-std rebuilds for wasm.
if CARGO_UNSTABLE_BUILD_STD=panic_abort,std \
  cargo fetch --locked --offline --target wasm32-unknown-unknown >/dev/null 2>&1; then
  ok "crates in Cargo.lock, and std's for build-std"
else
  step "Fetching crates, and std's for build-std (scripts/build.sh builds offline)"
  cargo fetch --locked
  CARGO_UNSTABLE_BUILD_STD=panic_abort,std cargo fetch --locked --target wasm32-unknown-unknown
fi

# --- the background jobs --------------------------------------------------------------
[ ${#jobs_pids[@]} -eq 0 ] || step "Waiting for the background installs"
finish
# It prints e.g. "wasm-opt version 132 (version_132)".
node_modules/.bin/wasm-opt --version | grep -qF "($WASM_OPT_VERSION)" ||
  die "node_modules/.bin/wasm-opt is not $WASM_OPT_VERSION (package.json pins binaryen)"
[ "$want_postgres" = 0 ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ||
  die "postgresql is installed but no /usr/lib/postgresql/*/bin/initdb was found"
ok "setup complete in $((SECONDS - setup_started)) s"
