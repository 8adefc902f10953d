""""Retry <action> with <stronger model>" (issue 16 items 2 and 8): after a code action's
edit is applied, a code action request on it offers the same action on the next target
of the route rule; choosing it writes retry_stronger for the first attempt and replaces
the first answer with the stronger model's, through codeAction/resolve and through
switchboard.runAction + workspace/applyEdit; an explanation or a review is retried on the
text it was about. Not offered when the answering target is the
last usable one, when the only later one is a cloud model on a local-only path, or when
the request's range does not touch the edit. (The window's end is a unit test:
tests/unit/test_applied.c, whose watches take their window as an argument.)"""
import os
import time
import unittest

import test_actions
from test_actions import caps, rng, PY

CHEAP = "```python\ndef area(self):\n    return 2\n```\n"
STRONG = "```python\ndef area(self):\n    return width * height\n```\n"
RETRY_TITLE = "AI: Retry Refactor with reasoning"


class RetryTest(test_actions.ActionsTest):
    def retry_config(self, targets=("backup", "reasoning")):
        cfg = self.config()
        cfg["routes"] = [{"when": {"task": "inline"}, "targets": ["fast"]},
                         {"when": {}, "targets": list(targets)}]
        return cfg

    def attempts(self, count):
        """The refactor attempt lines (not signals), once there are count of them."""
        deadline = time.time() + 5
        while True:
            found = [o for o in self.ledger_lines() if o.get("task") == "refactor" and "outcome" in o]
            if len(found) >= count or time.time() > deadline:
                return found
            time.sleep(0.05)

    def refactor_and_apply(self, uri, version=2):
        """Runs Refactor on area() (the cheap model answers), applies its edit."""
        self.answer(CHEAP, model="backup-model")
        self.answer(STRONG)
        action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard")
        self.assertEqual(action["title"], "AI: Refactor (backup)")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        edit = result["edit"]["changes"][uri][0]
        self.assertEqual(edit, {"range": rng(2, 15, 2, 16), "newText": "2"})
        first = self.attempts(1)[0]
        self.assertEqual(first["model"], "backup")
        self.client.change(uri, version, [{"range": edit["range"], "text": edit["newText"]}])
        self.wait_signal("applied", first["attempt_id"])
        return first

    def retry_actions(self, uri, range_, only=None):
        return [a for a in self.actions(uri, range_, only=only) if a["title"].startswith("AI: Retry")]

    def test_retry_replaces_the_first_answer_with_the_stronger_models(self):
        self.start(config=self.retry_config())
        uri = self.open_py()
        first = self.refactor_and_apply(uri)
        retries = self.retry_actions(uri, rng(2, 15, 2, 15))
        self.assertEqual([a["title"] for a in retries], [RETRY_TITLE])
        retry = retries[0]
        self.assertEqual(retry["kind"], "refactor.rewrite.switchboard")
        self.assertEqual(retry["tags"], [1])
        self.assertEqual(retry["data"]["retry"], {"attempt_id": first["attempt_id"], "model": "reasoning"})
        # The action's result as it stands now: the two lines it rewrote.
        self.assertEqual(retry["data"]["range"], rng(1, 0, 3, 0))
        self.assertEqual(self.retry_actions(uri, rng(2, 15, 2, 15), only=["source"]), [])

        result, error = self.resolve(retry)
        self.assertIsNone(error)
        self.assertEqual(result["edit"], {"changes": {uri: [
            {"range": rng(2, 15, 2, 16), "newText": "width * height"}]}})
        sent = [r for r in self.fs.requests() if r.get("model")]
        self.assertEqual([r["model"] for r in sent], ["backup-model", "reason-model"])
        self.assertIn("return 2", str(sent[-1]["body"]))   # the first answer, as it stands
        self.wait_signal("retry_stronger", first["attempt_id"])
        attempts = self.attempts(2)
        self.assertEqual([a["model"] for a in attempts], ["backup", "reasoning"])
        self.assertEqual(attempts[1]["outcome"], "ok")
        # The stronger answer is followed like any other; the first one is not any more.
        self.client.change(uri, 3, [{"range": rng(2, 15, 2, 16), "text": "width * height"}])
        self.wait_signal("applied", attempts[1]["attempt_id"])
        self.assertFalse(any(o.get("signal") == "reverted" for o in self.ledger_lines()))
        # The strong model is the rule's last: no retry on its answer.
        self.assertEqual(self.retry_actions(uri, rng(2, 15, 2, 20)), [])

    def test_retry_through_run_action_and_apply_edit(self):
        self.start(caps(**{"textDocument.codeAction.resolveSupport": None}), config=self.retry_config())
        uri = self.open_py()
        self.answer(CHEAP, model="backup-model")
        self.answer(STRONG)
        action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard")
        result, error = self.client.execute_command(action["command"]["command"],
                                                    action["command"]["arguments"], timeout=15)
        self.assertIsNone(error)
        params, _ = self.client.wait_server_request("workspace/applyEdit")
        edit = params["edit"]["changes"][uri][0]
        self.client.change(uri, 2, [{"range": edit["range"], "text": edit["newText"]}])
        first = self.attempts(1)[0]
        self.wait_signal("applied", first["attempt_id"])
        retries = self.retry_actions(uri, rng(2, 10, 2, 16))
        self.assertEqual([a["title"] for a in retries], [RETRY_TITLE])
        cmd = retries[0]["command"]
        self.assertEqual(cmd["command"], "switchboard.runAction")
        result, error = self.client.execute_command(cmd["command"], cmd["arguments"], timeout=15)
        self.assertIsNone(error)
        self.assertTrue(result["applied"])
        params, _ = self.client.wait_server_request(
            "workspace/applyEdit", lambda p: "width" in str(p))
        self.assertEqual(params["label"], "AI: Refactor")
        self.assertEqual(params["edit"], {"changes": {uri: [
            {"range": rng(2, 15, 2, 16), "newText": "width * height"}]}})
        self.wait_signal("retry_stronger", first["attempt_id"])
        self.assertEqual([a["model"] for a in self.attempts(2)], ["backup", "reasoning"])

    def test_retry_an_explanation_and_a_review(self):
        """Answers that edit nothing: offered on the text they were about, run by command."""
        self.start(config=self.retry_config())
        uri = self.open_py()
        for kind, name, first, strong in (
                ("source.switchboard.explain", "Explain", "A shape.", "A shape whose area is 1."),
                ("source.switchboard.review", "Review", "LINE 1 [info]: fine",
                 "LINE 2 [warning]: area() ignores the size")):
            self.fs.reset()
            self.answer(first, model="backup-model")
            self.answer(strong)
            action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), kind)
            result, error = self.client.execute_command("switchboard.runAction",
                                                        action["command"]["arguments"], timeout=15)
            self.assertIsNone(error)
            self.assertEqual(result["model"], "backup")
            task = kind.rsplit(".", 1)[1]
            deadline = time.time() + 5
            while True:
                done = [o for o in self.ledger_lines() if o.get("task") == task and "outcome" in o]
                if done or time.time() > deadline:
                    break
                time.sleep(0.05)
            retries = self.retry_actions(uri, rng(2, 4, 2, 4))
            self.assertEqual([a["title"] for a in retries], ["AI: Retry %s with reasoning" % name])
            self.assertEqual(retries[0]["data"]["range"], rng(1, 0, 3, 0))
            self.assertEqual(self.retry_actions(uri, rng(4, 0, 4, 0)), [])   # not about helper()
            result, error = self.client.execute_command("switchboard.runAction",
                                                        retries[0]["command"]["arguments"], timeout=15)
            self.assertIsNone(error)
            self.assertEqual(result["model"], "reasoning")
            self.wait_signal("retry_stronger", done[0]["attempt_id"])
            self.assertEqual(self.retry_actions(uri, rng(2, 4, 2, 4)), [])   # reasoning is the last

    def test_no_retry_when_the_range_does_not_touch_the_edit(self):
        self.start(config=self.retry_config())
        uri = self.open_py()
        self.refactor_and_apply(uri)
        self.assertEqual(self.retry_actions(uri, rng(4, 0, 5, 8)), [])
        self.assertEqual(self.retry_actions(uri, rng(2, 0, 2, 8)), [])   # same line, before it
        self.assertEqual(len(self.retry_actions(uri, rng(0, 0, 2, 15))), 1)   # ends where it starts

    def test_no_retry_when_the_answering_target_is_the_last(self):
        self.start(config=self.retry_config())
        uri = self.open_py()
        self.fs.rule(match={"model": "backup-model"}, error="server_error")
        self.answer(CHEAP)
        action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)   # backup fails, reasoning (the last) answers
        self.assertIsNone(error)
        edit = result["edit"]["changes"][uri][0]
        self.client.change(uri, 2, [{"range": edit["range"], "text": edit["newText"]}])
        answered = [a for a in self.attempts(2) if a["outcome"] == "ok"][0]
        self.assertEqual(answered["model"], "reasoning")
        self.wait_signal("applied", answered["attempt_id"])
        self.assertEqual(self.retry_actions(uri, rng(2, 15, 2, 16)), [])
        # The same on helper(), answered by the cheap model this time: offered there only.
        self.fs.reset()
        self.answer("```python\ndef helper():\n    return None\n```\n", model="backup-model")
        action = self.pick(self.actions(uri, rng(4, 0, 5, 8)), "refactor.rewrite.switchboard")
        result, error = self.resolve(action)
        self.assertIsNone(error)
        edit = result["edit"]["changes"][uri][0]
        self.client.change(uri, 3, [{"range": edit["range"], "text": edit["newText"]}])
        cheap = [a for a in self.attempts(3) if a["outcome"] == "ok"][-1]
        self.assertEqual(cheap["model"], "backup")
        self.wait_signal("applied", cheap["attempt_id"])
        self.assertEqual([a["title"] for a in self.retry_actions(uri, rng(5, 4, 5, 4))], [RETRY_TITLE])
        self.assertEqual(self.retry_actions(uri, rng(2, 15, 2, 16)), [])

    def test_no_retry_after_a_revert(self):
        self.start(config=self.retry_config())
        uri = self.open_py()
        first = self.refactor_and_apply(uri)
        self.assertEqual(len(self.retry_actions(uri, rng(2, 15, 2, 16))), 1)
        self.client.change(uri, 3, [{"range": rng(2, 15, 2, 16), "text": "1"}])   # undo
        self.wait_signal("reverted", first["attempt_id"])
        self.assertEqual(self.retry_actions(uri, rng(2, 15, 2, 16)), [])

    def test_bad_retry_data_is_refused_and_the_server_keeps_serving(self):
        self.start(config=self.retry_config())
        uri = self.open_py()
        self.refactor_and_apply(uri)
        retry = self.retry_actions(uri, rng(2, 15, 2, 16))[0]
        bad = dict(retry, data=dict(retry["data"], retry={"attempt_id": "x", "model": "nope"}))
        _, error = self.resolve(bad)
        self.assertIsNotNone(error)
        self.assertIn("unknown model 'nope' to retry with", error["message"])
        bad = dict(retry, data=dict(retry["data"], retry={"model": "reasoning"}))
        _, error = self.client.execute_command("switchboard.runAction", [bad["data"]])
        self.assertIsNotNone(error)
        self.assertIn("malformed retry", error["message"])
        bad = dict(retry["data"], retry={"attempt_id": "x" * 200, "model": "reasoning"})
        _, error = self.client.execute_command("switchboard.runAction", [bad])
        self.assertIsNotNone(error)
        self.assertIn("malformed retry", error["message"])
        self.assertEqual(len(self.retry_actions(uri, rng(2, 15, 2, 16))), 1)


