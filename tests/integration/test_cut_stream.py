"""A 200 stream that ends cleanly before the API's end marker is a cut answer: the
router fails over instead of showing it, and the ledger records a network outcome."""
import json
import os
import tempfile
import unittest

from fake_server import FakeServer
from lsp_client import LspClient

PARTIAL = ('data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,'
           '"delta":{"content":"half an ans"},"finish_reason":null}]}\n\n')


class CutStreamTest(unittest.TestCase):
    def test_cut_stream_fails_over(self):
        with tempfile.TemporaryDirectory() as tmp, FakeServer() as fs:
            cfg = {
                "providers": {"a": {"kind": "openai", "base_url": fs.url + "/v1"},
                              "b": {"kind": "ollama", "base_url": fs.url}},
                "models": {"first": {"provider": "a", "model": "first-model"},
                           "second": {"provider": "b", "model": "second-model", "fim": "native"}},
                "routes": [{"when": {}, "targets": ["first", "second"]}],
                "retry": {"max_retries": 0},
                "inline": {"debounce_ms": 0},
            }
            path = os.path.join(tmp, "config.json")
            with open(path, "w") as f:
                json.dump(cfg, f)
            fs.rule(match={"model": "first-model"}, error="server_error", status=200,
                    body=PARTIAL, headers={"content-type": "text/event-stream"})
            fs.rule(match={"model": "second-model"}, text="x = 1")
            env = {"XDG_STATE_HOME": tmp, "SWITCHBOARD_NO_PROBE_LOCAL": "1"}
            with LspClient(args=["--stdio", "--config", path], env=env) as c:
                c.initialize(capabilities={"textDocument": {"inlineCompletion": {}}})
                uri = "file://" + os.path.join(tmp, "a.py")
                c.open(uri, "value = ", "python")
                result, error = c.request("textDocument/inlineCompletion", {
                    "textDocument": {"uri": uri}, "position": {"line": 0, "character": 8},
                    "context": {"triggerKind": 2}}, timeout=15)
                self.assertIsNone(error)
                items = result["items"] if isinstance(result, dict) else result
                self.assertTrue(items)
                self.assertNotIn("half", items[0]["insertText"])
                self.assertIn("x = 1", items[0]["insertText"])
                self.assertEqual(c.shutdown_and_exit(), 0)
            models = [r.get("model") for r in fs.requests() if r.get("model")]
            self.assertEqual(models, ["first-model", "second-model"])
            with open(os.path.join(tmp, "switchboard", "ledger.jsonl")) as f:
                lines = [json.loads(l) for l in f if '"outcome"' in l]
            self.assertEqual([(l["model"], l["outcome"]) for l in lines],
                             [("first", "network"), ("second", "ok")])


if __name__ == "__main__":
    unittest.main()
