//! Criterion benchmarks of every stage of answering, on the demo KB and (with
//! `ANSWERGRAPH_BENCH_SIZES=demo,10k,100k`) on synthetic KBs of 10k and 100k nodes.
//!
//! Fixtures: each size is generated (`gen-kb`, seed 1) and imported once into
//! `$TMPDIR/answergraph-bench/<size>`, then reused by later runs (delete the folder to rebuild).
//! Under `cargo test` (smoke mode) every benchmark runs once, on the demo KB only.
//!
//! Run: `cargo bench --bench answergraph` (see BENCHMARKS.md for numbers).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use answergraph::config::Settings;
use answergraph::domain::{Batch, BatchMode, Change, Located, SourceRef};
use answergraph::service::answer::{AnswerOptions, AnswerRequest};
use answergraph::service::search::{SearchMode, SearchRequest};
use answergraph::service::understand::normalize;
use answergraph::service::{KnowledgeBase, Quiet};
use answergraph::store::Provenance;
use answergraph::text::TextFilter;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn settings(data_dir: &Path) -> Settings {
    let mut settings = Settings {
        data_dir: data_dir.to_path_buf(),
        ..Settings::default()
    };
    settings.models.dir = Path::new(REPO).join("models");
    settings
}

fn sizes() -> Vec<String> {
    std::env::var("ANSWERGRAPH_BENCH_SIZES")
        .unwrap_or_else(|_| "demo".into())
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn nodes_of(size: &str) -> Option<usize> {
    match size {
        "demo" => None,
        other => other
            .strip_suffix('k')
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| n * 1000),
    }
}

/// An imported data directory for `size`, built on first use.
fn fixture(size: &str) -> PathBuf {
    let root = std::env::temp_dir().join("answergraph-bench");
    let data = root.join(size);
    let done = data.join(".imported");
    // The marker names what was imported, so a changed demo KB or crate version rebuilds it.
    let demo_nodes = Path::new(REPO).join("kg_data/demo/nodes.jsonl");
    let stamp = format!(
        "{} {}",
        env!("CARGO_PKG_VERSION"),
        std::fs::metadata(&demo_nodes).map(|m| m.len()).unwrap_or(0)
    );
    if std::fs::read_to_string(&done).ok().as_deref() != Some(stamp.as_str()) {
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).unwrap();
        let kb = match nodes_of(size) {
            None => Path::new(REPO).join("kg_data/demo"),
            Some(nodes) => {
                let out = root.join(format!("{size}-kb"));
                let _ = std::fs::remove_dir_all(&out);
                answergraph::service::synth::generate(
                    &out,
                    &answergraph::service::synth::GenOptions {
                        nodes,
                        seed: 1,
                        force: true,
                    },
                )
                .unwrap();
                out
            }
        };
        let kb_handle = KnowledgeBase::open(&settings(&data), &Quiet).unwrap();
        let provenance = Provenance {
            actor: "bench".into(),
            source: kb.display().to_string(),
        };
        kb_handle
            .import_path(&kb, &provenance, false, &Quiet)
            .unwrap();
        kb_handle.save_derived();
        drop(kb_handle);
        std::fs::write(&done, stamp).unwrap();
    }
    data
}

fn questions(size: &str) -> Vec<String> {
    let file = match nodes_of(size) {
        None => Path::new(REPO).join("kg_data/demo/eval/questions.jsonl"),
        Some(_) => {
            std::env::temp_dir().join(format!("answergraph-bench/{size}-kb/eval/questions.jsonl"))
        }
    };
    answergraph::bench::read_questions(&file).unwrap()
}

