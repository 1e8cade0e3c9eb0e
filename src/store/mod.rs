//! The source of truth: a sled database in `<data-dir>/db`.
//!
//! All knowledge-graph content lives in one tree (`kb`) under prefixed keys, so that a whole write
//! batch — nodes, both adjacency directions, the KB version and the changelog record — is one
//! `apply_batch`, atomic on disk, followed by a flush before the write is acknowledged:
//!
//! | key | value |
//! |---|---|
//! | `n\0<id>` | node record (JSON: node, version, updated_at) |
//! | `e\0<from>\0<rel>\0<to>` | outgoing edge (JSON) |
//! | `i\0<to>\0<rel>\0<from>` | incoming adjacency (empty) |
//! | `m\0version` | KB version (u64, big-endian) |
//! | `m\0schema` | schema (canonical YAML) |
//! | `m\0settings` | KB settings (JSON, e.g. tuned fusion weights) |
//! | `c\0<version>` | changelog record (JSON) |
//!
//! Other trees hold content-addressed embeddings (`vectors`), the query log (`queries`),
//! feedback (`feedback`) and conversation sessions (`sessions`); none of them need to move
//! atomically with the KB. `backup.rs` writes every tree to one checksummed file and loads one
//! into a fresh store. This module knows nothing of tantivy, ONNX, petgraph or HTTP.

pub mod backup;
mod changelog;
mod keys;
mod log;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::{Edge, Node, NodeMeta, Plan, Schema};

pub use changelog::{ChangeEntry, ChangeRecord, ChangeSummary};
pub use log::{FeedbackRecord, QueryRecord};

/// Failures of the store. `Locked` and `Open` are the user's to fix; the rest are internal.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data directory {path} is in use by another AnswerGraph process; stop it or use another --data-dir")]
    Locked { path: PathBuf },
    #[error("cannot open the store in {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("store read or write failed: {0}")]
    Sled(#[from] sled::Error),
    #[error("corrupt record under key {key:?}: {reason}")]
    Corrupt { key: String, reason: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A node as stored: the node and its store metadata.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(from = "StoredNode", into = "StoredNode")]
pub struct NodeRecord {
    pub node: Node,
    pub meta: NodeMeta,
}

/// The stored JSON shape of a node record: `{"node": …, "version": …, "updated_at": …}`.
/// (Spelled out rather than `#[serde(flatten)]`, which decodes several times slower — it
/// matters when 100k nodes are read at start-up.)
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredNode {
    node: Node,
    version: u64,
    updated_at: String,
}

impl From<StoredNode> for NodeRecord {
    fn from(stored: StoredNode) -> Self {
        NodeRecord {
            node: stored.node,
            meta: NodeMeta {
                version: stored.version,
                updated_at: stored.updated_at,
            },
        }
    }
}

impl From<NodeRecord> for StoredNode {
    fn from(record: NodeRecord) -> Self {
        StoredNode {
            node: record.node,
            version: record.meta.version,
            updated_at: record.meta.updated_at,
        }
    }
}

/// Who made a batch and from where, for the changelog.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub actor: String,
    pub source: String,
}

/// Cloning is cheap: the clones share the open database.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    kb: sled::Tree,
    vectors: sled::Tree,
    queries: sled::Tree,
    feedback: sled::Tree,
    sessions: sled::Tree,
}

impl Store {
    /// Opens (or creates) the store in `dir`. Fails with [`StoreError::Locked`] when another
    /// process holds it, [`StoreError::Open`] when the files cannot be read.
    pub fn open(dir: &Path) -> Result<Store> {
        // sled releases its file lock from background threads shortly after the last handle is
        // dropped, so a store closed and reopened in one process (a restore, then an open) can
        // look locked for a moment: retry briefly before calling it in use.
        const RETRIES: u32 = 20;
        let mut attempt = 0;
        loop {
            match Store::open_once(dir) {
                Err(StoreError::Locked { .. }) if attempt < RETRIES => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                result => return result,
            }
        }
    }

