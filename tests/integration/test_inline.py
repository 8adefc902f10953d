"""Inline completion end to end: the real binary against the fake model server.

Covers every provider kind, the exact prefix/suffix a backend sees after incremental
edits with non-ASCII text under each position encoding, cancel and supersede reaching
the upstream connection, debounce, cache and typed-through, streaming early stop,
secrets and excluded files, acceptance in the ledger, and textDocument/completion."""
import json
import os
import tempfile
import time
import unittest

from lsp_client import LspClient

from fake_server import FakeServer

ROOT = "/tmp/sb-inline-ws"
KINDS = ["openai", "openai-completions", "mistral-fim", "anthropic", "gemini", "ollama", "llamacpp"]
KEY_ENV = "SB_TEST_FAKE_KEY"
CANCELLED = -32800


def uri(name):
    return "file://%s/%s" % (ROOT, name)


def char_offset(line, index, encoding):
    """LSP character offset of line[:index] in the given encoding."""
    head = line[:index]
    if encoding == "utf-8":
        return len(head.encode("utf-8"))
    if encoding == "utf-16":
        return len(head.encode("utf-16-le")) // 2
    return len(head)


def position_of(text, index, encoding):
    """LSP position of the Python string index in text."""
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return {"line": line, "character": char_offset(text[start:], index - start, encoding)}


def make_config(fs, tmp, kinds=("openai-completions",), inline=None, privacy=None, targets=None):
    providers, models, routes = {}, {}, []
    for kind in kinds:
        name = kind.replace("-", "_")
        provider = {"kind": kind, "base_url": fs.url}
        if kind in ("openai", "anthropic", "gemini", "mistral-fim", "openai-completions"):
            provider["api_key_env"] = KEY_ENV
        providers[name] = provider
        models[name] = {"provider": name, "model": "model-" + name,
                        "price": {"input": 1.0, "output": 2.0}}
        if len(kinds) > 1:
            routes.append({"when": {"task": "inline", "path": "*_%s.py" % name}, "targets": [name]})
    first = kinds[0].replace("-", "_")
    routes.append({"when": {}, "targets": list(targets or [first])})
    opts = {"debounce_ms": 0, "candidates": 1, "snippets": False}
    opts.update(inline or {})
    cfg = {"providers": providers, "models": models, "routes": routes, "inline": opts,
           "ledger": {"path": os.path.join(tmp, "ledger.jsonl")}}
    if privacy is not None:
        cfg["privacy"] = privacy
    path = os.path.join(tmp, "config.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path


class InlineBase(unittest.TestCase):
    kinds = ("openai-completions",)
    inline = None
    privacy = None
    targets = None      # the catch-all route's targets (config names); default: the first kind
    encodings = None
    capabilities = {"textDocument": {"inlineCompletion": {}}}

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-inline-")
        self.fs = FakeServer().start()
        self.addCleanup(self.tmp.cleanup)
        self.addCleanup(self.fs.stop)
        self.fs.default(text="value + 1", token_size=4)
        config = make_config(self.fs, self.tmp.name, self.kinds, self.inline, self.privacy,
                             self.targets)
        self.ledger_path = os.path.join(self.tmp.name, "ledger.jsonl")
        env = {KEY_ENV: "test-key-not-real-0001", "XDG_STATE_HOME": self.tmp.name,
               "XDG_CONFIG_HOME": self.tmp.name}
        self.client = LspClient(args=["--stdio", "--config", config], env=env)
        self.addCleanup(self.client.close)
        result, error = self.client.initialize(capabilities=self.capabilities,
                                               position_encodings=self.encodings,
                                               root_uri="file://" + ROOT, timeout=5)
        self.assertIsNone(error)
        caps = (result or {}).get("capabilities", {})
        self.assertIn("inlineCompletionProvider", caps)
        self.caps = caps
        self.addCleanup(self.check_clean_exit)
        self.probe_services()
        self.fs.reset()
        self.fs.default(text="value + 1", token_size=4)

    def check_clean_exit(self):
        """shutdown + exit with code 0, and nothing from the sanitizers (SANITIZE=1)."""
        self.assertEqual(self.client.shutdown_and_exit(), 0)
        report = [l for l in self.client.stderr_lines if "Sanitizer" in l or "runtime error" in l]
        self.assertEqual(report, [])

    def probe_services(self):
        """One completion end to end: the router and a provider answer."""
        doc = uri("zz_probe_openai_completions.py")
        self.client.open(doc, "probe = ", "python")
        msg = self.client.wait_response(self.inline_request(doc, {"line": 0, "character": 8}))
        self.assertTrue((msg.get("result") or {}).get("items"), msg)

    def inline_request(self, doc_uri, position, trigger=1, **extra):
        params = {"textDocument": {"uri": doc_uri}, "position": position,
                  "context": dict({"triggerKind": trigger}, **extra)}
        return self.client.request_async("textDocument/inlineCompletion", params)

    def items(self, rid, timeout=10):
        msg = self.client.wait_response(rid, timeout)
        self.assertNotIn("error", msg, msg)
        result = msg.get("result") or {}
        return result.get("items", result if isinstance(result, list) else [])

    def upstream(self):
        return [r for r in self.fs.requests() if r.get("api")]


class TestProviderKinds(InlineBase):
    kinds = tuple(KINDS)

    def test_every_kind_answers(self):
        text = "def f(value):\n    return "
        for kind in KINDS:
            name = kind.replace("-", "_")
            self.fs.rule(match={"model": "model-" + name}, text="value * %d" % len(name))
        for kind in KINDS:
            with self.subTest(kind=kind):
                name = kind.replace("-", "_")
                doc = uri("k_%s.py" % name)
                self.client.open(doc, text, "python")
                items = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))
                self.assertEqual(len(items), 1, kind)
                self.assertEqual(items[0]["insertText"], "value * %d" % len(name), kind)
                self.assertEqual(items[0]["command"]["command"], "switchboard.accept")
                self.assertTrue(items[0]["command"]["arguments"][0], kind)
        models = sorted({r["model"] for r in self.upstream()})
        self.assertEqual(len(models), len(KINDS), models)


