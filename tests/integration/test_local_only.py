"""privacy.local_only (issue 16 item 9): requests from marked paths go only to models on
this machine (loopback endpoints), fallback never crosses to a cloud model, and with no
local model the request fails with a message that says why. The cloud endpoint here is
an https URL of a reserved name: were it ever tried, the error would be a network one,
not the local-only refusal the tests expect."""
import json
import os
import subprocess
import tempfile
import time
import unittest

from fake_server import FakeServer
from lsp_client import LspClient, binary_path

KEY_ENV = "SB_TEST_FAKE_KEY"
SECRET_DOC = "file:///tmp/sb-ws/secret-client/app.py"
PLAIN_DOC = "file:///tmp/sb-ws/app/app.py"


class LocalOnly(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-local-only-")
        self.addCleanup(self.tmp.cleanup)
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.fs.default(text="x + 1", token_size=4)
        self.ledger = os.path.join(self.tmp.name, "ledger.jsonl")
        self.env = {KEY_ENV: "test-key-not-real-0003", "XDG_STATE_HOME": self.tmp.name,
                    "XDG_CONFIG_HOME": self.tmp.name}

    def config(self, targets):
        cfg = {
            "providers": {"cloud": {"kind": "openai", "base_url": "https://cloud.example.invalid",
                                    "api_key_env": KEY_ENV},
                          "local": {"kind": "openai-completions", "base_url": self.fs.url}},
            "models": {"big": {"provider": "cloud", "model": "m-big", "price": {"input": 3, "output": 15}},
                       "small": {"provider": "local", "model": "m-small", "price": {"input": 0, "output": 0}}},
            "routes": [{"when": {"task": "inline"}, "targets": targets},
                       {"when": {}, "targets": targets}],
            "inline": {"debounce_ms": 0, "candidates": 1, "snippets": True, "cache_entries": 0},
            "privacy": {"local_only": ["**/secret-client/**"]},
            "ledger": {"path": self.ledger},
        }
        path = os.path.join(self.tmp.name, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        return path

    def start(self, targets, init_options=None):
        c = LspClient(args=["--stdio", "--config", self.config(targets)], env=self.env)
        self.addCleanup(c.close)
        _, error = c.initialize(capabilities={"textDocument": {"inlineCompletion": {}}},
                                initialization_options=init_options, timeout=10)
        self.assertIsNone(error)
        return c

    def inline(self, c, uri, text="y = "):
        c.open(uri, text, "python")
        return c.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": len(text)},
            "context": {"triggerKind": 2}}, timeout=15)

    def attempts(self):
        deadline = time.time() + 5
        while time.time() < deadline:
            if os.path.exists(self.ledger):
                with open(self.ledger) as f:
                    lines = [json.loads(l) for l in f if l.strip()]
                if lines:
                    return [l for l in lines if "outcome" in l]
            time.sleep(0.05)
        return []

    def explain(self, c, path):
        result, error = c.execute_command("switchboard.explainRoute", [{"task": "inline", "path": path}])
        self.assertIsNone(error)
        return result

    def test_a_local_only_file_is_served_by_the_local_model(self):
        c = self.start(["big", "small"])
        result, error = self.inline(c, SECRET_DOC)
        self.assertIsNone(error)
        items = result["items"] if isinstance(result, dict) else result
        self.assertTrue(items)
        self.assertEqual(items[0]["command"]["arguments"][1], "small")
        self.assertEqual(c.shutdown_and_exit(), 0)
        self.assertEqual({a["model"] for a in self.attempts()}, {"small"})

    def test_fallback_never_crosses_to_the_cloud(self):
        self.fs.default(error="server_error")
        c = self.start(["small", "big"])
        result, error = self.inline(c, SECRET_DOC)
        items = (result or {}).get("items", []) if isinstance(result, dict) else (result or [])
        self.assertFalse(items)
        self.assertEqual(c.shutdown_and_exit(), 0)
        models = [a["model"] for a in self.attempts()]
        self.assertIn("small", models)
        self.assertNotIn("big", models)

    def test_no_local_model_fails_with_a_clear_message(self):
        c = self.start(["big"])
        plan = self.explain(c, "/tmp/sb-ws/secret-client/app.py")
        self.assertEqual(plan["usable"], 0)
        self.assertEqual(plan["targets"][0]["code"], "local-only")
        self.assertIn("not on this machine", plan["targets"][0]["reason"])
        c.open(SECRET_DOC, "y = ", "python")
        result, error = c.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": SECRET_DOC}, "position": {"line": 0, "character": 4},
            "context": {"triggerKind": 2}}, timeout=15)
        self.assertEqual(c.shutdown_and_exit(), 0)
        self.assertEqual(self.attempts(), [])   # nothing was tried, not even the cloud model

    def test_code_action_titles_name_the_local_model(self):
        """The menu names the model that will serve: the local one for a local-only file,
        the first (cloud) target elsewhere."""
        c = self.start(["big", "small"])
        titles = {}
        for uri in (SECRET_DOC, PLAIN_DOC):
            c.open(uri, "def f(x):\n    return x\n", "python")
            acts, error = c.request("textDocument/codeAction", {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 12}},
                "context": {"diagnostics": []}})
            self.assertIsNone(error)
            titles[uri] = [a["title"] for a in acts if a["title"].startswith("AI: Refactor")]
        self.assertEqual(titles[SECRET_DOC], ["AI: Refactor (small)"])
        self.assertEqual(titles[PLAIN_DOC], ["AI: Refactor (big)"])
        self.assertEqual(c.shutdown_and_exit(), 0)

    def test_other_files_may_use_the_cloud(self):
        c = self.start(["big", "small"])
        plan = self.explain(c, "/tmp/sb-ws/app/app.py")
        self.assertEqual(plan["targets"][0]["model"], "big")
        self.assertFalse(plan["targets"][0]["skipped"])
        self.assertEqual(c.shutdown_and_exit(), 0)

    def test_editor_settings_cannot_lift_local_only(self):
        c = self.start(["big", "small"], init_options={"privacy": {"local_only": []}})
        plan = self.explain(c, "/tmp/sb-ws/secret-client/app.py")
        self.assertEqual(plan["targets"][0]["code"], "local-only")
        self.assertEqual(c.shutdown_and_exit(), 0)

    def test_route_command_shows_it(self):
        out = subprocess.run([binary_path(), "route", "--config", self.config(["big", "small"]),
                              "--task", "inline", "--path", "/tmp/sb-ws/secret-client/app.py"],
                             capture_output=True, text=True, timeout=30, env=dict(os.environ, **self.env))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("local-only file (privacy.local_only): cloud is not on this machine", out.stdout)
        first = [l for l in out.stdout.splitlines() if l.lstrip().startswith("1.")][0]
        self.assertIn("small", first)


if __name__ == "__main__":
    unittest.main()
