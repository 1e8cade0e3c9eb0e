//! Sentence embeddings for queries and nodes.
//!
//! [`Embedder`] is the interface the service uses; [`OnnxEmbedder`] runs an ONNX model through
//! `ort` (ONNX Runtime loaded from the library in the models directory, never downloaded) with a
//! `tokenizers` tokenizer, as described by a [`manifest`]. ONNX sessions need exclusive access to
//! run, so each lives on its own worker thread (one intra-op thread each); callers hand texts to
//! the pool ([`Embedder::start`]), may work on meanwhile, and wait for the vector with an optional
//! deadline. That keeps inference off the async
//! workers and lets a slow embedding be abandoned rather than awaited.
//!
//! This module knows nothing of sled, tantivy, petgraph or HTTP. The cache of node embeddings by
//! content hash lives in the store; the service combines the two.

pub mod manifest;
mod onnx;
mod unigram;
mod weights;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

pub use manifest::{ModelFiles, ModelManifest};
pub use onnx::OnnxEmbedder;

/// The command that fetches and verifies model files.
pub const FIX: &str = "run `make models` (or `scripts/fetch-models.sh`)";

#[derive(Debug, Clone, thiserror::Error)]
pub enum EmbedError {
    #[error("model file missing: {path}; {FIX}", path = path.display())]
    MissingFile { path: PathBuf },
    #[error("model file corrupt: {path} ({reason}); {FIX}", path = path.display())]
    CorruptFile { path: PathBuf, reason: String },
    #[error("model manifest {path} is invalid: {reason}", path = path.display())]
    BadManifest { path: PathBuf, reason: String },
    #[error("cannot load ONNX Runtime from {path}: {reason}; {FIX}", path = path.display())]
    Runtime { path: PathBuf, reason: String },
    #[error("cannot load the model {path}: {reason}; {FIX}", path = path.display())]
    Model { path: PathBuf, reason: String },
    #[error("model output does not match its manifest: {0}")]
    Shape(String),
    #[error("embedding failed: {0}")]
    Inference(String),
    #[error("embedding took longer than {0:?}")]
    Timeout(Duration),
    #[error("the embedding workers have stopped")]
    Stopped,
}

/// Work done with a text's vector on the worker that made it, before the caller waiting for
/// the vector is told ([`Embedder::start_then`]).
pub type Then = Box<dyn FnOnce(&[f32]) + Send>;

/// Turns text into a unit-length vector. Implementations are shared across threads.
pub trait Embedder: Send + Sync {
    /// Identifies the model; embeddings are cached under it.
    fn model_id(&self) -> &str;
    fn dim(&self) -> usize;
    /// Hands one text to a worker and returns at once, so the caller can do other work while
    /// the model runs. Fails only when the workers have stopped.
    fn start(&self, text: &str) -> Result<PendingEmbedding, EmbedError> {
        self.start_then(text, None)
    }
    /// [`Embedder::start`], and the worker then runs `then` with the vector before it replies:
    /// work that needs the vector is done on the worker's core while the caller still works on
    /// something else. The reply's timing is the embedding's alone; a `then` that panics fails
    /// the embedding (the worker lives on).
    fn start_then(&self, text: &str, then: Option<Then>) -> Result<PendingEmbedding, EmbedError>;
    /// Embeds one text, waiting at most `deadline` when given.
    fn embed(&self, text: &str, deadline: Option<Duration>) -> Result<Vec<f32>, EmbedError> {
        self.start(text)?.wait(deadline).map(|done| done.vector)
    }
    /// Embeds many texts (one model run each, so a text's vector never depends on its
    /// neighbours), calling `progress` after each.
    fn embed_many(
        &self,
        texts: &[String],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Vec<f32>>, EmbedError>;
    /// How many texts this embedder has run through the model since it was loaded.
    fn runs(&self) -> u64;
}

/// What a worker sends back: the vectors of a job, and when it finished them.
type WorkerReply = (Result<Vec<Vec<f32>>, EmbedError>, Instant);

/// One text being embedded by a worker ([`Embedder::start`]).
pub struct PendingEmbedding {
    submitted: Instant,
    receiver: mpsc::Receiver<WorkerReply>,
}

/// A finished embedding and how long it took.
pub struct Embedding {
    pub vector: Vec<f32>,
    /// From the text's submission until the worker had its vector (queueing, tokenising and the
    /// model run): what a caller doing nothing else would have waited, whatever the caller did
    /// meanwhile.
    pub took: Duration,
}

impl PendingEmbedding {
    /// Waits for the vector, at most until `deadline` after the text was submitted. Fails with
    /// [`EmbedError::Timeout`] past the deadline, [`EmbedError::Stopped`] when the workers are
    /// gone, or the worker's own error.
    pub fn wait(self, deadline: Option<Duration>) -> Result<Embedding, EmbedError> {
        let (result, finished) = match deadline {
            None => self.receiver.recv().map_err(|_| EmbedError::Stopped)?,
            Some(limit) => {
                let left = limit.saturating_sub(self.submitted.elapsed());
                match self.receiver.recv_timeout(left) {
                    Ok(reply) => reply,
                    Err(mpsc::RecvTimeoutError::Timeout) => return Err(EmbedError::Timeout(limit)),
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Err(EmbedError::Stopped),
                }
            }
        };
        let vector = result?.pop().ok_or(EmbedError::Stopped)?;
        Ok(Embedding {
            vector,
            took: finished.saturating_duration_since(self.submitted),
        })
    }
}

/// The cache key of an embedding: model id, then the sha256 of the exact text embedded.
pub fn cache_key(model_id: &str, text: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(model_id.len() + 33);
    key.extend_from_slice(model_id.as_bytes());
    key.push(0);
    key.extend_from_slice(&Sha256::digest(text.as_bytes()));
    key
}

/// L2-normalises in place (a zero vector stays zero).
pub fn normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-12 {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
}
