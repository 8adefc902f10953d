"""Seeded chaos: the real binary against the fake model server while the backend fails in
every way it can (429 with and without retry-after, 500, 503, 529, auth, errors mid-stream,
stalls, dropped connections, malformed bytes, slow drips) and the editor cancels, edits and
sends invalid requests. Checked: every request answered exactly once, fallback used when the
primary failed, no hang (bounded waits), exit code 0 without sanitizer reports, the document
intact, and the ledger matches what the fake server saw: every upstream request it received
is exactly one ledger line with a consistent outcome.

CHAOS_SEED=N reruns one seed; CHAOS_STEPS=N changes the length. The seed is printed when
the test starts (so a hang or crash still names it) and again in the failure message. The
seed fixes everything the test chooses (requests, edits, cancels, injected faults and their
order); only the interleaving with the server's own timers can differ on a rerun."""
import sys
import json
import os
import random
import tempfile
import time
import unittest

from fake_server import FakeServer
from lsp_client import LspClient, frame

KEY_ENV = "SB_CHAOS_FAKE_KEY"
CANCELLED = -32800
DOC = "file:///tmp/sb-chaos/main.py"

# Injected behaviours on the primary model: (label, behaviour, ledger outcomes it may give).
# A cancel from the editor can turn any of them into "cancelled".
FAULTS = [
    ("ok", {}, {"ok"}),
    ("429", {"error": "rate_limit"}, {"rate_limited"}),
    ("429-retry-after-0", {"error": "rate_limit", "retry_after": "0"}, {"rate_limited"}),
    ("429-retry-after-5", {"error": "rate_limit", "retry_after": "5"}, {"rate_limited"}),
    ("429-retry-after-ms", {"error": "rate_limit", "retry_after_ms": "30"}, {"rate_limited"}),
    ("500", {"error": "server_error"}, {"server_error"}),
    ("503", {"error": "unavailable"}, {"overloaded", "server_error"}),
    ("529", {"error": "overloaded", "status": 529}, {"overloaded", "server_error"}),
    ("auth", {"error": "auth"}, {"auth"}),
    ("mid-stream", {"error": "server_error", "error_after": 1}, {"server_error", "network", "ok"}),
    ("mid-stream-429", {"error": "rate_limit", "error_after": 1}, {"rate_limited", "server_error", "network", "ok"}),
    ("stall", {"stall_after": 1}, {"timeout", "ok"}),
    ("stall-before", {"ttft_ms": 2000}, {"timeout"}),
    ("drop", {"drop_after": 1}, {"network", "server_error", "ok"}),
    ("drop-before-headers", {"drop_before_headers": True}, {"network"}),
    ("malformed", {"malformed_after": 1}, {"ok", "server_error", "network", "bad_request"}),
    ("drip", {"drip_ms": 2}, {"ok", "timeout"}),
]


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


