"""Inline signals end to end: switchboard.shown / partialAccept / rejected lines, the
language on attempt lines, retention measured by the server from the document after an
acceptance (a short inline.retention_ms instead of 30 s), bad arguments, and no source
or suggestion text in the ledger."""
import json
import os
import time

from test_inline import InlineBase, position_of, uri

MARKER = "SIGNALS_SOURCE_MARKER_7731"


def rng(line, start, end=None):
    return {"start": {"line": line, "character": start},
            "end": {"line": line, "character": start if end is None else end}}


class SignalsBase(InlineBase):
    """Ledger helpers for signal tests (no tests of its own)."""
    inline = {"retention_ms": 300}

    def ledger_lines(self):
        if not os.path.exists(self.ledger_path):
            return []
        with open(self.ledger_path) as f:
            return [json.loads(l) for l in f if l.strip()]

    def wait_line(self, pred):
        deadline = time.time() + 10
        while time.time() < deadline:
            found = [o for o in self.ledger_lines() if pred(o)]
            if found:
                return found[0]
            time.sleep(0.05)
        self.fail("no such ledger line; ledger: %s" % self.ledger_lines())

    def offer(self, name, version_box):
        """Opens a document ending in 'x = ' and returns (doc, the item, its line)."""
        text = "# %s\nx = " % MARKER
        doc = uri(name)
        self.client.open(doc, text, "python")
        version_box[0] = 1
        item = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))[0]
        self.assertEqual(item["insertText"], "value + 1")
        return doc, item


class TestInlineSignals(SignalsBase):
    def test_shown_accept_retained_language(self):
        v = [1]
        doc, item = self.offer("sig_full.py", v)
        aid = item["command"]["arguments"][0]
        self.assertEqual(self.client.execute_command("switchboard.shown", [aid])[1], None)
        # The editor inserts the text, runs the item's command, then the user edits:
        # a line above (moves it), and the last character rewritten ("1" -> "2").
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "value + 1"}])
        self.assertIsNone(self.client.execute_command("switchboard.accept", [aid])[1])
        self.client.change(doc, 3, [{"range": rng(0, 0), "text": "import os\n"}])
        self.client.change(doc, 4, [{"range": rng(2, 12, 13), "text": "2"}])
        retained = self.wait_line(lambda o: o.get("signal") == "retained" and o.get("attempt_id") == aid)
        self.assertEqual((retained["chars"], retained["of"]), (8, 9))
        shown = [o for o in self.ledger_lines() if o.get("signal") == "shown"]
        self.assertEqual([o["attempt_id"] for o in shown], [aid])
        attempt = [o for o in self.ledger_lines() if o.get("attempt_id") == aid and "outcome" in o][0]
        self.assertEqual(attempt["language"], "python")
        self.assertTrue(any(o.get("accept") == aid for o in self.ledger_lines()))

    def test_partial_then_retained_of_the_partial_text(self):
        v = [1]
        doc, item = self.offer("sig_partial.py", v)
        aid = item["command"]["arguments"][0]
        # Accept word ("value"), then the next word (" +"): cumulative characters.
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "value"}])
        self.assertIsNone(self.client.execute_command("switchboard.partialAccept", [aid, 5])[1])
        self.client.change(doc, 3, [{"range": rng(1, 9), "text": " +"}])
        self.assertIsNone(self.client.execute_command("switchboard.partialAccept", [aid, 7])[1])
        retained = self.wait_line(lambda o: o.get("signal") == "retained" and o.get("attempt_id") == aid)
        self.assertEqual((retained["chars"], retained["of"]), (7, 7))
        partial = [o["chars"] for o in self.ledger_lines() if o.get("signal") == "partial"]
        self.assertEqual(partial, [5, 7])

    def test_rewritten_text_is_not_retained(self):
        v = [1]
        doc, item = self.offer("sig_rewrite.py", v)
        aid = item["command"]["arguments"][0]
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "value + 1"}])
        self.client.execute_command("switchboard.accept", [aid])
        self.client.change(doc, 3, [{"range": rng(1, 4, 13), "text": "other()"}])
        retained = self.wait_line(lambda o: o.get("signal") == "retained" and o.get("attempt_id") == aid)
        self.assertEqual((retained["chars"], retained["of"]), (0, 9))

    def test_close_measures_at_once_and_rejected(self):
        v = [1]
        doc, item = self.offer("sig_close.py", v)
        aid = item["command"]["arguments"][0]
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "value + 1"}])
        self.client.execute_command("switchboard.accept", [aid])
        self.client.close_document(doc)
        retained = self.wait_line(lambda o: o.get("signal") == "retained" and o.get("attempt_id") == aid)
        self.assertEqual((retained["chars"], retained["of"]), (9, 9))
        doc2, item2 = self.offer("sig_reject.py", v)
        aid2 = item2["command"]["arguments"][0]
        self.assertIsNone(self.client.execute_command("switchboard.rejected", [aid2])[1])
        self.wait_line(lambda o: o.get("signal") == "rejected" and o.get("attempt_id") == aid2)

    def test_bad_arguments_then_still_serving(self):
        for command, args in (("switchboard.shown", []), ("switchboard.rejected", [5]),
                              ("switchboard.partialAccept", ["a"]), ("switchboard.partialAccept", ["a", -3]),
                              ("switchboard.partialAccept", ["a", "many"])):
            _, error = self.client.execute_command(command, args)
            self.assertEqual(error["code"], -32602, (command, args))
            self.assertIn(command, error["message"])
        v = [1]
        self.offer("sig_after.py", v)

    def test_no_source_text_in_ledger(self):
        v = [1]
        doc, item = self.offer("sig_secret.py", v)
        aid = item["command"]["arguments"][0]
        self.client.execute_command("switchboard.shown", [aid])
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "value + 1"}])
        self.client.execute_command("switchboard.accept", [aid])
        self.wait_line(lambda o: o.get("signal") == "retained")
        with open(self.ledger_path) as f:
            raw = f.read()
        self.assertNotIn(MARKER, raw)
        self.assertNotIn("value + 1", raw)
        self.assertNotIn("x = ", raw)
