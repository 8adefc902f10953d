"""Soak: many inline completions (with edits and cancels) through the real binary against
the fake model server, watching the server's memory (VmRSS) and open file descriptors.
Reports the RSS and descriptor figures after warm-up; it does not judge them (a short run's
RSS moves with the allocator and the machine). Exit status 1 only on an error: the server
exiting with a non-zero status or answering a request with an error other than
"cancelled" (a request that never gets an answer stops the soak with a timeout).

    python3 bench/soak.py [--count N] [--inflight K] [--binary PATH]

`make bench` runs a short one (--count 2000); the figure quoted in docs/reliability.md
comes from --count 100000. Linux only (/proc)."""
import argparse
import json
import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from fake_server import FakeServer  # noqa: E402
from lsp_client import LspClient  # noqa: E402

DOC = "file:///tmp/sb-soak/main%d.py"    # one document per request in flight (a newer
                                         # request on the same document supersedes the older)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--inflight", type=int, default=4)
    ap.add_argument("--binary", default=os.environ.get("SWITCHBOARD_BIN"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.TemporaryDirectory(prefix="sb-soak-")
    with FakeServer(max_records=200) as fs:
        fs.default(text="x + 1", token_size=64)
        cfg = {"providers": {"p": {"kind": "openai-completions", "base_url": fs.url, "api_key_env": "SB_SOAK_KEY"}},
               "models": {"m": {"provider": "p", "model": "soak-model"}},
               "routes": [{"when": {}, "targets": ["m"]}],
               "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False, "cache_entries": 16},
               "ledger": {"path": os.path.join(tmp.name, "ledger.jsonl"), "max_bytes": 1 << 20, "keep": 2}}
        path = os.path.join(tmp.name, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        c = LspClient(args=["--stdio", "--config", path], binary=args.binary,
                      env={"SB_SOAK_KEY": "soak-key", "XDG_STATE_HOME": tmp.name})
        result, _ = c.initialize(capabilities={"textDocument": {"inlineCompletion": {}}})
        if "inlineCompletionProvider" not in result["capabilities"]:
            print("soak: this build has no inline completion; nothing measured")
            c.shutdown_and_exit()
            c.close()
            return 0
        texts = ["def f(a, b):\n    return "] * args.inflight
        versions = [1] * args.inflight
        for k in range(args.inflight):
            c.open(DOC % k, texts[k], "python")
        pending = []
        warm_at = max(1, args.count // 10)
        samples = []
        warm = None
        cancelled = errors = items = 0
        start = time.monotonic()
        for i in range(args.count):
            k = i % args.inflight
            text = texts[k]
            if rng.random() < 0.9:            # an edit at the end, sometimes a deletion
                lines = text.split("\n")
                if rng.random() < 0.85 or len(lines[-1]) < 3:
                    ins = rng.choice(["a", " ", "1", "\n    ", "(b)"])
                    pos = {"line": len(lines) - 1, "character": len(lines[-1])}
                    change = {"range": {"start": pos, "end": pos}, "text": ins}
                    text += ins
                else:
                    end = {"line": len(lines) - 1, "character": len(lines[-1])}
                    start_pos = {"line": len(lines) - 1, "character": len(lines[-1]) - 2}
                    change = {"range": {"start": start_pos, "end": end}, "text": ""}
                    text = text[:-2]
                if len(text) > 4000:          # keep the document bounded: start over
                    text = "def f(a, b):\n    return "
                    change = {"text": text}
                versions[k] += 1
                c.change(DOC % k, versions[k], [change])
                texts[k] = text
            lines = text.split("\n")
            rid = c.request_async("textDocument/inlineCompletion", {
                "textDocument": {"uri": DOC % k}, "position": {"line": len(lines) - 1, "character": len(lines[-1])},
                "context": {"triggerKind": 1 if rng.random() < 0.5 else 2}})
            pending.append(rid)
            if rng.random() < 0.1:
                c.cancel(rid)
            while len(pending) >= args.inflight:
                msg = c.wait_response(pending.pop(0), timeout=30)
                if "error" in msg:
                    cancelled += msg["error"]["code"] == -32800
                    errors += msg["error"]["code"] != -32800
                elif (msg.get("result") or {}).get("items"):
                    items += 1
                with c._cond:                 # the client keeps every message: drop them
                    c.responses.pop(msg["id"], None)
                    c.messages.clear()
                    c.notifications.clear()
            if i + 1 == warm_at or (i + 1) % max(1, args.count // 10) == 0:
                snap = (i + 1, rss_kb(c.pid), fd_count(c.pid))
                samples.append(snap)
                if i + 1 == warm_at:
                    warm = snap
        for rid in pending:
            c.wait_response(rid, timeout=30)
        elapsed = time.monotonic() - start
        time.sleep(0.5)                        # let idle connections settle
        end = (args.count, rss_kb(c.pid), fd_count(c.pid))
        upstream = fs.stats()["requests"]
        code = c.shutdown_and_exit()
        c.close()
    print("soak: %d inline completions (%d with items, %d cancelled, %d other errors; %d upstream requests, "
          "the rest from the cache) in %.1f s (%.0f/s), %d in flight"
          % (args.count, items, cancelled, errors, upstream, elapsed, args.count / elapsed, args.inflight))
    for n, rss, fds in samples:
        print("  after %6d: RSS %6d kB  fds %d" % (n, rss, fds))
    print("  at the end:   RSS %6d kB  fds %d" % (end[1], end[2]))
    growth = end[1] - warm[1]
    print("soak: RSS growth after warm-up (%d requests): %+d kB; fds %d -> %d; exit code %d"
          % (warm[0], growth, warm[2], end[2], code))
    if code != 0 or errors:
        print("soak: error: server exit code %d, %d requests answered with an error" % (code, errors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
