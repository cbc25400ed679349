//! `shop-recs generate`: a generated catalog as JSON, for tools that read catalog files
//! (the benchmark's Go peer scores the same generated catalogs as the CLI and the page).

use super::*;

#[derive(Args)]
pub(super) struct GenerateArgs {
    /// Products to generate, 1 to 1,000,000.
    #[arg(long, value_name = "N")]
    n: usize,
    /// Seed: the same N and seed give the same catalog everywhere (CLI, page, server).
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// Percentage of long products (0 to 25; see `recommend --help`).
    #[arg(long, value_name = "PERCENT", default_value_t = 0)]
    skew: u32,
}

/// Writes `{"products": [...]}`, one product a line, which every catalog reader here
/// parses back to the same catalog. Streamed: each product is written as it is made, so
/// the memory does not grow with N.
pub(super) fn generate_json(args: GenerateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let products = shop_recs::generate::products(args.n, args.seed, skew(args.skew)?)
        .map_err(CliError::Generate)?;
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let write = |out: &mut io::BufWriter<&mut dyn Write>| -> io::Result<()> {
        out.write_all(b"{\"products\": [\n")?;
        for (k, product) in products.enumerate() {
            if k > 0 {
                out.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *out, &product)?;
        }
        out.write_all(b"\n]}\n")?;
        out.flush()
    };
    match write(&mut out) {
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(CliError::Output(e)),
        _ => Ok(()),
    }
}
