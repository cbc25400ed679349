use std::fmt;

/// How many product problems [`CatalogError::Products`] lists; the rest are counted.
pub const MAX_REPORTED_PROBLEMS: usize = 10;

/// Why a catalog was rejected. Every variant points at the problem: a line and column,
/// a product index (from 0 in the variant, from 1 in the message, as a person counts),
/// or a JSON path such as `products[12].tags`.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogError {
    /// Problems in the products themselves, in catalog order: the first
    /// [`MAX_REPORTED_PROBLEMS`], each with the product it is in, and how many more there
    /// are. What parsing a catalog text reports for every problem found in a product
    /// (types, required fields, lengths, repeated identifiers), so that a shop can fix
    /// them all in one go.
    Products {
        problems: Vec<ProductProblem>,
        more: usize,
    },
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
    /// A description whose distinct words, lowercased and end to end, take more than
    /// [`super::MAX_DESCRIPTION_WORD_BYTES`].
    DescriptionWordsTooLong {
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
            Products { problems, more } => {
                let total = problems.len() + more;
                if total > 1 {
                    write!(f, "{total} problems in the catalog's products: ")?;
                }
                for (k, problem) in problems.iter().enumerate() {
                    if k > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{problem}")?;
                }
                if *more > 0 {
                    write!(f, "; and {more} more")?;
                }
                Ok(())
            }
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
                "product {} has no identifier: give it a non-empty \"slug\" or an \"id\"",
                index + 1
            ),
            MissingDescription { index } => {
                write!(
                    f,
                    "product {} has no \"description\" (a string is required)",
                    index + 1
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
                "duplicate identifier {id:?}: products {} and {} share it",
                first + 1,
                second + 1
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
                "product {}: description is {bytes} bytes; the limit is {limit} bytes",
                index + 1
            ),
            DescriptionWordsTooLong {
                index,
                bytes,
                limit,
            } => write!(
                f,
                "product {}: the description's distinct words take {bytes} bytes lowercased; \
                 the limit is {limit} bytes",
                index + 1
            ),
            FieldTooLong {
                index,
                field,
                bytes,
                limit,
            } => write!(
                f,
                "product {}: {field} is {bytes} bytes; the limit is {limit} bytes",
                index + 1
            ),
        }
    }
}

impl std::error::Error for CatalogError {}

impl CatalogError {
    /// The first problem: for [`CatalogError::Products`] the first product's (without its
    /// label), else this error itself.
    pub fn first_problem(&self) -> &CatalogError {
        match self {
            CatalogError::Products { problems, .. } => {
                problems.first().map_or(self, |first| &first.problem)
            }
            other => other,
        }
    }

    /// Whether this is a problem inside one product (a field's type or size, a missing
    /// identifier or description, a repeated identifier), as opposed to the text's or the
    /// catalog's as a whole.
    pub fn is_about_a_product(&self) -> bool {
        use CatalogError::*;
        match self {
            MissingIdentifier { .. }
            | MissingDescription { .. }
            | DescriptionTooLong { .. }
            | DescriptionWordsTooLong { .. }
            | FieldTooLong { .. }
            | DuplicateIdentifier { .. }
            | Products { .. } => true,
            // `products[3].tags`, `[3]`: inside the products array.
            WrongType { path, .. } => path.contains('['),
            _ => false,
        }
    }
}

/// One problem in one product, as [`CatalogError::Products`] lists it: where the product
/// is (`position`, from 1) and what identifies it to a person (its identifier and name,
/// where they could be read).
#[derive(Debug, Clone, PartialEq)]
pub struct ProductProblem {
    /// The product's position in the catalog, from 1.
    pub position: usize,
    /// The identifier that was read (`slug`, else `id`), if any.
    pub id: Option<String>,
    /// The name that was read (`name`, else `title`), if any.
    pub name: Option<String>,
    /// The problem: one of the product variants of [`CatalogError`].
    pub problem: CatalogError,
}

impl fmt::Display for ProductProblem {
    /// `product 18 (id "4711", "Velvet Lipstick") has no "description" (...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "product {}", self.position)?;
        match (&self.id, &self.name) {
            (Some(id), Some(name)) if name != id => write!(f, " (id {id:?}, {name:?})")?,
            (Some(id), _) => write!(f, " (id {id:?})")?,
            (None, Some(name)) => write!(f, " ({name:?})")?,
            (None, None) => {}
        }
        use CatalogError::*;
        match &self.problem {
            MissingIdentifier { .. } => {
                f.write_str(" has no identifier: give it a non-empty \"slug\" or an \"id\"")
            }
            MissingDescription { .. } => {
                f.write_str(" has no \"description\" (a string is required)")
            }
            WrongType {
                path,
                expected,
                found,
            } => {
                // `products[17].tags[1]` -> `tags[1]`: the product is already named.
                let field = path
                    .split_once("].")
                    .map_or(path.as_str(), |(_, field)| field);
                write!(f, ": \"{field}\" must be {expected}, found {found}")?;
                if field == "price" && *found == "a string" {
                    f.write_str(" (write the number without quotes: 9.99, not \"9.99\")")?;
                }
                Ok(())
            }
            DescriptionTooLong { bytes, limit, .. } => write!(
                f,
                ": its description is {bytes} bytes; the limit is {limit} bytes"
            ),
            DescriptionWordsTooLong { bytes, limit, .. } => write!(
                f,
                ": its description's distinct words take {bytes} bytes lowercased; the limit \
                 is {limit} bytes"
            ),
            FieldTooLong {
                field,
                bytes,
                limit,
                ..
            } => write!(f, ": {field} is {bytes} bytes; the limit is {limit} bytes"),
            DuplicateIdentifier { first, .. } => write!(
                f,
                " repeats the identifier of product {}: identifiers must be unique",
                first + 1
            ),
            other => write!(f, ": {other}"),
        }
    }
}
