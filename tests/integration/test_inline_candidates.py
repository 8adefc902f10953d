"""An explicit trigger's candidates: one request asking for them all (`n`) where the
API takes it, so the prompt is billed once; elsewhere distinct requests (each extra
candidate samples differently, so the same body is never sent twice). Identical
answers are merged, and the ledger lets stats count one editor request."""
import json
import os
import time
import unittest

from test_inline import InlineBase, position_of, uri

AFTER_TOTAL = {"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 8}}   # "total = |"


class CandidatesBase(InlineBase):
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


class TestDistinctCandidates(CandidatesBase):
    kinds = ("anthropic",)   # no `n`: one sampled request per candidate

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


class TestOneRequest(CandidatesBase):
    """OpenAI-shaped APIs take `n`: one request, one ledger line, candidates by index."""
    kinds = ("openai", "openai-completions")

    def ask(self, name, text="total = "):
        doc = uri(name)
        self.client.open(doc, text, "python")
        return self.items(self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=1))

    def ask_set(self, name):
        """The three items of a one-request set for a document ending in "total = "."""
        self.fs.default(texts=["a + b", "b + a", "sum((a, b))"])
        items = self.ask(name)
        self.assertEqual(len(items), 3)
        return items

    def attempts_of_last_request(self, want):
        lines = [l for l in self.ledger_lines(want) if "attempt" in l]
        return [l for l in lines if l["request_id"] == lines[-1]["request_id"]]

    def test_one_request_with_n_gives_three_items_and_one_billed_attempt(self):
        for kind, name in (("openai_chat", "one_openai.py"),
                           ("openai_completions", "one_openai_completions.py")):
            with self.subTest(api=kind):
                self.fs.reset()
                self.fs.default(texts=["a + b", "b + a", "sum((a, b))"], token_size=3)
                items = self.ask(name)
                self.assertEqual([i["insertText"] for i in items], ["a + b", "b + a", "sum((a, b))"])
                reqs = self.upstream()
                self.assertEqual(len(reqs), 1, "one request for the three candidates")
                self.assertEqual(reqs[0]["api"], kind)
                self.assertEqual(reqs[0]["body"]["n"], 3)
                ids = [i["command"]["arguments"][0] for i in items]
                attempt = ids[0].split("#")[0]
                self.assertEqual(ids, ["%s#%d" % (attempt, k) for k in range(3)])
        lines = self.attempts_of_last_request(3)
        self.assertEqual(len(lines), 1)
        line = lines[0]
        self.assertEqual((line["attempt_id"], line["candidates"], line["outcome"]), (attempt, 3, "ok"))
        self.assertNotIn("candidate", line)
        usage = reqs[0]["usage"]
        self.assertEqual((line["tokens_in"], line["tokens_out"]), (usage["input"], usage["output"]))
        self.assertAlmostEqual(line["cost_usd"], (usage["input"] * 1.0 + usage["output"] * 2.0) / 1e6)

    def test_accepting_the_second_item_records_it_once_with_its_index(self):
        items = self.ask_set("accept_openai.py")
        before = len(self.ledger_lines(2))
        result, error = self.client.execute_command("switchboard.accept", items[1]["command"]["arguments"])
        self.assertIsNone(error)
        lines = self.ledger_lines(before + 1)
        accepts = [l for l in lines if "accept" in l]
        attempt = items[1]["command"]["arguments"][0].split("#")[0]
        self.assertEqual([(a["accept"], a["candidate"]) for a in accepts], [(attempt, 1)])
        stats, error = self.client.execute_command("switchboard.stats", [])
        self.assertIsNone(error)
        total = stats["total"]
        # setUp's probe (also one request with n) and this one
        self.assertEqual((total["attempts"], total["requests"], total["accepted"]), (2, 2, 1))

    def test_signals_and_retention_of_one_candidate_name_it(self):
        doc = uri("retain_openai.py")
        items = self.ask_set("retain_openai.py")
        item_id = items[2]["command"]["arguments"][0]
        attempt = item_id.split("#")[0]
        self.assertIsNone(self.client.execute_command("switchboard.shown", [item_id])[1])
        self.client.change(doc, 2, [{"range": AFTER_TOTAL, "text": "sum((a, b))"}])
        self.assertIsNone(self.client.execute_command("switchboard.accept", [item_id])[1])
        self.client.close_document(doc)   # retention is measured at once
        deadline = time.time() + 5
        while time.time() < deadline:
            signals = [l for l in self.ledger_lines(0) if "signal" in l or "accept" in l]
            if len(signals) >= 3:
                break
            time.sleep(0.05)
        got = sorted((l.get("signal", "accept"), l.get("attempt_id", l.get("accept")), l["candidate"],
                      l.get("chars")) for l in signals)
        self.assertEqual(got, [("accept", attempt, 2, None), ("retained", attempt, 2, 11),
                               ("shown", attempt, 2, None)])

    def test_inserting_a_candidate_without_the_command_is_inferred_with_its_index(self):
        doc = uri("infer_openai.py")
        items = self.ask_set("infer_openai.py")
        attempt = items[1]["command"]["arguments"][0].split("#")[0]
        self.client.change(doc, 2, [{"range": AFTER_TOTAL, "text": "b + a"}])
        deadline = time.time() + 5
        accepts = []
        while time.time() < deadline and not accepts:
            accepts = [l for l in self.ledger_lines(0) if l.get("accept") == attempt]
            time.sleep(0.05)
        self.assertEqual([(a.get("candidate"), a.get("inferred")) for a in accepts], [(1, True)])

    def test_invoked_after_automatic_asks_for_the_set_once(self):
        self.fs.default(texts=["x()", "y()", "z()"])
        text = "value = "
        doc = uri("cycle_openai.py")
        self.client.open(doc, text, "python")
        pos = position_of(text, len(text), "utf-16")
        self.assertEqual(len(self.items(self.inline_request(doc, pos, trigger=2))), 1)
        self.assertNotIn("n", self.upstream()[0]["body"], "automatic: one candidate")
        self.assertEqual(len(self.items(self.inline_request(doc, pos, trigger=1))), 3)
        self.assertEqual([r["body"].get("n") for r in self.upstream()], [None, 3])
        self.assertEqual(len(self.items(self.inline_request(doc, pos, trigger=1))), 3)
        self.assertEqual(len(self.upstream()), 2, "the set answered from the cache")

    def test_identical_choices_merge(self):
        self.fs.default(texts=["same()", "same()", "other()"])
        self.assertEqual([i["insertText"] for i in self.ask("merge_openai.py")], ["same()", "other()"])
        self.assertEqual(len(self.upstream()), 1)

    def test_each_choice_is_post_processed_and_stopped_on_its_own(self):
        # A single-line request: each choice keeps its first line, and the request stops
        # once every choice has reached its newline, not before (choice 2's is last).
        self.fs.default(texts=["one()\nextra", "two()\nx", "three()\nmore\nlines and more"],
                        token_size=2, token_delay_ms=15)
        text = "def f():\n    return "
        doc = uri("post_openai.py")
        self.client.open(doc, text + "\n\nx = 1\n", "python")
        items = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=1))
        self.assertEqual([i["insertText"] for i in items], ["one()", "two()", "three()"])
        reqs = self.upstream()
        self.assertEqual(len(reqs), 1)
        self.fs.wait_for(lambda: self.upstream()[0]["outcome"] is not None, timeout=5)
        rec = self.upstream()[0]
        self.assertEqual(rec["outcome"], "client_disconnected", "stopped early")
        self.assertLess(rec["pieces_sent"], rec["usage"]["output"])


class TestOneRequestFallback(CandidatesBase):
    """The `n` target fails before streaming; the router's fallback has no `n`: the
    request still answers, with one candidate from the fallback."""
    kinds = ("openai", "anthropic")
    targets = ("openai", "anthropic")

    def test_fallback_to_a_target_without_n_still_answers(self):
        self.fs.rule(match={"api": "openai_chat"}, error="quota")
        self.fs.rule(match={"api": "anthropic"}, text="from_fallback()")
        text = "value = "
        doc = uri("fallback.py")
        self.client.open(doc, text, "python")
        items = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=1))
        self.assertEqual([i["insertText"] for i in items], ["from_fallback()"])
        reqs = self.upstream()
        self.assertEqual([r["api"] for r in reqs], ["openai_chat", "anthropic"])
        self.assertEqual(reqs[0]["body"]["n"], 3)
        self.assertNotIn("n", reqs[1]["body"])
        # a plain attempt id: the fallback's one answer is no candidate of a set
        self.assertNotIn("#", items[0]["command"]["arguments"][0])


if __name__ == "__main__":
    unittest.main()