class TestExactContext(InlineBase):
    """The backend sees exactly the document text around the cursor after edits."""

    def check(self, encoding):
        text = "# caf\u00e9 \U0001F600 notes\nx = '\u4e2d\u6587'\ny = 1\n"
        doc = uri("ctx_%s.py" % encoding.replace("-", ""))
        self.client.open(doc, text, "python")
        # edit 1: insert after the first CJK character (an astral character first)
        at = text.index("\u4e2d") + 1
        insert = "\U0001F680\u00e9"
        pos = position_of(text, at, encoding)
        self.client.change(doc, 2, [{"range": {"start": pos, "end": pos}, "text": insert}])
        text = text[:at] + insert + text[at:]
        # edit 2: replace "café" on line 0 (before the emoji) with "naïve"
        s = text.index("caf\u00e9")
        e = s + len("caf\u00e9")
        rng = {"start": position_of(text, s, encoding), "end": position_of(text, e, encoding)}
        self.client.change(doc, 3, [{"range": rng, "text": "na\u00efve"}])
        text = text[:s] + "na\u00efve" + text[e:]
        cursor = text.index(insert) + len(insert)
        items = self.items(self.inline_request(doc, position_of(text, cursor, encoding)))
        self.assertTrue(items)
        body = self.upstream()[-1]["body"]
        self.assertEqual(body["prompt"], text[:cursor])
        self.assertEqual(body["suffix"], text[cursor:])
        self.assertEqual(items[0]["range"]["start"], position_of(text, cursor, encoding))


class TestExactContextUtf8(TestExactContext):
    encodings = ["utf-8"]

    def test_utf8(self):
        self.assertEqual(self.caps.get("positionEncoding"), "utf-8")
        self.check("utf-8")


class TestExactContextUtf16(TestExactContext):
    encodings = ["utf-16"]

    def test_utf16(self):
        self.assertIn(self.caps.get("positionEncoding", "utf-16"), ("utf-16",))
        self.check("utf-16")


class TestExactContextUtf32(TestExactContext):
    encodings = ["utf-32"]

    def test_utf32(self):
        self.assertEqual(self.caps.get("positionEncoding"), "utf-32")
        self.check("utf-32")


