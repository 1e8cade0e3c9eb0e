//! Model manifests (`<models>/<name>/model.toml`) and the runtime manifest
//! (`<models>/lib/onnxruntime.toml`): what a model expects and produces, and which files with which
//! sizes and sha256 make it up. Any ONNX sentence-embedding model of the two input styles can be
//! plugged in by writing a manifest.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::EmbedError;

/// How the graph takes its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputStyle {
    /// `token_ids` (i32 `[n]`, all texts concatenated) + `row_splits` (i64 `[batch + 1]`).
    Use,
    /// `input_ids`, `attention_mask` and, when the graph has it, `token_type_ids` (i64 `[1, n]`).
    Bert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// The output is already one vector per text.
    None,
    /// Attention-masked mean over the token axis.
    Mean,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelManifest {
    pub id: String,
    #[serde(default)]
    pub description: String,
    pub dim: usize,
    pub input_style: InputStyle,
    pub output: String,
    pub pooling: Pooling,
    pub normalize: bool,
    pub max_tokens: usize,
    pub model_file: String,
    pub tokenizer_file: String,
    pub model_sha256: Option<String>,
    pub model_bytes: Option<u64>,
    pub tokenizer_sha256: Option<String>,
    pub tokenizer_bytes: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeManifest {
    pub file: String,
    pub sha256: Option<String>,
    pub bytes: Option<u64>,
}

/// A file the model needs, with what it should be.
#[derive(Debug, Clone)]
pub struct ExpectedFile {
    pub path: PathBuf,
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
}

impl ExpectedFile {
    /// Cheap check (exists, size). Fails naming the file and the fix.
    pub fn check_present(&self) -> Result<(), EmbedError> {
        let meta = std::fs::metadata(&self.path).map_err(|_| EmbedError::MissingFile {
            path: self.path.clone(),
        })?;
        if let Some(expected) = self.bytes {
            if meta.len() != expected {
                return Err(EmbedError::CorruptFile {
                    path: self.path.clone(),
                    reason: format!("{} bytes, expected {expected}", meta.len()),
                });
            }
        }
        Ok(())
    }

    /// Full check including the sha256 (reads the whole file).
    pub fn verify(&self) -> Result<(), EmbedError> {
        self.check_present()?;
        let Some(expected) = &self.sha256 else {
            return Ok(());
        };
        let mut file = std::fs::File::open(&self.path).map_err(|_| EmbedError::MissingFile {
            path: self.path.clone(),
        })?;
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher).map_err(|e| EmbedError::CorruptFile {
            path: self.path.clone(),
            reason: format!("cannot be read: {e}"),
        })?;
        let actual = format!("{:x}", hasher.finalize());
        if &actual != expected {
            return Err(EmbedError::CorruptFile {
                path: self.path.clone(),
                reason: format!("sha256 {actual}, expected {expected}"),
            });
        }
        Ok(())
    }
}

/// The files of one model set-up: the runtime library and a model directory.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub manifest: ModelManifest,
    pub model_dir: PathBuf,
    pub runtime: ExpectedFile,
    pub model: ExpectedFile,
    pub tokenizer: ExpectedFile,
}

impl ModelFiles {
    /// Reads the manifests under `models_dir` for model `name` (e.g. `use-m`). Fails when a
    /// manifest is missing or malformed.
    pub fn locate(models_dir: &Path, name: &str) -> Result<ModelFiles, EmbedError> {
        let model_dir = models_dir.join(name);
        let manifest: ModelManifest = read_toml(&model_dir.join("model.toml"))?;
        let runtime_manifest: RuntimeManifest =
            read_toml(&models_dir.join("lib/onnxruntime.toml"))?;
        let runtime = ExpectedFile {
            path: models_dir.join("lib").join(&runtime_manifest.file),
            bytes: runtime_manifest.bytes,
            sha256: runtime_manifest.sha256,
        };
        let model = ExpectedFile {
            path: model_dir.join(&manifest.model_file),
            bytes: manifest.model_bytes,
            sha256: manifest.model_sha256.clone(),
        };
        let tokenizer = ExpectedFile {
            path: model_dir.join(&manifest.tokenizer_file),
            bytes: manifest.tokenizer_bytes,
            sha256: manifest.tokenizer_sha256.clone(),
        };
        Ok(ModelFiles {
            manifest,
            model_dir,
            runtime,
            model,
            tokenizer,
        })
    }

    pub fn files(&self) -> [&ExpectedFile; 3] {
        [&self.runtime, &self.model, &self.tokenizer]
    }
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, EmbedError> {
    let text = std::fs::read_to_string(path).map_err(|_| EmbedError::MissingFile {
        path: path.to_path_buf(),
    })?;
    toml::from_str(&text).map_err(|e| EmbedError::BadManifest {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}
