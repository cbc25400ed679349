//! What a catalog's tables cost, part by part: the per-part table the page, the CLI and
//! the benchmark show, and the server's memory budget.

use serde::Serialize;

use super::Catalog;

/// What a catalog's tables hold, in bytes, part by part ([`Catalog::memory`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogMemory {
    /// Identifiers and names, end to end.
    pub labels: usize,
    /// Where each identifier and name ends.
    pub label_offsets: usize,
    /// Each product's category id, and the distinct category names.
    pub categories: usize,
    /// The identifier order, both ways (rank of each product, products by rank).
    pub id_order: usize,
    /// Distinct description words, end to end.
    pub words: usize,
    /// Word ends and where each product's words and ends begin.
    pub word_offsets: usize,
    /// Attribute word ids and where each product's begin.
    pub attributes: usize,
    /// The sum of the parts.
    pub total: usize,
}

impl Catalog {
    /// What the catalog's tables hold, part by part, in bytes (their capacity, as
    /// allocated).
    pub fn memory(&self) -> CatalogMemory {
        use std::mem::size_of;
        fn held<T>(table: &Vec<T>) -> usize {
            table.capacity() * size_of::<T>()
        }
        let categories = held(&self.category)
            + held(&self.categories)
            + self.categories.iter().map(String::capacity).sum::<usize>();
        let mut memory = CatalogMemory {
            labels: held(&self.labels),
            label_offsets: held(&self.label_ends),
            categories,
            id_order: held(&self.id_rank) + held(&self.by_id),
            words: held(&self.text_bytes),
            word_offsets: held(&self.text_ends) + held(&self.byte_starts) + held(&self.end_starts),
            attributes: held(&self.attribute_ids) + held(&self.attribute_starts),
            total: 0,
        };
        memory.total = memory.labels
            + memory.label_offsets
            + memory.categories
            + memory.id_order
            + memory.words
            + memory.word_offsets
            + memory.attributes;
        memory
    }

    /// About how many bytes of heap this catalog holds: [`Catalog::memory`]'s total plus
    /// the catalog itself. A dozen allocations in all, whatever the size, so allocator
    /// headers do not count; good for budgets such as the server's catalog memory.
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Catalog>() + self.memory().total
    }
}
