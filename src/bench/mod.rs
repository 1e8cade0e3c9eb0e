//! The load generator behind `answergraph bench`: sends questions at a fixed concurrency for a
//! fixed time, as fast as the target answers or at a fixed rate, either to a running server over
//! HTTP or straight into a [`KnowledgeBase`] in this process, and reports throughput, latency
//! percentiles and where the time went per answer stage (over HTTP, as the server timed itself,
//! so that the round trip's share shows as the difference).
//!
//! Worker threads each loop over the question list from their own offset, so every worker asks
//! different questions at first and the run covers the list evenly. Latencies are kept in full
//! (a run of minutes at thousands of requests per second is a few MB) so percentiles are exact.
//!
//! At a fixed rate, request `n` is due `n / rate` seconds after the start, whichever worker sends
//! it, and its latency counts from when it was due: a target that stalls shows the stall in the
//! percentiles instead of quietly slowing the senders down (no coordinated omission). Too few
//! workers for the rate show up the same way, and as a throughput below the rate.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::service::answer::{AnswerOptions, AnswerRequest};
use crate::service::{KnowledgeBase, Progress, ServiceError};

/// Where requests go.
pub enum Target {
    Http { url: String, key: Option<String> },
    InProcess(Arc<KnowledgeBase>),
}

#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub concurrency: usize,
    pub duration: Duration,
    /// Requests per second over all workers; `None`: each worker sends its next request as soon
    /// as the last one is answered.
    pub rate: Option<f64>,
}

impl Load {
    /// When request `n` (counting from 0) is due, for a run that started at `started`.
    fn due(&self, started: Instant, n: u64) -> Instant {
        match self.rate {
            Some(rate) => started + Duration::from_secs_f64(n as f64 / rate),
            None => Instant::now(),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    /// Percentiles of `values` (sorted in place); all zero when empty.
    pub fn of(values: &mut [f64]) -> Percentiles {
        if values.is_empty() {
            return Percentiles {
                p50: 0.0,
                p90: 0.0,
                p99: 0.0,
                max: 0.0,
            };
        }
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let index = ((values.len() as f64 - 1.0) * q).round() as usize;
            round(values[index])
        };
        Percentiles {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: round(values[values.len() - 1]),
        }
    }
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub target: String,
    pub concurrency: usize,
    /// The rate asked for (requests per second), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    pub duration_s: f64,
    pub requests: u64,
    pub errors: u64,
    pub qps: f64,
    pub latency_ms: Percentiles,
    /// Percentiles of each answer stage: in process as measured here; over HTTP as the server
    /// reported them in each answer's `timings_ms` (its own time, without the network's).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub stages_ms: BTreeMap<String, Percentiles>,
    /// The first few errors, for diagnosis.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub error_samples: Vec<String>,
}

/// Reads questions: a question file in the eval format (JSON objects with `question`) or plain
/// text, one question a line. Fails when the file cannot be read or holds no question.
pub fn read_questions(path: &Path) -> Result<Vec<String>, ServiceError> {
    let text = std::fs::read_to_string(path).map_err(|e| ServiceError::Input {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let questions: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| {
                    v.get("question")
                        .and_then(|q| q.as_str())
                        .map(str::to_owned)
                })
                .unwrap_or_else(|| line.to_owned())
        })
        .collect();
    if questions.is_empty() {
        return Err(ServiceError::Input {
            path: path.display().to_string(),
            reason: "no questions in the file".into(),
        });
    }
    Ok(questions)
}

struct Shared {
    latencies: Mutex<Vec<f64>>,
    stages: Mutex<BTreeMap<String, Vec<f64>>>,
    errors: AtomicU64,
    error_samples: Mutex<Vec<String>>,
    done: AtomicU64,
    /// Requests handed out to workers (at a fixed rate: the next one's number).
    issued: AtomicU64,
    stop: AtomicBool,
}

