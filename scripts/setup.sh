#!/usr/bin/env bash
# Installs everything shop-recs needs to build and test, and skips whatever is already
# there at the right version. Safe to run again and again.
#
#   scripts/setup.sh            toolchain, cargo tools, npm packages, crates
#   scripts/setup.sh --browser  the same, plus the test browsers: Debian's chromium and
#                               chromium-driver, firefox-esr, webkit2gtk-driver (WebKitGTK's
#                               MiniBrowser and WebKitWebDriver) and xvfb, and geckodriver
#   scripts/setup.sh --go       also Debian's golang-go, for the benchmark's Go peer
#                               (bench/peers/go/; scripts/bench.sh asks for it)
#   scripts/setup.sh --bench    --go, and oha (crates.io, pinned), the load generator of
#                               the backends comparison (scripts/bench.sh --backends)
#   scripts/setup.sh --contract also Schemathesis and prometheus-client (PyPI, pinned) in
#                               .venv-contract/, the server's contract tier (scripts/contract.sh)
#   scripts/setup.sh --postgres also Debian's postgresql (its binaries only: no cluster is
#                               made or started; scripts/postgres.sh makes a throwaway one)
#
# Everything comes from crates.io, npm, Debian's apt or rustup: nothing else is fetched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

want_browser=0
want_go=0
want_oha=0
want_contract=0
want_postgres=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --go) want_go=1 ;;
    --bench) want_go=1 want_oha=1 ;;
    --contract) want_contract=1 ;;
    --postgres) want_postgres=1 ;;
    *) die "unknown option $arg (usage: scripts/setup.sh [--browser] [--go] [--bench] [--contract] [--postgres])" ;;
  esac
done

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
  rustup toolchain install "$TOOLCHAIN" --profile minimal \
    $(printf -- '-c %s ' "${components[@]}") -t wasm32-unknown-unknown
fi

# --- cargo-installed tools, each at a pinned version -----------------------------
# $1 binary, $2 expected `--version` output, $3 why, rest: cargo install arguments.
cargo_tool() {
  local bin=$1 expected=$2 why=$3
  shift 3
  if [ "$("$bin" --version 2>/dev/null | head -n1)" = "$expected" ]; then
    ok "$expected"
  else
    step "Installing $expected ($why)"
    cargo "+$TOOLCHAIN" install --force "$@"
    [ "$("$bin" --version 2>/dev/null | head -n1)" = "$expected" ] ||
      die "$bin --version does not print '$expected' after installing it"
  fi
}
cargo_tool trunk "trunk $TRUNK_VERSION" \
  "builds the page; about 8 minutes on 2 cores the first time" \
  --locked trunk --version "$TRUNK_VERSION"
# Exactly Cargo.lock's wasm-bindgen: the CLI and the library must agree. Not --locked:
# one of its locked dependencies is no longer on crates.io.
cargo_tool wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" \
  "generates the JS glue, must equal Cargo.lock's wasm-bindgen; about 2 minutes" \
  wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
cargo_tool wasm-pack "wasm-pack $WASM_PACK_VERSION" \
  "runs the wasm tests in headless Chrome; about 1.5 minutes" \
  --locked wasm-pack --version "$WASM_PACK_VERSION"
cargo_tool cargo-fuzz "cargo-fuzz $CARGO_FUZZ_VERSION" \
  "fuzzes the catalog parser (scripts/fuzz.sh); about 2 minutes" \
  --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"

# --- npm packages from the lockfile -----------------------------------------------
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.lock-hash ] && [ "$(cat node_modules/.lock-hash)" = "$lock_hash" ]; then
  ok "npm packages (package-lock.json unchanged)"
else
  step "Installing npm packages from package-lock.json (playwright-core drives Chromium; binaryen provides wasm-opt)"
  npm ci --no-audit --no-fund
  echo "$lock_hash" >node_modules/.lock-hash
fi
# It prints e.g. "wasm-opt version 132 (version_132)"; Trunk looks for Trunk.toml's value.
node_modules/.bin/wasm-opt --version | grep -qF "($WASM_OPT_VERSION)" ||
  die "node_modules/.bin/wasm-opt is not $WASM_OPT_VERSION (Trunk.toml [tools] wasm_opt)"

# --- crates, fetched now so the offline Trunk build finds them -------------------
# Both the project's crates and those of the std that build-std rebuilds for wasm.
if CARGO_UNSTABLE_BUILD_STD=panic_abort,std \
  cargo fetch --locked --offline --target wasm32-unknown-unknown >/dev/null 2>&1; then
  ok "crates in Cargo.lock, and std's for build-std"
