#!/usr/bin/env python3
"""Single-client latency of a running `answergraph serve`: sequential requests over one
keep-alive connection, timed on the client, reported as p50/p90/p99.

    scripts/http-latency.py http://127.0.0.1:8080 demo-reader-key kg_data/demo/eval/questions.jsonl 1200

sends N `POST /v1/answer` requests cycling through the questions (the first pass over the
questions meets a cold query-embedding cache; later passes are repeats, as in customer service),
then N `GET /healthz` for comparison. Standard library only.
"""

import http.client
import json
import math
import sys
import time
import urllib.parse


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def report(name, samples):
    ms = sorted(s * 1e3 for s in samples)
    print(
        f"{name:<32} n={len(ms):<5} p50={percentile(ms, 50):7.2f} ms  "
        f"p90={percentile(ms, 90):7.2f} ms  p99={percentile(ms, 99):7.2f} ms  "
        f"max={ms[-1]:7.2f} ms  mean={sum(ms) / len(ms):7.2f} ms"
    )


def main():
    base, key, questions_path, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    url = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    with open(questions_path, encoding="utf-8") as f:
        questions = [json.loads(line)["question"] for line in f if line.strip()]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    answers, server_totals = [], []
    for i in range(count):
        body = json.dumps({"question": questions[i % len(questions)]})
        started = time.perf_counter()
        connection.request("POST", "/v1/answer", body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        answers.append(time.perf_counter() - started)
        if response.status != 200:
            sys.exit(f"/v1/answer answered {response.status}: {payload[:300]!r}")
        server_totals.append(json.loads(payload)["timings_ms"]["total"] / 1e3)

    health = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        health.append(time.perf_counter() - started)
        if response.status != 200:
            sys.exit(f"/healthz answered {response.status}")

    first_pass = min(len(questions), count)
    report(f"/v1/answer (first {first_pass}, cold)", answers[:first_pass])
    report("/v1/answer (all)", answers)
    report("  service time (timings.total)", server_totals)
    report("/healthz", health)


if __name__ == "__main__":
    main()
