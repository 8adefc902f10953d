"""`switchboard route`: the plan and its reasons for a task (rule matched, no key, context
too small, chosen / fallback order, split and hedge), --json, and exit codes (0, or 2 on bad
usage or an invalid configuration). No model request is made; no key is printed."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, "switchboard"))
SECRET = "sk-route-secret-0123456789abcdef"

CONFIG = {
    "providers": {
        "anthropic": {"kind": "anthropic", "base_url": "http://127.0.0.1:9",
                      "api_key_env": "SB_TEST_ANTHROPIC_KEY"},
        "openai": {"kind": "openai", "base_url": "http://127.0.0.1:9",
                   "api_key_env": "SB_TEST_MISSING_KEY"},
        "local": {"kind": "ollama", "base_url": "http://127.0.0.1:9"},
    },
    "models": {
        "reasoning": {"provider": "anthropic", "model": "claude-sonnet-4-5",
                      "price": {"input": 3.0, "output": 15.0}, "context_window": 200000},
        "gpt": {"provider": "openai", "model": "gpt-5", "price": {"input": 1.25, "output": 10.0}},
        "offline": {"provider": "local", "model": "qwen2.5-coder:1.5b", "context_window": 8192},
        "offline2": {"provider": "local", "model": "qwen2.5-coder:7b", "context_window": 32768},
    },
    "routes": [
        {"name": "inline-split", "when": {"task": "inline"}, "strategy": "split",
         "targets": ["offline", "offline2"], "weights": [1, 1]},
        {"name": "py-hedge", "when": {"task": "explain", "language": "python"}, "strategy": "hedge",
         "hedge_after_ms": 250, "targets": ["offline2", "offline"]},
        {"when": {"task": ["refactor", "review"]}, "targets": ["gpt", "reasoning", "offline"]},
        {"when": {}, "targets": ["offline"]},
    ],
}


class RouteTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sb-route-")
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir,
                    "XDG_CONFIG_HOME": os.path.join(self.dir, "xdg"),
                    "XDG_STATE_HOME": os.path.join(self.dir, "state"),
                    "SWITCHBOARD_NO_PROBE_LOCAL": "1",
                    "SB_TEST_ANTHROPIC_KEY": SECRET}
        self.config = os.path.join(self.dir, "config.json")
        with open(self.config, "w", encoding="utf-8") as f:
            json.dump(CONFIG, f)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def route(self, *args, config=True):
        cmd = [BIN, "route"] + list(args) + (["--config", self.config] if config else [])
        p = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=20)
        self.assertNotIn(SECRET, p.stdout + p.stderr)
        return p

    def test_reasons_for_each_target(self):
        p = self.route("--task", "refactor", "--language", "python", "--tokens", "9000")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout
        self.assertIn("task: refactor (trigger invoked, language python, ~9000 prompt tokens)", out)
        self.assertIn("rule: routes[2] matched: task refactor", out)
        self.assertIn("strategy: fallback", out)
        lines = [l for l in out.splitlines() if "claude" in l or "gpt-5" in l or "qwen" in l]
        self.assertEqual(len(lines), 3, out)
        self.assertIn("skipped: no key: SB_TEST_MISSING_KEY is not set", lines[0])
        self.assertTrue(lines[1].lstrip().startswith("1. reasoning"), lines[1])
        self.assertIn("chosen: first usable target", lines[1])
        self.assertIn("skipped: context too small: needs ~10024 tokens (prompt 9000 + output 1024), window 8192",
                      lines[2])

    def test_small_prompt_keeps_the_local_fallback(self):
        p = self.route("--task", "review", "--tokens", "500")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"2\. offline .*fallback #1")

    def test_split_and_hedge_strategies(self):
        p = self.route("--task", "inline")
        self.assertIn("rule: inline-split matched: task inline, trigger automatic", p.stdout)
        self.assertIn("strategy: split", p.stdout)
        self.assertIn("chosen by split", p.stdout)
        p = self.route("--task", "explain", "--language", "python", "--trigger", "automatic")
        self.assertIn("strategy: hedge (second target after 250 ms)", p.stdout)
        self.assertIn("hedge: starts if no first token after 250 ms", p.stdout)

    def test_json(self):
        p = self.route("--task", "refactor", "--tokens", "9000", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        self.assertEqual(j["rule_index"], 2)
        self.assertEqual(j["strategy"], "fallback")
        self.assertEqual(j["usable"], 1)
        codes = [(t["model"], t.get("code"), t["skipped"]) for t in j["targets"]]
        self.assertEqual(codes, [("gpt", "no-key", True), ("reasoning", None, False),
                                 ("offline", "context", True)])
        self.assertGreater(j["targets"][1]["estimated_cost_usd"], 0.04)
        self.assertEqual(j["targets"][1]["breaker"], "closed")

    def test_bad_usage_exits_2(self):
        p = self.route("--task", "poem")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown task kind 'poem'", p.stderr)
        p = self.route("--language", "c")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--task is required", p.stderr)
        p = self.route("--task", "fix", "--tokens", "many")
        self.assertEqual(p.returncode, 2)
        p = self.route("--task", "fix", "--trigger", "sometimes")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown trigger 'sometimes'", p.stderr)

    def test_invalid_config_exits_2_with_path(self):
        with open(self.config, "w", encoding="utf-8") as f:
            f.write('{"models": {}, "routes": [ {"targets": ["sonet"]} ]}')
        p = self.route("--task", "fix")
        self.assertEqual(p.returncode, 2)
        self.assertIn("routes[0]", p.stderr)
        self.assertIn(self.config, p.stderr)

    def test_explaining_creates_no_ledger(self):
        self.route("--task", "fix")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "state")))

    def test_budget_spent_today_from_the_ledger(self):
        import time
        state = os.path.join(self.dir, "state", "switchboard")
        os.makedirs(state)
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        line = {"time": now, "request_id": "1", "attempt_id": "x-1", "task": "review",
                "trigger": "invoked", "route": "routes[2]", "model": "reasoning",
                "provider": "anthropic", "attempt": 1, "outcome": "ok", "status": 200,
                "first_token_ms": 100, "total_ms": 200, "tokens_in": 10, "tokens_out": 10,
                "tokens_cached": 0, "tokens_reasoning": 0, "estimated": False,
                "cost_usd": 2.5, "accepted": False}
        with open(os.path.join(state, "ledger.jsonl"), "w", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
        doc = dict(CONFIG, budgets=[{"scope": "provider", "name": "anthropic", "daily_usd": 2}])
        with open(self.config, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        p = self.route("--task", "review", "--tokens", "500")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("skipped: over budget: daily limit $2.00 for provider anthropic reached ($2.5000 spent)",
                      p.stdout)
        self.assertIn("spent today: $2.5000", p.stdout)

    def spend_today(self, usd, model="fast", provider="deepseek-fim"):
        import time
        state = os.path.join(self.dir, "state", "switchboard")
        os.makedirs(state, exist_ok=True)
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        line = {"time": now, "request_id": "1", "attempt_id": "x-1", "task": "inline",
                "trigger": "automatic", "route": "routes[0]", "model": model,
                "provider": provider, "attempt": 1, "outcome": "ok", "status": 200,
                "first_token_ms": 100, "total_ms": 200, "tokens_in": 10, "tokens_out": 10,
                "tokens_cached": 0, "tokens_reasoning": 0, "estimated": False,
                "cost_usd": usd, "accepted": False}
        with open(os.path.join(state, "ledger.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")

    def test_readme_overall_downgrade_keeps_the_free_local_model(self):
        """The README's own example: an overall $5 downgrade budget with an Ollama
        fallback. Once $5 is spent the paid models are skipped and the free local model
        serves inline completion and actions (issue #14, item 11)."""
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        start = readme.index("```jsonc\n") + len("```jsonc\n")
        example = readme[start:readme.index("```", start)]
        self.assertIn('"action": "downgrade"', example)
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(example)
        self.env.update(DEEPSEEK_API_KEY=SECRET, ANTHROPIC_API_KEY=SECRET)
        self.spend_today(5.01)
        p = self.route("--task", "inline", "--tokens", "500")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"- fast .*skipped: over budget: daily limit \$5\.00 overall reached")
        self.assertRegex(p.stdout, r"1\. offline .*chosen")
        p = self.route("--task", "refactor", "--tokens", "500")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"- reasoning .*skipped: over budget")
        self.assertRegex(p.stdout, r"1\. offline .*downgrade")

    def test_fim_only_model_is_skipped_for_actions(self):
        """route shows a target that cannot do the task skipped, with the reason
        (issue #14, item 13)."""
        doc = json.loads(json.dumps(CONFIG))
        doc["providers"]["codestral"] = {"kind": "mistral-fim", "base_url": "http://127.0.0.1:9"}
        doc["models"]["fim"] = {"provider": "codestral", "model": "codestral-latest"}
        doc["routes"] = [{"when": {}, "targets": ["fim", "offline"]}]
        with open(self.config, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        p = self.route("--task", "refactor", "--tokens", "500")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"- fim .*skipped: cannot do refactor: kind mistral-fim does inline completion only")
        self.assertRegex(p.stdout, r"1\. offline .*chosen")
        p = self.route("--task", "inline", "--tokens", "500")
        self.assertRegex(p.stdout, r"1\. fim .*chosen")

    def test_no_matching_rule_says_so(self):
        doc = dict(CONFIG, routes=[{"when": {"task": "inline"}, "targets": ["offline"]}])
        with open(self.config, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        p = self.route("--task", "docs")
        self.assertEqual(p.returncode, 0)
        self.assertIn("no route matches task docs", p.stdout)


if __name__ == "__main__":
    unittest.main()
