//! Parsing a catalog as its bytes are read: a file of hundreds of megabytes never sits in
//! memory whole, as bytes or as one string.
//!
//! serde_json reads from an [`io::Read`] one byte at a time; [`Tracked`] sits between it
//! and the source and does what [`super::parse_catalog_bytes`] does on a whole text:
//! it skips a leading byte order mark, refuses more than the byte limit, checks that the
//! bytes are UTF-8 (naming the first bad byte), and counts the characters of the line
//! being read, so that a syntax error's column is in characters as editors count them.

use std::io::{self, Read};

use serde::de::DeserializeSeed;

use super::top::TopLevel;
use super::{CatalogBuilder, Failure};
use crate::catalog::{Catalog, CatalogError, MAX_PRODUCTS};

/// Bytes read from the source at a time.
const CHUNK: usize = 256 * 1024;

/// Parses and validates a catalog from `source`, reading it in chunks as it goes: the
/// same catalog and the same errors as [`super::parse_catalog_bytes`] on the same bytes,
/// for at most `limit` bytes (more is [`CatalogError::TooLarge`], counted as far as
/// they were read). A read error ends the parse with it.
///
/// One difference: a whole text is checked for UTF-8 before it is parsed, so there a
/// bad byte is reported even after a syntax error; read as a stream, the error met
/// first is reported.
///
/// # Examples
/// ```
/// use shop_recs::catalog::{MAX_CATALOG_BYTES, parse_catalog_reader};
///
/// let text = br#"{"products": [{"slug": "a", "description": "red wool"}]}"#;
/// let catalog = parse_catalog_reader(&text[..], MAX_CATALOG_BYTES)?;
/// assert_eq!(catalog.product(0).id, "a");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_catalog_reader<R: Read>(source: R, limit: usize) -> Result<Catalog, ReadError> {
    let mut tracked = Tracked::new(source, limit);
    let failure = Failure::default();
    let mut builder = CatalogBuilder::default();
    let parsed = {
        let mut json = serde_json::Deserializer::from_reader(&mut tracked);
        TopLevel {
            failure: &failure,
            limit: MAX_PRODUCTS,
            sink: &mut builder,
        }
        .deserialize(&mut json)
        .and_then(|()| json.end())
    };
    match parsed {
        Ok(()) => builder.finish().map_err(ReadError::Catalog),
        Err(error) => Err(match (tracked.stopped.take(), failure.take()) {
            (Some(stopped), _) => stopped,
            (None, Some(failure)) => ReadError::Catalog(failure),
            (None, None) => ReadError::Catalog(tracked.invalid_json(&error)),
        }),
    }
}

/// Why a catalog could not be read from a stream: the source failed, or the bytes read
/// are not a valid catalog.
#[derive(Debug)]
pub enum ReadError {
    Read(io::Error),
    Catalog(CatalogError),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Read(e) => write!(f, "cannot read the catalog: {e}"),
            ReadError::Catalog(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Read(e) => Some(e),
            ReadError::Catalog(e) => Some(e),
        }
    }
}

/// The source, with the checks of a whole text made on the bytes as they pass.
///
/// serde_json asks for one byte at a time, so handing a byte out is a copy and two
/// increments; the line and column are worked out from the buffer only when an error
/// needs them.
struct Tracked<R> {
    source: R,
    limit: usize,
    chunk: Vec<u8>,
    /// Where the source writes each read, before it joins `chunk`.
    scratch: Box<[u8]>,
    /// `chunk[at..]` is not yet handed to serde_json.
    at: usize,
    /// The absolute offset of `chunk[0]` in the source.
    base: usize,
    /// `chunk[unchecked..]` is not yet known to be UTF-8 (at most a cut character,
    /// between two reads).
    unchecked: usize,
    /// True once the source has ended.
    ended: bool,
    /// True once the start was checked for a byte order mark.
    started: bool,
    /// Bytes and characters of the current line that lie before `chunk[0]`.
    line_bytes: usize,
    line_chars: usize,
    /// Set when the bytes themselves stopped the parse.
    stopped: Option<ReadError>,
}

