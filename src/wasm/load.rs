//! Loading a catalog with progress: generated in steps the page can show, or parsed from
//! bytes the worker hands over a chunk at a time (a 400 MB file never sits in wasm
//! memory whole).

use std::io;

use js_sys::{Array, Function, Object, Reflect, Uint8Array, Uint16Array, Uint32Array};
use wasm_bindgen::prelude::*;

use super::{Engine, set, to_js};
use crate::catalog::{self, Catalog, CatalogTables, MAX_CATALOG_BYTES, ReadError};
use crate::generate::{self, Skew};

#[wasm_bindgen]
impl Engine {
    /// A generated catalog of `n` products; the same `n`, `seed` and `skew` give the same
    /// catalog. `skew` (0 when absent) is the percentage of long products
    /// ([`generate::generate_skewed`]), made on the rayon pool when there is one
    /// ([`generate::generate_on_pool`]). `progress`, when given, is called with the
    /// products made so far about every [`generate::REPORT_EVERY`] products.
    pub fn generate(
        n: u32,
        seed: u32,
        skew: Option<u32>,
        progress: Option<Function>,
    ) -> Result<Engine, JsError> {
        let skew = Skew::new(skew.unwrap_or(0)).map_err(to_js)?;
        let mut report = |done: usize| {
            if let Some(progress) = &progress {
                // Progress is best effort: a failing callback does not stop the work.
                let _ = progress.call1(&JsValue::NULL, &JsValue::from(done as f64));
            }
        };
        // On the pool when there is one (the threaded build after initThreadPool), the
        // same catalog either way. Asked after the pool started: the page's worker starts
        // it before it loads anything.
        let threads = rayon::current_num_threads();
        let (n, seed) = (n as usize, u64::from(seed));
        let catalog = if threads > 1 {
            generate::generate_on_pool(n, seed, skew, &mut report)
        } else {
            generate::generate_reporting(n, seed, skew, &mut report)
        }
        .map_err(to_js)?;
        Ok(Engine {
            catalog,
            load_threads: threads,
        })
    }

    /// Parses and validates a catalog as its bytes are read: `read(max)` returns the next
    /// chunk as a `Uint8Array` of at most `max` bytes, empty at the end. The same catalog
    /// and errors as [`Engine::from_bytes`] on the same bytes; an exception thrown by
    /// `read` ends the parse with its message.
    ///
    /// `reopen`, when given, returns another such `read` over the same bytes from the
    /// start (a `File` can be read again). Then the products are parsed and built on the
    /// rayon pool, in pieces merged in order ([`catalog::parse_catalog_reader_on_pool`];
    /// on one thread, one piece after the other), and the bytes are read again when the
    /// pieces cannot be used (an unusual shape, or any problem, which the serial parser
    /// names) and to list every product's problem when the first is a product's
    /// ([`catalog::diagnose_reader`]), as [`Engine::from_bytes`] does. Without `reopen`,
    /// one serial reading, which reports its first problem only. `size`, the bytes'
    /// length when known, lets the catalog's tables be reserved once instead of doubling.
    #[wasm_bindgen(js_name = fromReader)]
    pub fn from_reader(
        read: Function,
        reopen: Option<Function>,
        size: Option<f64>,
    ) -> Result<Engine, JsError> {
        let Some(reopen) = reopen else {
            let catalog = catalog::parse_catalog_reader(JsSource { read }, MAX_CATALOG_BYTES)
                .map_err(|error| match error {
                    ReadError::Catalog(first) => to_js(first),
                    ReadError::Read(error) => to_js(error),
                })?;
            return Ok(Engine::built(catalog));
        };
        let again = || -> io::Result<JsSource> {
            let read = reopen
                .call0(&JsValue::NULL)
                .map_err(|e| io::Error::other(String::from(js_sys::Error::from(e).message())))?
                .dyn_into::<Function>()
                .map_err(|_| io::Error::other("reopen did not return a read function"))?;
            Ok(JsSource { read })
        };
        let mut first = Some(JsSource { read });
        let open = || match first.take() {
            Some(source) => Ok(source),
            None => again(),
        };
        match catalog::parse_catalog_reader_on_pool(open, MAX_CATALOG_BYTES, size.map(|s| s as u64))
        {
            Ok((catalog, load_threads)) => Ok(Engine {
                catalog,
                load_threads,
            }),
            Err(ReadError::Catalog(first)) => {
                let every = match first.is_about_a_product() {
                    true => again()
                        .ok()
                        .and_then(|source| catalog::diagnose_reader(source, catalog::MAX_PRODUCTS)),
                    false => None,
                };
                Err(to_js(every.unwrap_or(first)))
            }
            Err(ReadError::Read(error)) => Err(to_js(error)),
        }
    }
}

