"""An explicit trigger's candidates: distinct requests (each extra candidate samples
differently, so the same body is never sent twice), identical answers merged, and the
ledger marking the extra candidates so stats count one editor request."""
import json
import os
import time
import unittest

from test_inline import InlineBase, position_of, uri


class TestDistinctCandidates(InlineBase):
    inline = {"candidates": 3}

    def ledger_lines(self, want):
        deadline = time.time() + 5
        lines = []
        while time.time() < deadline:
            if os.path.exists(self.ledger_path):
                with open(self.ledger_path) as f:
                    lines = [json.loads(l) for l in f if l.strip()]
                if len(lines) >= want:
                    break
            time.sleep(0.05)
        return lines

    def test_explicit_trigger_sends_distinct_requests_and_stats_count_one(self):
        self.fs.default(text="same_answer()")
        text = "value = "
        doc = uri("distinct.py")
        self.client.open(doc, text, "python")
        items = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=1))
        self.assertEqual([i["insertText"] for i in items], ["same_answer()"], "merged")
        bodies = [json.dumps(r["body"], sort_keys=True) for r in self.upstream()]
        self.assertEqual(len(bodies), 3)
        self.assertEqual(len(set(bodies)), 3, "three different requests, not one sent three times")
        # setUp's probe (an explicit trigger too) wrote three lines, these three more
        lines = [l for l in self.ledger_lines(6) if "attempt" in l]
        mine = [l for l in lines if l["request_id"] == lines[-1]["request_id"]]
        self.assertEqual(sorted(l.get("candidate", 0) for l in mine), [0, 1, 2])
        result, error = self.client.execute_command("switchboard.accept",
                                                    items[0]["command"]["arguments"])
        self.assertIsNone(error)
        self.ledger_lines(len(lines) + 1)
        stats, error = self.client.execute_command("switchboard.stats", [])
        self.assertIsNone(error)
        total = stats["total"]
        self.assertEqual(total["attempts"], 6)
        self.assertEqual(total["requests"], 2, "the probe's and this explicit trigger")
        self.assertEqual((total["accepted"], total["inline_ok"]), (1, 2))


if __name__ == "__main__":
    unittest.main()
