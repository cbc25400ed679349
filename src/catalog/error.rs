use std::fmt;

/// Why a catalog was rejected. Every variant points at the problem: a line and column,
/// a product index, or a JSON path such as `products[12].tags`.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogError {
    /// The text is not JSON. `line` and `column` are 1-based, as editors count them.
    InvalidJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// The bytes are not UTF-8 text (a binary file, or another encoding): `offset` is
    /// the 0-based position of the first byte that is not part of a UTF-8 character.
    NotText { offset: usize },
    /// The text is longer than [`super::MAX_CATALOG_BYTES`].
    TooLarge { bytes: usize, limit: usize },
    /// The top level is neither an array of products nor an object with a `products` array.
    WrongShape { found: String },
    /// The product at `index` has neither a non-empty `slug` nor an `id`, or its `id` is empty.
    MissingIdentifier { index: usize },
    /// The product at `index` has no `description`.
    MissingDescription { index: usize },
    /// A field has the wrong JSON type.
    WrongType {
        path: String,
        expected: &'static str,
        found: &'static str,
    },
    /// Two products share an identifier; `first < second` are their indices.
    DuplicateIdentifier {
        id: String,
        first: usize,
        second: usize,
    },
    /// The catalog holds no products.
    Empty,
    /// More products than [`super::MAX_PRODUCTS`].
    TooManyProducts { count: usize, limit: usize },
    /// A description longer than [`super::MAX_DESCRIPTION_BYTES`].
    DescriptionTooLong {
        index: usize,
        bytes: usize,
        limit: usize,
    },
    /// An identifier, name, category or tag over its limit. `field` is e.g. `name` or `tags[2]`.
    FieldTooLong {
        index: usize,
        field: String,
        bytes: usize,
        limit: usize,
    },
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CatalogError::*;
        match self {
            InvalidJson {
                line,
                column,
                message,
            } => {
                write!(f, "invalid JSON at line {line}, column {column}: {message}")
            }
            NotText { offset } => write!(
                f,
                "not UTF-8 text: byte {offset} is not part of a UTF-8 character \
                 (a catalog is JSON text; is this a binary file?)"
            ),
            TooLarge { bytes, limit } => write!(
                f,
                "catalog is {bytes} bytes; the limit is {limit} bytes ({} MiB)",
                limit / (1024 * 1024)
            ),
            WrongShape { found } => write!(
                f,
                "expected an array of products or an object with a \"products\" array, found {found}"
            ),
            MissingIdentifier { index } => write!(
                f,
                "product {index} has no identifier: give it a non-empty \"slug\" or an \"id\""
            ),
            MissingDescription { index } => {
                write!(
                    f,
                    "product {index} has no \"description\" (a string is required)"
                )
            }
            WrongType {
                path,
                expected,
                found,
            } => {
                write!(f, "{path}: expected {expected}, found {found}")
            }
            DuplicateIdentifier { id, first, second } => write!(
                f,
                "duplicate identifier {id:?}: products {first} and {second} share it"
            ),
            Empty => write!(f, "the catalog has no products"),
            TooManyProducts { count, limit } => {
                write!(f, "the catalog has {count} products; the limit is {limit}")
            }
            DescriptionTooLong {
                index,
                bytes,
                limit,
            } => write!(
                f,
                "product {index}: description is {bytes} bytes; the limit is {limit} bytes"
            ),
            FieldTooLong {
                index,
                field,
                bytes,
                limit,
            } => write!(
                f,
                "product {index}: {field} is {bytes} bytes; the limit is {limit} bytes"
            ),
        }
    }
}

impl std::error::Error for CatalogError {}
