//! Issue 6: the load generator, in process (HTTP mode is tested with the server).

use crate::common::*;

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