else
  step "Fetching crates, and std's for build-std (Trunk.toml builds offline)"
  cargo fetch --locked
  CARGO_UNSTABLE_BUILD_STD=panic_abort,std cargo fetch --locked --target wasm32-unknown-unknown
fi

# --- browsers ---------------------------------------------------------------------
# The end-to-end tests run in three engines (tests/e2e/engines.mjs): Chromium, Firefox
# ESR and WebKitGTK, all Debian's; WebKitGTK's MiniBrowser has no headless mode, so it
# runs under Xvfb. Firefox's WebDriver server, geckodriver, is not packaged by Debian:
# it is built from crates.io.
if [ "$want_browser" = 1 ]; then
  browser_files=(/usr/bin/chromium /usr/bin/chromedriver /usr/bin/firefox-esr /usr/bin/WebKitWebDriver
    /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser /usr/bin/xvfb-run)
  missing=()
  for f in "${browser_files[@]}"; do [ -x "$f" ] || missing+=("$f"); done
  packages="chromium chromium-driver firefox-esr webkit2gtk-driver xvfb xauth"
  if [ ${#missing[@]} -eq 0 ]; then
    ok "$(/usr/bin/chromium --version 2>/dev/null | head -n1), $(/usr/bin/firefox-esr --version 2>/dev/null | head -n1), WebKitGTK's MiniBrowser and WebKitWebDriver, Xvfb"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "Installing Debian's $packages (the end-to-end tests run in Chromium, Firefox and WebKit; about 2 minutes)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $packages
  else
    die "the browser tests need ${missing[*]}. Install them as root:
    apt-get update && apt-get install -y $packages"
  fi
  cargo_tool geckodriver "geckodriver $GECKODRIVER_VERSION" \
    "Firefox's WebDriver server, for the Firefox tests; about 2 minutes" \
    --locked geckodriver --version "$GECKODRIVER_VERSION"
fi
# --- Schemathesis (the contract tier) -----------------------------------------------
# From PyPI into a virtual environment of its own, at the pinned version: nothing is
# installed into the system's Python.
if [ "$want_contract" = 1 ]; then
  st=.venv-contract/bin/st
  installed() {
    [ "$("$st" --version 2>/dev/null)" = "st, version $SCHEMATHESIS_VERSION" ] &&
      [ "$(.venv-contract/bin/python -c 'import importlib.metadata as m; print(m.version("prometheus-client"))' 2>/dev/null)" = "$PROMETHEUS_CLIENT_VERSION" ]
  }
  if installed; then
    ok "Schemathesis $SCHEMATHESIS_VERSION and prometheus-client $PROMETHEUS_CLIENT_VERSION (.venv-contract/)"
  else
    command -v python3 >/dev/null || die "the contract tier needs python3 (with venv) to install Schemathesis"
    step "Installing Schemathesis $SCHEMATHESIS_VERSION and prometheus-client $PROMETHEUS_CLIENT_VERSION from PyPI into .venv-contract/ (the server's contract tier; about a minute)"
    rm -rf .venv-contract
    python3 -m venv .venv-contract
    .venv-contract/bin/pip install --quiet --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION" "prometheus-client==$PROMETHEUS_CLIENT_VERSION"
    installed || die "Schemathesis $SCHEMATHESIS_VERSION or prometheus-client $PROMETHEUS_CLIENT_VERSION is not in .venv-contract/ after installing them"
  fi
fi

# --- Go (the benchmark's peer only) ------------------------------------------------
if [ "$want_go" = 1 ]; then
  if command -v go >/dev/null; then
    ok "$(go version)"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "Installing Debian's golang-go (the benchmark's Go peer; about a minute)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends golang-go
  else
    die "the benchmark's Go peer needs Go. Install it as root:
    apt-get update && apt-get install -y golang-go"
  fi
fi
if [ "$want_oha" = 1 ]; then
  cargo_tool oha "oha $OHA_VERSION" \
    "the backends comparison's open-loop load generator; about 5 minutes" \
    --locked oha --version "$OHA_VERSION"
fi
# --- Postgres (the database tier: scripts/postgres.sh) --------------------------------
if [ "$want_postgres" = 1 ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    ok "Postgres $(ls -d /usr/lib/postgresql/*/ | sort -V | tail -n1 | xargs basename)"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "Installing Debian's postgresql (the database tier; binaries only)"
    # No system cluster: the tests make their own in a temporary directory.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/shop-recs.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends postgresql
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ||
      die "postgresql is installed but no /usr/lib/postgresql/*/bin/initdb was found"
  else
    die "the database tier needs Postgres. Install it as root:
    apt-get update && apt-get install -y postgresql"
  fi
fi
ok "setup complete"