class TestCancellation(InlineBase):
    def open_slow(self, name):
        text = "def f():\n    return "
        doc = uri(name)
        self.client.open(doc, text, "python")
        return doc, position_of(text, len(text), "utf-16")

    def test_cancel_request_closes_upstream(self):
        self.fs.enqueue(ttft_ms=5000, text="late")
        doc, pos = self.open_slow("cancel.py")
        rid = self.inline_request(doc, pos)
        self.fs.wait_for(lambda: self.fs.stats()["in_flight"] == 1)
        self.client.cancel(rid)
        msg = self.client.wait_response(rid, 5)
        self.assertEqual(msg["error"]["code"], CANCELLED)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)
        rec = self.upstream()[-1]
        self.assertEqual(rec["outcome"], "client_disconnected")

    def test_newer_request_supersedes(self):
        self.fs.enqueue(ttft_ms=5000, text="old")
        doc, pos = self.open_slow("supersede.py")
        first = self.inline_request(doc, pos)
        self.fs.wait_for(lambda: self.fs.stats()["in_flight"] == 1)
        second = self.inline_request(doc, pos)
        msg = self.client.wait_response(first, 5)
        self.assertEqual(msg["error"]["code"], CANCELLED)
        self.assertEqual(self.items(second)[0]["insertText"], "value + 1")
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)
        self.assertEqual(len(self.upstream()), 2)


class TestDebounce(InlineBase):
    inline = {"debounce_ms": 120}

    def test_burst_sends_one_request(self):
        text = "total = "
        doc = uri("burst.py")
        self.client.open(doc, text, "python")
        rids = []
        for i, ch in enumerate("abcde"):
            pos = position_of(text, len(text), "utf-16")
            self.client.change(doc, i + 2, [{"range": {"start": pos, "end": pos}, "text": ch}])
            text += ch
            rids.append(self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=2))
            time.sleep(0.02)
        for rid in rids[:-1]:
            self.assertEqual(self.client.wait_response(rid)["error"]["code"], CANCELLED)
        self.assertTrue(self.items(rids[-1]))
        # one inline request (with next_edit.serve_inline on, a next-edit prediction would
        # go with it: the debounce holds both)
        sent = [r for r in self.upstream() if "editable_region" not in json.dumps(r["body"])]
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["body"]["prompt"], text)
        self.assertLessEqual(len(self.upstream()), 2)


    def test_cancel_during_debounce_sends_nothing(self):
        text = "pending = "
        doc = uri("debounce_cancel.py")
        self.client.open(doc, text, "python")
        rid = self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=2)
        self.client.cancel(rid)
        self.assertEqual(self.client.wait_response(rid)["error"]["code"], CANCELLED)
        time.sleep(0.3)   # past the debounce: still nothing upstream
        self.assertEqual(self.upstream(), [])


class TestCache(InlineBase):
    def test_cache_hit_and_typed_through(self):
        self.fs.default(text="compute_total(items)")
        text = "def f(items):\n    return "
        doc = uri("cache.py")
        self.client.open(doc, text, "python")
        pos = position_of(text, len(text), "utf-16")
        first = self.items(self.inline_request(doc, pos))
        self.assertEqual(first[0]["insertText"], "compute_total(items)")
        self.assertEqual(len(self.upstream()), 1)
        again = self.items(self.inline_request(doc, pos))
        self.assertEqual(again[0]["insertText"], "compute_total(items)")
        self.assertEqual(len(self.upstream()), 1)
        # the user types the start of the suggestion: the rest, no request
        self.client.change(doc, 2, [{"range": {"start": pos, "end": pos}, "text": "comp"}])
        text += "comp"
        rest = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))
        self.assertEqual(rest[0]["insertText"], "ute_total(items)")
        self.assertEqual(rest[0]["command"]["arguments"][0], first[0]["command"]["arguments"][0])
        self.assertEqual(len(self.upstream()), 1)

    def test_cache_size_follows_a_settings_change(self):
        self.fs.default(text="compute_total(items)")
        text = "def g(items):\n    return "
        doc = uri("cache_size.py")
        self.client.open(doc, text, "python")
        pos = position_of(text, len(text), "utf-16")
        self.items(self.inline_request(doc, pos))
        self.items(self.inline_request(doc, pos))
        self.assertEqual(len(self.upstream()), 1, "cached")
        self.client.notify("workspace/didChangeConfiguration",
                           {"settings": {"switchboard": {"inline": {"cache_entries": 0}}}})
        self.items(self.inline_request(doc, pos))
        self.items(self.inline_request(doc, pos))
        self.assertEqual(len(self.upstream()), 3, "cache_entries 0: every request goes upstream")
        self.client.notify("workspace/didChangeConfiguration",
                           {"settings": {"switchboard": {"inline": {"cache_entries": 8}}}})
        self.items(self.inline_request(doc, pos))
        self.items(self.inline_request(doc, pos))
        self.assertEqual(len(self.upstream()), 4, "cached again")


