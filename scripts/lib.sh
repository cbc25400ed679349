# Shared by the scripts in this folder: pinned versions, PATH, and messages.
# shellcheck shell=bash

# The pinned toolchain, read from rust-toolchain.toml so it is written in one place.
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
CARGO_FUZZ_VERSION=0.13.2
# The contract tier's fuzzer (scripts/contract.sh), from PyPI into .venv-contract/.
SCHEMATHESIS_VERSION=4.32.5
# Prometheus's own Python client, whose text parser reads /metrics in the same tier.
PROMETHEUS_CLIENT_VERSION=0.26.0
# The benchmark's HTTP load generator (the backends under open-loop load), from crates.io.
OHA_VERSION=1.16.0
# Firefox's WebDriver server, for the end-to-end tests and the wasm tests' Firefox run (Debian has none).
GECKODRIVER_VERSION=0.37.1
# wasm-bindgen's CLI (and its wasm-bindgen-test-runner, which runs the wasm tests in
# browsers) must be exactly the library version in Cargo.lock.
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
# npm's binaryen (package.json pins 132): Debian's 108 produces a threaded module that
# dies with `WebAssembly.Table.set(): Argument 1 is invalid`. As `wasm-opt --version` says it.
WASM_OPT_VERSION=version_132

# cargo-installed tools, and npm's wasm-opt.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"
# rustup must not install toolchains behind our back; setup.sh does it explicitly.
export RUSTUP_AUTO_INSTALL=0

# wasm_site MODULE OUT [WASM-OPT FLAGS...]: cargo's wasm MODULE with wasm-bindgen's glue
# (`web` target, fixed names, so that js/worker.js imports ../shop-recs.js by name; also
# snippets/, wasm-bindgen-rayon's worker helpers for the threaded build) and optimised by
# wasm-opt -O3 (npm's binaryen: Debian's fails, see WASM_OPT_VERSION) into OUT. Made in
# OUT.new and moved into place complete, so that a failed step never leaves a half-made
# module that looks up to date; made again only when cargo's module is newer than OUT's
# (wasm-opt takes a while).
wasm_site() {
  local module=$1 out=$2
  shift 2
  if [ ! -f "$out/shop-recs_bg.wasm" ] || [ "$module" -nt "$out/shop-recs_bg.wasm" ]; then
    rm -rf "$out" "$out.new"
    wasm-bindgen --target web --no-typescript --out-dir "$out.new" --out-name shop-recs "$module"
    wasm-opt -O3 "$@" "$out.new/shop-recs_bg.wasm" -o "$out.new/shop-recs_bg.wasm"
    mv "$out.new" "$out"
  fi
}

step() { printf '\n==> %s\n' "$*"; }
ok() { printf '  ok: %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }
