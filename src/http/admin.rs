//! Admin routes: `GET /v1/export` (the whole KB), `GET /v1/changes` (the changelog: who changed
//! what, when, from where), `GET /v1/analytics` (service quality over a time window),
//! `GET /v1/analytics/series` (the same per bucket of a window, for charts) and
//! `POST /v1/admin/backup` (a consistent backup of the whole store, downloaded).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;

use actix_web::body::SizedStream;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::service::analytics::{
    Analytics, AnalyticsRequest, AnalyticsSeries, FeedbackStats, Gap, Latency, SeriesRequest,
};
use crate::service::edits::{ChangeEntry, ChangeRecord};
use crate::service::reads::KbExport;

use super::auth::{Admin, Caller};
use super::dto::{int64_at_least_zero, ChangeSummaryDto, EdgeDto, NodeDto};
use super::error::{ApiError, ErrorBody};
use super::state::Kb;

/// Changelog records one `GET /v1/changes` returns at most.
const MAX_CHANGES: usize = 1000;

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportDto {
    pub kb_version: u64,
    /// `schema.yaml`, as text.
    pub schema: String,
    /// Nodes in id order, as in `nodes.jsonl`.
    pub nodes: Vec<NodeDto>,
    /// Edges in (from, rel, to) order, as in `edges.jsonl`.
    pub edges: Vec<EdgeDto>,
}

impl From<KbExport> for ExportDto {
    fn from(kb: KbExport) -> Self {
        Self {
            kb_version: kb.kb_version,
            schema: kb.schema_yaml,
            nodes: kb.nodes.into_iter().map(Into::into).collect(),
            edges: kb.edges.into_iter().map(Into::into).collect(),
        }
    }
}