class TestEarlyStop(InlineBase):
    def test_single_line_returns_after_first_line(self):
        lines = "".join("line_%02d = %d\n" % (i, i) for i in range(40))
        self.fs.default(text="first_value()\n" + lines, ttft_ms=150, token_delay_ms=20, token_size=4)
        text = "x = "
        doc = uri("early.py")
        self.client.open(doc, text, "python")
        started = time.monotonic()
        items = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))
        elapsed = time.monotonic() - started
        self.assertEqual(items[0]["insertText"], "first_value()")
        # the whole answer would take ~150 ms + 130 pieces * 20 ms; the hang bound only
        self.assertLess(elapsed, 2.5)
        self.fs.wait_for(lambda: self.fs.stats()["client_disconnects"] == 1, timeout=5)
        rec = self.upstream()[-1]
        self.assertEqual(rec["outcome"], "client_disconnected")
        self.assertLess(rec["pieces_sent"], 20)


class TestMultiline(InlineBase):
    def test_block_stop_crlf_and_indentation(self):
        self.fs.default(text="    y = x * 2\n    return y\n\nprint(f(1))\n", token_size=5)
        text = "import os\r\n\r\ndef f(x):\r\n    "
        doc = uri("multi.py")
        self.client.open(doc, text, "python")
        items = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))
        self.assertEqual(items[0]["insertText"], "y = x * 2\r\n    return y")
        self.assertNotIn("\n", self.upstream()[-1]["body"].get("stop") or [])


class TestPrivacy(InlineBase):
    inline = {"snippets": True}
    privacy = {"exclude": ["*.private.py"]}

    def test_secrets_are_redacted(self):
        text = ("AWS_ID = 'AKIAIOSFODNN7EXAMPLE'\n"
                "OPENAI = \"sk-proj-4f8Kq2Zx9Lm3Np7Rt5Vw1Yb6\"\n"
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7qweqweqwe\n-----END RSA PRIVATE KEY-----\n"
                "x = ")
        doc = uri("secrets_here.py")
        self.client.open(doc, text, "python")
        self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))
        body = json.dumps(self.upstream()[-1]["body"])
        for secret in ("AKIAIOSFODNN7EXAMPLE", "sk-proj-4f8Kq2", "MIIEpAIBAAKCAQEA7"):
            self.assertNotIn(secret, body)
        self.assertIn("[REDACTED]", body)

    def test_excluded_files_never_sent(self):
        for name in (".env", "deploy/secrets/db.py", "keys.private.py", "server.pem"):
            doc = uri(name)
            text = "PASSWORD_MARKER_%d = " % len(name)
            self.client.open(doc, text, "python")
            items = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))
            self.assertEqual(items, [], name)
        self.assertEqual(self.upstream(), [])
        # nor as context for another file of the same language
        text = "y = "
        doc = uri("ordinary.py")
        self.client.open(doc, text, "python")
        self.assertTrue(self.items(self.inline_request(doc, position_of(text, len(text), "utf-16"))))
        self.assertNotIn("PASSWORD_MARKER", json.dumps(self.upstream()[-1]["body"]))


class TestAccept(InlineBase):
    def test_accept_is_recorded_in_ledger(self):
        text = "x = "
        doc = uri("accept.py")
        self.client.open(doc, text, "python")
        item = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))[0]
        args = item["command"]["arguments"]
        result, error = self.client.execute_command("switchboard.accept", args)
        self.assertIsNone(error)
        _, error = self.client.execute_command("switchboard.accept", [])
        self.assertEqual(error["code"], -32602)

        def accepted():
            if not os.path.exists(self.ledger_path):
                return False
            with open(self.ledger_path) as f:
                return any(json.loads(l).get("accept") == args[0] for l in f if l.strip())
        deadline = time.time() + 5
        while not accepted() and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(accepted())


