//! `shop-recs`: the native command line and HTTP server.
//!
//! ```text
//! shop-recs recommend --catalog FILE --product ID [--mode serial|parallel] [--threads N]
//!                     [--iterations N] [--top K] [--json]
//! shop-recs bench (--catalog FILE | --generate N) [--seed S] [--product ID] [--iterations N]
//!                 [--top K] [--runs R] [--threads N] [--only serial|parallel]
//!                 [--kernel auto|portable|avx2|avx512] [--json]
//! shop-recs kernel [--generate N] [--seed S] [--iterations N] [--runs R] [--json]
//! shop-recs import FILE --database URL [--replace]
//! shop-recs serve [--host H] [--port P] [--dist DIR] [--catalog FILE | --generate N [--seed S]
//!                 | --database URL [--read-only]]
//!                 [--threads N] [--max-inflight N] [--reactor-nice N] [--catalog-memory BYTES]
//!                 [--request-timeout SECONDS] [--no-isolation]
//! ```
//!
//! Every failure (unreadable file, invalid JSON, unknown product, out-of-range numbers,
//! a thread pool that cannot be built) prints one line on stderr and exits with status 1
//! (2 for a malformed command line). On wasm32 this binary is an empty program: clap is
//! a native-only dependency, and the browser reaches the core through `src/wasm.rs`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod serve;