/// Runs the load and reports. `progress` hears the number of finished requests about every
/// 100 ms (total = 0: open-ended).
pub fn run(target: &Target, questions: &[String], load: Load, progress: &dyn Progress) -> Report {
    let shared = Shared {
        latencies: Mutex::new(Vec::new()),
        stages: Mutex::new(BTreeMap::new()),
        errors: AtomicU64::new(0),
        error_samples: Mutex::new(Vec::new()),
        done: AtomicU64::new(0),
        issued: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    };
    let concurrency = load.concurrency.max(1);
    progress.start("requests", 0);
    let started = Instant::now();
    let end = started + load.duration;
    std::thread::scope(|scope| {
        for worker in 0..concurrency {
            let shared = &shared;
            scope.spawn(move || {
                let agent = http_agent();
                let mut index = worker * questions.len() / concurrency;
                let mut local = Vec::new();
                while !shared.stop.load(Ordering::Relaxed) {
                    let due = load.due(started, shared.issued.fetch_add(1, Ordering::Relaxed));
                    if due >= end {
                        break;
                    }
                    std::thread::sleep(due.saturating_duration_since(Instant::now()));
                    let question = &questions[index % questions.len()];
                    index += 1;
                    let answered = ask(target, &agent, question);
                    let took_ms = due.elapsed().as_secs_f64() * 1e3;
                    match answered.and_then(Answered::stages) {
                        Ok(stages) => {
                            local.push(took_ms);
                            let mut all = shared.stages.lock();
                            for (stage, ms) in stages {
                                all.entry(stage).or_default().push(ms);
                            }
                        }
                        Err(message) => {
                            shared.errors.fetch_add(1, Ordering::Relaxed);
                            let mut samples = shared.error_samples.lock();
                            if samples.len() < 5 {
                                samples.push(message);
                            }
                        }
                    }
                    shared.done.fetch_add(1, Ordering::Relaxed);
                }
                shared.latencies.lock().extend(local);
            });
        }
        while Instant::now() < end {
            std::thread::sleep(Duration::from_millis(100).min(load.duration));
            progress.set(shared.done.load(Ordering::Relaxed));
        }
        shared.stop.store(true, Ordering::Relaxed);
    });
    progress.finish();
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies = shared.latencies.into_inner();
    let errors = shared.errors.into_inner();
    let requests = latencies.len() as u64 + errors;
    Report {
        target: match target {
            Target::Http { url, .. } => url.clone(),
            Target::InProcess(_) => "in-process".into(),
        },
        concurrency,
        rate: load.rate,
        duration_s: round(elapsed),
        requests,
        errors,
        qps: round(requests as f64 / elapsed.max(1e-9)),
        latency_ms: Percentiles::of(&mut latencies),
        stages_ms: shared
            .stages
            .into_inner()
            .into_iter()
            .map(|(stage, mut values)| (stage, Percentiles::of(&mut values)))
            .collect(),
        error_samples: shared.error_samples.into_inner(),
    }
}

fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// What one request brought back, read after its latency is taken.
enum Answered {
    /// In process: the answer's per-stage timings.
    Stages(Vec<(String, f64)>),
    /// Over HTTP: the body of a successful response.
    Body { endpoint: String, body: String },
}

/// The part of an answer the report reads: the server's own per-stage timings.
#[derive(Deserialize)]
struct ServerTimings {
    timings_ms: BTreeMap<String, f64>,
}

impl Answered {
    /// The per-stage timings (ms); over HTTP, those the server put in the answer. A successful
    /// response that is not an answer is an error.
    fn stages(self) -> Result<Vec<(String, f64)>, String> {
        match self {
            Answered::Stages(stages) => Ok(stages),
            Answered::Body { endpoint, body } => serde_json::from_str::<ServerTimings>(&body)
                .map(|answer| answer.timings_ms.into_iter().collect())
                .map_err(|e| {
                    format!(
                        "{endpoint}: the response is not an answer ({e}): {}",
                        body.chars().take(200).collect::<String>()
                    )
                }),
        }
    }
}

/// One question; returns what came back or an error description.
fn ask(target: &Target, agent: &ureq::Agent, question: &str) -> Result<Answered, String> {
    match target {
        Target::InProcess(kb) => {
            let response = kb
                .answer(
                    &AnswerRequest {
                        question: question.to_owned(),
                        session_id: None,
                        explain: false,
                    },
                    AnswerOptions {
                        log: false,
                        persist_session: false,
                    },
                )
                .map_err(|e| e.to_string())?;
            Ok(Answered::Stages(
                response
                    .timings_ms
                    .into_iter()
                    .map(|(stage, ms)| (stage.to_owned(), ms))
                    .collect(),
            ))
        }
        Target::Http { url, key } => {
            let endpoint = format!("{}/v1/answer", url.trim_end_matches('/'));
            let mut request = agent.post(&endpoint);
            if let Some(key) = key {
                request = request.header("Authorization", &format!("Bearer {key}"));
            }
            let mut response = request
                .send_json(serde_json::json!({ "question": question }))
                .map_err(|e| format!("{endpoint}: {e}"))?;
            let status = response.status();
            // Read the whole body so the connection can be reused.
            let body = response
                .body_mut()
                .read_to_string()
                .map_err(|e| format!("{endpoint}: reading the response: {e}"))?;
            if status.is_success() {
                Ok(Answered::Body { endpoint, body })
            } else {
                Err(format!(
                    "{endpoint}: HTTP {status}: {}",
                    body.chars().take(200).collect::<String>()
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_exact_ranks() {
        let mut values: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = Percentiles::of(&mut values);
        assert_eq!((p.p50, p.p90, p.p99, p.max), (51.0, 90.0, 99.0, 100.0));
        assert_eq!(Percentiles::of(&mut []).max, 0.0);
    }
}
