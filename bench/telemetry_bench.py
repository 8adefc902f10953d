#!/usr/bin/env python3
"""Inline overhead with OpenTelemetry export off and on (issue #18: on must stay
within 0.1 ms median of off). The same measure as inline_bench.py's first figure
(editor->upstream + upstream end->editor per request, 20 requests/s), in alternating
rounds off/on/off/on so drift of the shared machine hits both alike. Export on means
traces and metrics over http/protobuf to a fake collector on loopback, with a short
batch delay and metric interval so batches actually leave during the rounds.

Usage: SWITCHBOARD_BIN=./switchboard python3 bench/telemetry_bench.py [--requests N] [--rounds R]
Figures are printed, never asserted."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fake_server"))

from inline_bench import TimedClient, bench_overhead, config, percentile, request  # noqa: E402
from fake_server import FakeServer  # noqa: E402


def run_round(fs, tmp, n, rate, collector_url, stress=False):
    path = config(fs, tmp)
    if collector_url:
        with open(path) as f:
            cfg = json.load(f)
        cfg["telemetry"] = {"otlp": {"endpoint": collector_url}}
        if stress:   # batches every 200 ms and metrics every second, instead of 5 s / 60 s
            cfg["telemetry"].update({"span_delay_ms": 200, "metric_interval_ms": 1000})
        with open(path, "w") as f:
            json.dump(cfg, f)
    env = {"XDG_STATE_HOME": tmp, "XDG_CONFIG_HOME": tmp}
    with TimedClient(args=["--stdio", "--config", path], env=env) as client:
        client.initialize(capabilities={"textDocument": {"inlineCompletion": {}}})
        client.open("file:///tmp/bench/probe.py", "probe = ", "python")
        client.wait_response(request(client, "file:///tmp/bench/probe.py", "probe = "))
        total, _, _ = bench_overhead(client, fs, n, rate)
        client.shutdown_and_exit()
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rate", type=float, default=20.0)
    args = ap.parse_args()
    # The collector runs as its own process, like a real one.
    col = subprocess.Popen([sys.executable, os.path.join(HERE, "..", "tests", "integration", "otel_collector.py")],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = col.stdout.readline().strip()
    off, on, stress = [], [], []
    try:
        with tempfile.TemporaryDirectory(prefix="otel-bench-") as tmp, FakeServer() as fs:
            for _ in range(args.rounds):
                off += run_round(fs, tmp, args.requests, args.rate, None)
                on += run_round(fs, tmp, args.requests, args.rate, url)
                stress += run_round(fs, tmp, args.requests, args.rate, url, stress=True)
    finally:
        counts, _ = col.communicate(timeout=10)
    counts = json.loads(counts.strip() or "{}")
    print("inline overhead, export off: median %.3f ms, p99 %.3f ms (%d requests)"
          % (statistics.median(off), percentile(off, 99), len(off)))
    print("inline overhead, export on (default 5 s batches): median %.3f ms, p99 %.3f ms; difference of medians %+.3f ms"
          % (statistics.median(on), percentile(on, 99), statistics.median(on) - statistics.median(off)))
    print("inline overhead, export on (200 ms batches, 1 s metrics): median %.3f ms, p99 %.3f ms; difference %+.3f ms"
          % (statistics.median(stress), percentile(stress, 99), statistics.median(stress) - statistics.median(off)))
    print("  (target: within 0.1 ms of off; the collector got %d trace batches and %d metric exports)"
          % (counts.get("/v1/traces", 0), counts.get("/v1/metrics", 0)))


if __name__ == "__main__":
    main()
