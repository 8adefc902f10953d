"""Security: keys never appear in any output; the editor cannot make the server run a
program or write outside its state directory; only switchboard's own commands run; plain
http to a non-loopback host is refused; files the server writes are 0600.

Every scenario runs at debug level with known fake keys in the environment, against a fake
model server whose error bodies and messages echo the keys, and all output is searched:
CLI stdout/stderr, the server's stderr and log file, every LSP message (traces included),
and every file under the state directory (ledger)."""
import json
import os
import stat
import subprocess
import tempfile
import unittest

from fake_server import FakeServer
from lsp_client import LspClient, binary_path

KEY_A = "sk-proj-FAKEsecretAAAA1111bbbb2222cccc3333"
KEY_B = "sk-ant-api03-FAKEsecretBBBB4444dddd5555eeee"
KEY_C = "AIzaFAKEsecretCCCC6666ffff7777gggg8888"
KEYS = [KEY_A, KEY_B, KEY_C]
# Parts that would betray a key even when cut or prefixed differently.
FRAGMENTS = ["FAKEsecretAAAA1111", "FAKEsecretBBBB4444", "FAKEsecretCCCC6666"]


class SecurityBase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-sec-")
        self.addCleanup(self.tmp.cleanup)
        self.state = os.path.join(self.tmp.name, "state")
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.fs.rule(match={"model": "model-a"}, error="auth", status=401,
                     body={"error": {"message": "Incorrect API key provided: " + KEY_A,
                                     "type": "invalid_request_error", "code": "invalid_api_key"}})
        self.fs.rule(match={"model": "model-b"}, error="server_error",
                     message="upstream failed for key " + KEY_B + " (x-api-key " + KEY_B[:20] + ")")
        self.fs.rule(match={"model": "model-c"}, text="fine()", token_size=2)
        self.config = self.write_config({
            "providers": {
                "pa": {"kind": "openai", "base_url": self.fs.url + "/v1", "api_key_env": "SB_SEC_KEY_A"},
                "pb": {"kind": "anthropic", "base_url": self.fs.url, "api_key_env": "SB_SEC_KEY_B"},
                "pc": {"kind": "openai-completions", "base_url": self.fs.url, "api_key_env": "SB_SEC_KEY_C"},
            },
            "models": {
                "ma": {"provider": "pa", "model": "model-a"},
                "mb": {"provider": "pb", "model": "model-b"},
                "mc": {"provider": "pc", "model": "model-c"},
            },
            "routes": [{"when": {}, "targets": ["ma", "mb", "mc"]}],
            "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False},
            "retry": {"max_retries": 0},
        })
        self.env = dict(os.environ, SB_SEC_KEY_A=KEY_A, SB_SEC_KEY_B=KEY_B, SB_SEC_KEY_C=KEY_C,
                        XDG_STATE_HOME=self.state, XDG_CONFIG_HOME=os.path.join(self.tmp.name, "cfg"))
        self.outputs = []      # (what, text)

    def write_config(self, cfg, name="config.json"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            json.dump(cfg, f)
        return path

    def cli(self, *args):
        p = subprocess.run([binary_path()] + list(args), env=self.env, capture_output=True,
                           timeout=30, cwd=self.tmp.name)
        self.outputs.append(("switchboard %s stdout" % " ".join(args), p.stdout.decode("utf-8", "replace")))
        self.outputs.append(("switchboard %s stderr" % " ".join(args), p.stderr.decode("utf-8", "replace")))
        return p

    def assert_no_keys(self):
        for root, _, files in os.walk(self.tmp.name):
            for f in files:
                with open(os.path.join(root, f), "rb") as fh:
                    self.outputs.append((os.path.join(root, f), fh.read().decode("utf-8", "replace")))
        checked = 0
        for what, text in self.outputs:
            if what.endswith("config.json"):
                continue
            checked += len(text)
            for secret in KEYS + FRAGMENTS:
                self.assertNotIn(secret, text, "a key appears in %s" % what)
        self.assertGreater(checked, 1000)     # the search did see output


ACTION_CAPS = {"textDocument": {"inlineCompletion": {}, "codeAction": {
                   "dataSupport": True, "resolveSupport": {"properties": ["edit"]}}},
               "workspace": {"applyEdit": True},
               "window": {"workDoneProgress": True, "showDocument": {"support": True}}}


def run_actions(test, c, caps, uri):
    """A refactor resolved and an explanation run, when the build has code actions; returns
    how many ran."""
    if "codeActionProvider" not in caps:
        return 0
    acts, err = c.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0},
                                                 "end": {"line": 2, "character": 10}},
        "context": {"diagnostics": []}}, timeout=15)
    test.assertIsNone(err)
    ran = 0
    for a in acts:
        if a["kind"] == "refactor.rewrite.switchboard":
            c.request("codeAction/resolve", a, timeout=20)
            ran += 1
        elif a["kind"] == "source.switchboard.explain" and "command" in a:
            c.request("workspace/executeCommand", a["command"], timeout=20)
            ran += 1
    test.assertEqual(ran, 2, [a["kind"] for a in acts])
    return ran