fn stages(c: &mut Criterion) {
    for size in sizes() {
        let data = fixture(&size);
        let kb = Arc::new(KnowledgeBase::open(&settings(&data), &Quiet).unwrap());
        let questions = questions(&size);
        let snapshot = kb.snapshot();
        let mut group = c.benchmark_group(format!("stages/{size}"));
        group
            .measurement_time(Duration::from_secs(3))
            .sample_size(30);
        let mut i = 0usize;
        let mut next = || {
            i += 1;
            questions[i % questions.len()].clone()
        };

        group.bench_function("embed_query (tokenize + run, uncached)", |b| {
            b.iter(|| kb.embedder().embed(&next(), None).unwrap())
        });
        group.bench_function("lexical_top50", |b| {
            b.iter(|| {
                snapshot
                    .text
                    .search(&next(), 50, &TextFilter::default())
                    .unwrap()
            })
        });
        let vector = kb.embedder().embed(&questions[0], None).unwrap();
        group.bench_function("dense_top50 (question forms)", |b| {
            b.iter(|| snapshot.question_vectors.search(&vector, 50, &|_| true))
        });
        group.bench_function("hybrid_search (cached embedding)", |b| {
            b.iter(|| {
                kb.search(&SearchRequest {
                    query: next(),
                    mode: SearchMode::Hybrid,
                    k: Some(10),
                    ..SearchRequest::default()
                })
                .unwrap()
            })
        });
        group.bench_function("entity_linking + cues", |b| {
            b.iter(|| {
                let normalized = normalize(&next());
                (
                    snapshot.linker().link(&normalized),
                    snapshot.linker().cues(&normalized),
                )
            })
        });
        let start = (0..snapshot.node_count() as u32)
            .max_by_key(|slot| snapshot.graph.degree(*slot).min(40))
            .unwrap_or(0);
        for hops in 1..=3 {
            group.bench_with_input(
                BenchmarkId::new("traversal_hops", hops),
                &hops,
                |b, &hops| b.iter(|| snapshot.graph.paths(start, hops, 5_000, &|_, _| true)),
            );
        }
        group.bench_function("answer (in process, cached embedding)", |b| {
            b.iter(|| {
                kb.answer(
                    &AnswerRequest {
                        question: next(),
                        session_id: None,
                        explain: false,
                    },
                    AnswerOptions {
                        log: false,
                        persist_session: false,
                    },
                )
                .unwrap()
            })
        });
        group.finish();
    }
}

/// A batch of `n` new FAQ nodes whose texts carry `salt` (a new salt: nothing cached).
fn faq_batch(n: usize, salt: &str) -> Batch {
    let changes = (0..n)
        .map(|i| {
            let line = serde_json::json!({
                "id": format!("faq/bench-{salt}-{i}"),
                "kind": "faq",
                "name": format!("How do I set up bench device {i} ({salt})?"),
                "aliases": [format!("bench device {i} setup {salt}")],
                "text": format!("Open the app, add device {i} and follow the steps ({salt}).")
            });
            let node = answergraph::domain::formats::node_from_json(
                line.as_object().unwrap(),
                &SourceRef::new("bench", i + 1),
            )
            .unwrap();
            Located {
                at: SourceRef::new("bench", i + 1),
                item: Change::UpsertNode(node),
            }
        })
        .collect();
    Batch::new(BatchMode::Delta, None, changes)
}

fn ingest(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let demo = fixture("demo");
    let data = dir.path().join("data");
    copy_dir(&demo, &data);
    let kb = KnowledgeBase::open(&settings(&data), &Quiet).unwrap();
    let provenance = Provenance {
        actor: "bench".into(),
        source: "bench".into(),
    };
    let mut group = c.benchmark_group("ingest");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let mut round = 0;
    group.bench_function("1000 new nodes (embedding everything)", |b| {
        b.iter(|| {
            round += 1;
            kb.apply(
                faq_batch(1000, &format!("r{round}")),
                &provenance,
                false,
                &Quiet,
            )
            .unwrap()
        })
    });
    // The same texts again under new ids: every embedding is a cache hit.
    group.bench_function("1000 new nodes (embeddings cached)", |b| {
        let mut copy = 0;
        b.iter(|| {
            copy += 1;
            let mut batch = faq_batch(1000, "r1");
            for change in &mut batch.changes {
                if let Change::UpsertNode(node) = &mut change.item {
                    node.id =
                        answergraph::domain::NodeId::parse(&format!("{}-copy{copy}", node.id))
                            .unwrap();
                }
            }
            kb.apply(batch, &provenance, false, &Quiet).unwrap()
        })
    });
    group.finish();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

criterion_group!(benches, stages, ingest);
criterion_main!(benches);
