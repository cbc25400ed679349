//! The shop's database: a catalog kept in SQLite (embedded, a file) or Postgres, written by
//! `shop-recs import` and `PUT`/`DELETE /products/{slug}`, read by `shop-recs serve
//! --database`.
//!
//! One code path for both through sqlx's `Any` driver, with runtime queries in the SQL
//! both read alike (`$1` parameters, `ON CONFLICT ... DO UPDATE`, `RETURNING`);
//! tests/database.rs runs every query here against both. The schema is `migrations/`,
//! applied by [`Database::connect`] (`sqlx::migrate!`).
//!
//! Every write bumps `catalog_version` in the same transaction, so a reader that saw the
//! same version before and after reading the products has one consistent catalog.

use std::fmt;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection, Row};

use crate::catalog::{MAX_PRODUCTS, Product};

mod rows;
use rows::{bump, count, next_position, product_of, upsert};

/// The schema, versioned in the repository (`migrations/`), built into the binary.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Rows per `INSERT` when importing: 7 parameters each, far under both databases' limits.
const IMPORT_BATCH: usize = 500;

/// How long a query waits for a connection before the database counts as unreachable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long the first connection may take at start.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        }
    }
}

/// Why the database could not be used; shown as one line.
#[derive(Debug)]
pub enum DatabaseError {
    /// The URL names no database shop-recs can use.
    Url(String),
    /// The database could not be reached, or refused the connection.
    Unreachable { kind: Kind, message: String },
    /// The schema could not be created or brought up to date.
    Migrate(String),
    /// A statement failed: the database went away, or refused it.
    Query(String),
    /// A row that is not a product (written by other means than shop-recs).
    BadRow { slug: String, message: String },
    /// The write would leave a catalog the server cannot use.
    Refused(String),
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseError::Url(message) | DatabaseError::Refused(message) => {
                write!(f, "{message}")
            }
            DatabaseError::Unreachable { kind, message } => {
                write!(f, "cannot reach the {} database: {message}", kind.name())
            }
            DatabaseError::Migrate(message) => {
                write!(f, "cannot create the database's tables: {message}")
            }
            DatabaseError::Query(message) => write!(f, "the database failed: {message}"),
            DatabaseError::BadRow { slug, message } => {
                write!(
                    f,
                    "the database's product {slug:?} is not readable: {message}"
                )
            }
        }
    }
}

impl std::error::Error for DatabaseError {}

fn query_error(e: sqlx::Error) -> DatabaseError {
    DatabaseError::Query(one_line(&e.to_string()))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Products in the file.
    pub products: usize,
    /// Of those, how many were new, and how many replaced a product of the same id.
    pub added: usize,
    pub updated: usize,
    /// Products removed first (`--replace`).
    pub removed: usize,
    /// The catalog version after the import.
    pub version: i64,
}

/// A product written through [`Database::put`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Whether the product is new (else it replaced one of the same id).
    pub created: bool,
    pub version: i64,
}

/// `URL` as sqlx reads it, and its kind: `sqlite://FILE` (created if missing),
/// `postgres://...` or `postgresql://...`, or a bare path (a SQLite file).
pub fn parse_url(url: &str) -> Result<(Kind, String), DatabaseError> {
    let sqlite = |url: String| {
        // Created if missing, unless the URL says otherwise (`mode=ro`, `mode=rw`).
        if url.contains("mode=") || url.contains(":memory:") {
            (Kind::Sqlite, url)
        } else if url.contains('?') {
            (Kind::Sqlite, format!("{url}&mode=rwc"))
        } else {
            (Kind::Sqlite, format!("{url}?mode=rwc"))
        }
    };
    if url.starts_with("sqlite:") {
        Ok(sqlite(url.to_string()))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        check_root_certificate(url)?;
        Ok((Kind::Postgres, url.to_string()))
    } else if let Some((scheme, _)) = url.split_once("://") {
        Err(DatabaseError::Url(format!(
            "--database {scheme}://...: not a database shop-recs can use; give \
             sqlite://FILE (or a file's path) or postgres://USER@HOST:PORT/DATABASE"
        )))
    } else if url.is_empty() {
        Err(DatabaseError::Url("--database is empty".into()))
    } else {
        Ok(sqlite(format!("sqlite://{url}")))
    }
}

