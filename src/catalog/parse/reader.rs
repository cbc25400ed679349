//! Parsing a catalog as its bytes are read: a file of hundreds of megabytes never sits in
//! memory whole, as bytes or as one string.
//!
//! serde_json reads from an [`io::Read`] one byte at a time, through std's `BufReader`
//! (whose one-byte reads are a pop from its buffer). Under it, [`Tracked`] does what
//! [`super::parse_catalog_bytes`] does on a whole text: it skips a leading byte order
//! mark, refuses more than the byte limit, checks that the bytes are UTF-8 (naming the
//! first bad byte), and keeps the last few hundred kilobytes it handed out, so that a
//! syntax error's column can be counted in characters, as editors count them.

use std::io::{self, Read};

use serde::de::DeserializeSeed;

use super::top::TopLevel;
use super::{CatalogBuilder, Failure};
use crate::catalog::{Catalog, CatalogError, MAX_PRODUCTS};

/// serde_json's buffer: bytes read from the source at a time.
const BUFFER: usize = 64 * 1024;
/// Bytes handed out that are kept for an error's column: more than the buffer holds.
const WINDOW: usize = 4 * BUFFER;

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
        let buffered = io::BufReader::with_capacity(BUFFER, &mut tracked);
        let mut json = serde_json::Deserializer::from_reader(buffered);
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
struct Tracked<R> {
    source: R,
    limit: usize,
    /// The absolute offset of the next byte to hand out (a byte order mark counted).
    offset: usize,
    /// The first bytes, read ahead to look for a byte order mark, and how many of them
    /// were handed out.
    head: Vec<u8>,
    head_at: usize,
    started: bool,
    /// A character cut by the end of the last read, and its absolute offset.
    pending: Vec<u8>,
    pending_at: usize,
    /// The bytes last handed out (at most `2 * WINDOW`), and, at `window[0]`, the line
    /// (1-based) and the bytes and characters of that line before it.
    window: Vec<u8>,
    window_line: usize,
    window_line_bytes: usize,
    window_line_chars: usize,
    /// Set when the bytes themselves stopped the parse.
    stopped: Option<ReadError>,
}

impl<R: Read> Tracked<R> {
    fn new(source: R, limit: usize) -> Tracked<R> {
        Tracked {
            source,
            limit,
            offset: 0,
            head: Vec::new(),
            head_at: 0,
            started: false,
            pending: Vec::new(),
            pending_at: 0,
            window: Vec::with_capacity(2 * WINDOW + BUFFER),
            window_line: 1,
            window_line_bytes: 0,
            window_line_chars: 0,
            stopped: None,
        }
    }

    /// Stops the parse for `error`: serde_json sees an I/O error and unwinds.
    fn stop(&mut self, error: ReadError) -> io::Error {
        self.stopped = Some(error);
        io::Error::other("the catalog's bytes stopped the parse")
    }

    /// One read of the source, retried when interrupted.
    fn read_source(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.source.read(out) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.stop(ReadError::Read(e))),
                Ok(read) => return Ok(read),
            }
        }
    }

    /// Reads the first three bytes (fewer at the end) and skips a byte order mark.
    fn start(&mut self) -> io::Result<()> {
        self.started = true;
        let mut head = [0u8; 3];
        let mut filled = 0;
        while filled < head.len() {
            let read = self.read_source(&mut head[filled..])?;
            if read == 0 {
                break;
            }
            filled += read;
        }
        if head[..filled] == *"\u{feff}".as_bytes() {
            // Not JSON, and not counted in the first line's columns.
            self.offset = 3;
        } else {
            self.head = head[..filled].to_vec();
        }
        Ok(())
    }

    /// Checks that `bytes`, at absolute offset `at`, continue valid UTF-8; a character
    /// cut at their end waits in `pending` for the next read.
    fn check_text(&mut self, bytes: &[u8], at: usize) -> Result<(), CatalogError> {
        let (mut rest, mut rest_at) = (bytes, at);
        if !self.pending.is_empty() {
            let width = match self.pending[0] {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            let take = (width - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            (rest, rest_at) = (&rest[take..], rest_at + take);
            if self.pending.len() < width {
                return Ok(());
            }
            if std::str::from_utf8(&self.pending).is_err() {
                return Err(CatalogError::NotText {
                    offset: self.pending_at,
                });
            }
            self.pending.clear();
        }
        match std::str::from_utf8(rest) {
            Ok(_) => Ok(()),
            Err(e) if e.error_len().is_none() => {
                self.pending = rest[e.valid_up_to()..].to_vec();
                self.pending_at = rest_at + e.valid_up_to();
                Ok(())
            }
            Err(e) => Err(CatalogError::NotText {
                offset: rest_at + e.valid_up_to(),
            }),
        }
    }

    /// Keeps `bytes` in the window, dropping its older half when it is full.
    fn remember(&mut self, bytes: &[u8]) {
        self.window.extend_from_slice(bytes);
        if self.window.len() > 2 * WINDOW {
            let dropped = self.window.len() - WINDOW;
            let old = &self.window[..dropped];
            let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| !is_continuation(b)).count();
            match old.iter().rposition(|&b| b == b'\n') {
                Some(newline) => {
                    self.window_line += old.iter().filter(|&&b| b == b'\n').count();
                    self.window_line_bytes = old.len() - newline - 1;
                    self.window_line_chars = chars(&old[newline + 1..]);
                }
                None => {
                    self.window_line_bytes += old.len();
                    self.window_line_chars += chars(old);
                }
            }
            self.window.drain(..dropped);
        }
    }

    /// The syntax error, with its column counted in characters: those that start in the
    /// first `column` bytes of its line (serde_json counts bytes).
    fn invalid_json(&self, error: &serde_json::Error) -> CatalogError {
        let (line, column) = (error.line().max(1), error.column());
        let (mut at_line, mut bytes, mut chars) = (
            self.window_line,
            self.window_line_bytes,
            self.window_line_chars,
        );
        for &byte in &self.window {
            if at_line == line && (bytes >= column || byte == b'\n') {
                break;
            }
            if byte == b'\n' {
                (at_line, bytes, chars) = (at_line + 1, 0, 0);
            } else {
                bytes += 1;
                chars += usize::from(!is_continuation(byte));
            }
        }
        // Past the window's start only by a fault of this reckoning: then bytes.
        let chars = if at_line == line && bytes <= column {
            chars
        } else {
            column
        };
        super::invalid_json_at(error, line, chars.max(1))
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xc0 == 0x80
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.stopped.is_some() {
            return Err(io::Error::other("the catalog's bytes stopped the parse"));
        }
        if !self.started {
            self.start()?;
        }
        let read = if self.head_at < self.head.len() {
            let n = out.len().min(self.head.len() - self.head_at);
            out[..n].copy_from_slice(&self.head[self.head_at..self.head_at + n]);
            self.head_at += n;
            n
        } else {
            self.read_source(out)?
        };
        let at = self.offset;
        self.offset += read;
        if self.offset > self.limit {
            let bytes = self.offset;
            return Err(self.stop(ReadError::Catalog(CatalogError::TooLarge {
                bytes,
                limit: self.limit,
            })));
        }
        if read == 0 && !self.pending.is_empty() {
            let offset = self.pending_at;
            return Err(self.stop(ReadError::Catalog(CatalogError::NotText { offset })));
        }
        if let Err(error) = self.check_text(&out[..read], at) {
            return Err(self.stop(ReadError::Catalog(error)));
        }
        self.remember(&out[..read]);
        Ok(read)
    }
}
