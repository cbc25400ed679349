//! A catalog's products parsed and built on the rayon pool, a piece at a time.
//!
//! The reading thread reads the text a block at a time and finds where each product
//! object starts and ends: a scan for strings and brackets, far cheaper than parsing.
//! About every [`PIECE`] bytes of whole products become a piece, which a pool thread
//! parses and builds into a [`CatalogBuilder`] of its own, started at the piece's first
//! product. The reading thread merges the pieces in catalog order as they come back
//! ([`CatalogBuilder::merge`]), so the catalog is the serial build's, table for table,
//! and at most a few pieces' text is ever held.
//!
//! Only the common shape is read this way: an array of product objects, or an object
//! whose one `products` field is such an array, beside other fields of any value (each
//! checked by serde_json as it is passed). Whatever the scan does not follow exactly
//! gives up: a top-level key with an escape, nesting deeper than the scan follows, an
//! element that is not an object, an empty array, a syntax error, bytes that are not
//! UTF-8, a product the parser refuses, more products or bytes than the limits. The
//! caller then reads the text again with the serial parser, which reports what it
//! always reports. The result is the serial parse's, error included, either way.
//!
//! By concern: `scan.rs` finds the pieces in the text (the reading thread), `order.rs`
//! builds each piece and merges them back in catalog order, and this file drives both.

mod order;
mod scan;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use std::io::{self, Read};
use std::sync::mpsc;

use super::{ReadError, parse_catalog_reader};
use crate::catalog::{Catalog, CatalogBuilder, MAX_PRODUCTS};
use order::{Merger, Reply, build_piece};
use scan::{Piece, Scanner, Stop};

/// Bytes read from the source at a time.
const BLOCK: usize = 256 * 1024;
/// About how many bytes of products make a piece: some 2,500 generated products, a few
/// milliseconds of parsing; a million products are some 400 pieces.
const PIECE: usize = 1024 * 1024;

/// [`parse_catalog_reader`] with the products parsed and built on the current rayon pool
/// (the module's documentation says how): the same catalog, or the same error.
///
/// `open` gives a reader of the text from its start. It is called once, and once more
/// when the text has to be read serially: a shape the scan leaves to the serial parser,
/// or any problem, so that the serial parser names it. On a pool of one thread (and in
/// the single-thread wasm build) the pieces are built one after the other on the calling
/// thread: still faster than the serial parser, which reads its bytes one at a time.
/// `size`, the text's length when it is known (a file's), lets the tables be reserved
/// once, early, instead of doubling as they grow. Returns the catalog and the threads
/// that built it (1 when it was read serially, on one thread, or was one piece).
///
/// # Examples
/// ```
/// use shop_recs::catalog::{MAX_CATALOG_BYTES, parse_catalog_reader, parse_catalog_reader_on_pool};
///
/// let text = br#"{"products": [{"slug": "a", "description": "red wool"}, {"slug": "b", "description": "wool"}]}"#;
/// let (catalog, _threads) = parse_catalog_reader_on_pool(|| Ok(&text[..]), MAX_CATALOG_BYTES, None)?;
/// assert_eq!(catalog, parse_catalog_reader(&text[..], MAX_CATALOG_BYTES)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_catalog_reader_on_pool<R: Read>(
    mut open: impl FnMut() -> io::Result<R>,
    limit: usize,
    size: Option<u64>,
) -> Result<(Catalog, usize), ReadError> {
    let threads = rayon::current_num_threads();
    let source = open().map_err(ReadError::Read)?;
    let expected = size.map_or(0, |bytes| bytes.min(limit as u64) as usize);
    if let Pooled::Built(builder, pieces) =
        parse_on_pool(source, limit, MAX_PRODUCTS, expected).map_err(ReadError::Read)?
    {
        let catalog = builder.finish().map_err(ReadError::Catalog)?;
        return Ok((catalog, threads.min(pieces)));
    }
    let source = open().map_err(ReadError::Read)?;
    Ok((parse_catalog_reader(source, limit)?, 1))
}

/// How a parse on the pool went.
pub(crate) enum Pooled {
    /// Every product parsed, merged into one builder, in this many pieces.
    Built(Box<CatalogBuilder>, usize),
    /// The text is not one the scan follows, or a piece failed: read it serially.
    Serial,
}

/// Parses the catalog text `source` on the current rayon pool, at most `limit` bytes and
/// `most` products of it (the module's documentation says how). A read error ends it
/// with that error.
pub(crate) fn parse_on_pool<R: Read>(
    source: R,
    limit: usize,
    most: usize,
    expected: usize,
) -> io::Result<Pooled> {
    parse_in_pieces(source, limit, most, PIECE, BLOCK, expected)
}

/// Whether a text of `bytes` is worth reading on the pool: more than a few pieces.
pub(crate) fn worth_pieces(bytes: usize) -> bool {
    bytes > 4 * PIECE
}

/// [`parse_on_pool`] with the piece and block sizes given: tests make them tiny, so that
/// a short text is many pieces read in many blocks.
pub(crate) fn parse_in_pieces<R: Read>(
    source: R,
    limit: usize,
    most: usize,
    piece: usize,
    block: usize,
    expected: usize,
) -> io::Result<Pooled> {
    // The pieces in flight at once: enough to keep every thread busy while the reading
    // thread merges, few enough that their text stays a few megabytes.
    let threads = rayon::current_num_threads();
    let most_in_flight = 4 * threads;
    let (replies, received) = mpsc::channel();
    rayon::in_place_scope(|scope| {
        let mut merger = Merger::new(received, expected);
        let mut scanner = Scanner::new(source, limit, most, piece, block);
        let scanned = scanner.run(&mut |piece: Piece| {
            if threads == 1 {
                // No other thread: built here, in order, each piece as it is cut.
                merger.sent += 1;
                return merger.accept(merger.next, build_piece(&piece));
            }
            while merger.sent - merger.next >= most_in_flight {
                merger.receive_one()?;
            }
            let reply = Reply {
                to: replies.clone(),
                index: merger.sent,
                built: None,
            };
            merger.sent += 1;
            scope.spawn(move |_| reply.with(build_piece(&piece)));
            Ok(())
        });
        let result = scanned.and_then(|()| {
            while merger.next < merger.sent {
                merger.receive_one()?;
            }
            Ok(())
        });
        match result {
            Ok(()) => Ok(match merger.merged {
                Some(builder) => Pooled::Built(Box::new(builder), merger.sent),
                None => Pooled::Serial,
            }),
            Err(Stop::Serial) => Ok(Pooled::Serial),
            Err(Stop::Read(error)) => Err(error),
        }
    })
}