/// A Postgres URL's `sslrootcert=PATH` (the CA that `verify-ca` and `verify-full` check
/// the server's certificate against) must name a file that can be read: said before
/// connecting, with the path, where the TLS library would say only "No such file".
/// Percent-encoded paths are left to sqlx.
fn check_root_certificate(url: &str) -> Result<(), DatabaseError> {
    let Some((_, query)) = url.split_once('?') else {
        return Ok(());
    };
    for pair in query.split('&') {
        if let Some(path) = pair.strip_prefix("sslrootcert=")
            && !path.contains('%')
            && let Err(e) = std::fs::File::open(path)
        {
            return Err(DatabaseError::Url(format!(
                "--database ...sslrootcert={path}: cannot read that CA certificate: {e}"
            )));
        }
    }
    Ok(())
}

/// Why `product` cannot be stored as it is, if it cannot: Postgres keeps no NUL character
/// (U+0000) in text, which JSON allows. Checked before any write, for both databases.
pub fn unstorable(product: &Product) -> Option<String> {
    let texts = [&product.id, &product.name, &product.description]
        .into_iter()
        .chain(&product.category)
        .chain(&product.tags);
    texts.into_iter().any(|text| text.contains('\0')).then(|| {
        "a text field holds a NUL character (\\u0000), which a database cannot store in text"
            .to_string()
    })
}

/// A connection pool to the shop's database, its schema up to date.
#[derive(Clone)]
pub struct Database {
    pool: AnyPool,
    kind: Kind,
}

