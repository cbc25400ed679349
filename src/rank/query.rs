//! What a ranking is asked for ([`Query`]), its limits, and why one is refused
//! ([`QueryError`]). `rank` re-exports all of it.

use std::fmt;

/// MinHash iterations when a query does not say.
pub const DEFAULT_ITERATIONS: u32 = 1500;
/// Most MinHash iterations a query may ask for (the least is 1).
pub const MAX_ITERATIONS: u32 = 100_000;
/// Recommendations returned when a query does not say.
pub const DEFAULT_TOP: usize = 10;
/// Most recommendations a query may ask for (the least is 1).
pub const MAX_TOP: usize = 1000;

/// What to recommend for: a target product, the MinHash size and how many results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Identifier of the target product (exact match).
    pub target: String,
    /// MinHash signature length, `1..=MAX_ITERATIONS`.
    pub iterations: u32,
    /// How many recommendations to return, `1..=MAX_TOP`.
    pub top: usize,
}

impl Query {
    /// A query for `target` with [`DEFAULT_ITERATIONS`] and [`DEFAULT_TOP`].
    ///
    /// # Examples
    /// ```
    /// let query = shop_recs::Query::new("red-lipstick");
    /// assert_eq!((query.iterations, query.top), (1500, 10));
    /// ```
    pub fn new(target: impl Into<String>) -> Query {
        Query {
            target: target.into(),
            iterations: DEFAULT_ITERATIONS,
            top: DEFAULT_TOP,
        }
    }

    /// Checks the iterations, then the top; the target is resolved by the scorers.
    /// Callers that take the numbers from users (the CLI, the server) use this check,
    /// so the ranges and their messages exist once.
    pub fn validate(&self) -> Result<(), QueryError> {
        if !(1..=MAX_ITERATIONS).contains(&self.iterations) {
            return Err(QueryError::IterationsOutOfRange {
                iterations: self.iterations,
            });
        }
        if !(1..=MAX_TOP).contains(&self.top) {
            return Err(QueryError::TopOutOfRange { top: self.top });
        }
        Ok(())
    }
}

/// Why a query was rejected. Checked in this order: iterations, top, target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// No product has this identifier.
    UnknownTarget { id: String },
    /// `iterations` is outside `1..=MAX_ITERATIONS`.
    IterationsOutOfRange { iterations: u32 },
    /// `top` is outside `1..=MAX_TOP`.
    TopOutOfRange { top: usize },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::UnknownTarget { id } => {
                write!(f, "unknown product {id:?}: no product has this identifier")
            }
            QueryError::IterationsOutOfRange { iterations } => write!(
                f,
                "iterations must be between 1 and {MAX_ITERATIONS}, got {iterations}"
            ),
            QueryError::TopOutOfRange { top } => {
                write!(f, "top must be between 1 and {MAX_TOP}, got {top}")
            }
        }
    }
}

impl std::error::Error for QueryError {}