impl<R: Read> Tracked<R> {
    fn new(source: R, limit: usize) -> Tracked<R> {
        Tracked {
            source,
            limit,
            chunk: Vec::with_capacity(CHUNK + 4),
            scratch: vec![0; CHUNK].into_boxed_slice(),
            at: 0,
            base: 0,
            unchecked: 0,
            ended: false,
            started: false,
            line_bytes: 0,
            line_chars: 0,
            stopped: None,
        }
    }

    /// Stops the parse for `error`: serde_json sees an I/O error and unwinds.
    fn stop(&mut self, error: ReadError) -> io::Error {
        self.stopped = Some(error);
        io::Error::other("the catalog's bytes stopped the parse")
    }

    /// The line counters after `bytes`, which follow what they counted.
    fn count_line(&self, bytes: &[u8]) -> (usize, usize) {
        let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| !is_continuation(b)).count();
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(newline) => (bytes.len() - newline - 1, chars(&bytes[newline + 1..])),
            None => (
                self.line_bytes + bytes.len(),
                self.line_chars + chars(bytes),
            ),
        }
    }

    /// Reads the next chunk after what is left of this one, and checks it.
    fn refill(&mut self) -> io::Result<()> {
        let keep = self.at.min(self.unchecked);
        (self.line_bytes, self.line_chars) = self.count_line(&self.chunk[..keep]);
        self.chunk.drain(..keep);
        self.base += keep;
        self.at -= keep;
        self.unchecked -= keep;
        loop {
            let read = loop {
                match self.source.read(&mut self.scratch) {
                    Ok(read) => break read,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(self.stop(ReadError::Read(e))),
                }
            };
            self.chunk.extend_from_slice(&self.scratch[..read]);
            self.ended = read == 0;
            // The first three bytes decide whether there is a byte order mark.
            if self.started || self.ended || self.chunk.len() >= 3 {
                break;
            }
        }
        let total = self.base + self.chunk.len();
        if total > self.limit {
            return Err(self.stop(ReadError::Catalog(CatalogError::TooLarge {
                bytes: total,
                limit: self.limit,
            })));
        }
        if !self.started {
            self.started = true;
            if self.chunk.starts_with("\u{feff}".as_bytes()) {
                // Not JSON, not counted in the first line's columns.
                self.at = 3;
                self.chunk.drain(..3);
                self.at = 0;
                self.base = 3;
                self.unchecked = 0;
            }
        }
        match std::str::from_utf8(&self.chunk[self.unchecked..]) {
            Ok(_) => {
                self.unchecked = self.chunk.len();
                Ok(())
            }
            // A character cut by the chunk's end: checked again with the next chunk.
            Err(e) if e.error_len().is_none() && !self.ended => {
                self.unchecked += e.valid_up_to();
                Ok(())
            }
            Err(e) => {
                let offset = self.base + self.unchecked + e.valid_up_to();
                Err(self.stop(ReadError::Catalog(CatalogError::NotText { offset })))
            }
        }
    }

    /// The syntax error, with its column counted in characters.
    fn invalid_json(&self, error: &serde_json::Error) -> CatalogError {
        let line = error.line().max(1);
        // serde_json's column is the bytes of the line it had taken: the characters
        // that start in those bytes.
        let (line_bytes, _) = self.count_line(&self.chunk[..self.at]);
        let back = line_bytes.saturating_sub(error.column()).min(self.at);
        let (_, line_chars) = self.count_line(&self.chunk[..self.at - back]);
        super::invalid_json_at(error, line, line_chars.max(1))
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xc0 == 0x80
}

impl<R: Read> Read for Tracked<R> {
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at == self.chunk.len() {
            if self.stopped.is_some() {
                return Err(io::Error::other("the catalog's bytes stopped the parse"));
            }
            if self.ended {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = out.len().min(self.chunk.len() - self.at);
        out[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
