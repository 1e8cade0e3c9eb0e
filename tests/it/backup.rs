//! Issue 7: `backup` and `restore` through the CLI — byte-identical round trips, refusal of
//! damaged, truncated and foreign files with nothing changed, `--force` — and a backup taken by
//! a running knowledge base while it is being written to.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

fn export_files(data: &Path) -> Vec<(String, Vec<u8>)> {
    let out = temp();
    ok(data, &["export", out.path().to_str().unwrap()]);
    ["schema.yaml", "nodes.jsonl", "edges.jsonl"]
        .iter()
        .map(|file| {
            let bytes = std::fs::read(out.path().join(file)).unwrap();
            (file.to_string(), bytes)
        })
        .collect()
}

fn hit_ids(data: &Path, mode: &str, query: &str) -> Vec<String> {
    let response = json(
        data,
        &["search", "--json", "--mode", mode, "--k", "5", query],
    );
    response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["id"].as_str().unwrap().to_owned())
        .collect()
}

fn backup(data: &Path, file: &Path) -> Value {
    json(data, &["backup", "--json", file.to_str().unwrap()])
}

#[test]
fn backup_then_restore_gives_the_same_kb_byte_for_byte() {
    let data = demo_data_dir();
    // Something in the query log and a conversation to carry over as well.
    ok(
        data.path(),
        &["ask", "--session", "s1", "tell me about the x300 router"],
    );
    let files = temp();
    let file = files.path().join("kb.agbak");
    let written = backup(data.path(), &file);
    assert_eq!(written["format_version"], 1);
    assert_eq!(written["kb_version"], 1);
    assert_eq!(written["bytes"], std::fs::metadata(&file).unwrap().len());
    assert!(written["trees"]["queries"].as_u64().unwrap() >= 1);
    assert!(written["trees"]["sessions"].as_u64().unwrap() >= 1);
    // Nothing but the backup itself is left next to it (the temporary file was renamed).
    assert_eq!(std::fs::read_dir(files.path()).unwrap().count(), 1);

    let restored = temp();
    let target = restored.path().join("data");
    let summary = json(&target, &["restore", "--json", file.to_str().unwrap()]);
    assert_eq!(summary["sha256"], written["sha256"]);
    assert_eq!(summary["trees"], written["trees"]);
    assert_eq!(summary["replaced"], false);

    assert_eq!(export_files(&target), export_files(data.path()));
    assert_eq!(content(&target), content(data.path()));
    // Derived state is rebuilt from the restored store: the text index and, from the restored
    // embedding cache, the vectors.
    for (mode, query) in [
        ("lexical", "router red light"),
        (
            "dense",
            "i can't remember the secret code to sign into my profile",
        ),
        ("hybrid", "路由器红灯闪烁"),
    ] {
        assert_eq!(
            hit_ids(&target, mode, query),
            hit_ids(data.path(), mode, query),
            "{mode}: {query}"
        );
    }
    // The conversation goes on in the restored store.
    let follow_up = json(
        &target,
        &["ask", "--json", "--session", "s1", "how much is it?"],
    );
    assert_eq!(follow_up["answer"]["node_id"], "product/x300");
}

/// Ways a backup file goes wrong, and what the refusal must say.
fn damaged(raw: &[u8]) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let flip = |at: usize| {
        let mut bytes = raw.to_vec();
        bytes[at] ^= 0x01;
        bytes
    };
    let mut newer = raw.to_vec();
    newer[8..12].copy_from_slice(&2u32.to_be_bytes());
    vec![
        (
            "truncated to half",
            raw[..raw.len() / 2].to_vec(),
            "damaged or truncated",
        ),
        (
            "last byte missing",
            raw[..raw.len() - 1].to_vec(),
            "damaged or truncated",
        ),
        (
            "a bit flipped in the middle",
            flip(raw.len() / 2),
            "damaged or truncated",
        ),
        (
            "a bit flipped in the checksum",
            flip(raw.len() - 1),
            "damaged or truncated",
        ),
        (
            "a byte appended",
            [raw, b"\n"].concat(),
            "damaged or truncated",
        ),
        ("a newer format", newer, "format version 2 is not supported"),
        (
            "an export file",
            b"{\"id\":\"faq/a\"}\n".to_vec(),
            "not an AnswerGraph backup",
        ),
        ("empty", Vec::new(), "not an AnswerGraph backup"),
    ]
}

