"""Next-edit suggestions end to end: textDocument/copilotInlineEdit on the real binary
against the fake model server playing a next-edit model (scripted region rewrites).

Covers the rename case served one edit at a time with no new model call, acceptance
inferred from the document change and by the command, an unchanged answer, a garbled
answer, a stale version and a stale answer, CRLF and non-ASCII text with UTF-16
positions while initialize agreed UTF-8, cancellation and supersede reaching the
upstream connection, the Zeta prompt format, and the ledger without source text."""
import json
import os
import subprocess
import tempfile
import time
import unittest

from lsp_client import LspClient, binary_path

from fake_server import FakeServer

ROOT = "/tmp/sb-nes-ws"
KEY_ENV = "SB_TEST_FAKE_KEY"
CANCELLED = -32800
METHOD = "textDocument/copilotInlineEdit"
RENAMED = ("def area(width, height):\n"
           "    \"\"\"Area of a rectangle.\"\"\"\n"
           "    a = width * h\n"
           "    print(h)\n"
           "    return h + a\n")
USES = [{"from": "width * h\n", "to": "width * height\n"},
        {"from": "print(h)", "to": "print(height)"},
        {"from": "return h +", "to": "return height +"}]


def uri(name):
    return "file://%s/%s" % (ROOT, name)


