//! Catalog files, for the native shells (the CLI and the server; not the core, which does
//! no I/O, and not wasm, where the page's worker reads files).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, CatalogError, MAX_CATALOG_BYTES, parse_catalog};

/// Why a catalog file could not be loaded; shown as one line naming the file.
#[derive(Debug)]
pub enum FileError {
    /// The file could not be read.
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is over [`MAX_CATALOG_BYTES`]; it was not read.
    TooLarge { path: PathBuf, bytes: u64 },
    /// The file is not a valid catalog.
    Catalog { path: PathBuf, source: CatalogError },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            FileError::TooLarge { path, bytes } => write!(
                f,
                "{}: the catalog is {bytes} bytes; the limit is {MAX_CATALOG_BYTES} bytes",
                path.display()
            ),
            FileError::Catalog { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FileError::Read { source, .. } => Some(source),
            FileError::TooLarge { .. } => None,
            FileError::Catalog { source, .. } => Some(source),
        }
    }
}

/// Loads the catalog file at `path`, and returns its text as read too (the server hashes
/// the same bytes, reading the file once). A file over [`MAX_CATALOG_BYTES`] is refused
/// before it is read.
pub fn load_catalog_file(path: &Path) -> Result<(Catalog, String), FileError> {
    let read_error = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::metadata(path).map_err(read_error)?.len();
    if bytes > MAX_CATALOG_BYTES as u64 {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            bytes,
        });
    }
    let text = std::fs::read_to_string(path).map_err(read_error)?;
    let catalog = parse_catalog(&text).map_err(|source| FileError::Catalog {
        path: path.to_path_buf(),
        source,
    })?;
    Ok((catalog, text))
}
