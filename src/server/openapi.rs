//! `GET /openapi.json`: the API's OpenAPI 3.1 document. Each operation is declared on its
//! handler (`#[utoipa::path]`, beside the code) and registered through utoipa-axum's
//! `routes!`, which gives axum its route and the document its path from the same
//! declaration: a route the router serves and the document lacks cannot happen.
//! This module holds what several operations share: the error body, the query
//! parameters, and the document's own description.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::state::Shared;

/// Every API error: `{ "error": { "code": "...", "message": "..." } }`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// An error's stable code, for programs, and its message, for people.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// One of: `bad_parameter` (400), `invalid_catalog` (400), `invalid_product` (400),
    /// `unreadable_body` (400), `unknown_product` (404), `unknown_catalog` (404),
    /// `not_found` (404), `method_not_allowed` (405), `conflict` (409), `too_large` (413),
    /// `unsupported_media_type` (415), `internal` (500: a panic inside a job),
    /// `invalid_database` (500: rows the catalog cannot read), `busy` (503: every scoring
    /// slot taken), `database_unavailable` (503), `shutting_down` (503), `timeout` (504),
    /// `over_memory_budget` (507).
    #[schema(example = "bad_parameter")]
    pub code: String,
    pub message: String,
    /// For `too_large` and `over_memory_budget`: the bytes the request needed (the body's
    /// length, or the catalog's memory) when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needed_bytes: Option<u64>,
    /// For `too_large` and `over_memory_budget`: the limit it was over, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_bytes: Option<u64>,
}

/// The errors of every endpoint that runs a job (a scoring, a search, an upload) on a
/// catalog, documented once for all of them.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Documentation: the handlers answer with ApiError (error.rs).
pub enum JobErrors {
    /// A bad or unknown query parameter (`bad_parameter`, naming it and its range), or an
    /// invalid catalog (`invalid_catalog`, with its location).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No such product (`unknown_product`) or catalog (`unknown_catalog`).
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// A panic inside the job (`internal`); the server carries on.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// Every scoring slot is taken (`busy`): try again after Retry-After.
    #[response(status = 503, headers(("retry-after" = u32, description = "Seconds to wait")))]
    Busy(ErrorBody),
    /// The request ran past --request-timeout (`timeout`); its job was stopped.
    #[response(status = 504)]
    Timeout(ErrorBody),
    /// A catalog over the server's catalog memory budget (`over_memory_budget`).
    #[response(status = 507)]
    OverBudget(ErrorBody),
}

/// What every operation on the shop's database may answer when it is down, documented
/// once for all of them.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Documentation: the handlers answer with ApiError (error.rs).
pub enum DatabaseErrors {
    /// The database does not answer (`database_unavailable`): try again after Retry-After.
    #[response(status = 503, headers(("retry-after" = u32, description = "Seconds to wait")))]
    Unavailable(ErrorBody),
}

/// How a recommendations request is scored: `parallel` (the server's rayon pool, the
/// default) or `serial` (one thread).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // A schema: the handler reads the parameter as text (api.rs).
pub enum ScoringMode {
    Parallel,
    Serial,
}

/// The recommendations endpoints' query parameters. The handlers read them as text, so
/// that an unknown or repeated name is refused with a message naming it (api.rs).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RecommendationParams {
    /// MinHash iterations (signature length); default 1500.
    #[param(minimum = 1, maximum = 100_000)]
    iterations: Option<u32>,
    /// How many recommendations to return; default 10.
    #[param(minimum = 1, maximum = 1000)]
    top: Option<u32>,
    /// `parallel` (default) or `serial`.
    mode: Option<ScoringMode>,
}

/// The product search's query parameters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchParams {
    /// Words that every match's name or identifier must contain (case-insensitive);
    /// empty or absent lists the first products.
    search: Option<String>,
    /// Most matches to return; default 20.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// One product of an uploaded catalog (the README's catalog format). Unknown fields are
/// ignored; `null` counts as absent for the optional ones. Identifiers must be unique
/// within a catalog, which a schema cannot say.
#[derive(serde::Deserialize, ToSchema)]
#[allow(dead_code)] // A schema: uploads are parsed by the core's streaming parser.
pub struct CatalogProduct {
    /// The identifier; when absent or empty, `id`. A product needs one of the two.
    #[schema(max_length = 1024)]
    slug: Option<String>,
    /// The identifier when there is no `slug`: a string, or a number (written as Rust
    /// writes it: `1.0` and `1e3` give `1` and `1000`).
    id: Option<ProductId>,
    /// The display name; when absent, `title`, else the identifier.
    #[schema(max_length = 65536)]
    name: Option<String>,
    #[schema(max_length = 65536)]
    title: Option<String>,
    /// Its words feed the text signal.
    #[schema(max_length = 65536)]
    description: String,
    #[schema(max_length = 65536)]
    category: Option<String>,
    /// An array of strings, or one string of comma-separated tags (as shop exports often
    /// write them; the same tags as the array of its parts).
    tags: Option<ProductTags>,
    price: Option<f64>,
}

/// A product's `tags`: an array of strings, or one comma-separated string.
#[derive(serde::Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ProductTags {
    /// Each at most 64 KiB.
    List(Vec<String>),
    /// `"red, matte, long-lasting"`: split at commas, spaces around each tag dropped.
    CommaSeparated(String),
}

/// A product's `id`: a string or a number.
#[derive(serde::Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ProductId {
    /// At most 1 KiB.
    Text(String),
    Number(f64),
}

