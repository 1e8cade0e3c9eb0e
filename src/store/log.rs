//! The query log and feedback. Records are keyed by query id (time-ordered), so a time window is
//! a range scan. Question text arrives here already masked by the service.

use serde::{Deserialize, Serialize};

use super::{decode, encode, Result, Store};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryRecord {
    pub query_id: String,
    /// Unix time in milliseconds.
    pub at_ms: i64,
    /// The masked question, or `None` when the log keeps no question text.
    pub question: Option<String>,
    pub lang: String,
    pub answer_id: Option<String>,
    pub confidence: f32,
    pub handoff_reason: Option<String>,
    pub session_id: Option<String>,
    pub total_ms: f64,
    pub timings_ms: std::collections::BTreeMap<String, f64>,
    pub degraded: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRecord {
    pub query_id: String,
    pub at_ms: i64,
    pub helpful: bool,
    pub rating: Option<u8>,
    pub comment: Option<String>,
}

impl Store {
    pub fn put_query(&self, record: &QueryRecord) -> Result<()> {
        self.queries_tree()
            .insert(record.query_id.as_bytes(), encode(record))?;
        Ok(())
    }

    pub fn query(&self, query_id: &str) -> Result<Option<QueryRecord>> {
        self.queries_tree()
            .get(query_id.as_bytes())?
            .map(|v| decode(query_id.as_bytes(), &v))
            .transpose()
    }

    /// Query records whose id sorts at or after `from_id` (ids begin with the time).
    pub fn queries_from(&self, from_id: &str) -> Result<Vec<QueryRecord>> {
        self.queries_tree()
            .range(from_id.as_bytes()..)
            .map(|entry| {
                let (key, value) = entry?;
                decode(&key, &value)
            })
            .collect()
    }

    pub fn put_feedback(&self, record: &FeedbackRecord) -> Result<()> {
        self.feedback_tree()
            .insert(record.query_id.as_bytes(), encode(record))?;
        Ok(())
    }

    pub fn feedback_from(&self, from_id: &str) -> Result<Vec<FeedbackRecord>> {
        self.feedback_tree()
            .range(from_id.as_bytes()..)
            .map(|entry| {
                let (key, value) = entry?;
                decode(&key, &value)
            })
            .collect()
    }
}