class TestCandidates(InlineBase):
    """Candidates as separate requests (an API without `n`; the one-request path is
    test_inline_candidates.TestOneRequest)."""
    kinds = ("anthropic",)
    inline = {"candidates": 3}

    def test_invoked_returns_several_automatic_one(self):
        self.fs.enqueue_many([{"text": "alpha"}, {"text": "beta"}, {"text": "alpha"}])
        text = "name = "
        doc = uri("cands.py")
        self.client.open(doc, text, "python")
        items = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16")))
        self.assertEqual(sorted(i["insertText"] for i in items), ["alpha", "beta"])
        self.assertEqual(len(self.upstream()), 3)
        text2 = "other = "
        doc2 = uri("cands2.py")
        self.client.open(doc2, text2, "python")
        items = self.items(self.inline_request(doc2, position_of(text2, len(text2), "utf-16"), trigger=2))
        self.assertEqual(len(items), 1)
        self.assertEqual(len(self.upstream()), 4)

    def test_invoked_after_automatic_asks_for_the_set_once(self):
        # Cycling in an editor: an automatic answer (one candidate) is on screen, the
        # user asks for more. The cached single answer does not do: the set is asked
        # for, once; asking again is answered from the cache even though every
        # candidate came back the same.
        self.fs.default(text="same_answer()")
        text = "value = "
        doc = uri("cycle.py")
        self.client.open(doc, text, "python")
        pos = position_of(text, len(text), "utf-16")
        self.assertEqual(len(self.items(self.inline_request(doc, pos, trigger=2))), 1)
        self.assertEqual(len(self.upstream()), 1)
        items = self.items(self.inline_request(doc, pos, trigger=1))
        self.assertEqual([i["insertText"] for i in items], ["same_answer()"])
        self.assertEqual(len(self.upstream()), 4, "three candidates asked for")
        self.items(self.inline_request(doc, pos, trigger=1))
        self.items(self.inline_request(doc, pos, trigger=2))
        self.assertEqual(len(self.upstream()), 4, "both answered from the cache")

    def test_selected_completion_info_extends_item(self):
        self.fs.default(text="(sep)")
        text = "parts = line.spl"
        doc = uri("selected.py")
        self.client.open(doc, text, "python")
        end = position_of(text, len(text), "utf-16")
        start = position_of(text, len(text) - 3, "utf-16")
        info = {"range": {"start": start, "end": end}, "text": "split"}
        items = self.items(self.inline_request(doc, end, selectedCompletionInfo=info))
        self.assertEqual(items[0]["insertText"], "split(sep)")
        self.assertEqual(items[0]["range"], {"start": start, "end": end})
        self.assertIn("line.split", self.upstream()[-1]["body"]["messages"][-1]["content"])


class TestCompletion(InlineBase):
    capabilities = {}
    inline = {"completion_wait_ms": 300, "debounce_ms": 50}

    def test_completion_items_for_editors_without_inline(self):
        self.assertIn("completionProvider", self.caps)
        self.fs.default(text="nt_report(data)\n    done()")
        text = "def f(data):\n    pri"
        doc = uri("compl.py")
        self.client.open(doc, text, "python")
        pos = position_of(text, len(text), "utf-16")
        result, error = self.client.request("textDocument/completion",
                                            {"textDocument": {"uri": doc}, "position": pos})
        self.assertIsNone(error)
        item = result["items"][0]
        self.assertIn("AI", item["labelDetails"]["description"])
        self.assertIn("openai_completions", item["detail"])
        self.assertEqual(item["insertTextFormat"], 1)
        self.assertEqual(item["textEdit"]["newText"], "print_report(data)")
        self.assertEqual(item["textEdit"]["range"]["start"], {"line": 1, "character": 4})
        self.assertEqual(item["command"]["command"], "switchboard.accept")

    def test_completion_never_waits_longer_than_configured(self):
        self.fs.default(text="slow()", ttft_ms=3000)
        text = "x = "
        doc = uri("compl_slow.py")
        self.client.open(doc, text, "python")
        started = time.monotonic()
        result, error = self.client.request("textDocument/completion", {
            "textDocument": {"uri": doc}, "position": position_of(text, len(text), "utf-16")})
        elapsed = time.monotonic() - started
        self.assertIsNone(error)
        self.assertEqual(result["items"], [])
        self.assertTrue(result["isIncomplete"])
        self.assertLess(elapsed, 2.0)


if __name__ == "__main__":
    unittest.main()
