#!/usr/bin/env python3
"""Soak test: `answergraph serve` under a steady answer load and editor writes for a long time.

    python3 scripts/soak.py [--seconds 600] [--rate 250] [--concurrency 8] [--min-rps 200]

Starts the server on a fresh temporary data directory (the demo KB imported into it, or a copy of
--data-dir), then for --seconds:

* `answergraph bench --url` asks the demo's evaluation questions at --rate answers per second
  (latency counted from when each request was due) over --concurrency connections;
* an editor sends --write-rate writes per second, one at a time, in cycles that leave the KB as
  they found it: PUT a node, PUT an edge, import a small JSONL delta (two FAQs with edges),
  re-weight the edge, DELETE the edge, import a delta deleting the two FAQs, DELETE the node;
* the server's resident memory (VmRSS) is read every --sample-every seconds.

Then it reports answers, writes, errors, the achieved rate, latency and memory, stops the server
with SIGTERM and exits 1 if any answer or write failed, the server answered anything with a 5xx,
did not stop cleanly or ended with other node or edge counts than it started with, fewer than
--min-rps answers a second were achieved, or memory grew more than --max-rss-growth percent
above its value after warm-up (--warmup, a fraction of the run) at any later sample.
Standard library only; `make soak` runs it on the release build.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_KB = os.path.join(REPO, "kg_data", "demo")
QUESTIONS = os.path.join(DEMO_KB, "eval", "questions.jsonl")


def percentiles(values):
    """Nearest-rank p50/p90/p99/max in milliseconds (zeros when empty)."""
    if not values:
        return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(q):
        return round(ordered[min(len(ordered) - 1, round((len(ordered) - 1) * q))], 3)

    return {"p50": at(0.50), "p90": at(0.90), "p99": at(0.99), "max": round(ordered[-1], 3)}


def rss_mib(pid):
    """The process's resident set size in MiB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


