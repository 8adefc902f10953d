"""The user stays in charge (issue 16 item 10): switchboard.pin puts a chosen model
first for a task (and language) until unpinned or reload, without getting around a
missing key; switchboard.toggleInline turns suggestions off and on, globally or per
buffer, without a restart. Both show in switchboard/status."""
import json
import os
import tempfile
import unittest

from fake_server import FakeServer
from lsp_client import LspClient

ROOT = "/tmp/sb-pin-ws"
KEY_ENV = "SB_TEST_FAKE_KEY"
PY = "file://%s/a.py" % ROOT
GO = "file://%s/b.go" % ROOT


class PinAndToggle(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-pin-")
        self.addCleanup(self.tmp.cleanup)
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.fs.default(text="total + 1", token_size=4)
        cfg = {
            "providers": {"p": {"kind": "openai-completions", "base_url": self.fs.url,
                                "api_key_env": KEY_ENV},
                          "nokey": {"kind": "openai-completions", "base_url": self.fs.url,
                                    "api_key_env": "SB_TEST_UNSET_KEY_XYZ"}},
            "models": {"cheap": {"provider": "p", "model": "m-cheap"},
                       "strong": {"provider": "p", "model": "m-strong"},
                       "keyless": {"provider": "nokey", "model": "m-keyless"}},
            "routes": [{"when": {}, "targets": ["cheap", "strong"]}],
            "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False, "cache_entries": 0},
            "ledger": {"path": os.path.join(self.tmp.name, "ledger.jsonl")},
        }
        path = os.path.join(self.tmp.name, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        env = {KEY_ENV: "test-key-not-real-0003", "XDG_STATE_HOME": self.tmp.name,
               "XDG_CONFIG_HOME": self.tmp.name}
        env.pop("SB_TEST_UNSET_KEY_XYZ", None)
        self.c = LspClient(args=["--stdio", "--config", path], env=env)
        self.addCleanup(self.c.close)
        _, error = self.c.initialize(capabilities={"textDocument": {"inlineCompletion": {}}},
                                     root_uri="file://" + ROOT, timeout=10)
        self.assertIsNone(error)
        self.c.open(PY, "x = 1\ny = ", "python")
        self.c.open(GO, "x := 1\ny := ", "go")

    def complete(self, uri):
        result, error = self.c.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": uri}, "position": {"line": 1, "character": 4},
            "context": {"triggerKind": 1}}, timeout=10)
        self.assertIsNone(error)
        return result["items"] if isinstance(result, dict) else result

    def model_of(self, uri):
        items = self.complete(uri)
        self.assertTrue(items)
        return items[0]["command"]["arguments"][1]

    def test_pin_leads_per_language_shows_in_status_and_explain(self):
        self.assertEqual(self.model_of(PY), "cheap")
        result, error = self.c.execute_command(
            "switchboard.pin", [{"task": "inline", "language": "python", "model": "strong"}])
        self.assertIsNone(error)
        self.assertEqual(result["pins"], [{"task": "inline", "language": "python", "model": "strong"}])
        status = self.c.wait_notification("switchboard/status", lambda p: p.get("pins"))
        self.assertEqual(status["pins"][0]["model"], "strong")
        self.assertEqual(self.model_of(PY), "strong")
        self.assertEqual(self.model_of(GO), "cheap")   # the pin names python only
        explained, error = self.c.execute_command("switchboard.explainRoute",
                                                  [{"task": "inline", "language": "python"}])
        self.assertIsNone(error)
        self.assertEqual(explained["pinned"], "strong")
        self.assertEqual(explained["targets"][0]["model"], "strong")
        self.assertTrue(explained["targets"][0]["pinned"])
        self.assertIn("pinned: strong", explained["text"])
        # Unpin (model null) gives the rule back.
        result, error = self.c.execute_command(
            "switchboard.pin", [{"task": "inline", "language": "python", "model": None}])
        self.assertIsNone(error)
        self.assertEqual(result["pins"], [])
        self.assertEqual(self.model_of(PY), "cheap")

    def test_pin_never_gets_around_a_missing_key_and_reload_clears_it(self):
        result, error = self.c.execute_command("switchboard.pin",
                                               [{"task": "inline", "model": "keyless"}])
        self.assertIsNone(error)
        explained, _ = self.c.execute_command("switchboard.explainRoute", [{"task": "inline"}])
        self.assertTrue(explained["targets"][0]["skipped"])
        self.assertIn("pinned, but cannot serve: no key", explained["targets"][0]["reason"])
        self.assertEqual(self.model_of(PY), "cheap")
        self.assertFalse(any("m-keyless" in json.dumps(r) for r in self.fs.requests()))
        self.c.execute_command("switchboard.pin", [{"task": "refactor", "model": "strong"}])
        result, _ = self.c.execute_command("switchboard.pin", [])
        self.assertEqual(len(result["pins"]), 2)
        _, error = self.c.execute_command("switchboard.reloadConfig")
        self.assertIsNone(error)
        result, _ = self.c.execute_command("switchboard.pin")
        self.assertEqual(result["pins"], [])

    def test_bad_pins_get_clear_errors_and_the_server_keeps_running(self):
        for args, words in (([{"task": "inline", "model": "nope"}], "unknown model 'nope'"),
                            ([{"task": "dance", "model": "strong"}], "unknown task 'dance'"),
                            ([{"task": "inline", "model": 3}], "must be strings"),
                            (["inline"], "{task, language?, model}")):
            _, error = self.c.execute_command("switchboard.pin", args)
            self.assertIsNotNone(error, args)
            self.assertIn(words, error["message"])
        self.assertEqual(self.model_of(PY), "cheap")

    def test_toggle_inline_globally_and_per_buffer(self):
        before = len(self.fs.requests())
        result, error = self.c.execute_command("switchboard.toggleInline", [{}])
        self.assertIsNone(error)
        self.assertFalse(result["enabled"])
        status = self.c.wait_notification("switchboard/status",
                                          lambda p: p.get("inline_enabled") is False)
        self.assertEqual(status["inline_buffers"], {})
        self.assertEqual(self.complete(PY), [])
        self.assertEqual(len(self.fs.requests()), before)   # nothing went upstream
        # One buffer back on while the rest stay off.
        result, error = self.c.execute_command("switchboard.toggleInline",
                                               [{"uri": PY, "enabled": True}])
        self.assertIsNone(error)
        self.assertTrue(result["uri_enabled"])
        self.assertTrue(self.complete(PY))
        self.assertEqual(self.complete(GO), [])
        # Everything on again; then one buffer off by flipping it.
        self.c.execute_command("switchboard.toggleInline", [{"enabled": True}])
        result, _ = self.c.execute_command("switchboard.toggleInline", [{"uri": GO}])
        self.assertTrue(result["enabled"])
        self.assertFalse(result["uri_enabled"])
        self.assertEqual(self.complete(GO), [])
        self.assertTrue(self.complete(PY))
        _, error = self.c.execute_command("switchboard.toggleInline", [{"enabled": "yes"}])
        self.assertIsNotNone(error)
        self.assertIn("enabled must be a boolean", error["message"])


if __name__ == "__main__":
    unittest.main()
