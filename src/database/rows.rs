//! The statements the database's methods share: counting, positions, the version, the
//! batched upsert, and a row read back as a product.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{DatabaseError, query_error};
use crate::catalog::Product;

pub(super) async fn count(conn: &mut AnyConnection) -> Result<usize, DatabaseError> {
    let row = sqlx::query("SELECT COUNT(*) FROM products")
        .fetch_one(&mut *conn)
        .await
        .map_err(query_error)?;
    Ok(row.try_get::<i64, _>(0).map_err(query_error)? as usize)
}

pub(super) async fn next_position(conn: &mut AnyConnection) -> Result<i64, DatabaseError> {
    let row = sqlx::query("SELECT COALESCE(MAX(position) + 1, 0) FROM products")
        .fetch_one(&mut *conn)
        .await
        .map_err(query_error)?;
    row.try_get(0).map_err(query_error)
}

pub(super) async fn bump(conn: &mut AnyConnection) -> Result<i64, DatabaseError> {
    let row = sqlx::query(
        "UPDATE catalog_version SET version = version + 1 WHERE singleton = 1 RETURNING version",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(query_error)?;
    row.try_get(0).map_err(query_error)
}

/// Inserts `batch`, new products at `next`, `next + 1`, ...; a product whose identifier
/// exists replaces its fields and keeps its place.
pub(super) async fn upsert(
    conn: &mut AnyConnection,
    batch: &[Product],
    next: i64,
) -> Result<(), DatabaseError> {
    let mut sql = String::from(
        "INSERT INTO products (slug, name, description, category, tags, price, position) VALUES ",
    );
    // An absent price is written as a literal NULL, not a parameter: sqlx 0.8.6's Any
    // driver declares a NULL f64 as float4 to Postgres, and the statement it caches then
    // refuses the next price (an 8-byte float8).
    let mut next_parameter = 0;
    let mut parameter = || {
        next_parameter += 1;
        format!("${next_parameter}")
    };
    for (k, product) in batch.iter().enumerate() {
        if k > 0 {
            sql.push_str(", ");
        }
        let fields: Vec<String> = (0..7)
            .map(|field| {
                if field == 5 && product.price.is_none() {
                    "NULL".to_string()
                } else {
                    parameter()
                }
            })
            .collect();
        sql.push('(');
        sql.push_str(&fields.join(", "));
        sql.push(')');
    }
    sql.push_str(
        " ON CONFLICT (slug) DO UPDATE SET name = excluded.name, \
         description = excluded.description, category = excluded.category, \
         tags = excluded.tags, price = excluded.price",
    );
    let mut query = sqlx::query(&sql);
    for (k, product) in batch.iter().enumerate() {
        let tags = serde_json::to_string(&product.tags)
            .map_err(|e| DatabaseError::Query(e.to_string()))?;
        query = query
            .bind(product.id.clone())
            .bind(product.name.clone())
            .bind(product.description.clone())
            .bind(product.category.clone())
            .bind(tags);
        if let Some(price) = product.price {
            query = query.bind(price);
        }
        query = query.bind(next + k as i64);
    }
    query.execute(&mut *conn).await.map_err(query_error)?;
    Ok(())
}

/// One row as a product.
pub(super) fn product_of(row: &AnyRow) -> Result<Product, DatabaseError> {
    let slug: String = row.try_get("slug").map_err(query_error)?;
    let bad = |message: String| DatabaseError::BadRow {
        slug: slug.clone(),
        message,
    };
    let tags: String = row.try_get("tags").map_err(query_error)?;
    let tags: Vec<String> = serde_json::from_str(&tags)
        .map_err(|e| bad(format!("tags is not a JSON array of strings ({e})")))?;
    Ok(Product {
        name: row.try_get("name").map_err(query_error)?,
        description: row.try_get("description").map_err(query_error)?,
        category: row.try_get("category").map_err(query_error)?,
        price: row.try_get("price").map_err(query_error)?,
        tags,
        id: slug,
    })
}
