"""`switchboard probe`: one tiny request per model through the real HTTP engine to the
fake model server (every API kind), concurrently; per model "ok" with latency, tokens and
cost, or the classified error in plain words; exit 0 only when all are ok. Only
127.0.0.1 is touched and no key ever appears in the output."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from fake_server import FakeServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, "switchboard"))
SECRET = "sk-probe-secret-0123456789abcdef"
ANT_SECRET = "sk-ant-probe-secret-0123456789"

KINDS = {   # model name -> (provider kind, model id, extra model fields)
    "chat": ("openai", "gpt-4o-mini", {}),
    "fim": ("openai-completions", "deepseek-chat", {"fim": "native"}),
    "codestral": ("mistral-fim", "codestral-latest", {"fim": "native"}),
    "claude": ("anthropic", "claude-sonnet-4-5", {}),
    "gem": ("gemini", "gemini-2.5-flash", {}),
    "olla": ("ollama", "qwen2.5-coder:1.5b", {"fim": "native"}),
    "llama": ("llamacpp", "qwen", {"fim": "native"}),
}


class ProbeTest(unittest.TestCase):
    def setUp(self):
        self.fs = FakeServer().start()
        self.dir = tempfile.mkdtemp(prefix="sb-probe-")
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir,
                    "XDG_CONFIG_HOME": os.path.join(self.dir, "xdg"),
                    "XDG_STATE_HOME": os.path.join(self.dir, "state"),
                    "SWITCHBOARD_NO_PROBE_LOCAL": "1", "SWITCHBOARD_NO_KEY_CMD": "1",
                    "SB_KEY": SECRET, "SB_ANT_KEY": ANT_SECRET}
        providers, models = {}, {}
        for name, (kind, model, extra) in KINDS.items():
            prov = {"kind": kind, "base_url": self.fs.url}
            if kind in ("openai", "openai-completions", "mistral-fim", "gemini"):
                prov["api_key_env"] = "SB_KEY"
            if kind == "anthropic":
                prov["api_key_env"] = "SB_ANT_KEY"
            providers["p-" + name] = prov
            models[name] = dict({"provider": "p-" + name, "model": model,
                                 "price": {"input": 1.0, "output": 2.0}}, **extra)
        self.config = {"providers": providers, "models": models,
                       "routes": [{"when": {}, "targets": ["chat"]}]}
        self.path = os.path.join(self.dir, "config.json")
        self.write()

    def tearDown(self):
        self.fs.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self):
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump(self.config, f)

    def probe(self, *args, **env):
        e = dict(self.env)
        e.update(env)
        r = subprocess.run([BIN, "probe", "--config", self.path, *args], capture_output=True,
                           text=True, env=e, timeout=60)
        for secret in (SECRET, ANT_SECRET):
            self.assertNotIn(secret, r.stdout + r.stderr)
        return r

    def lines(self, r):
        return {line.split()[0]: line for line in r.stdout.splitlines() if line.strip()}

    def test_every_kind_ok_concurrently(self):
        self.fs.default(text="return a + b", ttft_ms=300)
        r = self.probe()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = self.lines(r)
        self.assertEqual(set(lines), set(KINDS))
        reqs = self.fs.requests()
        self.assertEqual(len(reqs), len(KINDS))
        by_model = {q["model"]: q for q in reqs}
        for name, line in lines.items():
            self.assertRegex(line, r"ok, first token \d+ ms, total \d+ ms, ", line)
            # tokens as the server reported them, priced at 1 + 2 USD per million
            usage = by_model[KINDS[name][1]]["usage"]
            self.assertIn(f" {usage['input']} in / {usage['output']} out tokens, ", line)
            self.assertTrue(line.endswith(f"${(usage['input'] * 1.0 + usage['output'] * 2.0) / 1e6:.6f}"), line)
            self.assertGreater(usage["output"], 0)
        paths = sorted(q["path"] for q in reqs)
        self.assertIn("/v1/messages", paths)
        self.assertIn("/infill", paths)
        self.assertIn("/api/generate", paths)
        self.assertIn("/v1/fim/completions", paths)
        self.assertTrue(any(p.startswith("/v1beta/models/gemini-2.5-flash:streamGenerateContent") for p in paths), paths)
        # all requests were in flight together (each waits 300 ms for its first token)
        self.assertGreaterEqual(self.fs.stats()["max_in_flight"], len(KINDS))
        auth = [q for q in reqs if q["path"] == "/v1/messages"][0]["headers"]
        self.assertIn("x-api-key", auth)
        self.assertNotIn(ANT_SECRET, json.dumps(reqs))

    def test_named_models_only_and_unknown_name(self):
        r = self.probe("claude", "olla")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(set(self.lines(r)), {"claude", "olla"})
        self.assertEqual(len(self.fs.requests()), 2)
        r = self.probe("nosuchmodel")
        self.assertEqual(r.returncode, 2)
        self.assertIn("nosuchmodel", r.stderr)

    def test_auth_error_in_plain_words(self):
        self.fs.rule(match={"model": "claude-sonnet-4-5"}, error="auth")
        r = self.probe()
        self.assertEqual(r.returncode, 1)
        self.assertIn("p-claude: key in SB_ANT_KEY rejected (401)", self.lines(r)["claude"])
        self.assertIn("ok, first token", self.lines(r)["chat"])

    def test_rate_limit_quota_and_overload_classified(self):
        self.fs.rule(match={"model": "gpt-4o-mini"}, error="rate_limit", retry_after=3)
        self.fs.rule(match={"model": "deepseek-chat"}, error="quota", status=402)
        self.fs.rule(match={"model": "codestral-latest"}, error="overloaded")
        self.fs.rule(match={"model": "gemini-2.5-flash"}, error="context_length")
        r = self.probe("chat", "fim", "codestral", "gem")
        self.assertEqual(r.returncode, 1)
        lines = self.lines(r)
        self.assertIn("rate limited (429), retry in 3.0 s", lines["chat"])
        self.assertIn("out of quota or credit (402)", lines["fim"])
        self.assertIn("overloaded (503)", lines["codestral"])
        self.assertIn("prompt too long for the model (400)", lines["gem"])

    def test_in_band_error_after_200(self):
        self.fs.rule(match={"model": "claude-sonnet-4-5"}, error="overloaded", error_after=1)
        r = self.probe("claude")
        self.assertEqual(r.returncode, 1)
        self.assertIn("p-claude: overloaded", self.lines(r)["claude"])

    def test_missing_key_is_reported_without_a_request(self):
        del self.env["SB_ANT_KEY"]
        r = self.probe("claude")
        self.assertEqual(r.returncode, 1)
        self.assertIn("p-claude: no key: SB_ANT_KEY is not set", self.lines(r)["claude"])
        self.assertEqual(self.fs.requests(), [])

    def test_stall_times_out(self):
        self.fs.rule(match={"model": "qwen2.5-coder:1.5b"}, stall_after=1)
        r = self.probe("--timeout", "700", "olla")
        self.assertEqual(r.returncode, 1)
        self.assertIn("p-olla: timed out", self.lines(r)["olla"])

    def test_connection_refused_is_a_network_error(self):
        port_holder = FakeServer().start()
        dead = port_holder.url
        port_holder.stop()
        self.config["providers"]["p-chat"]["base_url"] = dead
        self.write()
        r = self.probe("chat")
        self.assertEqual(r.returncode, 1)
        self.assertIn("p-chat: network", self.lines(r)["chat"])


if __name__ == "__main__":
    unittest.main()
