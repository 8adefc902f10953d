#!/usr/bin/env python3
"""Runs the headless Neovim tests: every tests/editors/nvim/test_*.lua in its own
`nvim --headless --clean -u NONE`, with the plugin on the runtimepath, against the real
binary ($SWITCHBOARD_BIN) and the fake model server. Prints one line per test and
`nvim: N passed, M failed[, K skipped]` last. Args filter the script names."""
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

from editor_env import EditorEnv  # noqa: E402

SCRIPT_TIMEOUT = 40   # seconds; only to catch a hang


def main():
    nvim = shutil.which("nvim")
    if not nvim:
        print("nvim not found (scripts/ensure-deps.sh test installs Debian's neovim)")
        print("nvim: 0 passed, 1 failed")
        return 1
    scripts = sorted(f for f in os.listdir(os.path.join(HERE, "nvim"))
                     if f.startswith("test_") and f.endswith(".lua"))
    if sys.argv[1:]:
        scripts = [s for s in scripts if any(a in s for a in sys.argv[1:])]
    passed = failed = skipped = 0
    with EditorEnv() as env:
        caps = dict(env.caps) if env.caps is not None else None
        if caps is not None:
            # Commands as a table, so a test can need "_commands.switchboard_stats".
            caps["_commands"] = {c.replace(".", "_"): True for c in env.commands}
        else:
            print("note: the server does not answer initialize; tests that need it are skipped")
        caps_path = os.path.join(env.tmp.name, "caps.json")
        with open(caps_path, "w") as f:
            json.dump(caps, f)
        for script in scripts:
            results = os.path.join(env.tmp.name, script + ".results")
            run_env = dict(env.env, SB_TEST_RESULTS=results, SB_SERVER_CAPS=caps_path)
            cmd = [nvim, "--headless", "--clean", "-u", "NONE",
                   "-c", "set rtp+=editors/neovim",
                   "-c", "luafile tests/editors/nvim/" + script]
            started = time.time()
            try:
                proc = subprocess.run(cmd, cwd=ROOT, env=run_env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      timeout=SCRIPT_TIMEOUT)
                output, hung = proc.stdout.decode("utf-8", "replace"), False
            except subprocess.TimeoutExpired as e:
                output, hung = (e.stdout or b"").decode("utf-8", "replace"), True
            lines = []
            if os.path.exists(results):
                with open(results, encoding="utf-8") as f:
                    lines = [l.rstrip("\n") for l in f]
            for line in lines:
                if line.startswith("PASS "):
                    passed += 1
                    print("ok   %s: %s" % (script, line[5:]))
                elif line.startswith("FAIL "):
                    failed += 1
                    print("FAIL %s: %s" % (script, line[5:]))
                elif line.startswith("SKIP "):
                    skipped += 1
                    print("skip %s: %s" % (script, line[5:]))
            if "DONE" not in lines:
                failed += 1
                why = "timed out after %ds" % SCRIPT_TIMEOUT if hung else "did not finish"
                print("FAIL %s: %s; Neovim said:\n%s" % (script, why, output.strip()[-3000:]))
            elif os.environ.get("SB_TEST_VERBOSE"):
                print(output)
            print("     %s took %.1f s" % (script, time.time() - started))
    line = "nvim: %d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
