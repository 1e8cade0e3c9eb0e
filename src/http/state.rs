//! What handlers share: the knowledge base once it has loaded (the [`Kb`] extractor) and the body
//! limits. Every service call goes through [`Kb::run`], which runs it on the blocking pool so
//! that sled scans, tantivy searches and ONNX inference never stall the async workers.

use std::future::{ready, Ready};
use std::sync::{Arc, OnceLock};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::service::{self, KnowledgeBase};

use super::error::ApiError;

/// The knowledge base, empty until it has finished loading.
#[derive(Default)]
pub struct KbSlot(OnceLock<Arc<KnowledgeBase>>);

impl KbSlot {
    pub fn get(&self) -> Option<&Arc<KnowledgeBase>> {
        self.0.get()
    }

    /// Publishes the loaded KB; later calls are ignored.
    pub fn set(&self, kb: Arc<KnowledgeBase>) {
        let _ = self.0.set(kb);
    }
}

/// The loaded knowledge base; extracting it fails with 503 `not_ready` while it loads.
pub struct Kb(Arc<KnowledgeBase>);

impl FromRequest for Kb {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let kb = request
            .app_data::<web::Data<KbSlot>>()
            .and_then(|slot| slot.get())
            .map(|kb| Kb(Arc::clone(kb)))
            .ok_or(ApiError::NotReady(None));
        ready(kb)
    }
}

impl Kb {
    /// Runs one service call on the blocking pool and maps its error.
    pub async fn run<T, F>(self, call: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&KnowledgeBase) -> service::Result<T> + Send + 'static,
    {
        Ok(web::block(move || call(&self.0)).await??)
    }
}

/// Request body limits, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub json: usize,
    pub import: usize,
}
