"""An invalid configuration file never widens where code goes (issue #14, item 15).

At start-up the server serves nothing until the file is fixed: no connection to any
provider (cloud keys in the environment notwithstanding), every model request answers
with an error naming the file, the JSON path and the problem, and the editor is told
once with window/showMessage; a reload (switchboard.reloadConfig, or
didChangeConfiguration) that makes it valid then serves. A reload that is invalid keeps
the last valid configuration. Zero-config applies only when there is no file.

Cloud providers are never reached: HTTPS_PROXY points at a local listener that counts
connections and answers none, and the zero-config probes of local servers point at it
too, so any attempt to go anywhere shows up as a connection there."""
import json
import os
import socket
import tempfile
import threading
import time
import unittest

from fake_server import FakeServer
from lsp_client import LspClient

KEY_ENV = "SB_INVALID_CFG_TEST_KEY"
CLOUD_KEYS = ("DEEPSEEK_API_KEY", "MISTRAL_API_KEY", "CODESTRAL_API_KEY", "ANTHROPIC_API_KEY",
              "OPENAI_API_KEY", "GEMINI_API_KEY", "OPENROUTER_API_KEY")
REQUEST_FAILED = -32803


class CountingListener:
    """Accepts TCP connections, counts them and closes them at once."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.closed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.count += 1
            conn.close()

    def close(self):
        self.closed = True
        self.sock.close()


class InvalidConfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-invalid-cfg-")
        self.addCleanup(self.tmp.cleanup)
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.fs.default(text="value + 1", token_size=4)
        self.trap = CountingListener()
        self.addCleanup(self.trap.close)
        self.path = os.path.join(self.tmp.name, "config.json")
        self.client = None

    def tearDown(self):
        if self.client is not None:
            try:
                self.assertEqual(self.client.shutdown_and_exit(), 0)
            finally:
                self.client.close()

    def config(self, task="inline"):
        """A local-only configuration: one model on the fake server."""
        return {
            "providers": {"mine": {"kind": "openai-completions", "base_url": self.fs.url,
                                   "api_key_env": KEY_ENV}},
            "models": {"mine": {"provider": "mine", "model": "my-local-model",
                                "price": {"input": 0, "output": 0}}},
            "routes": [{"when": {"task": task}, "targets": ["mine"]},
                       {"when": {}, "targets": ["mine"]}],
            "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False},
            "ledger": {"path": os.path.join(self.tmp.name, "ledger.jsonl")},
        }

    def write(self, doc):
        with open(self.path, "w") as f:
            json.dump(doc, f)

    def start(self, doc):
        self.write(doc)
        trap = "http://127.0.0.1:%d" % self.trap.port
        env = {KEY_ENV: "test-key-not-real-0001", "XDG_STATE_HOME": self.tmp.name,
               "XDG_CONFIG_HOME": self.tmp.name, "HTTPS_PROXY": trap, "https_proxy": trap,
               "HTTP_PROXY": trap, "http_proxy": trap, "SWITCHBOARD_OLLAMA_URL": trap,
               "SWITCHBOARD_LLAMACPP_URL": trap, "SWITCHBOARD_NO_PROBE_LOCAL": "0"}
        env.update({k: "sk-not-a-real-key-0123456789" for k in CLOUD_KEYS})
        self.client = LspClient(args=["--stdio", "--config", self.path], env=env)
        result, error = self.client.initialize(
            capabilities={"textDocument": {"inlineCompletion": {}, "codeAction": {}}},
            root_uri="file://" + self.tmp.name, timeout=5)
        self.assertIsNone(error)
        self.doc = "file://%s/a.py" % self.tmp.name
        self.client.open(self.doc, "x = ", "python")

    def inline(self, trigger=1):
        return self.client.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": self.doc}, "position": {"line": 0, "character": 4},
            "context": {"triggerKind": trigger}})

    def code_actions(self):
        return self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": self.doc},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 4}},
            "context": {"diagnostics": []}})

    def upstream(self):
        return [r for r in self.fs.requests() if r.get("api")]

    def show_messages(self):
        return [p["message"] for p in self.client.notifications_of("window/showMessage")]

    def test_startup_invalid_serves_nothing_and_says_why_once(self):
        self.start(self.config(task="inlin"))
        problem = "config.json: routes[0].when.task"
        for trigger in (1, 2):   # invoked and automatic
            result, error = self.inline(trigger)
            self.assertIsNone(result)
            self.assertEqual(error["code"], REQUEST_FAILED)
            self.assertIn(problem, error["message"])
            self.assertIn("inlin", error["message"])
        result, error = self.code_actions()
        self.assertEqual(error["code"], REQUEST_FAILED)
        self.assertIn(problem, error["message"])
        result, error = self.client.execute_command("switchboard.runAction", [{"uri": self.doc}])
        self.assertEqual(error["code"], REQUEST_FAILED)
        self.assertIn(problem, error["message"])
        shown = [m for m in self.show_messages() if problem in m]
        self.assertEqual(len(shown), 1, self.show_messages())
        self.assertEqual(len(self.show_messages()), 1, self.show_messages())
        # The explanation says so too, and nothing went anywhere.
        result, error = self.client.execute_command("switchboard.explainRoute", [{"task": "inline"}])
        self.assertIn(problem, json.dumps(result if error is None else error))
        self.assertEqual(self.upstream(), [])
        time.sleep(0.3)   # let any stray connection attempt land before counting
        self.assertEqual(self.trap.count, 0)

    def test_startup_invalid_then_fixed_file_and_reload_serves(self):
        self.start(self.config(task="inlin"))
        self.assertEqual(self.inline()[1]["code"], REQUEST_FAILED)
        # Still invalid: still nothing served, said again for this reload.
        result, error = self.client.execute_command("switchboard.reloadConfig")
        self.assertFalse((result or {}).get("ok", False), result)
        self.assertEqual(self.inline()[1]["code"], REQUEST_FAILED)
        self.write(self.config())
        result, error = self.client.execute_command("switchboard.reloadConfig")
        self.assertIsNone(error)
        self.assertTrue(result["ok"], result)
        result, error = self.inline()
        self.assertIsNone(error)
        self.assertEqual(result["items"][0]["insertText"], "value + 1")
        self.assertEqual([r["model"] for r in self.upstream()], ["my-local-model"])
        self.assertEqual(self.trap.count, 0)

    def test_startup_invalid_then_editor_settings_fix_it(self):
        self.start(self.config(task="inlin"))
        self.assertEqual(self.inline()[1]["code"], REQUEST_FAILED)
        self.client.notify("workspace/didChangeConfiguration", {"settings": {"switchboard": {
            "routes": [{"when": {}, "targets": ["mine"]}]}}})
        result, error = self.client.execute_command("switchboard.stats")   # ordered after it
        result, error = self.inline()
        self.assertIsNone(error)
        self.assertEqual(result["items"][0]["insertText"], "value + 1")
        self.assertEqual(self.trap.count, 0)

    def test_reload_invalid_keeps_the_last_valid_configuration(self):
        self.start(self.config())
        result, error = self.inline()
        self.assertIsNone(error)
        self.write(self.config(task="inlin"))
        result, error = self.client.execute_command("switchboard.reloadConfig")
        self.assertFalse((result or {}).get("ok", False), result)
        self.assertTrue(any("routes[0].when.task" in m and "keeping the last good one" in m
                            for m in self.show_messages()), self.show_messages())
        self.client.change(self.doc, 2, [{"text": "y = "}])
        result, error = self.inline()
        self.assertIsNone(error)
        self.assertEqual(result["items"][0]["insertText"], "value + 1")
        # the inline requests (the edit also brings a next-edit prediction: same model)
        inline = [r for r in self.upstream() if "editable_region" not in json.dumps(r["body"])]
        self.assertEqual([r["model"] for r in inline], ["my-local-model"] * 2)
        self.assertEqual({r["model"] for r in self.upstream()}, {"my-local-model"})
        self.assertEqual(self.trap.count, 0)


if __name__ == "__main__":
    unittest.main()
