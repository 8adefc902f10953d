"""`switchboard check --json`: the findings of `check` as one document (docs/configuration.md):
config path and how it was found, providers with kind, base_url, key presence and the
variable's name (never the key), reachability of loopback servers, models, routes,
budgets, and every warning or error with its severity and JSON path; exit codes as
`check` (0 valid, 2 invalid). Only 127.0.0.1 is touched."""
import json
import os
import socket
import unittest

from test_check import SECRET, CheckFixture, closed_port


class CheckJsonTest(CheckFixture):
    def check_json(self, *args, **env):
        r = self.check("--json", *args, **env)
        return r, json.loads(r.stdout)

    def finding(self, doc, path):
        found = [f for f in doc["findings"] if f["path"] == path]
        self.assertEqual(len(found), 1, "one finding at %s in %s" % (path, doc["findings"]))
        return found[0]

    def write_full(self, port):
        return self.write({
            "providers": {"oa": {"kind": "openai", "api_key_env": "SB_KEY"},
                          "ant": {"kind": "anthropic", "api_key_env": "SB_MISSING_KEY"},
                          "local": {"kind": "ollama", "base_url": "http://127.0.0.1:%d" % port}},
            "models": {"mini": {"provider": "oa", "model": "gpt-5-mini"},
                       "sonnet": {"provider": "ant", "model": "claude-sonnet-4-5"},
                       "coder": {"provider": "local", "model": "qwen2.5-coder:1.5b", "fim": "native"}},
            "routes": [{"when": {"task": "inline", "language": ["c", "lua"]}, "targets": ["coder", "mini"],
                        "strategy": "hedge", "hedge_after_ms": 250},
                       {"targets": ["sonnet", "mini"], "strategy": "split", "weights": [3, 1], "name": "rest"}],
            "budgets": [{"daily_usd": 2.5}],
            "inline": {"debounce": 100}})

    def test_config_path_and_source(self):
        path = self.write_full(closed_port())
        r, doc = self.check_json("--config", path, SB_KEY=SECRET)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIs(doc["valid"], True)
        self.assertEqual(doc["config"], {"path": path, "source": "--config"})

    def test_telemetry_destination_without_its_headers(self):
        path = self.write_full(closed_port())
        _, doc = self.check_json("--config", path, SB_KEY=SECRET)
        self.assertEqual(doc["telemetry"]["on"], False)
        self.assertIn("off", doc["telemetry"]["description"])
        r, doc = self.check_json("--config", path, SB_KEY=SECRET,
                                 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318",
                                 OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer%20" + SECRET)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIs(doc["telemetry"]["on"], True)
        self.assertIn("127.0.0.1:4318", doc["telemetry"]["description"])
        self.assertNotIn(SECRET, r.stdout)   # headers are treated like keys

    def test_key_presence_and_source_never_the_key(self):
        path = self.write_full(closed_port())
        _, doc = self.check_json("--config", path, SB_KEY=SECRET)   # check() greps for SECRET
        providers = {p["name"]: p for p in doc["providers"]}
        self.assertEqual(providers["oa"]["key"], {"needed": True, "present": True, "source": "SB_KEY"})
        self.assertEqual(providers["ant"]["key"], {"needed": True, "present": False, "source": "SB_MISSING_KEY"})
        self.assertEqual(providers["local"]["key"], {"needed": False, "present": False, "source": None})
        self.assertEqual(self.finding(doc, "providers.ant.api_key_env"),
                         {"severity": "warning", "path": "providers.ant.api_key_env",
                          "message": "key missing: set SB_MISSING_KEY"})

    def test_provider_kind_url_and_unreachable_local_server(self):
        port = closed_port()
        path = self.write_full(port)
        _, doc = self.check_json("--config", path, SB_KEY=SECRET)
        providers = {p["name"]: p for p in doc["providers"]}
        self.assertEqual(providers["local"]["kind"], "ollama")
        self.assertEqual(providers["local"]["base_url"], "http://127.0.0.1:%d" % port)
        self.assertIs(providers["local"]["local"], True)
        self.assertIs(providers["local"]["reachable"], False)
        self.assertIs(providers["oa"]["local"], False)
        self.assertIsNone(providers["oa"]["reachable"])   # a remote host is never contacted
        self.assertIn("nothing answers at http://127.0.0.1:%d" % port,
                      self.finding(doc, "providers.local.base_url")["message"])

    def test_reachable_local_server_has_no_finding(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        try:
            path = self.write({"providers": {"l": {"kind": "llamacpp",
                                                   "base_url": "http://127.0.0.1:%d" % listener.getsockname()[1]}},
                               "models": {"m": {"provider": "l", "model": "x"}}})
            r, doc = self.check_json("--config=" + path)
        finally:
            listener.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIs(doc["providers"][0]["reachable"], True)
        self.assertEqual(doc["findings"], [])
        self.assertEqual(doc["preset"], "speed-depth")

    def test_models_with_price_context_and_fim(self):
        _, doc = self.check_json("--config", self.write_full(closed_port()), SB_KEY=SECRET)
        models = {m["name"]: m for m in doc["models"]}
        self.assertEqual(models["mini"], {"name": "mini", "provider": "oa", "model": "gpt-5-mini",
                                          "price": {"input": 0.25, "output": 2}, "context_window": 400000,
                                          "fim": "auto", "fim_template": None})
        self.assertEqual(models["coder"]["price"], {"input": 0, "output": 0})
        self.assertIsNone(models["coder"]["context_window"])
        self.assertEqual(models["coder"]["fim"], "native")

    def test_routes_and_budgets(self):
        _, doc = self.check_json("--config", self.write_full(closed_port()), SB_KEY=SECRET)
        self.assertEqual(doc["routes"], [
            {"label": "routes[0]", "when": {"task": ["inline"], "language": ["c", "lua"]},
             "targets": ["coder", "mini"], "strategy": "hedge", "hedge_after_ms": 250},
            {"label": "rest", "when": {}, "targets": ["sonnet", "mini"], "strategy": "split",
             "weights": [3, 1]}])
        self.assertEqual(doc["budgets"], [{"scope": "overall", "name": None, "daily_usd": 2.5,
                                           "action": "downgrade"}])

    def test_adaptive_route_with_its_settings(self):
        path = self.write({"providers": {"p": {"kind": "openai"}},
                           "models": {"a": {"provider": "p", "model": "x"}, "b": {"provider": "p", "model": "y"}},
                           "routes": [{"targets": ["a", "b"], "strategy": "adaptive", "explore": 0.1}]})
        r, doc = self.check_json("--config", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(doc["routes"], [{"label": "routes[0]", "when": {}, "targets": ["a", "b"],
                                          "strategy": "adaptive", "quality_floor": 0.9, "explore": 0.1,
                                          "min_observations": 20}])

    def test_loader_warning_has_its_json_path(self):
        _, doc = self.check_json("--config", self.write_full(closed_port()), SB_KEY=SECRET)
        self.assertEqual(self.finding(doc, "inline"),
                         {"severity": "warning", "path": "inline",
                          "message": "unknown key 'debounce' ignored (did you mean 'debounce_ms'?)"})

    def test_invalid_file_exits_2_with_error_and_path(self):
        path = self.write({"providers": {"p": {"kind": "openai"}},
                           "models": {"fast": {"provider": "p", "model": "a"}},
                           "routes": [{"targets": ["sonet"]}]})
        r, doc = self.check_json("--config", path)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "")   # stdout only: a reader may merge the streams
        self.assertIs(doc["valid"], False)
        self.assertEqual(doc["config"], {"path": path, "source": "--config"})
        self.assertEqual(doc["findings"], [{"severity": "error", "path": "routes[0].targets[0]",
                                            "message": "unknown model 'sonet' (known: fast)"}])

    def test_syntax_error_has_no_path(self):
        path = self.write('{\n  "providers": {,}\n}')
        r, doc = self.check_json("--config", path)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(doc["findings"], [{"severity": "error", "path": None,
                                            "message": "line 2 column 17: unexpected ','"}])

    def test_source_switchboard_config(self):
        path = self.write({"providers": {}, "models": {}}, "env.json")
        _, doc = self.check_json(SWITCHBOARD_CONFIG=path)
        self.assertEqual(doc["config"], {"path": path, "source": "SWITCHBOARD_CONFIG"})

    def test_source_xdg_config_home(self):
        xdg = os.path.join(self.dir, "xdg", "switchboard")
        os.makedirs(xdg)
        with open(os.path.join(xdg, "config.json"), "w") as f:
            f.write('{"preset": "speed-depth"}')
        _, doc = self.check_json()
        self.assertEqual(doc["config"], {"path": os.path.join(xdg, "config.json"), "source": "XDG_CONFIG_HOME"})

    def test_source_home(self):
        conf = os.path.join(self.dir, ".config", "switchboard")
        os.makedirs(conf)
        with open(os.path.join(conf, "config.json"), "w") as f:
            f.write('{"preset": "speed-depth"}')
        _, doc = self.check_json(XDG_CONFIG_HOME="")
        self.assertEqual(doc["config"], {"path": os.path.join(conf, "config.json"), "source": "HOME"})

    def test_zero_config_key_source(self):
        r, doc = self.check_json(DEEPSEEK_API_KEY=SECRET)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(doc["config"], {"path": None, "source": "defaults"})
        keys = {p["name"]: p["key"] for p in doc["providers"]}
        self.assertEqual(keys["deepseek-fim"], {"needed": True, "present": True, "source": "DEEPSEEK_API_KEY"})

    def test_nothing_found_is_a_warning_without_path(self):
        _, doc = self.check_json()
        self.assertEqual(doc["providers"], [])
        self.assertEqual(len(doc["findings"]), 1)
        self.assertEqual(doc["findings"][0]["severity"], "warning")
        self.assertIsNone(doc["findings"][0]["path"])
        self.assertIn("No model provider found", doc["findings"][0]["message"])


if __name__ == "__main__":
    unittest.main()
