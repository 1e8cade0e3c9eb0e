//! The `KnowledgeBase` facade: the only place that combines the store, the text index, the
//! embedder, the vector indexes and the graph.
//!
//! * **Writes** (`write.rs`): parse → validate as a whole → embed what is new → apply atomically in
//!   the store → update the text index → build and publish the next [`Snapshot`]. Writes are
//!   serialised by one lock; the write is acknowledged only after publication.
//!   Single edits and request-body imports (`edits.rs`) are batches like any other.
//! * **Reads** (`search.rs`, `answer.rs`, `reads.rs`) load the current snapshot once and work on it
//!   alone, so a reader sees one KB version from start to end.
//! * **Operations** (`feedback.rs`, `analytics.rs`, `status.rs`): feedback on logged queries,
//!   service-quality analytics over the query log, readiness.
//! * **Start-up** (`open`) rebuilds whatever derived state is missing or behind the store.
//!
//! Edges (`cli`, `http`) call one function here per command or route and render the result.

pub mod admin;
pub mod analytics;
pub mod answer;
pub mod backup;
mod derived;
mod derived_graph;
pub mod edits;
mod embedding;
pub mod error;
pub mod eval;
pub mod feedback;
pub mod fusion;
mod handoff;
mod privacy;
pub mod progress;
mod query_log;
pub mod reads;
pub mod reason;
pub mod search;
mod sessions;
pub mod snapshot;
pub mod status;
pub mod synth;
pub mod understand;
pub mod write;

use std::sync::Arc;

use arc_swap::ArcSwap;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::embed::{Embedder, ModelFiles, OnnxEmbedder};
use crate::store::Store;
use crate::text::{FieldBoosts, TextIndex};

pub use error::{Result, ServiceError};
pub use progress::{Progress, Quiet};
pub use snapshot::Snapshot;

use embedding::QueryCache;
use fusion::FusionConfig;
use snapshot::{LinkerPlan, SnapshotParts, Vectors};

/// A model being loaded (or given), with what is known of it before it is ready.
struct PendingEmbedder {
    id: String,
    dim: usize,
    load: Box<dyn FnOnce() -> Result<Arc<dyn Embedder>> + Send>,
}

/// Per-KB settings kept in the store (written by `tune`); unset fields use the defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KbSettings {
    pub fusion: Option<FusionConfig>,
    /// Answer confidence below which no answer is given and a human is recommended.
    pub answer_threshold: Option<f32>,
    /// Candidate scoring and confidence calibration fitted by `tune`.
    pub reasoner: Option<reason::Reasoner>,
}

pub struct KnowledgeBase {
    settings: Settings,
    store: Store,
    text: Mutex<TextIndex>,
    embedder: Arc<dyn Embedder>,
    current: ArcSwap<Snapshot>,
    kb_settings: ArcSwap<KbSettings>,
    write_lock: Mutex<()>,
    query_cache: QueryCache,
    /// Writes answers' query records off the answering thread.
    query_log: query_log::QueryLog,
    sessions: sessions::Sessions,
    /// Whether snapshots are built ready to answer (entity linker included) or build the linker
    /// on first use, for a process that only writes.
    linker_up_front: bool,
}

/// What a process opens the KB for: answering questions needs every snapshot complete before it
/// is published; a process that only writes (an import) can leave the entity linker to first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Answer,
    Write,
}

impl KnowledgeBase {
    /// Opens the KB in `settings.data_dir` with the configured model, rebuilding derived state
    /// that is missing or behind the store (reporting to `progress`). The model loads on its own
    /// thread while the store and indexes are read. Fails when the data directory is in use
    /// ([`ServiceError::Busy`]), the model files are missing or corrupt ([`ServiceError::Model`],
    /// naming the fix) or the store cannot be read.
    pub fn open(settings: &Settings, progress: &dyn Progress) -> Result<KnowledgeBase> {
        Self::open_for(settings, Purpose::Answer, progress)
    }

    /// Like [`KnowledgeBase::open`], for `purpose`: a KB opened to [`Purpose::Write`] builds
    /// the entity linker only if a question is asked.
    pub fn open_for(
        settings: &Settings,
        purpose: Purpose,
        progress: &dyn Progress,
    ) -> Result<KnowledgeBase> {
        let files = ModelFiles::locate(&settings.models_dir(), &settings.models.name)?;
        let (id, dim) = (files.manifest.id.clone(), files.manifest.dim);
        let workers = settings.models.workers;
        let loading = std::thread::Builder::new()
            .name("load-model".into())
            .spawn(move || OnnxEmbedder::load(&files, workers))
            .map_err(|e| ServiceError::Internal(format!("cannot start the model loader: {e}")))?;
        // Shared with the closure so that an open that fails before it needs the model can still
        // wait for the loader: a process must not exit while ONNX Runtime is loading on another
        // thread (its teardown then races the load and the process dies of a signal).
        let loader = Arc::new(Mutex::new(Some(loading)));
        let handle = Arc::clone(&loader);
        let pending = PendingEmbedder {
            id,
            dim,
            load: Box::new(move || {
                let loading = handle
                    .lock()
                    .take()
                    .ok_or_else(|| ServiceError::Internal("the model was already loaded".into()))?;
                let embedder = loading
                    .join()
                    .map_err(|_| ServiceError::Internal("the model loader panicked".into()))??;
                Ok(Arc::new(embedder) as Arc<dyn Embedder>)
            }),
        };
        let opened = Self::open_pending(settings, pending, purpose, progress);
        if opened.is_err() {
            if let Some(loading) = loader.lock().take() {
                let _ = loading.join();
            }
        }
        opened
    }

