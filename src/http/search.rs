//! `POST /v1/search`: lexical, dense or hybrid search with per-leg ranks — the same object as
//! `answergraph search --json`.

use std::collections::BTreeMap;

use actix_web::{post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::fusion::LegRank;
use crate::service::search::{SearchHit, SearchMode, SearchRequest, SearchResponse};

use super::auth::{Caller, Reader};
use super::error::{ApiError, ErrorBody};
use super::state::Kb;

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchModeDto {
    Lexical,
    Dense,
    #[default]
    Hybrid,
}

impl From<SearchModeDto> for SearchMode {
    fn from(mode: SearchModeDto) -> Self {
        match mode {
            SearchModeDto::Lexical => SearchMode::Lexical,
            SearchModeDto::Dense => SearchMode::Dense,
            SearchModeDto::Hybrid => SearchMode::Hybrid,
        }
    }
}

impl From<SearchMode> for SearchModeDto {
    fn from(mode: SearchMode) -> Self {
        match mode {
            SearchMode::Lexical => SearchModeDto::Lexical,
            SearchMode::Dense => SearchModeDto::Dense,
            SearchMode::Hybrid => SearchModeDto::Hybrid,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    #[schema(example = "router keeps dropping wifi")]
    pub query: String,
    #[serde(default)]
    pub mode: SearchModeDto,
    /// Hits wanted (default 10, at most `search.max_k`: 100 unless configured).
    #[schema(minimum = 1, maximum = 100)]
    pub k: Option<usize>,
    /// Only nodes of these kinds.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Only nodes with one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Drop hits whose fused score is below this.
    /// Any JSON number: one beyond the scores' own precision keeps every hit or none.
    pub min_score: Option<f64>,
}

/// The same object as `answergraph search --json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchDto {
    pub query: String,
    pub mode: SearchModeDto,
    /// True when the dense legs were unavailable and the hits are lexical only.
    pub degraded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub degraded_reason: Option<String>,
    pub took_ms: f64,
    /// Milliseconds per stage: `embed`, `lexical`, `dense`, `fusion`.
    pub timings_ms: BTreeMap<String, f64>,
    pub kb_version: u64,
    pub hits: Vec<HitDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HitDto {
    pub id: String,
    pub kind: String,
    pub name: String,
    /// Fused score.
    pub score: f32,
    /// Rank and BM25 score in the lexical leg.
    pub lexical: Option<LegRankDto>,
    /// Rank and score in the fused dense legs.
    pub dense: Option<LegRankDto>,
    /// Rank and cosine in the question-form leg.
    pub dense_question: Option<LegRankDto>,
    /// Rank and cosine in the text leg.
    pub dense_text: Option<LegRankDto>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct LegRankDto {
    pub rank: usize,
    pub score: f32,
}

impl From<LegRank> for LegRankDto {
    fn from(leg: LegRank) -> Self {
        Self {
            rank: leg.rank,
            score: leg.score,
        }
    }
}

impl From<SearchHit> for HitDto {
    fn from(hit: SearchHit) -> Self {
        Self {
            id: hit.id,
            kind: hit.kind,
            name: hit.name,
            score: hit.score,
            lexical: hit.lexical.map(Into::into),
            dense: hit.dense.map(Into::into),
            dense_question: hit.dense_question.map(Into::into),
            dense_text: hit.dense_text.map(Into::into),
        }
    }
}

impl From<SearchResponse> for SearchDto {
    fn from(r: SearchResponse) -> Self {
        Self {
            query: r.query,
            mode: r.mode.into(),
            degraded: r.degraded,
            degraded_reason: r.degraded_reason,
            took_ms: r.took_ms,
            timings_ms: r
                .timings_ms
                .into_iter()
                .map(|(stage, ms)| (stage.to_owned(), ms))
                .collect(),
            kb_version: r.kb_version,
            hits: r.hits.into_iter().map(Into::into).collect(),
        }
    }
}

/// Searches the KB; if the query cannot be embedded in time, the hits are lexical and
/// `degraded` says so.
#[utoipa::path(
    tag = "search",
    request_body = SearchBody,
    responses(
        (status = 200, description = "Hits, best first", body = SearchDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 422, description = "Empty or too long query, bad k or mode", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[post("/v1/search")]
pub(super) async fn search(
    _caller: Caller<Reader>,
    kb: Kb,
    body: web::Json<SearchBody>,
) -> Result<web::Json<SearchDto>, ApiError> {
    let body = body.into_inner();
    let request = SearchRequest {
        query: body.query,
        mode: body.mode.into(),
        k: body.k,
        kinds: body.kinds,
        tags: body.tags,
        // `as` saturates to ±infinity, which as a threshold means what the caller asked.
        min_score: body.min_score.map(|min| min as f32),
        fusion: None,
    };
    let response = kb.run(move |kb| kb.search(&request)).await?;
    Ok(web::Json(response.into()))
}

pub fn config_search_api(cfg: &mut web::ServiceConfig) {
    cfg.service(search);
}
