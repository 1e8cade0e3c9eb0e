//! Hybrid search: a BM25 leg, a question-form dense leg and a text dense leg, fused. If the query
//! cannot be embedded in time, search degrades to the lexical leg and says so.

use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::embed::{EmbedError, PendingEmbedding, Then};
use crate::text::TextFilter;

use super::embedding::embedding_text;
use super::fusion::{fuse, FusionConfig, LegHits, LegRank, LegWeights};
use super::{KnowledgeBase, Result, ServiceError, Snapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchMode {
    Lexical,
    Dense,
    #[default]
    Hybrid,
}

impl std::str::FromStr for SearchMode {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "lexical" => Ok(SearchMode::Lexical),
            "dense" => Ok(SearchMode::Dense),
            "hybrid" => Ok(SearchMode::Hybrid),
            other => Err(format!(
                "unknown mode `{other}`; use lexical, dense or hybrid"
            )),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub mode: SearchMode,
    /// Hits wanted (default from settings).
    pub k: Option<usize>,
    pub kinds: Vec<String>,
    pub tags: Vec<String>,
    /// Hits whose fused score is below this are dropped (after fusion).
    pub min_score: Option<f32>,
    /// Overrides the KB's fusion (used by `tune`).
    pub fusion: Option<FusionConfig>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub score: f32,
    /// Rank and BM25 score in the lexical leg.
    pub lexical: Option<LegRank>,
    /// Rank and score in the fused dense legs.
    pub dense: Option<LegRank>,
    /// Rank and cosine in the question-form leg.
    pub dense_question: Option<LegRank>,
    /// Rank and cosine in the text leg.
    pub dense_text: Option<LegRank>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub query: String,
    pub mode: SearchMode,
    pub degraded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub degraded_reason: Option<String>,
    pub took_ms: f64,
    /// Time per stage: `embed` (query embedding; ~0 when cached), `lexical`, `dense`, `fusion`.
    pub timings_ms: std::collections::BTreeMap<&'static str, f64>,
    pub kb_version: u64,
    pub hits: Vec<SearchHit>,
}

/// A query vector being fetched: found in the cache, being embedded, or failed to start.
enum QueryVector {
    Cached(Arc<Vec<f32>>),
    Pending {
        text: String,
        pending: PendingEmbedding,
    },
    Failed(EmbedError),
}

/// The raw legs for one query, and why dense legs are missing if they are.
pub struct Retrieval {
    pub legs: [LegHits; 3],
    pub degraded: Option<String>,
    /// The query's embedding, when the dense legs ran (reused by the reasoner, so a question is
    /// embedded once even when the query cache is off or full).
    pub vector: Option<Arc<Vec<f32>>>,
    /// How long the query's embedding took from submission to vector (0 from the cache); the
    /// lexical leg runs meanwhile, so this is not added to it.
    pub embed_ms: f64,
    pub lexical_ms: f64,
    pub dense_ms: f64,
}

impl KnowledgeBase {
    /// Searches the current KB. Fails with [`ServiceError::BadRequest`] for an empty or too long
    /// query or a bad `k`; embedding trouble degrades instead of failing.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let query = request.query.trim();
        self.check_question("query", query)?;
        let k = request.k.unwrap_or(self.settings.search.default_k);
        if k == 0 || k > self.settings.search.max_k {
            return Err(ServiceError::bad_request(
                "k",
                format!("must be between 1 and {}", self.settings.search.max_k),
            ));
        }
        let snapshot = self.snapshot();
        let filter = TextFilter {
            kinds: request.kinds.clone(),
            tags: request.tags.clone(),
        };
        let depth = self.settings.search.leg_depth.max(k);
        let retrieval = self.retrieve(
            &snapshot,
            query,
            request.mode != SearchMode::Lexical,
            &filter,
            depth,
            |_| {},
        )?;
        let config = request
            .fusion
            .or(self.kb_settings().fusion)
            .unwrap_or_default();
        let dense_only = FusionConfig {
            weights: LegWeights {
                lexical: 0.0,
                ..config.weights
            },
            ..config
        };
        let lexical_only = FusionConfig {
            weights: LegWeights {
                lexical: 1.0,
                dense_question: 0.0,
                dense_text: 0.0,
            },
            ..config
        };
        // A search that could not embed returns what the lexical leg has.
        let effective = match (request.mode, retrieval.degraded.is_some()) {
            (SearchMode::Lexical, _) | (_, true) => lexical_only,
            (SearchMode::Dense, false) => dense_only,
            (SearchMode::Hybrid, false) => config,
        };
        let fusion_started = Instant::now();
        let fused = fuse(&effective, &retrieval.legs);
        let dense_ranks: std::collections::HashMap<u32, LegRank> =
            fuse(&dense_only, &retrieval.legs)
                .into_iter()
                .enumerate()
                .map(|(i, f)| {
                    (
                        f.item,
                        LegRank {
                            rank: i + 1,
                            score: f.score,
                        },
                    )
                })
                .collect();
        let hits = fused
            .into_iter()
            .filter(|f| request.min_score.is_none_or(|min| f.score >= min))
            .take(k)
            .map(|f| {
                let node = snapshot.node_at(f.item);
                SearchHit {
                    id: node.id.to_string(),
                    kind: node.kind.to_string(),
                    name: node.name.clone(),
                    score: f.score,
                    lexical: f.legs[0],
                    dense: dense_ranks.get(&f.item).copied(),
                    dense_question: f.legs[1],
                    dense_text: f.legs[2],
                }
            })
            .collect();
        let timings_ms = [
            ("embed", retrieval.embed_ms),
            ("lexical", retrieval.lexical_ms),
            ("dense", retrieval.dense_ms),
            ("fusion", fusion_started.elapsed().as_secs_f64() * 1e3),
        ]
        .into_iter()
        .collect();
        Ok(SearchResponse {
            query: query.to_owned(),
            timings_ms,
            mode: request.mode,
            degraded: retrieval.degraded.is_some(),
            degraded_reason: retrieval.degraded,
            took_ms: started.elapsed().as_secs_f64() * 1e3,
            kb_version: snapshot.kb_version,
            hits,
        })
    }

    pub(crate) fn check_question(&self, field: &str, text: &str) -> Result<()> {
        if text.is_empty() {
            return Err(ServiceError::bad_request(field, "must not be empty"));
        }
        let limit = self.settings.answer.max_question_chars;
        let length = text.chars().count();
        if length > limit {
            return Err(ServiceError::bad_request(
                field,
                format!("is {length} characters long; the limit is {limit}"),
            ));
        }
        Ok(())
    }

    /// Starts getting the query's vector: from the cache for a repeated question, else handed
    /// to an embedding worker, so the caller can run the lexical leg meanwhile.
    fn start_query_vector(&self, text: &str, then: Then) -> QueryVector {
        let text = embedding_text(text);
        if let Some(vector) = self.query_cache.get(&text) {
            return QueryVector::Cached(vector);
        }
        match self.embedder.start_then(&text, Some(then)) {
            Ok(pending) => QueryVector::Pending { text, pending },
            Err(e) => QueryVector::Failed(e),
        }
    }

    /// The query's vector and how long embedding it took (0 from the cache), waiting for the
    /// worker until the configured deadline after the text was handed over.
    fn finish_query_vector(
        &self,
        started: QueryVector,
    ) -> std::result::Result<(Arc<Vec<f32>>, f64), EmbedError> {
        match started {
            QueryVector::Cached(vector) => Ok((vector, 0.0)),
            QueryVector::Failed(e) => Err(e),
            QueryVector::Pending { text, pending } => {
                let deadline = Duration::from_millis(self.settings.models.query_deadline_ms);
                let embedding = pending.wait(Some(deadline))?;
                let vector = Arc::new(embedding.vector);
                self.query_cache.put(text, Arc::clone(&vector));
                Ok((vector, embedding.took.as_secs_f64() * 1e3))
            }
        }
    }

    /// Runs the retrieval legs for `query` on `snapshot`. Dense legs run only when `dense` and the
    /// query could be embedded. `meanwhile` runs on this thread with the lexical hits while the
    /// model embeds the query, so that work which needs no vector costs no latency.
    pub(crate) fn retrieve(
        &self,
        snapshot: &Arc<Snapshot>,
        query: &str,
        dense: bool,
        filter: &TextFilter,
        depth: usize,
        meanwhile: impl FnOnce(&[(u32, f32)]),
    ) -> Result<Retrieval> {
        // The model runs on an embedding worker, which then runs the dense legs with the vector,
        // while this thread runs the lexical leg and `meanwhile`.
        let (dense_done, dense_result) = mpsc::sync_channel(1);
        let embedding = dense.then(|| {
            let (snapshot, filter) = (Arc::clone(snapshot), filter.clone());
            self.start_query_vector(
                query,
                Box::new(move |vector: &[f32]| {
                    let _ = dense_done.send(dense_legs(&snapshot, vector, depth, &filter));
                }),
            )
        });
        let started = Instant::now();
        let lexical: Vec<(u32, f32)> = snapshot
            .text
            .search(query, depth, filter)?
            .into_iter()
            .filter_map(|hit| snapshot.slot_of(&hit.id).map(|slot| (slot, hit.score)))
            .collect();
        let lexical_ms = started.elapsed().as_secs_f64() * 1e3;
        meanwhile(&lexical);
        let mut retrieval = Retrieval {
            legs: [
                LegHits { hits: lexical },
                LegHits::default(),
                LegHits::default(),
            ],
            degraded: None,
            vector: None,
            embed_ms: 0.0,
            lexical_ms,
            dense_ms: 0.0,
        };
        let Some(embedding) = embedding else {
            return Ok(retrieval);
        };
        let vector = match self.finish_query_vector(embedding) {
            Ok((vector, embed_ms)) => {
                retrieval.embed_ms = embed_ms;
                vector
            }
            Err(e) => {
                tracing::warn!(error = %e, "query embedding failed; answering from the lexical leg");
                retrieval.degraded = Some(format!("dense retrieval unavailable: {e}"));
                return Ok(retrieval);
            }
        };
        // A vector from the cache was not embedded, so its dense legs are run here.
        let ([question, text], dense_ms) = dense_result
            .try_recv()
            .unwrap_or_else(|_| dense_legs(snapshot, &vector, depth, filter));
        retrieval.legs[1].hits = question;
        retrieval.legs[2].hits = text;
        retrieval.dense_ms = dense_ms;
        retrieval.vector = Some(vector);
        Ok(retrieval)
    }
}

/// The question-form and text legs' hits for `vector` within `filter`, and how long they took
/// (ms).
fn dense_legs(
    snapshot: &Snapshot,
    vector: &[f32],
    depth: usize,
    filter: &TextFilter,
) -> ([Vec<(u32, f32)>; 2], f64) {
    let started = Instant::now();
    let allow = |slot: u32| {
        let node = snapshot.node_at(slot);
        (filter.kinds.is_empty() || filter.kinds.iter().any(|k| k == node.kind.as_str()))
            && (filter.tags.is_empty() || node.tags.iter().any(|t| filter.tags.contains(t)))
    };
    let hits = [&snapshot.question_vectors, &snapshot.text_vectors].map(|vectors| {
        vectors
            .search(vector, depth, &allow)
            .into_iter()
            .map(|hit| (hit.owner, hit.score))
            .collect()
    });
    (hits, started.elapsed().as_secs_f64() * 1e3)
}
