#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/corpus/<target>/ from the project's own test data:
recorded API streams (tests/fixtures, plus hand-written streams of the APIs without
recordings), example configurations, and LSP sessions like the
integration tests send. Deterministic; rerun after adding fixtures:
    python3 tests/fuzz/make_corpus.py [--fixtures DIR]"""
import argparse
import glob
import hashlib
import json
import os

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
ADAPTERS = ["openai", "openai_completions", "mistral_fim", "anthropic", "gemini", "ollama", "llamacpp"]


def put(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frame(obj):
    body = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def lsp_sessions():
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": None, "rootUri": None, "capabilities": {
                "general": {"positionEncodings": ["utf-8", "utf-16"]}}}}
    inited = {"jsonrpc": "2.0", "method": "initialized", "params": {}}
    uri = "file:///t.py"
    opn = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "def f(a, b):\n    \u00e9 = '\U0001F600'\r\n"}}}
    chg = {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 5}}, "text": "x\n"},
            {"text": "whole\n"}]}}
    inl = {"jsonrpc": "2.0", "id": 3, "method": "textDocument/inlineCompletion", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 1, "character": 2},
        "context": {"triggerKind": 1}}}
    act = {"jsonrpc": "2.0", "id": 4, "method": "textDocument/codeAction", "params": {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                 "end": {"line": 1, "character": 3}},
        "context": {"diagnostics": []}}}
    cmds = [{"jsonrpc": "2.0", "id": 10 + i, "method": "workspace/executeCommand",
             "params": {"command": c, "arguments": a}} for i, (c, a) in enumerate([
                 ("switchboard.stats", [{"since": "7d", "by": "task"}]),
                 ("switchboard.explainRoute", [{"task": "inline"}]),
                 ("switchboard.reloadConfig", []),
                 ("switchboard.accept", [{"id": "x"}]),
                 ("other.command", ["/etc/passwd"])])]
    cancel = {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 3}}
    trace = {"jsonrpc": "2.0", "method": "$/setTrace", "params": {"value": "verbose"}}
    close = {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}
    shut = {"jsonrpc": "2.0", "id": 99, "method": "shutdown"}
    ex = {"jsonrpc": "2.0", "method": "exit"}
    sessions = [
        [init, inited, opn, chg, inl, cancel, act, close, shut, ex],
        [init, inited, trace] + cmds + [shut, ex],
        [opn, init, b'{"jsonrpc":"2.0","id":5,"method":', [1, 2], {"id": 7, "method": 3}, shut],
        [{"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": "x"}, ex],
        [init, {"jsonrpc": "2.0", "id": 2, "result": None}, {"jsonrpc": "2.0", "id": "s", "method": "x/y"}],
    ]
    for chunk in (0, 7, 63, 255):
        for s in sessions:
            put("fuzz_lsp_input", bytes([chunk]) + b"".join(frame(m) for m in s))
    put("fuzz_lsp_input", b"\x10Content-Length: 5\r\nContent-Type: x\r\n\r\n{}{}{Content-Length: 99999999\r\n\r\n")


def streams(fixtures):
    """Raw stream bodies: recorded fixtures plus hand-written ones for the APIs without."""
    out = []
    for path in sorted(glob.glob(os.path.join(fixtures, "*", "*"))):
        if path.endswith((".md", ".json", ".req")):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if len(data) < 60000:
            out.append(data)
    out += [
        b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n',
        b'{"response":"a","done":false}\n{"response":"","done":true,"eval_count":3}\n',
        b'{"message":{"content":"x"},"done":false}\r\n{"error":"boom"}\n',
        b'data: {"content":"x","stop":false}\n\ndata: {"content":"","stop":true,"tokens_predicted":1}\n\n',
        b': keep-alive\n\nevent: ping\ndata: {}\n\nretry: 10\nid: 4\ndata: a\ndata: b\n\n',
        b'data: {"broken": \xff\xfe\n\n',
    ]
    return out


def events(stream):
    """(event name, data) pairs of an SSE or NDJSON body, roughly."""
    text = stream.replace(b"\r\n", b"\n")
    if b"data:" not in text:
        return [(b"", line) for line in text.split(b"\n") if line.strip()]
    pairs = []
    for block in text.split(b"\n\n"):
        name, data = b"", []
        for line in block.split(b"\n"):
            if line.startswith(b"event:"):
                name = line[6:].strip()
            elif line.startswith(b"data:"):
                data.append(line[5:].lstrip())
        if data:
            pairs.append((name, b"\n".join(data)))
    return pairs


ERROR_BODIES = [
    b'{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
    b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    b'{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"15s"}]}}',
    b'{"error":"model \\"x\\" not found, try pulling it first"}',
    b'{"object":"error","message":"Unauthorized","type":"invalid_request_error","code":"1000"}',
    b'{"error":{"code":401,"message":"Invalid API key sk-abcdef1234567890","type":"authentication_error"}}',
    b'{"detail":[{"loc":["body","prompt"],"msg":"field required"}]}',
    b'<html>502 Bad Gateway</html>',
    b'',
]


def choice_streams():
    """Streams of requests for several choices (`n`): chat and completions chunks naming
    each choice's index, one out of range, a finish per choice, usage once."""
    chat, comp = [], []
    for i, text in [(0, "a"), (2, "c"), (1, "b"), (9, "never asked"), (-1, "negative")]:
        chat.append({"choices": [{"index": i, "delta": {"content": text}, "finish_reason": None}]})
        comp.append({"choices": [{"index": i, "text": text, "finish_reason": None}]})
    chat.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"},
                             {"index": 1, "delta": {"refusal": "no"}, "finish_reason": "stop"},
                             {"index": 2, "delta": {}, "finish_reason": "length"}]})
    comp.append({"choices": [{"index": k, "text": "", "finish_reason": "stop"} for k in range(3)]})
    usage = {"choices": [], "usage": {"prompt_tokens": 40, "completion_tokens": 12}}
    def body(chunks):
        return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks + [usage]) + \
            b"data: [DONE]\n\n"
    return [("openai", body(chat)), ("openai_completions", body(comp))]


