//! Typed settings, layered: built-in defaults → a TOML config file → environment variables
//! (`ANSWERGRAPH__SECTION__KEY`, e.g. `ANSWERGRAPH__SERVER__BIND`) → command-line flags. Every path
//! the program uses comes from here.

use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where the store, text index and other runtime state live.
    pub data_dir: PathBuf,
    pub models: ModelSettings,
    pub server: ServerSettings,
    pub search: SearchSettings,
    pub answer: AnswerSettings,
    pub log: LogSettings,
    pub store: StoreSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSettings {
    /// The models directory (filled by `make models`). Empty: `models/` in the working
    /// directory, else next to the repository the binary was built in.
    pub dir: PathBuf,
    /// Sub-directory of the model to use (`use-m`, `minilm-l6-int8`, or your own with a manifest).
    pub name: String,
    /// ONNX sessions (each on its own thread with one intra-op thread).
    pub workers: usize,
    /// A query embedding slower than this is abandoned and the search degrades to lexical.
    pub query_deadline_ms: u64,
    /// Query embeddings kept in memory for repeated questions.
    pub query_cache_entries: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    /// Body limit of JSON requests, in bytes.
    pub json_limit: usize,
    /// Body limit of `POST /v1/import`, in bytes.
    pub import_limit: usize,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// Threads per HTTP worker that run answers, searches and writes. Answers are CPU work, so
    /// threads beyond the cores add no throughput, only memory: more requests than threads wait
    /// their turn.
    pub blocking_threads: usize,
    /// API keys as `role:key` pairs (also read from `ANSWERGRAPH_KEYS`).
    pub keys: Vec<String>,
    /// Requests per second allowed per key (0: unlimited), with bursts of `rate_burst`.
    pub rate_limit: f64,
    pub rate_burst: f64,
    /// Origins allowed by CORS; empty: CORS off.
    pub cors_origins: Vec<String>,
    /// The most microseconds an idle CPU may take to wake while the server runs, asked of the
    /// kernel through `/dev/cpu_dma_latency` (root); unset: the kernel's choice. 0 keeps idle
    /// cores polling, so one client's answers do not wait for a halted core.
    pub cpu_wakeup_latency_us: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSettings {
    pub default_k: usize,
    pub max_k: usize,
    /// Candidates each retrieval leg contributes before fusion.
    pub leg_depth: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerSettings {
    pub max_hops: usize,
    pub max_question_chars: usize,
    /// Sessions idle longer than this are forgotten.
    pub session_ttl_secs: u64,
    /// Consecutive unanswered turns after which a session is handed to a human.
    pub max_failed_turns: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// Keep the (masked) question text in the query log; false keeps none at all.
    pub keep_question_text: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSettings {
    /// Writes per sled batch when a larger batch (a big import) is applied in parts; the batch
    /// stays atomic either way (RELIABILITY.md). Fewer use less memory while it is written.
    pub write_chunk: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("index"),
            models: ModelSettings::default(),
            server: ServerSettings::default(),
            search: SearchSettings::default(),
            answer: AnswerSettings::default(),
            log: LogSettings::default(),
            store: StoreSettings::default(),
        }
    }
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self {
            dir: PathBuf::new(),
            name: "use-m".into(),
            workers: 2,
            query_deadline_ms: 1000,
            query_cache_entries: 10_000,
        }
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            json_limit: 64 * 1024,
            import_limit: 16 * 1024 * 1024,
            workers: 0,
            blocking_threads: 8,
            keys: Vec::new(),
            rate_limit: 0.0,
            rate_burst: 50.0,
            cors_origins: Vec::new(),
            cpu_wakeup_latency_us: None,
        }
    }
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self {
            default_k: 10,
            max_k: 100,
            leg_depth: 50,
        }
    }
}

impl Default for AnswerSettings {
    fn default() -> Self {
        Self {
            max_hops: 3,
            max_question_chars: 2000,
            session_ttl_secs: 30 * 60,
            max_failed_turns: 2,
        }
    }
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            write_chunk: crate::store::DEFAULT_WRITE_CHUNK,
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            keep_question_text: true,
        }
    }
}

/// A settings file or variable that does not fit the settings struct.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Settings {
    /// Layers defaults, `file` (when given; it must exist), and `ANSWERGRAPH__…` environment
    /// variables. Flags are applied by the caller afterwards. Fails naming the bad key.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file(file));
        }
        figment = figment.merge(Env::prefixed("ANSWERGRAPH__").split("__"));
        let mut settings: Settings = figment.extract().map_err(|e| ConfigError(e.to_string()))?;
        if let Ok(keys) = std::env::var("ANSWERGRAPH_KEYS") {
            settings.server.keys.extend(
                keys.split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned),
            );
        }
        Ok(settings)
    }

    /// The models directory: as configured, else `./models`, else `models/` of the repository
    /// the binary was built in (so `target/release/answergraph` works from anywhere).
    pub fn models_dir(&self) -> PathBuf {
        if !self.models.dir.as_os_str().is_empty() {
            return self.models.dir.clone();
        }
        let local = PathBuf::from("models");
        if local.exists() {
            return local;
        }
        let built_in = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models");
        if built_in.exists() {
            return built_in;
        }
        local
    }

    pub fn store_dir(&self) -> PathBuf {
        self.data_dir.join("db")
    }

    pub fn text_dir(&self) -> PathBuf {
        self.data_dir.join("text")
    }
}
