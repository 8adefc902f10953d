"""Next edits served as ordinary inline completion and completion items, for editors
that never ask textDocument/copilotInlineEdit (next_edit.serve_inline, docs/next-edit.md).

The fake server plays two models: the inline model answers a fixed continuation, the
next-edit model rewrites its region with scripted replacements. Covers the edit after
the cursor on its line as an item (after the model's own), an edit on another line (no
item), the live answer reused with no new model call, acceptance by the item's command
and by the document change, the completion path, the setting off (no next-edit request
at all), cancellation reaching both upstream requests, and a copilotInlineEdit client
getting no duplicates."""
import json
import os
import tempfile
import time
import unittest

from lsp_client import LspClient

from fake_server import FakeServer
from test_next_edit import NextEditBase

ROOT = "/tmp/sb-nes-inline-ws"
KEY_ENV = "SB_TEST_FAKE_KEY"
CANCELLED = -32800
ACCEPT = "switchboard.acceptNextEdit"
TEXT = ("def area(width, height):\n"
        "    a = width * h\n"
        "    return a + h\n")
REWRITES = [{"from": "width * h\n", "to": "width * height\n"},
            {"from": "a + h\n", "to": "a + height\n"}]
INLINE_ANSWER = "0  # inline"


def uri(name):
    return "file://%s/%s" % (ROOT, name)


def pos(line, character):
    return {"line": line, "character": character}


