"""Start-up: what happens between the process start and the first suggestion.

The initialize response goes out before the services start (configuration, local
server probes, the HTTP engine and TLS, the ledger, connection warming), so an
editor is not kept waiting for them; connections are warmed once, to the hosts of
the inline targets only."""
import json
import os
import tempfile
import unittest

from lsp_client import LspClient

from fake_server import FakeServer


class TestInitializeFirst(unittest.TestCase):
    def test_initialize_is_answered_before_the_services_start(self):
        # No key, no file, no local server: starting the services shows "No model
        # provider found". That message must come after the initialize response.
        with tempfile.TemporaryDirectory(prefix="sb-start-") as tmp:
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
                   "XDG_CONFIG_HOME": tmp, "XDG_STATE_HOME": tmp,
                   "SWITCHBOARD_NO_PROBE_LOCAL": "1"}
            client = LspClient(args=["--stdio"], env=env, clean_env=True)
            try:
                rid = client.request_async("initialize", {"processId": None, "capabilities": {}})
                client.wait_response(rid, timeout=10)
                client.wait_notification("window/showMessage",
                                         lambda p: "No model provider" in p.get("message", ""))
                order = [m.get("method") or ("response %s" % m.get("id")) for m in client.messages]
                shown = next(i for i, m in enumerate(client.messages)
                             if m.get("method") == "window/showMessage")
                answered = order.index("response %s" % rid)
                self.assertLess(answered, shown, order)
                self.assertEqual(client.shutdown_and_exit(), 0)
            finally:
                client.close()


class TestCurlLoadedLate(unittest.TestCase):
    def test_without_a_usable_libcurl_the_server_answers_and_keeps_running(self):
        # libcurl and its thirty-odd dependencies are opened on first use, after the
        # initialize response. A broken libcurl.so.4 found first on the library path
        # used to stop the process before main(); now initialize is answered, the
        # failure is reported once, and the server keeps answering without providers.
        with tempfile.TemporaryDirectory(prefix="sb-nocurl-") as tmp:
            with open(os.path.join(tmp, "libcurl.so.4"), "w") as f:
                f.write("not a shared library\n")
            env = {"LD_LIBRARY_PATH": tmp, "XDG_CONFIG_HOME": tmp, "XDG_STATE_HOME": tmp,
                   "SWITCHBOARD_NO_PROBE_LOCAL": "1"}
            client = LspClient(args=["--stdio"], env=env)
            try:
                result, error = client.initialize(timeout=10)
                self.assertIsNone(error)
                self.assertIn("inlineCompletionProvider", result["capabilities"])
                client.wait_stderr("libcurl.so.4 could not be loaded")
                doc = "file:///tmp/sb-nocurl/x.py"
                client.open(doc, "x = ", "python")
                result, error = client.request("textDocument/inlineCompletion", {
                    "textDocument": {"uri": doc}, "position": {"line": 0, "character": 4},
                    "context": {"triggerKind": 2}})
                self.assertIsNone(error)
                self.assertEqual(result["items"], [])
                self.assertEqual(client.shutdown_and_exit(), 0)
            finally:
                client.close()


class TestWarming(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-warm-")
        self.addCleanup(self.tmp.cleanup)
        self.inline_fs = FakeServer().start()
        self.addCleanup(self.inline_fs.stop)
        self.other_fs = FakeServer().start()
        self.addCleanup(self.other_fs.stop)

    def start(self, routes, inline=None):
        cfg = {"providers": {"fast": {"kind": "openai-completions", "base_url": self.inline_fs.url},
                             "deep": {"kind": "openai", "base_url": self.other_fs.url}},
               "models": {"fast": {"provider": "fast", "model": "fast-model"},
                          "deep": {"provider": "deep", "model": "deep-model"}},
               "routes": routes, "inline": inline or {"debounce_ms": 0},
               "ledger": {"path": os.path.join(self.tmp.name, "ledger.jsonl")}}
        path = os.path.join(self.tmp.name, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        env = {"XDG_STATE_HOME": self.tmp.name, "XDG_CONFIG_HOME": self.tmp.name}
        client = LspClient(args=["--stdio", "--config", path], env=env)
        self.addCleanup(client.close)
        _, error = client.initialize(timeout=10)
        self.assertIsNone(error)
        return client

    def settle(self, client):
        """A request round trip after the warm-ups were started, then the HEADs are in."""
        client.request("workspace/executeCommand", {"command": "switchboard.stats", "arguments": []})
        self.inline_fs.wait_for(lambda: self.inline_fs.stats()["head_requests"] >= 1, timeout=5)

    def test_inline_targets_warmed_once_catch_all_not(self):
        client = self.start([{"when": {"task": "inline"}, "targets": ["fast"]},
                             {"when": {}, "targets": ["deep", "fast"]}])
        self.settle(client)
        # a second warm-up would race the first; give it the same round trip to show
        client.request("workspace/executeCommand", {"command": "switchboard.stats", "arguments": []})
        self.assertEqual(self.inline_fs.stats()["head_requests"], 1)
        self.assertEqual(self.other_fs.stats()["head_requests"], 0)
        self.assertEqual(client.shutdown_and_exit(), 0)

    def test_catch_all_warmed_when_it_serves_inline(self):
        # An inline rule limited to one language leaves the catch-all serving the rest.
        client = self.start([{"when": {"task": "inline", "language": "python"}, "targets": ["fast"]},
                             {"when": {}, "targets": ["deep"]}])
        self.settle(client)
        self.other_fs.wait_for(lambda: self.other_fs.stats()["head_requests"] >= 1, timeout=5)
        self.assertEqual(self.inline_fs.stats()["head_requests"], 1)
        self.assertEqual(self.other_fs.stats()["head_requests"], 1)
        self.assertEqual(client.shutdown_and_exit(), 0)

    def test_nothing_warmed_with_inline_disabled(self):
        client = self.start([{"when": {}, "targets": ["fast"]}],
                            inline={"enabled": False})
        client.request("workspace/executeCommand", {"command": "switchboard.stats", "arguments": []})
        self.assertEqual(self.inline_fs.stats()["head_requests"], 0)
        self.assertEqual(client.shutdown_and_exit(), 0)


if __name__ == "__main__":
    unittest.main()
