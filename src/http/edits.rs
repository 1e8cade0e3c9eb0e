//! Editor writes: `PUT`/`DELETE /v1/nodes/{id}`, `PUT`/`DELETE /v1/edges` and `POST /v1/import`.
//! Each is one atomic batch recorded in the changelog under the caller's key id; each returns the
//! new `kb_version`. Refused input changes nothing and answers 422 with every error's line and
//! field.

use actix_web::http::header;
use actix_web::{delete, post, put, web, HttpMessage, HttpRequest};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

use crate::service::write::ImportFormat;

use super::auth::{Caller, Editor};
use super::dto::{EdgeDto, EdgeKeyDto, NodeDto, WriteOutcomeDto};
use super::error::{ApiError, ErrorBody};
use super::state::{Kb, Limits};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DryRunQuery {
    /// Validate and report what would change, without changing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// Creates or replaces a node.
#[utoipa::path(
    tag = "edit",
    params(("id" = String, Path, description = "Node id, percent-encoded or as a path tail", example = "faq/factory-reset-router")),
    request_body(content = NodeDto, description = "A node as in nodes.jsonl; `id` may be left out"),
    responses(
        (status = 200, description = "Written; the new KB version", body = WriteOutcomeDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the editor role", body = ErrorBody),
        (status = 422, description = "Refused: every bad field is listed in details.errors", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[put("/v1/nodes/{id:.+}")]
pub(super) async fn put_node(
    caller: Caller<Editor>,
    kb: Kb,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<web::Json<WriteOutcomeDto>, ApiError> {
    let provenance = caller.provenance(&request);
    let (id, body) = (id.into_inner(), body.into_inner());
    let outcome = kb
        .run(move |kb| kb.put_node(&id, body, &provenance))
        .await?;
    Ok(web::Json(outcome.into()))
}

/// Deletes a node and every edge at it; `?dry_run=true` only reports what would go (the
/// summary counts the node and its edges).
#[utoipa::path(
    tag = "edit",
    params(
        ("id" = String, Path, description = "Node id, percent-encoded or as a path tail", example = "faq/factory-reset-router"),
        DryRunQuery,
    ),
    responses(
        (status = 200, description = "Deleted (or checked, for a dry run); the new KB version", body = WriteOutcomeDto),
        (status = 400, description = "Unreadable query string", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the editor role", body = ErrorBody),
        (status = 404, description = "No such node", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[delete("/v1/nodes/{id:.+}")]
pub(super) async fn delete_node(
    caller: Caller<Editor>,
    kb: Kb,
    request: HttpRequest,
    id: web::Path<String>,
    query: web::Query<DryRunQuery>,
) -> Result<web::Json<WriteOutcomeDto>, ApiError> {
    let provenance = caller.provenance(&request);
    let id = id.into_inner();
    let dry_run = query.dry_run;
    let outcome = kb
        .run(move |kb| kb.delete_node(&id, &provenance, dry_run))
        .await?;
    Ok(web::Json(outcome.into()))
}

/// Creates or replaces an edge.
#[utoipa::path(
    tag = "edit",
    request_body(content = EdgeDto, description = "An edge as in edges.jsonl"),
    responses(
        (status = 200, description = "Written; the new KB version", body = WriteOutcomeDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the editor role", body = ErrorBody),
        (status = 422, description = "Refused: unknown relation or endpoint, kinds not allowed", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[put("/v1/edges")]
pub(super) async fn put_edge(
    caller: Caller<Editor>,
    kb: Kb,
    request: HttpRequest,
    body: web::Json<Map<String, Value>>,
) -> Result<web::Json<WriteOutcomeDto>, ApiError> {
    let provenance = caller.provenance(&request);
    let body = body.into_inner();
    let outcome = kb.run(move |kb| kb.put_edge(body, &provenance)).await?;
    Ok(web::Json(outcome.into()))
}

/// Deletes an edge.
#[utoipa::path(
    tag = "edit",
    request_body = EdgeKeyDto,
    responses(
        (status = 200, description = "Deleted; the new KB version", body = WriteOutcomeDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the editor role", body = ErrorBody),
        (status = 404, description = "No such edge", body = ErrorBody),
        (status = 422, description = "A malformed id or relation name", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[delete("/v1/edges")]
pub(super) async fn delete_edge(
    caller: Caller<Editor>,
    kb: Kb,
    request: HttpRequest,
    body: web::Json<EdgeKeyDto>,
) -> Result<web::Json<WriteOutcomeDto>, ApiError> {
    let provenance = caller.provenance(&request);
    let key = body.into_inner();
    let outcome = kb
        .run(move |kb| kb.delete_edge(&key.from, &key.rel, &key.to, &provenance))
        .await?;
    Ok(web::Json(outcome.into()))
}

/// The import format a content type names: CSV for `text/csv`, JSONL delta lines otherwise
/// (`application/x-ndjson`, `application/jsonl`, `application/json`, `text/plain`, or none).
fn import_format(request: &HttpRequest) -> Result<ImportFormat, ApiError> {
    if request.headers().get(header::CONTENT_TYPE).is_none() {
        return Ok(ImportFormat::Delta);
    }
    match request.content_type() {
        "text/csv" => Ok(ImportFormat::Csv),
        "application/x-ndjson"
        | "application/jsonl"
        | "application/x-jsonlines"
        | "application/jsonlines"
        | "application/json-lines"
        | "application/json"
        | "text/plain" => Ok(ImportFormat::Delta),
        other => Err(ApiError::UnsupportedMediaType(format!(
            "cannot import `{other}`; send JSONL delta lines as application/x-ndjson or an FAQ sheet as text/csv"
        ))),
    }
}

/// Imports a delta file (JSONL) or an FAQ spreadsheet (CSV) as one atomic batch.
#[utoipa::path(
    tag = "edit",
    params(DryRunQuery),
    request_body(
        description = "JSONL delta lines (node, edge, `{\"delete\": id}`, `{\"delete_edge\": {...}}`) or an FAQ CSV with the columns id,question,answer,aliases,lang,about,tags",
        content(
            (String = "application/x-ndjson"),
            (String = "text/csv"),
        ),
    ),
    responses(
        (status = 200, description = "Applied (or checked, for a dry run); the new KB version", body = WriteOutcomeDto),
        (status = 400, description = "The body is not UTF-8", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the editor role", body = ErrorBody),
        (status = 413, description = "Body over the import limit", body = ErrorBody),
        (status = 415, description = "Unsupported content type", body = ErrorBody),
        (status = 422, description = "Refused: every problem with its line and field; nothing changed", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[post("/v1/import")]
pub(super) async fn import(
    caller: Caller<Editor>,
    kb: Kb,
    request: HttpRequest,
    limits: web::Data<Limits>,
    query: web::Query<DryRunQuery>,
    payload: web::Payload,
) -> Result<web::Json<WriteOutcomeDto>, ApiError> {
    let provenance = caller.provenance(&request);
    let format = import_format(&request)?;
    let limit = limits.import;
    let body = payload
        .to_bytes_limited(limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge { limit })?
        .map_err(|e| ApiError::UnreadableBody(format!("cannot read the body: {e}")))?;
    let dry_run = query.dry_run;
    let outcome = kb
        .run(move |kb| kb.import_body(&body, format, &provenance, dry_run))
        .await?;
    Ok(web::Json(outcome.into()))
}

pub fn config_edits_api(cfg: &mut web::ServiceConfig) {
    cfg.service(put_node)
        .service(delete_node)
        .service(put_edge)
        .service(delete_edge)
        .service(import);
}
