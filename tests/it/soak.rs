//! Issue 7: the soak in its CI form. `scripts/soak.py` — what `make soak` runs for ten minutes
//! on the release build — runs for 30 seconds on the debug binary over a copy of the demo KB:
//! answers at a steady rate and editor writes at the same time, the server's memory sampled
//! every second. The script fails on any failed answer or write, any 5xx, a server that does
//! not stop cleanly or a KB that does not end as it began; here the floor on answers per second
//! is off (a debug build on two shared cores cannot promise 200), so the test asserts instead
//! that the load really ran and reports the rate reached.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::*;

#[test]
fn thirty_seconds_of_answers_and_writes_have_no_errors_and_bounded_memory() {
    let data = demo_data_dir();
    let out = temp();
    let report_path = out.path().join("soak.json");
    let mut command = Command::new("python3");
    for (key, _) in std::env::vars() {
        if key.starts_with("ANSWERGRAPH") {
            command.env_remove(key);
        }
    }
    let output = command
        .arg(Path::new(REPO).join("scripts/soak.py"))
        .args(["--bin", env!("CARGO_BIN_EXE_answergraph"), "--data-dir"])
        .arg(data.path())
        .args(["--seconds", "30", "--rate", "30", "--concurrency", "4"])
        .args(["--sample-every", "1", "--warmup", "0.3", "--min-rps", "0"])
        .arg("--json-out")
        .arg(&report_path)
        .env("ANSWERGRAPH__MODELS__DIR", Path::new(REPO).join("models"))
        .output()
        .expect("python3 runs");
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the soak failed:\n{summary}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    let (answers, writes) = (&report["answers"], &report["writes"]);
    assert_eq!(answers["errors"], 0, "{summary}");
    assert_eq!(writes["errors"], 0, "{summary}");
    assert_eq!(report["server_5xx"], 0, "{summary}");
    // The load ran: a few hundred answers, a few dozen writes (3 a second are asked for).
    assert!(answers["requests"].as_u64().unwrap() >= 150, "{summary}");
    assert!(writes["requests"].as_u64().unwrap() >= 30, "{summary}");
    assert!(
        report["rss_mib"]["samples"].as_array().unwrap().len() >= 25,
        "{summary}"
    );
    assert!(
        report["rss_mib"]["peak_growth_pct"].as_f64().unwrap() <= 10.0,
        "{summary}"
    );
    eprintln!("soak (debug build, 30 s):\n{summary}");
}
