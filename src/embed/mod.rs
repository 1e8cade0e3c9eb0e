//! Sentence embeddings for queries and nodes.
//!
//! [`Embedder`] is the interface the service uses; [`OnnxEmbedder`] runs an ONNX model through
//! `ort` (ONNX Runtime loaded from the library in the models directory, never downloaded) with a
//! `tokenizers` tokenizer, as described by a [`manifest`]. ONNX sessions need exclusive access to
//! run, so each lives on its own worker thread (one intra-op thread each); callers hand texts to
//! the pool and wait for the vector, with an optional deadline. That keeps inference off the async
//! workers and lets a slow embedding be abandoned rather than awaited.
//!
//! This module knows nothing of sled, tantivy, petgraph or HTTP. The cache of node embeddings by
//! content hash lives in the store; the service combines the two.

pub mod manifest;
mod onnx;

use std::path::PathBuf;
use std::time::Duration;

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

/// Turns text into a unit-length vector. Implementations are shared across threads.
pub trait Embedder: Send + Sync {
    /// Identifies the model; embeddings are cached under it.
    fn model_id(&self) -> &str;
    fn dim(&self) -> usize;
    /// Embeds one text, waiting at most `deadline` when given.
    fn embed(&self, text: &str, deadline: Option<Duration>) -> Result<Vec<f32>, EmbedError>;
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
