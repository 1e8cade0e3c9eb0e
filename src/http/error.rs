//! The HTTP layer's error: every failure a client can see, with its status, a stable `code` and a
//! JSON body `{"code", "message", "details"}`. Service errors are mapped here with an exhaustive
//! match, so a new [`ServiceError`] variant has to be given a status on purpose. Internal errors
//! are logged once with their cause and reach the client as an opaque 500.

use actix_web::error::{BlockingError, JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::domain::ValidationError;
use crate::service::ServiceError;

use super::auth::Role;
use super::security;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable: `bad_json`, `bad_query`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `payload_too_large`, `unsupported_media_type`,
    /// `unreadable_body`, `invalid_input`, `invalid_request`, `rate_limited`, `not_ready`,
    /// `unavailable`, `internal`, or the status name for errors raised by the HTTP framework
    /// itself.
    #[schema(example = "invalid_input")]
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// Structured detail: for `invalid_input` `{"errors": [{file, line, field, message}]}`, for
    /// `invalid_request` `{"field"}`, for `forbidden` `{"required", "role"}`, for
    /// `method_not_allowed` `{"allowed"}` (also in the `Allow` header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not well-formed JSON.
    #[error("the body is not valid JSON: {0}")]
    BadJson(String),
    /// The query string does not fit the route's parameters.
    #[error("bad query string: {0}")]
    BadQuery(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("this needs the `{}` role; the key has `{}`", .required.as_str(), .role.as_str())]
    Forbidden { required: Role, role: Role },
    #[error("{0} not found")]
    NotFound(String),
    #[error("no route for {method} {path}")]
    NoRoute { method: String, path: String },
    /// The path exists, but not with this method; `allowed` lists the ones it has.
    #[error("{method} is not allowed on {path}; use {}", .allowed.join(" or "))]
    MethodNotAllowed {
        method: String,
        path: String,
        allowed: Vec<&'static str>,
    },
    #[error("the body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body could be read but not as text.
    #[error("{0}")]
    UnreadableBody(String),
    /// The input was refused as a whole; every problem is listed.
    #[error("{} problem(s) in the input; nothing was changed", .0.len())]
    Invalid(Vec<ValidationError>),
    /// A parameter is well-formed but unusable.
    #[error("{field}: {message}")]
    BadRequest { field: String, message: String },
    #[error("too many requests for this key; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The KB is still loading (no details) or a part of it is not ready (details say which).
    #[error("not ready to serve: the knowledge base is loading or incomplete; retry shortly")]
    NotReady(Option<Value>),
    #[error("{0}")]
    Unavailable(&'static str),
    #[error("internal error; the cause is in the server log")]
    Internal,
    /// An error response produced by the HTTP framework itself (rare), rewritten as JSON.
    #[error("{}", .0.canonical_reason().unwrap_or("error"))]
    Framework(StatusCode),
}

impl ApiError {
    pub fn code(&self) -> String {
        match self {
            ApiError::BadJson(_) => "bad_json".into(),
            ApiError::BadQuery(_) => "bad_query".into(),
            ApiError::Unauthorized(_) => "unauthorized".into(),
            ApiError::Forbidden { .. } => "forbidden".into(),
            ApiError::NotFound(_) | ApiError::NoRoute { .. } => "not_found".into(),
            ApiError::MethodNotAllowed { .. } => "method_not_allowed".into(),
            ApiError::PayloadTooLarge { .. } => "payload_too_large".into(),
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type".into(),
            ApiError::UnreadableBody(_) => "unreadable_body".into(),
            ApiError::Invalid(_) => "invalid_input".into(),
            ApiError::BadRequest { .. } => "invalid_request".into(),
            ApiError::RateLimited { .. } => "rate_limited".into(),
            ApiError::NotReady(_) => "not_ready".into(),
            ApiError::Unavailable(_) => "unavailable".into(),
            ApiError::Internal => "internal".into(),
            ApiError::Framework(status) => status
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase()
                .replace([' ', '-'], "_"),
        }
    }

    fn details(&self) -> Option<Value> {
        match self {
            ApiError::Invalid(errors) => Some(json!({ "errors": errors })),
            ApiError::BadRequest { field, .. } => Some(json!({ "field": field })),
            ApiError::Forbidden { required, role } => Some(json!({
                "required": required.as_str(),
                "role": role.as_str(),
            })),
            ApiError::PayloadTooLarge { limit } => Some(json!({ "limit_bytes": limit })),
            ApiError::RateLimited { retry_after_secs } => {
                Some(json!({ "retry_after_secs": retry_after_secs }))
            }
            ApiError::NotReady(details) => details.clone(),
            ApiError::MethodNotAllowed { allowed, .. } => Some(json!({ "allowed": allowed })),
            ApiError::BadJson(_)
            | ApiError::BadQuery(_)
            | ApiError::Unauthorized(_)
            | ApiError::NotFound(_)
            | ApiError::NoRoute { .. }
            | ApiError::UnsupportedMediaType(_)
            | ApiError::UnreadableBody(_)
            | ApiError::Unavailable(_)
            | ApiError::Internal
            | ApiError::Framework(_) => None,
        }
    }

    /// The body this error renders as.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
            details: self.details(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadJson(_) | ApiError::BadQuery(_) | ApiError::UnreadableBody(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) | ApiError::NoRoute { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(_) | ApiError::BadRequest { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotReady(_) | ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Framework(status) => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let ApiError::RateLimited { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let ApiError::NotReady(_) = self {
            response.insert_header((header::RETRY_AFTER, "1"));
        }
        if let ApiError::MethodNotAllowed { allowed, .. } = self {
            response.insert_header((header::ALLOW, allowed.join(", ")));
        }
        let mut response = response.json(self.body());
        // Errors that leave the middleware stack as errors never pass `security_headers`.
        security::apply(response.headers_mut());
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(errors) => ApiError::Invalid(errors),
            ServiceError::BadRequest { field, message } => ApiError::BadRequest { field, message },
            ServiceError::NotFound { what } => ApiError::NotFound(what),
            ServiceError::Input { path, reason } => {
                ApiError::UnreadableBody(format!("cannot read {path}: {reason}"))
            }
            ServiceError::Model(cause) => {
                tracing::error!(error = %cause, "embedding model failure");
                ApiError::Unavailable("the embedding model is unavailable; retry later")
            }
            ServiceError::Busy(cause) => {
                tracing::error!(error = %cause, "knowledge base busy");
                ApiError::Unavailable("the knowledge base is busy; retry later")
            }
            e @ (ServiceError::Store(_) | ServiceError::Text(_) | ServiceError::Internal(_)) => {
                tracing::error!(error = %e, "request failed");
                ApiError::Internal
            }
        }
    }
}

impl From<super::pool::Failed> for ApiError {
    fn from(_: super::pool::Failed) -> Self {
        // The call panicked (its message is already on stderr) or the server is stopping.
        tracing::error!("a request's call failed");
        ApiError::Internal
    }
}

impl From<BlockingError> for ApiError {
    fn from(_: BlockingError) -> Self {
        // The closure panicked (its message is already on stderr) or the pool is shutting down.
        tracing::error!("a blocking task failed");
        ApiError::Internal
    }
}

/// Renders a JSON body extraction failure: malformed JSON is a 400, JSON of the wrong shape a
/// 422, a body over the limit a 413.
pub fn json_error(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let api = match error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge { limit },
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::BadRequest {
            field: "body".into(),
            message: e.to_string(),
        },
        JsonPayloadError::Deserialize(e) => ApiError::BadJson(e.to_string()),
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("send the body as application/json".into())
        }
        other => ApiError::BadJson(other.to_string()),
    };
    api.into()
}

pub fn query_error(error: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::BadQuery(match error {
        QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    })
    .into()
}

pub fn path_error(error: PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound(format!("path ({error})")).into()
}