class ChaosTest(unittest.TestCase):
    def setUp(self):
        self.seed = int(os.environ.get("CHAOS_SEED") or random.SystemRandom().randrange(1 << 30))
        self.steps = int(os.environ.get("CHAOS_STEPS") or 1000)
        self.rng = random.Random(self.seed)
        print("chaos seed %d, %d steps (rerun: CHAOS_SEED=%d)" % (self.seed, self.steps, self.seed),
              file=sys.stderr, flush=True)
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-chaos-")
        self.addCleanup(self.tmp.cleanup)
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.ledger_path = os.path.join(self.tmp.name, "ledger.jsonl")
        cfg = {
            "providers": {
                "prim": {"kind": "openai-completions", "base_url": self.fs.url, "api_key_env": KEY_ENV},
                "back": {"kind": "openai-completions", "base_url": self.fs.url, "api_key_env": KEY_ENV},
            },
            "models": {
                "primary": {"provider": "prim", "model": "primary-model", "price": {"input": 1, "output": 2}},
                "backup": {"provider": "back", "model": "backup-model", "price": {"input": 1, "output": 2}},
            },
            "routes": [{"name": "chaos", "when": {}, "targets": ["primary", "backup"]}],
            "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False, "cache_entries": 1},
            "timeouts": {"inline": {"connect_ms": 1000, "first_token_ms": 300, "idle_ms": 250,
                                    "total_ms": 1500},
                         "actions": {"connect_ms": 1000, "first_token_ms": 300, "idle_ms": 250,
                                     "total_ms": 3000}},
            "retry": {"max_retries": 1, "base_ms": 5, "cap_ms": 20, "max_server_delay_ms": 200},
            "breaker": {"failure_threshold": 1000, "min_requests": 1000},
            "ledger": {"path": self.ledger_path},
        }
        self.config_path = os.path.join(self.tmp.name, "config.json")
        with open(self.config_path, "w") as f:
            json.dump(cfg, f)

    def fail_with_seed(self, exc):
        raise AssertionError("chaos seed %d (rerun: CHAOS_SEED=%d): %s" % (self.seed, self.seed, exc)) from exc

    def test_chaos(self):
        try:
            self.run_chaos()
        except AssertionError as e:
            self.fail_with_seed(e)

    # ----------------------------------------------------------------- the run

    def inline(self, c, trigger=None):
        lines = self.text.split("\n")
        pos = {"line": len(lines) - 1, "character": utf16_len(lines[-1])}
        params = {"textDocument": {"uri": DOC}, "position": pos,
                  "context": {"triggerKind": trigger or self.rng.choice([1, 2])}}
        return c.request_async("textDocument/inlineCompletion", params)

    def edit(self, c):
        """Appends or deletes at a random place, mirrored in self.text."""
        lines = self.text.split("\n")
        line = self.rng.randrange(len(lines))
        col = self.rng.randrange(len(lines[line]) + 1)
        start = {"line": line, "character": utf16_len(lines[line][:col])}
        if self.rng.random() < 0.7 or col == len(lines[line]):
            ins = self.rng.choice(["x", " = 1", "\n", "\u00e9", "\U0001F600", "# note\n"])
            change = {"range": {"start": start, "end": start}, "text": ins}
            lines[line] = lines[line][:col] + ins + lines[line][col:]
        else:
            end_col = min(len(lines[line]), col + self.rng.randrange(1, 4))
            end = {"line": line, "character": utf16_len(lines[line][:end_col])}
            change = {"range": {"start": start, "end": end}, "text": ""}
            lines[line] = lines[line][:col] + lines[line][end_col:]
        self.text = "\n".join(lines)
        self.version += 1
        c.change(DOC, self.version, [change])

    def invalid(self, c):
        """A request the server must refuse with an error (recorded as expected-error)."""
        kind = self.rng.randrange(5)
        if kind == 0:
            rid = c.request_async("textDocument/inlineCompletion", {"textDocument": {"uri": DOC}, "position": "x"})
        elif kind == 1:
            rid = c.request_async("textDocument/inlineCompletion", {
                "textDocument": {"uri": "file:///tmp/sb-chaos/unknown.py"},
                "position": {"line": 0, "character": 0}, "context": {"triggerKind": 1}})
            return rid, False    # unknown document: an error or an empty result are both fine
        elif kind == 2:
            rid = c.request_async("no/such/method", {})
        elif kind == 3:
            rid = c.request_async("workspace/executeCommand", {"command": "rm", "arguments": ["-rf", "/"]})
        else:
            c.send_raw(b"Content-Length: 9\r\n\r\n{garbage}")
            return None, False
        return rid, True

    def run_chaos(self):
        faults = [f for f in FAULTS]
        env = {KEY_ENV: "sk-chaos-not-a-real-key-0123456789", "XDG_STATE_HOME": self.tmp.name,
               "XDG_CONFIG_HOME": self.tmp.name}
        c = LspClient(args=["--stdio", "--config", self.config_path, "--log-level", "info"], env=env)
        self.addCleanup(c.close)
        result, error = c.initialize(capabilities={"textDocument": {"inlineCompletion": {}, "codeAction": {
            "dataSupport": True, "resolveSupport": {"properties": ["edit"]}}},
            "workspace": {"applyEdit": True}}, timeout=5)
        self.assertIsNone(error)
        has_inline = "inlineCompletionProvider" in result["capabilities"]
        if not has_inline and "codeActionProvider" not in result["capabilities"]:
            self.skipTest("neither inline completion nor code actions in this build")
        self.fs.rule(match={"model": "backup-model"}, text="backup()", token_size=3)
        self.fs.rule(match={"model": "primary-model"}, text="primary()", token_size=3)
        self.text = "def f(a, b):\n    return "
        self.version = 1
        c.open(DOC, self.text, "python")
        refactor = None
        if "codeActionProvider" in result["capabilities"]:
            acts, err = c.request("textDocument/codeAction", {
                "textDocument": {"uri": DOC}, "range": {"start": {"line": 0, "character": 0},
                                                         "end": {"line": 1, "character": 4}},
                "context": {"diagnostics": []}})
            self.assertIsNone(err)
            refactor = [a for a in acts if a["kind"] == "refactor.rewrite.switchboard"][0]
        action_ids = []

        outstanding, inline_ids, expect_error, cancelled = [], [], set(), set()
        for _ in range(self.steps):
            r = self.rng.random()
            if r < 0.40 and not has_inline:
                r = 0.87      # a code action instead
            if r < 0.40:
                label, behaviour, _ = self.rng.choice(faults)
                if behaviour:
                    self.fs.enqueue(match={"model": "primary-model"}, **behaviour)
                rid = self.inline(c)
                outstanding.append(rid)
                inline_ids.append(rid)
            elif r < 0.55 and outstanding:
                rid = self.rng.choice(outstanding)
                c.cancel(rid)
                cancelled.add(rid)
            elif r < 0.75:
                self.edit(c)
            elif r < 0.85:
                rid, must_fail = self.invalid(c)
                if rid is not None:
                    outstanding.append(rid)
                    if must_fail:
                        expect_error.add(rid)
            elif r < 0.88 and refactor is not None:
                # A refactor of the first lines (the document may have changed since the
                # action was offered: an error then is fine, a missing answer is not).
                label, behaviour, _ = self.rng.choice(faults)
                if behaviour:
                    self.fs.enqueue(match={"model": "primary-model"}, **behaviour)
                # Offered again for the current version (a stale one is ContentModified).
                acts, err = c.request("textDocument/codeAction", {
                    "textDocument": {"uri": DOC}, "range": {"start": {"line": 0, "character": 0},
                                                             "end": {"line": 1, "character": 4}},
                    "context": {"diagnostics": []}}, timeout=15)
                self.assertIsNone(err)
                fresh = [a for a in acts if a["kind"] == "refactor.rewrite.switchboard"]
                rid = c.request_async("codeAction/resolve", fresh[0] if fresh else refactor)
                outstanding.append(rid)
                action_ids.append(rid)
            elif r < 0.90:
                rid = c.request_async("workspace/executeCommand", {
                    "command": "switchboard.explainRoute", "arguments": [{"task": "inline"}]})
                outstanding.append(rid)
            else:
                time.sleep(self.rng.random() * 0.05)
            if len(outstanding) > 4:      # keep a few in flight, bounded
                c.wait_response(outstanding.pop(0), timeout=15)
            if self.rng.random() < 0.3:
                outstanding = [x for x in outstanding if x not in c.responses]

        # Every request answered exactly once, within a bound (no hang).
        everything = set(inline_ids) | expect_error | set(outstanding) | set(action_ids)
        for rid in sorted(everything):
            msg = c.wait_response(rid, timeout=15)
            if rid in expect_error:
                self.assertIn("error", msg, msg)
            if rid in inline_ids:
                err = msg.get("error")
                if err:   # cancelled by the editor, or superseded by a later inline request
                    self.assertEqual(err["code"], CANCELLED, err)
                    self.assertTrue(rid in cancelled or rid != inline_ids[-1],
                                    "inline request %d failed without a cancel: %s" % (rid, err))
        # (Parse errors of the garbage frames carry id null; they are not answers to a request.)
        self.assertEqual([m for m in c.duplicate_responses if m.get("id") is not None], [])

        # The document survived: a request sees exactly the mirrored text (any attempt of
        # its run, whatever the backend does to it, carries the prompt).
        c.change(DOC, self.version + 1, [{"text": self.text + "\n# end\n"}])
        self.text += "\n# end\n"
        if has_inline:
            final = self.inline(c, trigger=1)
            inline_ids.append(final)
            c.wait_response(final, timeout=15)

        self.assertEqual(c.shutdown_and_exit(timeout=15), 0)
        self.assertEqual(c.sanitizer_report(), "")
        self.fs.wait_for(lambda: self.fs.stats()["in_flight"] == 0, timeout=10)
        records = [r for r in self.fs.requests() if r.get("api")]
        self.assertTrue(not has_inline or any(r["body"].get("prompt", "") + r["body"].get("suffix", "") == self.text
                                              for r in records), "no upstream request carried the document's text")
        self.answers = {str(rid): c.responses[rid] for rid in inline_ids}
        self.action_answers = [c.responses[rid] for rid in action_ids]
        self.check_ledger(records)

    # ----------------------------------------------------------------- the ledger

    def check_ledger(self, records):
        with open(self.ledger_path) as f:
            lines = [json.loads(l) for l in f if l.strip()]
        # Attempt lines only: signal lines (code actions offered, ...) count nothing here.
        lines = [l for l in lines if "signal" not in l and "accept" not in l]
        attempts = [l for l in lines if l["attempt"] >= 1]
        by_model = {}
        for rec in records:
            by_model.setdefault(rec["model"], [[], []])[0].append(rec)
        for line in attempts:
            model = {"primary": "primary-model", "backup": "backup-model"}[line["model"]]
            by_model.setdefault(model, [[], []])[1].append(line)
        for model, (recs, led) in by_model.items():
            detail = "%s: requests %s; ledger %s" % (
                model, [(r["behaviour"], r["outcome"], r.get("status")) for r in recs],
                [(l["request_id"], l["attempt"], l["outcome"], l["status"]) for l in led])
            # Every request the server received has its own ledger line with a consistent outcome,
            # except a connection closed before any answer: libcurl resends such a request once
            # on a fresh connection when the closed one was a reused keep-alive connection (a
            # server closing an idle connection looks the same), so the attempt's one ledger
            # line belongs to the resent request...
            recs = [r for r in recs if not (r["outcome"] == "dropped" and r.get("status") is None)]
            allowed = [self.allowed_outcomes(r) for r in recs]
            match = bipartite_match(allowed, [l["outcome"] for l in led])
            self.assertNotIn(None, match, "upstream request without a consistent ledger line: " + detail)
            # ...and every ledger line has its own request, except attempts that ended before
            # their request reached the server (cancelled, timed out, connection failed). With
            # both matchings possible, one matching does both (Mendelsohn-Dulmage).
            must = [l["outcome"] for l in led if l["outcome"] not in ("cancelled", "timeout", "network")]
            back = bipartite_match([{o} for o in must], [None] * 0 or [list(a) for a in allowed], lists=True)
            self.assertNotIn(None, back, "ledger line without an upstream request: " + detail)
        # Fallback: every run whose primary attempts all failed (not by a cancel) went on to backup.
        runs = {}
        for line in attempts:
            runs.setdefault(line["request_id"], []).append(line)
        fell_back = 0
        for rid, att in runs.items():
            prim = [a for a in att if a["model"] == "primary"]
            back = [a for a in att if a["model"] == "backup"]
            if back:
                fell_back += 1
            # (A run cancelled or superseded while waiting to retry has no attempt to cancel.)
            answered = "error" not in self.answers.get(rid, {"error": "not an inline request"})
            if answered and prim and all(a["outcome"] not in ("ok", "cancelled") for a in prim):
                self.assertTrue(back, "run %s: primary failed, answered without fallback: %s" % (rid, att))
            for i, a in enumerate(att):
                self.assertEqual(a["attempt"], i + 1, att)
        self.assertGreater(fell_back, 0, "no run used the fallback: %s; action answers: %s" % (
            [(l["request_id"], l["task"], l["model"], l["outcome"]) for l in attempts][:30],
            [json.dumps(m)[:150] for m in getattr(self, "action_answers", [])][:8]))

    @staticmethod
    def allowed_outcomes(rec):
        beh = rec.get("behaviour") or {}
        allowed = {"cancelled"}
        for _, b, outcomes in FAULTS:
            if b and all(beh.get(k) == v for k, v in b.items()) and set(b) & set(beh):
                allowed |= outcomes
        if rec.get("outcome") == "completed" and not beh.get("error"):
            allowed |= {"ok"}
        if rec.get("outcome") in ("client_disconnected", "stalled"):
            allowed |= {"timeout", "cancelled"}
        return allowed


def bipartite_match(allowed, outcomes, lists=False):
    """Maximum matching of records (each with a set of allowed outcomes) to ledger outcomes
    (Kuhn's augmenting paths). Returns, per record, the index of its ledger line or None.
    With lists, outcomes[j] is itself a set and record i fits j when they intersect."""
    owner = [None] * len(outcomes)

    def fits(i, o):
        return bool(allowed[i] & set(o)) if lists else o in allowed[i]

    def try_assign(i, seen):
        for j, o in enumerate(outcomes):
            if fits(i, o) and j not in seen:
                seen.add(j)
                if owner[j] is None or try_assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(allowed)):
        try_assign(i, set())
    match = [None] * len(allowed)
    for j, i in enumerate(owner):
        if i is not None:
            match[i] = j
    return match


if __name__ == "__main__":
    unittest.main()
