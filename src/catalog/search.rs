//! Finding products by what a person types: the rule the page's product chooser and the
//! server's `GET /products?search=` share.

use super::Catalog;

/// What [`Catalog::search`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchResult {
    /// Catalog indices of the first `limit` matches, best bucket first (see
    /// [`Catalog::search`]), catalog order within a bucket.
    pub matches: Vec<usize>,
    /// How many products match in all, beyond `limit` too.
    pub total: usize,
}

impl Catalog {
    /// Products whose name or identifier contain every whitespace-separated term of
    /// `query`, ignoring case (Unicode lowercase). An empty query matches every product.
    ///
    /// Matches come in three buckets, in this order: the identifier equals the whole query;
    /// the name (or, failing that, the identifier) starts with the query; any other match.
    /// At most `limit` are returned; `total` counts them all.
    ///
    /// # Examples
    /// ```
    /// use shop_recs::{Catalog, Product};
    ///
    /// let catalog = Catalog::from_products(vec![
    ///     Product::new("red-scarf", "Red Scarf", "a warm scarf"),
    ///     Product::new("scarf", "Blue Scarf", "another scarf"),
    ///     Product::new("hammer", "Hammer", "steel"),
    /// ])?;
    /// let found = catalog.search("scarf", 10);
    /// assert_eq!(found.matches, [1, 0]); // the exact identifier comes first
    /// assert_eq!(found.total, 2);
    /// # Ok::<(), shop_recs::CatalogError>(())
    /// ```
    pub fn search(&self, query: &str, limit: usize) -> SearchResult {
        let wanted = query.trim().to_lowercase();
        let terms: Vec<&str> = wanted.split_whitespace().collect();
        let (mut exact, mut prefix, mut other) = (Vec::new(), Vec::new(), Vec::new());
        let mut total = 0;
        for (index, product) in self.products().enumerate() {
            // "name\nid", lowercased: the key the page's chooser searches.
            let key = format!("{}\n{}", product.name, product.id).to_lowercase();
            if !terms.iter().all(|term| key.contains(term)) {
                continue;
            }
            total += 1;
            let bucket = if product.id.to_lowercase() == wanted {
                &mut exact
            } else if key.starts_with(&wanted) {
                &mut prefix
            } else {
                &mut other
            };
            if bucket.len() < limit {
                bucket.push(index);
            }
        }
        let mut matches = exact;
        matches.extend(prefix);
        matches.extend(other);
        matches.truncate(limit);
        SearchResult { matches, total }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::{Catalog, Product};

    fn catalog() -> Catalog {
        Catalog::from_products(vec![
            Product::new("oak-table", "Oak Table", "wood"),
            Product::new("table", "Glass Table", "glass"),
            Product::new("lamp", "Table Lamp", "light"),
            Product::new("chair", "Oak Chair", "wood"),
        ])
        .expect("a valid catalog")
    }

    #[test]
    fn buckets_exact_then_prefix_then_other() {
        let found = catalog().search("Table", 10);
        // exact id "table"; "table lamp" starts with it; "oak table" contains it.
        assert_eq!(found.matches, [1, 2, 0]);
        assert_eq!(found.total, 3);
    }

    #[test]
    fn every_term_must_match_name_or_identifier() {
        assert_eq!(catalog().search("oak chair", 10).matches, [3]);
        assert_eq!(catalog().search("oak-table", 10).matches, [0]);
        assert_eq!(
            catalog().search("wood", 10).total,
            0,
            "descriptions are not searched"
        );
    }

    #[test]
    fn limit_keeps_the_best_and_counts_all() {
        let found = catalog().search("", 2);
        assert_eq!(found.matches, [0, 1]);
        assert_eq!(found.total, 4);
        assert!(catalog().search("a", 0).matches.is_empty());
    }
}