/// An uploaded catalog: an array of products, or an object with a `products` array; at
/// least one product, at most 1,000,000.
#[derive(serde::Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum CatalogUpload {
    /// An array of products.
    Products(Vec<CatalogProduct>),
    /// An object with a `products` array (what public shop APIs return).
    Wrapped {
        #[schema(min_items = 1, max_items = 1_000_000)]
        products: Vec<CatalogProduct>,
    },
}

/// The document's description; the paths come from the router (mod.rs).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "shop-recs",
        description = "Content-based product recommendations, scored by a Rust core on a rayon pool \
                       (`GET /products/{slug}/recommendations`, the seeds' endpoint). Every error is \
                       `{ error: { code, message } }`. Limits: catalog uploads 64 MiB unless `--max-upload` says more, `iterations` \
                       1..=100000, `top` 1..=1000, `limit` 1..=1000. Scoring answers carry a \
                       `Server-Timing` header; 503 answers a `Retry-After`. Every response carries \
                       `x-request-id`.",
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        ScoringMode,
        CatalogProduct,
        CatalogUpload,
        ProductId,
        ProductTags
    ))
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "This document", body = Object, content_type = "application/json"))
)]
pub async fn openapi(State(state): State<Shared>) -> Response {
    let text = state.openapi.get().cloned().unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// The document one server serves: the one generated from the routes, made exact for
/// this instance where the derive cannot say it.
///
/// - A catalog's product needs a non-empty `slug` or an `id` (a non-empty string or a
///   number): an `anyOf` of the two, so that a client or a fuzzer that keeps to the schema
///   never sends a product without an identifier.
/// - `PUT /products/{slug}` takes the product's fields without its identifier, which is the
///   path's (a `slug` or `id` the body gives anyway must be the path's, which a schema
///   cannot say).
/// - Links from the answers that list products to the operations that take one, so that a
///   client generator, or Schemathesis's stateful phase, reaches real identifiers.
pub fn served_document(generated: &utoipa::openapi::OpenApi, writable: bool) -> Value {
    let mut document = serde_json::to_value(generated).unwrap_or_default();
    let schemas = &mut document["components"]["schemas"];
    let mut fields = schemas["CatalogProduct"].clone();
    if let Some(properties) = fields["properties"].as_object_mut() {
        properties.remove("slug");
        properties.remove("id");
    }
    fields["description"] = json!(
        "One product's fields, as in a catalog, for `PUT /products/{slug}`: its identifier \
         is the path's. A `slug` or `id` given anyway must be the path's. A database cannot \
         store the NUL character in text, so no text holds one."
    );
    // The tags' schema inline, so that its texts get the pattern too.
    let tags = schemas["ProductTags"].clone();
    fields["properties"]["tags"] = json!({"oneOf": [tags, {"type": "null"}]});
    without_nul(&mut fields);
    schemas["ProductFields"] = fields;
    // The `id` branch: a string counts only when it is not empty (an empty one beside a
    // `slug` is ignored, so `ProductId` itself allows it).
    schemas["CatalogProduct"]["anyOf"] = json!([
        {"required": ["slug"], "properties": {"slug": {"type": "string", "minLength": 1}}},
        {"required": ["id"], "properties": {"id": {"anyOf": [
            {"type": "string", "minLength": 1},
            {"type": "number"},
        ]}}},
    ]);
    // The bare array has the same bounds as the wrapped one; in both, two products cannot
    // be the same (the part of "identifiers are unique" that a schema can say).
    if let Some(variants) = schemas["CatalogUpload"]["oneOf"].as_array_mut() {
        for variant in variants {
            let products = if variant["type"] == "array" {
                variant
            } else {
                &mut variant["properties"]["products"]
            };
            products["minItems"] = json!(1);
            products["maxItems"] = json!(crate::catalog::MAX_PRODUCTS);
            products["uniqueItems"] = json!(true);
        }
    }

    let paths = &mut document["paths"];
    if writable {
        paths["/products/{slug}"]["put"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"$ref": "#/components/schemas/ProductFields"});
    }

    let first_match = "$response.body#/matches/0/id";
    let mut to_product = serde_json::Map::new();
    for operation in ["product", "recommendations"].into_iter().chain(
        writable
            .then_some(["put_product", "delete_product"])
            .into_iter()
            .flatten(),
    ) {
        to_product.insert(
            operation.into(),
            json!({"operationId": operation, "parameters": {"slug": first_match}}),
        );
    }
    paths["/products"]["get"]["responses"]["200"]["links"] = Value::Object(to_product);
    for status in ["200", "201"] {
        paths["/catalogs"]["post"]["responses"][status]["links"] = json!({
            "catalog_products": {"operationId": "catalog_products", "parameters": {"id": "$response.body#/id"}},
        });
    }
    paths["/catalogs/{id}/products"]["get"]["responses"]["200"]["links"] = json!({
        "catalog_recommendations": {
            "operationId": "catalog_recommendations",
            "parameters": {"id": "$response.body#/catalog", "slug": first_match},
        },
    });
    document
}

/// Every text in `schema` without the NUL character (which Postgres cannot store in text).
fn without_nul(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let is_text = match object.get("type") {
                Some(Value::String(kind)) => kind == "string",
                Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "string"),
                _ => false,
            };
            if is_text {
                object.insert("pattern".into(), json!("^[^\\u0000]*$"));
            }
            object.values_mut().for_each(without_nul);
        }
        Value::Array(items) => items.iter_mut().for_each(without_nul),
        _ => {}
    }
}
