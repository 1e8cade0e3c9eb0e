//! Issue 6: the load generator, in process and against a running server.

use crate::common::*;
use crate::server::{Server, READER};

#[test]
fn in_process_bench_reports_throughput_latency_and_stages() {
    let data = demo_data_dir();
    let queries = demo_kb().join("eval/questions.jsonl");
    let report = json(
        data.path(),
        &[
            "bench",
            "--json",
            "--queries",
            queries.to_str().unwrap(),
            "--concurrency",
            "2",
            "--duration",
            "2",
        ],
    );
    assert!(report["requests"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(report["errors"], 0);
    assert!(report["qps"].as_f64().unwrap() > 0.0);
    let latency = &report["latency_ms"];
    let (p50, p99, max) = (
        latency["p50"].as_f64().unwrap(),
        latency["p99"].as_f64().unwrap(),
        latency["max"].as_f64().unwrap(),
    );
    assert!(0.0 < p50 && p50 <= p99 && p99 <= max, "{latency}");
    for stage in ["embed", "lexical", "dense", "reason", "total"] {
        assert!(
            report["stages_ms"][stage]["p50"].as_f64().is_some(),
            "stage {stage} missing: {report}"
        );
    }
}

#[test]
fn bench_reads_plain_text_questions_and_refuses_bad_arguments() {
    let data = demo_data_dir();
    let file = temp();
    let path = file.path().join("q.txt");
    std::fs::write(&path, "how much is the nova 7\n\nwhat is E42\n").unwrap();
    let report = json(
        data.path(),
        &[
            "bench",
            "--json",
            "--queries",
            path.to_str().unwrap(),
            "--duration",
            "1",
        ],
    );
    assert!(report["requests"].as_u64().unwrap() >= 2);
    let output = run(
        data.path(),
        &[
            "bench",
            "--queries",
            path.to_str().unwrap(),
            "--concurrency",
            "0",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--concurrency"));
    for rate in ["0", "-5", "NaN", "inf"] {
        let output = run(
            data.path(),
            &[
                "bench",
                "--queries",
                path.to_str().unwrap(),
                &format!("--rate={rate}"),
            ],
        );
        assert_eq!(output.status.code(), Some(2), "--rate {rate}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("--rate"));
    }
}

#[test]
fn bench_at_a_rate_paces_requests_and_counts_latency_from_when_each_was_due() {
    let data = demo_data_dir();
    let queries = demo_kb().join("eval/questions.jsonl");
    let bench = |rate: &str, concurrency: &str| {
        json(
            data.path(),
            &[
                "bench",
                "--json",
                "--queries",
                queries.to_str().unwrap(),
                "--rate",
                rate,
                "--concurrency",
                concurrency,
                "--duration",
                "2",
            ],
        )
    };

    // Enough workers: 20 requests a second, never more, hardly fewer.
    let paced = bench("20", "4");
    assert_eq!(paced["rate"], 20.0);
    assert_eq!(paced["errors"], 0);
    let requests = paced["requests"].as_u64().unwrap();
    assert!((30..=40).contains(&requests), "{paced}");

    // One worker cannot answer 1000 a second: it falls further behind the schedule with every
    // request, and latency counts that wait, so the median request took about half the run
    // (a second), far longer than an answer itself (tens of milliseconds).
    let behind = bench("1000", "1");
    assert!(behind["qps"].as_f64().unwrap() < 1000.0, "{behind}");
    let answer = behind["stages_ms"]["total"]["p50"].as_f64().unwrap();
    let latency = behind["latency_ms"]["p50"].as_f64().unwrap();
    assert!(latency > 4.0 * answer, "{behind}");
}

#[test]
fn bench_against_a_server_reports_its_latency_and_the_servers_own_stages() {
    let server = Server::start();
    let queries = demo_kb().join("eval/questions.jsonl");
    let elsewhere = temp();
    let bench = |key: &str, concurrency: &str| {
        json(
            elsewhere.path(),
            &[
                "bench",
                "--json",
                "--url",
                &server.base,
                "--key",
                key,
                "--queries",
                queries.to_str().unwrap(),
                "--concurrency",
                concurrency,
                "--duration",
                "2",
            ],
        )
    };

    let report = bench(READER, "2");
    assert_eq!(report["target"], server.base.as_str(), "{report}");
    assert_eq!(report["concurrency"], 2);
    assert!(report["requests"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    assert!(report.get("error_samples").is_none(), "{report}");
    // The server's own stages come from its answers; each answer's `total` is part of that
    // request's round trip, so its percentiles cannot exceed the round trip's.
    let stages = &report["stages_ms"];
    for stage in ["understand", "embed", "lexical", "dense", "reason", "total"] {
        assert!(
            stages[stage]["p50"].as_f64().is_some(),
            "stage {stage} missing: {report}"
        );
    }
    for p in ["p50", "p99", "max"] {
        let server_ms = stages["total"][p].as_f64().unwrap();
        let round_trip_ms = report["latency_ms"][p].as_f64().unwrap();
        assert!(
            0.0 < server_ms && server_ms <= round_trip_ms,
            "{p}: {report}"
        );
    }

    // Read by a person: the stages are labelled as the server's own.
    let text = ok(
        elsewhere.path(),
        &[
            "bench",
            "--url",
            &server.base,
            "--key",
            READER,
            "--queries",
            queries.to_str().unwrap(),
            "--duration",
            "1",
        ],
    );
    assert!(text.contains("0 errors"), "{text}");
    assert!(
        text.contains("the server's own stages") && text.contains("embed"),
        "{text}"
    );

    // A key the server does not know: every request fails, and the report says why.
    let refused = bench("not-a-key", "1");
    let requests = refused["requests"].as_u64().unwrap();
    assert!(requests > 0, "{refused}");
    assert_eq!(refused["errors"].as_u64(), Some(requests), "{refused}");
    assert_eq!(refused["latency_ms"]["p50"], 0.0, "{refused}");
    assert!(refused.get("stages_ms").is_none(), "{refused}");
    let sample = refused["error_samples"][0].as_str().unwrap();
    assert!(
        sample.contains("/v1/answer") && sample.contains("401"),
        "{refused}"
    );
}
