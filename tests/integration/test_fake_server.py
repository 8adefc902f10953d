"""Tests of the fake model server itself: each API's stream shape and usage, error
bodies and headers, scripted trouble (stall, drop, malformed, mid-stream errors),
recording with masked keys, connection counting, and the control API."""
import http.client
import json
import math
import socket
import threading
import time
import unittest

from fake_server import FakeServer

SERVER = None


def setUpModule():
    global SERVER
    SERVER = FakeServer().start()


def tearDownModule():
    SERVER.stop()


def sse_events(raw):
    """Splits an SSE body into (event, data) pairs; accepts LF and CRLF."""
    text = raw.decode().replace("\r\n", "\n")
    out = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        event, data = None, []
        for line in block.split("\n"):
            if line.startswith(":"):
                continue
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
        if data:
            out.append((event, "\n".join(data)))
    return out


def post(path, body, headers=None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=10)
    conn.request("POST", path, json.dumps(body), dict({"Content-Type": "application/json"},
                                                      **(headers or {})))
    resp = conn.getresponse()
    data = resp.read()
    if own:
        conn.close()
    return resp, data


def tokens(text):
    return math.ceil(len(text.encode()) / 4)


class FakeServerCase(unittest.TestCase):
    def setUp(self):
        SERVER.reset()


