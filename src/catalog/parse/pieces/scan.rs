//! The reading thread's scan: the text read a block at a time, the structure around the
//! products followed (strings, brackets, the top-level keys), and whole products cut
//! into pieces. Anything it does not follow exactly stops it with [`Stop::Serial`].

use std::io::{self, Read};

use serde::de::IgnoredAny;

use super::super::product::Prefix;

/// Deepest nesting the scan follows: serde_json's own limit (128) counts from the top
/// of the text, so the scan stays well under it and leaves deeper texts to the serial
/// parser, which reports its error.
const MAX_NESTING: usize = 64;

pub(super) enum Stop {
    /// The source failed.
    Read(io::Error),
    /// Read it serially instead.
    Serial,
}

pub(super) type Scan<T> = Result<T, Stop>;

/// Consecutive whole products: `bytes[start..end]` is each one's object.
pub(super) struct Piece {
    /// The text's bytes from the end of the piece before to this piece's end.
    pub(super) span: usize,
    pub(super) bytes: Vec<u8>,
    pub(super) products: Vec<(usize, usize)>,
    /// The index of the first, in the whole catalog.
    pub(super) first: usize,
    pub(super) prefix: Prefix,
}

pub(super) struct Scanner<R> {
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
    pub(super) fn new(
        source: R,
        limit: usize,
        most: usize,
        piece: usize,
        block: usize,
    ) -> Scanner<R> {
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
    pub(super) fn run(&mut self, emit: &mut dyn FnMut(Piece) -> Scan<()>) -> Scan<()> {
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