#[test]
fn damaged_truncated_or_foreign_backups_are_refused_and_change_nothing() {
    let data = demo_data_dir();
    let files = temp();
    let good = files.path().join("good.agbak");
    backup(data.path(), &good);
    let raw = std::fs::read(&good).unwrap();
    let before = export_files(data.path());
    let before_stats = content(data.path());
    for (what, bytes, says) in damaged(&raw) {
        let file = files.path().join("bad.agbak");
        std::fs::write(&file, &bytes).unwrap();
        // Into a new directory: refused, and the directory is not even created.
        let fresh = temp();
        let target = fresh.path().join("data");
        let output = run(&target, &["restore", file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.contains(says), "{what}: {stderr}");
        assert!(stderr.contains("nothing was changed"), "{what}: {stderr}");
        assert!(!target.exists(), "{what}: the data dir was created");
        // Over an existing KB, even forced: refused, and the KB is untouched.
        let output = run(data.path(), &["restore", "--force", file.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{what} (forced)");
        assert_eq!(export_files(data.path()), before, "{what}: the KB changed");
        assert_eq!(
            content(data.path()),
            before_stats,
            "{what}: the store changed"
        );
    }
    // The KB still answers from its own, intact text index.
    assert_eq!(
        hit_ids(data.path(), "lexical", "E42")[0],
        "issue/e42-wan-down"
    );
}

#[test]
fn restore_replaces_a_kb_only_when_forced() {
    let small = temp();
    write_kb(
        small.path(),
        "kinds: [faq, product]\nrelations:\n  - name: about\n    from: [faq]\n    to: [product]\n",
        &[
            r#"{"id":"product/p1","kind":"product","name":"Pelican One","text":"A small speaker."}"#,
            r#"{"id":"faq/p1-pair","kind":"faq","name":"How do I pair the Pelican One?","text":"Hold the button for three seconds."}"#,
        ],
        &[r#"{"from":"faq/p1-pair","rel":"about","to":"product/p1"}"#],
    );
    let source = temp();
    ok(source.path(), &["import", small.path().to_str().unwrap()]);
    let files = temp();
    let file = files.path().join("small.agbak");
    backup(source.path(), &file);

    let data = demo_data_dir();
    let demo = export_files(data.path());
    let output = run(data.path(), &["restore", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not empty") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(export_files(data.path()), demo);

    let summary = json(
        data.path(),
        &["restore", "--json", "--force", file.to_str().unwrap()],
    );
    assert_eq!(summary["replaced"], true);
    assert_eq!(export_files(data.path()), export_files(source.path()));
    assert_eq!(content(data.path()), content(source.path()));
    // The demo's text index went with its store: nothing of the demo is found any more.
    assert_eq!(hit_ids(data.path(), "lexical", "pelican")[0], "product/p1");
    assert!(hit_ids(data.path(), "lexical", "E42").is_empty());
    // Nothing of the restore is left behind in the data directory: the store, and the derived
    // text index, vector and graph files rebuilt by the searches above.
    let mut entries: Vec<String> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["db", "graph.bin", "text", "vectors.bin"]);

    // A directory holding only its README counts as empty.
    let with_readme = temp();
    std::fs::write(with_readme.path().join("README.md"), "data lives here\n").unwrap();
    ok(with_readme.path(), &["restore", file.to_str().unwrap()]);
    assert_eq!(content(with_readme.path()), content(source.path()));
}

#[test]
fn backup_needs_a_file_name() {
    let data = demo_data_dir();
    let dir = temp();
    let output = run(data.path(), &["backup", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is a directory"));
    let empty = temp();
    let output = run(
        &empty.path().join("nothing"),
        &["backup", dir.path().join("x.agbak").to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no knowledge base here yet"));
}

#[test]
fn a_running_kb_backs_up_exactly_one_kb_version_while_being_written() {
    use answergraph::service::admin::Admin;
    use answergraph::service::write::{parse_body, ImportFormat};
    use answergraph::service::{KnowledgeBase, Quiet};
    use answergraph::store::Provenance;

    const BATCHES: usize = 40;
    let kb_files = temp();
    write_kb(
        kb_files.path(),
        "kinds: [faq, product]\nrelations:\n  - name: about\n    from: [faq]\n    to: [product]\n",
        &[r#"{"id":"product/p1","kind":"product","name":"Pelican One","text":"A small speaker."}"#],
        &[],
    );
    let data = temp();
    let kb = KnowledgeBase::open(&settings_for(data.path()), &Quiet).unwrap();
    let provenance = Provenance {
        actor: "test".into(),
        source: "test".into(),
    };
    kb.import_path(kb_files.path(), &provenance, false, &Quiet)
        .unwrap();
    // Batch i (KB version i + 2) adds faq/n{i} with an edge and deletes faq/n{i-1} with its
    // edge: any KB version holds exactly one FAQ and one edge, so a backup that caught half a
    // batch would show two FAQs, none, or an FAQ without its edge.
    let files = temp();
    let backups = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for i in 0..BATCHES {
                let mut delta = format!(
                    "{{\"id\":\"faq/n{i}\",\"kind\":\"faq\",\"name\":\"Question number {i}?\",\"text\":\"Answer {i}.\"}}\n\
                     {{\"from\":\"faq/n{i}\",\"rel\":\"about\",\"to\":\"product/p1\"}}\n"
                );
                if i > 0 {
                    delta.push_str(&format!("{{\"delete\":\"faq/n{}\"}}\n", i - 1));
                }
                let batch = parse_body("delta", &delta, ImportFormat::Delta).unwrap();
                kb.apply(batch, &provenance, false, &Quiet).unwrap();
            }
        });
        let mut backups = Vec::new();
        while !writer.is_finished() || backups.is_empty() {
            let file = files.path().join(format!("{}.agbak", backups.len()));
            let summary = kb.backup(&file).unwrap();
            backups.push((file, summary.info.meta.kb_version));
        }
        writer.join().unwrap();
        backups
    });
    let versions: std::collections::BTreeSet<u64> = backups.iter().map(|(_, v)| *v).collect();
    assert!(
        versions.len() > 1,
        "backups all saw one version: {versions:?}"
    );
    for (file, version) in backups {
        let restored = temp();
        let settings = settings_for(restored.path());
        Admin::restore(&settings, &file, false).unwrap();
        let admin = Admin::open(&settings).unwrap();
        let stats = admin.stats().unwrap();
        assert_eq!(stats.kb_version, version);
        let (nodes, edges) = if version == 1 { (1, 0) } else { (2, 1) };
        assert_eq!(
            (stats.nodes, stats.edges),
            (nodes, edges),
            "version {version}"
        );
        if version > 1 {
            let out = temp();
            admin.export(out.path()).unwrap();
            let exported = std::fs::read_to_string(out.path().join("edges.jsonl")).unwrap();
            assert!(exported.contains(&format!("\"faq/n{}\"", version - 2)));
        }
    }
}

#[test]
fn restore_refuses_to_replace_a_store_in_use() {
    let data = demo_data_dir();
    let files = temp();
    let file = files.path().join("kb.agbak");
    backup(data.path(), &file);
    let before = export_files(data.path());
    // This process holds the store, as a running server would.
    let admin = answergraph::service::admin::Admin::open(&settings_for(data.path())).unwrap();
    let output = run(data.path(), &["restore", "--force", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("in use"), "{stderr}");
    drop(admin);
    assert_eq!(export_files(data.path()), before);
}
