"""Privacy with hostile URIs, end to end: an excluded file spelled any way an editor (or
an attacker) can spell it sends nothing to the model, for every kind of request.

Each document holds a marker standing for a secret. For every spelling (percent-encoded
dots, a stray '%', %00, '..' segments, folded slashes, file://localhost) the test asks
for an inline completion, completion items, the code action list, a crafted
codeAction/resolve, a crafted switchboard.runAction and a crafted review; the code
action list must be empty, the crafted ones refused for privacy, and the fake model
server must have received nothing. An ordinary file opened beside them then gets its
completion, with none of the markers in its context."""
import json
import os
import tempfile
import unittest

from fake_server import FakeServer
from lsp_client import LspClient

KEY_ENV = "SB_PRIVACY_URI_TEST_KEY"
PRIVACY_REFUSED = -32803

CAPS = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {"inlineCompletion": {}, "completion": {}, "codeAction": {
        "dataSupport": True, "resolveSupport": {"properties": ["edit"]}}},
    "workspace": {"applyEdit": True},
    "window": {"workDoneProgress": True},
}

# Relative to the workspace root. The default excludes cover .env*; the config adds
# "deploy/*.py", a pattern with a '/', which only a normalised path matches.
HOSTILE = [
    "%2Eenv.100%",              # .env.100 and a stray '%': cannot be decoded
    "%2Eenv",
    "%2eenv",
    "my%20proj/.env",
    "%2Eenv%00.py",             # %00: cannot be decoded
    "safe.py%00",
    "src/../.env",
    "deploy/x/../keys.py",
    "deploy/x/%2E%2E/keys.py",
    "deploy/x/%2e%2e%2Fkeys.py",
    "deploy//keys.py",
    "deploy/./keys.py",
    "%64eploy/keys.py",         # %64 is 'd'
]

TEXT = "import os\npassword = '%s'\ndef f():\n    return "


def line_range(l1, l2):
    return {"start": {"line": l1, "character": 0}, "end": {"line": l2, "character": 0}}


def items_of(result):
    if result is None:
        return []
    return result["items"] if isinstance(result, dict) else result


