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

/// `{"products": [...]}`, which every catalog reader here parses back to the same catalog.
pub(super) fn generate_json(args: GenerateArgs) -> Result<String, CliError> {
    let catalog =
        generate_skewed(args.n, args.seed, skew(args.skew)?).map_err(CliError::Generate)?;
    let json = json!({ "products": catalog.products() });
    Ok(format!("{json}\n"))
}
