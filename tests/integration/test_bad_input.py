"""Bad input from the editor, beyond test_protocol_errors.py: deeply nested and huge JSON,
invalid UTF-8 in frames and strings, wrong parameter types for every method the server
registers, positions out of range, unknown documents, truncated frames at EOF. Each gets
a clear JSON-RPC error or is ignored as the spec says; the server never dies, answers
every request once, and never loses a document (checked through the prompt the fake model
server receives for an inline completion)."""
import json
import os
import tempfile
import unittest

from fake_server import FakeServer
from lsp_client import LspClient, frame

KEY_ENV = "SB_BAD_INPUT_FAKE_KEY"
DOC = "file:///tmp/sb-bad/doc.py"

# Every method a feature registers (requests and notifications); a method a build does not
# have answers MethodNotFound, which is fine too.
REQUESTS = ["initialize", "textDocument/inlineCompletion", "textDocument/completion",
            "textDocument/codeAction", "codeAction/resolve", "workspace/executeCommand"]
NOTIFICATIONS = ["initialized", "textDocument/didOpen", "textDocument/didChange",
                 "textDocument/didClose", "textDocument/didSave", "$/setTrace", "$/cancelRequest",
                 "workspace/didChangeConfiguration"]
BAD_PARAMS = [None, 0, -1, 1.5, "text", True, [], [1, "a"], {}, {"textDocument": 5},
              {"textDocument": {"uri": 5}, "position": "x"},
              {"textDocument": {"uri": DOC}, "position": {"line": -1, "character": "x"}},
              {"textDocument": {"uri": DOC}, "position": {"line": 1e300, "character": 2 ** 53}},
              {"textDocument": {"uri": DOC, "version": "two"}, "contentChanges": {"text": 1}},
              {"textDocument": {"uri": DOC}, "range": {"start": 3, "end": None}, "context": []},
              {"command": 7, "arguments": {"a": 1}}, {"command": "switchboard.stats", "arguments": [5]},
              {"command": "switchboard.explainRoute", "arguments": [{"task": 7, "trigger": []}]},
              {"command": "switchboard.accept", "arguments": [None, {"x": 1}]},
              {"value": 3}, {"id": {"nested": True}}, {"settings": "no"}, {"title": 1, "data": "x"}]


class BadInputBase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-bad-")
        self.addCleanup(self.tmp.cleanup)
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.fs.default(text="ok()", token_size=4)
        cfg = {"providers": {"p": {"kind": "openai-completions", "base_url": self.fs.url,
                                   "api_key_env": KEY_ENV}},
               "models": {"m": {"provider": "p", "model": "bad-input-model"}},
               "routes": [{"when": {}, "targets": ["m"]}],
               "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False, "cache_entries": 1,
                          "prefix_tokens": 100000, "suffix_tokens": 100000},
               "ledger": {"path": os.path.join(self.tmp.name, "ledger.jsonl")}}
        path = os.path.join(self.tmp.name, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        self.c = LspClient(args=["--stdio", "--config", path], env={
            KEY_ENV: "fake-key-bad-input-000", "XDG_STATE_HOME": self.tmp.name,
            "XDG_CONFIG_HOME": self.tmp.name})
        self.addCleanup(self.c.close)
        result, error = self.c.initialize(capabilities={"textDocument": {"inlineCompletion": {}}})
        self.assertIsNone(error)
        self.caps = result["capabilities"]

    def finish(self):
        self.assertEqual([m for m in self.c.duplicate_responses if m.get("id") is not None], [])
        self.assertEqual(self.c.shutdown_and_exit(), 0)
        self.assertEqual(self.c.sanitizer_report(), "")

    def alive(self):
        _, error = self.c.request("no/such", {})
        self.assertEqual(error["code"], -32601)

    def prompt_for(self, uri, line, character):
        """The text around the cursor the backend received for an inline request."""
        if "inlineCompletionProvider" not in self.caps:
            self.skipTest("inline completion is not in this build yet (document checks need it)")
        before = len(self.fs.requests())
        _, error = self.c.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character},
            "context": {"triggerKind": 1}})
        self.assertIsNone(error)
        reqs = [r for r in self.fs.requests()[before:] if r.get("api")]
        self.assertTrue(reqs, "no upstream request")
        body = reqs[-1]["body"]
        return body["prompt"], body.get("suffix", "")


