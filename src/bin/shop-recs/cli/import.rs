//! `shop-recs import FILE --database URL`: a catalog file into the shop's database, with
//! the same parser and errors as every catalog file, in one transaction.

use super::*;
use shop_recs::database::Database;
use shop_recs::files::load_products_file;

#[derive(Args)]
pub(super) struct ImportArgs {
    /// The catalog file: an array of products or an object with a "products" array.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The database: sqlite://FILE (or a file's path; created if missing) or
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE. Its tables are created if missing.
    #[arg(long, value_name = "URL")]
    database: String,
    /// Replace the database's catalog with the file's; without it, products are upserted
    /// by identifier (new ones added after the others, the rest kept).
    #[arg(long)]
    replace: bool,
}

/// Reads and checks the whole file first, then writes it in one transaction: a file
/// that fails a check, or a write that fails, leaves the database as it was.
pub(super) fn import(args: ImportArgs) -> Result<String, CliError> {
    let products = load_products_file(&args.file).map_err(CliError::File)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Output)?;
    let (kind, imported) = runtime
        .block_on(async {
            let db = Database::connect(&args.database).await?;
            let imported = db.import(&products, args.replace).await?;
            Ok((db.kind(), imported))
        })
        .map_err(CliError::Database)?;
    let removed = if args.replace {
        format!(", {} removed first", imported.removed)
    } else {
        String::new()
    };
    Ok(format!(
        "imported {} products from {} into {} ({} new, {} updated{removed}); catalog version {}\n",
        imported.products,
        args.file.display(),
        kind.name(),
        imported.added,
        imported.updated,
        imported.version
    ))
}
