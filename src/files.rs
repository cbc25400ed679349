//! Catalog files, for the native shells (the CLI and the server; not the core, which does
//! no I/O, and not wasm, where the page's worker reads files).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::catalog::{
    Catalog, CatalogError, MAX_CATALOG_BYTES, MAX_PRODUCTS, Product, ReadError, diagnose_reader,
    parse_catalog_reader_on_pool, parse_products,
};

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

/// Loads the catalog file at `path`, parsing it as it is read (a file of hundreds of
/// megabytes is never held whole), its products on the rayon pool when it has more than
/// one thread ([`parse_catalog_reader_on_pool`]). A file over [`MAX_CATALOG_BYTES`] is
/// refused before it is read.
pub fn load_catalog_file(path: &Path) -> Result<Catalog, FileError> {
    load_catalog_file_seeing(path, |_| {})
}

/// [`load_catalog_file`], handing every byte of the file to `see` once, in order, a chunk
/// at a time (the server hashes the file this way, while it is parsed).
pub fn load_catalog_file_seeing(
    path: &Path,
    mut see: impl FnMut(&[u8]),
) -> Result<Catalog, FileError> {
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
    // The file may be read twice (once on the pool, once serially where the pool's scan
    // gives up); `see` is shown only the bytes past what an earlier reading showed it.
    let (seen, see) = (Cell::new(0), RefCell::new(&mut see));
    let open = || {
        Ok(Seeing {
            inner: std::fs::File::open(path)?,
            at: 0,
            seen: &seen,
            see: &see,
        })
    };
    parse_catalog_reader_on_pool(open, MAX_CATALOG_BYTES, Some(bytes))
        .map(|(catalog, _threads)| catalog)
        .map_err(|error| match error {
            ReadError::Read(source) => read_error(source),
            ReadError::Catalog(first) => FileError::Catalog {
                path: path.to_path_buf(),
                source: every_product_problem(path, first),
            },
        })
}

/// When the first problem of the catalog file at `path` is a product's, every product's
/// problem (the file read a second time, product by product: a stream reports only its
/// first); else, or when the file cannot be read again, `first`.
fn every_product_problem(path: &Path, first: CatalogError) -> CatalogError {
    if !first.is_about_a_product() {
        return first;
    }
    std::fs::File::open(path)
        .ok()
        .and_then(|file| diagnose_reader(file, MAX_PRODUCTS))
        .unwrap_or(first)
}

/// The products of the catalog file at `path`, every field as read, after the checks of
/// [`load_catalog_file`] (the same errors): what `shop-recs import` writes to a database.
/// The file is read once; its text is kept for the second pass that keeps every field.
pub fn load_products_file(path: &Path) -> Result<Vec<Product>, FileError> {
    let mut text = Vec::new();
    load_catalog_file_seeing(path, |bytes| text.extend_from_slice(bytes))?;
    let catalog_error = |source| FileError::Catalog {
        path: path.to_path_buf(),
        source,
    };
    // The reader has checked that the bytes are UTF-8; this cannot fail, but says so if it does.
    let text = String::from_utf8(text).map_err(|e| {
        catalog_error(CatalogError::NotText {
            offset: e.utf8_error().valid_up_to(),
        })
    })?;
    parse_products(&text).map_err(catalog_error)
}

/// A reader that shows `see` the bytes it reads past the first `seen`, and moves `seen`.
struct Seeing<'a, R, F> {
    inner: R,
    /// Bytes read so far by this reader.
    at: u64,
    seen: &'a Cell<u64>,
    see: &'a RefCell<F>,
}

impl<R: Read, F: FnMut(&[u8])> Read for Seeing<'_, R, F> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        let end = self.at + read as u64;
        let seen = self.seen.get();
        if end > seen {
            let new = (seen.saturating_sub(self.at)) as usize;
            (self.see.borrow_mut())(&out[new..read]);
            self.seen.set(end);
        }
        self.at = end;
        Ok(read)
    }
}
