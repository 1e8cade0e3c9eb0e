//! Node and query embeddings: which texts of a node are embedded, the content-addressed cache in
//! the store (so unchanged content is never embedded twice), and the in-memory cache of query
//! vectors for repeated questions.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;
use unicode_normalization::UnicodeNormalization;

use crate::domain::Node;
use crate::embed::{cache_key, Embedder};
use crate::store::Store;
use crate::vector::Quantized;

use super::snapshot::NodeVectors;
use super::{Progress, Result};

/// The form in which text is embedded: NFKC, whitespace collapsed (case kept: the model uses it).
pub fn embedding_text(text: &str) -> String {
    let folded: String = text.nfkc().collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The texts a node is embedded as: its question forms, and its body when it has one.
fn node_texts(node: &Node) -> (Vec<String>, Option<String>) {
    let mut questions: Vec<String> = Vec::new();
    for form in node.question_forms() {
        let text = embedding_text(form);
        if !text.is_empty() && !questions.contains(&text) {
            questions.push(text);
        }
    }
    let body = embedding_text(&node.text);
    (questions, (!body.is_empty()).then_some(body))
}

pub struct Embedded {
    pub vectors: Vec<NodeVectors>,
    /// Texts that went through the model (cache misses).
    pub embedded: usize,
}

/// Vectors for `nodes` (same order): from the store's cache where present, embedding the rest
/// (reporting to `progress`) and caching them. With `collect_garbage`, cached vectors no node
/// uses any more are dropped after a model change.
pub fn vectors_for(
    store: &Store,
    embedder: &dyn Embedder,
    nodes: &[Arc<Node>],
    progress: &dyn Progress,
    collect_garbage: bool,
) -> Result<Embedded> {
    let model = embedder.model_id();
    let texts: Vec<(Vec<String>, Option<String>)> = nodes.iter().map(|n| node_texts(n)).collect();
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut key_text: HashMap<Vec<u8>, &str> = HashMap::new();
    for (questions, body) in &texts {
        for text in questions.iter().chain(body) {
            let key = cache_key(model, text);
            if !key_text.contains_key(&key) {
                key_text.insert(key.clone(), text);
                keys.push(key);
            }
        }
    }
    let cached = store.vectors(&keys)?;
    let mut found: HashMap<Vec<u8>, Vec<f32>> = HashMap::with_capacity(keys.len());
    let mut missing: Vec<&Vec<u8>> = Vec::new();
    for (key, vector) in keys.iter().zip(cached) {
        match vector {
            Some(vector) if vector.len() == embedder.dim() => {
                found.insert(key.clone(), vector);
            }
            _ => missing.push(key),
        }
    }
    let embedded = missing.len();
    if !missing.is_empty() {
        let batch: Vec<String> = missing.iter().map(|k| key_text[*k].to_owned()).collect();
        progress.start(&format!("embedding with {model}"), batch.len() as u64);
        let set = |done: usize| progress.set(done as u64);
        let vectors = embedder.embed_many(&batch, &set)?;
        progress.finish();
        let entries: Vec<(Vec<u8>, Vec<f32>)> =
            missing.iter().map(|k| (*k).clone()).zip(vectors).collect();
        store.put_vectors(&entries)?;
        found.extend(entries);
        if collect_garbage {
            let keep: HashSet<Vec<u8>> = keys.iter().cloned().collect();
            let removed = store.retain_vectors(&keep)?;
            tracing::info!(removed, "dropped cached vectors no node uses");
        }
    }
    let vector = |text: &String| Quantized::of(&found[&cache_key(model, text)]);
    let vectors = texts
        .iter()
        .map(|(questions, body)| NodeVectors {
            questions: questions.iter().map(vector).collect(),
            text: body.as_ref().map(vector),
        })
        .collect();
    Ok(Embedded { vectors, embedded })
}

/// Cached vectors by text, and the order they arrived in (for eviction).
type CacheState = (HashMap<String, Arc<Vec<f32>>>, VecDeque<String>);

/// Query vectors of recent questions, evicted oldest-first.
pub struct QueryCache {
    capacity: usize,
    inner: Mutex<CacheState>,
}

impl QueryCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    pub fn get(&self, text: &str) -> Option<Arc<Vec<f32>>> {
        self.inner.lock().0.get(text).cloned()
    }

    pub fn put(&self, text: String, vector: Arc<Vec<f32>>) {
        if self.capacity == 0 {
            return;
        }
        let mut guard = self.inner.lock();
        let (map, order) = &mut *guard;
        if map.insert(text.clone(), vector).is_none() {
            order.push_back(text);
            while order.len() > self.capacity {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
        }
    }
}
