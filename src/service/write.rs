//! The write path. Every change — a KB folder, a delta file, a spreadsheet, an HTTP edit — is one
//! batch: parsed, validated as a whole, embedded, applied atomically in the store, then reflected
//! in the text index and a newly published snapshot before the caller hears back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::config::Settings;
use crate::domain::formats::{
    parse_delta_jsonl, parse_edges_jsonl, parse_faq_csv, parse_nodes_jsonl, Parsed,
};
use crate::domain::validate::cap_errors;
use crate::domain::{
    plan_batch, Batch, BatchMode, Change, Edge, EdgeKey, KbView, Located, Node, NodeId, NodeMeta,
    Schema, ValidationError,
};
use crate::store::{ChangeSummary, NodeRecord, Provenance, Store};
use crate::text::FieldBoosts;

use super::derived_graph;
use super::embedding::vectors_for;
use super::snapshot::{LinkerPlan, NodeVectors, SnapshotParts, SnapshotView, Vectors};
use super::{KnowledgeBase, Progress, Purpose, Result, ServiceError, Snapshot};

/// What a write did.
#[derive(Debug, Clone, Serialize)]
pub struct WriteOutcome {
    /// The KB version after the write (unchanged for a dry run or a batch that changed nothing).
    pub kb_version: u64,
    pub changed: bool,
    pub dry_run: bool,
    pub summary: ChangeSummary,
    /// Texts embedded by the model for this write (cache misses).
    pub embedded: usize,
    pub took_ms: f64,
}