/// The whole KB from one KB version, in its source format.
#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, description = "Schema, nodes and edges", body = ExportDto),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the admin role", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/export")]
pub(super) async fn export(
    _caller: Caller<Admin>,
    kb: Kb,
) -> Result<web::Json<ExportDto>, ApiError> {
    let whole = kb.run(|kb| Ok(kb.export_snapshot())).await?;
    Ok(web::Json(whole.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// Only changes that produced a KB version above this (default 0: from the start).
    #[param(value_type = Option<i64>, minimum = 0)]
    #[serde(default, deserialize_with = "int64_at_least_zero")]
    pub since: Option<u64>,
    /// Most records returned (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesDto {
    /// Oldest first.
    pub changes: Vec<ChangeDto>,
    /// Pass as `since` to read on; `null` when there was nothing to read.
    pub next_since: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    /// The KB version this change produced.
    pub kb_version: u64,
    /// RFC 3339.
    pub time: String,
    /// Who: the API key id (`editor-1a2b3c4d`), or the CLI's `--actor`.
    pub actor: String,
    /// From where: `http PUT /v1/nodes/...`, a file path.
    pub source: String,
    pub summary: ChangeSummaryDto,
    /// Each change with before/after values (at most 1,000 per record).
    pub changes: Vec<ChangeEntryDto>,
    /// True when `changes` was cut short.
    pub truncated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeEntryDto {
    /// `add_node`, `update_node`, `delete_node`, `add_edge`, `update_edge` or `delete_edge`.
    pub op: String,
    /// Node id, or `from -rel-> to` for edges.
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

impl From<ChangeEntry> for ChangeEntryDto {
    fn from(e: ChangeEntry) -> Self {
        Self {
            op: e.op,
            target: e.target,
            before: e.before,
            after: e.after,
        }
    }
}

impl From<ChangeRecord> for ChangeDto {
    fn from(r: ChangeRecord) -> Self {
        Self {
            kb_version: r.kb_version,
            time: r.time,
            actor: r.actor,
            source: r.source,
            summary: r.summary.into(),
            changes: r.changes.into_iter().map(Into::into).collect(),
            truncated: r.truncated,
        }
    }
}

/// The changelog: every applied batch after `since`, with who made it and from where.
#[utoipa::path(
    tag = "admin",
    params(ChangesQuery),
    responses(
        (status = 200, description = "Changelog records, oldest first", body = ChangesDto),
        (status = 400, description = "Unreadable query string", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the admin role", body = ErrorBody),
        (status = 422, description = "limit out of range", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/changes")]
pub(super) async fn changes(
    _caller: Caller<Admin>,
    kb: Kb,
    query: web::Query<ChangesQuery>,
) -> Result<web::Json<ChangesDto>, ApiError> {
    let since = query.since.unwrap_or(0);
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_CHANGES).contains(&limit) {
        return Err(ApiError::BadRequest {
            field: "limit".into(),
            message: format!("must be between 1 and {MAX_CHANGES}"),
        });
    }
    let records = kb.run(move |kb| kb.changes(since, limit)).await?;
    Ok(web::Json(ChangesDto {
        next_since: records.last().map(|r| r.kb_version),
        changes: records.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsQuery {
    /// Window start: RFC 3339 or an age such as `30m`, `24h`, `7d` (default: 7 days before
    /// `until`).
    pub since: Option<String>,
    /// Window end, in the same forms (default: now).
    pub until: Option<String>,
    /// How many unanswered questions to list (0–100, default 10).
    #[param(minimum = 0, maximum = 100)]
    pub top: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsDto {
    /// RFC 3339.
    pub since: String,
    pub until: String,
    pub queries: u64,
    pub answered: u64,
    /// `answered / queries`; `null` without queries.
    pub answer_rate: Option<f64>,
    pub handoffs: u64,
    pub handoff_rate: Option<f64>,
    /// Handoffs by reason.
    pub handoff_reasons: BTreeMap<String, u64>,
    /// Queries answered without dense retrieval.
    pub degraded: u64,
    /// Queries by detected language.
    pub languages: BTreeMap<String, u64>,
    pub mean_confidence: Option<f64>,
    /// Service time per query; `null` without queries.
    pub latency_ms: Option<LatencyDto>,
    pub feedback: FeedbackStatsDto,
    /// The questions most often left unanswered: gaps in the KB.
    pub top_unanswered: Vec<GapDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LatencyDto {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackStatsDto {
    pub responses: u64,
    pub helpful: u64,
    pub not_helpful: u64,
    pub helpful_rate: Option<f64>,
    /// Feedback with a 1–5 rating.
    pub ratings: u64,
    pub mean_rating: Option<f64>,
    /// Customer satisfaction: the share of ratings that are 4 or 5.
    pub csat: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapDto {
    /// The most recent wording (personal data masked).
    pub question: String,
    pub count: u64,
    /// RFC 3339.
    pub last_asked: String,
}

impl From<Latency> for LatencyDto {
    fn from(l: Latency) -> Self {
        Self {
            p50: l.p50,
            p90: l.p90,
            p99: l.p99,
            max: l.max,
            mean: l.mean,
        }
    }
}

impl From<FeedbackStats> for FeedbackStatsDto {
    fn from(f: FeedbackStats) -> Self {
        Self {
            responses: f.responses,
            helpful: f.helpful,
            not_helpful: f.not_helpful,
            helpful_rate: f.helpful_rate,
            ratings: f.ratings,
            mean_rating: f.mean_rating,
            csat: f.csat,
        }
    }
}

impl From<Gap> for GapDto {
    fn from(g: Gap) -> Self {
        Self {
            question: g.question,
            count: g.count,
            last_asked: g.last_asked,
        }
    }
}

impl From<Analytics> for AnalyticsDto {
    fn from(a: Analytics) -> Self {
        Self {
            since: a.since,
            until: a.until,
            queries: a.queries,
            answered: a.answered,
            answer_rate: a.answer_rate,
            handoffs: a.handoffs,
            handoff_rate: a.handoff_rate,
            handoff_reasons: a.handoff_reasons,
            degraded: a.degraded,
            languages: a.languages,
            mean_confidence: a.mean_confidence,
            latency_ms: a.latency_ms.map(Into::into),
            feedback: a.feedback.into(),
            top_unanswered: a.top_unanswered.into_iter().map(Into::into).collect(),
        }
    }
}

/// Query volume, answer and handoff rates, latency, feedback/CSAT and the top unanswered
/// questions over a time window.
#[utoipa::path(
    tag = "admin",
    params(AnalyticsQuery),
    responses(
        (status = 200, description = "The report", body = AnalyticsDto),
        (status = 400, description = "Unreadable query string", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the admin role", body = ErrorBody),
        (status = 422, description = "Unreadable time or window", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/analytics")]
pub(super) async fn analytics(
    _caller: Caller<Admin>,
    kb: Kb,
    query: web::Query<AnalyticsQuery>,
) -> Result<web::Json<AnalyticsDto>, ApiError> {
    let query = query.into_inner();
    let request = AnalyticsRequest {
        since: query.since,
        until: query.until,
        top: query.top.unwrap_or(10),
    };
    let report = kb.run(move |kb| kb.analytics(&request)).await?;
    Ok(web::Json(report.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SeriesQuery {
    /// Window start: RFC 3339 or an age such as `30m`, `24h`, `7d` (default: 7 days before
    /// `until`).
    pub since: Option<String>,
    /// Window end, in the same forms (default: now).
    pub until: Option<String>,
    /// Equal buckets the window is cut into (1–366, default 7).
    #[param(minimum = 1, maximum = 366)]
    pub buckets: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsSeriesDto {
    /// RFC 3339.
    pub since: String,
    pub until: String,
    /// Length of one bucket in milliseconds (the last may be a little longer).
    pub bucket_ms: i64,
    /// One report per bucket, oldest first; `since`/`until` are the bucket's bounds and
    /// `top_unanswered` is empty.
    pub points: Vec<AnalyticsDto>,
}

impl From<AnalyticsSeries> for AnalyticsSeriesDto {
    fn from(series: AnalyticsSeries) -> Self {
        Self {
            since: series.since,
            until: series.until,
            bucket_ms: series.bucket_ms,
            points: series.points.into_iter().map(Into::into).collect(),
        }
    }
}

/// The figures of `GET /v1/analytics` per equal bucket of a window: volume, answer and handoff
/// rates, latency and CSAT over time.
#[utoipa::path(
    tag = "admin",
    params(SeriesQuery),
    responses(
        (status = 200, description = "One report per bucket, oldest first", body = AnalyticsSeriesDto),
        (status = 400, description = "Unreadable query string", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the admin role", body = ErrorBody),
        (status = 422, description = "Unreadable time or window, buckets out of range", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/analytics/series")]
pub(super) async fn analytics_series(
    _caller: Caller<Admin>,
    kb: Kb,
    query: web::Query<SeriesQuery>,
) -> Result<web::Json<AnalyticsSeriesDto>, ApiError> {
    let query = query.into_inner();
    let request = SeriesRequest {
        since: query.since,
        until: query.until,
        buckets: query.buckets.unwrap_or(7),
    };
    let series = kb.run(move |kb| kb.analytics_series(&request)).await?;
    Ok(web::Json(series.into()))
}

/// Bytes read from the backup file per chunk of the response.
const BACKUP_CHUNK_BYTES: usize = 256 * 1024;

/// A backup of the whole store (KB, changelog, cached embeddings, query log, feedback,
/// sessions) at one KB version, as a file download; `answergraph restore FILE` loads it. Writes
/// wait while it is taken; reads go on. The file is the one `answergraph backup` writes, with a
/// sha256 over its contents at its end, which `restore` checks.
#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, description = "The backup file", content_type = "application/octet-stream", body = Vec<u8>,
            headers(
                ("content-disposition" = String, description = "`attachment; filename=\"answergraph-kb<version>-<time>.agbak\"`"),
                ("x-kb-version" = u64, description = "The KB version the backup holds"),
                ("x-backup-sha256" = String, description = "The checksum stored at the end of the file (hex)"),
            )),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 403, description = "Needs the admin role", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[post("/v1/admin/backup")]
pub(super) async fn backup(_caller: Caller<Admin>, kb: Kb) -> Result<HttpResponse, ApiError> {
    let backup = kb.run(|kb| kb.backup_to_temp()).await?;
    let info = backup.info;
    let taken = chrono::DateTime::parse_from_rfc3339(&info.meta.created_at)
        .map(|time| time.format("-%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default();
    let filename = format!("answergraph-kb{}{taken}.agbak", info.meta.kb_version);
    let chunks = futures_util::stream::try_unfold(backup.file, |file| async move {
        let (file, chunk) = web::block(move || read_chunk(file)).await??;
        Ok::<_, ApiError>((!chunk.is_empty()).then(|| (web::Bytes::from(chunk), file)))
    });
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .insert_header(("x-kb-version", info.meta.kb_version))
        .insert_header(("x-backup-sha256", info.sha256))
        .body(SizedStream::new(info.bytes, chunks)))
}

/// The next chunk of `file`; empty at its end. Fails when the file cannot be read (the client
/// then sees the download cut short, and `restore` refuses the truncated file).
fn read_chunk(mut file: File) -> Result<(File, Vec<u8>), ApiError> {
    let mut chunk = vec![0; BACKUP_CHUNK_BYTES];
    let read = file.read(&mut chunk).map_err(|e| {
        tracing::error!(error = %e, "cannot read the backup being sent");
        ApiError::Internal
    })?;
    chunk.truncate(read);
    Ok((file, chunk))
}

pub fn config_admin_api(cfg: &mut web::ServiceConfig) {
    cfg.service(export)
        .service(changes)
        .service(analytics)
        .service(analytics_series)
        .service(backup);
}
