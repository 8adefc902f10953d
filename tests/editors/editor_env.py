"""Shared set-up for the editor tests: the fake model server with a fast, a reasoning
and a strong "model" (the actions' fallback, and what a retry runs on), a switchboard configuration pointing at it, a private XDG tree (so
the ledger lands in a temp dir), and a probe of the server's capabilities so tests of a
server feature that has not landed yet are reported as skipped, not failed.

    with EditorEnv() as env:
        env.env           # environment for the editor / server processes
        env.caps          # the server's capabilities (None if initialize failed)
        env.ledger_path   # $XDG_STATE_HOME/switchboard/ledger.jsonl
"""
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from fake_server import FakeServer  # noqa: E402
from lsp_client import LspClient, binary_path  # noqa: E402

KEY_ENV = "SB_TEST_FAKE_KEY"
FAST_TEXT = "a + b"
REFACTOR_TEXT = "def add(a, b):\n    return b + a\n"
STRONG_TEXT = "def add(a, b):\n    return sum((a, b))\n"


def fake_config():
    return {
        "default": {"text": "unused", "token_size": 4},
        "models": {
            "fast-model": {"text": FAST_TEXT},
            "reasoning-model": {"text": "```python\n" + REFACTOR_TEXT + "```\n"},
            "strong-model": {"text": "```python\n" + STRONG_TEXT + "```\n"},
        },
    }


def switchboard_config(url, ledger_path=None):
    cfg = {
        "providers": {
            "fim": {"kind": "openai-completions", "base_url": url + "/v1", "api_key_env": KEY_ENV},
            "chat": {"kind": "openai", "base_url": url + "/v1", "api_key_env": KEY_ENV},
        },
        "models": {
            "fast": {"provider": "fim", "model": "fast-model", "fim": "native",
                     "price": {"input": 0.28, "output": 0.42}},
            "reasoning": {"provider": "chat", "model": "reasoning-model",
                          "price": {"input": 3.0, "output": 15.0}},
            # The rule's next target: what "AI: Retry <action> with strong" runs on.
            "strong": {"provider": "chat", "model": "strong-model",
                       "price": {"input": 15.0, "output": 75.0}},
        },
        "routes": [
            {"when": {"task": "inline"}, "targets": ["fast"]},
            {"when": {}, "targets": ["reasoning", "strong"]},
        ],
        "inline": {"debounce_ms": 0, "snippets": False, "candidates": 2},
    }
    if ledger_path:
        cfg["ledger"] = {"path": ledger_path}
    return cfg


class EditorEnv:
    def __init__(self, client_capabilities=None):
        self.client_capabilities = client_capabilities or {"textDocument": {"inlineCompletion": {}}}
        self.fake = None
        self.tmp = None
        self.caps = None
        self.commands = []

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-editors-")
        d = self.tmp.name
        for sub in ("state", "config", "cache", "data", "ws"):
            os.makedirs(os.path.join(d, sub))
        self.workspace = os.path.join(d, "ws")
        self.fake = FakeServer(config=fake_config()).start()
        self.config_path = os.path.join(d, "switchboard.json")
        with open(self.config_path, "w") as f:
            json.dump(switchboard_config(self.fake.url), f, indent=1)
        self.ledger_path = os.path.join(d, "state", "switchboard", "ledger.jsonl")
        self.binary = os.path.abspath(binary_path())
        self.env = dict(os.environ)
        self.env.update({
            "SWITCHBOARD_BIN": self.binary,
            "SWITCHBOARD_CONFIG": self.config_path,
            "SWITCHBOARD_NO_KEY_CMD": "1",
            KEY_ENV: "fake-key-for-the-fake-server",
            "XDG_STATE_HOME": os.path.join(d, "state"),
            "XDG_CONFIG_HOME": os.path.join(d, "config"),
            "XDG_CACHE_HOME": os.path.join(d, "cache"),
            "XDG_DATA_HOME": os.path.join(d, "data"),
            "HOME": d,
            "SB_FAKE_URL": self.fake.url,
            "SB_TEST_TMP": d,
        })
        self._probe()
        return self

    def _probe(self):
        """initialize + shutdown once to learn what the server advertises."""
        try:
            with LspClient(args=["--stdio"], env=self.env, clean_env=True) as c:
                result, error = c.initialize(capabilities=self.client_capabilities, timeout=5)
                if error is None and isinstance(result, dict):
                    self.caps = result.get("capabilities") or {}
                    self.commands = list((self.caps.get("executeCommandProvider") or {})
                                         .get("commands") or [])
                    c.shutdown_and_exit(timeout=5)
        except Exception:  # no LSP in this binary yet: tests needing it are skipped
            self.caps = None

    def has(self, dotted):
        value = self.caps
        for part in dotted.split("."):
            if not isinstance(value, dict):
                return False
            value = value.get(part)
        return value not in (None, False)

    def __exit__(self, *exc):
        if self.fake:
            self.fake.stop()
        if self.tmp:
            self.tmp.cleanup()
        return False
