//! Issue 7: what the HTTP server must never give away, driven over real sockets — security
//! headers on every kind of response, no CORS unless configured, no API key in the log at any
//! log level, personal data masked (or no question text kept at all) in the query log, and
//! backups only for admins.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::*;
use crate::server::*;

/// Writes `answergraph.toml` with `body` into a fresh directory (kept alive by the caller).
fn config_file(body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = temp();
    let path = dir.path().join("answergraph.toml");
    std::fs::write(&path, body).unwrap();
    (dir, path)
}

/// A key from the config file that spends its budget first, for a 429.
const LIMITED: &str = "limited-reader-key";
/// Requests a key may burst before it is limited (every other key stays below it).
const BURST: usize = 10;

#[test]
fn every_kind_of_response_carries_the_security_headers() {
    let (_dir, config) = config_file(&format!(
        "[server]\nkeys = [\"reader:{LIMITED}\"]\nrate_limit = 0.01\nrate_burst = {BURST}\n"
    ));
    let server = Server::start_in(demo_data_dir(), Some(&config));
    let search = json!({"query": "router"});
    for _ in 0..BURST {
        server
            .post("/v1/search", Some(LIMITED), &search)
            .expect(200);
    }

    let api_policy = "default-src 'none'";
    let node = format!("/v1/nodes/{}", encoded("faq/no-such-node"));
    let paths = "/v1/paths?from=product/x200&to=category/networking&max_hops=0";
    let answer = json!({"question": "how do I reset my router?"});
    let bad_json = Some(("application/json", b"{".to_vec()));
    let replies = [
        (
            "answer",
            server.post("/v1/answer", Some(READER), &answer),
            200,
            None,
        ),
        ("whoami", server.get("/v1/whoami", Some(READER)), 200, None),
        ("health", server.get("/healthz", None), 200, None),
        ("metrics", server.get("/metrics", None), 200, None),
        ("openapi", server.get("/openapi.json", None), 200, None),
        (
            "backup",
            server.call("POST", "/v1/admin/backup", Some(ADMIN), None),
            200,
            None,
        ),
        (
            "bad JSON",
            server.call("POST", "/v1/answer", Some(READER), bad_json),
            400,
            Some("bad_json"),
        ),
        (
            "no key",
            server.get("/v1/whoami", None),
            401,
            Some("unauthorized"),
        ),
        (
            "wrong role",
            server.get("/v1/export", Some(READER)),
            403,
            Some("forbidden"),
        ),
        (
            "unknown node",
            server.get(&node, Some(READER)),
            404,
            Some("not_found"),
        ),
        (
            "unknown route",
            server.get("/nowhere", None),
            404,
            Some("not_found"),
        ),
        (
            "undeclared method",
            server.call("TRACE", "/v1/answer", Some(READER), None),
            405,
            Some("method_not_allowed"),
        ),
        (
            "invalid field",
            server.get(paths, Some(READER)),
            422,
            Some("invalid_request"),
        ),
        (
            "rate limited",
            server.post("/v1/search", Some(LIMITED), &search),
            429,
            Some("rate_limited"),
        ),
    ];
    for (what, reply, status, code) in &replies {
        assert_eq!(reply.status, *status, "{what}: {}", reply.body);
        if let Some(code) = code {
            reply.expect_error(*status, code);
        }
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{what}");
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{what}"
        );
        assert!(
            reply
                .header("content-security-policy")
                .is_some_and(|p| p.starts_with(api_policy)),
            "{what}: {:?}",
            reply.header("content-security-policy")
        );
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
    }
    let (_, undeclared, _, _) = replies
        .iter()
        .find(|(what, ..)| *what == "undeclared method")
        .unwrap();
    assert_eq!(undeclared.header("allow"), Some("POST"));

    // The console's files keep their own same-origin policy and revalidation.
    let console = server.get("/console/", None);
    assert_eq!(console.status, 200);
    assert_eq!(console.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(console.header("x-frame-options"), Some("DENY"));
    assert_eq!(console.header("referrer-policy"), Some("no-referrer"));
    assert!(console
        .header("content-security-policy")
        .is_some_and(|p| p.starts_with("default-src 'self'")));
    assert_eq!(console.header("cache-control"), Some("no-cache"));
}

