//! The `KnowledgeBase` facade: the only place that combines the store, the text index, the
//! embedder, the vector indexes and the graph.
//!
//! * **Writes** (`write.rs`): parse → validate as a whole → embed what is new → apply atomically in
//!   the store → update the text index → build and publish the next [`Snapshot`]. Writes are
//!   serialised by one lock; the write is acknowledged only after publication.
//! * **Reads** (`search.rs`, `answer.rs`) load the current snapshot once and work on it alone, so a
//!   reader sees one KB version from start to end.
//! * **Start-up** (`open`) rebuilds whatever derived state is missing or behind the store.
//!
//! Edges (`cli`, `http`) call one function here per command or route and render the result.

pub mod admin;
pub mod answer;
pub mod backup;
mod embedding;
pub mod error;
pub mod eval;
pub mod fusion;
mod handoff;
mod privacy;
pub mod progress;
pub mod reason;
pub mod search;
mod sessions;
pub mod snapshot;
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
use snapshot::SnapshotParts;

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
    sessions: sessions::Sessions,
}

impl KnowledgeBase {
    /// Opens the KB in `settings.data_dir` with the configured model, rebuilding derived state
    /// that is missing or behind the store (reporting to `progress`). Fails when the data
    /// directory is in use ([`ServiceError::Busy`]), the model files are missing or corrupt
    /// ([`ServiceError::Model`], naming the fix) or the store cannot be read.
    pub fn open(settings: &Settings, progress: &dyn Progress) -> Result<KnowledgeBase> {
        let files = ModelFiles::locate(&settings.models_dir(), &settings.models.name)?;
        let embedder = OnnxEmbedder::load(&files, settings.models.workers)?;
        Self::open_with(settings, Arc::new(embedder), progress)
    }

    /// Like [`KnowledgeBase::open`] with a given embedder.
    pub fn open_with(
        settings: &Settings,
        embedder: Arc<dyn Embedder>,
        progress: &dyn Progress,
    ) -> Result<KnowledgeBase> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| ServiceError::Input {
            path: settings.data_dir.display().to_string(),
            reason: e.to_string(),
        })?;
        let store = Store::open(&settings.store_dir())?;
        let mut text = TextIndex::open(&settings.text_dir())?;
        let kb_version = store.kb_version()?;
        let schema = Arc::new(store.schema()?.unwrap_or_default());
        let records = store.nodes()?;
        let edges = store.edges()?;
        // Tuned settings are derived data: unreadable ones (from an older version) fall back to
        // the defaults until the KB is tuned again.
        let kb_settings: KbSettings = store.settings().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "ignoring stored KB settings; run `answergraph tune` again");
            None
        }).unwrap_or_default();
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
        let nodes: Vec<Arc<crate::domain::Node>> =
            records.iter().map(|r| Arc::new(r.node.clone())).collect();
        let vectors = embedding::vectors_for(&store, embedder.as_ref(), &nodes, progress, true)?;
        let snapshot = Snapshot::build(SnapshotParts {
            kb_version,
            schema,
            nodes: nodes
                .into_iter()
                .zip(records.into_iter().map(|r| r.meta))
                .collect(),
            edges,
            vectors: vectors.vectors,
            dim: embedder.dim(),
            text: text.searcher(FieldBoosts::default()),
        });
        // Load the Chinese segmentation dictionary now rather than in the first question.
        snapshot.text.word_terms("预热分词词典");
        Ok(KnowledgeBase {
            query_cache: QueryCache::new(settings.models.query_cache_entries),
            sessions,
            settings: settings.clone(),
            store,
            text: Mutex::new(text),
            embedder,
            current: ArcSwap::from_pointee(snapshot),
            kb_settings: ArcSwap::from_pointee(kb_settings),
            write_lock: Mutex::new(()),
        })
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

    /// Flushes the store; called on shutdown.
    pub fn flush(&self) -> Result<()> {
        Ok(self.store.flush()?)
    }
}
