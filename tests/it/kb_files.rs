//! Issue 2: the KB source format, import/export/stats through the CLI, atomic refusal of bad
//! input with file, line and field, persistence and cascading deletes.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

fn file_counts(kb: &Path) -> (usize, usize, std::collections::BTreeMap<String, u64>) {
    let nodes = lines(&kb.join("nodes.jsonl"));
    let mut kinds = std::collections::BTreeMap::new();
    for line in &nodes {
        let node: Value = serde_json::from_str(line).unwrap();
        *kinds
            .entry(node["kind"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    (nodes.len(), lines(&kb.join("edges.jsonl")).len(), kinds)
}

#[test]
fn import_demo_then_stats_match_the_files() {
    let data = temp();
    let summary = json(
        data.path(),
        &["import", "--json", demo_kb().to_str().unwrap()],
    );
    let (nodes, edges, kinds) = file_counts(&demo_kb());
    assert_eq!(summary["summary"]["nodes_added"], nodes);
    assert_eq!(summary["summary"]["edges_added"], edges);
    let stats = stats(data.path());
    assert_eq!(stats["nodes"], nodes);
    assert_eq!(stats["edges"], edges);
    assert_eq!(stats["kb_version"], 1);
    for (kind, count) in kinds {
        assert_eq!(stats["kinds"][&kind], count, "kind {kind}");
    }
}

#[test]
fn export_import_export_is_byte_identical() {
    let data = demo_data_dir();
    let first = temp();
    ok(data.path(), &["export", first.path().to_str().unwrap()]);
    let again = temp();
    ok(again.path(), &["import", first.path().to_str().unwrap()]);
    let second = temp();
    ok(again.path(), &["export", second.path().to_str().unwrap()]);
    for file in ["schema.yaml", "nodes.jsonl", "edges.jsonl"] {
        let a = std::fs::read(first.path().join(file)).unwrap();
        let b = std::fs::read(second.path().join(file)).unwrap();
        assert!(a == b, "{file} differs after a round trip");
        assert!(!a.is_empty());
    }
    // Re-importing the export into the original KB changes nothing.
    let outcome = json(
        data.path(),
        &["import", "--json", first.path().to_str().unwrap()],
    );
    assert_eq!(outcome["changed"], false);
    assert_eq!(
        outcome["summary"]["nodes_unchanged"],
        stats(data.path())["nodes"]
    );
}

/// One way to break the demo KB: the file to change, what to append or replace, and what the
/// error must say.
struct Breakage {
    what: &'static str,
    file: &'static str,
    edit: fn(&str) -> String,
    /// The line the error must name: `None` means the appended line.
    line: Option<usize>,
    field: &'static str,
    says: &'static str,
}

fn append(text: &str, line: &str) -> String {
    format!("{}\n{line}\n", text.trim_end())
}

#[test]
fn broken_files_are_refused_with_file_line_and_field_and_change_nothing() {
    let cases = [
        Breakage {
            what: "dangling edge",
            file: "edges.jsonl",
            edit: |t| {
                append(
                    t,
                    r#"{"from":"faq/does-not-exist","rel":"about","to":"product/x200"}"#,
                )
            },
            line: None,
            field: "from",
            says: "dangling",
        },
        Breakage {
            what: "unknown kind",
            file: "nodes.jsonl",
            edit: |t| append(t, r#"{"id":"gadget/g1","kind":"gadget","name":"G1"}"#),
            line: None,
            field: "kind",
            says: "unknown kind `gadget`",
        },
        Breakage {
            what: "duplicate id",
            file: "nodes.jsonl",
            edit: |t| {
                append(
                    t,
                    r#"{"id":"product/x200","kind":"product","name":"X200 again"}"#,
                )
            },
            line: None,
            field: "id",
            says: "duplicate id",
        },
        Breakage {
            what: "bad JSON on line 3",
            file: "nodes.jsonl",
            edit: |t| {
                let mut lines: Vec<&str> = t.lines().collect();
                lines[2] = "{\"id\": \"product/broken\", \"kind\": ";
                lines.join("\n")
            },
            line: Some(3),
            field: "",
            says: "not valid JSON",
        },
        Breakage {
            what: "unknown relation",
            file: "edges.jsonl",
            edit: |t| {
                append(
                    t,
                    r#"{"from":"product/x200","rel":"fits_into","to":"product/x300"}"#,
                )
            },
            line: None,
            field: "rel",
            says: "unknown relation `fits_into`",
        },
        Breakage {
            what: "wrong endpoint kind",
            file: "edges.jsonl",
            edit: |t| {
                append(
                    t,
                    r#"{"from":"product/x200","rel":"solved_by","to":"product/x300"}"#,
                )
            },
            line: None,
            field: "from",
            says: "cannot start at a `product`",
        },
        Breakage {
            what: "text over 64 KiB",
            file: "nodes.jsonl",
            edit: |t| {
                append(
                    t,
                    &format!(
                        r#"{{"id":"faq/huge","kind":"faq","name":"Huge?","text":"{}"}}"#,
                        "a".repeat(70_000)
                    ),
                )
            },
            line: None,
            field: "text",
            says: "64 KiB",
        },
    ];
    let data = demo_data_dir();
    let before = content(data.path());
    for case in cases {
        let kb = temp();
        copy_dir(&demo_kb(), kb.path());
        let path = kb.path().join(case.file);
        let original = std::fs::read_to_string(&path).unwrap();
        let broken = (case.edit)(&original);
        std::fs::write(&path, &broken).unwrap();
        let appended_line = broken.trim_end().lines().count();
        let output = run(data.path(), &["import", kb.path().to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: exit code; stderr:\n{stderr}",
            case.what
        );
        let line = case.line.unwrap_or(appended_line);
        let location = format!("{}:{line}:", path.display());
        let error = stderr
            .lines()
            .find(|l| l.contains(&location))
            .unwrap_or_else(|| panic!("{}: no error names {location}:\n{stderr}", case.what));
        assert!(error.contains(case.says), "{}: {error}", case.what);
        if !case.field.is_empty() {
            assert!(
                error.contains(&format!("field `{}`", case.field)),
                "{}: {error}",
                case.what
            );
        }
        assert!(stderr.contains("nothing was changed"), "{}", case.what);
        assert_eq!(
            content(data.path()),
            before,
            "{}: the store changed",
            case.what
        );
    }
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let data = demo_data_dir();
    let delta = temp();
    let path = delta.path().join("bad.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"faq/ok\",\"kind\":\"faq\",\"name\":\"Fine?\"}\n\
         {\"id\":\"faq/a\",\"kind\":\"faq\"}\n\
         {\"from\":\"faq/ok\",\"rel\":\"about\",\"to\":\"product/nope\"}\n\
         {\"delete\":\"product/also-nope\"}\n",
    )
    .unwrap();
    let output = run(data.path(), &["import", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in 2..=4 {
        assert!(
            stderr.contains(&format!("bad.jsonl:{line}:")),
            "line {line} missing:\n{stderr}"
        );
    }
    assert!(stderr.contains("field `name`: is required"), "{stderr}");
}

#[test]
fn the_store_survives_the_process_and_deletes_cascade() {
    let data = demo_data_dir();
    let before = stats(data.path());
    let x200_edges = lines(&demo_kb().join("edges.jsonl"))
        .iter()
        .filter(|l| l.contains("\"product/x200\""))
        .count();
    assert!(x200_edges > 0);
    let delta = temp();
    let path = delta.path().join("delete.jsonl");
    std::fs::write(&path, "{\"delete\":\"product/x200\"}\n").unwrap();
    let outcome = json(data.path(), &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(outcome["summary"]["nodes_deleted"], 1);
    assert_eq!(outcome["summary"]["edges_deleted"], x200_edges);
    // A new process sees the change: nothing lived only in memory.
    let after = stats(data.path());
    assert_eq!(after["nodes"], before["nodes"].as_u64().unwrap() - 1);
    assert_eq!(
        after["edges"],
        before["edges"].as_u64().unwrap() - x200_edges as u64
    );
    assert_eq!(
        after["kb_version"],
        before["kb_version"].as_u64().unwrap() + 1
    );
    let export = temp();
    ok(data.path(), &["export", export.path().to_str().unwrap()]);
    let text = std::fs::read_to_string(export.path().join("edges.jsonl")).unwrap();
    assert!(
        !text.contains("\"product/x200\""),
        "an edge of the deleted node survived"
    );
}

#[test]
fn csv_faq_sheet_with_chinese_text_imports_with_about_edges() {
    let data = demo_data_dir();
    let before = stats(data.path());
    let sheet = temp();
    let path = sheet.path().join("faqs.csv");
    std::fs::write(
        &path,
        "id,question,answer,aliases,lang,about,tags\n\
         faq/zh-x200-wifi-name,X200 怎么修改 WiFi 名称？,\"登录 Lumora App,进入「网络设置」,\n修改名称后保存即可。\",改wifi名字|WiFi 名称怎么改,zh,product/x200,wifi|setup\n\
         x300-guest,Does the X300 have a guest network?,Yes: open the app and enable Guest Wi-Fi.,,en,product/x300|product/x200,\n",
    )
    .unwrap();
    let outcome = json(data.path(), &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(outcome["summary"]["nodes_added"], 2);
    assert_eq!(outcome["summary"]["edges_added"], 3);
    let after = stats(data.path());
    assert_eq!(
        after["kinds"]["faq"],
        before["kinds"]["faq"].as_u64().unwrap() + 2
    );
    let export = temp();
    ok(data.path(), &["export", export.path().to_str().unwrap()]);
    let nodes = std::fs::read_to_string(export.path().join("nodes.jsonl")).unwrap();
    let faq = nodes
        .lines()
        .find(|l| l.contains("faq/zh-x200-wifi-name"))
        .expect("the Chinese FAQ is stored");
    let faq: Value = serde_json::from_str(faq).unwrap();
    assert_eq!(faq["name"], "X200 怎么修改 WiFi 名称？");
    assert_eq!(faq["aliases"][1], "WiFi 名称怎么改");
    assert!(faq["text"].as_str().unwrap().contains("\n修改名称"));
    assert_eq!(faq["lang"], "zh");
    let edges = std::fs::read_to_string(export.path().join("edges.jsonl")).unwrap();
    assert!(edges.contains(r#"{"from":"faq/x300-guest","rel":"about","to":"product/x300"}"#));
}

#[test]
fn dry_run_reports_changes_without_making_them() {
    let data = demo_data_dir();
    let before = content(data.path());
    let delta = temp();
    let path = delta.path().join("d.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"faq/new-one\",\"kind\":\"faq\",\"name\":\"New?\",\"text\":\"Yes.\"}\n",
    )
    .unwrap();
    let outcome = json(
        data.path(),
        &["import", "--dry-run", "--json", path.to_str().unwrap()],
    );
    assert_eq!(outcome["summary"]["nodes_added"], 1);
    assert_eq!(outcome["dry_run"], true);
    assert_eq!(content(data.path()), before);
}

#[test]
fn missing_kb_files_are_named() {
    let data = temp();
    let empty = temp();
    let output = run(data.path(), &["import", empty.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("schema.yaml"));
}

#[test]
fn reimporting_unchanged_content_reports_no_differences_and_keeps_the_version() {
    let data = demo_data_dir();
    let version = stats(data.path())["kb_version"].clone();
    let kb = demo_kb();
    let summary = json(data.path(), &["import", "--json", kb.to_str().unwrap()]);
    assert_eq!(summary["changed"], false);
    assert_eq!(summary["kb_version"], version);
    assert_eq!(summary["summary"]["nodes_added"], 0);
    assert_eq!(summary["summary"]["nodes_updated"], 0);
    assert_eq!(summary["summary"]["edges_added"], 0);
    assert_eq!(summary["summary"]["edges_updated"], 0);
    let (nodes, edges, _) = file_counts(&kb);
    assert_eq!(summary["summary"]["nodes_unchanged"], nodes);
    assert_eq!(summary["summary"]["edges_unchanged"], edges);
    let printed = ok(data.path(), &["import", kb.to_str().unwrap()]);
    assert!(
        printed.contains(&format!("no differences; KB stays at version {version}")),
        "{printed}"
    );
    assert_eq!(stats(data.path())["kb_version"], version);
}

#[test]
fn a_folder_import_that_writes_nothing_does_not_load_the_model() {
    let data = demo_data_dir();
    let version = stats(data.path())["kb_version"].clone();
    let kb = demo_kb();
    let kb = kb.to_str().unwrap();
    let no_models = temp();
    let without_model = |args: &[&str]| {
        answergraph(data.path())
            .args(args)
            .env("ANSWERGRAPH__MODELS__DIR", no_models.path())
            .output()
            .unwrap()
    };
    // Unchanged content and a dry run are answered from the store alone.
    for args in [
        ["import", "--json", kb].as_slice(),
        ["import", "--dry-run", "--json", kb].as_slice(),
    ] {
        let output = without_model(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(summary["changed"], false, "{args:?}");
        assert_eq!(summary["kb_version"], version, "{args:?}");
        assert_eq!(summary["summary"]["nodes_updated"], 0, "{args:?}");
    }
    // A folder that changes a text needs the model to embed it, and fails without it, having
    // changed nothing.
    let changed = temp();
    copy_dir(&demo_kb(), changed.path());
    let nodes = changed.path().join("nodes.jsonl");
    let text = std::fs::read_to_string(&nodes).unwrap();
    let first = text.lines().next().unwrap();
    let mut node: Value = serde_json::from_str(first).unwrap();
    node["name"] = Value::from(format!("{} (renamed)", node["name"].as_str().unwrap()));
    std::fs::write(&nodes, text.replacen(first, &node.to_string(), 1)).unwrap();
    let output = without_model(&["import", changed.path().to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(&no_models.path().display().to_string()),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stats(data.path())["kb_version"], version);
    // With the model it is written.
    let summary = json(
        data.path(),
        &["import", "--json", changed.path().to_str().unwrap()],
    );
    assert_eq!(summary["changed"], true);
    assert_eq!(summary["summary"]["nodes_updated"], 1);
    assert_eq!(summary["embedded"], 1);
}

/// Every stage of an import after the embedding is reported to its progress display (the CLI
/// shows each as a spinner on a terminal), in order, each ended before the next begins.
#[test]
fn an_import_reports_each_stage_to_its_progress_display() {
    use answergraph::service::{KnowledgeBase, Progress};
    use parking_lot::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);
    impl Progress for Recorder {
        fn start(&self, stage: &str, _: u64) {
            self.0.lock().push(format!("start {stage}"));
        }
        fn set(&self, _: u64) {}
        fn finish(&self) {
            self.0.lock().push("finish".into());
        }
    }

    let data = demo_data_dir();
    let delta = temp();
    let delta_file = delta.path().join("delta.jsonl");
    std::fs::write(
        &delta_file,
        r#"{"id":"faq/stage-probe","kind":"faq","name":"Do you engrave the stage probe?","text":"Yes, engraving is free for stage probes."}"#,
    )
    .unwrap();
    let recorder = Recorder::default();
    let provenance = answergraph::store::Provenance {
        actor: "test".into(),
        source: "test".into(),
    };
    let outcome = KnowledgeBase::import(
        &settings_for(data.path()),
        &delta_file,
        &provenance,
        false,
        &recorder,
    )
    .unwrap();
    assert!(outcome.changed && outcome.embedded > 0);
    let events = recorder.0.into_inner();
    let starts: Vec<&str> = events
        .iter()
        .filter_map(|e| e.strip_prefix("start "))
        .collect();
    let wanted = [
        "writing the store",
        "indexing text",
        "building the snapshot",
        "saving derived files",
    ];
    assert!(
        starts[0].starts_with("embedding with "),
        "the embedding comes first: {events:?}"
    );
    assert_eq!(&starts[starts.len() - wanted.len()..], wanted, "{events:?}");
    // Every stage ends before the next one starts, and the last one ends.
    let mut open = false;
    for event in &events {
        if event.starts_with("start ") {
            assert!(!open, "a stage started before the last ended: {events:?}");
        }
        open = event.starts_with("start ");
    }
    assert!(!open, "the last stage never ended: {events:?}");
}

/// A batch larger than `store.write_chunk` is written in parts; the KB is the same as when it
/// is written whole, and nothing of the parts is left behind.
#[test]
fn a_batch_written_in_parts_gives_the_kb_one_batch_gives() {
    let nodes = lines(&demo_kb().join("nodes.jsonl"));
    let mut delta = String::new();
    for line in nodes.iter().take(40) {
        let node: Value = serde_json::from_str(line).unwrap();
        delta.push_str(&format!(
            "{}\n",
            serde_json::json!({ "delete": node["id"] })
        ));
    }
    let files = temp();
    let delta_file = files.path().join("deletes.jsonl");
    std::fs::write(&delta_file, delta).unwrap();
    let mut exports = Vec::new();
    for chunk in ["100000", "8"] {
        let data = demo_data_dir();
        let out = succeed(
            answergraph(data.path())
                .env("ANSWERGRAPH__STORE__WRITE_CHUNK", chunk)
                .args(["import", "--json", delta_file.to_str().unwrap()]),
        );
        let summary: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(summary["summary"]["nodes_deleted"], 40);
        assert!(
            summary["summary"]["edges_deleted"].as_u64().unwrap() > 10,
            "the deletes cascade to edges, so the batch takes several parts of 8: {summary}"
        );
        assert!(!data.path().join("db/pending-batch").exists());
        let export_dir = files.path().join(format!("export-{chunk}"));
        ok(data.path(), &["export", export_dir.to_str().unwrap()]);
        exports.push((
            ["schema.yaml", "nodes.jsonl", "edges.jsonl"]
                .map(|f| std::fs::read(export_dir.join(f)).unwrap()),
            content(data.path()),
        ));
    }
    assert_eq!(exports[0], exports[1]);
}
