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
//! gives up: a top-level key with an escape, nesting deeper than [`MAX_NESTING`], an
//! element that is not an object, an empty array, a syntax error, bytes that are not
//! UTF-8, a product the parser refuses, more products or bytes than the limits. The
//! caller then reads the text again with the serial parser, which reports what it
//! always reports. The result is the serial parse's, error included, either way.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::mpsc;

use serde::de::{DeserializeSeed, IgnoredAny};

use super::product::{Path, Prefix, ProductSeed};
use super::{Failure, ReadError, parse_catalog_reader};
use crate::catalog::{Catalog, CatalogBuilder, MAX_PRODUCTS};

/// Bytes read from the source at a time.
const BLOCK: usize = 256 * 1024;
/// About how many bytes of products make a piece: some 2,500 generated products, a few
/// milliseconds of parsing; a million products are some 400 pieces.
const PIECE: usize = 1024 * 1024;
/// Deepest nesting the scan follows: serde_json's own limit (128) counts from the top
/// of the text, so the scan stays well under it and leaves deeper texts to the serial
/// parser, which reports its error.
const MAX_NESTING: usize = 64;

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

/// Why the scan stopped short.
enum Stop {
    /// The source failed.
    Read(io::Error),
    /// Read it serially instead.
    Serial,
}

type Scan<T> = Result<T, Stop>;

/// Consecutive whole products: `bytes[start..end]` is each one's object.
struct Piece {
    /// The text's bytes from the end of the piece before to this piece's end.
    span: usize,
    bytes: Vec<u8>,
    products: Vec<(usize, usize)>,
    /// The index of the first, in the whole catalog.
    first: usize,
    prefix: Prefix,
}

/// The piece's products parsed and built, or `None` when any of them fails (the serial
/// parser reports why).
fn build_piece(piece: &Piece) -> Option<Built> {
    let failure = Failure::default();
    let mut builder = CatalogBuilder::starting_at(piece.first);
    for (k, &(start, end)) in piece.products.iter().enumerate() {
        let text = std::str::from_utf8(&piece.bytes[start..end]).ok()?;
        let mut json = serde_json::Deserializer::from_str(text);
        let at = Path {
            prefix: piece.prefix,
            index: piece.first + k,
        };
        let product = ProductSeed {
            failure: &failure,
            at,
        }
        .deserialize(&mut json)
        .ok()?;
        json.end().ok()?;
        builder.push(&product);
    }
    Some(Built {
        builder,
        span: piece.span,
    })
}

/// A piece built, and how much of the text it took.
struct Built {
    builder: CatalogBuilder,
    span: usize,
}

/// A piece's answer, sent when it is built, or as a failure if building it panicked
/// (so that the reading thread never waits for an answer that will not come).
struct Reply {
    to: mpsc::Sender<(usize, Option<Built>)>,
    index: usize,
    built: Option<Built>,
}

impl Reply {
    fn with(mut self, built: Option<Built>) {
        self.built = built;
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        // The reading thread may have stopped listening; nothing is left to tell.
        let _ = self.to.send((self.index, self.built.take()));
    }
}

/// The reading thread's side: the pieces sent, and those merged in order so far.
struct Merger {
    received: mpsc::Receiver<(usize, Option<Built>)>,
    waiting: BTreeMap<usize, Option<Built>>,
    merged: Option<CatalogBuilder>,
    /// The text's length when known (else 0), and how much of it was merged.
    expected: usize,
    merged_bytes: usize,
    reserved: bool,
    sent: usize,
    /// The next piece to merge.
    next: usize,
}

impl Merger {
    fn new(received: mpsc::Receiver<(usize, Option<Built>)>, expected: usize) -> Merger {
        Merger {
            received,
            waiting: BTreeMap::new(),
            merged: None,
            expected,
            merged_bytes: 0,
            reserved: false,
            sent: 0,
            next: 0,
        }
    }

    /// Waits for one piece, then merges every piece that is next in order.
    fn receive_one(&mut self) -> Scan<()> {
        let (index, built) = self.wait()?;
        self.accept(index, built)
    }

