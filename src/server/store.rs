//! The catalogs clients uploaded or asked the server to generate, under one memory
//! budget: when a new one does not fit, the least recently used go first.

use std::collections::HashMap;
use std::sync::Arc;

use prometheus_client::metrics::counter::Counter;

use crate::Catalog;

/// One stored catalog.
struct Entry {
    catalog: Arc<Catalog>,
    /// [`Catalog::heap_bytes`], counted against the budget.
    bytes: usize,
    /// How long parsing (or generating) took, reported again for a repeated upload.
    build_ms: f64,
    /// The store's clock when it was last used: the smallest is evicted first.
    last_used: u64,
}

/// Catalogs by id, least recently used evicted first, their sizes summing to at most
/// `budget` bytes.
pub struct CatalogStore {
    entries: HashMap<String, Entry>,
    used: usize,
    budget: usize,
    clock: u64,
    /// Counts every eviction (the server's `/metrics` shows it).
    evictions: Counter,
}

/// A catalog larger than the whole budget: it cannot be kept even alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget {
    pub bytes: usize,
    pub budget: usize,
}

impl CatalogStore {
    /// An empty store of `budget` bytes that counts its evictions in `evictions`.
    pub fn new(budget: usize, evictions: Counter) -> CatalogStore {
        CatalogStore {
            entries: HashMap::new(),
            used: 0,
            budget,
            clock: 0,
            evictions,
        }
    }

    /// The catalog stored as `id`, marked as just used, with its build time.
    pub fn get(&mut self, id: &str) -> Option<(Arc<Catalog>, f64)> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(id).map(|entry| {
            entry.last_used = clock;
            (Arc::clone(&entry.catalog), entry.build_ms)
        })
    }

    /// Stores `catalog` as `id`, evicting the least recently used until it fits. When
    /// `id` is already stored (two clients made it at once), keeps the stored one and
    /// returns it, so every client of an id scores the same catalog.
    pub fn insert(
        &mut self,
        id: &str,
        catalog: Arc<Catalog>,
        build_ms: f64,
    ) -> Result<Arc<Catalog>, OverBudget> {
        if let Some((stored, _)) = self.get(id) {
            return Ok(stored);
        }
        let bytes = catalog.heap_bytes();
        if bytes > self.budget {
            return Err(OverBudget {
                bytes,
                budget: self.budget,
            });
        }
        while self.used + bytes > self.budget {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, entry)| entry.last_used)
                .map(|(id, _)| id.clone());
            match oldest.and_then(|id| self.entries.remove(&id)) {
                Some(evicted) => {
                    self.used -= evicted.bytes;
                    self.evictions.inc();
                }
                None => break,
            }
        }
        self.clock += 1;
        self.used += bytes;
        self.entries.insert(
            id.to_string(),
            Entry {
                catalog: Arc::clone(&catalog),
                bytes,
                build_ms,
                last_used: self.clock,
            },
        );
        Ok(catalog)
    }

    /// Bytes counted against the budget, and how many catalogs are stored.
    pub fn usage(&self) -> (usize, usize) {
        (self.used, self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::generate;

    fn catalog(n: usize, seed: u64) -> Arc<Catalog> {
        Arc::new(generate(n, seed).expect("generated"))
    }

    #[test]
    fn evicts_the_least_recently_used_to_fit() {
        let (a, b, c) = (catalog(50, 1), catalog(50, 2), catalog(50, 3));
        let budget = a.heap_bytes() + b.heap_bytes() + c.heap_bytes() / 2;
        let evictions = Counter::default();
        let mut store = CatalogStore::new(budget, evictions.clone());
        store.insert("a", a, 1.0).expect("fits");
        store.insert("b", b, 1.0).expect("fits");
        assert!(store.get("a").is_some(), "a is now more recent than b");
        store.insert("c", c, 1.0).expect("fits after evicting b");
        assert!(store.get("b").is_none(), "b was the least recently used");
        assert!(store.get("a").is_some() && store.get("c").is_some());
        assert!(store.usage().0 <= budget);
        assert_eq!(evictions.get(), 1, "one eviction, counted");
    }

    #[test]
    fn refuses_a_catalog_larger_than_the_budget() {
        let big = catalog(200, 1);
        let mut store = CatalogStore::new(big.heap_bytes() - 1, Counter::default());
        let err = store.insert("big", Arc::clone(&big), 1.0).unwrap_err();
        assert_eq!(err.bytes, big.heap_bytes());
        assert_eq!(store.usage(), (0, 0));
    }

    #[test]
    fn a_second_insert_of_an_id_keeps_the_first() {
        let mut store = CatalogStore::new(usize::MAX, Counter::default());
        let first = store.insert("x", catalog(10, 1), 1.0).expect("fits");
        let second = store.insert("x", catalog(10, 2), 2.0).expect("fits");
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(store.usage().1, 1);
    }
}