#[test]
fn a_default_server_allows_no_cross_origin_calls() {
    let server = Server::start();
    let origin = ("Origin", "https://chat.example");
    let preflight = server.call_with_headers(
        "OPTIONS",
        "/v1/answer",
        &[
            origin,
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization, content-type",
            ),
        ],
    );
    let simple = server.call_with_headers(
        "GET",
        "/v1/whoami",
        &[origin, ("Authorization", &format!("Bearer {READER}"))],
    );
    simple.expect(200);
    for (what, reply) in [("preflight", &preflight), ("simple", &simple)] {
        let cors: Vec<_> = reply
            .headers
            .iter()
            .filter(|(name, _)| name.to_ascii_lowercase().starts_with("access-control-"))
            .collect();
        assert!(cors.is_empty(), "{what}: {cors:?}");
    }
    // Without CORS a preflight is just an undeclared method.
    preflight.expect_error(405, "method_not_allowed");
}

#[test]
fn api_keys_never_reach_the_log_at_the_most_verbose_level() {
    let wrong = "wrong-key-5f1d2c3b4a";
    let (_dir, config) = config_file("[server]\nkeys = [\"editor:config-editor-key-77aa\"]\n");
    let mut server = Server::start_with(demo_data_dir(), Some(&config), &[("RUST_LOG", "trace")]);
    server
        .post(
            "/v1/answer",
            Some(READER),
            &json!({"question": "how do I reset my router?"}),
        )
        .expect(200);
    server.get("/v1/changes", Some(ADMIN)).expect(200);
    server
        .send_json(
            "PUT",
            "/v1/nodes/faq%2Flog-probe",
            Some("config-editor-key-77aa"),
            &json!({"kind": "faq", "name": "Log probe?", "text": "Probe."}),
        )
        .expect(200);
    server
        .get("/v1/whoami", Some(wrong))
        .expect_error(401, "unauthorized");
    server
        .call_with_authorization("GET", "/v1/whoami", &format!("Basic {wrong}"))
        .expect_error(401, "unauthorized");
    server
        .get("/v1/export", Some(READER))
        .expect_error(403, "forbidden");
    server
        .get("/v1/export", Some(EDITOR))
        .expect_error(403, "forbidden");
    server.terminate();

    let log = server.log_text();
    // The log is verbose (the framework's own trace lines are in it), so its silence about keys
    // means something.
    assert!(log.lines().count() > 50, "{log}");
    assert!(log.contains("TRACE"), "{log}");
    for key in [READER, EDITOR, ADMIN, "config-editor-key-77aa", wrong] {
        assert!(!log.contains(key), "the log holds the key `{key}`:\n{log}");
    }
}

/// Questions no KB entry answers, full of personal data, in English and Chinese.
const PERSONAL: [&str; 4] = [
    "zxqv blorptang fnord jane.doe@example.com +86 138 0013 8000",
    "zxqv quorbly 4111 1111 1111 1111 and 0086 139 1234 5678",
    "兹克斯 布洛普坦 13800138000 身份证 11010519491231002X",
    "兹克斯 夸布利 王小明@qq.com 110101199003071234 6222-0212-3456-7890",
];

/// The raw values in [`PERSONAL`]; none may be stored.
const RAW: [&str; 9] = [
    "jane.doe@example.com",
    "138 0013 8000",
    "4111 1111 1111 1111",
    "139 1234 5678",
    "13800138000",
    "11010519491231002X",
    "王小明@qq.com",
    "110101199003071234",
    "6222-0212-3456-7890",
];

/// Asks every question in [`PERSONAL`] twice (once in a conversation) and requires that none
/// was answered, so all of them are gaps in the analytics.
fn ask_personal_questions(server: &Server) {
    for question in PERSONAL {
        for session in [None, Some("privacy-session")] {
            let mut body = json!({"question": question});
            if let Some(session) = session {
                body["session_id"] = json!(session);
            }
            let answer = server.post("/v1/answer", Some(READER), &body).expect(200);
            assert!(answer["answer"].is_null(), "{question}: {answer}");
        }
    }
}

/// Every file under `dir` as lossy text, for searching it for what must not be there.
fn files_text(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            text.push_str(&files_text(&path));
        } else {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    text
}

fn analytics(server: &Server) -> Value {
    server
        .get("/v1/analytics?since=1h&top=100", Some(ADMIN))
        .expect(200)
}

