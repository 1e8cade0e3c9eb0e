#!/usr/bin/env python3
"""Reproduce the numbers in BENCHMARKS.md with the release binary.

    python3 scripts/benchmarks.py [--sizes demo,10k,100k] [--seconds 10] [--out FILE]

For each KB size: generate it (gen-kb, seed 1; `demo` is kg_data/demo), import it into a fresh data
dir (nodes/s including embedding), re-import it unchanged (nodes/s), start `serve` and time it to
`ready:` (cold start: no re-embedding), measure the bare query-embedding time and answer latency
in process with the query cache off, then single-client and concurrent HTTP load with `bench --url`
(concurrency 1, 4, 16, 64, with the stage times the server reports), and the server's resident
memory after the load; the in-process answers again at the single HTTP client's pace (a control:
how much slower the model runs when the CPUs idle between questions, without HTTP); where
/dev/cpu_dma_latency is writable, the single-client uncached run and the bare embedding again with
the server holding idle CPUs awake (`server.cpu_wakeup_latency_us = 0`). Prints the results as
JSON (one object per size) and as the Markdown tables of BENCHMARKS.md. Run it on an otherwise
idle machine: it measures wall-clock time.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "target", "release", "answergraph")
KEY = "bench-reader-key"


def run(args, env=None, **kw):
    merged = dict(os.environ, **(env or {}))
    done = subprocess.run([BIN] + args, capture_output=True, text=True, env=merged, **kw)
    if done.returncode != 0:
        sys.exit(f"`answergraph {' '.join(args)}` failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return done


def json_of(args, env=None):
    return json.loads(run(args, env).stdout)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def count_lines(path):
    with open(path) as f:
        return sum(1 for line in f if line.strip())


def measure(size, seconds, work):
    kb = os.path.join(REPO, "kg_data", "demo") if size == "demo" else os.path.join(work, f"kb-{size}")
    if size != "demo":
        nodes = int(size.rstrip("k")) * 1000
        run(["gen-kb", "--nodes", str(nodes), "--seed", "1", "--force", kb])
    questions = os.path.join(kb, "eval", "questions.jsonl")
    nodes = count_lines(os.path.join(kb, "nodes.jsonl"))
    data = os.path.join(work, f"data-{size}")
    shutil.rmtree(data, ignore_errors=True)
    result = {"size": size, "nodes": nodes, "edges": count_lines(os.path.join(kb, "edges.jsonl"))}

    started = time.monotonic()
    summary = json_of(["--data-dir", data, "import", "--json", kb])
    took = time.monotonic() - started
    result["import"] = {"seconds": round(took, 2), "nodes_per_s": round(nodes / took), "texts_embedded": summary["embedded"]}
    started = time.monotonic()
    json_of(["--data-dir", data, "import", "--json", kb])
    took = time.monotonic() - started
    result["reimport_unchanged"] = {"seconds": round(took, 2), "nodes_per_s": round(nodes / took)}
    result["data_dir_mib"] = round(json_of(["--data-dir", data, "stats", "--json"])["data_dir_bytes"] / 2**20, 1)

    # In process, query cache off: every answer embeds its question.
    uncached = {"ANSWERGRAPH__MODELS__QUERY_CACHE_ENTRIES": "0"}

    def in_process(data_dir, rate=None):
        paced = ["--rate", str(rate)] if rate else []
        return json_of(["--data-dir", data_dir, "bench", "--json", "--queries", questions, "--duration", str(seconds)] + paced, uncached)

    inproc = in_process(data)
    result["in_process_uncached"] = {
        "qps": inproc["qps"],
        "answer_ms": inproc["latency_ms"],
        "stages_p50_ms": {k: v["p50"] for k, v in inproc["stages_ms"].items()},
    }
    embed_p50 = inproc["stages_ms"]["embed"]["p50"]

    def http_load(extra_env, concurrencies, meanwhile=None):
        env = dict(os.environ, ANSWERGRAPH_KEYS=f"reader:{KEY}", **extra_env)
        started = time.monotonic()
        server = subprocess.Popen([BIN, "--data-dir", data, "serve", "--bind", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        url = None
        for line in server.stdout:
            if line.startswith("listening on "):
                url = line.split()[-1]
            if line.startswith("ready:"):
                break
        cold = round(time.monotonic() - started, 2)
        try:
            loads = {}
            if meanwhile:
                loads["meanwhile"] = meanwhile()
            for concurrency in concurrencies:
                report = json_of(["bench", "--json", "--url", url, "--key", KEY, "--queries", questions, "--concurrency", str(concurrency), "--duration", str(seconds)])
                loads[concurrency] = {
                    "qps": report["qps"],
                    "errors": report["errors"],
                    "latency_ms": report["latency_ms"],
                    # The stage times the server put in its answers (its own time, no network).
                    "server_stages_p50_ms": {k: v["p50"] for k, v in report.get("stages_ms", {}).items()},
                }
            return cold, loads, round(rss_mib(server.pid), 1)
        finally:
            server.terminate()
            server.wait(timeout=60)

    # The server as deployed (repeated questions hit the query cache), then with the cache off.
    result["cold_start_s"], result["http"], result["rss_mib_after_load"] = http_load({}, (1, 4, 16, 64))
    _, uncached_http, _ = http_load(uncached, (1,))
    result["http_uncached"] = uncached_http
    single = uncached_http[1]["latency_ms"]
    result["targets"] = {
        "bare_embedding_p50_ms": embed_p50,
        "answer_p50_over_embedding": round(single["p50"] / embed_p50, 2) if embed_p50 else None,
        "answer_p99_over_embedding": round(single["p99"] / embed_p50, 2) if embed_p50 else None,
    }
    # A control for the ratio above: the same in-process answers, but asked at the single HTTP
    # client's pace (`--rate` = its QPS), so the CPUs idle between questions about as long as
    # they do between HTTP requests. Its bare embedding shows how much of the HTTP run's slower
    # model comes from idling alone, with no HTTP involved.
    paced = in_process(data, rate=uncached_http[1]["qps"])
    paced_embed = paced["stages_ms"]["embed"]["p50"]
    result["in_process_at_http_pace"] = {
        "rate": uncached_http[1]["qps"],
        "answer_ms": paced["latency_ms"],
        "stages_p50_ms": {k: v["p50"] for k, v in paced["stages_ms"].items()},
        "answer_p50_over_this_embedding": round(single["p50"] / paced_embed, 2) if paced_embed else None,
    }

    # The same with idle CPUs held awake (`server.cpu_wakeup_latency_us = 0`, which needs write
    # access to /dev/cpu_dma_latency). The kernel applies the request to the whole machine while
    # that server runs, so the bare embedding is measured again meanwhile (on a data dir of its
    # own) and the ratio compares two numbers taken under one condition.
    if os.access("/dev/cpu_dma_latency", os.W_OK):
        awake = dict(uncached, ANSWERGRAPH__SERVER__CPU_WAKEUP_LATENCY_US="0")
        twin = data + "-twin"
        shutil.copytree(data, twin)
        try:
            _, awake_http, _ = http_load(awake, (1,), lambda: in_process(twin))
        finally:
            shutil.rmtree(twin, ignore_errors=True)
        awake_embed = awake_http["meanwhile"]["stages_ms"]["embed"]["p50"]
        awake_single = awake_http[1]["latency_ms"]
        result["cpus_held_awake"] = {
            "bare_embedding_p50_ms": awake_embed,
            "answer_in_process_ms": awake_http["meanwhile"]["latency_ms"],
            "http_uncached_1_client_ms": awake_single,
            "answer_p50_over_embedding": round(awake_single["p50"] / awake_embed, 2) if awake_embed else None,
            "answer_p99_over_embedding": round(awake_single["p99"] / awake_embed, 2) if awake_embed else None,
        }
    return result


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} × {model}"


def markdown(results):
    """The tables of BENCHMARKS.md, one column per KB size."""
    def row(name, cell):
        cells = []
        for r in results:
            try:
                cells.append(cell(r))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("–")
        return f"| {name} | " + " | ".join(cells) + " |"

    head = "| | " + " | ".join(f"{r['size']} ({r['nodes']:,} nodes)" for r in results) + " |"
    rule = "|---|" + "---|" * len(results)
    lines = [head, rule,
             row("import, nodes/s (incl. embedding)", lambda r: f"{r['import']['nodes_per_s']:,} ({r['import']['seconds']} s)"),
             row("re-import unchanged, nodes/s", lambda r: f"{r['reimport_unchanged']['nodes_per_s']:,} ({r['reimport_unchanged']['seconds']} s)"),
             row("data dir, MiB", lambda r: f"{r['data_dir_mib']}"),
             row("cold start to ready, s", lambda r: f"{r['cold_start_s']}"),
             row("RSS after load, MiB", lambda r: f"{r['rss_mib_after_load']}"),
             row("bare query embedding p50, ms", lambda r: f"{r['targets']['bare_embedding_p50_ms']:.2f}")]
    # `embed` is the bare-embedding row above and `total` the answer row below.
    stages = sorted({k for r in results for k in r["in_process_uncached"]["stages_p50_ms"]} - {"embed", "total"})
    for stage in stages:
        lines.append(row(f"stage `{stage}` p50, ms (in process)", lambda r, s=stage: f"{r['in_process_uncached']['stages_p50_ms'][s]:.2f}"))
    lines.append(row("answer in process, uncached, p50 / p99 ms", lambda r: f"{r['in_process_uncached']['answer_ms']['p50']:.2f} / {r['in_process_uncached']['answer_ms']['p99']:.2f}"))
    lines.append(row("HTTP /v1/answer uncached, 1 client, p50 / p99 ms", lambda r: f"{r['http_uncached']['1']['latency_ms']['p50']:.2f} / {r['http_uncached']['1']['latency_ms']['p99']:.2f}"))
    lines.append(row("… ÷ bare embedding p50 (p50 / p99)", lambda r: f"{r['targets']['answer_p50_over_embedding']} / {r['targets']['answer_p99_over_embedding']}"))
    lines.append(row("… the server's own `embed` / `total` p50 in that run, ms", lambda r: f"{r['http_uncached']['1']['server_stages_p50_ms']['embed']:.2f} / {r['http_uncached']['1']['server_stages_p50_ms']['total']:.2f}"))
    pace = "in_process_at_http_pace"
    lines.append(row("control: in process at that run's pace (`--rate` = its QPS): bare embedding / answer's own `total` p50, ms", lambda r: f"{r[pace]['stages_p50_ms']['embed']:.2f} / {r[pace]['stages_p50_ms']['total']:.2f}"))
    lines.append(row("… HTTP 1-client p50 ÷ that paced embedding", lambda r: f"{r[pace]['answer_p50_over_this_embedding']}"))
    awake = "cpus_held_awake"
    lines.append(row("idle CPUs held awake (`cpu_wakeup_latency_us = 0`): bare embedding p50, ms", lambda r: f"{r[awake]['bare_embedding_p50_ms']:.2f}"))
    lines.append(row("… HTTP uncached, 1 client, p50 / p99 ms", lambda r: f"{r[awake]['http_uncached_1_client_ms']['p50']:.2f} / {r[awake]['http_uncached_1_client_ms']['p99']:.2f}"))
    lines.append(row("… ÷ that bare embedding p50 (p50 / p99)", lambda r: f"{r[awake]['answer_p50_over_embedding']} / {r[awake]['answer_p99_over_embedding']}"))
    for c in ("1", "4", "16", "64"):
        lines.append(row(f"HTTP QPS at concurrency {c} (errors)", lambda r, c=c: f"{r['http'][c]['qps']:,.0f} ({r['http'][c]['errors']})"))
        lines.append(row(f"… p50 / p99 ms at concurrency {c}", lambda r, c=c: f"{r['http'][c]['latency_ms']['p50']:.2f} / {r['http'][c]['latency_ms']['p99']:.2f}"))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="demo,10k")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--out")
    args = parser.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing: run `cargo build --release` first")
    print(f"machine: {machine()}; load average at the start: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    work = tempfile.mkdtemp(prefix="answergraph-benchmarks-")
    try:
        results = []
        for size in (s.strip() for s in args.sizes.split(",") if s.strip()):
            results.append(measure(size, args.seconds, work))
            # Each size is kept as soon as it is measured, so a failure later loses nothing.
            print(json.dumps(results[-1]), file=sys.stderr)
        # Keys as they read in the JSON output (concurrency levels become strings).
        results = json.loads(json.dumps(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(results, indent=2)
    print(text)
    print(markdown(results))
    print(f"\nmachine: {machine()}; load average at the end: {os.getloadavg()[0]:.2f}")
    if args.out:
        with open(args.out, "w") as out:
            out.write(text + "\n")


if __name__ == "__main__":
    main()