class KeysNeverShownTest(SecurityBase):
    def test_cli_commands_at_debug(self):
        self.assertEqual(self.cli("check", "--config", self.config).returncode, 0)
        p = self.cli("probe", "--config", self.config)
        out = p.stdout.decode() + p.stderr.decode()
        self.assertIn("ma", out)
        self.assertNotEqual(p.returncode, 0)              # two of the three models fail
        self.assertEqual(len([r for r in self.fs.requests() if r.get("api")]), 3)
        self.cli("route", "--task", "inline", "--config", self.config)
        self.cli("stats", "--json")
        self.cli("stats", "--by", "provider")
        self.assert_no_keys()

    def test_language_server_at_debug_with_verbose_trace(self):
        log_file = os.path.join(self.tmp.name, "server.log")
        c = LspClient(args=["--stdio", "--config", self.config, "--log-level", "debug",
                            "--log-file", log_file], env=self.env, clean_env=True)
        self.addCleanup(c.close)
        result, error = c.initialize(capabilities=ACTION_CAPS, trace="verbose",
                                     root_uri="file://" + self.tmp.name)
        self.assertIsNone(error)
        c.notify("$/setTrace", {"value": "verbose"})
        caps = result["capabilities"]
        doc = "file://%s/a.py" % self.tmp.name
        c.open(doc, "token = '%s'\ndef f():\n    return " % "SOURCE-MARKER-7f3a", "python")
        for command, args in (("switchboard.explainRoute", [{"task": "inline"}]),
                              ("switchboard.stats", [{"since": "1d"}]),
                              ("switchboard.reloadConfig", []),
                              ("switchboard.nothing", [KEY_A[:6]])):
            c.request("workspace/executeCommand", {"command": command, "arguments": args}, timeout=15)
        if "inlineCompletionProvider" in caps:
            # The route tries ma (auth error echoing the key), mb (500 echoing it), then mc.
            res, err = c.request("textDocument/inlineCompletion", {
                "textDocument": {"uri": doc}, "position": {"line": 2, "character": 11},
                "context": {"triggerKind": 1}}, timeout=15)
            self.assertIsNone(err)
            self.assertGreaterEqual(len([r for r in self.fs.requests() if r.get("api")]), 2)
        run_actions(self, c, caps, doc)
        self.assertEqual(c.shutdown_and_exit(), 0)
        self.assertTrue(c.notifications_of("$/logTrace"))
        self.outputs.append(("LSP messages", json.dumps(c.messages)))
        self.outputs.append(("server stderr", c.stderr_text()))
        # No document text in the logs either, at debug level.
        with open(log_file) as f:
            self.assertNotIn("SOURCE-MARKER-7f3a", f.read() + c.stderr_text())
        self.assert_no_keys()