    fn open_once(dir: &Path) -> Result<Store> {
        let path = dir.to_path_buf();
        let db = sled::Config::new()
            .path(&path)
            // Reads that matter go to the published snapshot, not the store: the page cache only
            // serves writes and one-off reads, and sled's accounting undercounts it (64 MB
            // configured held ~100 MB after a start-up scan of 100k nodes).
            .cache_capacity(16 * 1024 * 1024)
            .open()
            .map_err(|source| match &source {
                sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock => {
                    StoreError::Locked { path: path.clone() }
                }
                sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                    StoreError::Locked { path: path.clone() }
                }
                _ => StoreError::Open {
                    path: path.clone(),
                    source,
                },
            })?;
        Ok(Store {
            kb: db.open_tree("kb")?,
            vectors: db.open_tree("vectors")?,
            queries: db.open_tree("queries")?,
            feedback: db.open_tree("feedback")?,
            sessions: db.open_tree("sessions")?,
            db,
        })
    }

    /// A random id given to the store when it is created (and carried by its backups), so that
    /// derived files saved beside one store are never mistaken for another's at the same version.
    pub fn store_id(&self) -> Result<u64> {
        if let Some(raw) = self.kb.get(keys::STORE_ID)? {
            return Ok(keys::decode_u64(&raw));
        }
        let id: u64 = rand::random();
        let stored = self.kb.compare_and_swap(
            keys::STORE_ID,
            None as Option<&[u8]>,
            Some(id.to_be_bytes().to_vec()),
        )?;
        match stored {
            Ok(()) => {
                self.db.flush()?;
                Ok(id)
            }
            // Someone else set it first: theirs stands.
            Err(current) => Ok(current.current.map_or(id, |raw| keys::decode_u64(&raw))),
        }
    }

    /// The current KB version: 0 for an empty store, +1 per applied batch.
    pub fn kb_version(&self) -> Result<u64> {
        Ok(self
            .kb
            .get(keys::VERSION)?
            .map(|v| keys::decode_u64(&v))
            .unwrap_or(0))
    }

    /// The stored schema, or `None` before the first import.
    pub fn schema(&self) -> Result<Option<Schema>> {
        let Some(raw) = self.kb.get(keys::SCHEMA)? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&raw);
        Schema::parse_yaml(&text, "stored schema")
            .map(Some)
            .map_err(|errors| StoreError::Corrupt {
                key: "m\\0schema".into(),
                reason: errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            })
    }

    /// Every stored node with its metadata, in id order.
    pub fn nodes(&self) -> Result<Vec<NodeRecord>> {
        self.kb
            .scan_prefix(keys::NODE_PREFIX)
            .map(|entry| {
                let (key, value) = entry?;
                decode(&key, &value)
            })
            .collect()
    }

    pub fn node(&self, id: &str) -> Result<Option<NodeRecord>> {
        let key = keys::node(id);
        self.kb
            .get(&key)?
            .map(|value| decode(&key, &value))
            .transpose()
    }

    /// Every stored edge, ordered by (from, rel, to).
    pub fn edges(&self) -> Result<Vec<Edge>> {
        self.kb
            .scan_prefix(keys::EDGE_PREFIX)
            .map(|entry| {
                let (key, value) = entry?;
                decode(&key, &value)
            })
            .collect()
    }

    /// Applies a validated plan atomically with its changelog record and a version bump, then
    /// flushes to disk. Returns the metadata written nodes got (new KB version and time). Either
    /// all of it is durable or none of it.
    pub fn apply(&self, plan: &Plan, provenance: &Provenance) -> Result<NodeMeta> {
        let version = self.kb_version()? + 1;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let meta = NodeMeta {
            version,
            updated_at: now.clone(),
        };
        let mut batch = sled::Batch::default();
        for node in &plan.nodes_deleted {
            batch.remove(keys::node(node.id.as_str()));
        }
        for edge in &plan.edges_deleted {
            batch.remove(keys::edge_out(&edge.key()));
            batch.remove(keys::edge_in(&edge.key()));
        }
        let written = plan
            .nodes_added
            .iter()
            .chain(plan.nodes_updated.iter().map(|(_, after)| after));
        for node in written {
            let record = NodeRecord {
                node: node.clone(),
                meta: meta.clone(),
            };
            batch.insert(keys::node(node.id.as_str()), encode(&record));
        }
        let edges = plan
            .edges_added
            .iter()
            .chain(plan.edges_updated.iter().map(|(_, after)| after));
        for edge in edges {
            batch.insert(keys::edge_out(&edge.key()), encode(edge));
            batch.insert(keys::edge_in(&edge.key()), Vec::new());
        }
        if let Some(schema) = &plan.schema {
            batch.insert(keys::SCHEMA, schema.to_yaml().into_bytes());
        }
        let record = ChangeRecord::from_plan(version, now.clone(), provenance, plan);
        batch.insert(keys::change(version), encode(&record));
        batch.insert(keys::VERSION, version.to_be_bytes().to_vec());
        self.kb.apply_batch(batch)?;
        self.db.flush()?;
        Ok(meta)
    }

    /// Changelog records with a KB version above `since`, oldest first, at most `limit`.
    pub fn changes_since(&self, since: u64, limit: usize) -> Result<Vec<ChangeRecord>> {
        self.kb
            .range(keys::change(since.saturating_add(1))..keys::change(u64::MAX))
            .take(limit)
            .map(|entry| {
                let (key, value) = entry?;
                decode(&key, &value)
            })
            .collect()
    }

    /// Stored KB settings (e.g. tuned fusion), or `None` when never set.
    pub fn settings<T: DeserializeOwned>(&self) -> Result<Option<T>> {
        self.kb
            .get(keys::SETTINGS)?
            .map(|value| decode(keys::SETTINGS, &value))
            .transpose()
    }

    pub fn put_settings<T: Serialize>(&self, settings: &T) -> Result<()> {
        self.kb.insert(keys::SETTINGS, encode(settings))?;
        self.db.flush()?;
        Ok(())
    }

    /// Looks up cached embeddings (opaque encoded vectors) by key; `None` for each miss.
    pub fn vectors(&self, keys: &[Vec<u8>]) -> Result<Vec<Option<sled::IVec>>> {
        keys.iter().map(|key| Ok(self.vectors.get(key)?)).collect()
    }

    /// Stores encoded embeddings under their content keys. They are content-addressed, so writing
    /// them ahead of the batch that needs them is harmless if that batch then fails.
    pub fn put_vectors(&self, entries: &[(Vec<u8>, Vec<u8>)]) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (key, vector) in entries {
            batch.insert(key.as_slice(), vector.as_slice());
        }
        self.vectors.apply_batch(batch)?;
        Ok(())
    }

    /// Removes cached embeddings whose key is not in `keep` (after a model change or deletes).
    pub fn retain_vectors(&self, keep: &std::collections::HashSet<Vec<u8>>) -> Result<usize> {
        let mut batch = sled::Batch::default();
        let mut removed = 0;
        for key in self.vectors.iter().keys() {
            let key = key?;
            if !keep.contains(key.as_ref()) {
                batch.remove(key);
                removed += 1;
            }
        }
        self.vectors.apply_batch(batch)?;
        Ok(removed)
    }

    pub fn vector_count(&self) -> usize {
        self.vectors.len()
    }

    /// Bytes the store occupies on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        Ok(self.db.size_on_disk()?)
    }

    /// Writes everything buffered to disk.
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    pub(crate) fn queries_tree(&self) -> &sled::Tree {
        &self.queries
    }

    pub(crate) fn feedback_tree(&self) -> &sled::Tree {
        &self.feedback
    }

    /// Reads a session's stored state.
    pub fn session<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.sessions
            .get(id.as_bytes())?
            .map(|value| decode(id.as_bytes(), &value))
            .transpose()
    }

    pub fn put_session<T: Serialize>(&self, id: &str, state: &T) -> Result<()> {
        self.sessions.insert(id.as_bytes(), encode(state))?;
        Ok(())
    }

    /// Removes sessions for which `expired` says so; returns how many went.
    pub fn purge_sessions<T: DeserializeOwned>(
        &self,
        expired: impl Fn(&T) -> bool,
    ) -> Result<usize> {
        let mut removed = 0;
        for entry in self.sessions.iter() {
            let (key, value) = entry?;
            let state: T = decode(&key, &value)?;
            if expired(&state) {
                self.sessions.remove(key)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("store records always serialise")
}

fn decode<T: DeserializeOwned>(key: &[u8], value: &[u8]) -> Result<T> {
    serde_json::from_slice(value).map_err(|e| StoreError::Corrupt {
        key: String::from_utf8_lossy(key).replace('\0', "\\0"),
        reason: e.to_string(),
    })
}
