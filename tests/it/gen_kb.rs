//! `answergraph gen-kb`: deterministic synthetic KBs that import cleanly, with a skewed degree
//! distribution and labelled questions whose gold answers exist.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::common::*;

const FILES: [&str; 4] = [
    "schema.yaml",
    "nodes.jsonl",
    "edges.jsonl",
    "eval/questions.jsonl",
];

/// Runs `gen-kb` into `out` and returns its JSON summary.
fn gen_kb(out: &Path, nodes: usize, seed: u64) -> Value {
    let scratch = temp();
    json(
        scratch.path(),
        &[
            "gen-kb",
            "--json",
            "--nodes",
            &nodes.to_string(),
            "--seed",
            &seed.to_string(),
            out.to_str().unwrap(),
        ],
    )
}

fn parsed(path: &Path) -> Vec<Value> {
    lines(path)
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn the_same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let (a, b, c) = (temp(), temp(), temp());
    gen_kb(a.path(), 400, 7);
    gen_kb(b.path(), 400, 7);
    gen_kb(c.path(), 400, 8);
    for file in FILES {
        let first = std::fs::read(a.path().join(file)).unwrap();
        assert!(!first.is_empty(), "{file} is empty");
        assert!(
            first == std::fs::read(b.path().join(file)).unwrap(),
            "{file} differs between two runs with seed 7"
        );
    }
    for file in ["nodes.jsonl", "edges.jsonl", "eval/questions.jsonl"] {
        assert!(
            std::fs::read(a.path().join(file)).unwrap()
                != std::fs::read(c.path().join(file)).unwrap(),
            "{file} is the same for seeds 7 and 8"
        );
    }
}

#[test]
fn a_generated_kb_imports_cleanly_and_its_questions_name_existing_nodes() {
    let kb = temp();
    let summary = gen_kb(kb.path(), 2000, 3);
    let nodes = parsed(&kb.path().join("nodes.jsonl"));
    let edges = lines(&kb.path().join("edges.jsonl"));
    let questions = parsed(&kb.path().join("eval/questions.jsonl"));
    assert_eq!(nodes.len(), 2000);
    assert_eq!(summary["nodes"], nodes.len());
    assert_eq!(summary["edges"], edges.len());
    assert_eq!(summary["questions"], questions.len());

    let data = temp();
    let outcome = json(
        data.path(),
        &["import", "--json", kb.path().to_str().unwrap()],
    );
    assert_eq!(outcome["summary"]["nodes_added"], nodes.len());
    assert_eq!(outcome["summary"]["edges_added"], edges.len());
    let stats = stats(data.path());
    assert_eq!(stats["nodes"], nodes.len());
    assert_eq!(stats["edges"], edges.len());
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for node in &nodes {
        *kinds
            .entry(node["kind"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(kinds.len(), 8, "every kind of the schema: {kinds:?}");
    for (kind, count) in &kinds {
        assert_eq!(stats["kinds"][kind], *count, "kind {kind}");
    }

    let ids: HashSet<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    let mut categories: BTreeMap<String, usize> = BTreeMap::new();
    for question in &questions {
        *categories
            .entry(question["category"].as_str().unwrap().to_owned())
            .or_default() += 1;
        for gold in question["gold"].as_array().unwrap() {
            let gold = gold.as_str().unwrap();
            assert!(
                ids.contains(gold),
                "gold {gold} of {question} is not a node"
            );
        }
        if question["gold"].as_array().unwrap().is_empty() {
            assert_eq!(question["expect_handoff"], true, "{question}");
        }
    }
    for category in [
        "faq",
        "faq_zh",
        "lexical",
        "attribute",
        "1hop",
        "2hop",
        "unanswerable",
    ] {
        assert!(
            categories.get(category).copied().unwrap_or(0) >= 10,
            "too few {category} questions: {categories:?}"
        );
    }
    // min(nodes / 2, 500) questions.
    assert_eq!(questions.len(), 500);
}

#[test]
fn the_degree_distribution_has_hubs() {
    let kb = temp();
    gen_kb(kb.path(), 2000, 5);
    let mut degree: BTreeMap<String, usize> = parsed(&kb.path().join("nodes.jsonl"))
        .iter()
        .map(|n| (n["id"].as_str().unwrap().to_owned(), 0))
        .collect();
    let edges = parsed(&kb.path().join("edges.jsonl"));
    let mut keys = HashSet::new();
    for edge in &edges {
        let (from, to) = (edge["from"].as_str().unwrap(), edge["to"].as_str().unwrap());
        assert!(
            keys.insert((from.to_owned(), edge["rel"].to_string(), to.to_owned())),
            "duplicate edge {edge}"
        );
        *degree.get_mut(from).expect("edge source exists") += 1;
        *degree.get_mut(to).expect("edge target exists") += 1;
    }
    let mut degrees: Vec<usize> = degree.into_values().collect();
    degrees.sort_unstable();
    let median = degrees[degrees.len() / 2];
    let max = *degrees.last().unwrap();
    let per_node = edges.len() as f64 / degrees.len() as f64;
    assert!(median >= 1, "median degree {median}");
    assert!(max >= 10 * median, "max degree {max}, median {median}");
    assert!((2.0..=3.0).contains(&per_node), "{per_node} edges per node");
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    let scratch = temp();
    let out = temp();
    let too_small = run(
        scratch.path(),
        &["gen-kb", "--nodes", "5", out.path().to_str().unwrap()],
    );
    assert_eq!(too_small.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&too_small.stderr);
    assert!(
        stderr.contains("--nodes") && stderr.contains("between 20"),
        "{stderr}"
    );

    std::fs::write(out.path().join("notes.txt"), "mine").unwrap();
    let non_empty = run(
        scratch.path(),
        &["gen-kb", "--nodes", "50", out.path().to_str().unwrap()],
    );
    assert_eq!(non_empty.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&non_empty.stderr);
    assert!(
        stderr.contains("not empty") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(!out.path().join("nodes.jsonl").exists());

    let forced = ok(
        scratch.path(),
        &[
            "gen-kb",
            "--force",
            "--nodes",
            "50",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(forced.contains("generated 50 nodes"), "{forced}");
    assert_eq!(lines(&out.path().join("nodes.jsonl")).len(), 50);
}