class PrivacyUrisTest(unittest.TestCase):
    def setUp(self):
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.fs.default(text="completion_text")
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-privacy-uris-")
        self.addCleanup(self.tmp.cleanup)
        self.root = self.tmp.name
        url = self.fs.url + "/v1"
        cfg = {
            "providers": {"main": {"kind": "openai", "base_url": url, "api_key_env": KEY_ENV}},
            "models": {"fast": {"provider": "main", "model": "fast-model", "fim": "chat"},
                       "reasoning": {"provider": "main", "model": "reason-model"}},
            "routes": [{"when": {"task": "inline"}, "targets": ["fast"]},
                       {"when": {}, "targets": ["reasoning"]}],
            "inline": {"debounce_ms": 0, "candidates": 1, "snippets": True},
            "privacy": {"exclude": ["deploy/*.py"]},
            "retry": {"max_retries": 0},
            "ledger": {"path": os.path.join(self.root, "ledger.jsonl")},
        }
        path = os.path.join(self.root, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        env = {KEY_ENV: "sk-test-privacy-uris-0123456789", "SWITCHBOARD_CONFIG": path,
               "XDG_STATE_HOME": os.path.join(self.root, "state"),
               "XDG_CONFIG_HOME": os.path.join(self.root, "cfg"),
               "SWITCHBOARD_NO_PROBE_LOCAL": "1"}
        self.client = LspClient(["--config", path], env=env)
        self.addCleanup(self.client.close)
        _, error = self.client.initialize(CAPS, root_uri="file://" + self.root)
        self.assertIsNone(error)

    def uri(self, rel, authority=""):
        return "file://%s%s/%s" % (authority, self.root, rel)

    def position(self):
        return {"line": 3, "character": 11}

    def template_actions(self):
        """Actions of an ordinary file: their data, with the URI swapped, is what a
        client could send for a file it was never offered actions for."""
        ok = self.uri("template.py")
        self.client.open(ok, TEXT % "nothing here", "python")
        acts, error = self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": ok}, "range": line_range(1, 3), "context": {"diagnostics": []}})
        self.assertIsNone(error)
        by_kind = {a["kind"]: a for a in acts}
        self.assertIn("refactor.rewrite.switchboard", by_kind)
        self.assertIn("source.switchboard.review", by_kind)
        self.client.close_document(ok)
        return by_kind

    def assert_ordinary_file_served(self):
        ok = self.uri("ordinary.py")
        self.client.open(ok, TEXT % "plain", "python")
        result, error = self.client.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": ok}, "position": self.position(),
            "context": {"triggerKind": 1}})
        self.assertIsNone(error)
        self.assertTrue(items_of(result))

    def assert_refused(self, error, what):
        self.assertIsNotNone(error, what)
        self.assertEqual(error["code"], PRIVACY_REFUSED, (what, error))
        self.assertIn("privacy", error["message"], what)

    def test_every_request_kind_sends_nothing_for_hostile_uris(self):
        actions = self.template_actions()
        refactor = actions["refactor.rewrite.switchboard"]
        review = actions["source.switchboard.review"]
        uris = [self.uri(rel) for rel in HOSTILE] + [self.uri("%2Eenv.local", "localhost")]
        for n, doc in enumerate(uris):
            with self.subTest(uri=doc):
                self.client.open(doc, TEXT % ("SECRET-MARKER-%d" % n), "python")
                pos = {"textDocument": {"uri": doc}, "position": self.position()}
                result, error = self.client.request("textDocument/inlineCompletion",
                                                    dict(pos, context={"triggerKind": 1}))
                self.assertIsNone(error)
                self.assertEqual(items_of(result), [], "inline")
                result, error = self.client.request("textDocument/completion", pos)
                self.assertIsNone(error)
                self.assertEqual(items_of(result), [], "completion")
                acts, error = self.client.request("textDocument/codeAction", {
                    "textDocument": {"uri": doc}, "range": line_range(1, 3),
                    "context": {"diagnostics": []}})
                self.assertIsNone(error)
                self.assertEqual(acts, [], "code action list")
                crafted = dict(refactor, data=dict(refactor["data"], uri=doc))
                _, error = self.client.request("codeAction/resolve", crafted, timeout=15)
                self.assert_refused(error, "codeAction/resolve")
                _, error = self.client.execute_command("switchboard.runAction",
                                                       [dict(refactor["data"], uri=doc)], timeout=15)
                self.assert_refused(error, "runAction")
                _, error = self.client.execute_command("switchboard.runAction",
                                                       [dict(review["data"], uri=doc)], timeout=15)
                self.assert_refused(error, "review")
                sent = [r["body"] for r in self.fs.requests()]
                self.assertEqual(len(sent), 0, "the model server received %s" % json.dumps(sent)[:300])
        # An ordinary file beside them is served, and none of them is its context.
        self.assert_ordinary_file_served()
        sent = self.fs.requests()
        self.assertEqual(len(sent), 1)
        self.assertNotIn("SECRET-MARKER", json.dumps(sent[0]))
        self.assertEqual(self.client.shutdown_and_exit(), 0)

    def test_editor_settings_add_excludes_but_cannot_drop_the_files(self):
        """A workspace's settings replace most arrays, but privacy.exclude is joined to the
        file's patterns, and redact_secrets cannot be switched off from the editor."""
        self.client.notify("workspace/didChangeConfiguration", {"settings": {"switchboard": {
            "privacy": {"exclude": ["generated/**"], "redact_secrets": False}}}})
        self.client.wait_stderr("privacy.redact_secrets ignored")
        for rel in ("deploy/app.py", "generated/out.py", ".env.local"):
            with self.subTest(path=rel):
                doc = self.uri(rel)
                self.client.open(doc, TEXT % "SECRET-MARKER", "python")
                result, error = self.client.request("textDocument/inlineCompletion", {
                    "textDocument": {"uri": doc}, "position": self.position(),
                    "context": {"triggerKind": 1}})
                self.assertIsNone(error)
                self.assertEqual(items_of(result), [])
        self.assertEqual(self.fs.requests(), [], "an excluded file reached the model")
        self.assert_ordinary_file_served()
        self.assertEqual(self.client.shutdown_and_exit(), 0)


if __name__ == "__main__":
    unittest.main()
