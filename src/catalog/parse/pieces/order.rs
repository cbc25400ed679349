//! The pool's side of a parse in pieces, and the reading thread's merge: each piece
//! parsed and built into its own [`CatalogBuilder`], answered through a channel, and
//! merged in catalog order as the answers come.

use std::collections::BTreeMap;
use std::sync::mpsc;

use serde::de::DeserializeSeed;

use super::super::Failure;
use super::super::product::{Path, ProductSeed};
use super::scan::{Piece, Scan, Stop};
use crate::catalog::CatalogBuilder;

/// The piece's products parsed and built, or `None` when any of them fails (the serial
/// parser reports why).
pub(super) fn build_piece(piece: &Piece) -> Option<Built> {
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
pub(super) struct Built {
    builder: CatalogBuilder,
    span: usize,
}

/// A piece's answer, sent when it is built, or as a failure if building it panicked
/// (so that the reading thread never waits for an answer that will not come).
pub(super) struct Reply {
    pub(super) to: mpsc::Sender<(usize, Option<Built>)>,
    pub(super) index: usize,
    pub(super) built: Option<Built>,
}

impl Reply {
    pub(super) fn with(mut self, built: Option<Built>) {
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
pub(super) struct Merger {
    pub(super) received: mpsc::Receiver<(usize, Option<Built>)>,
    pub(super) waiting: BTreeMap<usize, Option<Built>>,
    pub(super) merged: Option<CatalogBuilder>,
    /// The text's length when known (else 0), and how much of it was merged.
    pub(super) expected: usize,
    pub(super) merged_bytes: usize,
    pub(super) reserved: bool,
    pub(super) sent: usize,
    /// The next piece to merge.
    pub(super) next: usize,
}

impl Merger {
    pub(super) fn new(received: mpsc::Receiver<(usize, Option<Built>)>, expected: usize) -> Merger {
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
    pub(super) fn receive_one(&mut self) -> Scan<()> {
        let (index, built) = self.wait()?;
        self.accept(index, built)
    }

    /// Takes piece `index`, then merges every piece that is next in order.
    pub(super) fn accept(&mut self, index: usize, built: Option<Built>) -> Scan<()> {
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
