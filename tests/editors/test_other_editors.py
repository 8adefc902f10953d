"""Helix and Emacs set-ups (editors/helix, editors/emacs) against the real binary and
the fake model server.

Helix: the shipped languages.toml is parsed with tomllib; its command and args must
launch the binary, and a session with the client capabilities Helix sends (no inline
completion; positionEncodings utf-8, utf-32, utf-16) must get the fast model's
suggestion as a completion item.

Emacs: `emacs --batch` loads the shipped switchboard-eglot.el with Debian's eglot and
asks completion-at-point for candidates (skipped, saying so, when emacs or eglot is
not installed). lsp-mode: Debian 12 ships 8.0, without inline completion, so lsp-mode
10 is unpacked from Debian forky (scripts/fetch-editors.sh) and loaded into
Debian 12's Emacs: ghost text is shown, cancelled, shown again and accepted, and the
acceptance reaches the ledger. The registration is also checked against a recording
stand-in of lsp-mode's API, and a session with lsp-mode's client capabilities
(textDocument.inlineCompletion) gets inline completions."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

from editor_env import EditorEnv, FAST_TEXT  # noqa: E402
from lsp_client import LspClient  # noqa: E402

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

HELIX_CAPS = {
    "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
    "textDocument": {
        "completion": {"completionItem": {"snippetSupport": True, "insertReplaceSupport": True,
                                          "resolveSupport": {"properties": ["documentation", "detail"]}},
                       "completionItemKind": {}},
        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
            "", "quickfix", "refactor", "refactor.extract", "refactor.inline",
            "refactor.rewrite", "source", "source.organizeImports"]}},
            "resolveSupport": {"properties": ["edit", "command"]}, "dataSupport": True},
        "publishDiagnostics": {"versionSupport": True},
        "synchronization": {"didSave": True},
    },
    "workspace": {"applyEdit": True, "executeCommand": {"dynamicRegistration": False},
                  "workspaceEdit": {"documentChanges": True}},
    "window": {"workDoneProgress": True},
}
LSP_MODE_CAPS = {
    "general": {"positionEncodings": ["utf-32", "utf-16"]},
    "textDocument": {"inlineCompletion": {}, "completion": {"completionItem": {"snippetSupport": True}}},
    "workspace": {"applyEdit": True},
}
SOURCE = "def add(a, b):\n    return "


def ai_items(result):
    items = result.get("items", []) if isinstance(result, dict) else (result or [])
    out = []
    for item in items:
        text = item.get("insertText") or (item.get("textEdit") or {}).get("newText") or ""
        if FAST_TEXT in text:
            out.append(item)
    return out


def complete_until_ai(client, uri, position, method="textDocument/completion", timeout=8):
    """Asks until the AI item arrives: the first list may go out without it (the server
    never makes a menu wait long) and be marked incomplete, as when typing on."""
    deadline = time.time() + timeout
    while True:
        params = {"textDocument": {"uri": uri}, "position": position}
        if method == "textDocument/inlineCompletion":
            params["context"] = {"triggerKind": 1}
        result, error = client.request(method, params)
        if error is not None:
            raise AssertionError("%s failed: %r" % (method, error))
        found = ai_items(result)
        if found or time.time() > deadline:
            return result, found
        time.sleep(0.1)


class HelixTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if tomllib is None:
            raise unittest.SkipTest("tomllib needs Python 3.11")
        with open(os.path.join(ROOT, "editors", "helix", "languages.toml"), "rb") as f:
            cls.toml = tomllib.load(f)

    def test_language_server_entry(self):
        server = self.toml["language-server"]["switchboard"]
        self.assertEqual(server["command"], "switchboard")
        self.assertEqual(server["args"], ["--stdio"])
        self.assertIsInstance(server.get("timeout", 20), int)

    def test_languages_keep_their_usual_servers(self):
        langs = self.toml["language"]
        self.assertGreaterEqual(len(langs), 5)
        for lang in langs:
            servers = [s if isinstance(s, str) else s["name"] for s in lang["language-servers"]]
            self.assertIn("switchboard", servers, lang["name"])
            self.assertGreaterEqual(len(servers), 2, "%s keeps its usual server" % lang["name"])
            self.assertNotEqual(servers[0], "switchboard", "%s: usual server first" % lang["name"])

    def test_helix_session_gets_ai_completion_items(self):
        server = self.toml["language-server"]["switchboard"]
        with EditorEnv(client_capabilities=HELIX_CAPS) as env:
            # Helix runs `command` from PATH: put the binary there under that name.
            bindir = os.path.join(env.tmp.name, "bin")
            os.makedirs(bindir)
            os.symlink(env.binary, os.path.join(bindir, server["command"]))
            run_env = dict(env.env, PATH=bindir + os.pathsep + env.env.get("PATH", ""))
            exe = shutil.which(server["command"], path=run_env["PATH"])
            self.assertEqual(os.path.realpath(exe), os.path.realpath(env.binary))
            if env.caps is None:
                self.skipTest("the server does not answer initialize yet")
            with LspClient(args=server["args"], env=run_env, binary=exe, clean_env=True) as c:
                result, error = c.initialize(capabilities=HELIX_CAPS, timeout=5,
                                             initialization_options=server.get("config"))
                self.assertIsNone(error)
                caps = result["capabilities"]
                self.assertIn(caps.get("positionEncoding", "utf-16"), ["utf-8", "utf-32", "utf-16"])
                if not caps.get("completionProvider"):
                    self.skipTest("the server does not offer completion items yet")
                uri = "file://%s/calc.py" % env.workspace
                c.open(uri, SOURCE, "python")
                result, found = complete_until_ai(c, uri, {"line": 1, "character": 11})
                self.assertTrue(found, "no AI item in %r" % (result,))
                item = found[0]
                self.assertIn("AI", json.dumps(item.get("labelDetails") or item.get("detail") or ""))
                self.assertNotEqual(item.get("insertTextFormat"), 2, "plain text, not a snippet")
                self.assertEqual(c.shutdown_and_exit(), 0)

    def test_helix_session_gets_the_next_edit_as_a_completion_item(self):
        # Helix never asks copilotInlineEdit: a predicted edit after the cursor on its
        # line comes as a completion item (next_edit.serve_inline), accepted through
        # its command as the next_edit attempt's acceptance.
        with EditorEnv(client_capabilities=HELIX_CAPS) as env:
            if env.caps is None or not env.caps.get("completionProvider"):
                self.skipTest("the server does not offer completion items yet")
            env.fake.rule(match={"model": "reasoning-model"}, rule="next_edit",
                          rewrites=[{"from": "total = a - b", "to": "total = a + b"}])
            with LspClient(args=["--stdio"], env=env.env, clean_env=True) as c:
                # switched on from the editor's settings (languages.toml `config`)
                _, error = c.initialize(capabilities=HELIX_CAPS, timeout=5,
                                        initialization_options={"next_edit": {"serve_inline": True}})
                self.assertIsNone(error)
                uri = "file://%s/nes.py" % env.workspace
                c.open(uri, "def ad(a, b):\n    total = a - b\n    return total\n", "python")
                c.change(uri, 2, [{"range": {"start": {"line": 0, "character": 6},
                                             "end": {"line": 0, "character": 6}}, "text": "d"}])
                nes = []
                deadline = time.time() + 8
                while not nes and time.time() < deadline:
                    result, error = c.request("textDocument/completion", {
                        "textDocument": {"uri": uri}, "position": {"line": 1, "character": 12}})
                    self.assertIsNone(error)
                    nes = [i for i in result.get("items", [])
                           if (i.get("command") or {}).get("command") == "switchboard.acceptNextEdit"]
                self.assertEqual(len(nes), 1, "no next-edit item in %r" % (result,))
                self.assertEqual(nes[0]["textEdit"], {
                    "range": {"start": {"line": 1, "character": 12}, "end": {"line": 1, "character": 15}},
                    "newText": "a +"})
                _, error = c.execute_command("switchboard.acceptNextEdit", nes[0]["command"]["arguments"])
                self.assertIsNone(error)
                self.assertEqual(c.shutdown_and_exit(), 0)
            with open(env.ledger_path) as f:
                lines = [json.loads(l) for l in f if l.strip()]
            attempt = nes[0]["command"]["arguments"][0]
            self.assertEqual([l["task"] for l in lines if l.get("attempt_id") == attempt], ["next_edit"])
            self.assertTrue(any(l.get("accept") == attempt for l in lines))


class EmacsTest(unittest.TestCase):
    def emacs_session(self, emacs, env, script, **extra_env):
        """Runs tests/editors/emacs/SCRIPT in `emacs --batch` on calc.py (SOURCE) in the
        workspace; returns what it wrote (SB_EMACS_OUT) and the tail of Emacs's output."""
        path = os.path.join(env.workspace, "calc.py")
        with open(path, "w") as f:
            f.write(SOURCE)
        out = os.path.join(env.tmp.name, script + ".json")
        run_env = dict(env.env, SB_TEST_FILE=path, SB_EMACS_OUT=out, **extra_env)
        proc = subprocess.run([emacs, "--batch", "-l", "tests/editors/emacs/" + script],
                              cwd=ROOT, env=run_env, capture_output=True, timeout=60)
        log = proc.stderr.decode("utf-8", "replace")[-3000:]
        self.assertTrue(os.path.exists(out), "no result; emacs said:\n" + log)
        with open(out) as f:
            res = json.load(f)
        self.assertNotIn("error", res, log)
        return res, log

    def test_eglot_completion_candidates_from_the_fast_model(self):
        emacs = shutil.which("emacs")
        if not emacs:
            self.skipTest("emacs is not installed (apt-get install emacs-nox elpa-eglot)")
        probe = subprocess.run([emacs, "--batch", "--eval",
                                "(progn (require 'package) (package-initialize) (require 'eglot))"],
                               capture_output=True, timeout=30)
        if probe.returncode != 0:
            self.skipTest("eglot is not installed (apt-get install elpa-eglot)")
        eglot_caps = {"textDocument": {"completion": {"completionItem": {"snippetSupport": False}}}}
        with EditorEnv(client_capabilities=eglot_caps) as env:
            if not env.has("completionProvider"):
                self.skipTest("the server does not offer completion items yet")
            res, log = self.emacs_session(emacs, env, "eglot-session.el")
            self.assertEqual(res["command"][0], env.binary)
            self.assertEqual(res["command"][1:], ["--stdio"])
            self.assertTrue(any(FAST_TEXT in c for c in res["candidates"]),
                            "candidates %r" % (res["candidates"],))
            # eglot-shutdown got its answer (an error would be in res); jsonrpc.el then
            # deletes the process itself, so the exit status tells nothing.

    def test_null_params_as_eglot_sends_them(self):
        # eglot 1.9 sends "params": null with shutdown (and other parameterless calls).
        with EditorEnv() as env:
            if env.caps is None:
                self.skipTest("the server does not answer initialize yet")
            with LspClient(args=["--stdio"], env=env.env, clean_env=True) as c:
                result, error = c.initialize(capabilities={}, timeout=5)
                self.assertIsNone(error)
                c.send({"jsonrpc": "2.0", "id": 9001, "method": "shutdown", "params": None})
                msg = c.wait_response(9001, timeout=5)
                self.assertNotIn("error", msg)
                self.assertIsNone(msg.get("result"))
                c.notify("exit")
                self.assertEqual(c.wait_exit(5), 0)

    def test_lsp_mode_registration(self):
        emacs = shutil.which("emacs")
        if not emacs:
            self.skipTest("emacs is not installed")
        # What the shipped file registers, through a stand-in for lsp-mode's
        # registration API: the command, add-on, and the modes it serves.
        stub = r"""
(defvar sb-registered nil)
(defun lsp-stdio-connection (command-fn) (list :stdio command-fn))
(defun make-lsp-client (&rest args) args)
(defun lsp-register-client (client) (setq sb-registered client))
(provide 'lsp-mode)
(add-to-list 'load-path (expand-file-name "editors/emacs"))
(require 'switchboard-lsp-mode)
(let* ((c sb-registered)
       (conn (plist-get c :new-connection)))
  (princ (json-encode
          `((command . ,(vconcat (funcall (cadr conn))))
            (server_id . ,(symbol-name (plist-get c :server-id)))
            (add_on . ,(if (plist-get c :add-on?) t :json-false))
            (python . ,(if (funcall (plist-get c :activation-fn) "a.py" 'python-mode) t :json-false))
            (python_derived . ,(progn (define-derived-mode sb-my-python-mode python-mode "x")
                                      (if (funcall (plist-get c :activation-fn) "a.py" 'sb-my-python-mode) t :json-false)))
            (fundamental . ,(if (funcall (plist-get c :activation-fn) "a.txt" 'fundamental-mode) t :json-false))))))
"""
        proc = subprocess.run([emacs, "--batch", "--eval", "(require 'json)", "--eval",
                               "(progn %s)" % stub], cwd=ROOT, capture_output=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace")[-2000:])
        res = json.loads(proc.stdout.decode().strip().splitlines()[-1])
        self.assertEqual(res, {"command": ["switchboard", "--stdio"], "server_id": "switchboard",
                               "add_on": True, "python": True, "python_derived": True,
                               "fundamental": False})

    def test_lsp_mode_10_ghost_text_cancel_and_accept(self):
        # Debian 12's lsp-mode 8.0 has no inline completion: lsp-mode 10 and the
        # packages it needs are unpacked from Debian $SB_LSP_MODE_SUITE (default forky;
        # empty skips this test) into .deps/ by scripts/fetch-editors.sh (make test runs
        # it) and loaded into Debian 12's Emacs.
        emacs = shutil.which("emacs")
        if not emacs:
            self.skipTest("emacs is not installed (apt-get install emacs-nox)")
        suite = os.environ.get("SB_LSP_MODE_SUITE", "forky")
        if not suite:
            self.skipTest("SB_LSP_MODE_SUITE is empty")
        lisp = os.path.join(ROOT, ".deps", "lsp-mode-" + suite, "root", "usr", "share", "emacs",
                            "site-lisp", "elpa-src")
        self.assertTrue(os.path.isdir(lisp), "%s missing: run sh scripts/fetch-editors.sh" % lisp)
        with EditorEnv(client_capabilities=LSP_MODE_CAPS) as env:
            res, log = self.emacs_session(emacs, env, "lsp-mode-session.el", SB_LSP_MODE_LISP=lisp,
                                          SB_LEDGER=env.ledger_path, SB_TEST_TMP=env.tmp.name)
            self.assertEqual(res["server"], "switchboard")
            self.assertTrue(res["inline_mode"], "lsp-mode turned on lsp-inline-completion-mode")
            self.assertIn(FAST_TEXT, res["shown_first"] or "", log)
            self.assertIsNone(res["shown_after_cancel"], "cancel hides the ghost text")
            self.assertIn(FAST_TEXT, res["shown_again"] or "", log)
            self.assertEqual(res["buffer"], SOURCE + FAST_TEXT, "accept inserts the suggestion")
            self.assertEqual(res["accepts"], 1, "the acceptance is in the ledger")

    def test_lsp_mode_session_gets_inline_completions(self):
        with EditorEnv(client_capabilities=LSP_MODE_CAPS) as env:
            if not env.has("inlineCompletionProvider"):
                self.skipTest("the server does not offer inline completion yet")
            self.assertFalse(env.has("completionProvider"),
                             "no duplicate completion items for an inline-capable client")
            with LspClient(args=["--stdio"], env=env.env, clean_env=True) as c:
                result, error = c.initialize(capabilities=LSP_MODE_CAPS, timeout=5)
                self.assertIsNone(error)
                uri = "file://%s/calc.py" % env.workspace
                c.open(uri, SOURCE, "python")
                result, found = complete_until_ai(c, uri, {"line": 1, "character": 11},
                                                  method="textDocument/inlineCompletion")
                self.assertTrue(found, "no suggestion in %r" % (result,))
                self.assertEqual((found[0].get("command") or {}).get("command"), "switchboard.accept")
                self.assertEqual(c.shutdown_and_exit(), 0)


if __name__ == "__main__":
    unittest.main()
