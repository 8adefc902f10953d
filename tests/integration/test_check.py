"""`switchboard check`: what it prints (source, providers with key presence but never the
key, models, routes, warnings, what is missing) and its exit codes (0 valid, 2 invalid
or bad usage). Only 127.0.0.1 is touched."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, "switchboard"))
SECRET = "sk-integration-secret-0123456789"


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class CheckFixture(unittest.TestCase):
    """A temporary HOME and config directory, and `check` run with a known secret in
    reach: no output may contain it. Holds no tests (test_check_json.py shares it)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sb-check-")
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir,
                    "XDG_CONFIG_HOME": os.path.join(self.dir, "xdg"),
                    "SWITCHBOARD_NO_PROBE_LOCAL": "1"}

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, doc, name="config.json"):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        return path

    def check(self, *args, **env):
        e = dict(self.env)
        e.update(env)
        r = subprocess.run([BIN, "check", *args], capture_output=True, text=True, env=e, timeout=30)
        self.assertNotIn(SECRET, r.stdout + r.stderr)
        return r


class CheckTest(CheckFixture):
    def test_valid_file_lists_everything(self):
        port = closed_port()
        path = self.write("""{
          // comments are fine
          "providers": {
            "oa": { "kind": "openai", "api_key_env": "SB_KEY" },
            "ant": { "kind": "anthropic", "api_key_env": "SB_MISSING_KEY" },
            "local": { "kind": "ollama", "base_url": "http://127.0.0.1:%d" },
          },
          "models": {
            "mini": { "provider": "oa", "model": "gpt-5-mini" },
            "sonnet": { "provider": "ant", "model": "claude-sonnet-4-5" },
            "coder": { "provider": "local", "model": "qwen2.5-coder:1.5b", "fim": "native" },
          },
          "routes": [
            { "when": { "task": "inline" }, "targets": ["coder", "mini"], "strategy": "hedge", "hedge_after_ms": 250 },
            { "targets": ["sonnet", "mini"], "strategy": "split", "weights": [3, 1], "name": "rest" },
          ],
          "budgets": [ { "daily_usd": 2.5 } ],
          "inline": { "debounce": 100 },
        }""" % port)
        r = self.check("--config", path, SB_KEY=SECRET)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        self.assertIn("config: " + path, out)
        self.assertIn("key: set (SB_KEY)", out)
        self.assertIn("key: MISSING — set SB_MISSING_KEY", out)
        self.assertIn("key: none needed", out)
        self.assertIn("server: UNREACHABLE", out)
        self.assertIn("mini               oa / gpt-5-mini", out)
        self.assertIn("$0.25 in / $2.00 out per Mtok, context 400000, fim auto", out)
        self.assertIn("free, context unknown, fim native", out)
        self.assertIn("routes[0]: task inline -> coder, mini  [hedge after 250 ms]", out)
        self.assertIn("rest: any -> sonnet (weight 3), mini (weight 1)  [split]", out)
        self.assertIn("overall: daily $2.50 then downgrade", out)
        self.assertIn("inline: unknown key 'debounce' ignored (did you mean 'debounce_ms'?)", out)
        self.assertIn("provider ant: key missing: set SB_MISSING_KEY", out)
        self.assertIn("provider local: nothing answers at http://127.0.0.1:%d" % port, out)
        self.assertIn("configuration is valid: 3 providers, 3 models, 2 routes", out)

    def test_reachable_local_server(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        try:
            port = listener.getsockname()[1]
            path = self.write({"providers": {"l": {"kind": "llamacpp", "base_url": "http://127.0.0.1:%d" % port}},
                               "models": {"m": {"provider": "l", "model": "x"}}})
            r = self.check("--config=" + path)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("server: reachable", r.stdout)
            self.assertNotIn("missing:", r.stdout)
            self.assertIn("preset speed-depth", r.stdout)   # no routes written
        finally:
            listener.close()

    def test_invalid_file_exits_2_with_path(self):
        path = self.write({"providers": {"p": {"kind": "openai"}},
                           "models": {"fast": {"provider": "p", "model": "a"},
                                      "reasoning": {"provider": "p", "model": "b"}},
                           "routes": [{"targets": ["fast"]}, {"targets": ["sonet"]}]})
        r = self.check("--config", path)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         path + ": routes[1].targets[0]: unknown model 'sonet' (known: fast, reasoning)")

    def test_plain_http_to_a_name_starting_127_is_not_local(self):
        # A prefix match on "127." once accepted this host as loopback, so a config
        # could send a key over plain http to a remote machine.
        for url in ("http://127.evil.com", "http://127.0.0.1.evil.com:8080/v1",
                    "http://localhost.evil.com"):
            with self.subTest(url=url):
                path = self.write({"providers": {"p": {"kind": "openai", "base_url": url,
                                                       "api_key_env": "SB_TEST_KEY"}},
                                   "models": {"m": {"provider": "p", "model": "a"}},
                                   "routes": [{"targets": ["m"]}]})
                env = dict(self.env, SB_TEST_KEY=SECRET)
                r = subprocess.run([BIN, "check", "--config", path], env=env, capture_output=True,
                                   text=True, timeout=30)
                self.assertEqual(r.returncode, 2, url)
                self.assertIn("providers.p.base_url: plain http:// to non-local host", r.stderr)
                self.assertNotIn(SECRET, r.stdout + r.stderr)

    def test_syntax_error_exits_2_with_position(self):
        path = self.write('{\n  "providers": {,}\n}')
        r = self.check("--config", path)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(), path + ": line 2 column 17: unexpected ','")

    def test_adaptive_route_is_named(self):
        # The strategy names once stopped at hedge: an adaptive rule read past the table.
        path = self.write({"providers": {"p": {"kind": "openai"}},
                           "models": {"a": {"provider": "p", "model": "x"}, "b": {"provider": "p", "model": "y"}},
                           "routes": [{"targets": ["a", "b"], "strategy": "adaptive"}]})
        r = self.check("--config", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("routes[0]: any -> a, b  [adaptive]", r.stdout)

    def test_missing_file_exits_2(self):
        r = self.check("--config", os.path.join(self.dir, "nope.json"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope.json: cannot read: No such file or directory", r.stderr)

    def test_bad_usage_exits_2(self):
        r = self.check("--frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: switchboard check", r.stderr)

    def test_config_from_environment(self):
        path = self.write({"providers": {}, "models": {}}, "env.json")
        r = self.check(SWITCHBOARD_CONFIG=path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("config: " + path, r.stdout)

    def test_config_from_xdg(self):
        xdg = os.path.join(self.dir, "xdg", "switchboard")
        os.makedirs(xdg)
        with open(os.path.join(xdg, "config.json"), "w") as f:
            f.write('{"preset": "speed-depth"}')
        r = self.check()
        self.assertIn("config: " + os.path.join(xdg, "config.json"), r.stdout)

    def test_zero_config_from_keys(self):
        r = self.check(DEEPSEEK_API_KEY=SECRET, ANTHROPIC_API_KEY=SECRET + "-a")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("config: defaults", r.stdout)
        self.assertIn("key: set (DEEPSEEK_API_KEY)", r.stdout)
        self.assertIn("speed-depth: inline: task inline -> deepseek-fim", r.stdout)
        # next edit: its own route of fast chat models (no FIM-only API), before the catch-all
        self.assertIn("speed-depth: next edit: task next_edit -> deepseek-chat, claude-haiku, claude-sonnet",
                      r.stdout)
        self.assertLess(r.stdout.index("next edit:"), r.stdout.index("speed-depth: actions:"))
        self.assertIn("speed-depth: actions: any -> claude-sonnet", r.stdout)

    def test_zero_config_probe_points_at_local_server(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        try:
            url = "http://127.0.0.1:%d" % listener.getsockname()[1]
            r = self.check(SWITCHBOARD_NO_PROBE_LOCAL="", SWITCHBOARD_OLLAMA_URL=url,
                           SWITCHBOARD_LLAMACPP_URL="http://127.0.0.1:%d" % closed_port())
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("ollama             ollama             " + url, r.stdout)
            self.assertNotIn("llamacpp", r.stdout)
        finally:
            listener.close()

    def test_zero_config_nothing_found_says_what_to_set(self):
        r = self.check()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("No model provider found. Set an API key (ANTHROPIC_API_KEY", r.stdout)
        self.assertIn("configuration is valid: 0 providers, 0 models, 0 routes", r.stdout)

    def test_fim_only_model_in_an_action_route_is_a_warning(self):
        """check warns when a route that serves code actions names a model whose API
        only fills in the middle (issue #14, item 13); inline-only routes are fine."""
        path = self.write({
            "providers": {"cs": {"kind": "mistral-fim"}, "oa": {"kind": "openai"}},
            "models": {"fim": {"provider": "cs", "model": "codestral-latest"},
                       "chat": {"provider": "oa", "model": "gpt-5-mini"}},
            "routes": [{"when": {"task": "inline"}, "targets": ["fim"]},
                       {"when": {"task": ["refactor", "inline"]}, "targets": ["fim", "chat"]},
                       {"when": {}, "targets": ["chat"]}]})
        r = self.check("--config", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout + r.stderr
        self.assertIn("routes[1].targets[0]: model 'fim' (kind mistral-fim) does inline completion "
                      "only; code actions routed here skip it", out)
        self.assertNotIn("routes[0].targets[0]", out)

    def fim_row(self, page, value):
        with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as f:
            for line in f:
                if line.startswith("| `%s`" % value):
                    return line
        self.fail("no `%s` row in docs/%s" % (value, page))

    def test_native_on_a_chat_only_kind_is_an_error_in_code_and_docs(self):
        """docs/providers.md says what the binary does with fim "native" on a kind
        without a FIM API: an invalid configuration, not a fallback to a chat prompt."""
        path = self.write({"providers": {"oa": {"kind": "openai"}},
                           "models": {"m": {"provider": "oa", "model": "gpt-5-mini", "fim": "native"}}})
        r = self.check("--config", path)
        self.assertEqual(r.returncode, 2)
        self.assertIn("models.m.fim: provider kind 'openai' has no native fill-in-the-middle",
                      r.stdout + r.stderr)
        row = self.fim_row("providers.md", "native")
        self.assertNotIn("falls back", row)
        self.assertIn("error", row)


if __name__ == "__main__":
    unittest.main()
