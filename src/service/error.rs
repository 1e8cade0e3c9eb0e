//! The service's error type: what went wrong, classified by who can fix it. The edges (`cli`,
//! `http`) map each variant to an exit code or status with an exhaustive match.

use crate::domain::ValidationError;
use crate::embed::EmbedError;
use crate::store::StoreError;
use crate::text::TextError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input was refused; nothing changed. Every problem is listed.
    #[error("{} problem(s) in the input; nothing was changed", .0.len())]
    Invalid(Vec<ValidationError>),
    /// A request parameter is unusable (too long, out of range, unknown value).
    #[error("{field}: {message}")]
    BadRequest { field: String, message: String },
    #[error("{what} not found")]
    NotFound { what: String },
    /// Reading an input file failed (missing, unreadable, not UTF-8).
    #[error("cannot read {path}: {reason}")]
    Input { path: String, reason: String },
    /// The embedding model is missing, corrupt or failed; the message names the fix.
    #[error(transparent)]
    Model(#[from] EmbedError),
    /// The data directory is held by another process.
    #[error("{0}")]
    Busy(String),
    #[error("store failure: {0}")]
    Store(StoreError),
    #[error("text index failure: {0}")]
    Text(#[from] TextError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Locked { .. } => ServiceError::Busy(e.to_string()),
            other => ServiceError::Store(other),
        }
    }
}

impl ServiceError {
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        ServiceError::BadRequest {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        ServiceError::NotFound { what: what.into() }
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;
