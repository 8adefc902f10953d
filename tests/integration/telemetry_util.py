"""Helpers for the telemetry tests: a switchboard configured against the fake model
server and a fake collector, decoding captured payloads with the OpenTelemetry JS
packages (tests/integration/otlp_decode.js), and the ledger's totals."""
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
VSCODE = os.path.join(REPO, "editors", "vscode")
KEY_ENV = "SB_TEST_FAKE_KEY"
KEY = "sk-telemetry-test-key-0123456789"
SOURCE = "def secret_sauce_function_xyzzy():\n    return "


def ensure_node_packages():
    """The JS decoder lives in editors/vscode's node_modules (package-lock.json)."""
    marker = os.path.join(VSCODE, "node_modules", "@opentelemetry", "otlp-transformer", "package.json")
    if not os.path.exists(marker):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=VSCODE, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def decode(records, kind, fmt):
    """Decodes each recorded body with the JS implementation; one dict per body."""
    if not records:
        return []
    with tempfile.TemporaryDirectory(prefix="sb-otlp-") as d:
        files = []
        for i, r in enumerate(records):
            p = os.path.join(d, "%s.%s.%d" % (kind, fmt, i))
            with open(p, "wb") as f:
                f.write(r["body"])
            files.append(p)
        out = subprocess.run(["node", os.path.join(HERE, "otlp_decode.js")] + files,
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError("otlp_decode.js failed: " + out.stderr)
        return [json.loads(line) for line in out.stdout.splitlines()]


def write_config(tmp, fs_url, telemetry=None, two_models=False, extra=None):
    providers = {"p": {"kind": "openai-completions", "base_url": fs_url, "api_key_env": KEY_ENV}}
    models = {"fast": {"provider": "p", "model": "model-fast", "fim": "native",
                       "price": {"input": 1.0, "output": 2.0}}}
    targets = ["fast"]
    if two_models:
        models["backup"] = {"provider": "p", "model": "model-backup", "fim": "native",
                            "price": {"input": 0.5, "output": 1.0}}
        targets = ["fast", "backup"]
    cfg = {"providers": providers, "models": models,
           "routes": [{"name": "inline-rule", "when": {}, "targets": targets}],
           "inline": {"debounce_ms": 0, "candidates": 1, "snippets": False},
           "retry": {"max_retries": 0},
           "ledger": {"path": os.path.join(tmp, "ledger.jsonl")}}
    if telemetry is not None:
        cfg["telemetry"] = telemetry
    cfg.update(extra or {})
    path = os.path.join(tmp, "config.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path


def ledger_lines(tmp):
    path = os.path.join(tmp, "ledger.jsonl")
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip() and '"accept"' not in l]


def inline_request(client, doc, line, character):
    params = {"textDocument": {"uri": doc}, "position": {"line": line, "character": character},
              "context": {"triggerKind": 1}}
    return client.request_async("textDocument/inlineCompletion", params)