class NesInlineBase(unittest.TestCase):
    next_edit = {"serve_inline": True}   # off by default: it costs a second request
    capabilities = {"textDocument": {"inlineCompletion": {}}}

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-nes-inline-")
        self.fs = FakeServer().start()
        self.addCleanup(self.tmp.cleanup)
        self.addCleanup(self.fs.stop)
        self.ledger_path = os.path.join(self.tmp.name, "ledger.jsonl")
        cfg = {
            "providers": {"p": {"kind": "openai", "base_url": self.fs.url, "api_key_env": KEY_ENV}},
            "models": {"nes": {"provider": "p", "model": "model-nes"},
                       "inl": {"provider": "p", "model": "model-inl"}},
            "routes": [{"when": {"task": "next_edit"}, "targets": ["nes"]}, {"when": {}, "targets": ["inl"]}],
            "inline": {"debounce_ms": 0, "candidates": 1},
            "next_edit": self.next_edit,
            "ledger": {"path": self.ledger_path},
        }
        path = os.path.join(self.tmp.name, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        env = {KEY_ENV: "test-key-not-real-0001", "XDG_STATE_HOME": self.tmp.name,
               "XDG_CONFIG_HOME": self.tmp.name}
        self.client = LspClient(args=["--stdio", "--config", path], env=env)
        self.addCleanup(self.client.close)
        _, error = self.client.initialize(capabilities=self.capabilities, root_uri="file://" + ROOT, timeout=5)
        self.assertIsNone(error)
        self.addCleanup(self.check_clean_exit)
        self.script()

    def script(self, **nes):
        self.fs.reset()
        self.fs.rule(match={"model": "model-nes"}, rule="next_edit", rewrites=REWRITES, **nes)
        self.fs.rule(match={"model": "model-inl"}, text=INLINE_ANSWER, **nes)

    def upstream(self, model):
        return [r for r in self.fs.requests() if r.get("api") and (r.get("body") or {}).get("model") == model]

    def inline_request(self, doc, position, trigger=1):
        return self.client.request_async("textDocument/inlineCompletion", {
            "textDocument": {"uri": doc}, "position": position, "context": {"triggerKind": trigger}})

    def items(self, rid, timeout=10):
        msg = self.client.wait_response(rid, timeout)
        self.assertNotIn("error", msg, msg)
        return msg["result"]["items"]

    # the ledger as test_next_edit reads it
    ledger = NextEditBase.ledger
    wait_accept = NextEditBase.wait_accept
    check_clean_exit = NextEditBase.check_clean_exit

    def attempt_line(self, attempt):
        deadline = time.time() + 5
        while time.time() < deadline:
            for l in self.ledger():
                if l.get("attempt_id") == attempt:
                    return l
            time.sleep(0.05)
        return {}

    def open(self, name, edited=True):
        """Opens TEXT; edited: as after renaming h to height in the def line (a next
        edit is predicted from recent edits: without any none is asked)."""
        doc = uri(name)
        if not edited:
            self.client.open(doc, TEXT, "python", version=1)
            return doc
        self.client.open(doc, TEXT.replace("height)", "h)", 1), "python", version=1)
        self.client.change(doc, 2, [{"range": {"start": pos(0, 17), "end": pos(0, 17)}, "text": "eight"}])
        return doc


class TestServedInline(NesInlineBase):
    def test_edit_after_the_cursor_is_an_item_after_the_models_own(self):
        doc = self.open("after.py")
        # line 1 "    a = width * h": the cursor after "a = ", the edit h -> height after it
        items = self.items(self.inline_request(doc, pos(1, 8)))
        self.assertEqual([i["insertText"] for i in items], [INLINE_ANSWER, "width * height"], items)
        nes = items[1]
        self.assertEqual(nes["range"], {"start": pos(1, 8), "end": pos(1, 17)})
        self.assertEqual(nes["command"]["command"], ACCEPT)
        self.assertEqual(nes["command"]["arguments"][1:], [doc, "nes"])
        self.assertEqual(items[0]["command"]["command"], "switchboard.accept")
        self.assertEqual(len(self.upstream("model-nes")), 1)
        self.assertEqual(len(self.upstream("model-inl")), 1)
        # accepting the item is the next_edit attempt's acceptance
        attempt = nes["command"]["arguments"][0]
        line = self.attempt_line(attempt)
        self.assertEqual(line.get("task"), "next_edit")
        # its own run in the ledger: the inline request's id, marked
        self.assertTrue(line.get("request_id", "").endswith(":next_edit"), line)
        _, error = self.client.execute_command(ACCEPT, nes["command"]["arguments"])
        self.assertIsNone(error)
        self.assertTrue(self.wait_accept(attempt))

    def test_edit_on_another_line_is_no_item(self):
        doc = self.open("other.py")
        items = self.items(self.inline_request(doc, pos(0, 24)))   # end of the def line
        self.assertEqual([i["insertText"] for i in items], [INLINE_ANSWER])
        self.assertEqual(len(self.upstream("model-nes")), 1)
        # asked again nearby: the live answer's edits are still elsewhere, no new prediction
        items = self.items(self.inline_request(doc, pos(0, 4)))
        self.assertEqual([i["insertText"] for i in items], [INLINE_ANSWER])
        self.assertEqual(len(self.upstream("model-inl")), 2)
        self.assertEqual(len(self.upstream("model-nes")), 1)

    def test_no_prediction_without_a_recent_edit(self):
        doc = self.open("unedited.py", edited=False)
        items = self.items(self.inline_request(doc, pos(1, 8)))
        self.assertEqual([i["insertText"] for i in items], [INLINE_ANSWER])
        self.assertEqual(self.upstream("model-nes"), [])

    def test_live_answer_reused_and_applying_it_is_the_acceptance(self):
        doc = self.open("live.py")
        self.assertEqual(len(self.items(self.inline_request(doc, pos(0, 24)))), 1)
        # the same answer's edit on line 2, from a cursor before it: no new model call
        items = self.items(self.inline_request(doc, pos(2, 11)))
        self.assertEqual([i["insertText"] for i in items], [INLINE_ANSWER, "a + height"], items)
        self.assertEqual(len(self.upstream("model-nes")), 1)
        nes = items[1]
        # the editor inserts the item without running its command: the change tells
        self.client.change(doc, 3, [{"range": nes["range"], "text": nes["insertText"]}])
        self.assertTrue(self.wait_accept(nes["command"]["arguments"][0]))

    def test_same_text_from_both_is_one_item(self):
        self.fs.reset()
        self.fs.rule(match={"model": "model-nes"}, rule="next_edit",
                     rewrites=[{"from": "return a + h\n", "to": "return a + h  # done\n"}])
        self.fs.rule(match={"model": "model-inl"}, text="  # done")
        doc = self.open("same.py")
        items = self.items(self.inline_request(doc, pos(2, 16)))
        self.assertEqual([i["insertText"] for i in items], ["  # done"])
        self.assertEqual(items[0]["command"]["command"], "switchboard.accept")

    def test_cancel_reaches_both_upstream_requests(self):
        self.script(ttft_ms=5000)
        doc = self.open("cancel.py")
        rid = self.inline_request(doc, pos(1, 8))
        self.fs.wait_for(lambda: self.fs.stats()["in_flight"] == 2)
        self.client.cancel(rid)
        self.assertEqual(self.client.wait_response(rid, 5)["error"]["code"], CANCELLED)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 2, timeout=5)

    def test_newer_request_supersedes_both(self):
        self.script(ttft_ms=5000)
        doc = self.open("supersede.py")
        first = self.inline_request(doc, pos(1, 8))
        self.fs.wait_for(lambda: self.fs.stats()["in_flight"] == 2)
        self.script()
        second = self.inline_request(doc, pos(1, 8))
        self.assertEqual(self.client.wait_response(first, 5)["error"]["code"], CANCELLED)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 2, timeout=5)
        self.assertEqual(len(self.items(second)), 2)

    def test_copilot_client_gets_no_duplicates(self):
        doc = self.open("copilot.py")
        msg = self.client.wait_response(self.client.request_async("textDocument/copilotInlineEdit", {
            "textDocument": {"uri": doc, "version": 2}, "position": pos(1, 8)}), 10)
        self.assertEqual(len(msg["result"]["edits"]), 2, msg)
        items = self.items(self.inline_request(doc, pos(1, 8)))
        self.assertEqual([i["insertText"] for i in items], [INLINE_ANSWER])
        self.assertEqual(len(self.upstream("model-nes")), 1, "only copilotInlineEdit's")


