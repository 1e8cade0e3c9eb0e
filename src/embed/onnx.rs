//! The ONNX implementation of [`Embedder`]: a pool of worker threads, each owning one session.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Instant;

use ort::environment::Environment;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;
use tokenizers::TruncationParams;

use super::manifest::{InputStyle, ModelFiles, ModelManifest, Pooling};
use super::unigram::PackedTokenizer;
use super::weights::{shared_weights, SharedWeight};
use super::{normalize, EmbedError, Embedder, PendingEmbedding, Then, WorkerReply};
use crate::sync::{IdleFirstQueue, Pushed};

/// Texts embedded in one model run. A question is a job of one text; an import sends batches.
struct Job {
    texts: Vec<String>,
    /// Run with the first vector before replying (a question's job: one text).
    then: Option<Then>,
    reply: mpsc::SyncSender<WorkerReply>,
}

type Reply = mpsc::Receiver<WorkerReply>;

/// Most texts and characters in one batch of an import.
const BATCH_TEXTS: usize = 16;
const BATCH_CHARS: usize = 2048;

pub struct OnnxEmbedder {
    manifest: ModelManifest,
    /// The worker that went idle last takes the next job, so a lone client keeps meeting the
    /// same session, its weights and scratch memory still in the CPU's caches (handing jobs round
    /// the workers in turn made a question's embedding ≈ 20% slower on the demo).
    queue: Arc<IdleFirstQueue<Job>>,
    workers: Vec<JoinHandle<()>>,
    runs: Arc<AtomicU64>,
}

/// ONNX Runtime can be loaded once per process; the first path wins.
fn environment(path: &Path) -> Result<Environment, EmbedError> {
    static ENV: OnceLock<Result<Environment, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let builder = ort::init_from(path).map_err(|e| e.to_string())?;
        builder.build().map_err(|e| e.to_string())
    })
    .clone()
    .map_err(|reason| EmbedError::Runtime {
        path: path.to_path_buf(),
        reason,
    })
}

/// A session of `model` that uses the `shared` weights instead of loading its own copy.
fn build_session(env: &Environment, model: &Path, shared: &[SharedWeight]) -> ort::Result<Session> {
    let mut builder = Session::builder(env)?
        .with_optimization_level(GraphOptimizationLevel::All)?
        .with_intra_threads(1)?
        .with_inter_threads(1)?;
    for weight in shared {
        builder = builder.with_initializer(&weight.name, Arc::clone(&weight.value))?;
    }
    builder.commit_from_file(model)
}

impl OnnxEmbedder {
    /// Loads the runtime, tokenizer and `workers` sessions of the model in `files`. Fails with a
    /// message naming the missing or corrupt file and the command that fixes it.
    pub fn load(files: &ModelFiles, workers: usize) -> Result<OnnxEmbedder, EmbedError> {
        for file in files.files() {
            file.check_present()?;
        }
        let env = environment(&files.runtime.path)?;
        let manifest = files.manifest.clone();
        let mut tokenizer = PackedTokenizer::from_file(&files.tokenizer.path).map_err(|e| {
            EmbedError::CorruptFile {
                path: files.tokenizer.path.clone(),
                reason: e.to_string(),
            }
        })?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: manifest.max_tokens,
                ..Default::default()
            }))
            .map_err(|e| EmbedError::BadManifest {
                path: files.model_dir.join("model.toml"),
                reason: format!("max_tokens: {e}"),
            })?;
        let tokenizer = Arc::new(tokenizer);
        let shared = std::fs::read(&files.model.path)
            .map_err(|e| e.to_string())
            .and_then(|model| shared_weights(&model).map_err(|e| e.to_string()))
            .map_err(|reason| EmbedError::Model {
                path: files.model.path.clone(),
                reason,
            })?;
        let shared = Arc::new(shared);
        let workers = workers.max(1);
        let queue: Arc<IdleFirstQueue<Job>> = Arc::new(IdleFirstQueue::new(workers));
        let runs = Arc::new(AtomicU64::new(0));
        let (ready_tx, ready_rx) = mpsc::channel();
        let mut handles = Vec::new();
        for n in 0..workers {
            let env = env.clone();
            let model_path = files.model.path.clone();
            let manifest = manifest.clone();
            let tokenizer = Arc::clone(&tokenizer);
            let shared = Arc::clone(&shared);
            let queue = Arc::clone(&queue);
            let runs = Arc::clone(&runs);
            let ready = ready_tx.clone();
            let handle = std::thread::Builder::new()
                .name(format!("embed-{n}"))
                .spawn(move || {
                    let session = match build_session(&env, &model_path, &shared) {
                        Ok(session) => session,
                        Err(e) => {
                            let _ = ready.send(Err(EmbedError::Model {
                                path: model_path,
                                reason: e.to_string(),
                            }));
                            return;
                        }
                    };
                    let mut worker = Worker {
                        session,
                        tokenizer,
                        manifest,
                    };
                    let _ = ready.send(Ok(()));
                    while let Some(job) = queue.next(n) {
                        let mut result = worker.embed_batch(&job.texts);
                        runs.fetch_add(job.texts.len() as u64, Ordering::Relaxed);
                        let finished = Instant::now();
                        if let Some(then) = job.then {
                            result = result.and_then(|vectors| run_then(then, vectors));
                        }
                        let _ = job.reply.send((result, finished));
                    }
                })
                .map_err(|e| EmbedError::Inference(format!("cannot start a worker: {e}")))?;
            handles.push(handle);
        }
        drop(ready_tx);
        let embedder = OnnxEmbedder {
            manifest,
            queue,
            workers: handles,
            runs,
        };
        for _ in 0..embedder.workers.len() {
            match ready_rx.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(EmbedError::Stopped),
            }
        }
        // One probe run checks that the output matches the manifest before anything is stored.
        let probe = embedder.embed("probe", None)?;
        if probe.len() != embedder.manifest.dim {
            return Err(EmbedError::Shape(format!(
                "the model returned {} values, the manifest says dim = {}",
                probe.len(),
                embedder.manifest.dim
            )));
        }
        Ok(embedder)
    }

    pub fn manifest(&self) -> &ModelManifest {
        &self.manifest
    }

    fn submit(&self, texts: Vec<String>, then: Option<Then>) -> Result<Reply, EmbedError> {
        let (reply, receiver) = mpsc::sync_channel(1);
        match self.queue.push(Job { texts, then, reply }) {
            Pushed::Closed(_) => Err(EmbedError::Stopped),
            Pushed::Woken | Pushed::Queued => Ok(receiver),
        }
    }
}

