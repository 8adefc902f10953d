"""Malformed input over real pipes: every request answered exactly once with the
right JSON-RPC error, and the server keeps serving afterwards."""
import json
import random
import time
import unittest

from lsp_client import LspClient, frame


def raw_request(rid, method, params=None):
    msg = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        msg["params"] = params
    return frame(msg)


class ProtocolErrorTest(unittest.TestCase):
    def setUp(self):
        self.c = LspClient(args=["--max-message-bytes", "65536"])
        result, error = self.c.initialize()
        self.assertIsNone(error)

    def tearDown(self):
        try:
            if self.c.proc.poll() is None:
                self.assertEqual(self.c.shutdown_and_exit(), 0)
            self.assertEqual(self.c.duplicate_responses, [])
        finally:
            self.c.close()

    def error_responses_with_null_id(self):
        return [m for m in self.c.messages if "method" not in m and m.get("id") is None]

    def test_invalid_json_then_valid_request(self):
        body = b'{"jsonrpc":"2.0","id":1,"method":'
        self.c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        _, error = self.c.request("no/such", {})
        self.assertEqual(error["code"], -32601)
        errs = self.error_responses_with_null_id()
        self.assertEqual([e["error"]["code"] for e in errs], [-32700])

    def test_bad_headers_then_valid_request(self):
        self.c.send_raw(b"Content-Length: twelve\r\n\r\n")
        self.c.send_raw(b"this is not a header at all ")
        _, error = self.c.request("no/such", {})
        self.assertEqual(error["code"], -32601)
        self.assertGreaterEqual(len(self.error_responses_with_null_id()), 1)
        self.c.wait_stderr("malformed header")

    def test_huge_message_rejected_by_id(self):
        big = {"jsonrpc": "2.0", "id": 77, "method": "no/such", "params": {"t": "x" * 200000}}
        self.c.send(big)
        msg = self.c.wait_response(77)
        self.assertEqual(msg["error"]["code"], -32600)
        self.assertIn("size limit", msg["error"]["message"])
        _, error = self.c.request("no/such", {})
        self.assertEqual(error["code"], -32601)

    def test_invalid_request_objects(self):
        self.c.send({"id": 5, "method": "x"})                       # no jsonrpc
        self.assertEqual(self.c.wait_response(5)["error"]["code"], -32600)
        self.c.send({"jsonrpc": "2.0", "id": 6, "method": 12})
        self.assertEqual(self.c.wait_response(6)["error"]["code"], -32600)
        self.c.send({"jsonrpc": "2.0", "id": 7, "method": "x", "params": "str"})
        self.assertEqual(self.c.wait_response(7)["error"]["code"], -32602)
        self.c.send_raw(frame([1, 2, 3]))
        self.c.wait_for(lambda: any(e["error"]["code"] == -32600
                                    for e in self.error_responses_with_null_id()))

    def test_unknown_requests_and_notifications(self):
        _, error = self.c.request("$/unknownRequest", {})
        self.assertEqual(error["code"], -32601)
        self.c.notify("$/unknownNotification", {"x": 1})
        self.c.notify("custom/unknownNotification", {"x": 1})
        _, error = self.c.request("no/such", {})
        self.assertEqual(error["code"], -32601)
        # Nothing was sent back for the notifications.
        self.assertEqual([m for m in self.c.messages if "id" not in m and "method" not in m], [])

    def test_cancel_answers_exactly_once(self):
        rids = [self.c.request_async("no/such", {}) for _ in range(20)]
        for rid in rids:
            self.c.cancel(rid)
        self.c.cancel(999999)           # unknown id: ignored
        for rid in rids:
            self.assertIn("error", self.c.wait_response(rid))
        _, error = self.c.request("no/such", {})
        self.assertEqual(error["code"], -32601)
        self.assertEqual(self.c.duplicate_responses, [])

    def test_random_chunking_of_a_burst(self):
        rng = random.Random(7)
        data = b"".join(raw_request(1000 + i, "no/such", {"i": i, "s": "\u00e9" * i})
                        for i in range(100))
        pos = 0
        while pos < len(data):
            n = rng.choice([1, 2, 3, 17, 500, 4096])
            self.c.send_raw(data[pos:pos + n])
            pos += n
        for i in range(100):
            self.assertEqual(self.c.wait_response(1000 + i)["error"]["code"], -32601)

    def test_wrong_param_types_for_text_sync_do_not_crash(self):
        self.c.notify("textDocument/didOpen", {"textDocument": "nope"})
        self.c.notify("textDocument/didChange", {"textDocument": {"uri": 5}, "contentChanges": 3})
        self.c.open("file:///t.txt", "one\ntwo\n")
        self.c.change("file:///t.txt", 2, [
            {"range": {"start": {"line": 9, "character": 0}, "end": {"line": 0, "character": 0}},
             "text": "x"},
            {"range": {"start": {"line": "a", "character": 0}, "end": {}}, "text": "x"},
            {"text": 42}])
        self.c.notify("textDocument/didClose", {"textDocument": {"uri": "file:///never"}})
        _, error = self.c.request("no/such", {})
        self.assertEqual(error["code"], -32601)
        self.c.wait_stderr("invalid range")

    def test_execute_command_unknown(self):
        _, error = self.c.execute_command("switchboard.doesNotExist")
        self.assertEqual(error["code"], -32602)
        self.assertIn("unknown command", error["message"])
        _, error = self.c.request("workspace/executeCommand", {"arguments": []})
        self.assertEqual(error["code"], -32602)

    def test_set_trace_sends_log_trace(self):
        self.c.notify("$/setTrace", {"value": "verbose"})
        self.c.execute_command("switchboard.nothing")
        params = self.c.wait_notification("$/logTrace", lambda p: "unknown command" in p["message"])
        self.assertIn("switchboard.nothing", params["message"])
        self.c.notify("$/setTrace", {"value": "off"})
        # a round trip first: traces logged before "off" (the answer's own) have all arrived
        self.c.execute_command("switchboard.nothing")
        before = len(self.c.notifications_of("$/logTrace"))
        self.c.execute_command("switchboard.nothing")
        time.sleep(0.1)
        self.assertEqual(len(self.c.notifications_of("$/logTrace")), before)


class LargeMessageTest(unittest.TestCase):
    def test_large_document_within_default_limit(self):
        with LspClient() as c:
            c.initialize()
            text = ("x = '\u00e9\U0001F600'\r\n" * 200000)   # ~3.4 MB, CRLF, non-ASCII
            c.open("file:///big.py", text, "python")
            c.change("file:///big.py", 2, [{"range": {"start": {"line": 150000, "character": 5},
                                                      "end": {"line": 150000, "character": 7}},
                                            "text": "ok"}])
            _, error = c.request("no/such", {}, timeout=20)
            self.assertEqual(error["code"], -32601)
            self.assertEqual(c.shutdown_and_exit(), 0)
            self.assertNotIn("skipped", c.stderr_text())


if __name__ == "__main__":
    unittest.main()