#[wasm_bindgen]
impl Engine {
    /// The built catalog's tables, copied out of wasm memory as typed arrays (and the
    /// category names as strings): what [`Engine::from_tables`] builds the same catalog
    /// from in another instance, with no parsing, tokenizing or sorting. The page's
    /// Workers mode sends these to its workers. Copied straight from the tables into JS
    /// memory: the instance's own memory never holds a second copy (at a million products
    /// that would be some 400 MB more, and a wasm memory never shrinks).
    pub fn tables(&self) -> Result<Object, JsError> {
        let t = self.catalog.tables_ref();
        let out = Object::new();
        set(&out, "labels", Uint8Array::from(t.labels))?;
        set(&out, "labelEnds", Uint32Array::from(t.label_ends))?;
        set(&out, "category", Uint32Array::from(t.category))?;
        let names: Array = t.categories.iter().map(|c| JsValue::from_str(c)).collect();
        set(&out, "categories", names)?;
        set(&out, "idRank", Uint32Array::from(t.id_rank))?;
        set(&out, "textBytes", Uint8Array::from(t.text_bytes))?;
        set(&out, "textEnds", Uint16Array::from(t.text_ends))?;
        set(&out, "byteStarts", Uint32Array::from(t.byte_starts))?;
        set(&out, "endStarts", Uint32Array::from(t.end_starts))?;
        set(&out, "attributeIds", Uint32Array::from(t.attribute_ids))?;
        set(
            &out,
            "attributeStarts",
            Uint32Array::from(t.attribute_starts),
        )?;
        Ok(out)
    }

    /// The catalog whose tables [`Engine::tables`] gave, each checked
    /// ([`Catalog::from_tables`]): an object that is not such tables is refused with what
    /// is wrong.
    #[wasm_bindgen(js_name = fromTables)]
    pub fn from_tables(tables: &Object) -> Result<Engine, JsError> {
        let field = |name: &str| -> Result<JsValue, JsError> {
            let value = Reflect::get(tables, &JsValue::from_str(name))
                .map_err(|_| to_js(format!("the tables have no {name}")))?;
            if value.is_undefined() {
                return Err(to_js(format!("the tables have no {name}")));
            }
            Ok(value)
        };
        let bytes = |name: &str| -> Result<Vec<u8>, JsError> {
            Ok(field(name)?
                .dyn_into::<Uint8Array>()
                .map_err(|_| to_js(format!("the tables' {name} is not a Uint8Array")))?
                .to_vec())
        };
        let words = |name: &str| -> Result<Vec<u32>, JsError> {
            Ok(field(name)?
                .dyn_into::<Uint32Array>()
                .map_err(|_| to_js(format!("the tables' {name} is not a Uint32Array")))?
                .to_vec())
        };
        let categories = field("categories")?
            .dyn_into::<Array>()
            .map_err(|_| to_js("the tables' categories is not an array"))?
            .iter()
            .map(|name| {
                name.as_string()
                    .ok_or_else(|| to_js("a category name is not a string"))
            })
            .collect::<Result<Vec<String>, JsError>>()?;
        let tables = CatalogTables {
            labels: bytes("labels")?,
            label_ends: words("labelEnds")?,
            category: words("category")?,
            categories,
            id_rank: words("idRank")?,
            text_bytes: bytes("textBytes")?,
            text_ends: field("textEnds")?
                .dyn_into::<Uint16Array>()
                .map_err(|_| to_js("the tables' textEnds is not a Uint16Array"))?
                .to_vec(),
            byte_starts: words("byteStarts")?,
            end_starts: words("endStarts")?,
            attribute_ids: words("attributeIds")?,
            attribute_starts: words("attributeStarts")?,
        };
        let catalog = Catalog::from_tables(tables).map_err(to_js)?;
        Ok(Engine::built(catalog))
    }
}

/// The page worker's reader, as an [`io::Read`].
struct JsSource {
    read: Function,
}

impl io::Read for JsSource {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let chunk = self
            .read
            .call1(&JsValue::NULL, &JsValue::from(out.len() as f64))
            .map_err(|e| {
                let message = js_sys::Error::from(e).message();
                io::Error::other(String::from(message))
            })?;
        let chunk = Uint8Array::new(&chunk);
        let n = (chunk.length() as usize).min(out.len());
        chunk.subarray(0, n as u32).copy_to(&mut out[..n]);
        Ok(n)
    }
}