impl Drop for OnnxEmbedder {
    fn drop(&mut self) {
        self.queue.close();
        for handle in self.workers.drain(..) {
            let _ = handle.join();
        }
    }
}

impl Embedder for OnnxEmbedder {
    fn model_id(&self) -> &str {
        &self.manifest.id
    }

    fn dim(&self) -> usize {
        self.manifest.dim
    }

    fn start_then(&self, text: &str, then: Option<Then>) -> Result<PendingEmbedding, EmbedError> {
        let submitted = Instant::now();
        let receiver = self.submit(vec![text.to_owned()], then)?;
        Ok(PendingEmbedding {
            submitted,
            receiver,
        })
    }

    fn embed_many(
        &self,
        texts: &[String],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        // Batches of short texts share one model run (a USE-style graph takes ragged batches
        // without padding); a window of batches is queued ahead so every worker stays busy.
        let batches = batches(texts, self.manifest.input_style);
        let window = self.workers.len() * 2;
        let mut pending = std::collections::VecDeque::new();
        let mut out = Vec::with_capacity(texts.len());
        let mut next = 0;
        while next < batches.len() || !pending.is_empty() {
            while next < batches.len() && pending.len() < window {
                pending.push_back(self.submit(batches[next].clone(), None)?);
                next += 1;
            }
            let receiver = pending.pop_front().expect("a job is pending");
            out.extend(receiver.recv().map_err(|_| EmbedError::Stopped)?.0?);
            progress(out.len());
        }
        Ok(out)
    }

    fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }
}

/// Runs a job's `then` with its first vector; a panic in it fails the job instead of ending the
/// worker's thread.
fn run_then(then: Then, vectors: Vec<Vec<f32>>) -> Result<Vec<Vec<f32>>, EmbedError> {
    let first = vectors.first().map(Vec::as_slice).unwrap_or_default();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| then(first)))
        .map_err(|_| EmbedError::Inference("the work after the embedding panicked".into()))?;
    Ok(vectors)
}

/// Splits texts into model runs: up to [`BATCH_TEXTS`] texts and [`BATCH_CHARS`] characters
/// for a USE-style graph, one text per run for a BERT-style one (which would need padding).
fn batches(texts: &[String], style: InputStyle) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut chars = 0;
    for text in texts {
        let full = out.last().is_none_or(|batch| {
            style == InputStyle::Bert
                || batch.len() >= BATCH_TEXTS
                || chars + text.len() > BATCH_CHARS
        });
        if full {
            out.push(Vec::new());
            chars = 0;
        }
        chars += text.len();
        out.last_mut().expect("a batch exists").push(text.clone());
    }
    out
}

struct Worker {
    session: Session,
    tokenizer: Arc<PackedTokenizer>,
    manifest: ModelManifest,
}

impl Worker {
    fn embed_batch(&mut self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.len() > 1 && self.manifest.input_style == InputStyle::Use {
            return self.embed_use_batch(texts);
        }
        texts.iter().map(|text| self.embed(text)).collect()
    }

