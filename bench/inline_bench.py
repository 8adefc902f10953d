#!/usr/bin/env python3
"""Inline completion benchmark: the real binary against the fake model server.

1. Middleware overhead at 20 requests/s: (upstream request received - editor request
   sent) + (editor response received - upstream response finished), per request;
   median and p99. Both ends are Python processes on the same machine, so the figure
   is an upper bound on what switchboard itself adds.
2. Cancellation latency: $/cancelRequest sent -> the fake server sees the upstream
   connection close.
3. Early stop: a backend with 150 ms to the first token and 20 ms per token answers a
   single-line request with a 40-line answer; time to the editor's response vs. the
   time the whole answer would take.

Usage: SWITCHBOARD_BIN=./switchboard python3 bench/inline_bench.py [--requests N]
Timing figures are printed, never asserted."""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fake_server"))

from lsp_client import LspClient  # noqa: E402
from fake_server import FakeServer  # noqa: E402


class TimedClient(LspClient):
    """Records when each response arrived (wall clock, like the fake server's)."""

    def __init__(self, *a, **kw):
        self.arrived = {}
        super().__init__(*a, **kw)

    def _dispatch(self, msg):
        if "method" not in msg:
            self.arrived[msg.get("id")] = time.time()
        super()._dispatch(msg)


