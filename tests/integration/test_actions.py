"""Code actions end to end: the real binary, the LSP client and the fake model server.

Covers the offered set (context, diagnostics, `only`), resolve and runAction edits for
fenced and unfenced answers, review diagnostics on non-ASCII lines, progress, cancel
(upstream closed, RequestCancelled), stale documents (ContentModified), custom action
templates, routing to the reasoning target with fallback, Explain documents and
Generate tests placement."""
import copy
import json
import time
import os
import stat
import tempfile
import unittest

from fake_server import FakeServer
from lsp_client import LspClient

KEY_ENV = "SB_ACTIONS_TEST_KEY"

BASE_CAPS = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {"codeAction": {
        "dataSupport": True,
        "resolveSupport": {"properties": ["edit"]},
        "tagSupport": {"valueSet": [1]},
    }},
    "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": False}},
    "window": {"workDoneProgress": True, "showDocument": {"support": True}},
}

PY = ("class Shape:\n"
      "    def area(self):\n"
      "        return 1\n"
      "\n"
      "def helper():\n"
      "    pass\n")


def caps(**changes):
    """BASE_CAPS with dotted-path overrides: caps(**{"window.showDocument": None})."""
    c = copy.deepcopy(BASE_CAPS)
    for path, value in changes.items():
        keys = path.split(".")
        node = c
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        if value is None:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return c


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def rng(l1, c1, l2, c2):
    return {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}


class ActionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs = FakeServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.fs.stop()

    def setUp(self):
        self.fs.reset()
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-actions-")
        self.root = self.tmp.name
        self.client = None

    def tearDown(self):
        if self.client is not None:
            try:
                code = self.client.shutdown_and_exit()
                self.assertEqual(code, 0, self.client.stderr_text()[-3000:])
            finally:
                self.client.close()
        self.tmp.cleanup()

    # ------------------------------------------------------------------ helpers
    def config(self, **extra):
        url = self.fs.url + "/v1"
        cfg = {
            "providers": {
                "main": {"kind": "openai", "base_url": url, "api_key_env": KEY_ENV},
                "other": {"kind": "openai", "base_url": url, "api_key_env": KEY_ENV},
            },
            "models": {
                "fast": {"provider": "main", "model": "fast-model", "fim": "chat",
                         "price": {"input": 0.1, "output": 0.2}},
                "reasoning": {"provider": "main", "model": "reason-model", "reasoning": True,
                              "reasoning_effort": "high", "price": {"input": 3, "output": 15}},
                "backup": {"provider": "other", "model": "backup-model",
                           "price": {"input": 1, "output": 2}},
            },
            "routes": [
                {"when": {"task": "inline"}, "targets": ["fast"]},
                {"when": {}, "targets": ["reasoning", "backup"]},
            ],
            "retry": {"max_retries": 0},
            "ledger": {"path": os.path.join(self.root, "ledger.jsonl")},
            "actions": [
                {"id": "wrap", "title": "Wrap in try", "task": "refactor",
                 "kind": "refactor.rewrite.switchboard.wrap",
                 "prompt": "WRAP-TEMPLATE lang={{language}} path={{path}} sel=<{{selection}}>"},
            ],
        }
        cfg.update(extra)
        return cfg

    def start(self, capabilities=None, config=None):
        path = os.path.join(self.root, "config.json")
        with open(path, "w") as f:
            json.dump(config or self.config(), f)
        env = {KEY_ENV: "sk-test-actions-0123456789", "SWITCHBOARD_CONFIG": path,
               "XDG_STATE_HOME": os.path.join(self.root, "state"),
               "XDG_CONFIG_HOME": os.path.join(self.root, "cfg"),
               "SWITCHBOARD_NO_PROBE_LOCAL": "1"}
        self.client = LspClient(["--config", path], env=env)
        result, error = self.client.initialize(capabilities or BASE_CAPS,
                                               root_uri="file://" + self.root)
        self.assertIsNone(error)
        return self.client

    def open_py(self, text=PY, name="shapes.py"):
        uri = "file://" + os.path.join(self.root, name)
        self.client.open(uri, text, "python")
        return uri

    def actions(self, uri, range_, diagnostics=(), only=None):
        ctx = {"diagnostics": list(diagnostics)}
        if only is not None:
            ctx["only"] = only
        result, error = self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": range_, "context": ctx})
        self.assertIsNone(error)
        return result

    def pick(self, actions, kind):
        for a in actions:
            if a["kind"] == kind:
                return a
        self.fail("no action of kind %s in %s" % (kind, [a["kind"] for a in actions]))

    def answer(self, text, model="reason-model", **behaviour):
        self.fs.rule(match={"model": model}, text=text, **behaviour)

    # ------------------------------------------------------------------ offering
    def test_offered_set_by_context(self):
        self.start()
        uri = self.open_py()
        acts = self.actions(uri, rng(1, 0, 2, 16))
        kinds = [a["kind"] for a in acts]
        self.assertEqual(kinds, ["refactor.rewrite.switchboard", "source.switchboard.docs",
                                 "source.switchboard.tests", "source.switchboard.review",
                                 "source.switchboard.explain", "source.switchboard.architecture",
                                 "refactor.rewrite.switchboard.optimize",
                                 "refactor.rewrite.switchboard.wrap"])
        self.assertEqual(acts[0]["title"], "AI: Refactor (reasoning)")
        self.assertEqual(acts[-1]["title"], "AI: Wrap in try (reasoning)")
        for a in acts:
            self.assertTrue(a["title"].startswith("AI: "))
            self.assertEqual(a["tags"], [1])
            self.assertEqual(a["data"]["uri"], uri)
            self.assertNotIn("edit", a)
        # Edit actions resolve; the others run as a command.
        self.assertNotIn("command", acts[0])
        self.assertEqual(self.pick(acts, "source.switchboard.review")["command"]["command"],
                         "switchboard.runAction")
        self.assertEqual(self.fs.stats()["requests"], 0)   # no model call to list them

    def test_fix_offered_for_the_diagnostics_in_range(self):
        self.start()
        uri = self.open_py()
        diag = {"range": rng(2, 15, 2, 16), "severity": 1, "message": "wrong value",
                "source": "lint"}
        far = {"range": rng(5, 4, 5, 8), "severity": 2, "message": "elsewhere"}
        acts = self.actions(uri, rng(2, 8, 2, 16), diagnostics=[diag, far])
        fix = self.pick(acts, "quickfix.switchboard")
        self.assertEqual(fix["title"], "AI: Fix (reasoning)")
        self.assertEqual(fix["diagnostics"], [diag])
        self.assertEqual(self.actions(uri, rng(2, 8, 2, 16), diagnostics=[far],
                                      only=["quickfix"]), [])

    def test_only_filters_by_kind_prefix(self):
        self.start()
        uri = self.open_py()
        only = [a["kind"] for a in self.actions(uri, rng(1, 0, 2, 0), only=["refactor"])]
        self.assertEqual(only, ["refactor.rewrite.switchboard",
                                "refactor.rewrite.switchboard.optimize",
                                "refactor.rewrite.switchboard.wrap"])
        only = [a["kind"] for a in self.actions(uri, rng(1, 0, 2, 0),
                                                only=["source.switchboard.review"])]
        self.assertEqual(only, ["source.switchboard.review"])

    def test_offered_lines_in_ledger_only_when_invoked(self):
        self.start()
        uri = self.open_py()
        ledger = os.path.join(self.root, "ledger.jsonl")

        def offered():
            if not os.path.exists(ledger):
                return []
            with open(ledger) as f:
                return [o for o in map(json.loads, filter(str.strip, f)) if o.get("signal") == "offered"]
        # Automatic (a lightbulb at each cursor move): listed, not recorded.
        result, error = self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": rng(1, 0, 2, 16),
            "context": {"diagnostics": [], "triggerKind": 2}})
        self.assertIsNone(error)
        self.assertTrue(result)
        acts = self.actions(uri, rng(1, 0, 2, 16))   # no triggerKind: invoked
        deadline = time.time() + 5
        while sum(o["count"] for o in offered()) < len(acts) and time.time() < deadline:
            time.sleep(0.05)
        lines = offered()
        self.assertEqual(sum(o["count"] for o in lines), len(acts))
        self.assertEqual({o["model"] for o in lines}, {"reasoning"})
        self.assertIn("refactor", {o["task"] for o in lines})
        self.assertEqual(len({o["task"] for o in lines}), len(lines))   # one line per task
        for o in lines:
            self.assertEqual(set(o), {"time", "signal", "task", "model", "count"})

    def test_actions_without_resolve_support_carry_command(self):
        self.start(caps(**{"textDocument.codeAction.resolveSupport": None,
                           "textDocument.codeAction.tagSupport": None}))
        uri = self.open_py()
        for a in self.actions(uri, rng(1, 0, 3, 0)):
            self.assertEqual(a["command"]["command"], "switchboard.runAction")
            self.assertEqual(a["command"]["arguments"], [a["data"]])
            self.assertNotIn("tags", a)

    # ------------------------------------------------------------------ edits
    def resolve(self, action, timeout=15):
        return self.client.request("codeAction/resolve", action, timeout)

    def test_resolve_fenced_answer_exact_edit_and_reindent(self):
        self.start()
        uri = self.open_py()
        self.answer("Here is the refactored code:\n\n```python\ndef area(self):\n"
                    "    return 2\n```\n\nThis change returns two.\n")
        action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        self.assertEqual(result["title"], action["title"])
        self.assertEqual(result["data"], action["data"])
        self.assertEqual(result["edit"], {"changes": {uri: [
            {"range": rng(2, 15, 2, 16), "newText": "2"}]}})
        req = [r for r in self.fs.requests() if r.get("model")][-1]
        self.assertEqual(req["model"], "reason-model")
        self.assertIn("def area(self):", json.dumps(req["body"]))
        self.assertEqual(req["body"].get("reasoning_effort"), "high")   # the model's settings

    def wait_signal(self, kind, attempt_id):
        deadline = time.time() + 5
        while time.time() < deadline:
            if any(o.get("signal") == kind and o.get("attempt_id") == attempt_id for o in self.ledger_lines()):
                return
            time.sleep(0.05)
        self.fail("no %s line for %s: %s" % (kind, attempt_id, self.ledger_lines()))

    def refactor_attempt(self):
        deadline = time.time() + 5
        while time.time() < deadline:
            done = [o for o in self.ledger_lines() if o.get("task") == "refactor" and o.get("outcome") == "ok"]
            if done:
                return done[-1]["attempt_id"]
            time.sleep(0.05)
        self.fail("no refactor attempt in the ledger")

    def test_applied_then_undone_is_reverted(self):
        self.start()
        uri = self.open_py()
        self.answer("```python\ndef area(self):\n    return width * height\n```")
        result, error = self.resolve(self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard"))
        self.assertIsNone(error)
        edit = result["edit"]["changes"][uri][0]
        self.assertEqual(edit, {"range": rng(2, 15, 2, 16), "newText": "width * height"})
        aid = self.refactor_attempt()
        self.client.change(uri, 2, [{"range": edit["range"], "text": edit["newText"]}])   # applied
        self.wait_signal("applied", aid)
        self.client.change(uri, 3, [{"range": rng(2, 15, 2, 29), "text": "1"}])   # undo
        self.wait_signal("reverted", aid)

    def test_applied_then_touched_up_is_not_reverted(self):
        self.start()
        uri = self.open_py()
        self.answer("```python\ndef area(self):\n    return width * height\n```")
        result, _ = self.resolve(self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard"))
        edit = result["edit"]["changes"][uri][0]
        aid = self.refactor_attempt()
        self.client.change(uri, 2, [{"range": edit["range"], "text": edit["newText"]}])
        self.wait_signal("applied", aid)
        self.client.change(uri, 3, [{"range": rng(2, 23, 2, 24), "text": "+"}])   # "*" -> "+"
        self.client.close_document(uri)
        # A later line as a barrier: a reverted line would have come before it.
        self.client.execute_command("switchboard.shown", ["barrier-1"])
        self.wait_signal("shown", "barrier-1")
        self.assertFalse(any(o.get("signal") == "reverted" for o in self.ledger_lines()))

    def test_resolve_unfenced_answer_and_document_changes(self):
        self.start(caps(**{"workspace.workspaceEdit.documentChanges": True}))
        uri = self.open_py()
        self.answer("def helper():\n    return None\n")
        action = self.pick(self.actions(uri, rng(4, 0, 5, 8)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        self.assertEqual(result["edit"], {"documentChanges": [{
            "textDocument": {"uri": uri, "version": 1},
            "edits": [{"range": rng(5, 4, 5, 8), "newText": "return None"}]}]})

    def test_secret_in_selection_is_not_sent_and_comes_back(self):
        """The key never reaches the backend; the model sees a placeholder, and the
        refactored code written into the file has the user's key back."""
        key = "sk-proj-Zq8Lm3Np0Rs7Tv2Wx5Yb9Cd4Ef6Gh1Jk"
        self.start()
        uri = self.open_py("def client():\n    return Api(key=\"%s\")\n" % key, name="api.py")
        self.answer("```python\ndef make_client():\n    return Api(key=\"[REDACTED]\", retries=3)\n```")
        action = self.pick(self.actions(uri, rng(0, 0, 2, 0)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        sent = json.dumps([r.get("body") for r in self.fs.requests()])
        self.assertNotIn(key, sent)
        self.assertIn("[REDACTED]", sent)
        new_text = "".join(e["newText"] for e in result["edit"]["changes"][uri])
        self.assertIn(key, new_text)
        self.assertNotIn("[REDACTED]", new_text)

    def test_run_action_command_applies_edit(self):
        self.start(caps(**{"textDocument.codeAction.resolveSupport": None}))
        uri = self.open_py()
        self.answer("```\n        return 42\n```")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard.optimize")
        cmd = action["command"]
        result, error = self.client.execute_command(cmd["command"], cmd["arguments"], timeout=15)
        self.assertIsNone(error)
        self.assertTrue(result["applied"])
        params, _ = self.client.wait_server_request("workspace/applyEdit")
        self.assertEqual(params["edit"], {"changes": {uri: [
            {"range": rng(2, 15, 2, 16), "newText": "42"}]}})

    def test_run_action_refused_without_apply_edit(self):
        self.start(caps(**{"textDocument.codeAction.resolveSupport": None,
                           "workspace.applyEdit": None}))
        uri = self.open_py()
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        result, error = self.client.execute_command("switchboard.runAction",
                                                    action["command"]["arguments"])
        self.assertIsNotNone(error)
        self.assertIn("applyEdit", error["message"])
        self.assertEqual(self.fs.stats()["requests"], 0)

    # ------------------------------------------------------------------ review
    def test_review_publishes_diagnostics_on_non_ascii_lines(self):
        self.start()
        text = ("def greet():\n"
                "    s = 'żółw 🐢 ok'; t = 1\n"
                "    return s\n")
        uri = self.open_py(text, "greet.py")
        self.answer("LINE 2 [error]: t is unused\nL3: hint about return\n"
                    "LINE 9 [info]: clamped to the last line\n")
        action = self.pick(self.actions(uri, rng(0, 0, 3, 0)), "source.switchboard.review")
        result, error = self.client.execute_command("switchboard.runAction",
                                                    action["command"]["arguments"], timeout=15)
        self.assertIsNone(error)
        self.assertEqual(result["findings"], 3)
        pub = self.client.wait_notification("textDocument/publishDiagnostics",
                                            lambda p: p["uri"] == uri and p["diagnostics"])
        diags = pub["diagnostics"]
        line1 = text.splitlines()[1]
        self.assertEqual(diags[0]["range"], rng(1, 4, 1, utf16_len(line1)))
        self.assertEqual(diags[0]["severity"], 1)
        self.assertEqual(diags[0]["source"], "switchboard")
        self.assertEqual(diags[0]["message"], "t is unused")
        self.assertEqual(diags[1]["range"], rng(2, 4, 2, 12))
        self.assertEqual(diags[1]["severity"], 2)
        self.assertEqual(diags[2]["range"], rng(2, 4, 2, 12))
        msg = self.client.wait_notification("window/showMessage",
                                            lambda p: "review" in p["message"])
        self.assertIn("3 findings", msg["message"])

        # An edit on line 0 (above) keeps them; an edit on line 1 drops its finding.
        count = len(self.client.notifications)
        self.client.change(uri, 2, [{"range": rng(0, 0, 0, 0), "text": "# c\n"}])
        pub = self.client.wait_notification("textDocument/publishDiagnostics", after=count)
        self.assertEqual([d["range"]["start"]["line"] for d in pub["diagnostics"]], [2, 3, 3])
        count = len(self.client.notifications)
        self.client.change(uri, 3, [{"range": rng(2, 4, 2, 5), "text": "S"}])
        pub = self.client.wait_notification("textDocument/publishDiagnostics", after=count)
        self.assertEqual([d["range"]["start"]["line"] for d in pub["diagnostics"]], [3, 3])

    def ledger_lines(self):
        path = os.path.join(self.root, "ledger.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(l) for l in f if l.strip()]

    def test_review_findings_fixed_by_an_edit_dismissed_at_close(self):
        self.start()
        text = "def f():\n    a = 1\n    b = 2\n    return a\n"
        uri = self.open_py(text, "fixme.py")
        self.answer("LINE 2 [warning]: a could be inlined\nLINE 3 [error]: b is unused\n"
                    "LINE 4 [info]: fine\n")
        action = self.pick(self.actions(uri, rng(0, 0, 4, 0)), "source.switchboard.review")
        result, error = self.client.execute_command("switchboard.runAction",
                                                    action["command"]["arguments"], timeout=15)
        self.assertIsNone(error)
        self.assertEqual(result["findings"], 3)
        deadline = time.time() + 5   # the ledger is written asynchronously
        def reviews():
            return [o for o in self.ledger_lines() if o.get("task") == "review" and o.get("outcome") == "ok"]
        while time.time() < deadline and not reviews():
            time.sleep(0.05)
        review = reviews()[-1]
        # Editing line 3 ("b = 2" -> "b = 3") touches that finding only: fixed.
        self.client.change(uri, 2, [{"range": rng(2, 8, 2, 9), "text": "3"}])
        deadline = time.time() + 5
        while time.time() < deadline and not any(o.get("signal") == "finding_fixed" for o in self.ledger_lines()):
            time.sleep(0.05)
        self.client.close_document(uri)
        deadline = time.time() + 5
        def kinds():
            return [o["signal"] for o in self.ledger_lines()
                    if o.get("attempt_id") == review["attempt_id"] and "signal" in o]
        while time.time() < deadline and len(kinds()) < 3:
            time.sleep(0.05)
        self.assertEqual(sorted(kinds()), ["finding_dismissed", "finding_dismissed", "finding_fixed"])

    def test_review_positions_in_utf8(self):
        self.start(caps(**{"general.positionEncodings": ["utf-8"]}))
        text = "x = 'ąę'\n"
        uri = self.open_py(text, "u8.py")
        self.answer("LINE 1 [warning]: quoted")
        action = self.pick(self.actions(uri, rng(0, 0, 0, 0)), "source.switchboard.review")
        _, error = self.client.execute_command("switchboard.runAction",
                                               action["command"]["arguments"], timeout=15)
        self.assertIsNone(error)
        pub = self.client.wait_notification("textDocument/publishDiagnostics",
                                            lambda p: p["diagnostics"])
        self.assertEqual(pub["diagnostics"][0]["range"], rng(0, 0, 0, len("x = 'ąę'".encode())))

    # ------------------------------------------------------------------ progress, cancel
    def test_progress_begin_report_end(self):
        self.start()
        uri = self.open_py()
        self.answer("```python\n        return 'a much longer answer streamed slowly'\n```",
                    token_delay_ms=40)
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        _, error = self.resolve(action)
        self.assertIsNone(error)
        created, _ = self.client.wait_server_request("window/workDoneProgress/create")
        token = created["token"]
        values = [p["value"] for m, p in self.client.notifications
                  if m == "$/progress" and p["token"] == token]
        self.assertEqual(values[0]["kind"], "begin")
        self.assertIn("reasoning", values[0]["title"])
        self.assertTrue(values[0]["cancellable"])
        reports = [v for v in values if v["kind"] == "report"]
        self.assertTrue(any("tokens so far" in v.get("message", "") for v in reports), values)
        self.assertEqual(values[-1]["kind"], "end")
        self.assertIn("$", values[-1]["message"])
        self.assertIn(" s", values[-1]["message"])

    def test_command_uses_client_work_done_token(self):
        self.start(caps(**{"textDocument.codeAction.resolveSupport": None}))
        uri = self.open_py()
        self.answer("```\n        return 5\n```")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        _, error = self.client.request("workspace/executeCommand", {
            "command": "switchboard.runAction", "arguments": action["command"]["arguments"],
            "workDoneToken": "tok-7"}, timeout=15)
        self.assertIsNone(error)
        kinds = [p["value"]["kind"] for m, p in self.client.notifications
                 if m == "$/progress" and p["token"] == "tok-7"]
        self.assertEqual(kinds[0], "begin")
        self.assertEqual(kinds[-1], "end")

    def start_stalled(self):
        self.start()
        uri = self.open_py()
        self.answer("```\n        return 7\n```", stall_after=2)
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        rid = self.client.request_async("codeAction/resolve", action)
        self.fs.wait_for(lambda: any(r.get("pieces_sent", 0) >= 2 for r in self.fs.requests()))
        return uri, rid

    def test_cancel_request_closes_upstream(self):
        _, rid = self.start_stalled()
        self.client.cancel(rid)
        resp = self.client.wait_response(rid)
        self.assertEqual(resp["error"]["code"], -32800)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)

    def test_progress_cancel_closes_upstream(self):
        _, rid = self.start_stalled()
        created, _ = self.client.wait_server_request("window/workDoneProgress/create")
        self.client.wait_notification("$/progress", lambda p: p["token"] == created["token"])
        self.client.notify("window/workDoneProgress/cancel", {"token": created["token"]})
        resp = self.client.wait_response(rid)
        self.assertEqual(resp["error"]["code"], -32800)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)
        end = self.client.wait_notification(
            "$/progress", lambda p: p["token"] == created["token"] and p["value"]["kind"] == "end")
        self.assertIn("cancel", end["value"]["message"])

    def test_shutdown_during_action_is_clean(self):
        _, rid = self.start_stalled()
        self.assertEqual(self.client.shutdown_and_exit(), 0, self.client.stderr_text()[-3000:])
        self.assertIn(self.client.wait_response(rid)["error"]["code"], (-32800, -32802))
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)
        self.client.close()
        self.client = None

    def test_no_model_available_is_named_in_titles(self):
        cfg = self.config()
        cfg["providers"]["main"]["api_key_env"] = "SB_ACTIONS_UNSET_KEY"
        cfg["providers"]["other"]["api_key_env"] = "SB_ACTIONS_UNSET_KEY"
        self.start(config=cfg)
        uri = self.open_py()
        acts = self.actions(uri, rng(2, 0, 3, 0))
        self.assertEqual(acts[0]["title"], "AI: Refactor (no model available)")
        result, error = self.resolve(acts[0])
        self.assertEqual(error["code"], -32803)
        self.assertEqual(self.fs.stats()["requests"], 0)

    def fim_only_config(self, second=None):
        """Actions routed first to a mistral-fim model (inline completion only)."""
        cfg = self.config()
        cfg["providers"]["codestral"] = {"kind": "mistral-fim", "base_url": self.fs.url + "/v1",
                                         "api_key_env": KEY_ENV}
        cfg["models"]["fim"] = {"provider": "codestral", "model": "fim-model",
                                "price": {"input": 0.3, "output": 0.9}}
        cfg["routes"][1]["targets"] = ["fim"] + ([second] if second else [])
        return cfg

    def test_fim_only_model_never_titles_or_serves_an_action(self):
        """A model whose API only fills in the middle cannot run an action: the title
        names the model that will serve, the second target (issue #14, item 13)."""
        self.start(config=self.fim_only_config(second="backup"))
        uri = self.open_py()
        self.answer("```\n        return 9\n```", model="backup-model")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        self.assertEqual(action["title"], "AI: Refactor (backup)")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        self.assertEqual(result["edit"]["changes"][uri][0]["newText"], "9")
        self.assertEqual([r["model"] for r in self.fs.requests() if r.get("model")], ["backup-model"])

    def test_fim_only_model_alone_means_no_model_available(self):
        self.start(config=self.fim_only_config())
        uri = self.open_py()
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        self.assertEqual(action["title"], "AI: Refactor (no model available)")
        result, error = self.resolve(action)
        self.assertEqual(error["code"], -32803)
        self.assertIn("inline completion only", error["message"])
        self.assertEqual(self.fs.stats()["requests"], 0)

    def test_stale_document_gives_content_modified(self):
        self.start()
        uri = self.open_py()
        self.answer("```\n        return 3\n```")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        self.client.change(uri, 2, [{"range": rng(5, 4, 5, 8), "text": "return"}])
        result, error = self.resolve(action)
        self.assertEqual(error["code"], -32801)
        self.assertEqual(self.fs.stats()["requests"], 0)

    def test_edit_during_run_gives_content_modified_and_closes_upstream(self):
        uri, rid = self.start_stalled()
        self.client.change(uri, 2, [{"range": rng(0, 0, 0, 0), "text": "# x\n"}])
        resp = self.client.wait_response(rid)
        self.assertEqual(resp["error"]["code"], -32801)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)

    def test_privacy_excluded_file_gets_no_actions(self):
        self.start(config=self.config(privacy={"exclude": ["*.secret.py"]}))
        uri = self.open_py(PY, "keys.secret.py")
        self.assertEqual(self.actions(uri, rng(1, 0, 3, 0)), [])
        ok_uri = self.open_py()
        action = self.pick(self.actions(ok_uri, rng(1, 0, 3, 0)), "refactor.rewrite.switchboard")
        data = dict(action["data"], uri=uri)   # a crafted request for the excluded file
        _, error = self.resolve(dict(action, data=data))
        self.assertEqual(error["code"], -32803)
        self.assertIn("privacy", error["message"])
        self.assertEqual(self.fs.stats()["requests"], 0)

    def test_bad_input_gets_clear_errors(self):
        self.start()
        uri = self.open_py()
        _, error = self.client.request("textDocument/codeAction", {"textDocument": {"uri": uri}})
        self.assertEqual(error["code"], -32602)
        self.assertEqual(self.actions("file:///not/open.py", rng(0, 0, 0, 0)), [])
        foreign = {"title": "other server's action", "data": {"x": 1}}
        result, error = self.resolve(foreign)
        self.assertIsNone(error)
        self.assertEqual(result, foreign)
        for args in ([], [42], [{"switchboard": "refactor"}]):
            _, error = self.client.execute_command("switchboard.runAction", args)
            self.assertEqual(error["code"], -32602, args)
        data = dict(self.actions(uri, rng(2, 0, 3, 0))[0]["data"], switchboard="nope")
        _, error = self.client.execute_command("switchboard.runAction", [data])
        self.assertEqual(error["code"], -32602)
        self.assertIn("unknown action", error["message"])
        self.assertEqual(self.fs.stats()["requests"], 0)

    # ------------------------------------------------------------------ custom, routing
    def test_custom_action_template_expanded(self):
        self.start()
        uri = self.open_py()
        self.answer("```\n        try:\n            return 1\n        except Exception:\n"
                    "            raise\n```")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard.wrap")
        self.assertEqual(action["data"]["switchboard"], "user:wrap")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        body = json.dumps([r["body"] for r in self.fs.requests() if r.get("model")])
        self.assertIn("WRAP-TEMPLATE lang=python path=shapes.py sel=<        return 1\\n>", body)
        edits = result["edit"]["changes"][uri]
        self.assertEqual(len(edits), 1)

    def test_routing_falls_back_when_reasoning_fails(self):
        self.start()
        uri = self.open_py()
        self.fs.rule(match={"model": "reason-model"}, error="server_error")
        self.answer("```\n        return 9\n```", model="backup-model")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        self.assertEqual(result["edit"]["changes"][uri][0]["newText"], "9")
        models = [r["model"] for r in self.fs.requests() if r.get("model")]
        self.assertEqual(models[0], "reason-model")
        self.assertEqual(models[-1], "backup-model")
        self.assertNotIn("fast-model", models)

    def test_all_targets_failing_is_request_failed(self):
        self.start()
        uri = self.open_py()
        self.fs.default(error="server_error")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertEqual(error["code"], -32803)

    def test_status_after_the_last_action_says_nothing_in_flight(self):
        """switchboard/status is sent when an action ends, answered or failed, and the
        run it reports is no longer counted: idle means in_flight 0 (issue #14, item 12)."""
        self.start()
        uri = self.open_py()
        self.answer("```\n        return 9\n```")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        status = self.client.wait_notification("switchboard/status")
        self.assertEqual(status["model"], "reasoning")
        self.assertEqual(status["in_flight"], 0)
        seen = len(self.client.notifications)
        self.fs.reset()
        self.fs.default(error="server_error")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertEqual(error["code"], -32803)
        status = self.client.wait_notification("switchboard/status", after=seen)
        self.assertEqual(status["in_flight"], 0)

    def test_answer_without_code_is_request_failed(self):
        self.start()
        uri = self.open_py()
        self.answer("Sorry, I cannot help with that request.")
        action = self.pick(self.actions(uri, rng(2, 0, 3, 0)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertEqual(error["code"], -32803)
        self.assertIn("no code", error["message"])

    # ------------------------------------------------------------------ explain, tests
    def test_explain_shows_message_and_document(self):
        self.start()
        uri = self.open_py()
        self.answer("## What it does\n\nReturns **one**.", model="reason-model")
        action = self.pick(self.actions(uri, rng(1, 0, 3, 0)), "source.switchboard.explain")
        result, error = self.client.execute_command("switchboard.runAction",
                                                    action["command"]["arguments"], timeout=15)
        self.assertIsNone(error)
        msg = self.client.wait_notification("window/showMessage",
                                            lambda p: "Returns **one**." in p["message"])
        self.assertEqual(msg["type"], 3)
        shown, _ = self.client.wait_server_request("window/showDocument")
        path = shown["uri"][len("file://"):]
        self.assertEqual(path, result["file"])
        self.assertTrue(path.startswith(os.path.join(self.root, "state", "switchboard")))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            self.assertIn("Returns **one**.", f.read())

    def test_explain_without_show_document_only_messages(self):
        self.start(caps(**{"window.showDocument": None}))
        uri = self.open_py()
        self.answer("It returns one.")
        action = self.pick(self.actions(uri, rng(1, 0, 3, 0)), "source.switchboard.architecture")
        result, error = self.client.execute_command("switchboard.runAction",
                                                    action["command"]["arguments"], timeout=15)
        self.assertIsNone(error)
        self.assertIsNone(result["file"])
        self.client.wait_notification("window/showMessage",
                                      lambda p: "It returns one." in p["message"])
        self.assertFalse([m for m, p, i in self.client.server_requests
                          if m == "window/showDocument"])

    def test_generate_tests_appends_to_existing_test_file(self):
        self.start()
        with open(os.path.join(self.root, "test_shapes.py"), "w") as f:
            f.write("import shapes\n\ndef test_old():\n    pass")
        uri = self.open_py()
        self.answer("```python\ndef test_area():\n    assert shapes.Shape().area() == 1\n```")
        action = self.pick(self.actions(uri, rng(1, 0, 3, 0)), "source.switchboard.tests")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        test_uri = "file://" + os.path.join(self.root, "test_shapes.py")
        self.assertEqual(result["edit"], {"changes": {test_uri: [{
            "range": rng(3, 8, 3, 8),
            "newText": "\n\ndef test_area():\n    assert shapes.Shape().area() == 1\n"}]}})
        body = json.dumps([r["body"] for r in self.fs.requests() if r.get("model")])
        self.assertIn("def test_old", body)   # the model saw the existing file

    def test_generate_tests_never_sends_an_excluded_test_file(self):
        # The source file may go to the model; its test file is excluded: the answer is
        # still appended there, but the model never sees that file's text.
        self.start(config=self.config(privacy={"exclude": ["test_shapes.py"]}))
        with open(os.path.join(self.root, "test_shapes.py"), "w") as f:
            f.write("import shapes\n\nTEST_FILE_MARKER = 1\n")
        uri = self.open_py()
        self.answer("```python\ndef test_area():\n    pass\n```")
        action = self.pick(self.actions(uri, rng(1, 0, 3, 0)), "source.switchboard.tests")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        test_uri = "file://" + os.path.join(self.root, "test_shapes.py")
        self.assertEqual(list(result["edit"]["changes"]), [test_uri])
        body = json.dumps([r["body"] for r in self.fs.requests() if r.get("model")])
        self.assertIn("class Shape", body)
        self.assertNotIn("TEST_FILE_MARKER", body)
        self.assertIn("its content is not shown", body)

    def test_generate_tests_creates_file_when_supported(self):
        self.start(caps(**{"workspace.workspaceEdit": {"documentChanges": True,
                                                       "resourceOperations": ["create"]}}))
        uri = self.open_py()
        self.answer("```python\ndef test_area():\n    pass\n```")
        action = self.pick(self.actions(uri, rng(1, 0, 3, 0)), "source.switchboard.tests")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        new_uri = "file://" + os.path.join(self.root, "test_shapes.py")
        changes = result["edit"]["documentChanges"]
        self.assertEqual(changes[0], {"kind": "create", "uri": new_uri,
                                      "options": {"ignoreIfExists": True}})
        self.assertEqual(changes[1]["textDocument"]["uri"], new_uri)
        self.assertEqual(changes[1]["edits"][0]["newText"], "def test_area():\n    pass\n")

    def test_generate_tests_inserts_after_selection_otherwise(self):
        self.start()
        uri = self.open_py()
        self.answer("```python\ndef test_helper():\n    helper()\n```")
        action = self.pick(self.actions(uri, rng(4, 0, 5, 8)), "source.switchboard.tests")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        self.assertEqual(result["edit"], {"changes": {uri: [{
            "range": rng(6, 0, 6, 0),
            "newText": "\ndef test_helper():\n    helper()\n"}]}})

    # ------------------------------------------------------------------ cascades
    def cascade_config(self):
        cfg = self.config()
        cfg["routes"] = [{"when": {"task": "inline"}, "targets": ["fast"]},
                         {"when": {}, "strategy": "cascade", "targets": ["backup", "reasoning"]}]
        return cfg

    def test_cascade_escalates_an_answer_that_fails_validation(self):
        self.start(config=self.cascade_config())
        uri = self.open_py()
        # The first model's brackets do not balance; the next one's answer is applied.
        self.answer("```python\ndef area(self):\n    return (2\n```\n", model="backup-model")
        self.answer("```python\ndef area(self):\n    return 2\n```\n")
        action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        self.assertEqual(result["edit"], {"changes": {uri: [
            {"range": rng(2, 15, 2, 16), "newText": "2"}]}})
        models = [r["model"] for r in self.fs.requests() if r.get("model")]
        self.assertEqual(models, ["backup-model", "reason-model"])
        # Both attempts are in the ledger; the refused one carries an invalid_answer line.
        # The ledger is written asynchronously: wait (bounded) for both attempt lines.
        deadline = time.time() + 5
        while True:
            lines = self.ledger_lines()
            attempts = {o["model"]: o for o in lines if o.get("task") == "refactor" and "attempt_id" in o
                        and "signal" not in o}
            if set(attempts) == {"backup", "reasoning"} or time.time() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(set(attempts), {"backup", "reasoning"})
        self.wait_signal("invalid_answer", attempts["backup"]["attempt_id"])
        self.assertFalse(any(o.get("signal") == "invalid_answer" and
                             o.get("attempt_id") == attempts["reasoning"]["attempt_id"] for o in lines))

    def test_cascade_with_no_valid_answer_fails_clearly(self):
        self.start(config=self.cascade_config())
        uri = self.open_py()
        self.answer("I cannot help with that.", model="backup-model")
        self.answer("```python\n```\n")
        action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNotNone(error, result)
        self.assertIn("no other model of the rule is left", error["message"])
        models = [r["model"] for r in self.fs.requests() if r.get("model")]
        self.assertEqual(models, ["backup-model", "reason-model"])
        # The server keeps serving.
        self.assertTrue(self.actions(uri, rng(1, 0, 2, 16)))

    def test_fallback_rule_applies_without_validation_escalation(self):
        self.start()
        uri = self.open_py()
        self.answer("```python\ndef area(self):\n    return (2\n```\n")
        action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        models = [r["model"] for r in self.fs.requests() if r.get("model")]
        self.assertEqual(models, ["reason-model"])


if __name__ == "__main__":
    unittest.main()