class MalformedJsonTest(BadInputBase):
    def test_deeply_nested_arrays(self):
        depth = 100000
        body = b'{"jsonrpc":"2.0","id":41,"method":"no/such","params":' + b"[" * depth + b"]" * depth + b"}"
        self.c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        body = b'{"jsonrpc":"2.0","id":42,"method":"x","params":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"
        self.c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        # Too deep to parse: a parse error (id unknown, so null), not a crash or a stack overflow.
        self.c.wait_for(lambda: len([m for m in self.c.messages if "method" not in m and m.get("id") is None
                                     and m["error"]["code"] in (-32700, -32600)]) >= 2)
        self.alive()
        self.finish()

    def test_huge_flat_json_within_limit(self):
        self.c.send({"jsonrpc": "2.0", "id": 43, "method": "no/such", "params": list(range(300000))})
        self.assertEqual(self.c.wait_response(43, timeout=20)["error"]["code"], -32601)
        self.c.send({"jsonrpc": "2.0", "id": 44, "method": "workspace/executeCommand",
                     "params": {"command": "switchboard.explainRoute", "arguments": [{"k%d" % i: i for i in range(50000)}]}})
        self.assertEqual(self.c.wait_response(44, timeout=20)["result"]["strategy"], "fallback")   # unknown keys ignored
        self.alive()
        self.finish()

    def test_invalid_utf8_in_json(self):
        for raw in (b'{"jsonrpc":"2.0","id":51,"method":"no/su\xffch"}',
                    b'{"jsonrpc":"2.0","id":52,"method":"no/such","params":{"s":"\xc3\x28\xed\xa0\x80\xf8"}}',
                    b'{"jsonrpc":"2.0","id":53,"method":"no/such","params":{"s":"\\udc00\\ud800"}}',
                    b'\xef\xbb\xbf{"jsonrpc":"2.0","id":54,"method":"no/such"}'):
            self.c.send_raw(b"Content-Length: %d\r\n\r\n" % len(raw) + raw)
        # 51: answered by id although its method name is not UTF-8 (the reply says U+FFFD);
        # 53: escaped lone surrogates are not valid JSON text: a parse error with id null.
        self.assertEqual(self.c.wait_response(51)["error"]["code"], -32601)
        self.assertIn("\ufffd", self.c.wait_response(51)["error"]["message"])
        for rid in (52, 54):
            self.assertEqual(self.c.wait_response(rid)["error"]["code"], -32601)
        self.alive()
        self.assertEqual(self.c.unparsed, [])
        self.finish()

    def test_invalid_utf8_document_text_is_kept(self):
        # An open document with bytes that are not UTF-8: kept byte for byte and edited.
        text = b"a = '\xff\xfe'\nb = 2\n"
        body = (b'{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"%s",'
                b'"languageId":"python","version":1,"text":"%s"}}}' % (DOC.encode(), text.replace(b"\n", b"\\n")))
        self.c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.c.change(DOC, 2, [{"range": {"start": {"line": 1, "character": 4},
                                          "end": {"line": 1, "character": 5}}, "text": "3"}])
        prompt, suffix = self.prompt_for(DOC, 1, 5)
        self.assertTrue(prompt.endswith("b = 3"), prompt)
        self.assertTrue(prompt.startswith("a = '"), prompt)
        self.finish()


class WrongTypesTest(BadInputBase):
    def test_every_method_with_wrong_types(self):
        text = "def keep(x):\n    return x\n"
        self.c.open(DOC, text, "python")
        rids, sent = [], {}
        for method in REQUESTS:
            for params in BAD_PARAMS:
                msg = {"jsonrpc": "2.0", "id": 1000 + len(rids), "method": method}
                if params is not None:
                    msg["params"] = params
                self.c.send(msg)
                rids.append(msg["id"])
                sent[msg["id"]] = "%s %s" % (method, json.dumps(params)[:80])
        for method in NOTIFICATIONS:
            for params in BAD_PARAMS:
                if method == "textDocument/didClose" and isinstance(params, dict) and \
                        isinstance(params.get("textDocument"), dict) and params["textDocument"].get("uri") == DOC:
                    continue       # a valid close of the document under test
                msg = {"jsonrpc": "2.0", "method": method}
                if params is not None:
                    msg["params"] = params
                self.c.send(msg)
        for rid in rids:
            with self.subTest(request=sent[rid]):
                msg = self.c.wait_response(rid, timeout=15)
                if "error" in msg:
                    self.assertIsInstance(msg["error"]["code"], int, msg)
                    self.assertTrue(msg["error"]["message"], msg)
                else:
                    self.assertIn("result", msg)
        # No notification was answered.
        answered = {m.get("id") for m in self.c.messages if "method" not in m}
        self.assertTrue(answered - {None} <= set(rids) | {1}, answered)
        self.alive()
        # The document is intact after all that.
        prompt, suffix = self.prompt_for(DOC, 1, 4)
        self.assertEqual(prompt + suffix, text)
        self.finish()

    def test_positions_out_of_range_and_unknown_documents(self):
        text = "x = 1\ny = \u00e9\U0001F600\n"
        self.c.open(DOC, text, "python")
        rids = []
        for method in ("textDocument/inlineCompletion", "textDocument/completion", "textDocument/codeAction"):
            for uri in (DOC, "file:///tmp/sb-bad/never-opened.py", "not a uri", ""):
                for pos in ({"line": 0, "character": 10 ** 6}, {"line": 10 ** 6, "character": 0},
                            {"line": 2 ** 31 - 1, "character": 2 ** 31 - 1}, {"line": 1, "character": 6}):
                    params = {"textDocument": {"uri": uri}, "position": pos, "context": {"triggerKind": 1},
                              "range": {"start": pos, "end": {"line": 0, "character": 0}}}
                    rids.append(self.c.request_async(method, params))
        for rid in rids:
            msg = self.c.wait_response(rid, timeout=15)
            self.assertTrue("result" in msg or msg["error"]["message"], msg)
        self.c.change("file:///tmp/sb-bad/never-opened.py", 5, [{"text": "lost"}])
        self.c.close_document("file:///tmp/sb-bad/never-opened.py")
        self.c.change(DOC, 1, [{"range": {"start": {"line": 99, "character": 0},
                                          "end": {"line": 99, "character": 3}}, "text": "!"}])
        # An out-of-range edit clamps to the end (LSP: positions past the end mean the end).
        prompt, suffix = self.prompt_for(DOC, 1, 3)
        self.assertEqual(prompt + suffix, text + "!")
        self.finish()


class TruncatedFrameTest(unittest.TestCase):
    def test_truncated_body_at_eof(self):
        with LspClient() as c:
            c.initialize()
            c.send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":9,")
            c.close_stdin()
            code = c.wait_exit(timeout=10)
            self.assertIn(code, (0, 1))   # EOF without exit: 1, as the spec says for exit without shutdown

    def test_truncated_header_at_eof(self):
        with LspClient() as c:
            c.initialize()
            c.send_raw(b"Content-Len")
            c.close_stdin()
            self.assertIn(c.wait_exit(timeout=10), (0, 1))


if __name__ == "__main__":
    unittest.main()
