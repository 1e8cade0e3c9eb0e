//! Operations routes, open without a key: `GET /healthz` (the process answers), `GET /readyz`
//! (the store, text index, vectors and model are loaded), `GET /metrics` (Prometheus text) and
//! `GET /openapi.json` (the API description, generated from the code).

use std::sync::OnceLock;

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use serde_json::json;
use utoipa::{OpenApi, ToSchema};

use crate::service::status::Readiness;

use super::error::{ApiError, ErrorBody};
use super::metrics::Metrics;
use super::openapi::ApiDoc;
use super::state::{Kb, KbSlot};

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthDto {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness: the process is up and answering (also while the KB loads).
#[utoipa::path(tag = "ops", responses((status = 200, description = "Alive", body = HealthDto)))]
#[get("/healthz")]
pub(super) async fn healthz() -> web::Json<HealthDto> {
    web::Json(HealthDto {
        status: "ok".into(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessDto {
    pub ready: bool,
    pub store: bool,
    pub text_index: bool,
    pub vectors: bool,
    pub model: bool,
    pub kb_version: u64,
    pub nodes: usize,
    pub edges: usize,
}

impl From<Readiness> for ReadinessDto {
    fn from(r: Readiness) -> Self {
        Self {
            ready: r.ready,
            store: r.store,
            text_index: r.text_index,
            vectors: r.vectors,
            model: r.model,
            kb_version: r.kb_version,
            nodes: r.nodes,
            edges: r.edges,
        }
    }
}

/// Readiness: 200 only when the store, text index, vectors and model are loaded and agree.
#[utoipa::path(
    tag = "ops",
    responses(
        (status = 200, description = "Ready to serve", body = ReadinessDto),
        (status = 503, description = "Loading, or a part is not ready (details say which)", body = ErrorBody),
    )
)]
#[get("/readyz")]
pub(super) async fn readyz(kb: Kb) -> Result<web::Json<ReadinessDto>, ApiError> {
    let readiness = ReadinessDto::from(kb.run(|kb| Ok(kb.readiness())).await?);
    if !readiness.ready {
        return Err(ApiError::NotReady(Some(json!(readiness))));
    }
    Ok(web::Json(readiness))
}

/// Prometheus metrics: requests and latency per route, answer confidence, answers, handoffs,
/// KB version and size.
#[utoipa::path(
    tag = "ops",
    responses((status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain"))
)]
#[get("/metrics")]
pub(super) async fn metrics(
    counters: web::Data<Metrics>,
    slot: web::Data<KbSlot>,
) -> Result<HttpResponse, ApiError> {
    let kb = slot.get().cloned();
    let readiness = web::block(move || kb.map(|kb| kb.readiness())).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(counters.render(readiness.as_ref())))
}

/// This API's OpenAPI 3.1 description.
#[utoipa::path(
    tag = "ops",
    responses((status = 200, description = "OpenAPI 3.1 document", body = Object))
)]
#[get("/openapi.json")]
pub(super) async fn openapi() -> HttpResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let document = DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the OpenAPI document serialises")
    });
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.as_str())
}

pub fn config_ops_api(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz)
        .service(readyz)
        .service(metrics)
        .service(openapi);
}