class LocalOnlyRetryTest(test_actions.ActionsTest):
    """A cloud model is never offered for a local-only file (it would be skipped)."""

    def config(self, **extra):
        cfg = super().config(**extra)
        cfg["providers"]["cloud"] = {"kind": "openai", "base_url": "https://cloud.example.invalid",
                                     "api_key_env": test_actions.KEY_ENV}
        cfg["models"]["big"] = {"provider": "cloud", "model": "m-big", "price": {"input": 3, "output": 15}}
        cfg["routes"] = [{"when": {"task": "inline"}, "targets": ["fast"]},
                         {"when": {}, "targets": ["backup", "big"]}]
        cfg["privacy"] = {"local_only": ["**/secret-client/**"]}
        return cfg

    def test_cloud_target_is_offered_only_where_it_may_serve(self):
        self.start()
        os.makedirs(os.path.join(self.root, "secret-client"))
        self.answer(CHEAP, model="backup-model")
        for name, offered in (("shapes.py", ["AI: Retry Refactor with big"]),
                              ("secret-client/shapes.py", [])):
            uri = self.open_py(name=name)
            action = self.pick(self.actions(uri, rng(1, 0, 2, 16)), "refactor.rewrite.switchboard")
            result, error = self.resolve(action)
            self.assertIsNone(error)
            edit = result["edit"]["changes"][uri][0]
            self.client.change(uri, 2, [{"range": edit["range"], "text": edit["newText"]}])
            deadline = time.time() + 5
            while time.time() < deadline and not any(
                    o.get("signal") == "applied" for o in self.ledger_lines()[-1:]):
                time.sleep(0.05)
            titles = [a["title"] for a in self.actions(uri, rng(2, 15, 2, 16)) if "Retry" in a["title"]]
            self.assertEqual(titles, offered, name)


def load_tests(loader, tests, pattern):
    """Only this module's own tests, not the ones inherited from test_actions."""
    suite = unittest.TestSuite()
    for cls in (RetryTest, LocalOnlyRetryTest):
        for n in sorted(k for k in cls.__dict__ if k.startswith("test_")):
            suite.addTest(cls(n))
    return suite


if __name__ == "__main__":
    unittest.main()
