//! The second reading of a catalog that failed on a product: every product checked on its
//! own, so that a shop sees all (the first [`MAX_REPORTED_PROBLEMS`]) of its products'
//! problems at once, each with the product's position from 1, its identifier and name.
//!
//! The first reading ([`super::read_products`]) stops at the first problem, as it must to
//! stay a single streaming pass. Only when that problem is a product's does
//! [`diagnose`] read the text again, one product at a time as a `serde_json::Value`
//! (memory: one product), and runs the same product visitor on each value, the same
//! field checks as the catalog builder, and a check for repeated identifiers. A valid
//! catalog never pays for it.

use std::collections::HashMap;

use serde::de::DeserializeSeed;
use serde_json::Value;

use super::product::{Path, ProductSeed};
use super::top::TopLevel;
use super::{Failure, ProductSink};
use crate::catalog::build::check_fields;
use crate::catalog::{CatalogError, MAX_REPORTED_PROBLEMS, Product, ProductProblem};

/// What the diagnosing reading collects.
#[derive(Default)]
pub(crate) struct Problems {
    listed: Vec<ProductProblem>,
    more: usize,
    /// Every valid product's identifier and its index: the first use of each.
    seen: HashMap<String, usize>,
}

impl ProductSink for Problems {
    /// Not called: [`super::top`] hands this sink values ([`Problems::check`]), not products.
    fn accept(&mut self, _: Product) {}

    fn problems(&mut self) -> Option<&mut Problems> {
        Some(self)
    }
}

impl Problems {
    /// Checks the product at `at`, read as `value`, and notes its problem, if any.
    pub(super) fn check(&mut self, at: Path, value: &Value) {
        let failure = Failure::default();
        let problem = match (ProductSeed {
            failure: &failure,
            at,
        })
        .deserialize(value)
        {
            // The visitor types every failure it raises; a value cannot fail otherwise.
            Err(_) => Some(failure.take().unwrap_or_else(|| CatalogError::WrongType {
                path: format!("[{}]", at.index),
                expected: "a product object",
                found: "something else",
            })),
            Ok(product) => check_fields(at.index, &product).err().or_else(|| {
                match self.seen.get(&product.id) {
                    Some(&first) => Some(CatalogError::DuplicateIdentifier {
                        id: product.id.clone(),
                        first,
                        second: at.index,
                    }),
                    None => {
                        self.seen.insert(product.id, at.index);
                        None
                    }
                }
            }),
        };
        let Some(problem) = problem else { return };
        if self.listed.len() == MAX_REPORTED_PROBLEMS {
            self.more += 1;
            return;
        }
        let (id, name) = label(value);
        self.listed.push(ProductProblem {
            position: at.index + 1,
            id,
            name,
            problem,
        });
    }
}

/// What a product value says it is: its identifier (`slug` if a non-empty string, else
/// `id` if a non-empty string or a number) and its name (`name`, else `title`).
fn label(value: &Value) -> (Option<String>, Option<String>) {
    let text = |key: &str| match value.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let id = text("slug").or_else(|| match value.get("id") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => text("id"),
    });
    (id, text("name").or_else(|| text("title")))
}

/// Reads `text` again, product by product, and lists the problems of its products; `None`
/// when there are none (the first reading's problem was not a product's).
pub(super) fn diagnose(text: &str, limit: usize) -> Option<CatalogError> {
    diagnose_json(serde_json::Deserializer::from_str(text), limit)
}

/// [`diagnose`] for a catalog read from `source` (a file opened again, for instance:
/// a stream cannot be read twice, so [`super::parse_catalog_reader`] reports only the
/// first problem and its caller, when it can read the source again, asks this for all of
/// them). At most `limit` products are checked. `None` when no product has a problem, or
/// the source cannot be read as a catalog up to its first product problem.
///
/// # Examples
/// ```
/// use shop_recs::catalog::diagnose_reader;
///
/// let text = br#"[{"id": 1, "name": "Red"}, {"id": 2, "name": "Blue"}]"#;
/// let all = diagnose_reader(&text[..], 10).expect("two products without a description");
/// assert!(all.to_string().starts_with("2 problems in the catalog's products: product 1 (id \"1\", \"Red\")"));
/// ```
pub fn diagnose_reader<R: std::io::Read>(source: R, limit: usize) -> Option<CatalogError> {
    use std::io::BufRead;
    let mut source = std::io::BufReader::new(source);
    // A leading byte order mark, as the first reading skips it.
    if source.fill_buf().ok()?.starts_with("\u{feff}".as_bytes()) {
        source.consume(3);
    }
    diagnose_json(serde_json::Deserializer::from_reader(source), limit)
}

fn diagnose_json<'de, R: serde_json::de::Read<'de>>(
    mut json: serde_json::Deserializer<R>,
    limit: usize,
) -> Option<CatalogError> {
    let failure = Failure::default();
    let mut problems = Problems::default();
    // Errors here (syntax past the first problem, too many products) are the first
    // reading's to report; only the products' problems matter.
    let _ = TopLevel {
        failure: &failure,
        limit,
        sink: &mut problems,
    }
    .deserialize(&mut json);
    (!problems.listed.is_empty()).then_some(CatalogError::Products {
        problems: problems.listed,
        more: problems.more,
    })
}