#[test]
fn personal_data_in_questions_is_masked_before_it_is_stored() {
    let mut server = Server::start();
    ask_personal_questions(&server);
    let report = analytics(&server);
    assert_eq!(report["queries"], 2 * PERSONAL.len() as u64, "{report}");
    let gaps: Vec<&str> = report["top_unanswered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|gap| gap["question"].as_str().unwrap())
        .collect();
    assert_eq!(gaps.len(), PERSONAL.len(), "{report}");
    let masked = gaps.join("\n");
    for mask in ["[email]", "[phone]", "[card]", "[id-number]"] {
        assert!(masked.contains(mask), "no {mask} in:\n{masked}");
    }
    // The words around the data survive, its digits and addresses do not.
    assert!(
        masked.contains("blorptang") && masked.contains("布洛普坦"),
        "{masked}"
    );
    assert!(
        !masked.chars().any(|c| c.is_ascii_digit()) && !masked.contains('@'),
        "{masked}"
    );

    // Nothing in the data directory holds a raw value: not the query log, not the sessions.
    server.terminate();
    let stored = files_text(server.data.path());
    assert!(
        stored.contains("blorptang"),
        "the query log was not found on disk"
    );
    for raw in RAW {
        assert!(!stored.contains(raw), "the data directory holds `{raw}`");
    }
}

#[test]
fn a_server_told_to_keep_no_question_text_keeps_none() {
    let (_dir, config) = config_file("[log]\nkeep_question_text = false\n");
    let mut server = Server::start_in(demo_data_dir(), Some(&config));
    ask_personal_questions(&server);
    let report = analytics(&server);
    // The questions are counted, but there is no text to list.
    assert_eq!(report["queries"], 2 * PERSONAL.len() as u64, "{report}");
    assert_eq!(report["handoffs"], 2 * PERSONAL.len() as u64, "{report}");
    assert_eq!(report["top_unanswered"], json!([]), "{report}");

    server.terminate();
    let stored = files_text(server.data.path());
    for word in RAW
        .iter()
        .chain(&["blorptang", "quorbly", "布洛普坦", "夸布利", "[email]"])
    {
        assert!(!stored.contains(word), "the data directory holds `{word}`");
    }
}

#[test]
fn an_admin_downloads_a_backup_that_restores_to_the_same_kb() {
    let mut server = Server::start();
    // A write, so the backup holds more than the import.
    server
        .send_json(
            "PUT",
            "/v1/nodes/faq%2Fbackup-probe",
            Some(EDITOR),
            &json!({"kind": "faq", "name": "Is the backup complete?", "text": "Yes."}),
        )
        .expect(200);
    let version = server.kb_version();
    for key in [READER, EDITOR] {
        let error = server
            .call("POST", "/v1/admin/backup", Some(key), None)
            .expect_error(403, "forbidden");
        assert_eq!(error["details"]["required"], "admin");
    }
    server
        .call("POST", "/v1/admin/backup", None, None)
        .expect_error(401, "unauthorized");

    let download = server.call("POST", "/v1/admin/backup", Some(ADMIN), None);
    assert_eq!(download.status, 200, "{}", download.body);
    assert_eq!(download.content_type, "application/octet-stream");
    let disposition = download.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"answergraph-kb{version}-"))
            && disposition.ends_with(".agbak\""),
        "{disposition}"
    );
    assert_eq!(
        download.header("x-kb-version"),
        Some(version.to_string().as_str())
    );
    assert_eq!(
        download.header("content-length"),
        Some(download.bytes.len().to_string().as_str())
    );
    assert!(download.bytes.starts_with(b"AGBACKUP"));
    // The server keeps no copy: the data directory holds no file that is not its own.
    let before: Vec<_> = std::fs::read_dir(server.data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        before.iter().all(
            |name| ["db", "graph.bin", "text", "vectors.bin"].contains(&name.to_str().unwrap())
        ),
        "{before:?}"
    );

    let files = temp();
    let file = files.path().join("downloaded.agbak");
    std::fs::write(&file, &download.bytes).unwrap();
    let restored = temp();
    let target = restored.path().join("data");
    let summary = json(&target, &["restore", "--json", file.to_str().unwrap()]);
    assert_eq!(summary["kb_version"], version);
    assert_eq!(
        Some(summary["sha256"].as_str().unwrap()),
        download.header("x-backup-sha256")
    );

    server.terminate();
    let export = |data: &Path| {
        let out = temp();
        ok(data, &["export", out.path().to_str().unwrap()]);
        ["schema.yaml", "nodes.jsonl", "edges.jsonl"]
            .map(|name| std::fs::read(out.path().join(name)).unwrap())
    };
    let live = export(server.data.path());
    assert!(String::from_utf8_lossy(&live[1]).contains("faq/backup-probe"));
    assert!(
        live == export(&target),
        "the restored KB exports differently"
    );
}
