//! What handlers share: the knowledge base once it has loaded (the [`Kb`] extractor) and the body
//! limits. Every service call goes through [`Kb::run`], which runs it on the request threads
//! ([`Pool`]) so that sled scans, tantivy searches and ONNX inference never stall the async
//! workers.

use std::future::{ready, Ready};
use std::sync::{Arc, OnceLock};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::service::{self, KnowledgeBase};

use super::error::ApiError;
use super::pool::Pool;

/// The knowledge base, empty until it has finished loading, and the threads that run calls on
/// it.
pub struct KbSlot {
    kb: OnceLock<Arc<KnowledgeBase>>,
    pool: Arc<Pool>,
}

impl KbSlot {
    /// An empty slot whose calls run on at most `threads` threads.
    pub fn new(threads: usize) -> KbSlot {
        KbSlot {
            kb: OnceLock::new(),
            pool: Arc::new(Pool::new(threads)),
        }
    }

    pub fn get(&self) -> Option<&Arc<KnowledgeBase>> {
        self.kb.get()
    }

    /// Publishes the loaded KB; later calls are ignored.
    pub fn set(&self, kb: Arc<KnowledgeBase>) {
        let _ = self.kb.set(kb);
    }
}

/// The loaded knowledge base; extracting it fails with 503 `not_ready` while it loads.
pub struct Kb {
    kb: Arc<KnowledgeBase>,
    pool: Arc<Pool>,
}

impl FromRequest for Kb {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let kb = request
            .app_data::<web::Data<KbSlot>>()
            .and_then(|slot| {
                slot.get().map(|kb| Kb {
                    kb: Arc::clone(kb),
                    pool: Arc::clone(&slot.pool),
                })
            })
            .ok_or(ApiError::NotReady(None));
        ready(kb)
    }
}

impl Kb {
    /// Runs one service call on the request threads ([`Pool`]) and maps its error.
    pub async fn run<T, F>(self, call: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&KnowledgeBase) -> service::Result<T> + Send + 'static,
    {
        let kb = self.kb;
        Ok(self.pool.run(move || call(&kb)).await??)
    }
}

/// Request body limits, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub json: usize,
    pub import: usize,
}
