"""Inline outcomes inferred from the document, for clients that never run the item's
commands: the real server and a client that only sends didChange. Inserting the whole
suggestion is an acceptance, a word of it a partial one, typing something else over it
a rejection; typing it through by hand is neither. Lines written so carry
"inferred": true, an outcome is written once whether the editor reports it too or not,
retention is measured from an inferred acceptance, and `stats --json` counts them."""
import json
import subprocess

from lsp_client import binary_path
from test_inline import position_of, uri
from test_signals import SignalsBase, rng


class TestInlineInferred(SignalsBase):
    def offer_text(self, name, head="x = ", answer="value + 1"):
        """Opens a document whose last line is head and returns (doc, attempt id): the
        first line names the document, so no two documents share a cached answer."""
        if answer != "value + 1":
            self.fs.default(text=answer, token_size=4)
        text = "# %s\n%s" % (name, head)
        doc = uri(name)
        self.client.open(doc, text, "python")
        item = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))[0]
        self.assertEqual(item["insertText"], answer)
        return doc, item["command"]["arguments"][0]

    def outcome_lines(self, aid):
        return [o for o in self.ledger_lines()
                if o.get("accept") == aid or (o.get("attempt_id") == aid and "signal" in o)]

    def settled(self, doc_name):
        """Every line queued so far is in the file: a shown line of a fresh attempt is
        queued after them and waited for."""
        _, marker = self.offer_text(doc_name, head="y = ", answer="marker()")
        self.client.execute_command("switchboard.shown", [marker])
        self.wait_line(lambda o: o.get("signal") == "shown" and o.get("attempt_id") == marker)

    def test_full_accept_is_inferred_once_and_retained(self):
        doc, aid = self.offer_text("inf_full.py")
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "value + 1"}])
        accept = self.wait_line(lambda o: o.get("accept") == aid)
        self.assertIs(accept.get("inferred"), True)
        retained = self.wait_line(lambda o: o.get("signal") == "retained" and o.get("attempt_id") == aid)
        self.assertEqual((retained["chars"], retained["of"]), (9, 9))
        self.assertEqual([o for o in self.outcome_lines(aid) if o.get("signal") != "retained"], [accept])

    def test_accept_word_is_partial_then_rest_accepts(self):
        doc, aid = self.offer_text("inf_word.py")
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "value"}])
        partial = self.wait_line(lambda o: o.get("signal") == "partial" and o.get("attempt_id") == aid)
        self.assertEqual((partial["chars"], partial.get("inferred")), (5, True))
        self.client.change(doc, 3, [{"range": rng(1, 9), "text": " + 1"}])
        self.wait_line(lambda o: o.get("accept") == aid)
        retained = self.wait_line(lambda o: o.get("signal") == "retained" and o.get("attempt_id") == aid)
        self.assertEqual((retained["chars"], retained["of"]), (9, 9))
        kinds = [o.get("signal", "accept") for o in self.outcome_lines(aid)]
        self.assertEqual(kinds, ["partial", "accept", "retained"])

    def test_typed_over_is_rejected_once(self):
        doc, aid = self.offer_text("inf_over.py")
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "v"}])      # typing through
        self.client.change(doc, 3, [{"range": rng(1, 5), "text": "x"}])      # then over it
        self.client.change(doc, 4, [{"range": rng(1, 6), "text": "yz"}])
        rejected = self.wait_line(lambda o: o.get("signal") == "rejected" and o.get("attempt_id") == aid)
        self.assertIs(rejected.get("inferred"), True)
        self.settled("inf_over_marker.py")
        self.assertEqual(self.outcome_lines(aid), [rejected])

    def test_typing_through_is_neither_then_accept_the_rest(self):
        doc, aid = self.offer_text("inf_typed.py")
        for i, ch in enumerate("val"):      # by hand: no partial accept
            self.client.change(doc, 2 + i, [{"range": rng(1, 4 + i), "text": ch}])
        self.client.change(doc, 5, [{"range": rng(1, 7), "text": "ue + 1"}])
        self.wait_line(lambda o: o.get("accept") == aid)
        self.settled("inf_typed_marker.py")
        self.assertEqual([(o.get("accept"), o.get("inferred")) for o in self.outcome_lines(aid)],
                         [(aid, True)])

    def test_explicit_command_after_inferred_adds_nothing(self):
        doc, aid = self.offer_text("inf_then_cmd.py")
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "value"}])
        self.assertIsNone(self.client.execute_command("switchboard.partialAccept", [aid, 5])[1])
        self.client.change(doc, 3, [{"range": rng(1, 9), "text": " + 1"}])
        self.assertIsNone(self.client.execute_command("switchboard.accept", [aid])[1])
        self.settled("inf_then_cmd_marker.py")
        lines = self.outcome_lines(aid)
        self.assertEqual([(o.get("signal", "accept"), o.get("inferred")) for o in lines],
                         [("partial", True), ("accept", True)])

    def test_explicit_reject_then_typing_adds_nothing(self):
        doc, aid = self.offer_text("inf_cmd_reject.py")
        self.assertIsNone(self.client.execute_command("switchboard.rejected", [aid])[1])
        self.client.change(doc, 2, [{"range": rng(1, 4), "text": "q"}])      # typed over
        self.client.change(doc, 3, [{"range": rng(1, 4, 5), "text": "value + 1"}])
        self.settled("inf_cmd_reject_marker.py")
        lines = self.outcome_lines(aid)
        self.assertEqual([(o.get("signal"), o.get("inferred")) for o in lines], [("rejected", None)])

    def test_edit_above_moves_it_then_accept(self):
        doc, aid = self.offer_text("inf_moved.py")
        self.client.change(doc, 2, [{"range": rng(0, 0), "text": "import os\n"}])
        self.client.change(doc, 3, [{"range": rng(2, 4), "text": "value + 1"}])
        self.wait_line(lambda o: o.get("accept") == aid and o.get("inferred"))
        retained = self.wait_line(lambda o: o.get("signal") == "retained" and o.get("attempt_id") == aid)
        self.assertEqual((retained["chars"], retained["of"]), (9, 9))

    def test_utf16_columns_and_non_ascii_text(self):
        # "s = '😀é' + " is 12 UTF-16 units and 15 bytes; the answer has non-ASCII too.
        doc, aid = self.offer_text("inf_utf16.py", head="s = '\U0001F600\u00e9' + ", answer="na\u00efve + '\u20ac'")
        col = position_of("s = '\U0001F600\u00e9' + ", 12, "utf-16")["character"]
        self.assertEqual(col, 12)
        self.client.change(doc, 2, [{"range": rng(1, col), "text": "na\u00efve"}])
        partial = self.wait_line(lambda o: o.get("signal") == "partial" and o.get("attempt_id") == aid)
        self.assertEqual(partial["chars"], 5)
        self.client.change(doc, 3, [{"range": rng(1, col + 5), "text": " + '\u20ac'"}])
        self.wait_line(lambda o: o.get("accept") == aid and o.get("inferred"))

    def test_crlf_document(self):
        doc = uri("inf_crlf.py")
        text = "# inf_crlf.py\r\nimport os\r\nx = "
        self.client.open(doc, text, "python")
        item = self.items(self.inline_request(doc, {"line": 2, "character": 4}))[0]
        aid = item["command"]["arguments"][0]
        self.client.change(doc, 2, [{"range": rng(2, 4), "text": "value + 1"}])
        self.wait_line(lambda o: o.get("accept") == aid and o.get("inferred"))

    def test_stats_counts_inferred_outcomes(self):
        doc1, accepted = self.offer_text("inf_stats_a.py")
        doc2, partial = self.offer_text("inf_stats_p.py", head="z = ")
        doc3, rejected = self.offer_text("inf_stats_r.py", head="w = ")
        self.client.change(doc1, 2, [{"range": rng(1, 4), "text": "value + 1"}])
        self.client.change(doc2, 2, [{"range": rng(1, 4), "text": "value"}])
        self.client.change(doc3, 2, [{"range": rng(1, 4), "text": "other"}])
        for aid in (accepted, partial, rejected):
            self.wait_line(lambda o, aid=aid: o.get("inferred") and aid in (o.get("accept"), o.get("attempt_id")))
        out = subprocess.run([binary_path(), "stats", "--ledger", self.ledger_path, "--json"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        rows = [r for r in json.loads(out.stdout)["signals"] if r["task"] == "inline"]
        self.assertEqual(len(rows), 1, rows)
        row = rows[0]
        self.assertEqual((row["accepted"], row["partial"], row["partial_chars"], row["rejected"]),
                         (1, 1, 5, 1))


class TestCompletionInferred(SignalsBase):
    """Editors without inline completion (Helix, plain LSP clients) get completion
    items; applying one replaces the typed word with the item's text."""
    capabilities = {}
    inline = {"completion_wait_ms": 3000, "debounce_ms": 10, "retention_ms": 300}

    def test_completion_item_applied_is_accepted(self):
        self.fs.default(text="nt_report(data)")
        text = "# inf_compl.py\ndef f(data):\n    pri"
        doc = uri("inf_compl.py")
        self.client.open(doc, text, "python")
        result, error = self.client.request("textDocument/completion", {
            "textDocument": {"uri": doc}, "position": position_of(text, len(text), "utf-16")})
        self.assertIsNone(error)
        item = result["items"][0]
        aid = item["command"]["arguments"][0]
        edit = item["textEdit"]
        self.client.change(doc, 2, [{"range": edit["range"], "text": edit["newText"]}])
        accept = self.wait_line(lambda o: o.get("accept") == aid)
        self.assertIs(accept.get("inferred"), True)
        retained = self.wait_line(lambda o: o.get("signal") == "retained" and o.get("attempt_id") == aid)
        self.assertEqual((retained["chars"], retained["of"]), (18, 18))
