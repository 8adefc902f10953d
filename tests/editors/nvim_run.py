#!/usr/bin/env python3
"""Runs the headless Neovim tests: every tests/editors/nvim/test_*.lua in its own
`nvim --headless --clean -u NONE`, with the plugin on the runtimepath, against the real
binary ($SWITCHBOARD_BIN) and the fake model server, on each Neovim: the system's
(Debian 12: 0.7.2) and those of the Debian suites in $SB_NVIM_SUITES (default
"trixie forky": 0.10 and 0.12), unpacked into .deps/ by scripts/fetch-editors.sh.
$SB_NVIM=path runs one given Neovim only. Prints one line per test and
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

# Hang timeouts (they only catch hangs) stretch for the sanitizer build, which runs a
# few times slower, and for a loaded machine: $SB_TIMEOUT_SCALE, default 3 when the
# server is the sanitizer build, else 1. helper.lua's waits use the same factor.
_BIN = os.environ.get("SWITCHBOARD_BIN", "")
TIMEOUT_SCALE = float(os.environ.get("SB_TIMEOUT_SCALE") or
                      (3 if os.sep + os.path.join("build", "san") + os.sep in _BIN else 1))
SCRIPT_TIMEOUT = 40 * TIMEOUT_SCALE   # seconds; only to catch a hang


# Debian suites whose Neovim the suite also runs on, unpacked into .deps/ by
# scripts/fetch-editors.sh (make test runs it): trixie ships 0.10 (vim.lsp.start), forky
# 0.12 (vim.lsp.config and Neovim's own inline completion). Debian 12's own is 0.7.2.
SUITES = os.environ.get("SB_NVIM_SUITES", "trixie forky").split()


def neovims():
    """[(where, path or None, why-not)]: the system's nvim, then each suite's."""
    given = os.environ.get("SB_NVIM")
    system = given or shutil.which("nvim")
    found = [("SB_NVIM" if given else "system", system,
              None if system else "nvim not found (scripts/ensure-deps.sh test installs it)")]
    if given:
        return found   # one given Neovim only
    for suite in SUITES:
        path = os.path.join(ROOT, ".deps", "nvim-" + suite, "bin", "nvim")
        ok = os.access(path, os.X_OK)
        found.append((suite, path if ok else None,
                      None if ok else "%s missing: run sh scripts/fetch-editors.sh "
                      "(or set SB_NVIM_SUITES= to test the system's Neovim only)" % path))
    return found


def version_of(nvim):
    out = subprocess.run([nvim, "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace")
    first = out.splitlines()[0] if out else "?"
    return first.replace("NVIM ", "")


def run_scripts(nvim, label, scripts):
    """Runs every script on one Neovim; returns (passed, failed, skipped)."""
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
            run_env = dict(env.env, SB_TEST_RESULTS=results, SB_SERVER_CAPS=caps_path,
                           SB_TIMEOUT_SCALE=str(TIMEOUT_SCALE))
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
            name = "[%s] %s" % (label, script)
            for line in lines:
                if line.startswith("PASS "):
                    passed += 1
                    print("ok   %s: %s" % (name, line[5:]))
                elif line.startswith("FAIL "):
                    failed += 1
                    print("FAIL %s: %s" % (name, line[5:]))
                elif line.startswith("SKIP "):
                    skipped += 1
                    print("skip %s: %s" % (name, line[5:]))
            if "DONE" not in lines:
                failed += 1
                why = "timed out after %ds" % int(SCRIPT_TIMEOUT) if hung else "did not finish"
                print("FAIL %s: %s; Neovim said:\n%s" % (name, why, output.strip()[-3000:]))
            elif os.environ.get("SB_TEST_VERBOSE"):
                print(output)
            print("     %s took %.1f s" % (name, time.time() - started))
    return passed, failed, skipped


def main():
    scripts = sorted(f for f in os.listdir(os.path.join(HERE, "nvim"))
                     if f.startswith("test_") and f.endswith(".lua"))
    if sys.argv[1:]:
        scripts = [s for s in scripts if any(a in s for a in sys.argv[1:])]
    passed = failed = skipped = 0
    for where, nvim, why in neovims():
        if not nvim:
            print("FAIL Neovim (%s): %s" % (where, why))
            failed += 1
            continue
        label = version_of(nvim)
        print("-- Neovim %s (%s)" % (label, where))
        p, f, s = run_scripts(nvim, label, scripts)
        passed, failed, skipped = passed + p, failed + f, skipped + s
    line = "nvim: %d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
