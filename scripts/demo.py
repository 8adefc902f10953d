#!/usr/bin/env python3
"""The first-run demo (`make demo`): starts the fake model server with two "models"
(a fast, cheap fill-in-the-middle model and a reasoning model), starts switchboard
configured to use them, and drives a scripted editing session you can follow:
an inline completion served by the fast model, a refactor served by the reasoning
model, the fast model failing and the fallback answering, then the stats table with
cost per model and the saving against sending everything to the reasoning model.
No API key, no network: everything runs on 127.0.0.1."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from fake_server import FakeServer  # noqa: E402
from lsp_client import LspClient  # noqa: E402

BIN = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, "switchboard"))
BOLD, DIM, GREEN, CYAN, YELLOW, RESET = ("\033[1m", "\033[2m", "\033[32m", "\033[36m",
                                         "\033[33m", "\033[0m")
if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
    BOLD = DIM = GREEN = CYAN = YELLOW = RESET = ""

SOURCE = '''import math


def area_of_circle(r):
    """Area of a circle of radius r."""
    return math.pi * r * r


def total(xs):
    t = 0
    for i in range(len(xs)):
        t = t + xs[i]
    return t


def mean(values):
    '''

REFACTORED = '''def total(xs):
    return sum(xs)
'''


def step(n, title):
    print(f"\n{BOLD}{CYAN}[{n}] {title}{RESET}")


def say(text):
    print(f"    {text}")


def show_code(text, colour=GREEN):
    for line in text.rstrip("\n").split("\n"):
        print(f"    {colour}| {line}{RESET}")


def config_for(url):
    return {
        "providers": {
            "cheap-fim": {"kind": "openai-completions", "base_url": url + "/beta"},
            "thinker": {"kind": "anthropic", "base_url": url},
            "local": {"kind": "ollama", "base_url": url},
        },
        "models": {
            "fast": {"provider": "cheap-fim", "model": "deepseek-chat", "fim": "native",
                     "price": {"input": 0.28, "output": 0.42}},
            "reasoning": {"provider": "thinker", "model": "claude-sonnet-4-5",
                          "price": {"input": 3.0, "output": 15.0}, "context_window": 200000},
            "backup": {"provider": "local", "model": "qwen2.5-coder:1.5b", "fim": "native",
                       "price": {"input": 0.0, "output": 0.0}},
        },
        "routes": [
            {"when": {"task": "inline"}, "targets": ["fast", "backup"]},
            {"when": {}, "targets": ["reasoning", "fast"]},
        ],
        "retry": {"max_retries": 0},
        "inline": {"debounce_ms": 0},
    }


def last_status(client, after):
    for method, params in reversed(client.notifications[after:]):
        if method == "switchboard/status":
            return params
    return None


def wait_status(client, after, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = last_status(client, after)
        if s:
            return s
        time.sleep(0.02)
    return None


def inline_request(client, uri, line, character):
    mark = len(client.notifications)
    result, error = client.request("textDocument/inlineCompletion", {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": character},
        "context": {"triggerKind": 2}}, timeout=20)
    if error:
        raise SystemExit(f"inline completion failed: {error}")
    items = result.get("items", []) if isinstance(result, dict) else (result or [])
    status = wait_status(client, mark)
    return items, status


def main():
    if not os.path.exists(BIN):
        raise SystemExit(f"{BIN} not found: run `make` first")
    state = tempfile.mkdtemp(prefix="switchboard-demo-")
    print(f"{BOLD}switchboard demo{RESET}: one editor session, two models, no API key.")
    print(f"{DIM}Everything runs on 127.0.0.1; state in {state}{RESET}")

    with FakeServer() as fake:
        fake.rule(match={"model": "deepseek-chat"}, text="    return sum(values) / len(values)\n",
                  ttft_ms=60, token_delay_ms=8)
        fake.rule(match={"model": "qwen2.5-coder:1.5b"},
                  text="    ordered = sorted(values)\n    return ordered[len(ordered) // 2]\n", ttft_ms=30, token_delay_ms=5)
        fake.rule(match={"model": "claude-sonnet-4-5"},
                  text="Here is the simpler version:\n\n```python\n" + REFACTORED + "```\n",
                  ttft_ms=400, token_delay_ms=15)
        cfg_path = os.path.join(state, "config.json")
        with open(cfg_path, "w") as f:
            json.dump(config_for(fake.url), f, indent=2)

        step(1, "The set-up")
        say(f"fake model server at {fake.url} playing three models:")
        say(f"  {BOLD}fast{RESET}       DeepSeek-style FIM endpoint   $0.28 / $0.42 per million tokens in / out")
        say(f"  {BOLD}reasoning{RESET}  Anthropic Messages API        $3.00 / $15.00")
        say(f"  {BOLD}backup{RESET}     Ollama-style local model      free")
        say("routes: inline -> fast, then backup; every action -> reasoning, then fast")
        subprocess.run([BIN, "check", "--config", cfg_path], check=False,
                       stdout=subprocess.DEVNULL)

        env = {"XDG_STATE_HOME": state, "SWITCHBOARD_NO_PROBE_LOCAL": "1"}
        with LspClient(args=["--stdio", "--config", cfg_path, "--log-file",
                             os.path.join(state, "switchboard.log")], env=env) as client:
            client.initialize(capabilities={
                "textDocument": {"inlineCompletion": {},
                                 "codeAction": {"resolveSupport": {"properties": ["edit"]},
                                                "dataSupport": True}},
                "workspace": {"applyEdit": True},
                "window": {"workDoneProgress": True}})
            uri = "file://" + os.path.join(state, "stats.py")
            client.open(uri, SOURCE, "python")

            step(2, "Inline completion: you type `def mean(values):` and pause")
            lines = SOURCE.split("\n")
            items, status = inline_request(client, uri, len(lines) - 1, 4)
            if not items:
                raise SystemExit("no inline completion came back")
            show_code(items[0]["insertText"])
            say(f"served by {BOLD}{(status or {}).get('model', '?')}{RESET} (the cheap FIM model): ghost text in the editor")
            cmd = items[0].get("command")
            if cmd:
                client.request("workspace/executeCommand", {"command": cmd["command"],
                                                            "arguments": cmd.get("arguments", [])})
                say("you press the accept key: switchboard.accept records the acceptance")

            nvim = shutil.which("nvim")
            if nvim:
                step("2b", "The same in Neovim (headless, the plugin in editors/neovim)")
                fake.rule(match={"model": "deepseek-chat"}, text="x / 2", ttft_ms=40, token_delay_ms=5)
                halve = os.path.join(state, "halve.py")
                with open(halve, "w") as f:
                    f.write("def halve(x):\n    \n")
                run = subprocess.run(
                    [nvim, "--headless", "--clean", "-u", "NONE", "-c", "set rtp+=editors/neovim",
                     "-c", "luafile scripts/demo_nvim.lua"], cwd=ROOT, timeout=60,
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    env=dict(os.environ, **env, SWITCHBOARD_BIN=BIN, SB_DEMO_CONFIG=cfg_path,
                             SB_DEMO_FILE=halve, SB_DEMO_LOG=os.path.join(state, "nvim-server.log")))
                sys.stdout.write(run.stdout.decode("utf-8", "replace"))
                if run.returncode != 0:
                    say("(the Neovim segment did not finish: " +
                        run.stderr.decode("utf-8", "replace").strip()[-300:] + ")")

            step(3, "Code action: select `total` and choose \"AI: Refactor\"")
            start = lines.index("def total(xs):")
            rng = {"start": {"line": start, "character": 0}, "end": {"line": start + 5, "character": 0}}
            actions, error = client.request("textDocument/codeAction", {
                "textDocument": {"uri": uri}, "range": rng, "context": {"diagnostics": []}})
            if error or not actions:
                raise SystemExit(f"no code actions: {error}")
            for a in actions:
                say(f"{DIM}offered:{RESET} {a['title']}")
            refactor = next(a for a in actions if a.get("kind", "").startswith("refactor.rewrite"))
            mark = len(client.notifications)
            resolved, error = client.request("codeAction/resolve", refactor, timeout=30)
            if error:
                raise SystemExit(f"refactor failed: {error}")
            edits = next(iter(resolved["edit"]["changes"].values()))
            say("the reasoning model's answer becomes the smallest edit:")
            for e in edits:
                show_code(e["newText"])
            status = wait_status(client, mark)
            say(f"served by {BOLD}{(status or {}).get('model', '?')}{RESET}, with progress shown while it thought")

            step(4, "Trouble: the fast model's provider starts failing (HTTP 503)")
            fake.rule(match={"model": "deepseek-chat"}, error="overloaded", status=503)
            say("you go on typing `def median(values):` below ...")
            end = len(lines) - 1
            typed = "return sum(values) / len(values)\n\n\ndef median(values):\n    "
            client.change(uri, 2, [{"range": {"start": {"line": end, "character": 4},
                                              "end": {"line": end, "character": 4}},
                                    "text": typed}])
            items, status = inline_request(client, uri, end + 4, 4)
            show_code(items[0]["insertText"] if items else "(nothing)")
            say(f"fast failed (503); served by {BOLD}{(status or {}).get('model', '?')}{RESET}: "
                "the fallback answered and you kept typing")

            client.shutdown_and_exit()

        step(5, "What it cost, and what routing saved (switchboard stats)")
        subprocess.run([BIN, "stats", "--config", cfg_path], env=dict(os.environ, **env), check=False)

    print(f"\n{BOLD}Use a real provider instead{RESET}")
    print("    export ANTHROPIC_API_KEY=...   # and/or OPENAI_API_KEY, DEEPSEEK_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY")
    print("    ./switchboard check            # shows what was detected; or write ~/.config/switchboard/config.json")
    print("    ./switchboard probe            # one tiny real request per model: latency, tokens, cost")
    print("    then point your editor at `switchboard --stdio` (see README: Neovim, VS Code, Helix, Emacs)")


if __name__ == "__main__":
    main()
