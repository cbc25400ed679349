//! One product of the server's own catalog: `GET`, and under `--database` `PUT` and
//! `DELETE`, written through to the shop's database. A write bumps the catalog version;
//! the next request scores the new version (shop.rs).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::api::ProductSummary;
use super::catalogs::catalog_for_target;
use super::error::ApiError;
use super::openapi::{CatalogProduct, DatabaseErrors, ErrorBody};
use super::shop::Shop;
use super::state::{DEFAULT_CATALOG, DefaultCatalog, Shared};
use crate::catalog::parse_products;
use crate::database::unstorable;
use crate::{Catalog, CatalogError, Product};

/// What `GET /products/{slug}` answers.
#[derive(Serialize, ToSchema)]
struct ProductAnswer<'a> {
    product: ProductSummary<'a>,
    /// Under `serve --database`, the catalog version read.
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog_version: Option<i64>,
}

/// What a write answers.
#[derive(Serialize, ToSchema)]
struct WriteAnswer {
    id: String,
    /// `created`, `updated` or `deleted`.
    outcome: &'static str,
    /// The catalog version after the write: recommendations from this version on see it.
    catalog_version: i64,
}

/// `GET /products/{slug}`: one product of the server's own catalog.
#[utoipa::path(
    get,
    path = "/products/{slug}",
    tag = "products",
    params(("slug" = String, Path, description = "The product's identifier", example = "velvet-matte-lipstick")),
    responses(
        (status = 200, description = "The product", body = ProductAnswer),
        (status = 404, description = "No such product (`unknown_product`)", body = ErrorBody),
        DatabaseErrors,
    )
)]
pub async fn product(
    State(state): State<Shared>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let (catalog, catalog_version) = catalog_for_target(&state, DEFAULT_CATALOG, &slug).await?;
    let index = catalog.index_of(&slug).unwrap_or_default();
    Ok(Json(ProductAnswer {
        product: ProductSummary::of(&catalog, index),
        catalog_version,
    })
    .into_response())
}

/// `PUT /products/{slug}`: creates or replaces a product in the shop's database (`serve
/// --database`). The body is one product as in a catalog's `products` array, with the
/// same checks and limits; its identifier, when it has one, is the path's.
#[utoipa::path(
    put,
    path = "/products/{slug}",
    tag = "products",
    params(("slug" = String, Path, description = "The product's identifier", example = "velvet-matte-lipstick")),
    request_body(content = CatalogProduct, description = "One product as in a catalog; `slug` or `id` may be left out (the path's is used)", content_type = "application/json"),
    responses(
        (status = 200, description = "The product replaced one of the same identifier", body = WriteAnswer),
        (status = 201, description = "The product is new", body = WriteAnswer),
        (status = 400, description = "Not a valid product (`invalid_product`), with the field at fault", body = ErrorBody),
        (status = 405, description = "The catalog is not writable: a file, or `--read-only` (`method_not_allowed`)", body = ErrorBody),
        (status = 409, description = "The catalog is full (`conflict`)", body = ErrorBody),
        (status = 413, description = "The body is over 2 MB (`too_large`)", body = ErrorBody),
        DatabaseErrors,
    )
)]
pub async fn put_product(
    State(state): State<Shared>,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let shop = writable(&state)?;
    let product = product_body(&slug, &body)?;
    let written = shop.db.put(&product).await?;
    let (status, outcome) = if written.created {
        (StatusCode::CREATED, "created")
    } else {
        (StatusCode::OK, "updated")
    };
    let answer = WriteAnswer {
        id: product.id,
        outcome,
        catalog_version: written.version,
    };
    Ok((status, Json(answer)).into_response())
}

/// `DELETE /products/{slug}`: removes a product from the shop's database (`serve
/// --database`). The catalog's last product stays (409).
#[utoipa::path(
    delete,
    path = "/products/{slug}",
    tag = "products",
    params(("slug" = String, Path, description = "The product's identifier", example = "velvet-matte-lipstick")),
    responses(
        (status = 200, description = "The product is deleted", body = WriteAnswer),
        (status = 404, description = "No such product (`unknown_product`)", body = ErrorBody),
        (status = 405, description = "The catalog is not writable: a file, or `--read-only` (`method_not_allowed`)", body = ErrorBody),
        (status = 409, description = "It is the catalog's last product (`conflict`)", body = ErrorBody),
        DatabaseErrors,
    )
)]
pub async fn delete_product(
    State(state): State<Shared>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let shop = writable(&state)?;
    match shop.db.delete(&slug).await? {
        Some(version) => Ok(Json(WriteAnswer {
            id: slug,
            outcome: "deleted",
            catalog_version: version,
        })
        .into_response()),
        None => Err(crate::QueryError::UnknownTarget { id: slug }.into()),
    }
}

/// The shop's database, when the server may write to it; 405 otherwise.
fn writable(state: &Shared) -> Result<&Shop, ApiError> {
    match &state.default {
        DefaultCatalog::Shop(shop) if !shop.read_only => Ok(shop),
        // A server that cannot write has no write routes (mod.rs's `api_routes`), so this
        // is not reached; the router's own 405 says why (`explain_refused_write`).
        _ => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            refused_write(state).unwrap_or_default(),
        )),
    }
}