def adapters_and_streams(fixtures):
    all_streams = streams(fixtures)
    for i, s in enumerate(all_streams):
        put("fuzz_stream", bytes([(i * 37) & 0xfe | 1]) + s)          # SSE
        put("fuzz_stream", bytes([(i * 37) & 0xfe]) + s)              # NDJSON
    for s in all_streams:
        for name, data in events(s)[:3]:
            for a in range(len(ADAPTERS)):
                if len(name) < 256:
                    put("fuzz_adapters", bytes([a, len(name)]) + name + data)
    for a in range(len(ADAPTERS)):
        for body in ERROR_BODIES:
            put("fuzz_adapters", bytes([a, 0]) + body)
    # the first byte also says how many choices were asked for: 1 + byte // kinds % 8
    for kind, s in choice_streams():
        put("fuzz_stream", bytes([1]) + s)
        for _, data in events(s):
            for n in (2, 3, 8):
                put("fuzz_adapters", bytes([ADAPTERS.index(kind) + len(ADAPTERS) * (n - 1), 0]) + data)


def configs():
    for pattern in ("data/examples/*.json", "data/workloads/*.config.json", "tests/data/*config*.json"):
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            with open(path, "rb") as f:
                put("fuzz_config", f.read())
    put("fuzz_config", b'// c\n{"providers":{"p":{"kind":"openai","base_url":"http://127.0.0.1:1",'
        b'"api_key_env":"K",},},"models":{"m":{"provider":"p","model":"x"}},'
        b'"routes":{"inline":["m"]},}')


def documents():
    import random
    rng = random.Random(1)
    for _ in range(24):
        put("fuzz_document", bytes(rng.randrange(256) for _ in range(rng.randrange(8, 200))))


def extract():
    answers = [
        b"Here is the fix:\n```python\ndef f(a, b):\n    return a + b\n```\n",
        b"```\nx\n```\nand\n```c\nint y;\n```",
        b"Before:\n```js\nold()\n```\nAfter:\n```js\nnew()\n```\n",
        b"no fence at all, just code()\n",
        b"````md\n```inner```\n````\n",
        b"```python\nunterminated",
    ]
    for a in answers:
        put("fuzz_extract", a)


def nes_answers():
    """fuzz_nes_answer: header [flags, lines|context<<4, cursor/255, split (2 bytes)],
    then the document and the model's answer (see the target's comment). Flags: 1 CRLF,
    2 zeta-style answer, 4 raw answer (no markers added)."""
    doc = "def area(w, h):\n    a = w * h\n    print(h)\n    return h + a\n"
    renamed = "def area(w, height):\n    a = w * height\n    print(height)\n    return height + a\n"
    utf8 = "s = 'caf\u00e9'\nn = len(s)  # \u00e9t\u00e9 \U0001F600\n"
    cases = [
        (0, doc, renamed),                                               # rename, chat
        (2, doc, renamed),                                               # rename, zeta
        (1, doc.replace("\n", "\r\n"), renamed.replace("\n", "\r\n")),   # CRLF
        (3, doc.replace("\n", "\r\n"), renamed),                          # CRLF doc, LF answer
        (0, utf8, utf8.replace("s", "texte")),                           # non-ASCII
        (0, doc, doc),                                                   # equal answer
        (0, doc, doc + "def extra():\n    pass\n"),                       # insertion at the end
        (0, doc.rstrip("\n"), renamed.rstrip("\n")),                      # no final line break
        (4, doc, "Sure! <|editable_region_start|>\ndef area(w, h):\n"),  # garbled: cut short
        (4, doc, "<|editable_region_start|>a<|editable_region_start|>b<|editable_region_end|>"),
        (4, doc, "```\n<|editable_region_start|>\n<|user_cursor_is_here|>x\r\n<|editable_region_end|>\n```"),
        (6, "", "<|start_of_file|>\n"),                                 # empty document
    ]
    for flags, d, a in cases:
        d, a = d.encode(), a.encode()
        for lines, cursor in ((0x21, 40), (0x00, 255), (0x3f, 0)):
            put("fuzz_nes_answer", bytes([flags, lines, cursor, len(d) >> 8, len(d) & 255]) + d + a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default=os.path.join(ROOT, "tests", "fixtures"))
    args = ap.parse_args()
    # A missing directory would silently drop every recorded stream from the corpus.
    if not os.path.isdir(args.fixtures):
        ap.error("no fixtures directory %s" % args.fixtures)
    fixtures = args.fixtures
    lsp_sessions()
    adapters_and_streams(fixtures)
    configs()
    documents()
    nes_answers()
    if os.path.exists(os.path.join(ROOT, "lsp", "extract.h")):
        extract()


if __name__ == "__main__":
    main()
