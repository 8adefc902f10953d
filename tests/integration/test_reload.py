"""Configuration reloads. One that moves the ledger: a new ledger.path (or size, keep) in
the file takes effect at switchboard.reloadConfig, later attempts land in the new file and
none in the old; budget spend carries over to the new file; a path that cannot be used
keeps the previous ledger and says so. api_key_cmd: run once, not again when the editor's
settings change (which would block the server each time), again at reloadConfig (how a
rotated key is picked up)."""
import hashlib
import json
import os
import tempfile
import time
import unittest

from fake_server import FakeServer
from lsp_client import LspClient
from test_inline import InlineBase, uri


def lines_of(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


class TestLedgerMovesOnReload(InlineBase):
    def setUp(self):
        super().setUp()
        self.config_path = os.path.join(self.tmp.name, "config.json")
        self.wait_for(lambda: lines_of(self.ledger_path), "the probe's line in the first ledger")
        self.docs = 0

    def wait_for(self, pred, what, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = pred()
            if value:
                return value
            time.sleep(0.05)
        self.fail("timed out waiting for " + what)

    def rewrite_config(self, **changes):
        with open(self.config_path) as f:
            cfg = json.load(f)
        cfg.update(changes)
        with open(self.config_path, "w") as f:
            json.dump(cfg, f)

    def reload(self):
        result, error = self.client.execute_command("switchboard.reloadConfig")
        self.assertIsNone(error)
        self.assertTrue(result["ok"], result)

    def complete(self):
        """One completion in a new document (no cache hit); returns its items."""
        return self.items(self.complete_async())

    def complete_async(self):
        self.docs += 1
        doc = uri("moved_%d.py" % self.docs)
        self.client.open(doc, "total_%d = " % self.docs, "python")
        return self.inline_request(doc, {"line": 0, "character": 10})

    def assert_refused_by_budget(self, sent):
        msg = self.client.wait_response(self.complete_async())
        self.assertIn("Budget reached", (msg.get("error") or {}).get("message", ""), msg)
        self.assertEqual(len(self.upstream()), sent, "no request went upstream")

    def test_new_path_takes_the_next_attempts(self):
        before = len(lines_of(self.ledger_path))
        moved = os.path.join(self.tmp.name, "moved", "ledger.jsonl")
        self.rewrite_config(ledger={"path": moved})
        self.reload()
        self.assertTrue(self.complete())
        entries = self.wait_for(lambda: lines_of(moved), "a line in the new ledger")
        self.assertEqual(entries[0]["task"], "inline")
        self.assertEqual(oct(os.stat(moved).st_mode & 0o777), "0o600")
        self.assertEqual(len(lines_of(self.ledger_path)), before, "nothing more in the old ledger")

    def test_unusable_path_keeps_the_previous_ledger(self):
        blocker = os.path.join(self.tmp.name, "a-file")
        with open(blocker, "w") as f:
            f.write("not a directory\n")
        before = len(lines_of(self.ledger_path))
        self.rewrite_config(ledger={"path": os.path.join(blocker, "ledger.jsonl")})
        self.reload()
        shown = self.client.wait_notification(
            "window/showMessage",
            lambda p: "ledger settings not applied" in p.get("message", ""), timeout=5)
        self.assertIn("still writing to the previous ledger", shown["message"])
        self.assertTrue(self.complete())
        self.wait_for(lambda: len(lines_of(self.ledger_path)) > before,
                      "the next attempt in the previous ledger")

    def test_budget_spend_carries_over_to_the_new_ledger(self):
        # The probe in setUp spent more than this: the next request is refused...
        budget = [{"daily_usd": 1e-9, "action": "block"}]
        self.rewrite_config(budgets=budget)
        self.reload()
        sent = len(self.upstream())
        self.assert_refused_by_budget(sent)
        # ...and still is after the ledger moves to an empty file.
        self.rewrite_config(budgets=budget,
                            ledger={"path": os.path.join(self.tmp.name, "empty", "ledger.jsonl")})
        self.reload()
        self.assert_refused_by_budget(sent)   # the spend so far still counts


class TestKeyCommandRuns(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-keycmd-")
        self.addCleanup(self.tmp.cleanup)
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.fs.default(text="value + 1", token_size=4)
        d = self.tmp.name
        self.runs = os.path.join(d, "runs")
        self.key_file = os.path.join(d, "key")
        self.set_key("sk-fake-cmd-key-0001")
        script = 'echo run >> "%s"; cat "%s"' % (self.runs, self.key_file)
        cfg = {"providers": {"p": {"kind": "openai-completions", "base_url": self.fs.url,
                                   "api_key_cmd": ["sh", "-c", script]}},
               "models": {"fast": {"provider": "p", "model": "m", "price": {"input": 1, "output": 2}}},
               "routes": [{"when": {}, "targets": ["fast"]}],
               "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False},
               "ledger": {"path": os.path.join(d, "ledger.jsonl")}}
        config = os.path.join(d, "config.json")
        with open(config, "w") as f:
            json.dump(cfg, f)
        self.client = LspClient(args=["--stdio", "--config", config],
                                env={"XDG_STATE_HOME": d, "XDG_CONFIG_HOME": d})
        self.addCleanup(self.client.close)
        _, error = self.client.initialize(capabilities={"textDocument": {"inlineCompletion": {}}},
                                          root_uri="file:///tmp/sb-keycmd-ws", timeout=10)
        self.assertIsNone(error)
        self.docs = 0

    def set_key(self, key):
        with open(self.key_file, "w") as f:
            f.write(key + "\n")

    def run_count(self):
        if not os.path.exists(self.runs):
            return 0
        with open(self.runs) as f:
            return len(f.read().split())

    def key_sent(self):
        """The fingerprint of the key the next completion sends upstream."""
        self.docs += 1
        doc = "file:///tmp/sb-keycmd-ws/k%d.py" % self.docs
        self.client.open(doc, "n%d = " % self.docs, "python")
        self.fs.reset()
        result, error = self.client.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": doc}, "position": {"line": 0, "character": 5},
            "context": {"triggerKind": 1}}, timeout=10)
        self.assertIsNone(error)
        sent = [r for r in self.fs.requests() if r.get("api")]
        self.assertTrue(sent, "no request upstream")
        return sent[-1]["headers"].get("authorization")

    @staticmethod
    def fingerprint(key):
        return "Bearer ***" + hashlib.sha256(key.encode()).hexdigest()[:8]

    def test_settings_changes_reuse_the_key_and_reload_runs_the_command_again(self):
        self.assertEqual(self.key_sent(), self.fingerprint("sk-fake-cmd-key-0001"))
        self.assertEqual(self.run_count(), 1)
        self.set_key("sk-fake-cmd-key-0002")          # rotated outside the editor
        for n in (3, 4):
            self.client.notify("workspace/didChangeConfiguration",
                               {"settings": {"switchboard": {"inline": {"max_lines": n}}}})
        self.client.execute_command("switchboard.explainRoute", [{"task": "inline"}])
        self.assertEqual(self.run_count(), 1, "a settings change does not run api_key_cmd")
        self.assertEqual(self.key_sent(), self.fingerprint("sk-fake-cmd-key-0001"))
        result, error = self.client.execute_command("switchboard.reloadConfig")
        self.assertIsNone(error)
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.run_count(), 2, "reloadConfig runs it again")
        self.assertEqual(self.key_sent(), self.fingerprint("sk-fake-cmd-key-0002"))
        self.assertEqual(self.client.shutdown_and_exit(), 0)


if __name__ == "__main__":
    unittest.main()