class TestCompletionPath(NesInlineBase):
    capabilities = {}   # no inlineCompletion: AI items in the completion menu (Helix)

    def test_completion_item_with_the_edit(self):
        doc = self.open("complete.py")
        msg = self.client.wait_response(self.client.request_async("textDocument/completion", {
            "textDocument": {"uri": doc}, "position": pos(1, 16)}), 10)   # after "width * "
        items = msg["result"]["items"]
        nes = [i for i in items if i["command"]["command"] == ACCEPT]
        self.assertEqual(len(nes), 1, items)
        self.assertEqual(nes[0]["textEdit"], {"range": {"start": pos(1, 16), "end": pos(1, 17)},
                                              "newText": "height"})
        self.assertIn("nes", nes[0]["detail"])
        self.assertEqual(items[0]["command"]["command"], "switchboard.accept", "the model's own first")


class TestSettingOff(NesInlineBase):
    next_edit = {"serve_inline": False}

    def test_no_next_edit_request(self):
        doc = self.open("off.py")
        items = self.items(self.inline_request(doc, pos(1, 8)))
        self.assertEqual([i["insertText"] for i in items], [INLINE_ANSWER])
        self.assertEqual(self.upstream("model-nes"), [])
        self.assertEqual(len(self.upstream("model-inl")), 1)


class TestNextEditOff(TestSettingOff):
    next_edit = {"enabled": False, "serve_inline": True}


class TestDefaultOff(TestSettingOff):
    """Nobody pays for a second request per inline request without asking for it."""
    next_edit = {}


if __name__ == "__main__":
    unittest.main()