    /// Takes piece `index`, then merges every piece that is next in order.
    fn accept(&mut self, index: usize, built: Option<Built>) -> Scan<()> {
        self.waiting.insert(index, built);
        while let Some(built) = self.waiting.remove(&self.next) {
            let Built { builder, span } = built.ok_or(Stop::Serial)?;
            let merged = match self.merged.take() {
                None => builder,
                Some(mut merged) => {
                    merged.merge(builder);
                    merged
                }
            };
            let merged = self.merged.insert(merged);
            self.merged_bytes += span;
            // Room for the rest, once a few megabytes tell how the text builds: the
            // tables scaled by the text's length over what was merged, and a margin.
            let enough = (4 << 20).min(self.expected / 8);
            if !self.reserved && self.expected > 0 && self.merged_bytes >= enough {
                merged.reserve_scaled(self.expected as f64 / self.merged_bytes as f64 * 1.05);
                self.reserved = true;
            }
            self.next += 1;
        }
        Ok(())
    }

    fn wait(&self) -> Scan<(usize, Option<Built>)> {
        if rayon::current_thread_index().is_none() {
            return self.received.recv().map_err(|_| Stop::Serial);
        }
        // On one of the pool's own threads (a caller inside `install`): it runs the
        // pool's work while it waits instead of blocking, or a pool of one thread
        // would never build the piece it waits for.
        loop {
            match self.received.try_recv() {
                Ok(reply) => return Ok(reply),
                Err(mpsc::TryRecvError::Disconnected) => return Err(Stop::Serial),
                Err(mpsc::TryRecvError::Empty) => {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        std::thread::yield_now();
                    }
                }
            }
        }
    }
}

/// The reading thread's scan of the text's structure.
struct Scanner<R> {
    source: R,
    /// Bytes read and not yet handed to a piece; `pos` is the scan's place in them.
    buf: Vec<u8>,
    pos: usize,
    read: usize,
    limit: usize,
    /// Most products.
    most: usize,
    ended: bool,
    piece: usize,
    block: usize,
    /// The products of the piece being gathered, and how many came before them.
    products: Vec<(usize, usize)>,
    first: usize,
}

impl<R: Read> Scanner<R> {
    fn new(source: R, limit: usize, most: usize, piece: usize, block: usize) -> Scanner<R> {
        Scanner {
            source,
            buf: Vec::with_capacity(piece + 2 * block),
            pos: 0,
            read: 0,
            limit,
            most,
            ended: false,
            piece,
            block,
            products: Vec::new(),
            first: 0,
        }
    }

    /// Scans the whole text, handing each piece to `emit`.
    fn run(&mut self, emit: &mut dyn FnMut(Piece) -> Scan<()>) -> Scan<()> {
        while self.buf.len() < 3 && self.more()? {}
        if self.buf.starts_with("\u{feff}".as_bytes()) {
            self.pos = 3;
        }
        match self.token()? {
            b'[' => {
                self.pos += 1;
                self.products(Prefix::Array, emit)?;
            }
            b'{' => {
                self.pos += 1;
                self.object(emit)?;
            }
            _ => return Err(Stop::Serial),
        }
        match self.next_token()? {
            None => Ok(()),
            Some(_) => Err(Stop::Serial),
        }
    }

