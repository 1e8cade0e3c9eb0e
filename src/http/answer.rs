//! `POST /v1/answer` (a customer's question → the best answer, its confidence, evidence and the
//! handoff decision; the same object as `answergraph ask --json`, plus a `query_id`) and
//! `POST /v1/feedback` (was that answer helpful?).

use std::collections::BTreeMap;

use actix_web::{post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::answer::{
    Alternative, AnswerNode, AnswerOptions, AnswerRequest, AnswerResponse, EvidencePath,
    Explanation,
};
use crate::service::feedback::{FeedbackReceipt, FeedbackRequest};
use crate::service::reason::Source;

use super::auth::{Caller, Reader};
use super::dto::whole_number;
use super::error::{ApiError, ErrorBody};
use super::metrics::Metrics;
use super::state::Kb;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// The customer's message: at most 2,000 characters, not only white space.
    #[schema(
        example = "how do I reset my X200 router?",
        min_length = 1,
        max_length = 2000,
        pattern = r"\S"
    )]
    pub question: String,
    /// Conversation id, 1–128 bytes of UTF-8 (128 ASCII characters): earlier turns resolve
    /// "it", "and the warranty?".
    #[schema(min_length = 1, max_length = 128)]
    pub session_id: Option<String>,
    /// Include how the question was understood and the candidates scored.
    #[serde(default)]
    pub explain: bool,
}

/// The same object as `answergraph ask --json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerDto {
    /// Identifies the logged query; send it with `POST /v1/feedback`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    pub question: String,
    /// Detected language (`en`, `zh`).
    pub lang: String,
    /// The best answer; `null` when no answer is confident enough.
    pub answer: Option<AnswerNodeDto>,
    /// Calibrated probability that `answer` is right, in [0, 1].
    pub confidence: f32,
    pub alternatives: Vec<AlternativeDto>,
    pub evidence: Vec<EvidenceDto>,
    pub handoff: HandoffDto,
    /// True when dense retrieval was unavailable and the answer rests on keywords alone.
    pub degraded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    pub kb_version: u64,
    /// Milliseconds per stage (`understand`, `embed`, `lexical`, `walk` (the graph walk, run
    /// while the question is embedded), `dense`, `reason`, `assemble`, `total`).
    pub timings_ms: BTreeMap<String, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<ExplanationDto>,
}

/// Where a candidate answer came from.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceDto {
    Retrieval,
    Graph,
    Entity,
}