class TestStreamShapes(FakeServerCase):
    def test_openai_chat_stream_with_usage(self):
        SERVER.default(text="int count = 0;", token_size=5)
        resp, raw = post("/v1/chat/completions", {
            "model": "gpt-4o-mini", "stream": True, "stream_options": {"include_usage": True},
            "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "rename x"}]})
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Content-Type"), "text/event-stream")
        events = sse_events(raw)
        self.assertEqual(events[-1][1], "[DONE]")
        chunks = [json.loads(d) for _, d in events[:-1]]
        self.assertEqual(chunks[0]["choices"][0]["delta"]["role"], "assistant")
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        self.assertEqual(text, "int count = 0;")
        self.assertEqual(chunks[-2]["choices"][0]["finish_reason"], "stop")
        usage = chunks[-1]["usage"]
        self.assertEqual(chunks[-1]["choices"], [])
        self.assertEqual(usage["prompt_tokens"], tokens("sys\nrename x"))
        self.assertEqual(usage["completion_tokens"], 3)   # 14 chars in pieces of 5
        rec = SERVER.requests()[-1]
        self.assertEqual(rec["usage"]["output"], 3)
        self.assertEqual(rec["usage"]["input"], usage["prompt_tokens"])

    def test_openai_chat_without_include_usage_has_no_usage_chunk(self):
        resp, raw = post("/chat/completions", {"model": "deepseek-chat", "stream": True,
                                               "messages": [{"role": "user", "content": "hi"}]})
        chunks = [json.loads(d) for _, d in sse_events(raw)[:-1]]
        self.assertTrue(all(c["choices"] for c in chunks))
        self.assertTrue(all("usage" not in c for c in chunks))

    def test_completions_fim_echo_suffix_and_deepseek_cache_counters(self):
        SERVER.rule(match={"path": "/beta/completions"}, rule="echo_suffix", cached_tokens=2)
        resp, raw = post("/beta/completions", {"model": "deepseek-chat", "prompt": "def f():\n",
                                               "suffix": "    return 1\n", "stream": False})
        body = json.loads(raw)
        self.assertEqual(body["object"], "text_completion")
        self.assertEqual(body["choices"][0]["text"], "    return 1\n")
        self.assertEqual(body["usage"]["prompt_cache_hit_tokens"], 2)
        self.assertEqual(body["usage"]["prompt_tokens"], tokens("def f():\n\n    return 1\n"))

    def test_completions_stream_last_text_chunk_carries_finish(self):
        SERVER.default(text="abcdefgh", token_size=4, finish="length")
        _, raw = post("/v1/completions", {"model": "m", "prompt": "p", "stream": True})
        chunks = [json.loads(d) for _, d in sse_events(raw)[:-1]]
        self.assertEqual([c["choices"][0]["text"] for c in chunks], ["abcd", "efgh"])
        self.assertEqual(chunks[-1]["choices"][0]["finish_reason"], "length")

    def test_n_choices_interleaved_by_index_with_usage_once(self):
        SERVER.default(text="abcdef", texts=["x = 1", "y = 22"], token_size=2)
        for path, key in (("/v1/chat/completions", "content"), ("/v1/completions", "text")):
            with self.subTest(path=path):
                body = {"model": "m", "stream": True, "n": 3, "stream_options": {"include_usage": True}}
                body.update({"messages": [{"role": "user", "content": "hi"}]} if "chat" in path
                            else {"prompt": "p"})
                _, raw = post(path, body)
                chunks = [json.loads(d) for _, d in sse_events(raw)[:-1]]
                texts, finishes, order = {}, {}, []
                for c in chunks:
                    for ch in c["choices"]:
                        part = ch.get("delta", {}).get("content") if "chat" in path else ch.get("text")
                        texts[ch["index"]] = texts.get(ch["index"], "") + (part or "")
                        if part:
                            order.append(ch["index"])
                        if ch["finish_reason"]:
                            finishes[ch["index"]] = ch["finish_reason"]
                # scripted texts by index, then one derived from the answer text
                self.assertEqual(texts, {0: "x = 1", 1: "y = 22", 2: "abcdef #2"})
                self.assertEqual(order[:3], [0, 1, 2], "interleaved")
                self.assertEqual(finishes, {0: "stop", 1: "stop", 2: "stop"})
                usages = [c for c in chunks if "usage" in c and c["usage"]]
                self.assertEqual(len(usages), 1)
                rec = SERVER.requests()[-1]
                self.assertEqual(rec["texts"], ["x = 1", "y = 22", "abcdef #2"])
                self.assertEqual(usages[0]["usage"]["completion_tokens"], rec["usage"]["output"])
                self.assertEqual(rec["usage"]["output"], 3 + 3 + 5)

    def test_mistral_fim_last_chunk_has_finish_and_usage(self):
        SERVER.default(text="return n % 2 == 1")
        _, raw = post("/v1/fim/completions", {"model": "codestral-latest", "prompt": "def is_odd(n):",
                                              "suffix": "x", "stream": True})
        events = sse_events(raw)
        self.assertEqual(events[-1][1], "[DONE]")
        last = json.loads(events[-2][1])
        self.assertEqual(last["choices"][0]["finish_reason"], "stop")
        self.assertEqual(last["usage"]["completion_tokens"], 5)
        self.assertEqual(last["object"], "chat.completion.chunk")

    def test_anthropic_named_events_with_thinking(self):
        SERVER.default(text="done", thinking_text="hmm hmm")
        _, raw = post("/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 2000, "stream": True,
                                       "thinking": {"type": "enabled", "budget_tokens": 1024},
                                       "messages": [{"role": "user", "content": "go"}]})
        events = sse_events(raw)
        names = [e for e, _ in events]
        self.assertEqual(names[0], "message_start")
        self.assertEqual(names[-1], "message_stop")
        self.assertIn("ping", names)
        for e, d in events:
            self.assertEqual(json.loads(d)["type"], e)
        deltas = [json.loads(d)["delta"] for e, d in events if e == "content_block_delta"]
        self.assertEqual("".join(x.get("thinking", "") for x in deltas), "hmm hmm")
        self.assertEqual("".join(x.get("text", "") for x in deltas), "done")
        self.assertIn("signature_delta", [x["type"] for x in deltas])
        md = json.loads(events[-2][1])
        self.assertEqual(md["delta"]["stop_reason"], "end_turn")
        self.assertEqual(md["usage"]["output_tokens"], 3)   # 2 thinking + 1 text piece

    def test_anthropic_without_thinking_has_no_thinking_block(self):
        _, raw = post("/v1/messages", {"model": "c", "max_tokens": 10, "stream": True,
                                       "messages": [{"role": "user", "content": "go"}]})
        self.assertNotIn(b"thinking", raw)

    def test_gemini_stream_crlf_and_cumulative_usage(self):
        SERVER.default(text="int count = 0;", token_size=7)
        _, raw = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                      {"contents": [{"role": "user", "parts": [{"text": "rename"}]}]})
        self.assertIn(b"\r\n\r\n", raw)
        self.assertNotIn(b"[DONE]", raw)
        chunks = [json.loads(d) for _, d in sse_events(raw)]
        self.assertEqual(len(chunks), 2)
        self.assertEqual(chunks[0]["usageMetadata"]["candidatesTokenCount"], 1)
        self.assertEqual(chunks[1]["usageMetadata"]["candidatesTokenCount"], 2)
        self.assertEqual(chunks[1]["candidates"][0]["finishReason"], "STOP")
        self.assertNotIn("finishReason", chunks[0]["candidates"][0])
        self.assertEqual(SERVER.requests()[-1]["model"], "gemini-2.5-flash")

    def test_gemini_generate_content_whole(self):
        _, raw = post("/v1beta/models/gemini-2.5-pro:generateContent",
                      {"contents": [{"parts": [{"text": "x"}]}],
                       "generationConfig": {"thinkingConfig": {"thinkingBudget": 128}}})
        body = json.loads(raw)
        self.assertEqual(body["candidates"][0]["content"]["parts"][-1]["text"], "Hello from the fake model.")
        self.assertGreater(body["usageMetadata"]["thoughtsTokenCount"], 0)

    def test_ollama_generate_and_chat_ndjson(self):
        SERVER.default(text="return a + b")
        resp, raw = post("/api/generate", {"model": "qwen", "prompt": "def add(a, b):", "suffix": "\n"})
        self.assertEqual(resp.getheader("Content-Type"), "application/x-ndjson")
        lines = [json.loads(x) for x in raw.decode().splitlines()]
        self.assertEqual("".join(x["response"] for x in lines), "return a + b")
        self.assertTrue(lines[-1]["done"])
        self.assertEqual(lines[-1]["eval_count"], 3)
        self.assertEqual(lines[-1]["prompt_eval_count"], tokens("def add(a, b):\n\n"))
        _, raw = post("/api/chat", {"model": "qwen", "stream": False,
                                    "messages": [{"role": "user", "content": "hi"}]})
        body = json.loads(raw)
        self.assertEqual(body["message"]["content"], "return a + b")
        self.assertTrue(body["done"])

    def test_llamacpp_infill_stream_ends_with_stop_true(self):
        SERVER.default(rule="upper_last_line")
        _, raw = post("/infill", {"input_prefix": "a\nfoo bar\n", "input_suffix": "", "stream": True,
                                  "input_extra": [{"filename": "u.py", "text": "x"}]})
        events = [json.loads(d) for _, d in sse_events(raw)]
        self.assertNotIn(b"[DONE]", raw)
        self.assertTrue(events[-1]["stop"])
        self.assertEqual("".join(e["content"] for e in events), "FOO BAR")
        self.assertEqual(events[-1]["tokens_predicted"], 2)


class TestErrors(FakeServerCase):
    def test_openai_rate_limit_headers_and_body(self):
        SERVER.enqueue(error="rate_limit", retry_after=2, retry_after_ms=1500,
                       reset_requests="1s", reset_tokens="6m0s")
        resp, raw = post("/v1/chat/completions", {"model": "m", "messages": []})
        self.assertEqual(resp.status, 429)
        self.assertEqual(resp.getheader("retry-after"), "2")
        self.assertEqual(resp.getheader("retry-after-ms"), "1500")
        self.assertEqual(resp.getheader("x-ratelimit-reset-tokens"), "6m0s")
        self.assertEqual(json.loads(raw)["error"]["code"], "rate_limit_exceeded")
        # one-shot: the next request succeeds
        resp, _ = post("/v1/chat/completions", {"model": "m", "messages": []})
        self.assertEqual(resp.status, 200)

    def test_quota_context_and_auth_shapes(self):
        SERVER.enqueue_many([{"error": "quota"}, {"error": "context_length"},
                             {"error": "quota", "status": 402}])
        resp, raw = post("/v1/chat/completions", {"model": "m", "messages": []})
        self.assertEqual((resp.status, json.loads(raw)["error"]["type"]), (429, "insufficient_quota"))
        resp, raw = post("/v1/chat/completions", {"model": "m", "messages": []})
        self.assertEqual((resp.status, json.loads(raw)["error"]["code"]), (400, "context_length_exceeded"))
        resp, raw = post("/beta/completions", {"model": "m", "prompt": ""})
        self.assertEqual((resp.status, json.loads(raw)["error"]["message"]), (402, "Insufficient Balance"))

    def test_anthropic_529_overloaded(self):
        SERVER.enqueue(error="overloaded")
        resp, raw = post("/v1/messages", {"model": "c", "messages": [], "max_tokens": 1})
        self.assertEqual(resp.status, 529)
        body = json.loads(raw)
        self.assertEqual((body["type"], body["error"]["type"]), ("error", "overloaded_error"))

    def test_gemini_retry_info_and_auth_400(self):
        SERVER.enqueue_many([{"error": "rate_limit", "retry_delay": "15s"}, {"error": "auth"}])
        resp, raw = post("/v1beta/models/g:streamGenerateContent?alt=sse", {"contents": []})
        self.assertEqual(resp.status, 429)
        details = json.loads(raw)["error"]["details"]
        retry = [d for d in details if d["@type"].endswith("RetryInfo")]
        self.assertEqual(retry[0]["retryDelay"], "15s")
        resp, raw = post("/v1beta/models/g:generateContent", {"contents": []})
        self.assertEqual(resp.status, 400)
        self.assertEqual(json.loads(raw)["error"]["details"][0]["reason"], "API_KEY_INVALID")

    def test_ollama_and_llamacpp_error_shapes(self):
        SERVER.enqueue_many([{"error": "overloaded"}, {"error": "context_length"}])
        resp, raw = post("/api/generate", {"model": "q", "prompt": "x"})
        self.assertEqual(resp.status, 503)
        self.assertIn("server busy", json.loads(raw)["error"])
        resp, raw = post("/completion", {"prompt": "x"})
        err = json.loads(raw)["error"]
        self.assertEqual((resp.status, err["type"]), (400, "exceed_context_size_error"))
        self.assertEqual(err["n_ctx"], 8192)

    def test_mid_stream_errors_in_band(self):
        SERVER.enqueue_many([{"error": "overloaded", "error_after": 1},
                             {"error": "server_error", "error_after": 2},
                             {"error": "server_error", "error_after": 0}])
        resp, raw = post("/v1/messages", {"model": "c", "stream": True, "max_tokens": 5, "messages": []})
        events = sse_events(raw)
        self.assertEqual(resp.status, 200)
        self.assertEqual(events[-1][0], "error")
        self.assertEqual(json.loads(events[-1][1])["error"]["type"], "overloaded_error")
        self.assertNotIn("message_stop", [e for e, _ in events])
        _, raw = post("/v1/chat/completions", {"model": "m", "stream": True, "messages": []})
        last = json.loads(sse_events(raw)[-1][1])
        self.assertIn("error", last)
        _, raw = post("/api/generate", {"model": "q", "prompt": "x"})
        self.assertEqual(list(json.loads(raw.splitlines()[-1]).keys()), ["error"])
        self.assertEqual(SERVER.requests()[-1]["outcome"], "error_mid_stream")


class TestTrouble(FakeServerCase):
    def test_drop_mid_stream(self):
        SERVER.enqueue(drop_after=2)
        conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=5)
        conn.request("POST", "/v1/chat/completions", json.dumps({"model": "m", "stream": True, "messages": []}))
        resp = conn.getresponse()
        with self.assertRaises(http.client.IncompleteRead):
            resp.read()
        conn.close()
        rec = SERVER.requests()[-1]
        self.assertEqual((rec["outcome"], rec["pieces_sent"]), ("dropped", 2))

    def test_stall_then_client_disconnect_is_recorded(self):
        SERVER.enqueue(stall_after=1)
        sock = socket.create_connection(("127.0.0.1", SERVER.port))
        body = json.dumps({"model": "m", "stream": True, "messages": []}).encode()
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
                     % (len(body), body))
        got = b""
        while b"Hell" not in got:
            got += sock.recv(4096)
        SERVER.wait_for(lambda: SERVER.requests()[-1]["outcome"] == "stalled")
        before = time.time()
        sock.close()
        SERVER.wait_for(lambda: SERVER.stats()["client_disconnects"] == 1)
        rec = SERVER.requests()[-1]
        self.assertTrue(rec["client_disconnected"])
        self.assertGreaterEqual(rec["disconnected_at"], before - 0.01)
        self.assertEqual(rec["pieces_sent"], 1)

    def test_malformed_bytes_and_keepalive_comments(self):
        SERVER.enqueue(malformed_after=1, comments=2)
        _, raw = post("/v1/chat/completions", {"model": "m", "stream": True, "messages": []})
        self.assertIn(b'{"broken": \xff\xfe', raw)
        self.assertEqual(raw.count(b": keep-alive\n\n"), 2)
        self.assertTrue(raw.endswith(b"data: [DONE]\n\n"))

    def test_ttft_and_token_delay(self):
        SERVER.enqueue(ttft_ms=150, token_delay_ms=20, text="abcdefgh", token_size=2)
        start = time.time()
        post("/v1/chat/completions", {"model": "m", "stream": True, "messages": []})
        rec = SERVER.requests()[-1]
        self.assertGreaterEqual(rec["first_byte_at"] - rec["received_at"], 0.14)
        self.assertGreaterEqual(time.time() - start, 0.2)

    def test_drip_sends_one_byte_chunks(self):
        SERVER.enqueue(drip_ms=1, text="ab")
        _, raw = post("/api/generate", {"model": "q", "prompt": "x"})
        self.assertEqual("".join(json.loads(x)["response"] for x in raw.splitlines()), "ab")


class TestRecordingAndControl(FakeServerCase):
    def test_keys_masked_but_fingerprinted(self):
        post("/v1/messages", {"model": "c", "messages": [], "max_tokens": 1},
             {"x-api-key": "sk-ant-secret-1234", "Authorization": "Bearer sk-secret-abcd"})
        dump = json.dumps(SERVER.requests())
        self.assertNotIn("secret", dump)
        rec = SERVER.requests()[-1]
        self.assertTrue(rec["headers"]["authorization"].startswith("Bearer ***"))
        self.assertTrue(rec["headers"]["x-api-key"].startswith("***"))
        self.assertEqual(rec["body"]["model"], "c")

    def test_keep_alive_reuses_one_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=5)
        for _ in range(3):
            post("/v1/chat/completions", {"model": "m", "stream": True, "messages": []}, conn=conn)
        conn.close()
        recs = SERVER.requests()
        self.assertEqual(len({r["conn_id"] for r in recs}), 1)
        self.assertEqual(SERVER.stats()["api_connections"], 1)

    def test_rules_by_model_and_queue_matching(self):
        SERVER.rule(match={"model": "fast*"}, text="FAST")
        SERVER.enqueue(match={"model": "slow"}, text="ONCE")
        _, a = post("/v1/chat/completions", {"model": "fast-1", "messages": []})
        _, b = post("/v1/chat/completions", {"model": "slow", "messages": []})
        _, c = post("/v1/chat/completions", {"model": "slow", "messages": []})
        text = lambda raw: json.loads(raw)["choices"][0]["message"]["content"]
        self.assertEqual((text(a), text(b), text(c)), ("FAST", "ONCE", "Hello from the fake model."))
        self.assertEqual(SERVER.stats()["queue_left"], 0)

    def test_flat_match_keys_and_config_endpoint(self):
        SERVER.enqueue(model="slow", error="overloaded")
        SERVER.control("POST", "config", {"models": {"fast": {"text": "F"}},
                                          "queue": [{"path": "/api/chat", "text": "Q"}]})
        resp, _ = post("/v1/chat/completions", {"model": "other", "messages": []})
        self.assertEqual(resp.status, 200)            # the one-shot waits for "slow"
        resp, _ = post("/v1/messages", {"model": "slow", "messages": [], "max_tokens": 1})
        self.assertEqual(resp.status, 529)
        _, raw = post("/v1/chat/completions", {"model": "fast", "messages": []})
        self.assertEqual(json.loads(raw)["choices"][0]["message"]["content"], "F")
        _, raw = post("/api/chat", {"model": "x", "stream": False, "messages": []})
        self.assertEqual(json.loads(raw)["message"]["content"], "Q")

    def test_unknown_path_and_bad_json(self):
        resp, _ = post("/v2/nothing", {})
        self.assertEqual(resp.status, 404)
        conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=5)
        conn.request("POST", "/v1/messages", "{not json")
        resp = conn.getresponse()
        self.assertEqual(resp.status, 400)
        self.assertEqual(json.loads(resp.read())["error"]["type"], "invalid_request_error")
        conn.close()

    def test_expect_100_continue_and_chunked_request_body(self):
        sock = socket.create_connection(("127.0.0.1", SERVER.port), timeout=5)
        body = json.dumps({"model": "m", "messages": []}).encode()
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        self.assertTrue(sock.recv(100).startswith(b"HTTP/1.1 100 Continue"))
        sock.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        got = b""
        while b"Hello from the fake model." not in got:
            got += sock.recv(4096)
        sock.close()
        self.assertEqual(SERVER.requests()[-1]["body"]["model"], "m")

    def test_concurrent_streams(self):
        SERVER.default(token_delay_ms=5, text="x" * 40)
        results = []

        def one():
            _, raw = post("/v1/chat/completions", {"model": "m", "stream": True, "messages": []})
            results.append(raw.endswith(b"data: [DONE]\n\n"))
        threads = [threading.Thread(target=one) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [True] * 50)
        self.assertGreater(SERVER.stats()["max_in_flight"], 10)


if __name__ == "__main__":
    unittest.main()