    /// The top-level object, after its `{`.
    fn object(&mut self, emit: &mut dyn FnMut(Piece) -> Scan<()>) -> Scan<()> {
        let mut products = false;
        loop {
            if self.token()? != b'"' {
                return Err(Stop::Serial);
            }
            let start = self.pos;
            self.skip_string()?;
            let key = &self.buf[start..self.pos];
            if key.contains(&b'\\') {
                return Err(Stop::Serial);
            }
            let is_products = key == b"\"products\"";
            if !is_products {
                check_value(key)?;
            }
            if self.token()? != b':' {
                return Err(Stop::Serial);
            }
            self.pos += 1;
            let first = self.token()?;
            if is_products {
                if products || first != b'[' {
                    return Err(Stop::Serial);
                }
                self.pos += 1;
                self.products(Prefix::Products, emit)?;
                products = true;
            } else {
                let start = self.pos;
                self.skip_value()?;
                check_value(&self.buf[start..self.pos])?;
            }
            match self.token()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return if products { Ok(()) } else { Err(Stop::Serial) };
                }
                _ => return Err(Stop::Serial),
            }
        }
    }

    /// The products array, after its `[`.
    fn products(&mut self, prefix: Prefix, emit: &mut dyn FnMut(Piece) -> Scan<()>) -> Scan<()> {
        loop {
            if self.token()? != b'{' {
                // An empty array, or an element that is not an object.
                return Err(Stop::Serial);
            }
            let start = self.pos;
            self.skip_nested()?;
            self.products.push((start, self.pos));
            if self.first + self.products.len() > self.most {
                return Err(Stop::Serial);
            }
            match self.token()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return self.cut(prefix, emit);
                }
                _ => return Err(Stop::Serial),
            }
            if self.pos - self.products[0].0 >= self.piece {
                self.cut(prefix, emit)?;
            }
        }
    }

    /// Hands the products gathered to `emit` as a piece; the bytes after them stay.
    fn cut(&mut self, prefix: Prefix, emit: &mut dyn FnMut(Piece) -> Scan<()>) -> Scan<()> {
        let mut rest = Vec::with_capacity(self.piece + 2 * self.block);
        rest.extend_from_slice(&self.buf[self.pos..]);
        let bytes = std::mem::replace(&mut self.buf, rest);
        let products = std::mem::take(&mut self.products);
        let first = self.first;
        self.first += products.len();
        let span = self.pos;
        self.pos = 0;
        emit(Piece {
            span,
            bytes,
            products,
            first,
            prefix,
        })
    }

    /// Reads another block onto the buffer: false at the end of the source.
    fn more(&mut self) -> Scan<bool> {
        if self.ended {
            return Ok(false);
        }
        let len = self.buf.len();
        self.buf.resize(len + self.block, 0);
        let read = loop {
            match self.source.read(&mut self.buf[len..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Stop::Read(e)),
                Ok(read) => break read,
            }
        };
        self.buf.truncate(len + read);
        self.read += read;
        if self.read > self.limit {
            return Err(Stop::Serial);
        }
        self.ended = read == 0;
        Ok(read > 0)
    }

    /// The next byte that is not whitespace, or `None` at the end.
    fn next_token(&mut self) -> Scan<Option<u8>> {
        loop {
            while self.pos < self.buf.len() {
                match self.buf[self.pos] {
                    b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                    byte => return Ok(Some(byte)),
                }
            }
            if !self.more()? {
                return Ok(None);
            }
        }
    }

    /// [`Scanner::next_token`], where the text must go on.
    fn token(&mut self) -> Scan<u8> {
        self.next_token()?.ok_or(Stop::Serial)
    }

    /// Past the string that starts here.
    fn skip_string(&mut self) -> Scan<()> {
        self.pos += 1;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.buf[self.pos..]) {
                Some(at) if self.buf[self.pos + at] == b'"' => {
                    self.pos += at + 1;
                    return Ok(());
                }
                // A backslash and the byte it escapes.
                Some(at) if self.pos + at + 1 < self.buf.len() => self.pos += at + 2,
                Some(at) => {
                    self.pos += at;
                    if !self.more()? {
                        return Err(Stop::Serial);
                    }
                }
                None => {
                    self.pos = self.buf.len();
                    if !self.more()? {
                        return Err(Stop::Serial);
                    }
                }
            }
        }
    }

    /// Past the value that starts here: its extent only; serde_json checks it.
    fn skip_value(&mut self) -> Scan<()> {
        match self.token()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => self.skip_nested(),
            // A number or a literal: up to whatever may follow a value.
            _ => loop {
                while self.pos < self.buf.len() {
                    match self.buf[self.pos] {
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' => return Ok(()),
                        _ => self.pos += 1,
                    }
                }
                if !self.more()? {
                    return Ok(());
                }
            },
        }
    }

    /// Past the object or array that starts here, at most [`MAX_NESTING`] deep.
    fn skip_nested(&mut self) -> Scan<()> {
        let mut depth = 0usize;
        loop {
            while self.pos < self.buf.len() {
                match self.buf[self.pos] {
                    b'"' => {
                        self.skip_string()?;
                        continue;
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        if depth > MAX_NESTING {
                            return Err(Stop::Serial);
                        }
                    }
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            self.pos += 1;
                            return Ok(());
                        }
                    }
                    _ => {}
                }
                self.pos += 1;
            }
            if !self.more()? {
                return Err(Stop::Serial);
            }
        }
    }
}