/// Why this server takes no `PUT` or `DELETE` of a product, if it takes none.
pub fn refused_write(state: &Shared) -> Option<String> {
    let why = match &state.default {
        DefaultCatalog::Shop(shop) if !shop.read_only => return None,
        DefaultCatalog::Shop(_) => "the server was started with --read-only",
        DefaultCatalog::Fixed { .. } => {
            "the server's catalog is a file or generated; start it with --database URL to \
             keep the catalog in a database that the API writes to"
        }
    };
    Some(format!("products cannot be changed here: {why}"))
}

/// On a server that cannot write, the router answers a `PUT` or `DELETE` of a product 405
/// (the route takes only GET); this gives that answer the reason, keeping its `Allow`.
pub async fn explain_refused_write(
    State(state): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_write = matches!(request.method().as_str(), "PUT" | "DELETE")
        && request.uri().path().starts_with("/products/");
    let response = next.run(request).await;
    match refused_write(&state) {
        Some(why) if is_write && response.status() == StatusCode::METHOD_NOT_ALLOWED => {
            let (parts, _) = response.into_parts();
            let mut explained =
                ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", why)
                    .into_response();
            if let Some(allow) = parts.headers.get(axum::http::header::ALLOW) {
                explained
                    .headers_mut()
                    .insert(axum::http::header::ALLOW, allow.clone());
            }
            explained
        }
        _ => response,
    }
}

/// The product a `PUT` body describes, checked as a one-product catalog: the same parser,
/// field types, required fields and limits as a catalog file.
pub fn product_body(slug: &str, body: &[u8]) -> Result<Product, ApiError> {
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid_product", message);
    let text = std::str::from_utf8(body).map_err(|e| {
        bad(format!(
            "the body is not UTF-8 text (byte {} is not part of a UTF-8 character)",
            e.valid_up_to()
        ))
    })?;
    let mut value: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| bad(format!("the body is not JSON: {e}")))?;
    let Some(object) = value.as_object_mut() else {
        return Err(bad(
            "the body must be one product object, as in a catalog's \"products\" array".into(),
        ));
    };
    let names_itself = ["slug", "id"]
        .iter()
        .any(|key| object.get(*key).is_some_and(|v| !v.is_null()));
    if !names_itself {
        object.insert("slug".into(), serde_json::Value::String(slug.into()));
    }
    let one = serde_json::to_string(&[&value]).map_err(|e| bad(e.to_string()))?;
    let product = parse_products(&one)
        .map_err(|e| bad(product_message(&e)))?
        .pop()
        .ok_or_else(|| bad("the body holds no product".into()))?;
    if product.id != slug {
        return Err(bad(format!(
            "the body's identifier {:?} is not the path's {slug:?}; leave it out or make them \
             the same",
            product.id
        )));
    }
    Catalog::from_products(vec![product.clone()]).map_err(|e| bad(product_message(&e)))?;
    if let Some(why) = unstorable(&product) {
        return Err(bad(why));
    }
    Ok(product)
}

/// A catalog error about the one product of a body, said without its index.
fn product_message(e: &CatalogError) -> String {
    match e {
        CatalogError::WrongType {
            path,
            expected,
            found,
        } => {
            let field = path.strip_prefix("[0].").unwrap_or(path);
            format!("{field}: expected {expected}, found {found}")
        }
        CatalogError::MissingIdentifier { .. } => {
            "the product's identifier is empty: give a non-empty \"slug\" or \"id\", or \
             neither (the path's is used)"
                .into()
        }
        CatalogError::MissingDescription { .. } => {
            "the product has no \"description\" (a string is required)".into()
        }
        CatalogError::DescriptionTooLong { bytes, limit, .. } => {
            format!("description is {bytes} bytes; the limit is {limit} bytes")
        }
        CatalogError::DescriptionWordsTooLong { bytes, limit, .. } => format!(
            "the description's distinct words take {bytes} bytes lowercased; the limit is \
             {limit} bytes"
        ),
        CatalogError::FieldTooLong {
            field,
            bytes,
            limit,
            ..
        } => format!("{field} is {bytes} bytes; the limit is {limit} bytes"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_one_product_with_the_paths_identifier() {
        let p = product_body(
            "a",
            br#"{"name": "A", "description": "red", "tags": ["x"]}"#,
        )
        .expect("valid");
        assert_eq!((p.id.as_str(), p.name.as_str()), ("a", "A"));
        assert_eq!(p.tags, ["x"]);
        let same = product_body("7", br#"{"id": 7, "description": "d"}"#).expect("valid");
        assert_eq!(same.id, "7");

        let message =
            |slug: &str, body: &str| product_body(slug, body.as_bytes()).unwrap_err().message;
        assert!(
            message("a", r#"{"slug": "b", "description": "d"}"#)
                .contains("\"b\" is not the path's \"a\"")
        );
        assert_eq!(
            message("a", r#"{"description": 5}"#),
            "description: expected a string, found a number"
        );
        assert_eq!(
            message("a", r#"{"tags": 5, "description": "d"}"#),
            "tags: expected an array of strings or one comma-separated string, found a number"
        );
        assert!(message("a", r#"{"name": "n"}"#).contains("no \"description\""));
        assert!(message("a", "[1]").contains("one product object"));
        assert!(message("a", "{").starts_with("the body is not JSON"));
        assert!(message("a", r#"{"description": "a\u0000b"}"#).contains("NUL character"));
        let long = format!(
            r#"{{"description": "{}"}}"#,
            "x".repeat(crate::catalog::MAX_DESCRIPTION_BYTES + 1)
        );
        assert!(message("a", &long).starts_with("description is 65537 bytes; the limit is 65536"));
    }
}