impl Database {
    /// Connects to `url` (see [`parse_url`]) and applies the migrations. The first
    /// connection is made alone, so that its error says why (refused, unknown host,
    /// password), where a pool would say only that it timed out.
    pub async fn connect(url: &str) -> Result<Database, DatabaseError> {
        sqlx::any::install_default_drivers();
        let (kind, url) = parse_url(url)?;
        let options: AnyConnectOptions = url
            .parse()
            .map_err(|e: sqlx::Error| DatabaseError::Url(one_line(&e.to_string())))?;
        let unreachable = |message: String| DatabaseError::Unreachable { kind, message };
        let first = tokio::time::timeout(CONNECT_TIMEOUT, AnyConnection::connect_with(&options))
            .await
            .map_err(|_| unreachable(format!("no answer in {} s", CONNECT_TIMEOUT.as_secs())))?
            .map_err(|e| unreachable(one_line(&e.to_string())))?;
        let _ = first.close().await;
        let pool = AnyPoolOptions::new()
            .max_connections(match kind {
                // One writer at a time in SQLite anyway; readers share the rest.
                Kind::Sqlite => 4,
                Kind::Postgres => 8,
            })
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| unreachable(one_line(&e.to_string())))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| DatabaseError::Migrate(one_line(&e.to_string())))?;
        Ok(Database { pool, kind })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// A transaction that writes. SQLite's own `BEGIN` takes the write lock only at the
    /// first write, after the transaction has read: two writers (this server and another,
    /// or `shop-recs import`) each holding a read lock and wanting the write lock would
    /// wait on each other, so SQLite refuses one at once with "database is locked",
    /// without waiting its busy timeout. `BEGIN IMMEDIATE` takes the write lock first,
    /// and a second writer waits its turn.
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, DatabaseError> {
        match self.kind {
            Kind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Kind::Postgres => self.pool.begin().await,
        }
        .map_err(query_error)
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), DatabaseError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(query_error)
    }

    /// The catalog's version: every write bumps it.
    pub async fn version(&self) -> Result<i64, DatabaseError> {
        let row = sqlx::query("SELECT version FROM catalog_version WHERE singleton = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(query_error)?;
        row.try_get(0).map_err(query_error)
    }

    /// Whether a product with identifier `slug` exists.
    pub async fn contains(&self, slug: &str) -> Result<bool, DatabaseError> {
        let row = sqlx::query("SELECT COUNT(*) FROM products WHERE slug = $1")
            .bind(slug)
            .fetch_one(&self.pool)
            .await
            .map_err(query_error)?;
        Ok(row.try_get::<i64, _>(0).map_err(query_error)? > 0)
    }

    /// How many products the catalog holds.
    pub async fn count(&self) -> Result<usize, DatabaseError> {
        let mut conn = self.pool.acquire().await.map_err(query_error)?;
        count(&mut conn).await
    }

    /// The catalog's products in catalog order, as the database sends them: a row at a
    /// time, nothing collected, so that a million rows never sit in memory beside the
    /// catalog built from them. A reader that reads [`Database::version`] before and
    /// after, and finds it unchanged, has read one consistent catalog.
    pub fn products(&self) -> impl Stream<Item = Result<Product, DatabaseError>> + Send + '_ {
        sqlx::query(
            "SELECT slug, name, description, category, tags, price FROM products \
             ORDER BY position",
        )
        .fetch(&self.pool)
        .map(|row| row.map_err(query_error).and_then(|row| product_of(&row)))
    }

    /// Writes `products` (already checked as a catalog) in one transaction: with
    /// `replace`, instead of the catalog; otherwise upserted by identifier, new ones after
    /// the others. A failure leaves the database as it was.
    pub async fn import(
        &self,
        products: &[Product],
        replace: bool,
    ) -> Result<Imported, DatabaseError> {
        let mut tx = self.write().await?;
        let removed = if replace {
            sqlx::query("DELETE FROM products")
                .execute(&mut *tx)
                .await
                .map_err(query_error)?
                .rows_affected() as usize
        } else {
            0
        };
        let before = count(&mut tx).await?;
        let mut next = next_position(&mut tx).await?;
        for batch in products.chunks(IMPORT_BATCH) {
            upsert(&mut tx, batch, next).await?;
            next += batch.len() as i64;
        }
        let after = count(&mut tx).await?;
        if after > MAX_PRODUCTS {
            return Err(DatabaseError::Refused(format!(
                "the catalog would hold {after} products; the limit is {MAX_PRODUCTS}"
            )));
        }
        let version = bump(&mut tx).await?;
        tx.commit().await.map_err(query_error)?;
        let added = after - before;
        Ok(Imported {
            products: products.len(),
            added,
            updated: products.len() - added,
            removed,
            version,
        })
    }

    /// Writes one product (already checked), replacing the one of the same identifier.
    pub async fn put(&self, product: &Product) -> Result<Written, DatabaseError> {
        if let Some(why) = unstorable(product) {
            return Err(DatabaseError::Refused(why));
        }
        let mut tx = self.write().await?;
        let total = count(&mut tx).await?;
        let next = next_position(&mut tx).await?;
        upsert(&mut tx, std::slice::from_ref(product), next).await?;
        let created = count(&mut tx).await? > total;
        if created && total >= MAX_PRODUCTS {
            return Err(DatabaseError::Refused(format!(
                "the catalog holds {total} products, the limit; delete one first"
            )));
        }
        let version = bump(&mut tx).await?;
        tx.commit().await.map_err(query_error)?;
        Ok(Written { created, version })
    }

    /// Deletes the product `slug`: the new version, or None when there is none such. The
    /// last product is not deleted (a catalog has at least one).
    pub async fn delete(&self, slug: &str) -> Result<Option<i64>, DatabaseError> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM products WHERE slug = $1")
            .bind(slug)
            .execute(&mut *tx)
            .await
            .map_err(query_error)?
            .rows_affected();
        if deleted == 0 {
            return Ok(None);
        }
        if count(&mut tx).await? == 0 {
            return Err(DatabaseError::Refused(format!(
                "{slug:?} is the catalog's last product; a catalog has at least one"
            )));
        }
        let version = bump(&mut tx).await?;
        tx.commit().await.map_err(query_error)?;
        Ok(Some(version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_database() {
        assert_eq!(
            parse_url("sqlite://shop.db").unwrap(),
            (Kind::Sqlite, "sqlite://shop.db?mode=rwc".into())
        );
        assert_eq!(
            parse_url("shop.db").unwrap(),
            (Kind::Sqlite, "sqlite://shop.db?mode=rwc".into())
        );
        assert_eq!(
            parse_url("sqlite://shop.db?mode=ro").unwrap().1,
            "sqlite://shop.db?mode=ro"
        );
        assert_eq!(parse_url("postgres://u@h/db").unwrap().0, Kind::Postgres);
        assert_eq!(parse_url("postgresql://u@h/db").unwrap().0, Kind::Postgres);
        let err = parse_url("mysql://u@h/db").unwrap_err().to_string();
        assert!(
            err.contains("mysql://") && err.contains("sqlite://FILE"),
            "{err}"
        );
        assert!(parse_url("").is_err());
    }
}