/// The format of an import body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// JSONL delta lines.
    Delta,
    /// An FAQ spreadsheet.
    Csv,
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| ServiceError::Input {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Input {
        path: path.display().to_string(),
        reason: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

fn into_changes<T>(
    parsed: Parsed<T>,
    change: fn(T) -> Change,
    errors: &mut Vec<ValidationError>,
    unparsed: &mut BTreeSet<NodeId>,
) -> Vec<Located<Change>> {
    errors.extend(parsed.errors);
    unparsed.extend(parsed.unparsed_ids);
    parsed
        .items
        .into_iter()
        .map(|l| Located {
            at: l.at,
            item: change(l.item),
        })
        .collect()
}

/// Reads a KB folder (`schema.yaml`, `nodes.jsonl`, optional `edges.jsonl`) as a replacing batch,
/// or a `.jsonl` delta / `.csv` spreadsheet as an editing batch. Parse problems travel in the
/// batch and are reported with the validation errors; a schema that does not parse fails here,
/// since nothing else can be checked without it.
pub fn read_batch(path: &Path) -> Result<Batch> {
    let mut errors = Vec::new();
    let mut unparsed = BTreeSet::new();
    if path.is_dir() {
        let schema_path = path.join("schema.yaml");
        let nodes_path = path.join("nodes.jsonl");
        for required in [&schema_path, &nodes_path] {
            if !required.exists() {
                return Err(ServiceError::Input {
                    path: required.display().to_string(),
                    reason:
                        "a KB folder needs schema.yaml and nodes.jsonl (edges.jsonl is optional)"
                            .into(),
                });
            }
        }
        let schema = match Schema::parse_yaml(
            &read_text(&schema_path)?,
            &schema_path.display().to_string(),
        ) {
            Ok(schema) => Some(schema),
            Err(schema_errors) => {
                errors.extend(schema_errors);
                None
            }
        };
        let nodes_name = nodes_path.display().to_string();
        let mut changes = into_changes(
            parse_nodes_jsonl(&read_text(&nodes_path)?, &nodes_name),
            Change::UpsertNode,
            &mut errors,
            &mut unparsed,
        );
        let edges_path = path.join("edges.jsonl");
        if edges_path.exists() {
            let edges_name = edges_path.display().to_string();
            changes.extend(into_changes(
                parse_edges_jsonl(&read_text(&edges_path)?, &edges_name),
                Change::UpsertEdge,
                &mut errors,
                &mut unparsed,
            ));
        }
        let Some(schema) = schema else {
            return Err(ServiceError::Invalid(cap_errors(errors)));
        };
        let mut batch = Batch::new(BatchMode::Replace, Some(schema), changes);
        batch.parse_errors = errors;
        batch.unparsed_ids = unparsed;
        Ok(batch)
    } else {
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") | Some("ndjson") => ImportFormat::Delta,
            Some("csv") => ImportFormat::Csv,
            _ => {
                return Err(ServiceError::Input {
                    path: path.display().to_string(),
                    reason: "expected a KB folder, a .jsonl delta file or a .csv FAQ sheet".into(),
                })
            }
        };
        parse_body(&path.display().to_string(), &read_text(path)?, format)
    }
}

/// Parses an import body (delta JSONL or FAQ CSV) named `name` in error messages.
pub fn parse_body(name: &str, text: &str, format: ImportFormat) -> Result<Batch> {
    let parsed = match format {
        ImportFormat::Delta => parse_delta_jsonl(text, name),
        ImportFormat::Csv => parse_faq_csv(text, name),
    };
    if parsed.items.is_empty() && parsed.errors.is_empty() {
        return Err(ServiceError::Invalid(vec![ValidationError::new(
            name,
            None,
            None,
            "the input holds no changes",
        )]));
    }
    let mut batch = Batch::new(BatchMode::Delta, None, parsed.items);
    batch.parse_errors = parsed.errors;
    batch.unparsed_ids = parsed.unparsed_ids;
    Ok(batch)
}

impl KnowledgeBase {
    /// Imports `path` (see [`read_batch`]) into the KB in `settings.data_dir`, opening the KB
    /// only when there is something to write. A KB folder is first compared with the store alone
    /// (the files are parsed while the store is read): a dry run, or a folder that changes
    /// nothing, is answered from that comparison, without loading the model, the vector indexes
    /// or a snapshot. Otherwise the KB is opened to write, the batch is applied as by
    /// [`KnowledgeBase::apply`] and the vector indexes are saved for the next start-up. Fails as
    /// `open` and `apply` do; validation errors are the same either way.
    pub fn import(
        settings: &Settings,
        path: &Path,
        provenance: &Provenance,
        dry_run: bool,
        progress: &dyn Progress,
    ) -> Result<WriteOutcome> {
        let started = Instant::now();
        let batch = if path.is_dir() && settings.store_dir().exists() {
            let store = Store::open(&settings.store_dir())?;
            let (batch, stored) = std::thread::scope(|scope| {
                let batch = scope.spawn(|| read_batch(path));
                let stored = StoredKb::read(&store, &settings.data_dir);
                (
                    batch.join().expect("reading a KB folder does not panic"),
                    stored,
                )
            });
            let (batch, stored) = (batch?, stored?);
            let schema = store.schema()?.unwrap_or_default();
            let plan = plan_batch(&schema, &batch, &stored).map_err(ServiceError::Invalid)?;
            if dry_run || plan.is_noop() {
                tracing::info!(
                    dry_run,
                    "compared with the store: nothing to write, so the KB was not opened"
                );
                return Ok(WriteOutcome {
                    kb_version: store.kb_version()?,
                    changed: false,
                    dry_run,
                    summary: ChangeSummary::of(&plan),
                    embedded: 0,
                    took_ms: started.elapsed().as_secs_f64() * 1e3,
                });
            }
            batch
        } else {
            read_batch(path)?
        };
        // An import answers nothing: the entity linker is left to first use.
        let kb = KnowledgeBase::open_for(settings, Purpose::Write, progress)?;
        let outcome = kb.apply(batch, provenance, dry_run, progress)?;
        if outcome.changed {
            progress.start("saving derived files", 0);
            kb.save_derived();
            progress.finish();
        }
        Ok(outcome)
    }

    /// Imports a KB folder, delta file or spreadsheet as one batch. See [`KnowledgeBase::apply`].
    pub fn import_path(
        &self,
        path: &Path,
        provenance: &Provenance,
        dry_run: bool,
        progress: &dyn Progress,
    ) -> Result<WriteOutcome> {
        let batch = read_batch(path)?;
        self.apply(batch, provenance, dry_run, progress)
    }

    /// Validates `batch` against the current KB and, unless `dry_run`, applies it atomically and
    /// publishes the new KB version before returning. Fails with [`ServiceError::Invalid`] listing
    /// every problem (nothing changed), [`ServiceError::Model`] when new text cannot be embedded
    /// (nothing changed), or a store/index error.
    pub fn apply(
        &self,
        batch: Batch,
        provenance: &Provenance,
        dry_run: bool,
        progress: &dyn Progress,
    ) -> Result<WriteOutcome> {
        let started = Instant::now();
        let _writer = self.write_lock.lock();
        let snapshot = self.snapshot();
        let plan = {
            let (touched, keys) = batch_reach(&batch);
            let view =
                SnapshotView::new(&snapshot, &touched, &keys, batch.mode == BatchMode::Replace);
            plan_batch(&snapshot.schema, &batch, &view).map_err(ServiceError::Invalid)?
        };
        let summary = ChangeSummary::of(&plan);
        let mut outcome = WriteOutcome {
            kb_version: snapshot.kb_version,
            changed: false,
            dry_run,
            summary,
            embedded: 0,
            took_ms: 0.0,
        };
        if dry_run || plan.is_noop() {
            outcome.took_ms = started.elapsed().as_secs_f64() * 1e3;
            return Ok(outcome);
        }
        let written: Vec<Arc<Node>> = plan
            .nodes_added
            .iter()
            .chain(plan.nodes_updated.iter().map(|(_, after)| after))
            .map(|n| Arc::new(n.clone()))
            .collect();
        // Each stage after the embedding shows as a progress stage; their times go to the log.
        let mut stage_started = Instant::now();
        let mut stage_ms = [0.0; 4];
        let mut end_stage = |stage: usize, next: Option<&str>| {
            progress.finish();
            stage_ms[stage] = stage_started.elapsed().as_secs_f64() * 1e3;
            stage_started = Instant::now();
            if let Some(next) = next {
                progress.start(next, 0);
            }
        };
        let fresh = vectors_for(
            &self.store,
            self.embedder.as_ref(),
            &written,
            progress,
            false,
        )?;
        end_stage(0, Some("writing the store"));
        // The text index takes the batch's documents on the core the store's write leaves idle.
        // Staged, they stay invisible until the commit after the store's, and are dropped if
        // the store's write fails.
        let deleted: Vec<&str> = plan.nodes_deleted.iter().map(|n| n.id.as_str()).collect();
        let (meta, staged) = std::thread::scope(|scope| {
            let staging = scope.spawn(|| {
                self.text.lock().stage(
                    written.iter().map(|n| n.as_ref()),
                    deleted.iter().copied(),
                    false,
                )
            });
            let meta = self.store.apply(&plan, provenance);
            (meta, staging.join().expect("staging text does not panic"))
        });
        let committed = meta.map_err(ServiceError::from).and_then(|meta| {
            // A staging failure after the store's flush leaves the text index behind the store,
            // as a failed commit would: the next open rebuilds it.
            staged?;
            Ok(meta)
        });
        let meta = match committed {
            Ok(meta) => meta,
            Err(e) => {
                progress.finish();
                if let Err(rollback) = self.text.lock().rollback() {
                    tracing::error!(error = %rollback, "dropping the staged text documents failed");
                }
                return Err(e);
            }
        };
        let kb_version = meta.version;
        end_stage(1, Some("indexing text"));

        // Derived state: text index, then the next snapshot.
        let searcher = {
            let mut text = self.text.lock();
            text.commit(kb_version)?;
            text.searcher(FieldBoosts::default())
        };
        end_stage(2, Some("building the snapshot"));
        let mut nodes: BTreeMap<NodeId, (Arc<Node>, NodeMeta, NodeVectors)> = BTreeMap::new();
        for slot in 0..snapshot.node_count() as u32 {
            let node = snapshot.node_at(slot);
            nodes.insert(
                node.id.clone(),
                (
                    Arc::clone(node),
                    snapshot.meta_at(slot).clone(),
                    snapshot.vectors_of(slot),
                ),
            );
        }
        for node in &plan.nodes_deleted {
            nodes.remove(&node.id);
        }
        for (node, vectors) in written.iter().zip(fresh.vectors) {
            nodes.insert(node.id.clone(), (Arc::clone(node), meta.clone(), vectors));
        }
        let mut edges: FxHashMap<EdgeKey, crate::domain::Edge> =
            snapshot.edges_unordered().map(|e| (e.key(), e)).collect();
        for edge in &plan.edges_deleted {
            edges.remove(&edge.key());
        }
        for edge in plan
            .edges_added
            .iter()
            .chain(plan.edges_updated.iter().map(|(_, after)| after))
        {
            edges.insert(edge.key(), edge.clone());
        }
        let schema = plan
            .schema
            .clone()
            .map(Arc::new)
            .unwrap_or_else(|| Arc::clone(&snapshot.schema));
        let (nodes, vectors): (Vec<_>, Vec<_>) = nodes
            .into_values()
            .map(|(node, meta, vectors)| ((node, meta), vectors))
            .unzip();
        let next = Snapshot::build(SnapshotParts {
            kb_version,
            schema,
            nodes,
            edges: edges.into_values().collect(),
            vectors: Vectors::PerNode {
                nodes: vectors,
                centroids: (
                    snapshot.question_vectors.centroids(),
                    snapshot.text_vectors.centroids(),
                ),
            },
            dim: self.embedder.dim(),
            text: searcher,
            linker: if self.linker_up_front {
                LinkerPlan::UpFront
            } else {
                LinkerPlan::OnFirstUse
            },
        });
        self.current.store(Arc::new(next));
        end_stage(3, None);
        outcome.kb_version = kb_version;
        outcome.changed = true;
        outcome.embedded = fresh.embedded;
        outcome.took_ms = started.elapsed().as_secs_f64() * 1e3;
        let [embed_ms, store_ms, text_ms, snapshot_ms] = stage_ms;
        tracing::info!(
            kb_version,
            actor = %provenance.actor,
            source = %provenance.source,
            embedded = fresh.embedded,
            took_ms = outcome.took_ms,
            embed_ms,
            store_ms,
            text_ms,
            snapshot_ms,
            "batch applied"
        );
        Ok(outcome)
    }
}

/// The nodes and edges a delta batch may ask the KB about while it is validated.
fn batch_reach(batch: &Batch) -> (Vec<NodeId>, Vec<EdgeKey>) {
    let mut touched = Vec::new();
    let mut keys = Vec::new();
    for change in &batch.changes {
        match &change.item {
            Change::DeleteNode(id) => touched.push(id.clone()),
            Change::SetEdges { from, .. } => touched.push(from.clone()),
            Change::UpsertEdge(edge) => keys.push(edge.key()),
            Change::DeleteEdge(key) => keys.push(key.clone()),
            Change::UpsertNode(_) => {}
        }
    }
    (touched, keys)
}

/// The store's nodes and edges, each in key order, as the KB a folder is compared with before
/// the KB is opened. Lookups are binary searches over what was read, so nothing is copied or
/// indexed; `edges_of` scans, which is fine for the one batch planned against it, a full import
/// (it never asks).
struct StoredKb {
    nodes: Vec<NodeRecord>,
    edges: Vec<Edge>,
}

impl StoredKb {
    /// Every node and edge: from the saved file when it is current (see `derived_graph`), else
    /// from the store, the two on parallel threads, saving the file again for the KB opened next
    /// if the import writes, or for the next import.
    fn read(store: &Store, data_dir: &Path) -> Result<StoredKb> {
        let path = derived_graph::path(data_dir);
        let stamp = derived_graph::Stamp {
            store: store.store_id()?,
            kb_version: store.kb_version()?,
        };
        if let Some((nodes, edges)) = derived_graph::load(&path, stamp) {
            let kb = StoredKb { nodes, edges };
            // Lookups are binary searches: a file in any other order is not used.
            if kb.is_in_key_order() {
                return Ok(kb);
            }
        }
        let (nodes, edges) = std::thread::scope(|scope| {
            let edges = scope.spawn(|| store.edges());
            let nodes = store.nodes();
            (nodes, edges.join().expect("decoding edges does not panic"))
        });
        let kb = StoredKb {
            nodes: nodes?,
            edges: edges?,
        };
        let saved = derived_graph::save(
            &path,
            stamp,
            kb.nodes.iter().map(|r| (&r.node, &r.meta)),
            kb.edges.iter(),
        );
        if let Err(e) = saved {
            tracing::warn!(error = %e, path = %path.display(), "could not save nodes and edges");
        }
        Ok(kb)
    }

    fn is_in_key_order(&self) -> bool {
        self.nodes.windows(2).all(|w| w[0].node.id < w[1].node.id)
            && self.edges.windows(2).all(|w| by_key(&w[0]) < by_key(&w[1]))
    }
}

fn by_key(edge: &Edge) -> (&NodeId, &crate::domain::RelName, &NodeId) {
    (&edge.from, &edge.rel, &edge.to)
}

impl KbView for StoredKb {
    fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes
            .binary_search_by(|record| record.node.id.as_str().cmp(id.as_str()))
            .ok()
            .map(|at| &self.nodes[at].node)
    }

    fn edge(&self, key: &EdgeKey) -> Option<&Edge> {
        self.edges
            .binary_search_by(|edge| by_key(edge).cmp(&(&key.from, &key.rel, &key.to)))
            .ok()
            .map(|at| &self.edges[at])
    }

    fn edges_of(&self, id: &NodeId) -> Vec<EdgeKey> {
        self.edges
            .iter()
            .filter(|edge| &edge.from == id || &edge.to == id)
            .map(Edge::key)
            .collect()
    }

    fn node_ids(&self) -> Vec<NodeId> {
        self.nodes.iter().map(|r| r.node.id.clone()).collect()
    }

    fn edge_keys(&self) -> Vec<EdgeKey> {
        self.edges.iter().map(Edge::key).collect()
    }

    fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn edge_count(&self) -> usize {
        self.edges.len()
    }
}
