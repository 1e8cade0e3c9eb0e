//! Store-level operations that need no model or derived state: statistics, export and the
//! changelog. The CLI runs them on a bare store (fast, no model load); a running
//! [`KnowledgeBase`] runs the same functions while holding its write lock, so they see one KB
//! version.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Settings;
use crate::store::{ChangeRecord, Store};

use super::{KnowledgeBase, Result, ServiceError};

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub nodes: usize,
    pub edges: usize,
    pub kb_version: u64,
    pub kinds: BTreeMap<String, usize>,
    pub relations: BTreeMap<String, usize>,
    pub langs: BTreeMap<String, usize>,
    /// Cached embeddings (all models).
    pub vectors: usize,
    /// Bytes under the data directory (store, text index, everything).
    pub data_dir_bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub dir: PathBuf,
    pub nodes: usize,
    pub edges: usize,
    pub kb_version: u64,
}

/// A store opened without the model or derived state.
pub struct Admin {
    pub(super) store: Store,
    data_dir: PathBuf,
}

impl Admin {
    /// Opens the store in `settings.data_dir`. Fails when it is in use by another process.
    pub fn open(settings: &Settings) -> Result<Admin> {
        if !settings.store_dir().exists() {
            return Err(ServiceError::Input {
                path: settings.data_dir.display().to_string(),
                reason: "no knowledge base here yet; run `answergraph import <KB folder>` first"
                    .into(),
            });
        }
        Ok(Admin {
            store: Store::open(&settings.store_dir())?,
            data_dir: settings.data_dir.clone(),
        })
    }

    pub fn stats(&self) -> Result<Stats> {
        stats(&self.store, &self.data_dir)
    }

    pub fn export(&self, out_dir: &Path) -> Result<ExportSummary> {
        export(&self.store, out_dir)
    }

    pub fn changes(&self, since: u64, limit: usize) -> Result<Vec<ChangeRecord>> {
        Ok(self.store.changes_since(since, limit)?)
    }
}

impl KnowledgeBase {
    pub fn stats(&self) -> Result<Stats> {
        let _writer = self.write_lock.lock();
        stats(&self.store, &self.settings.data_dir)
    }

    pub fn export(&self, out_dir: &Path) -> Result<ExportSummary> {
        let _writer = self.write_lock.lock();
        export(&self.store, out_dir)
    }

    pub fn changes(&self, since: u64, limit: usize) -> Result<Vec<ChangeRecord>> {
        Ok(self.store.changes_since(since, limit)?)
    }
}

fn stats(store: &Store, data_dir: &Path) -> Result<Stats> {
    let records = store.nodes()?;
    let edges = store.edges()?;
    let mut kinds = BTreeMap::new();
    let mut langs = BTreeMap::new();
    for record in &records {
        *kinds.entry(record.node.kind.to_string()).or_insert(0) += 1;
        if let Some(lang) = &record.node.lang {
            *langs.entry(lang.to_string()).or_insert(0) += 1;
        }
    }
    let mut relations = BTreeMap::new();
    for edge in &edges {
        *relations.entry(edge.rel.to_string()).or_insert(0) += 1;
    }
    Ok(Stats {
        nodes: records.len(),
        edges: edges.len(),
        kb_version: store.kb_version()?,
        kinds,
        relations,
        langs,
        vectors: store.vector_count(),
        data_dir_bytes: dir_size(data_dir),
    })
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => dir_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Writes `schema.yaml`, `nodes.jsonl` and `edges.jsonl`, sorted, in the import format; an
/// export imports back to the same KB and exports to the same bytes.
fn export(store: &Store, out_dir: &Path) -> Result<ExportSummary> {
    let io = |path: &Path, e: std::io::Error| ServiceError::Input {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(out_dir).map_err(|e| io(out_dir, e))?;
    let kb_version = store.kb_version()?;
    let schema = store.schema()?.unwrap_or_default();
    let nodes = store.nodes()?;
    let edges = store.edges()?;
    let write = |name: &str, fill: &dyn Fn(&mut Vec<u8>)| -> Result<()> {
        let path = out_dir.join(name);
        let temp = out_dir.join(format!(".{name}.tmp"));
        let mut buffer = Vec::new();
        fill(&mut buffer);
        let mut file = std::fs::File::create(&temp).map_err(|e| io(&temp, e))?;
        file.write_all(&buffer).map_err(|e| io(&temp, e))?;
        file.sync_all().map_err(|e| io(&temp, e))?;
        std::fs::rename(&temp, &path).map_err(|e| io(&path, e))
    };
    write("schema.yaml", &|out| {
        out.extend_from_slice(schema.to_yaml().as_bytes())
    })?;
    write("nodes.jsonl", &|out| {
        for record in &nodes {
            serde_json::to_writer(&mut *out, &record.node).expect("nodes serialise");
            out.push(b'\n');
        }
    })?;
    write("edges.jsonl", &|out| {
        for edge in &edges {
            serde_json::to_writer(&mut *out, edge).expect("edges serialise");
            out.push(b'\n');
        }
    })?;
    Ok(ExportSummary {
        dir: out_dir.to_path_buf(),
        nodes: nodes.len(),
        edges: edges.len(),
        kb_version,
    })
}