/// A top-level key or value other than the products: valid JSON, or read serially.
fn check_value(bytes: &[u8]) -> Scan<()> {
    let text = std::str::from_utf8(bytes).map_err(|_| Stop::Serial)?;
    serde_json::from_str::<IgnoredAny>(text).map_err(|_| Stop::Serial)?;
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::catalog::MAX_CATALOG_BYTES;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool")
    }

    /// The serial parse of `text`.
    fn serial(text: &[u8]) -> Result<Catalog, String> {
        parse_catalog_reader(text, MAX_CATALOG_BYTES).map_err(|e| e.to_string())
    }

    /// `text` in pieces of about `piece` bytes read `block` bytes at a time: the builder
    /// finished, or `None` when the scan left it to the serial parser.
    fn pieces(text: &[u8], piece: usize, block: usize) -> Option<(Result<Catalog, String>, usize)> {
        match parse_in_pieces(
            text,
            MAX_CATALOG_BYTES,
            MAX_PRODUCTS,
            piece,
            block,
            text.len(),
        ) {
            Ok(Pooled::Built(builder, pieces)) => {
                Some((builder.finish().map_err(|e| e.to_string()), pieces))
            }
            Ok(Pooled::Serial) => None,
            Err(error) => panic!("a slice cannot fail to read: {error}"),
        }
    }

    const WORDS: [&str; 10] = [
        "red",
        "Wool",
        "hat",
        "café",
        "x",
        "long",
        "\"quoted\"",
        "back\\slash",
        "tab\t",
        "RED",
    ];

    fn words(picks: &[usize]) -> String {
        let picked: Vec<&str> = picks.iter().map(|&w| WORDS[w % WORDS.len()]).collect();
        picked.join(" ")
    }

    /// A product object as a shop writes one: an identifier (repeats happen), words with
    /// quotes and backslashes, tags as an array or one string, and fields nobody reads.
    fn product() -> impl Strategy<Value = Value> {
        (
            0u32..40,
            any::<bool>(),
            prop::collection::vec(0usize..20, 0..4),
            prop::collection::vec(0usize..20, 0..10),
            prop::option::of(0usize..4),
            prop::collection::vec(0usize..20, 0..3),
            any::<bool>(),
            0u8..4,
        )
            .prop_map(
                |(id, slug, name, description, category, tags, joined, extra)| {
                    let mut product = serde_json::Map::new();
                    match slug {
                        true => product.insert("slug".into(), json!(format!("p-{id}"))),
                        false => product.insert("id".into(), json!(id)),
                    };
                    product.insert("title".into(), json!(words(&name)));
                    product.insert("description".into(), json!(words(&description)));
                    if let Some(c) = category {
                        product.insert("category".into(), json!(["Yarn", "hats", "Ü", "a\"b"][c]));
                    }
                    let tags: Vec<String> = tags.iter().map(|&t| words(&[t])).collect();
                    match joined {
                        true => product.insert("tags".into(), json!(tags.join(","))),
                        false => product.insert("tags".into(), json!(tags)),
                    };
                    if extra > 0 {
                        product.insert("price".into(), json!(f64::from(extra) * 1.5));
                        product.insert(
                            "reviews".into(),
                            json!([{"text": "}{][\"", "stars": extra}, [[["deep"]]], null]),
                        );
                    }
                    Value::Object(product)
                },
            )
    }

    /// A catalog text: an array, or an object with fields around its products, written
    /// compactly or indented.
    fn catalog_text() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(product(), 1..40),
            0u8..3,
            any::<bool>(),
        )
            .prop_map(|(products, shape, pretty)| {
                let value = match shape {
                    0 => Value::Array(products),
                    1 => json!({"products": products}),
                    _ => json!({"total": products.len(), "note": "a [ \" } note", "products": products, "skip": {"a": [1, 2]}}),
                };
                match pretty {
                    true => serde_json::to_string_pretty(&value),
                    false => serde_json::to_string(&value),
                }
                .expect("JSON text")
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Any catalog of the common shape, in any piece and block sizes, on pools of 1
        /// to 4 threads: read in pieces, and the serial parse's catalog (or first problem).
        #[test]
        fn a_catalog_read_in_pieces_is_the_serial_parse(
            text in catalog_text(),
            piece in 1usize..400,
            block in 1usize..64,
            threads in 1usize..5,
        ) {
            let Some((built, count)) = pool(threads).install(|| pieces(text.as_bytes(), piece, block)) else {
                return Err(TestCaseError::fail("the common shape was left to the serial parser"));
            };
            prop_assert!(count >= 1);
            match (built, serial(text.as_bytes())) {
                (Ok(a), Ok(b)) => prop_assert!(a.to_tables() == b.to_tables() && a == b),
                (a, b) => prop_assert_eq!(a.map(|c| c.len()), b.map(|c| c.len())),
            }
        }

        /// A text with a byte changed, cut short or added: whatever the pieces make of it
        /// is the serial parse's, and the public reading gives the serial result always.
        #[test]
        fn a_damaged_catalog_reads_as_the_serial_parse(
            text in catalog_text(),
            at in any::<prop::sample::Index>(),
            byte in prop_oneof![Just(b'"'), Just(b'\\'), Just(b'{'), Just(b']'), Just(b','), Just(0xff), any::<u8>()],
            how in 0u8..3,
            piece in 1usize..200,
        ) {
            let mut bytes = text.into_bytes();
            let at = at.index(bytes.len());
            match how {
                0 => bytes[at] = byte,
                1 => bytes.truncate(at),
                _ => bytes.insert(at, byte),
            }
            let expected = serial(&bytes);
            if let Some((built, _)) = pool(2).install(|| pieces(&bytes, piece, 7)) {
                match (&built, &expected) {
                    (Ok(a), Ok(b)) => prop_assert!(a == b),
                    (a, b) => prop_assert_eq!(a.as_ref().map(|c| c.len()), b.as_ref().map(|c| c.len())),
                }
            }
            let public = pool(2).install(|| parse_catalog_reader_on_pool(|| Ok(&bytes[..]), MAX_CATALOG_BYTES, None));
            match (public, expected) {
                (Ok((a, _)), Ok(b)) => prop_assert!(a == b),
                (a, b) => prop_assert_eq!(a.map(|(c, _)| c.len()).map_err(|e| e.to_string()), b.map(|c| c.len())),
            }
        }
    }

    #[test]
    fn shapes_the_scan_does_not_follow_go_to_the_serial_parser() {
        let product = r#"{"slug": "a", "description": "red"}"#;
        let left = [
            // A key that an escape makes "products".
            format!(r#"{{"product\u0073": [{product}]}}"#),
            format!(r#"{{"products": [{product}], "products": [{product}]}}"#),
            format!(r#"{{"total": tru, "products": [{product}]}}"#),
            r#"{"total": 1}"#.to_string(),
            "[]".to_string(),
            format!("[{product}, 7]"),
            format!("[{product}] x"),
            format!("[{product},]"),
            format!(
                r#"[{{"slug": "a", "description": "red", "x": {}}}]"#,
                "[".repeat(70) + &"]".repeat(70)
            ),
            r#"[{"slug": "a", "description": 5}]"#.to_string(),
            r#"[{"slug": "a" "description": "red"}]"#.to_string(),
        ];
        for text in &left {
            assert!(
                pieces(text.as_bytes(), 1, 3).is_none(),
                "{text} should be left to the serial parser"
            );
            let public = pool(2)
                .install(|| {
                    parse_catalog_reader_on_pool(
                        || Ok(text.as_bytes()),
                        MAX_CATALOG_BYTES,
                        Some(text.len() as u64),
                    )
                })
                .map(|(catalog, _)| catalog)
                .map_err(|e| e.to_string());
            assert_eq!(public, serial(text.as_bytes()), "{text}");
        }
        // A byte order mark, and the scan follows.
        let text = format!("\u{feff} [{product}, {product}]");
        let (built, _) = pieces(text.as_bytes(), 1, 2).expect("read in pieces");
        assert_eq!(built, serial(text.as_bytes()));
    }

    #[test]
    fn more_products_than_allowed_are_left_to_the_serial_parser() {
        let text = r#"[{"slug": "a", "description": "x"}, {"slug": "b", "description": "y"}]"#;
        let built = parse_in_pieces(text.as_bytes(), MAX_CATALOG_BYTES, 1, 1, 4, 0);
        assert!(matches!(built, Ok(Pooled::Serial)));
        let over = parse_in_pieces(text.as_bytes(), 10, MAX_PRODUCTS, 1, 4, 0);
        assert!(matches!(over, Ok(Pooled::Serial)));
    }

    #[test]
    fn a_read_error_ends_the_reading_with_it() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let Err(error) = parse_in_pieces(Failing, MAX_CATALOG_BYTES, MAX_PRODUCTS, 1, 4, 0) else {
            panic!("a failing source must fail the reading");
        };
        assert_eq!(error.to_string(), "disk on fire");
    }

    /// Many pieces on a pool whose own thread does the reading (the caller inside
    /// `install`): it runs pieces while it waits, so even a pool of one thread finishes.
    #[test]
    fn a_reading_from_inside_the_pool_finishes() {
        let products: Vec<Value> = (0..300)
            .map(|k| json!({"slug": format!("p{k}"), "description": words(&[k, k / 3])}))
            .collect();
        let text = serde_json::to_string(&products).expect("JSON text");
        for threads in [1, 2, 3] {
            let (built, count) = pool(threads)
                .install(|| pieces(text.as_bytes(), 64, 16))
                .expect("read in pieces");
            assert!(count > 100, "{count} pieces");
            assert_eq!(built, serial(text.as_bytes()));
        }
    }
}
