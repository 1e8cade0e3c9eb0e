//! Feedback on an answered question: was it helpful, a 1–5 rating, a comment. It attaches to the
//! logged query by its `query_id`; a later feedback on the same query replaces the earlier one.
//! Comments are masked like questions before they are stored.

use crate::store::FeedbackRecord;

use super::{privacy, KnowledgeBase, Result, ServiceError};

/// Longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

#[derive(Debug, Clone)]
pub struct FeedbackRequest {
    pub query_id: String,
    pub helpful: bool,
    /// Customer satisfaction, 1 (worst) to 5 (best).
    pub rating: Option<u8>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FeedbackReceipt {
    pub query_id: String,
    /// Unix time in milliseconds.
    pub at_ms: i64,
}

impl KnowledgeBase {
    /// Stores feedback on a logged query. Fails with [`ServiceError::NotFound`] when no query
    /// has that id and [`ServiceError::BadRequest`] for a rating outside 1..=5 or a comment
    /// longer than [`MAX_COMMENT_CHARS`].
    pub fn feedback(&self, request: &FeedbackRequest) -> Result<FeedbackReceipt> {
        if let Some(rating) = request.rating {
            if !(1..=5).contains(&rating) {
                return Err(ServiceError::bad_request(
                    "rating",
                    format!("is {rating}; ratings go from 1 (worst) to 5 (best)"),
                ));
            }
        }
        let comment = request
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if let Some(comment) = comment {
            let length = comment.chars().count();
            if length > MAX_COMMENT_CHARS {
                return Err(ServiceError::bad_request(
                    "comment",
                    format!("is {length} characters long; the limit is {MAX_COMMENT_CHARS}"),
                ));
            }
        }
        self.query_log.flush()?;
        if request.query_id.is_empty() || self.store.query(&request.query_id)?.is_none() {
            return Err(ServiceError::not_found(format!(
                "query `{}`",
                request.query_id
            )));
        }
        let at_ms = chrono::Utc::now().timestamp_millis();
        self.store.put_feedback(&FeedbackRecord {
            query_id: request.query_id.clone(),
            at_ms,
            helpful: request.helpful,
            rating: request.rating,
            comment: comment.map(privacy::mask),
        })?;
        Ok(FeedbackReceipt {
            query_id: request.query_id.clone(),
            at_ms,
        })
    }
}
