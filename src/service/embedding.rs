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

/// Texts embedded per round trip to the store: bounds memory on huge imports and lets a killed
/// import keep what it had embedded.
const EMBED_CHUNK: usize = 4096;

/// Vectors for `nodes` (same order): from the store's cache where present, embedding the rest
/// (reporting to `progress`) and caching them, quantised, in chunks. With `collect_garbage`,
/// cached vectors no node uses any more are dropped after a model change.
pub fn vectors_for(
    store: &Store,
    embedder: &dyn Embedder,
    nodes: &[Arc<Node>],
    progress: &dyn Progress,
    collect_garbage: bool,
) -> Result<Embedded> {
    let model = embedder.model_id();
    let dim = embedder.dim();
    let texts: Vec<(Vec<String>, Option<String>)> = nodes.iter().map(|n| node_texts(n)).collect();
    // Each distinct text once, with its cache key.
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    let mut distinct: Vec<(&str, Vec<u8>)> = Vec::new();
    for (questions, body) in &texts {
        for text in questions.iter().chain(body) {
            index_of.entry(text.as_str()).or_insert_with(|| {
                distinct.push((text.as_str(), cache_key(model, text)));
                distinct.len() - 1
            });
        }
    }
    let keys: Vec<Vec<u8>> = distinct.iter().map(|(_, key)| key.clone()).collect();
    let mut vectors: Vec<Option<Quantized>> = store
        .vectors(&keys)?
        .into_iter()
        .map(|raw| raw.and_then(|raw| Quantized::from_bytes(&raw, dim)))
        .collect();
    let missing: Vec<usize> = (0..distinct.len())
        .filter(|i| vectors[*i].is_none())
        .collect();
    let embedded = missing.len();
    if !missing.is_empty() {
        progress.start(&format!("embedding with {model}"), missing.len() as u64);
        // Each chunk's vectors are stored by a thread of their own while the next chunk is
        // embedded, so the model's workers never wait for the store.
        std::thread::scope(|scope| -> Result<()> {
            let (to_store, chunks) = std::sync::mpsc::sync_channel::<Vec<(Vec<u8>, Vec<u8>)>>(1);
            let storing = scope.spawn(move || -> Result<()> {
                for entries in chunks {
                    store.put_vectors(&entries)?;
                }
                Ok(())
            });
            let embedding = (|| -> Result<()> {
                for (round, chunk) in missing.chunks(EMBED_CHUNK).enumerate() {
                    let batch: Vec<String> =
                        chunk.iter().map(|i| distinct[*i].0.to_owned()).collect();
                    let offset = round * EMBED_CHUNK;
                    let set = |done: usize| progress.set((offset + done) as u64);
                    let fresh = embedder.embed_many(&batch, &set)?;
                    let mut entries = Vec::with_capacity(chunk.len());
                    for (&i, vector) in chunk.iter().zip(fresh) {
                        let quantized = Quantized::of(&vector);
                        entries.push((distinct[i].1.clone(), quantized.to_bytes()));
                        vectors[i] = Some(quantized);
                    }
                    if to_store.send(entries).is_err() {
                        // The storing thread stopped on an error, which its join reports.
                        break;
                    }
                }
                Ok(())
            })();
            drop(to_store);
            let stored = storing.join().expect("storing vectors does not panic");
            embedding.and(stored)
        })?;
        progress.finish();
        if collect_garbage {
            let keep: HashSet<Vec<u8>> = keys.into_iter().collect();
            let removed = store.retain_vectors(&keep)?;
            tracing::info!(removed, "dropped cached vectors no node uses");
        }
    }
    let vector = |text: &String| {
        vectors[index_of[text.as_str()]]
            .clone()
            .expect("every text has a vector by now")
    };
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