class EditorCannotRunOrWriteTest(SecurityBase):
    def test_settings_cannot_run_a_program_or_move_files(self):
        canary = os.path.join(self.tmp.name, "canary-ran")
        outside = os.path.join(self.tmp.name, "outside")
        evil = {"providers": {"evil": {"kind": "openai", "base_url": "http://192.0.2.10:9",
                                       "allow_insecure": True, "api_key_cmd": ["touch", canary]}},
                "insecure_hosts": ["192.0.2.10"],
                "ledger": {"path": os.path.join(outside, "ledger.jsonl")}}
        c = LspClient(args=["--stdio", "--config", self.config], env=self.env, clean_env=True)
        self.addCleanup(c.close)
        c.initialize(initialization_options=evil)
        c.notify("workspace/didChangeConfiguration", {"settings": {"switchboard": evil}})
        c.notify("workspace/didChangeConfiguration", {"settings": evil})
        for command, args in (("switchboard.reloadConfig", [self.write_config(evil, "evil.json")]),
                              ("switchboard.stats", [{"html": os.path.join(outside, "x.html"), "since": "1d"}]),
                              ("switchboard.explainRoute", [{"path": "/etc/passwd", "config": "evil.json"}]),
                              ("/bin/touch", [canary]), ("touch", [canary]), ("sh", ["-c", "touch " + canary])):
            res, err = c.request("workspace/executeCommand", {"command": command, "arguments": args}, timeout=15)
            if not command.startswith("switchboard."):
                self.assertEqual(err["code"], -32602)
                self.assertIn("unknown command", err["message"])
        for key in ("api_key_cmd", "allow_insecure", "ledger.path", "insecure_hosts",
                    "providers.evil.base_url"):
            c.wait_stderr(key + " ignored")
        self.assertEqual(c.shutdown_and_exit(), 0)
        self.assertFalse(os.path.exists(canary), "an editor message ran a program")
        self.assertFalse(os.path.exists(outside), "an editor message made the server write outside its state directory")
        written = [os.path.join(r, f) for r, _, fs in os.walk(self.tmp.name) for f in fs]
        self.assertEqual([p for p in written if not p.startswith((self.state, self.fs._tmp.name if self.fs._tmp else "-"))
                          and not p.endswith(".json")], [])


class FilesAndTransportTest(SecurityBase):
    def test_written_files_are_private(self):
        log_file = os.path.join(self.tmp.name, "logs", "server.log")
        os.makedirs(os.path.dirname(log_file))
        with open(log_file, "w") as f:          # an older log file with a loose mode
            f.write("old\n")
        os.chmod(log_file, 0o644)
        c = LspClient(args=["--stdio", "--config", self.config, "--log-file", log_file], env=self.env,
                      clean_env=True)
        self.addCleanup(c.close)
        result, _ = c.initialize(capabilities=ACTION_CAPS, root_uri="file://" + self.tmp.name)
        doc = "file://%s/b.py" % self.tmp.name
        c.open(doc, "def g():\n    return 1\n\nprint(g())\n", "python")
        explained = run_actions(self, c, result["capabilities"], doc)
        self.assertEqual(c.shutdown_and_exit(), 0)
        files = [log_file] + [os.path.join(r, f) for r, _, fs in os.walk(self.state) for f in fs]
        self.assertTrue(any(p.endswith("ledger.jsonl") for p in files), files)
        if explained:     # the explanation document is written under the state directory
            self.assertGreater(len([p for p in files if not p.endswith(("ledger.jsonl", ".log"))]), 0, files)
        for path in files:
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode) & 0o077, 0, path)
        html = os.path.join(self.tmp.name, "report.html")
        p = self.cli("stats", "--html", html)
        self.assertEqual(p.returncode, 0, p.stderr)
        files.append(html)
        for path in files:
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode) & 0o077, 0, path)
        for root, dirs, _ in os.walk(self.state):
            for d in dirs:
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode) & 0o077, 0, d)

    def test_plain_http_to_other_hosts_refused(self):
        cfg = {"providers": {"lan": {"kind": "ollama", "base_url": "http://192.0.2.10:11434"}},
               "models": {"m": {"provider": "lan", "model": "x"}}, "routes": [{"when": {}, "targets": ["m"]}]}
        p = self.cli("check", "--config", self.write_config(cfg, "plain.json"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("http", (p.stdout + p.stderr).decode().lower())
        cfg["providers"]["lan"]["allow_insecure"] = True
        p = self.cli("check", "--config", self.write_config(cfg, "allowed.json"))
        self.assertNotIn("allow_insecure", p.stderr.decode())
        cfg["providers"]["lan"].pop("allow_insecure")
        cfg["insecure_hosts"] = ["192.0.2.10"]
        p = self.cli("check", "--config", self.write_config(cfg, "listed.json"))
        self.assertNotEqual(p.returncode, 2, p.stderr.decode())


if __name__ == "__main__":
    unittest.main()
