//! The source of truth: a sled database in `<data-dir>/db`.
//!
//! All knowledge-graph content lives in one tree (`kb`) under prefixed keys, so that a whole write
//! batch — nodes, both adjacency directions, the KB version and the changelog record — is one
//! `apply_batch`, atomic on disk, followed by a flush before the write is acknowledged. A batch
//! too large for one sled batch is saved to a pending file and applied in parts, finished by the
//! next open if a crash interrupts it (`pending.rs`):
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
mod pending;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::{Edge, Node, NodeMeta, Plan, Schema};

pub use changelog::{ChangeEntry, ChangeRecord, ChangeSummary};
pub use log::{FeedbackRecord, QueryRecord};
use pending::{KeyWrite, Writes};

/// sled batches of more writes than this are split (see `pending.rs`).
pub const DEFAULT_WRITE_CHUNK: usize = 4096;
/// The file, in the store's directory, that holds a large batch while it is applied in parts.
const PENDING_FILE: &str = "pending-batch";

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
    /// The file that makes a large batch crash-safe could not be written or removed.
    #[error("cannot write {path}: {source}")]
    Pending {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A batch interrupted by a crash cannot be finished: the store may hold part of it.
    #[error(
        "the store in {path} holds part of an interrupted batch that cannot be finished ({reason}); \
         restore a backup (`answergraph restore`)"
    )]
    Interrupted { path: PathBuf, reason: String },
    /// An earlier batch failed part-way through its write in this process: it is finished when
    /// the store is next opened, and nothing is written on top of it before then.
    #[error(
        "an earlier batch failed while it was written to the store in {path}; restart AnswerGraph \
         (opening the store finishes that batch) before writing again"
    )]
    Unfinished { path: PathBuf },
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
    dir: PathBuf,
    /// Writes per sled batch when a large batch is applied in parts (see `pending.rs`).
    write_chunk: usize,
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
        let store = Store {
            dir: path,
            write_chunk: DEFAULT_WRITE_CHUNK,
            kb: db.open_tree("kb")?,
            vectors: db.open_tree("vectors")?,
            queries: db.open_tree("queries")?,
            feedback: db.open_tree("feedback")?,
            sessions: db.open_tree("sessions")?,
            db,
        };
        store.finish_interrupted()?;
        Ok(store)
    }

    /// Sets how many writes go into one sled batch when a larger batch is applied in parts
    /// (at least 1). Fewer use less memory while a large import is written.
    pub fn set_write_chunk(&mut self, writes: usize) {
        self.write_chunk = writes.max(1);
    }

    fn pending_path(&self) -> PathBuf {
        self.dir.join(PENDING_FILE)
    }

    /// Finishes a batch that a crash interrupted while it was applied in parts.
    fn finish_interrupted(&self) -> Result<()> {
        let path = self.pending_path();
        if !path.exists() {
            // A crash while the file was saved left only its temporary form: nothing of that
            // batch was applied.
            let _ = std::fs::remove_file(path.with_extension("tmp"));
            return Ok(());
        }
        let interrupted = |reason: String| StoreError::Interrupted {
            path: self.dir.clone(),
            reason,
        };
        let writes = Writes::load(&path)
            .map_err(|reason| interrupted(format!("{}: {reason}", path.display())))?;
        let version = self.kb_version()?;
        if version + 1 == writes.version {
            tracing::warn!(
                kb_version = writes.version,
                writes = writes.len(),
                "finishing a batch that was interrupted while it was written"
            );
            self.apply_in_parts(&writes)?;
        } else if version != writes.version {
            return Err(interrupted(format!(
                "it seals KB version {}, but the store is at version {version}",
                writes.version
            )));
        }
        pending::remove(&path).map_err(|source| StoreError::Pending { path, source })
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
    /// all of it is durable or none of it (a batch applied in parts is finished by the next
    /// open if a crash interrupts it).
    pub fn apply(&self, plan: &Plan, provenance: &Provenance) -> Result<NodeMeta> {
        if self.pending_path().exists() {
            // A batch applied in parts failed part-way (a sled error): only an open may finish
            // it, and a batch written now would take its KB version.
            return Err(StoreError::Unfinished {
                path: self.dir.clone(),
            });
        }
        let (writes, meta) = self.writes_for(plan, provenance)?;
        self.write(&writes)?;
        Ok(meta)
    }

    /// The writes that apply `plan` as the next KB version, and the nodes' new metadata.
    fn writes_for(&self, plan: &Plan, provenance: &Provenance) -> Result<(Writes, NodeMeta)> {
        let version = self.kb_version()? + 1;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let meta = NodeMeta {
            version,
            updated_at: now.clone(),
        };
        let mut writes = Writes {
            version,
            ..Writes::default()
        };
        let body = &mut writes.body;
        for node in &plan.nodes_deleted {
            body.push((keys::node(node.id.as_str()), None));
        }
        for edge in &plan.edges_deleted {
            body.push((keys::edge_out(&edge.key()), None));
            body.push((keys::edge_in(&edge.key()), None));
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
            body.push((keys::node(node.id.as_str()), Some(encode(&record))));
        }
        let edges = plan
            .edges_added
            .iter()
            .chain(plan.edges_updated.iter().map(|(_, after)| after));
        for edge in edges {
            body.push((keys::edge_out(&edge.key()), Some(encode(edge))));
            body.push((keys::edge_in(&edge.key()), Some(Vec::new())));
        }
        // Key order makes neighbouring writes land in the same leaves; the sort is stable, so a
        // key written twice keeps its last value.
        body.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(schema) = &plan.schema {
            writes
                .seal
                .push((keys::SCHEMA.to_vec(), Some(schema.to_yaml().into_bytes())));
        }
        let record = ChangeRecord::from_plan(version, now.clone(), provenance, plan);
        writes
            .seal
            .push((keys::change(version), Some(encode(&record))));
        writes
            .seal
            .push((keys::VERSION.to_vec(), Some(version.to_be_bytes().to_vec())));
        Ok((writes, meta))
    }

    /// Applies `writes` atomically and durably: as one sled batch when they fit in
    /// `write_chunk`, else saved to the pending file first and applied in parts (see
    /// `pending.rs`), the file removed once all of them are flushed.
    fn write(&self, writes: &Writes) -> Result<()> {
        if writes.len() <= self.write_chunk {
            self.kb
                .apply_batch(sled_batch(writes.body.iter().chain(&writes.seal)))?;
            self.db.flush()?;
            return Ok(());
        }
        let path = self.pending_path();
        let failed = |source| StoreError::Pending {
            path: path.clone(),
            source,
        };
        writes.save(&path).map_err(failed)?;
        self.apply_in_parts(writes)?;
        pending::remove(&path).map_err(failed)
    }

    /// The body in sled batches of `write_chunk`, then the seal in one, then a flush.
    fn apply_in_parts(&self, writes: &Writes) -> Result<()> {
        for part in writes.body.chunks(self.write_chunk) {
            self.kb.apply_batch(sled_batch(part))?;
        }
        self.kb.apply_batch(sled_batch(&writes.seal))?;
        self.db.flush()?;
        Ok(())
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

fn sled_batch<'a>(writes: impl IntoIterator<Item = &'a KeyWrite>) -> sled::Batch {
    let mut batch = sled::Batch::default();
    for (key, value) in writes {
        match value {
            Some(value) => batch.insert(key.as_slice(), value.as_slice()),
            None => batch.remove(key.as_slice()),
        }
    }
    batch
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

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, text: &str) -> Node {
        serde_json::from_value(serde_json::json!({
            "id": id, "kind": "faq", "name": format!("{id}?"), "text": text,
        }))
        .unwrap()
    }

    fn edge(from: &str, to: &str) -> Edge {
        serde_json::from_value(serde_json::json!({"from": from, "rel": "related", "to": to}))
            .unwrap()
    }

    fn provenance() -> Provenance {
        Provenance {
            actor: "test".into(),
            source: "test".into(),
        }
    }

    /// Seven nodes in a ring: 7 node writes and 14 edge writes, over several chunks of 4.
    fn ring() -> Plan {
        let ids: Vec<String> = (0..7).map(|i| format!("faq/n{i}")).collect();
        Plan {
            nodes_added: ids.iter().map(|id| node(id, "first")).collect(),
            edges_added: (0..7).map(|i| edge(&ids[i], &ids[(i + 1) % 7])).collect(),
            ..Plan::default()
        }
    }

    /// Then: one node rewritten, one deleted with its two edges.
    fn edit() -> Plan {
        Plan {
            nodes_updated: vec![(node("faq/n0", "first"), node("faq/n0", "second"))],
            nodes_deleted: vec![node("faq/n3", "first")],
            edges_deleted: vec![edge("faq/n2", "faq/n3"), edge("faq/n3", "faq/n4")],
            ..Plan::default()
        }
    }

    /// The KB as stored: version, nodes (without their write times) and edges.
    fn kb(store: &Store) -> (u64, Vec<Node>, Vec<Edge>) {
        let nodes = store.nodes().unwrap().into_iter().map(|r| r.node).collect();
        (store.kb_version().unwrap(), nodes, store.edges().unwrap())
    }

    fn open(dir: &Path, chunk: usize) -> Store {
        let mut store = Store::open(dir).unwrap();
        store.set_write_chunk(chunk);
        store
    }

    /// A store in parts of 4 holding the ring, with the edit's writes saved as pending and
    /// none of them applied yet.
    fn ring_with_edit_pending(dir: &Path) -> (Store, Writes) {
        let store = open(dir, 4);
        store.apply(&ring(), &provenance()).unwrap();
        let (writes, _) = store.writes_for(&edit(), &provenance()).unwrap();
        writes.save(&store.pending_path()).unwrap();
        (store, writes)
    }

    #[test]
    fn a_batch_applied_in_parts_stores_what_one_sled_batch_stores() {
        let (whole, parts) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (whole, parts) = (open(whole.path(), 4096), open(parts.path(), 4));
        for plan in [ring(), edit()] {
            whole.apply(&plan, &provenance()).unwrap();
            parts.apply(&plan, &provenance()).unwrap();
            assert_eq!(kb(&parts), kb(&whole));
            assert!(
                !parts.pending_path().exists(),
                "the pending file is removed"
            );
        }
        let (version, nodes, edges) = kb(&parts);
        assert_eq!((version, nodes.len(), edges.len()), (2, 6, 5));
        assert_eq!(parts.changes_since(0, 10).unwrap().len(), 2);
    }

    #[test]
    fn a_batch_interrupted_part_way_is_finished_when_the_store_opens() {
        let reference = tempfile::tempdir().unwrap();
        let reference = open(reference.path(), 4096);
        reference.apply(&ring(), &provenance()).unwrap();
        reference.apply(&edit(), &provenance()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        // Killed after 0, 1 and both parts of the body (before the seal), and after the seal but
        // before the file was removed.
        for applied in 0..=3 {
            let _ = std::fs::remove_dir_all(dir.path().join("db"));
            let (store, writes) = ring_with_edit_pending(&dir.path().join("db"));
            let parts: Vec<&[KeyWrite]> = writes.body.chunks(4).collect();
            assert_eq!(parts.len(), 2, "the edit's six writes take two parts");
            for part in parts.iter().take(applied) {
                store.kb.apply_batch(sled_batch(*part)).unwrap();
            }
            if applied > parts.len() {
                store.kb.apply_batch(sled_batch(&writes.seal)).unwrap();
            }
            store.db.flush().unwrap();
            let path = store.pending_path();
            drop(store);

            let store = open(&dir.path().join("db"), 4);
            let (version, nodes, edges) = kb(&store);
            let (_, want_nodes, want_edges) = kb(&reference);
            assert_eq!(version, 2, "after {applied} parts");
            assert_eq!(nodes, want_nodes, "after {applied} parts");
            assert_eq!(edges, want_edges, "after {applied} parts");
            assert!(!path.exists(), "the pending file is removed");
            assert_eq!(store.changes_since(1, 10).unwrap().len(), 1);
        }
    }

    #[test]
    fn no_batch_is_written_over_one_that_failed_part_way() {
        let dir = tempfile::tempdir().unwrap();
        // The edit's parts failed after its file was saved, as a sled error would leave it.
        let (store, writes) = ring_with_edit_pending(dir.path());
        store.kb.apply_batch(sled_batch(&writes.body[..4])).unwrap();
        let later = Plan {
            nodes_added: vec![node("faq/later", "third")],
            ..Plan::default()
        };
        let error = store.apply(&later, &provenance()).unwrap_err();
        assert!(matches!(error, StoreError::Unfinished { .. }), "{error}");
        assert!(error.to_string().contains("restart"), "{error}");
        drop(store);
        let store = open(dir.path(), 4);
        assert_eq!(store.kb_version().unwrap(), 2, "the open finished the edit");
        store.apply(&later, &provenance()).unwrap();
        assert_eq!(store.kb_version().unwrap(), 3);
    }

    #[test]
    fn a_pending_file_that_does_not_fit_the_store_is_refused_with_a_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path(), 4);
        store.apply(&ring(), &provenance()).unwrap();
        let (mut writes, _) = store.writes_for(&edit(), &provenance()).unwrap();
        writes.version = 5;
        writes.save(&store.pending_path()).unwrap();
        drop(store);
        let error = Store::open(dir.path()).err().expect("the store is refused");
        assert!(matches!(error, StoreError::Interrupted { .. }), "{error}");
        let message = error.to_string();
        assert!(message.contains("KB version 5"), "{message}");
        assert!(message.contains("answergraph restore"), "{message}");
    }
}