    /// One run over several texts: token ids concatenated, `row_splits` marking where each ends.
    fn embed_use_batch(&mut self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let inference = |e: ort::Error| EmbedError::Inference(e.to_string());
        let mut ids: Vec<i32> = Vec::new();
        let mut splits: Vec<i64> = vec![0];
        for text in texts {
            let encoding = self
                .tokenizer
                .encode(text.as_str(), true)
                .map_err(|e| EmbedError::Inference(format!("tokenizer: {e}")))?;
            ids.extend(encoding.get_ids().iter().map(|&id| id as i32));
            splits.push(ids.len() as i64);
        }
        let (n, rows) = (ids.len(), splits.len());
        let output = self.manifest.output.as_str();
        let outputs = self
            .session
            .run(ort::inputs![
                "token_ids" => Tensor::from_array(([n], ids)).map_err(inference)?,
                "row_splits" => Tensor::from_array(([rows], splits)).map_err(inference)?,
            ])
            .map_err(inference)?;
        let value = outputs
            .get(output)
            .ok_or_else(|| EmbedError::Shape(format!("no output named `{output}`")))?;
        let array = value.try_extract_array::<f32>().map_err(inference)?;
        if array.ndim() != 2 || array.shape()[0] != texts.len() {
            return Err(EmbedError::Shape(format!(
                "a batch of {} texts gave an output of shape {:?}",
                texts.len(),
                array.shape()
            )));
        }
        Ok(array
            .outer_iter()
            .map(|row| {
                let mut vector: Vec<f32> = row.iter().copied().collect();
                if self.manifest.normalize {
                    normalize(&mut vector);
                }
                vector
            })
            .collect())
    }

    fn embed(&mut self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let inference = |e: ort::Error| EmbedError::Inference(e.to_string());
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| EmbedError::Inference(format!("tokenizer: {e}")))?;
        let ids = encoding.get_ids();
        let n = ids.len();
        let output = self.manifest.output.as_str();
        let mut vector = match self.manifest.input_style {
            InputStyle::Use => {
                let ids: Vec<i32> = ids.iter().map(|&id| id as i32).collect();
                let splits: Vec<i64> = vec![0, n as i64];
                let outputs = self
                    .session
                    .run(ort::inputs![
                        "token_ids" => Tensor::from_array(([n], ids)).map_err(inference)?,
                        "row_splits" => Tensor::from_array(([2usize], splits)).map_err(inference)?,
                    ])
                    .map_err(inference)?;
                let value = outputs
                    .get(output)
                    .ok_or_else(|| EmbedError::Shape(format!("no output named `{output}`")))?;
                let array = value.try_extract_array::<f32>().map_err(inference)?;
                pool(array.view(), &[1; 0], self.manifest.pooling)?
            }
            InputStyle::Bert => {
                let ids: Vec<i64> = ids.iter().map(|&id| id as i64).collect();
                let mask: Vec<i64> = encoding
                    .get_attention_mask()
                    .iter()
                    .map(|&m| m as i64)
                    .collect();
                let needs_types = self
                    .session
                    .inputs()
                    .iter()
                    .any(|input| input.name() == "token_type_ids");
                let mut inputs = ort::inputs![
                    "input_ids" => Tensor::from_array(([1usize, n], ids)).map_err(inference)?,
                    "attention_mask" => Tensor::from_array(([1usize, n], mask.clone())).map_err(inference)?,
                ];
                if needs_types {
                    let types: Vec<i64> =
                        encoding.get_type_ids().iter().map(|&t| t as i64).collect();
                    inputs.push((
                        "token_type_ids".into(),
                        Tensor::from_array(([1usize, n], types))
                            .map_err(inference)?
                            .into(),
                    ));
                }
                let outputs = self.session.run(inputs).map_err(inference)?;
                let value = outputs
                    .get(output)
                    .ok_or_else(|| EmbedError::Shape(format!("no output named `{output}`")))?;
                let array = value.try_extract_array::<f32>().map_err(inference)?;
                pool(array.view(), &mask, self.manifest.pooling)?
            }
        };
        if self.manifest.normalize {
            normalize(&mut vector);
        }
        Ok(vector)
    }
}

/// Reduces the model output for one text to one vector: `[1, dim]` as is, or `[1, seq, dim]`
/// averaged over the tokens whose mask is set.
fn pool(
    output: ndarray::ArrayViewD<'_, f32>,
    mask: &[i64],
    pooling: Pooling,
) -> Result<Vec<f32>, EmbedError> {
    match (pooling, output.ndim()) {
        (Pooling::None, 2) => Ok(output.iter().copied().collect()),
        (Pooling::Mean, 3) => {
            let shape = output.shape();
            let (seq, dim) = (shape[1], shape[2]);
            let mut pooled = vec![0f32; dim];
            let mut count = 0f32;
            for t in 0..seq {
                if mask.get(t).copied().unwrap_or(1) == 0 {
                    continue;
                }
                for (d, value) in pooled.iter_mut().enumerate() {
                    *value += output[[0, t, d]];
                }
                count += 1.0;
            }
            pooled.iter_mut().for_each(|v| *v /= count.max(1.0));
            Ok(pooled)
        }
        (pooling, ndim) => Err(EmbedError::Shape(format!(
            "pooling {pooling:?} cannot reduce an output of {ndim} dimensions"
        ))),
    }
}