impl From<Source> for SourceDto {
    fn from(source: Source) -> Self {
        match source {
            Source::Retrieval => SourceDto::Retrieval,
            Source::Graph => SourceDto::Graph,
            Source::Entity => SourceDto::Entity,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerNodeDto {
    pub node_id: String,
    pub kind: String,
    pub name: String,
    /// The answer to show the customer.
    pub text: String,
    /// The attribute the question asked for, when the answer is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<AttributeDto>,
    pub source: SourceDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttributeDto {
    pub key: String,
    pub value: String,
}

impl From<AnswerNode> for AnswerNodeDto {
    fn from(node: AnswerNode) -> Self {
        Self {
            node_id: node.node_id,
            kind: node.kind,
            name: node.name,
            text: node.text,
            attribute: node.attribute.map(|a| AttributeDto {
                key: a.key,
                value: a.value,
            }),
            source: node.source.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlternativeDto {
    pub node_id: String,
    pub kind: String,
    pub name: String,
    pub score: f32,
}

impl From<Alternative> for AlternativeDto {
    fn from(a: Alternative) -> Self {
        Self {
            node_id: a.node_id,
            kind: a.kind,
            name: a.name,
            score: a.score,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    /// Node ids and the relation names walked between them.
    pub path: Vec<String>,
    pub source: SourceDto,
}

impl From<EvidencePath> for EvidenceDto {
    fn from(e: EvidencePath) -> Self {
        Self {
            path: e.path,
            source: e.source.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoffDto {
    /// True when a human should take over.
    pub recommended: bool,
    /// `low_confidence`, `asked_for_human`, `negative_sentiment` or `repeated_failure`.
    #[schema(example = "low_confidence")]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExplanationDto {
    pub normalized: String,
    pub entities: Vec<ExplainedAnchorDto>,
    pub relations: Vec<String>,
    pub kinds: Vec<String>,
    pub attributes: Vec<String>,
    /// The question's words outside its entity mentions, as analysed for the index.
    pub other_words: Vec<String>,
    /// Those of them the KB does not contain, even misspelt: they lower the confidence.
    pub unknown_words: Vec<String>,
    pub candidates: Vec<ExplainedCandidateDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExplainedAnchorDto {
    pub node_id: String,
    pub weight: f32,
    pub from_context: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExplainedCandidateDto {
    pub node_id: String,
    pub score: f32,
    pub logit: f32,
    /// `[feature, value, contribution to the logit]` for every non-zero feature.
    pub features: Vec<Vec<FeatureItemDto>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
}

/// One item of a `[feature, value, contribution]` triple: the feature's name, or a number.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum FeatureItemDto {
    Name(String),
    Number(f32),
}

impl From<Explanation> for ExplanationDto {
    fn from(e: Explanation) -> Self {
        Self {
            normalized: e.normalized,
            entities: e
                .entities
                .into_iter()
                .map(|a| ExplainedAnchorDto {
                    node_id: a.node_id,
                    weight: a.weight,
                    from_context: a.from_context,
                })
                .collect(),
            relations: e.relations,
            kinds: e.kinds,
            attributes: e.attributes,
            other_words: e.other_words,
            unknown_words: e.unknown_words,
            candidates: e
                .candidates
                .into_iter()
                .map(|c| ExplainedCandidateDto {
                    node_id: c.node_id,
                    score: c.score,
                    logit: c.logit,
                    features: c
                        .features
                        .into_iter()
                        .map(|(name, value, contribution)| {
                            vec![
                                FeatureItemDto::Name(name.to_owned()),
                                FeatureItemDto::Number(value),
                                FeatureItemDto::Number(contribution),
                            ]
                        })
                        .collect(),
                    path: c.path,
                })
                .collect(),
        }
    }
}

impl From<AnswerResponse> for AnswerDto {
    fn from(r: AnswerResponse) -> Self {
        Self {
            query_id: r.query_id,
            question: r.question,
            lang: r.lang.to_owned(),
            answer: r.answer.map(Into::into),
            confidence: r.confidence,
            alternatives: r.alternatives.into_iter().map(Into::into).collect(),
            evidence: r.evidence.into_iter().map(Into::into).collect(),
            handoff: HandoffDto {
                recommended: r.handoff.recommended,
                reason: r.handoff.reason.map(|reason| reason.as_str().to_owned()),
            },
            degraded: r.degraded,
            session_id: r.session_id,
            kb_version: r.kb_version,
            timings_ms: r
                .timings_ms
                .into_iter()
                .map(|(stage, ms)| (stage.to_owned(), ms))
                .collect(),
            explain: r.explain.map(Into::into),
        }
    }
}

/// Answers a customer's question and logs it (PII masked) under the returned `query_id`.
#[utoipa::path(
    tag = "answer",
    request_body = AnswerBody,
    responses(
        (status = 200, description = "The answer, or none with a handoff", body = AnswerDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 413, description = "Body over the JSON limit", body = ErrorBody),
        (status = 422, description = "Empty or too long question, bad session id", body = ErrorBody),
        (status = 503, description = "Still loading", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[post("/v1/answer")]
pub(super) async fn answer(
    _caller: Caller<Reader>,
    kb: Kb,
    metrics: web::Data<Metrics>,
    body: web::Json<AnswerBody>,
) -> Result<web::Json<AnswerDto>, ApiError> {
    let body = body.into_inner();
    let request = AnswerRequest {
        question: body.question,
        session_id: body.session_id,
        explain: body.explain,
    };
    let options = AnswerOptions {
        log: true,
        persist_session: true,
    };
    let response = kb.run(move |kb| kb.answer(&request, options)).await?;
    metrics.observe_answer(&response);
    Ok(web::Json(response.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    /// The `query_id` of a `/v1/answer` response.
    pub query_id: String,
    pub helpful: bool,
    /// Satisfaction from 1 (worst) to 5 (best).
    #[schema(minimum = 1, maximum = 5)]
    #[serde(default, deserialize_with = "whole_number")]
    pub rating: Option<u8>,
    /// Free text (at most 2,000 characters; personal data is masked before storing).
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDto {
    pub query_id: String,
    pub recorded: bool,
    /// When it was recorded (Unix milliseconds).
    pub at_ms: i64,
}

impl From<FeedbackReceipt> for FeedbackDto {
    fn from(receipt: FeedbackReceipt) -> Self {
        Self {
            query_id: receipt.query_id,
            recorded: true,
            at_ms: receipt.at_ms,
        }
    }
}

/// Records feedback on an answer; a second feedback on the same query replaces the first.
#[utoipa::path(
    tag = "answer",
    request_body = FeedbackBody,
    responses(
        (status = 200, description = "Recorded", body = FeedbackDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No query with this id", body = ErrorBody),
        (status = 422, description = "Rating outside 1–5 or comment too long", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[post("/v1/feedback")]
pub(super) async fn feedback(
    _caller: Caller<Reader>,
    kb: Kb,
    body: web::Json<FeedbackBody>,
) -> Result<web::Json<FeedbackDto>, ApiError> {
    let body = body.into_inner();
    let request = FeedbackRequest {
        query_id: body.query_id,
        helpful: body.helpful,
        rating: body.rating,
        comment: body.comment,
    };
    let receipt = kb.run(move |kb| kb.feedback(&request)).await?;
    Ok(web::Json(receipt.into()))
}

pub fn config_answer_api(cfg: &mut web::ServiceConfig) {
    cfg.service(answer).service(feedback);
}