class Server:
    """`answergraph serve` on 127.0.0.1 port 0 with generated keys; stdout read for its address."""

    def __init__(self, binary, data_dir, log_path):
        self.reader_key = "soak-reader-" + secrets.token_hex(8)
        self.editor_key = "soak-editor-" + secrets.token_hex(8)
        env = dict(os.environ, ANSWERGRAPH_KEYS=f"reader:{self.reader_key},editor:{self.editor_key}")
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [binary, "--data-dir", data_dir, "serve", "--bind", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=env, cwd=REPO,
        )
        self.url = None
        for line in self.process.stdout:
            if line.startswith("listening on "):
                self.url = line.split()[2]
            if line.startswith("ready:"):
                break
        if self.url is None or self.process.poll() is not None:
            self.process.kill()
            self.process.wait()
            with open(log_path) as log:
                sys.exit(f"the server did not start:\n{log.read()[-3000:]}")
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        address = urllib.parse.urlparse(self.url)
        self.host, self.port = address.hostname, address.port

    def connection(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def get_json(self, path):
        connection = self.connection()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
        return json.loads(body) if path != "/metrics" else body.decode()

    def stop(self):
        """SIGTERM, then the exit code (None if it had to be killed after a minute)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None
        finally:
            self.log.close()


class Editor(threading.Thread):
    """Sends writes one at a time at a steady rate until stopped; every write must answer 200."""

    def __init__(self, server, writes_per_second, products):
        super().__init__(daemon=True)
        self.server = server
        self.interval = 1.0 / writes_per_second
        self.products = products
        self.stopping = threading.Event()
        self.latencies_ms = []
        self.errors = 0
        self.error_samples = []
        self.cycles = 0

    def cycle(self, n):
        """The writes of cycle n: what they send, and the KB is as before once all are done."""
        faq = f"faq/soak-{n}"
        product = self.products[n % len(self.products)]
        edge = {"from": faq, "rel": "about", "to": product}
        extra = [f"faq/soak-{n}-a", f"faq/soak-{n}-b"]
        node = {
            "kind": "faq", "lang": "en", "tags": ["soak"],
            "name": f"How do I pair soak accessory {n} with my device?",
            "aliases": [f"soak accessory {n} pairing"],
            "text": f"Hold the pairing button of accessory {n} until the light blinks, then confirm on the device.",
        }
        delta = "".join(
            json.dumps({"id": extra_id, "kind": "faq", "lang": "en", "name": f"Soak question {n}{part}: is it waterproof?",
                        "text": f"Soak answer {n}{part}: it resists splashes, not submersion."}) + "\n"
            + json.dumps({"from": extra_id, "rel": "about", "to": product}) + "\n"
            for extra_id, part in zip(extra, "ab")
        )
        undo = "".join(json.dumps({"delete": extra_id}) + "\n" for extra_id in extra)
        path = "/v1/nodes/" + urllib.parse.quote(faq, safe="")
        return [
            ("PUT", path, "application/json", json.dumps(node)),
            ("PUT", "/v1/edges", "application/json", json.dumps(edge)),
            ("POST", "/v1/import", "application/x-ndjson", delta),
            ("PUT", "/v1/edges", "application/json", json.dumps(dict(edge, weight=0.5))),
            ("DELETE", "/v1/edges", "application/json", json.dumps(edge)),
            ("POST", "/v1/import", "application/x-ndjson", undo),
            ("DELETE", path, None, None),
        ]

    def send(self, connection, method, path, content_type, body):
        headers = {"Authorization": f"Bearer {self.server.editor_key}"}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.monotonic()
        try:
            connection.request(method, path, body=body.encode() if body else None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            return f"{method} {path}: {error}"
        self.latencies_ms.append((time.monotonic() - started) * 1e3)
        if response.status != 200:
            return f"{method} {path}: HTTP {response.status}: {payload[:300]!r}"
        return None

    def run(self):
        connection = self.server.connection()
        next_due = time.monotonic()
        n = 0
        while not self.stopping.is_set():
            # A cycle always runs to its end (unpaced once stopping), so the KB ends as it began.
            for method, path, content_type, body in self.cycle(n):
                self.stopping.wait(max(0.0, next_due - time.monotonic()))
                next_due += self.interval
                error = self.send(connection, method, path, content_type, body)
                if error:
                    self.errors += 1
                    if len(self.error_samples) < 5:
                        self.error_samples.append(error)
                    connection.close()
                    connection = self.server.connection()
            n += 1
            self.cycles = n


class Sampler(threading.Thread):
    """Reads the server's VmRSS every `every` seconds: (seconds since the load started, MiB)."""

    def __init__(self, pid, every, started):
        super().__init__(daemon=True)
        self.pid, self.every, self.started = pid, every, started
        self.samples = []
        self.stopping = threading.Event()

    def sample(self):
        mib = rss_mib(self.pid)
        if mib is not None:
            self.samples.append((round(time.monotonic() - self.started, 1), round(mib, 1)))

    def run(self):
        while not self.stopping.wait(self.every):
            self.sample()


def server_errors(metrics_text):
    """Responses with a 5xx status the server counted, from its Prometheus metrics."""
    total = 0
    for line in metrics_text.splitlines():
        if line.startswith("answergraph_http_requests_total{") and 'status="5' in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def prepare_data(args, work):
    data = os.path.join(work, "data")
    if args.data_dir:
        shutil.copytree(args.data_dir, data)
    else:
        print(f"importing {DEMO_KB} into a fresh data directory", flush=True)
        subprocess.run([args.bin, "--data-dir", data, "import", DEMO_KB], check=True, cwd=REPO,
                       stdout=subprocess.DEVNULL)
    return data


def soak(args, work):
    data = prepare_data(args, work)
    products = [json.loads(line)["id"] for line in open(os.path.join(DEMO_KB, "nodes.jsonl"))
                if line.strip() and json.loads(line)["kind"] == "product"]
    server = Server(args.bin, data, os.path.join(work, "server.log"))
    try:
        before = server.get_json("/readyz")
        started = time.monotonic()
        sampler = Sampler(server.process.pid, args.sample_every, started)
        sampler.sample()
        editor = Editor(server, args.write_rate, products)
        sampler.start()
        editor.start()
        command = [args.bin, "bench", "--json", "--url", server.url, "--key", server.reader_key,
                   "--queries", QUESTIONS, "--concurrency", str(args.concurrency),
                   "--duration", str(args.seconds)]
        if args.rate > 0:
            command += ["--rate", str(args.rate)]
        print(f"soaking {server.url} for {args.seconds:g} s: answers at "
              f"{args.rate if args.rate > 0 else 'full speed'} req/s over {args.concurrency} "
              f"connections, {args.write_rate:g} writes/s", flush=True)
        bench = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        editor.stopping.set()
        editor.join(timeout=120)
        sampler.stopping.set()
        sampler.join()
        sampler.sample()
        if bench.returncode != 0:
            sys.exit(f"answergraph bench failed (exit {bench.returncode}):\n{bench.stderr[-3000:]}")
        answers = json.loads(bench.stdout)
        alive = server.process.poll() is None
        after = server.get_json("/readyz") if alive else {}
        fivexx = server_errors(server.get_json("/metrics")) if alive else None
    finally:
        exit_code = server.stop()

    samples = sampler.samples
    warmup_at = args.warmup * args.seconds
    after_warmup = [mib for t, mib in samples if t >= warmup_at]
    warm = after_warmup[0] if after_warmup else samples[-1][1]
    peak = max(after_warmup or [warm])
    report = {
        "seconds": args.seconds,
        "rate_asked": args.rate or None,
        "concurrency": args.concurrency,
        "answers": {
            "requests": answers["requests"],
            "errors": answers["errors"],
            "rps": answers["qps"],
            "latency_ms": answers["latency_ms"],
            "error_samples": answers.get("error_samples", []),
        },
        "writes": {
            "requests": len(editor.latencies_ms) + editor.errors,
            "errors": editor.errors,
            "cycles": editor.cycles,
            "latency_ms": percentiles(editor.latencies_ms),
            "error_samples": editor.error_samples,
        },
        "server_5xx": fivexx,
        "server_exit_code": exit_code,
        "kb": {
            "nodes_before": before["nodes"], "nodes_after": after.get("nodes"),
            "edges_before": before["edges"], "edges_after": after.get("edges"),
            "kb_version_before": before["kb_version"], "kb_version_after": after.get("kb_version"),
        },
        "rss_mib": {
            "start": samples[0][1],
            "warmup": warm,
            "warmup_at_s": round(warmup_at, 1),
            "end": samples[-1][1],
            "peak_after_warmup": peak,
            "end_growth_pct": round((samples[-1][1] - warm) / warm * 100, 2),
            "peak_growth_pct": round((peak - warm) / warm * 100, 2),
            "samples": samples,
        },
    }
    failures = []
    if answers["errors"]:
        failures.append(f"{answers['errors']} answers failed: {answers.get('error_samples')}")
    if editor.errors:
        failures.append(f"{editor.errors} writes failed: {editor.error_samples}")
    if not alive:
        failures.append("the server died during the soak")
    if fivexx:
        failures.append(f"the server answered {fivexx} requests with a 5xx status")
    if exit_code != 0:
        failures.append(f"the server did not stop cleanly on SIGTERM (exit {exit_code})")
    if alive and (after["nodes"], after["edges"]) != (before["nodes"], before["edges"]):
        failures.append(f"the KB has {after['nodes']} nodes and {after['edges']} edges, not the "
                        f"{before['nodes']} and {before['edges']} it started with")
    if answers["qps"] < args.min_rps:
        failures.append(f"{answers['qps']} answers/s is below {args.min_rps}")
    if report["rss_mib"]["peak_growth_pct"] > args.max_rss_growth:
        failures.append(f"memory grew {report['rss_mib']['peak_growth_pct']}% after warm-up "
                        f"(more than {args.max_rss_growth}%)")
    report["failures"] = failures
    return report


def print_summary(report):
    a, w, m = report["answers"], report["writes"], report["rss_mib"]
    print(f"answers: {a['requests']} in {report['seconds']:g} s = {a['rps']} req/s, {a['errors']} errors; "
          f"latency p50 {a['latency_ms']['p50']} ms, p99 {a['latency_ms']['p99']} ms")
    print(f"writes:  {w['requests']} ({w['cycles']} cycles), {w['errors']} errors; "
          f"latency p50 {w['latency_ms']['p50']} ms, p99 {w['latency_ms']['p99']} ms; "
          f"server 5xx: {report['server_5xx']}; KB nodes {report['kb']['nodes_before']} -> "
          f"{report['kb']['nodes_after']}, edges {report['kb']['edges_before']} -> "
          f"{report['kb']['edges_after']}, version {report['kb']['kb_version_before']} -> "
          f"{report['kb']['kb_version_after']}")
    print(f"memory (VmRSS MiB): start {m['start']}, after warm-up ({m['warmup_at_s']:g} s) {m['warmup']}, "
          f"end {m['end']} ({m['end_growth_pct']:+}%), peak after warm-up {m['peak_after_warmup']} "
          f"({m['peak_growth_pct']:+}%)")
    for failure in report["failures"]:
        print(f"FAILED: {failure}")
    if not report["failures"]:
        print("soak passed")


def positive(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.path.join(REPO, "target", "release", "answergraph"),
                        help="the answergraph binary (default: the release build)")
    parser.add_argument("--data-dir", help="serve a copy of this data directory instead of importing the demo KB")
    parser.add_argument("--seconds", type=positive, default=600, help="length of the load")
    parser.add_argument("--rate", type=float, default=250, help="answers per second (0: as fast as possible)")
    parser.add_argument("--concurrency", type=int, default=8, help="connections sending answers")
    parser.add_argument("--write-rate", type=positive, default=3, help="editor writes per second")
    parser.add_argument("--sample-every", type=positive, default=5, help="seconds between memory samples")
    parser.add_argument("--warmup", type=float, default=0.1,
                        help="fraction of the run after which memory must stay flat")
    parser.add_argument("--min-rps", type=float, default=200, help="fail below this many answers a second")
    parser.add_argument("--max-rss-growth", type=float, default=10,
                        help="fail when memory grows more than this many percent after warm-up")
    parser.add_argument("--json-out", help="also write the report here as JSON")
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"{args.bin} is missing: run `cargo build --release` first")
    work = tempfile.mkdtemp(prefix="answergraph-soak-")
    try:
        report = soak(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_summary(report)
    if args.json_out:
        with open(args.json_out, "w") as out:
            json.dump(report, out, indent=2)
            out.write("\n")
    sys.exit(1 if report["failures"] else 0)


if __name__ == "__main__":
    main()