def utf16_position(text, index):
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return {"line": line, "character": len(text[start:index].encode("utf-16-le")) // 2}


def utf8_position(text, index):
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return {"line": line, "character": len(text[start:index].encode("utf-8"))}


def utf16_index(text, pos):
    """String index of an LSP UTF-16 position (lines end at \\n; \\r stays in the line)."""
    lines = text.split("\n")
    index = sum(len(l) + 1 for l in lines[:pos["line"]])
    units = 0
    for ch in lines[pos["line"]] if pos["line"] < len(lines) else "":
        if units >= pos["character"]:
            break
        units += len(ch.encode("utf-16-le")) // 2
        index += 1
    return index


def apply_edit(text, edit):
    s = utf16_index(text, edit["range"]["start"])
    e = utf16_index(text, edit["range"]["end"])
    return text[:s] + edit["text"] + text[e:]


class NextEditBase(unittest.TestCase):
    encodings = None
    next_edit_format = "chat"
    kind = "openai"

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-nes-")
        self.fs = FakeServer().start()
        self.addCleanup(self.tmp.cleanup)
        self.addCleanup(self.fs.stop)
        self.ledger_path = os.path.join(self.tmp.name, "ledger.jsonl")
        cfg = {
            "providers": {"p": {"kind": self.kind, "base_url": self.fs.url, "api_key_env": KEY_ENV}},
            "models": {"nes": {"provider": "p", "model": "model-nes", "next_edit_format": self.next_edit_format,
                               "price": {"input": 1.0, "output": 2.0}}},
            "routes": [{"when": {"task": "next_edit"}, "targets": ["nes"]}, {"when": {}, "targets": ["nes"]}],
            "inline": {"debounce_ms": 0},
            "next_edit": {"region_lines": 10},
            "ledger": {"path": self.ledger_path},
        }
        path = self.config_path = os.path.join(self.tmp.name, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        env = {KEY_ENV: "test-key-not-real-0001", "XDG_STATE_HOME": self.tmp.name,
               "XDG_CONFIG_HOME": self.tmp.name}
        self.client = LspClient(args=["--stdio", "--config", path], env=env)
        self.addCleanup(self.client.close)
        result, error = self.client.initialize(capabilities={}, position_encodings=self.encodings,
                                               root_uri="file://" + ROOT, timeout=5)
        self.assertIsNone(error)
        self.caps = result["capabilities"]
        self.addCleanup(self.check_clean_exit)
        self.versions = {}

    def check_clean_exit(self):
        self.assertEqual(self.client.shutdown_and_exit(), 0)
        report = [l for l in self.client.stderr_lines if "Sanitizer" in l or "runtime error" in l]
        self.assertEqual(report, [])

    def upstream(self):
        return [r for r in self.fs.requests() if r.get("api")]

    def open(self, doc, text):
        self.versions[doc] = 1
        self.client.open(doc, text, "python", version=1)

    def change(self, doc, rng, new_text):
        self.versions[doc] += 1
        self.client.change(doc, self.versions[doc], [{"range": rng, "text": new_text}])

    def request(self, doc, pos, version=None):
        params = {"textDocument": {"uri": doc, "version": self.versions[doc] if version is None else version},
                  "position": pos}
        return self.client.request_async(METHOD, params)

    def edits(self, rid, timeout=10):
        msg = self.client.wait_response(rid, timeout)
        self.assertNotIn("error", msg, msg)
        self.assertIsInstance(msg["result"], dict, msg)
        return msg["result"]["edits"]

    def ledger(self):
        if not os.path.exists(self.ledger_path):
            return []
        with open(self.ledger_path) as f:
            return [json.loads(l) for l in f if l.strip()]

    def wait_accept(self, attempt):
        deadline = time.time() + 5
        while time.time() < deadline:
            if any(l.get("accept") == attempt for l in self.ledger()):
                return True
            time.sleep(0.05)
        return False

    def renamed_doc(self, name, text=None):
        """Opens the function before the rename, then renames h on line 1 as typing would."""
        doc = uri(name)
        before = (text or RENAMED).replace("width, height)", "width, h)", 1)
        self.open(doc, before)
        at = before.index("h)")
        self.change(doc, {"start": utf16_position(before, at + 1), "end": utf16_position(before, at + 1)}, "eight")
        after = before[:at + 1] + "eight" + before[at + 1:]
        return doc, after, utf16_position(after, after.index("height") + 6)


class TestCapability(NextEditBase):
    def test_advertised(self):
        self.assertTrue(self.caps["experimental"]["copilotInlineEditProvider"])
        self.assertIn("switchboard.acceptNextEdit", self.caps["executeCommandProvider"]["commands"])

    def test_notifications_accepted(self):
        doc = uri("notify.py")
        self.open(doc, "x = 1\n")
        self.client.notify("textDocument/didShowInlineEdit", {"item": {"command": {
            "title": "t", "command": "switchboard.acceptNextEdit", "arguments": ["a-1"]}}})
        self.client.notify("textDocument/didShowInlineEdit", {})
        self.client.notify("textDocument/didFocus", {"textDocument": {"uri": doc}})
        # still serving, nothing reported as unknown
        self.assertEqual(self.edits(self.request(doc, {"line": 0, "character": 0}, version=99)), [])
        self.assertFalse([l for l in self.client.stderr_lines if "didShowInlineEdit" in l and "unknown" in l])


class TestRename(NextEditBase):
    def test_uses_come_one_whole_word_edit_at_a_time(self):
        self.fs.default(rule="next_edit", rewrites=USES, token_size=16)
        doc, text, pos = self.renamed_doc("rename.py")
        self.assertEqual(text, RENAMED)
        edits = self.edits(self.request(doc, pos))
        self.assertEqual(len(edits), 3, edits)
        self.assertEqual([e["range"]["start"]["line"] for e in edits], [2, 3, 4])
        for e in edits:
            self.assertEqual(e["text"], "height")
            self.assertEqual(e["range"]["end"]["character"] - e["range"]["start"]["character"], 1)
            self.assertEqual(e["textDocument"], {"uri": doc, "version": self.versions[doc]})
            self.assertEqual(e["command"]["command"], "switchboard.acceptNextEdit")
        attempt = edits[0]["command"]["arguments"][0]
        # the model saw the rename as a diff, the region and the cursor
        body = json.dumps(self.upstream()[0]["body"])
        self.assertIn("-def area(width, h):", body)
        self.assertIn("+def area(width, height):", body)
        self.assertIn("<|user_cursor_is_here|>", body)
        # the client applies edits[0] only, then asks again: the rest, no model call
        for remaining in (3, 2, 1):
            self.assertEqual(len(edits), remaining)
            first = edits[0]
            self.change(doc, first["range"], first["text"])
            text = apply_edit(text, first)
            if remaining > 1:
                edits = self.edits(self.request(doc, utf16_position(text, 0)))
                self.assertEqual(len(self.upstream()), 1)
        self.assertEqual(text, RENAMED.replace("* h", "* height").replace("(h)", "(height)")
                         .replace("return h", "return height"))
        # applying the shown edit is the acceptance signal (copilot-lsp runs no command)
        self.assertTrue(self.wait_accept(attempt))
        # everything applied: the next request asks the model, which has nothing more
        self.assertEqual(self.edits(self.request(doc, utf16_position(text, 0))), [])
        self.assertEqual(len(self.upstream()), 2)
        deadline = time.time() + 5   # the ledger is written after the answer goes out
        while len([l for l in self.ledger() if l.get("task") == "next_edit"]) < 2 and time.time() < deadline:
            time.sleep(0.05)
        lines = [l for l in self.ledger() if l.get("task") == "next_edit"]
        self.assertEqual(len(lines), 2)
        raw = open(self.ledger_path).read()
        self.assertNotIn("width", raw)
        self.assertNotIn("height", raw)
        # stats shows the task and its acceptance
        out = subprocess.run([binary_path(), "stats", "--by", "task", "--json", "--ledger", self.ledger_path,
                              "--config", self.config_path], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        group = [g for g in json.loads(out.stdout)["groups"] if g["key"] == "next_edit"]
        self.assertEqual(len(group), 1, out.stdout)
        self.assertEqual(group[0]["requests"], 2)
        self.assertEqual(group[0]["accepted"], 1)

    def test_other_typing_ends_the_session(self):
        self.fs.default(rule="next_edit", rewrites=USES)
        doc, text, pos = self.renamed_doc("diverge.py")
        self.assertEqual(len(self.edits(self.request(doc, pos))), 3)
        at = text.index("print")
        self.change(doc, {"start": utf16_position(text, at), "end": utf16_position(text, at)}, "x")
        text = text[:at] + "x" + text[at:]
        self.assertEqual(len(self.edits(self.request(doc, utf16_position(text, at)))), 3)
        self.assertEqual(len(self.upstream()), 2)

    def test_accept_command(self):
        self.fs.default(rule="next_edit", rewrites=USES)
        doc, _, pos = self.renamed_doc("command.py")
        edits = self.edits(self.request(doc, pos))
        cmd = edits[0]["command"]
        _, error = self.client.execute_command(cmd["command"], cmd["arguments"])
        self.assertIsNone(error)
        self.assertTrue(self.wait_accept(cmd["arguments"][0]))
        _, error = self.client.execute_command(cmd["command"], [])
        self.assertEqual(error["code"], -32602)


class TestNoSuggestion(NextEditBase):
    def test_answer_identical_to_region(self):
        self.fs.default(rule="next_edit", rewrites=[])
        doc, _, pos = self.renamed_doc("same.py")
        self.assertEqual(self.edits(self.request(doc, pos)), [])
        self.assertEqual(len(self.upstream()), 1)

    def test_garbled_answer(self):
        self.fs.default(text="You should rename h to height everywhere.")
        doc, _, pos = self.renamed_doc("garbled.py")
        self.assertEqual(self.edits(self.request(doc, pos)), [])
        self.fs.default(text="<|editable_region_start|>\ndef area(width, height):\n")   # cut short
        self.assertEqual(self.edits(self.request(doc, pos)), [])
        self.assertEqual(len(self.upstream()), 2)

    def test_stale_version(self):
        self.fs.default(rule="next_edit", rewrites=USES)
        doc, _, pos = self.renamed_doc("stale.py")
        self.assertEqual(self.edits(self.request(doc, pos, version=1)), [])
        self.assertEqual(self.upstream(), [])

    def test_stale_answer(self):
        self.fs.default(rule="next_edit", rewrites=USES, ttft_ms=400)
        doc, text, pos = self.renamed_doc("stale_answer.py")
        rid = self.request(doc, pos)
        self.fs.wait_for(lambda: self.fs.stats()["in_flight"] == 1)
        end = utf16_position(text, len(text))
        self.change(doc, {"start": end, "end": end}, "# more\n")
        self.assertEqual(self.edits(rid), [])

    def test_bad_input(self):
        doc, _, pos = self.renamed_doc("bad.py")
        self.assertEqual(self.edits(self.request(uri("not_open.py"), pos, version=1)), [])
        self.assertEqual(self.edits(self.request(doc, {"line": 999, "character": 0})), [])
        msg = self.client.wait_response(self.client.request_async(METHOD, {"textDocument": {"uri": doc}}))
        self.assertEqual(msg["error"]["code"], -32602)
        self.assertEqual(self.upstream(), [])


class TestUtf16Positions(NextEditBase):
    encodings = ["utf-8"]   # the server agrees UTF-8; copilotInlineEdit stays UTF-16

    def test_crlf_and_non_ascii(self):
        self.assertEqual(self.caps.get("positionEncoding"), "utf-8")
        text = ("def f(caf\u00e9, h):\r\n"
                "    s = '\U0001F600 \u4e2d' + h\r\n"
                "    return '\u00e9\U0001F680' + h\r\n")
        self.fs.default(rule="next_edit", rewrites=[{"from": "+ h\r\n", "to": "+ height\r\n"}])
        doc = uri("crlf.py")
        self.open(doc, text)
        at = text.index(", h)") + 3
        self.change(doc, {"start": utf8_position(text, at), "end": utf8_position(text, at)}, "eight")
        text = text[:at] + "eight" + text[at:]
        edits = self.edits(self.request(doc, utf16_position(text, at + 5)))
        self.assertEqual(len(edits), 2, edits)
        self.assertEqual(apply_edit(text, edits[0]),
                         text.replace("\u4e2d' + h", "\u4e2d' + height"))
        # the UTF-16 column counts the emoji as two units
        line1 = text.split("\n")[1]
        self.assertEqual(edits[0]["range"]["start"],
                         {"line": 1, "character": len(line1[:line1.index("+ h") + 2].encode("utf-16-le")) // 2})
        # the editor applies it and reports the change in the agreed encoding (UTF-8)
        s, e = utf16_index(text, edits[0]["range"]["start"]), utf16_index(text, edits[0]["range"]["end"])
        self.change(doc, {"start": utf8_position(text, s), "end": utf8_position(text, e)}, edits[0]["text"])
        text = apply_edit(text, edits[0])
        rest = self.edits(self.request(doc, utf16_position(text, 0)))
        self.assertEqual(len(rest), 1, (rest, text))
        self.assertEqual(apply_edit(text, rest[0]), text.replace("\U0001F680' + h", "\U0001F680' + height"))


class TestCancellation(NextEditBase):
    def test_cancel_closes_upstream(self):
        self.fs.default(rule="next_edit", rewrites=USES, ttft_ms=5000)
        doc, _, pos = self.renamed_doc("cancel.py")
        rid = self.request(doc, pos)
        self.fs.wait_for(lambda: self.fs.stats()["in_flight"] == 1)
        self.client.cancel(rid)
        self.assertEqual(self.client.wait_response(rid, 5)["error"]["code"], CANCELLED)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)

    def test_newer_request_supersedes_with_no_edits(self):
        self.fs.enqueue(rule="next_edit", rewrites=USES, ttft_ms=5000)
        self.fs.default(rule="next_edit", rewrites=USES)
        doc, _, pos = self.renamed_doc("supersede.py")
        first = self.request(doc, pos)
        self.fs.wait_for(lambda: self.fs.stats()["in_flight"] == 1)
        second = self.request(doc, pos)
        self.assertEqual(self.edits(first), [])   # not an error: copilot-lsp would show it
        self.assertEqual(len(self.edits(second)), 3)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)


class TestZetaFormat(NextEditBase):
    next_edit_format = "zeta"
    kind = "openai-completions"

    def test_completion_prompt(self):
        self.fs.default(rule="next_edit", rewrites=USES)
        doc, _, pos = self.renamed_doc("zeta.py")
        self.assertEqual(len(self.edits(self.request(doc, pos))), 3)
        prompt = self.upstream()[0]["body"]["prompt"]
        self.assertIn("### User Edits:", prompt)
        self.assertIn("<|editable_region_start|>", prompt)
        self.assertTrue(prompt.endswith("### Response:\n"), prompt[-80:])


if __name__ == "__main__":
    unittest.main()
