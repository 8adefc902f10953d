"""Configuration reloads that move the ledger: a new ledger.path (or size, keep) in the
file takes effect at switchboard.reloadConfig, later attempts land in the new file and
none in the old; budget spend carries over to the new file; a path that cannot be used
keeps the previous ledger and says so."""
import json
import os
import time
import unittest

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


if __name__ == "__main__":
    unittest.main()