def percentile(values, p):
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def config(fs, tmp):
    cfg = {
        "providers": {"fake": {"kind": "openai-completions", "base_url": fs.url}},
        "models": {"fast": {"provider": "fake", "model": "fast", "price": {"input": 1, "output": 2}}},
        "routes": [{"when": {}, "targets": ["fast"]}],
        "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False, "cache_entries": 0},
        "ledger": {"path": os.path.join(tmp, "ledger.jsonl")},
    }
    path = os.path.join(tmp, "config.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path


def request(client, doc, text):
    line = text.count("\n")
    col = len(text) - (text.rfind("\n") + 1)
    params = {"textDocument": {"uri": doc}, "position": {"line": line, "character": col},
              "context": {"triggerKind": 1}}
    return client.request_async("textDocument/inlineCompletion", params)


def bench_overhead(client, fs, n, rate):
    fs.reset()
    fs.default(text="value + 1", token_size=16)
    docs = ["file:///tmp/bench/o%d.py" % i for i in range(10)]
    for d in docs:
        client.open(d, "x = 0\n", "python")
    sent = {}
    interval = 1.0 / rate
    start = time.monotonic()
    versions = {d: 1 for d in docs}
    for i in range(n):
        doc = docs[i % len(docs)]
        versions[doc] += 1
        text = "v%d = " % i          # a new context each time: no cache
        client.change(doc, versions[doc], [{"text": text}])
        t0 = time.time()
        rid = request(client, doc, text)
        sent[rid] = (t0, i)
        target = start + (i + 1) * interval
        delay = target - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    for rid in sent:
        client.wait_response(rid, 10)
    records = [r for r in fs.requests() if r.get("api")]
    by_prompt = {r["body"]["prompt"]: r for r in records}
    overheads, ins, outs = [], [], []
    for rid, (t0, i) in sent.items():
        rec = by_prompt.get("v%d = " % i)
        if not rec or rid not in client.arrived:
            continue
        inbound = rec["received_at"] - t0
        outbound = client.arrived[rid] - rec["finished_at"]
        ins.append(inbound * 1000)
        outs.append(outbound * 1000)
        overheads.append((inbound + outbound) * 1000)
    return overheads, ins, outs


def bench_harness(fs, n, rate):
    """The same two legs without switchboard: Python HTTP client straight to the fake
    server over one keep-alive connection. What the harness itself costs."""
    import http.client
    fs.reset()
    fs.default(text="value + 1", token_size=16)
    conn = http.client.HTTPConnection("127.0.0.1", fs.port)
    sent = []
    for i in range(n):
        body = json.dumps({"model": "fast", "prompt": "h%d" % i, "suffix": "", "stream": True})
        t0 = time.time()
        conn.request("POST", "/v1/completions", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        sent.append((t0, time.time()))
        time.sleep(1.0 / rate)
    conn.close()
    recs = [r for r in fs.requests() if r.get("api")]
    return [((r["received_at"] - s[0]) + (s[1] - r["finished_at"])) * 1000 for r, s in zip(recs, sent)]


def bench_cancel(client, fs, n):
    fs.reset()
    fs.default(text="late", ttft_ms=5000)
    doc = "file:///tmp/bench/cancel.py"
    client.open(doc, "x = ", "python")
    lat = []
    for i in range(n):
        before = fs.stats()["client_disconnects"]
        rid = request(client, doc, "x = ")
        fs.wait_for(lambda: fs.stats()["in_flight"] == 1)
        t0 = time.time()
        client.cancel(rid)
        client.wait_response(rid, 5)
        fs.wait_for(lambda: fs.stats()["client_disconnects"] == before + 1, timeout=5)
        rec = [r for r in fs.requests() if r.get("api")][-1]
        lat.append((rec["disconnected_at"] - t0) * 1000)
    return lat


def bench_early_stop(client, fs, n):
    fs.reset()
    lines = "".join("line_%02d = %d\n" % (i, i) for i in range(40))
    answer = "first_value()\n" + lines
    fs.default(text=answer, ttft_ms=150, token_delay_ms=20, token_size=4)
    pieces = (len(answer) + 3) // 4
    full_ms = 150 + (pieces - 1) * 20
    times = []
    for i in range(n):
        doc = "file:///tmp/bench/early%d.py" % i
        client.open(doc, "x%d = " % i, "python")
        t0 = time.monotonic()
        rid = request(client, doc, "x%d = " % i)
        msg = client.wait_response(rid, 10)
        times.append((time.monotonic() - t0) * 1000)
        items = (msg.get("result") or {}).get("items") or []
        assert items and items[0]["insertText"] == "first_value()", msg
    return times, full_ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--rate", type=float, default=20.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="inline-bench-") as tmp, FakeServer() as fs:
        env = {"XDG_STATE_HOME": tmp, "XDG_CONFIG_HOME": tmp}
        with TimedClient(args=["--stdio", "--config", config(fs, tmp)], env=env) as client:
            client.initialize(capabilities={"textDocument": {"inlineCompletion": {}}})
            client.open("file:///tmp/bench/probe.py", "probe = ", "python")
            probe = client.wait_response(request(client, "file:///tmp/bench/probe.py", "probe = "))
            if not (probe.get("result") or {}).get("items"):
                print("inline_bench: no suggestion (router not wired into the server?); no figures")
                client.shutdown_and_exit()
                return
            total, ins, outs = bench_overhead(client, fs, args.requests, args.rate)
            print("inline middleware overhead at %.0f req/s (%d requests): median %.3f ms, p99 %.3f ms"
                  % (args.rate, len(total), statistics.median(total), percentile(total, 99)))
            print("  editor->upstream median %.3f ms p99 %.3f ms; upstream end->editor median %.3f ms p99 %.3f ms"
                  % (statistics.median(ins), percentile(ins, 99), statistics.median(outs), percentile(outs, 99)))
            base = bench_harness(fs, args.requests, args.rate)
            print("  harness alone (Python client -> fake server, no switchboard): median %.3f ms, p99 %.3f ms"
                  % (statistics.median(base), percentile(base, 99)))
            print("  switchboard's share (difference of medians): %.3f ms"
                  % (statistics.median(total) - statistics.median(base)))
            lat = bench_cancel(client, fs, 20)
            print("cancellation -> upstream closed (20 runs): median %.3f ms, max %.3f ms"
                  % (statistics.median(lat), max(lat)))
            times, full = bench_early_stop(client, fs, 5)
            print("early stop (TTFT 150 ms, 20 ms/token): response after median %.0f ms; whole answer ~%d ms"
                  % (statistics.median(times), full))
            client.shutdown_and_exit()


if __name__ == "__main__":
    main()