    /// Like [`KnowledgeBase::open`] with a given embedder.
    pub fn open_with(
        settings: &Settings,
        embedder: Arc<dyn Embedder>,
        progress: &dyn Progress,
    ) -> Result<KnowledgeBase> {
        let pending = PendingEmbedder {
            id: embedder.model_id().to_owned(),
            dim: embedder.dim(),
            load: Box::new(move || Ok(embedder)),
        };
        Self::open_pending(settings, pending, Purpose::Answer, progress)
    }

    fn open_pending(
        settings: &Settings,
        pending: PendingEmbedder,
        purpose: Purpose,
        progress: &dyn Progress,
    ) -> Result<KnowledgeBase> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| ServiceError::Input {
            path: settings.data_dir.display().to_string(),
            reason: e.to_string(),
        })?;
        let started = std::time::Instant::now();
        let phase = |name: &str| {
            tracing::debug!(
                phase = name,
                ms = started.elapsed().as_millis() as u64,
                "opening"
            )
        };
        let mut store = Store::open(&settings.store_dir())?;
        store.set_write_chunk(settings.store.write_chunk);
        let mut text = TextIndex::open(&settings.text_dir())?;
        phase("store and text index opened");
        let kb_version = store.kb_version()?;
        let schema = Arc::new(store.schema()?.unwrap_or_default());
        let store_id = store.store_id()?;
        let graph_path = derived_graph::path(&settings.data_dir);
        let graph_stamp = derived_graph::Stamp {
            store: store_id,
            kb_version,
        };
        let (records, edges, save_graph) = match derived_graph::load(&graph_path, graph_stamp) {
            Some((records, edges)) => (records, edges, false),
            None => {
                tracing::info!(
                    "saved nodes and edges are missing or behind the store; reading the store"
                );
                // Nodes and edges decode in parallel (the model loads on a third thread).
                let (records, edges) = std::thread::scope(|scope| {
                    let edges = scope.spawn(|| store.edges());
                    let records = store.nodes();
                    (
                        records,
                        edges.join().expect("decoding edges does not panic"),
                    )
                });
                (records?, edges?, true)
            }
        };
        if save_graph {
            let saved = derived_graph::save(
                &graph_path,
                graph_stamp,
                records.iter().map(|r| (&r.node, &r.meta)),
                edges.iter(),
            );
            if let Err(e) = saved {
                tracing::warn!(error = %e, path = %graph_path.display(), "could not save nodes and edges");
            }
        }
        phase("nodes and edges read");
        // Tuned settings are derived data: unreadable ones (from an older version) fall back to
        // the defaults until the KB is tuned again.
        let kb_settings: KbSettings = store
            .settings()
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "ignoring stored KB settings; run `answergraph tune` again");
                None
            })
            .unwrap_or_default();
        let sessions = sessions::Sessions::new(settings.answer.session_ttl_secs);
        let expired = sessions.purge(&store, chrono::Utc::now().timestamp_millis())?;
        if expired > 0 {
            tracing::info!(expired, "forgot expired conversation sessions");
        }

        if text.kb_version() != Some(kb_version) {
            tracing::info!(
                index = ?text.kb_version(),
                store = kb_version,
                "text index is missing or behind the store; rebuilding"
            );
            progress.start("indexing text", records.len() as u64);
            text.apply(records.iter().map(|r| &r.node), [], kb_version, true)?;
            progress.set(records.len() as u64);
            progress.finish();
        }
        // Moved, not cloned: copying 100k nodes was a tenth of a start-up.
        let (nodes, metas): (Vec<Arc<crate::domain::Node>>, Vec<crate::domain::NodeMeta>) = records
            .into_iter()
            .map(|r| (Arc::new(r.node), r.meta))
            .unzip();
        phase("text index checked");
        // The linker needs only the nodes: it is built while the vectors are read and the model
        // loads.
        let linker = match purpose {
            Purpose::Answer => snapshot::start_linker(&nodes, &schema).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot start the linker build early");
                LinkerPlan::UpFront
            }),
            Purpose::Write => LinkerPlan::OnFirstUse,
        };
        let vectors_path = derived::path(&settings.data_dir);
        let stamp = derived::Stamp {
            store: store_id,
            kb_version,
            model: pending.id.clone(),
        };
        let saved = derived::load(&vectors_path, &stamp)
            .filter(|(q, t)| q.dim() == pending.dim && t.dim() == pending.dim);
        let (embedder, vectors, save) = match saved {
            Some((questions, text)) => {
                let embedder = (pending.load)()?;
                let vectors = Vectors::Built {
                    questions: Box::new(questions),
                    text: Box::new(text),
                };
                (embedder, vectors, false)
            }
            None => {
                tracing::info!("vector indexes are missing or behind the store; rebuilding them");
                let embedder = (pending.load)()?;
                let per_node =
                    embedding::vectors_for(&store, embedder.as_ref(), &nodes, progress, true)?;
                let vectors = Vectors::PerNode {
                    nodes: per_node.vectors,
                    centroids: (None, None),
                };
                (embedder, vectors, true)
            }
        };
        phase("model loaded and vectors read");
        let snapshot = Snapshot::build(SnapshotParts {
            kb_version,
            schema,
            nodes: nodes.into_iter().zip(metas).collect(),
            edges,
            vectors,
            dim: embedder.dim(),
            text: text.searcher(FieldBoosts::default()),
            linker,
        });
        phase("snapshot built");
        // Load the Chinese segmentation dictionary now rather than in the first question (a
        // process that only writes may never need it).
        if purpose == Purpose::Answer {
            snapshot.text.word_terms("预热分词词典");
        }
        let kb = KnowledgeBase {
            query_cache: QueryCache::new(settings.models.query_cache_entries),
            query_log: query_log::QueryLog::start(store.clone()),
            sessions,
            settings: settings.clone(),
            store,
            text: Mutex::new(text),
            embedder,
            current: ArcSwap::from_pointee(snapshot),
            kb_settings: ArcSwap::from_pointee(kb_settings),
            write_lock: Mutex::new(()),
            linker_up_front: purpose == Purpose::Answer,
        };
        if save {
            kb.save_derived();
        }
        release_freed_memory();
        Ok(kb)
    }

    /// Saves the current nodes and edges and the vector indexes beside the store so the next
    /// start-up can skip decoding the store and rebuilding the indexes. Best effort: a failure is
    /// logged and costs only start-up time.
    pub fn save_derived(&self) {
        let snapshot = self.snapshot();
        let store = match self.store.store_id() {
            Ok(store) => store,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the store id; derived files not saved");
                return;
            }
        };
        // The two files are written side by side.
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let graph_path = derived_graph::path(&self.settings.data_dir);
                let slots = 0..snapshot.node_count() as u32;
                // Edges in key order, as the store lists them, so a KB opened from the file is
                // built exactly as one opened from the store.
                let edges = snapshot.edges();
                if let Err(e) = derived_graph::save(
                    &graph_path,
                    derived_graph::Stamp {
                        store,
                        kb_version: snapshot.kb_version,
                    },
                    slots.map(|slot| (snapshot.node_at(slot).as_ref(), snapshot.meta_at(slot))),
                    edges.iter(),
                ) {
                    tracing::warn!(error = %e, path = %graph_path.display(), "could not save nodes and edges");
                }
            });
            let path = derived::path(&self.settings.data_dir);
            let stamp = derived::Stamp {
                store,
                kb_version: snapshot.kb_version,
                model: self.embedder.model_id().to_owned(),
            };
            if let Err(e) = derived::save(
                &path,
                &stamp,
                &snapshot.question_vectors,
                &snapshot.text_vectors,
            ) {
                tracing::warn!(error = %e, path = %path.display(), "could not save the vector indexes");
            }
        });
    }

    /// The KB's tuned settings (fusion, answer threshold, reasoning parameters).
    pub fn kb_settings(&self) -> Arc<KbSettings> {
        self.kb_settings.load_full()
    }

    /// Stores new KB settings and makes them effective for the next request.
    pub fn set_kb_settings(&self, settings: KbSettings) -> Result<()> {
        self.store.put_settings(&settings)?;
        self.kb_settings.store(Arc::new(settings));
        Ok(())
    }

    /// The currently published KB version with its derived state.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn embedder(&self) -> &dyn Embedder {
        self.embedder.as_ref()
    }

    /// Writes the query log's pending records and flushes the store; called on shutdown.
    pub fn flush(&self) -> Result<()> {
        self.query_log.flush()?;
        Ok(self.store.flush()?)
    }
}

/// Hands the memory freed while loading (records read from the store, the linker's build
/// tables) back to the operating system. glibc keeps freed memory for reuse, and after a large
/// KB is opened that was about a sixth of the server's resident size, never used again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_freed_memory() {
    // SAFETY: malloc_trim only returns free pages of the allocator's arenas to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed_memory() {}
