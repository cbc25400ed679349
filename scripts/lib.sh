# Shared by the scripts in this folder: pinned versions, PATH, and messages.
# shellcheck shell=bash

# The pinned toolchain, read from rust-toolchain.toml so it is written in one place.
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
TRUNK_VERSION=0.22.1
WASM_PACK_VERSION=0.15.1
CARGO_FUZZ_VERSION=0.13.2
# The contract tier's fuzzer (scripts/contract.sh), from PyPI into .venv-contract/.
SCHEMATHESIS_VERSION=4.32.5
# Prometheus's own Python client, whose text parser reads /metrics in the same tier.
PROMETHEUS_CLIENT_VERSION=0.26.0
# The benchmark's HTTP load generator (the backends under open-loop load), from crates.io.
OHA_VERSION=1.16.0
# Firefox's WebDriver server, for the end-to-end tests and wasm-pack's Firefox run (Debian has none).
GECKODRIVER_VERSION=0.37.1
# wasm-bindgen's CLI must be exactly the library version in Cargo.lock.
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
# Trunk.toml's [tools] wasm_opt, which Trunk compares with `wasm-opt --version`.
WASM_OPT_VERSION=$(sed -n 's/^wasm_opt *= *"\(.*\)"/\1/p' Trunk.toml)

# cargo-installed tools, and npm's wasm-opt for Trunk.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"
# rustup must not install toolchains behind our back; setup.sh does it explicitly.
export RUSTUP_AUTO_INSTALL=0

step() { printf '\n==> %s\n' "$*"; }
ok() { printf '  ok: %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }
