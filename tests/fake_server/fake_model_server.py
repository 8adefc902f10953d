#!/usr/bin/env python3
"""Fake model server for switchboard's tests, demo and benchmarks.

Speaks every backend API switchboard talks to (docs/providers.md) on its real paths with
its real stream framing, usage fields and error bodies (renderers in fake_apis.py),
over raw HTTP/1.1 (keep-alive, chunked streaming) on 127.0.0.1. Python 3 stdlib
only, asyncio. Each request's behaviour is scriptable through a JSON control API on
the same port under /_control/ (see docs/fake-server.md); every request is recorded
(keys masked) with what the server reported as usage and whether the client went
away before the end.

    python3 fake_model_server.py --port 0 --port-file F [--config models.json]

The first stdout line is the port number."""
import argparse
import asyncio
import collections
import fnmatch
import hashlib
import json
import os
import signal
import ssl
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_apis  # noqa: E402
from fake_http import Closed, Connection, read_request  # noqa: E402

SECRET_HEADERS = ("authorization", "x-api-key", "x-goog-api-key", "api-key")
REASONS = {200: "OK", 100: "Continue", 400: "Bad Request", 401: "Unauthorized",
           402: "Payment Required", 403: "Forbidden", 404: "Not Found",
           413: "Payload Too Large", 422: "Unprocessable Entity", 429: "Too Many Requests",
           499: "Client Closed Request", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout", 529: "Overloaded"}
DEFAULT_TEXT = "Hello from the fake model."
TROUBLE_KEYS = ("stall_after", "drop_after", "error_after", "malformed_after")


def mask_header(name, value):
    """Masks a credential but keeps a short fingerprint so tests can tell keys apart."""
    if name.lower() not in SECRET_HEADERS:
        return value
    scheme, _, secret = value.partition(" ") if value.lower().startswith("bearer ") else ("", "", value)
    digest = hashlib.sha256(secret.encode()).hexdigest()[:8]
    return (scheme + " " if scheme else "") + f"***{digest}"


def split_pieces(text, size):
    size = max(1, int(size))
    return [text[i:i + size] for i in range(0, len(text), size)]


def last_line(text):
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return lines[-1] if lines else ""


REGION_START, REGION_END = "<|editable_region_start|>", "<|editable_region_end|>"
CURSOR = "<|user_cursor_is_here|>"


def next_edit_answer(prompt, rewrites):
    """Plays a next-edit model: the editable region of the prompt with each scripted
    {"from", "to"} replacement applied, between the region markers (no region in the
    prompt: an answer without one)."""
    start = prompt.find(REGION_START + "\n")   # the excerpt's marker, not a mention in prose
    end = prompt.find(REGION_END, start) if start >= 0 else -1
    if start < 0 or end < 0:
        return "There is no editable region in this prompt."
    region = prompt[start + len(REGION_START):end].replace(CURSOR, "")
    for rw in rewrites:
        region = region.replace(str(rw.get("from", "")), str(rw.get("to", "")))
    return REGION_START + region + REGION_END


N_MAX = 16


def choice_texts(req, beh, text):
    """The texts of a request for several choices (OpenAI-shaped `n` > 1, streamed): the
    behaviour's `texts` by index, else the answer text, then distinct ones derived from it
    ("<text> #1", ...). One text when the request asked for one."""
    n = req.body.get("n") if req.api in ("openai_chat", "openai_completions") else None
    if not req.stream or not isinstance(n, int) or isinstance(n, bool) or n <= 1:
        return [text]
    scripted = beh.get("texts") if isinstance(beh.get("texts"), list) else []
    return [str(scripted[i]) if i < len(scripted) else (text if i == 0 else f"{text} #{i}")
            for i in range(min(n, N_MAX))]


def interleave(texts, size):
    """(piece, choice, last-of-its-choice) round robin over the choices' pieces."""
    split = [split_pieces(t, size) for t in texts]
    out = []
    for j in range(max(len(s) for s in split)):
        for c, s in enumerate(split):
            if j < len(s):
                out.append((s[j], c, j == len(s) - 1))
    return out


def answer_text(req, beh):
    rule = beh.get("rule")
    if rule == "next_edit":
        return next_edit_answer(req.prompt, beh.get("rewrites") or [])
    if rule == "echo_prompt":
        return req.prompt
    if rule == "echo_suffix":
        return req.suffix
    if rule == "echo_last_line":
        return last_line(req.prompt)
    if rule == "upper_last_line":
        return last_line(req.prompt).upper()
    if rule == "echo_model":
        return req.model
    text = beh.get("text")
    return DEFAULT_TEXT if text is None else str(text)


def matches(match, req):
    if not match:
        return True
    for key, want in match.items():
        have = {"model": req.model, "path": req.path, "api": req.api}.get(key)
        if have is None or not fnmatch.fnmatchcase(have, str(want)):
            return False
    return True


class FakeServer:
    def __init__(self, max_records=20000):
        self.max_records = max_records
        self.next_conn = 1
        self.next_request = 1
        self.open_conns = {}
        self.reset()
        self.connections_opened = 0

    def reset(self):
        self.default = {}
        self.rules = []       # [(match, behaviour)], all matching apply in order
        self.queue = []       # one-shot behaviours, first matching one is used
        self.records = collections.deque(maxlen=self.max_records)
        self.counters = collections.Counter()
        self.connections_opened = 0
        self.api_conn_ids = set()
        self.in_flight = 0
        self.max_in_flight = 0

    def load_config(self, cfg):
        if "default" in cfg:
            self.default = dict(cfg["default"])
        for name, beh in (cfg.get("models") or {}).items():
            self.add_rule(dict(beh, match={"model": name}))
        for rule in cfg.get("rules") or []:
            self.add_rule(rule)
        for beh in cfg.get("queue") or []:
            self.add_one_shot(beh)

    @staticmethod
    def split_match(item):
        """(match, behaviour); the flat form {"model": "x", ...} is a match too."""
        beh = dict(item)
        match = dict(beh.pop("match", None) or {})
        for key in ("model", "path", "api"):
            if key in beh:
                match[key] = beh.pop(key)
        return match, beh

    def add_rule(self, rule):
        self.rules.append(self.split_match(rule))

    def add_one_shot(self, item):
        match, beh = self.split_match(item)
        self.queue.append(dict(beh, match=match))

    def behaviour_for(self, req):
        beh = dict(self.default)
        for match, rule in self.rules:
            if matches(match, req):
                beh.update(rule)
        for i, one in enumerate(self.queue):
            if matches(one.get("match"), req):
                del self.queue[i]
                beh.update({k: v for k, v in one.items() if k != "match"})
                break
        return beh

    def stats(self):
        return {"connections_opened": self.connections_opened,
                "connections_open": len(self.open_conns),
                "api_connections": len(self.api_conn_ids),
                "requests": self.counters["requests"],
                "control_requests": self.counters["control_requests"],
                "head_requests": self.counters["head_requests"],
                "completed": self.counters["completed"],
                "client_disconnects": self.counters["client_disconnects"],
                "dropped": self.counters["dropped"],
                "errors_sent": self.counters["errors_sent"],
                "in_flight": self.in_flight, "max_in_flight": self.max_in_flight,
                "queue_left": len(self.queue), "rules": len(self.rules)}

    # ------------------------------------------------------------ connections

    async def handle_connection(self, reader, writer):
        conn = Connection(self, reader, writer, self.next_conn)
        self.next_conn += 1
        self.connections_opened += 1
        self.open_conns[conn.id] = conn
        read_task = asyncio.ensure_future(conn.read_loop())
        try:
            while not conn.gone.is_set():
                try:
                    parsed = await read_request(conn)
                except ValueError as exc:
                    await self.send_simple(conn, 400, {"error": f"fake server: {exc}"}, close=True)
                    break
                if parsed is None:
                    break
                keep = await self.dispatch(conn, *parsed)
                if not keep:
                    break
        except Closed:
            pass
        except Exception as exc:  # a bug here must not kill the server
            print(f"fake_model_server: connection {conn.id}: {exc!r}", file=sys.stderr)
        finally:
            self.open_conns.pop(conn.id, None)
            read_task.cancel()
            try:
                writer.close()
            except Exception:
                pass

    async def send_simple(self, conn, status, obj, headers=(), close=False):
        body = obj if isinstance(obj, bytes) else fake_apis.dumps(obj).encode()
        head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}",
                "Content-Type: application/json", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers]
        if close:
            head.append("Connection: close")
        await conn.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    async def dispatch(self, conn, method, target, headers, body):
        url = urllib.parse.urlsplit(target)
        path = url.path
        client_close = any(k.lower() == "connection" and v.lower() == "close" for k, v in headers)
        if path.startswith("/_control/"):
            self.counters["control_requests"] += 1
            status, obj = self.control(method, path, urllib.parse.parse_qs(url.query), body)
            await self.send_simple(conn, status, obj)
            return not client_close
        if method == "HEAD":     # connection warming: answered without a model
            self.counters["head_requests"] += 1
            await conn.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            return not client_close
        keep = await self.model_request(conn, method, path, url.query, headers, body)
        return keep and not client_close

    # ------------------------------------------------------------ control API

    def control(self, method, path, query, body):
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return 400, {"error": "control body is not JSON"}
        name = path[len("/_control/"):]
        if name == "health":
            return 200, {"ok": True}
        if name == "reset" and method == "POST":
            self.reset()
            return 200, {"ok": True}
        if name == "default" and method == "POST":
            self.default = dict(data)
            return 200, {"ok": True}
        if name == "rules" and method == "POST":
            for rule in data.get("rules", [data]) if isinstance(data, dict) else data:
                self.add_rule(rule)
            return 200, {"rules": len(self.rules)}
        if name == "rules" and method == "DELETE":
            self.rules = []
            return 200, {"rules": 0}
        if name == "enqueue" and method == "POST":
            items = data.get("queue", [data]) if isinstance(data, dict) else data
            for item in items:
                self.add_one_shot(item)
            return 200, {"queue": len(self.queue)}
        if name == "config" and method == "POST":
            self.load_config(data)
            return 200, {"ok": True}
        if name == "requests" and method == "GET":
            since = int(query.get("since", ["0"])[0])
            return 200, {"requests": [r for r in self.records if r["id"] > since]}
        if name == "stats" and method == "GET":
            return 200, self.stats()
        return 404, {"error": f"unknown control endpoint {method} {path}"}

    # ------------------------------------------------------------ model requests

    async def model_request(self, conn, method, path, query, headers, body):
        rid = self.next_request
        self.next_request += 1
        self.counters["requests"] += 1
        self.api_conn_ids.add(conn.id)
        try:
            parsed = json.loads(body) if body else None
            raw = None
        except ValueError:
            parsed, raw = None, body[:4096].decode("utf-8", "replace")
        api, path_model = fake_apis.route(path)
        rec = {"id": rid, "conn_id": conn.id, "method": method, "path": path, "query": query,
               "headers": {k.lower(): mask_header(k, v) for k, v in headers},
               "body": parsed, "body_raw": raw, "received_at": time.time(), "api": api,
               "model": None, "stream": None, "behaviour": None, "status": None,
               "usage": None, "text": None, "pieces_sent": 0, "first_byte_at": None,
               "finished_at": None, "completed": False, "outcome": None,
               "client_disconnected": False, "disconnected_at": None}
        self.records.append(rec)
        if api is None:
            rec.update(status=404, outcome="no_such_path", completed=True)
            await self.send_simple(conn, 404, {"error": {"message": f"fake server: no API at {path}",
                                                         "type": "not_found_error"}})
            return True
        req = fake_apis.parse_request(api, path, parsed, path_model)
        beh = self.behaviour_for(req)
        if parsed is None and "error" not in beh:
            beh = dict(beh, error="bad_request", message="request body is not valid JSON")
        rec.update(model=req.model, stream=req.stream, behaviour=beh)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self.answer(conn, rec, req, beh)
        except Closed:
            if rec["outcome"] != "dropped" and not rec["completed"]:
                rec.update(client_disconnected=True, outcome="client_disconnected",
                           disconnected_at=conn.gone_at or time.time())
                self.counters["client_disconnects"] += 1
            return False
        finally:
            self.in_flight -= 1

    def head(self, status, ctype, length, extra):
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}", f"Content-Type: {ctype}"]
        if length is None:
            lines += ["Transfer-Encoding: chunked", "Cache-Control: no-cache"]
        else:
            lines.append(f"Content-Length: {length}")
        lines += [f"{k}: {v}" for k, v in extra]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def finish(self, rec, outcome):
        rec.update(completed=True, outcome=outcome, finished_at=time.time())
        self.counters["completed"] += 1

    async def answer(self, conn, rec, req, beh):
        text = answer_text(req, beh)
        texts = choice_texts(req, beh, text)
        thinking = str(beh.get("thinking_text", "Considering the request.")) if req.thinking else ""
        size = beh.get("token_size", 4)
        # (piece, thinking, choice, last answer piece of its choice)
        pieces = [(p, True, 0, False) for p in split_pieces(thinking, size)]
        pieces += [(p, False, c, last) for p, c, last in interleave(texts, size)]
        reasoning = len(split_pieces(thinking, size)) if thinking else 0
        usage = {"input": int(beh.get("input_tokens", req.input_tokens)), "output": len(pieces),
                 "cached": int(beh.get("cached_tokens", 0)), "reasoning": reasoning}
        rec.update(text=text, texts=texts, thinking=thinking, usage=usage)
        await conn.sleep(beh.get("headers_delay_ms", 0))
        if beh.get("drop_before_headers"):
            return self.drop(conn, rec)
        extra = list((beh.get("headers") or {}).items()) + [("x-request-id", f"req_{rec['id']}")]
        if req.api == "anthropic":
            extra.append(("request-id", f"req_{rec['id']}"))
        if beh.get("error") and beh.get("error_after") is None:
            status, hdrs, body = fake_apis.error_response(req, beh)
            rec.update(status=status, usage=None)
            self.counters["errors_sent"] += 1
            await conn.write(self.head(status, "application/json", len(body), extra + hdrs) + body)
            self.finish(rec, "error")
            return not beh.get("close")
        render = fake_apis.make_renderer(req, rec["id"], beh, usage, beh.get("finish", "stop"))
        render.n = len(texts)
        if not req.stream:
            return await self.answer_whole(conn, rec, beh, render, text, thinking, extra, len(pieces))
        return await self.answer_stream(conn, rec, beh, render, pieces, extra)

    def drop(self, conn, rec):
        conn.abort()
        rec.update(outcome="dropped", finished_at=time.time())
        self.counters["dropped"] += 1
        return False

    async def stall(self, conn, rec, beh):
        rec["outcome"] = "stalled"
        if beh.get("stall_ms"):
            await conn.sleep(beh["stall_ms"])
            rec["outcome"] = None
            return
        await conn.gone.wait()
        raise Closed()

    async def answer_whole(self, conn, rec, beh, render, text, thinking, extra, n):
        await conn.sleep(beh.get("ttft_ms", 0) + beh.get("token_delay_ms", 0) * max(0, n - 1))
        if beh.get("stall_after") is not None:
            await self.stall(conn, rec, beh)
        if beh.get("drop_after") is not None:
            return self.drop(conn, rec)
        body = fake_apis.dumps(render.whole(text, thinking, render.finish, render.usage)).encode()
        if beh.get("malformed_after") is not None:
            body = body[:len(body) // 2] + b"\xff\xfe<garbage"
        rec["status"] = 200
        head = self.head(200, render.json_type, len(body), extra)
        if beh.get("drip_ms"):
            await conn.write(head)
            for i in range(len(body)):
                await conn.sleep(beh["drip_ms"])
                await conn.write(body[i:i + 1])
        else:
            await conn.write(head + body)
        rec["first_byte_at"] = time.time()
        self.finish(rec, "completed")
        return not beh.get("close")

    async def send(self, conn, rec, beh, data):
        if not data:
            return
        if rec["first_byte_at"] is None:
            rec["first_byte_at"] = time.time()
        if beh.get("drip_ms"):
            for i in range(len(data)):
                await conn.write(b"1\r\n" + data[i:i + 1] + b"\r\n")
                await conn.sleep(beh["drip_ms"])
        else:
            await conn.write(b"%x\r\n%s\r\n" % (len(data), data))

    async def answer_stream(self, conn, rec, beh, render, pieces, extra):
        # Without delays (or scripted trouble) the whole response goes out in one
        # write, still one chunk per piece, as a fast backend's would on a real network.
        fast = not (beh.get("ttft_ms") or beh.get("token_delay_ms") or beh.get("drip_ms") or
                    beh.get("comments") or any(k in beh for k in TROUBLE_KEYS))
        batch = None
        head = self.head(200, render.stream_type, None, extra)
        rec["status"] = 200
        if fast:
            start = render.start()
            batch = [head, b"%x\r\n%s\r\n" % (len(start), start) if start else b""]
        else:
            await conn.write(head)
            await conn.sleep(beh.get("ttft_ms", 0))
            await self.send(conn, rec, beh, render.start())
        sse = render.stream_type == "text/event-stream"
        for _ in range(int(beh.get("comments", 0)) if sse else 0):
            await self.send(conn, rec, beh, b": keep-alive\n\n")
        for i, (piece, is_thinking, choice, last) in enumerate(pieces):
            if await self.intervene(conn, rec, beh, render, i, sse):
                return False
            if i:
                await conn.sleep(beh.get("token_delay_ms", 0))
            render.choice = choice
            data = render.piece(piece, is_thinking, i == len(pieces) - 1 if render.n == 1 else last)
            if batch is not None:
                batch.append(b"%x\r\n%s\r\n" % (len(data), data) if data else b"")
            else:
                await self.send(conn, rec, beh, data)
            rec["pieces_sent"] = i + 1
        if await self.intervene(conn, rec, beh, render, len(pieces), sse):
            return False
        end = render.end(render.finish, render.usage)
        if batch is not None:
            rec["first_byte_at"] = rec["first_byte_at"] or time.time()
            await conn.write(b"".join(batch) + b"%x\r\n%s\r\n0\r\n\r\n" % (len(end), end))
        else:
            await self.send(conn, rec, beh, end)
            await conn.write(b"0\r\n\r\n")
        self.finish(rec, "completed")
        return not beh.get("close")

    async def intervene(self, conn, rec, beh, render, index, sse):
        """Scripted trouble before piece `index`. True: the response is over (close)."""
        if beh.get("stall_after") == index:
            await self.stall(conn, rec, beh)
        if beh.get("drop_after") == index:
            self.drop(conn, rec)
            return True
        if beh.get("malformed_after") == index:
            garbage = beh.get("malformed_bytes")
            if garbage is None:
                garbage = b'data: {"broken": \xff\xfe\n\n' if sse else b'{"broken": \xff\n'
            elif isinstance(garbage, str):
                garbage = garbage.encode()
            await self.send(conn, rec, beh, garbage)
        if beh.get("error") and beh.get("error_after") == index:
            kind = beh["error"]
            status = int(beh.get("status") or fake_apis.default_status(render.req.api, kind))
            message = beh.get("message") or fake_apis.default_message(kind, status, render.req)
            await self.send(conn, rec, beh, render.inband_error(kind, status, message))
            await conn.write(b"0\r\n\r\n")
            self.counters["errors_sent"] += 1
            self.finish(rec, "error_mid_stream")
            return True
        return False


async def main_async(args):
    server = FakeServer(args.max_records)
    if args.config:
        with open(args.config) as f:
            server.load_config(json.load(f))
    tls = None
    if args.tls_cert:      # https for TLS tests (certificate verification, ALPN http/1.1)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        tls.set_alpn_protocols(["http/1.1"])
    srv = await asyncio.start_server(server.handle_connection, args.host, args.port, backlog=2048,
                                     ssl=tls)
    port = srv.sockets[0].getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    srv.close()
    for conn in list(server.open_conns.values()):
        conn.abort()


def main():
    ap = argparse.ArgumentParser(description="switchboard's fake model server")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--config", help="JSON file: {default, models, rules, queue}")
    ap.add_argument("--max-records", type=int, default=20000)
    ap.add_argument("--tls-cert", help="serve https with this PEM certificate")
    ap.add_argument("--tls-key", help="its PEM private key")
    args = ap.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        ap.error("the fake server only listens on loopback")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
