"""Wire shapes of every backend API the fake model server speaks (see
docs/providers.md): how to read a request (model, prompt text,
suffix, streaming, thinking), and how to render stream events, a whole response,
an HTTP error body and an in-band (mid-stream) error in that API's real format.

No I/O here: fake_model_server.py does the HTTP and the timing. Python 3 stdlib."""
import json
import math
import re
import time

from fake_errors import (default_message, default_status, error_body,  # noqa: F401
                         error_response, openai_error_object)

# ---------------------------------------------------------------- framing helpers


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def sse(obj, event=None, crlf=False):
    nl = "\r\n" if crlf else "\n"
    data = obj if isinstance(obj, str) else dumps(obj)
    head = f"event: {event}{nl}" if event else ""
    return (f"{head}data: {data}{nl}{nl}").encode()


def ndjson(obj):
    return (dumps(obj) + "\n").encode()


def text_of(content):
    """Text of a message content: a string, or a list of blocks/parts with text."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        out = []
        for block in content:
            if isinstance(block, str):
                out.append(block)
            elif isinstance(block, dict) and isinstance(block.get("text"), str):
                out.append(block["text"])
        return "".join(out)
    return ""


def count_input_tokens(texts):
    """Deterministic input-token count: ceil(UTF-8 bytes of the texts joined by '\\n' / 4)."""
    joined = "\n".join(t for t in texts if t)
    return math.ceil(len(joined.encode()) / 4)


class Req:
    """What a handler needs to know about a parsed model request."""

    def __init__(self, api, path, body, model=None):
        self.api = api
        self.path = path
        self.body = body if isinstance(body, dict) else {}
        self.model = model or str(self.body.get("model", ""))
        self.stream = False
        self.texts = []          # prompt texts in order (counted as input)
        self.prompt = ""         # the last prompt text (last user message / prompt)
        self.suffix = ""
        self.thinking = False    # the request asked for reasoning/thinking
        self.include_usage = False

    @property
    def input_tokens(self):
        return count_input_tokens(self.texts)


# ---------------------------------------------------------------- request parsing


def parse_openai_chat(req):
    b = req.body
    req.stream = bool(b.get("stream"))
    req.include_usage = bool((b.get("stream_options") or {}).get("include_usage"))
    for m in b.get("messages") or []:
        if isinstance(m, dict):
            t = text_of(m.get("content"))
            req.texts.append(t)
            if m.get("role") == "user":
                req.prompt = t
    effort = b.get("reasoning_effort")
    req.thinking = bool(effort) and effort != "none"


def parse_completions(req):
    b = req.body
    req.stream = bool(b.get("stream"))
    req.include_usage = bool((b.get("stream_options") or {}).get("include_usage"))
    p = b.get("prompt")
    req.prompt = p if isinstance(p, str) else text_of(p)
    req.suffix = b.get("suffix") if isinstance(b.get("suffix"), str) else ""
    req.texts = [req.prompt, req.suffix]


def parse_anthropic(req):
    b = req.body
    req.stream = bool(b.get("stream"))
    req.texts.append(text_of(b.get("system")))
    for m in b.get("messages") or []:
        if isinstance(m, dict):
            t = text_of(m.get("content"))
            req.texts.append(t)
            if m.get("role") == "user":
                req.prompt = t
    th = b.get("thinking")
    req.thinking = isinstance(th, dict) and th.get("type") in ("enabled", "adaptive")


def parse_gemini(req):
    b = req.body
    req.texts.append(text_of((b.get("systemInstruction") or {}).get("parts")))
    for c in b.get("contents") or []:
        if isinstance(c, dict):
            t = text_of(c.get("parts"))
            req.texts.append(t)
            if c.get("role", "user") == "user":
                req.prompt = t
    tc = (b.get("generationConfig") or {}).get("thinkingConfig") or {}
    req.thinking = bool(tc) and tc.get("thinkingBudget", -1) != 0
    req.include_thoughts = bool(tc.get("includeThoughts"))


def parse_ollama(req):
    b = req.body
    req.stream = b.get("stream", True) is not False
    req.texts.append(b.get("system") if isinstance(b.get("system"), str) else "")
    if req.path.endswith("/api/chat"):
        for m in b.get("messages") or []:
            if isinstance(m, dict):
                t = text_of(m.get("content"))
                req.texts.append(t)
                if m.get("role") == "user":
                    req.prompt = t
    else:
        req.prompt = b.get("prompt") if isinstance(b.get("prompt"), str) else ""
        req.suffix = b.get("suffix") if isinstance(b.get("suffix"), str) else ""
        req.texts += [req.prompt, req.suffix]
    req.thinking = bool(b.get("think"))


def parse_llamacpp(req):
    b = req.body
    req.stream = bool(b.get("stream"))
    if req.path.endswith("/infill"):
        for chunk in b.get("input_extra") or []:
            if isinstance(chunk, dict):
                req.texts += [str(chunk.get("filename", "")), str(chunk.get("text", ""))]
        req.prompt = str(b.get("input_prefix", ""))
        req.suffix = str(b.get("input_suffix", ""))
        req.texts += [req.prompt, req.suffix, str(b.get("prompt", "") or "")]
    else:
        p = b.get("prompt")
        req.prompt = p if isinstance(p, str) else text_of(p)
        req.texts.append(req.prompt)


GEMINI_PATH = re.compile(r"/models/([^/:]+):(streamGenerateContent|generateContent)$")


def route(path):
    """(api, model-from-path) for a request path, or (None, None)."""
    if path.endswith("/chat/completions"):
        return "openai_chat", None
    if path.endswith("/fim/completions"):
        return "mistral_fim", None
    if path.endswith("/completions"):
        return "openai_completions", None
    if path.endswith("/v1/messages"):
        return "anthropic", None
    m = GEMINI_PATH.search(path)
    if m:
        return ("gemini_stream" if m.group(2) == "streamGenerateContent" else "gemini"), m.group(1)
    if path.endswith("/api/generate") or path.endswith("/api/chat"):
        return "ollama", None
    if path.endswith("/infill") or path.endswith("/completion"):
        return "llamacpp", None
    return None, None


def parse_request(api, path, body, path_model):
    req = Req(api, path, body, path_model)
    {"openai_chat": parse_openai_chat, "openai_completions": parse_completions,
     "mistral_fim": parse_completions, "anthropic": parse_anthropic,
     "gemini": parse_gemini, "gemini_stream": parse_gemini, "ollama": parse_ollama,
     "llamacpp": parse_llamacpp}[api](req)
    if api == "gemini_stream":
        req.stream = True
    if api == "gemini":
        req.stream = False
    return req


# ---------------------------------------------------------------- stream/body renderers
#
# A renderer is made per request. The server calls start(), then piece() for each
# thinking piece and each answer piece (last=True on the final answer piece), then
# end(); or whole() for a non-streaming answer. usage is a dict with input, output,
# cached, reasoning (output counts thinking pieces too).

OPENAI_FINISH = {"stop": "stop", "length": "length", "stop_sequence": "stop"}
ANTHROPIC_FINISH = {"stop": "end_turn", "length": "max_tokens", "stop_sequence": "stop_sequence"}
GEMINI_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "stop_sequence": "STOP"}
LLAMA_STOP_TYPE = {"stop": "eos", "length": "limit", "stop_sequence": "word"}


class Renderer:
    stream_type = "text/event-stream"
    json_type = "application/json"

    def __init__(self, req, rid, beh):
        self.req, self.rid, self.beh = req, rid, beh
        self.created = int(time.time())
        self.crlf = bool(beh.get("crlf", False))
        self.n_text = 0
        self.n_think = 0
        self.finish_sent = False
        self.n = 1           # choices asked for (OpenAI-shaped `n`)
        self.choice = 0      # the choice of the piece being rendered

    def ev(self, obj, event=None):
        return sse(obj, event, self.crlf)

    def start(self):
        return b""

    def inband_error(self, kind, status, message):
        err = openai_error_object(kind, status, message, self.req)
        return self.ev(err)


class OpenAIChat(Renderer):
    def chunk(self, delta, finish=None, choices=True, usage=False, index=None):
        index = self.choice if index is None else index
        obj = {"id": f"chatcmpl-{self.rid}", "object": "chat.completion.chunk",
               "created": self.created, "model": self.req.model,
               "system_fingerprint": "fp_fake",
               "choices": [{"index": index, "delta": delta, "logprobs": None,
                            "finish_reason": finish}] if choices else []}
        if usage is not False:
            obj["usage"] = usage
        elif self.req.include_usage and self.beh.get("usage_null", False):
            obj["usage"] = None
        return obj

    def start(self):
        return b"".join(self.ev(self.chunk({"role": "assistant", "content": "", "refusal": None},
                                           index=i)) for i in range(self.n))

    def piece(self, text, thinking, last):
        if thinking:
            field = self.beh.get("reasoning_field")
            return self.ev(self.chunk({field: text})) if field else b""
        return self.ev(self.chunk({"content": text}))

    def end(self, finish, usage):
        out = b"".join(self.ev(self.chunk({}, OPENAI_FINISH.get(finish, finish), index=i))
                       for i in range(self.n))
        if self.req.include_usage:
            out += self.ev(self.chunk(None, choices=False, usage=openai_usage(usage, self.req)))
        return out + self.ev("[DONE]")

    def whole(self, text, thinking, finish, usage):
        msg = {"role": "assistant", "content": text, "refusal": None, "annotations": []}
        if thinking and self.beh.get("reasoning_field"):
            msg[self.beh["reasoning_field"]] = thinking
        return {"id": f"chatcmpl-{self.rid}", "object": "chat.completion",
                "created": self.created, "model": self.req.model, "system_fingerprint": "fp_fake",
                "choices": [{"index": 0, "message": msg, "logprobs": None,
                             "finish_reason": OPENAI_FINISH.get(finish, finish)}],
                "usage": openai_usage(usage, self.req)}


class OpenAICompletions(Renderer):
    def chunk(self, text, finish=None, choices=True, usage=False, index=None):
        index = self.choice if index is None else index
        obj = {"id": f"cmpl-{self.rid}", "object": "text_completion", "created": self.created,
               "model": self.req.model,
               "choices": [{"text": text, "index": index, "logprobs": None,
                            "finish_reason": finish}] if choices else []}
        if usage is not False:
            obj["usage"] = usage
        return obj

    def piece(self, text, thinking, last):
        if thinking:
            return b""
        fin = None
        if last:   # of its choice: each choice's last text chunk carries its finish
            fin = OPENAI_FINISH.get(self.finish, self.finish)
            self.finished = getattr(self, "finished", set()) | {self.choice}
            self.finish_sent = len(self.finished) == self.n
        return self.ev(self.chunk(text, fin))

    def end(self, finish, usage):
        done = getattr(self, "finished", set())
        out = b"".join(self.ev(self.chunk("", OPENAI_FINISH.get(finish, finish), index=i))
                       for i in range(self.n) if i not in done)
        if self.req.include_usage:
            out += self.ev(self.chunk(None, choices=False, usage=openai_usage(usage, self.req)))
        return out + self.ev("[DONE]")

    def whole(self, text, thinking, finish, usage):
        return {"id": f"cmpl-{self.rid}", "object": "text_completion", "created": self.created,
                "model": self.req.model,
                "choices": [{"text": text, "index": 0, "logprobs": None,
                             "finish_reason": OPENAI_FINISH.get(finish, finish)}],
                "usage": openai_usage(usage, self.req)}


class MistralFim(Renderer):
    """Chat-shaped chunks; the last content chunk carries finish_reason and usage."""

    def chunk(self, delta, finish=None, usage=None):
        obj = {"id": f"fim-{self.rid}", "object": "chat.completion.chunk",
               "created": self.created, "model": self.req.model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        if usage:
            obj["usage"] = plain_usage(usage)
        return obj

    def start(self):
        return self.ev(self.chunk({"role": "assistant", "content": ""}))

    def piece(self, text, thinking, last):
        if thinking:
            return b""
        if last:
            self.finish_sent = True
            return self.ev(self.chunk({"content": text}, OPENAI_FINISH.get(self.finish, "stop"),
                                      self.usage))
        return self.ev(self.chunk({"content": text}))

    def end(self, finish, usage):
        out = b"" if self.finish_sent else self.ev(
            self.chunk({"content": ""}, OPENAI_FINISH.get(finish, "stop"), usage))
        return out + self.ev("[DONE]")

    def whole(self, text, thinking, finish, usage):
        return {"id": f"fim-{self.rid}", "object": "chat.completion", "created": self.created,
                "model": self.req.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text,
                                                     "tool_calls": None, "prefix": False},
                             "finish_reason": OPENAI_FINISH.get(finish, "stop")}],
                "usage": plain_usage(usage)}

    # In-band errors: the OpenAI-style data: {"error": {...}} (docs/providers.md, errors after a 200;
    # Mistral documents no other mid-stream shape), inherited from Renderer.


def plain_usage(u):
    return {"prompt_tokens": u["input"], "completion_tokens": u["output"],
            "total_tokens": u["input"] + u["output"]}


def openai_usage(u, req):
    out = plain_usage(u)
    out["prompt_tokens_details"] = {"cached_tokens": u["cached"], "audio_tokens": 0}
    out["completion_tokens_details"] = {"reasoning_tokens": u["reasoning"], "audio_tokens": 0,
                                        "accepted_prediction_tokens": 0,
                                        "rejected_prediction_tokens": 0}
    if req.path.startswith("/beta/"):   # DeepSeek's cache counters
        out["prompt_cache_hit_tokens"] = u["cached"]
        out["prompt_cache_miss_tokens"] = u["input"] - u["cached"]
    return out


class Anthropic(Renderer):
    def __init__(self, req, rid, beh):
        super().__init__(req, rid, beh)
        self.block = None      # "thinking" | "text" | None
        self.index = -1
        self.pinged = False

    def start(self):
        msg = {"id": f"msg_fake{self.rid}", "type": "message", "role": "assistant", "content": [],
               "model": self.req.model, "stop_reason": None, "stop_sequence": None,
               "usage": {"input_tokens": self.usage["input"], "output_tokens": 1,
                         "cache_creation_input_tokens": 0,
                         "cache_read_input_tokens": self.usage["cached"]}}
        return self.ev({"type": "message_start", "message": msg}, "message_start")

    def open_block(self, kind):
        out = self.close_block()
        self.index += 1
        self.block = kind
        empty = {"type": "thinking", "thinking": "", "signature": ""} if kind == "thinking" \
            else {"type": "text", "text": ""}
        out += self.ev({"type": "content_block_start", "index": self.index,
                        "content_block": empty}, "content_block_start")
        if not self.pinged:
            self.pinged = True
            out += self.ev({"type": "ping"}, "ping")
        return out

    def close_block(self):
        if self.block is None:
            return b""
        out = b""
        if self.block == "thinking":
            out += self.ev({"type": "content_block_delta", "index": self.index,
                            "delta": {"type": "signature_delta", "signature": "fakesig=="}},
                           "content_block_delta")
        self.block = None
        return out + self.ev({"type": "content_block_stop", "index": self.index},
                             "content_block_stop")

    def piece(self, text, thinking, last):
        kind = "thinking" if thinking else "text"
        out = self.open_block(kind) if self.block != kind else b""
        delta = {"type": "thinking_delta", "thinking": text} if thinking \
            else {"type": "text_delta", "text": text}
        return out + self.ev({"type": "content_block_delta", "index": self.index, "delta": delta},
                             "content_block_delta")

    def end(self, finish, usage):
        out = self.open_block("text") if self.index < 0 else b""
        out += self.close_block()
        out += self.ev({"type": "message_delta",
                        "delta": {"stop_reason": ANTHROPIC_FINISH.get(finish, finish),
                                  "stop_sequence": None},
                        "usage": {"output_tokens": usage["output"]}}, "message_delta")
        return out + self.ev({"type": "message_stop"}, "message_stop")

    def whole(self, text, thinking, finish, usage):
        content = []
        if thinking:
            content.append({"type": "thinking", "thinking": thinking, "signature": "fakesig=="})
        content.append({"type": "text", "text": text})
        return {"id": f"msg_fake{self.rid}", "type": "message", "role": "assistant",
                "model": self.req.model, "content": content,
                "stop_reason": ANTHROPIC_FINISH.get(finish, finish), "stop_sequence": None,
                "usage": {"input_tokens": usage["input"], "output_tokens": usage["output"],
                          "cache_creation_input_tokens": 0,
                          "cache_read_input_tokens": usage["cached"]}}

    def inband_error(self, kind, status, message):
        return self.ev(error_body("anthropic", kind, status, message, self.req), "error")


class Gemini(Renderer):
    """?alt=sse chunks, CRLF CRLF separated by default, cumulative usageMetadata."""

    def __init__(self, req, rid, beh):
        super().__init__(req, rid, beh)
        self.crlf = bool(beh.get("crlf", True))

    def usage_meta(self, n_text, n_think):
        meta = {"promptTokenCount": self.usage["input"], "candidatesTokenCount": n_text,
                "totalTokenCount": self.usage["input"] + n_text + n_think}
        if n_think:
            meta["thoughtsTokenCount"] = n_think
        if self.usage["cached"]:
            meta["cachedContentTokenCount"] = self.usage["cached"]
        return meta

    def response(self, parts, finish, n_text, n_think):
        cand = {"content": {"parts": parts, "role": "model"}, "index": 0}
        if finish:
            cand["finishReason"] = GEMINI_FINISH.get(finish, finish)
        return {"candidates": [cand], "usageMetadata": self.usage_meta(n_text, n_think),
                "modelVersion": self.req.model, "responseId": f"fake{self.rid}"}

    def chunk_json(self, obj):
        # Real Gemini prints JSON with ": " and ", " spacing.
        data = json.dumps(obj, ensure_ascii=False)
        return self.ev(data)

    def piece(self, text, thinking, last):
        if thinking:
            self.n_think += 1
            if not getattr(self.req, "include_thoughts", False):
                return b""
            part = {"text": text, "thought": True}
        else:
            self.n_text += 1
            part = {"text": text}
        fin = None
        if last:
            fin, self.finish_sent = self.finish, True
        return self.chunk_json(self.response([part], fin, self.n_text, self.n_think))

    def end(self, finish, usage):
        if self.finish_sent:
            return b""
        return self.chunk_json(self.response([{"text": ""}], finish, self.n_text, self.n_think))

    def whole(self, text, thinking, finish, usage):
        parts = []
        if thinking and getattr(self.req, "include_thoughts", False):
            parts.append({"text": thinking, "thought": True})
        parts.append({"text": text})
        return self.response(parts, finish, usage["output"] - usage["reasoning"],
                             usage["reasoning"])

    def inband_error(self, kind, status, message):
        return self.chunk_json(error_body("gemini", kind, status, message, self.req))


class Ollama(Renderer):
    stream_type = "application/x-ndjson"

    def ev(self, obj, event=None):
        return ndjson(obj)

    def obj(self, text, thinking=False, done=False):
        o = {"model": self.req.model, "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if self.req.path.endswith("/api/chat"):
            msg = {"role": "assistant", "content": "" if thinking else text}
            if thinking:
                msg["thinking"] = text
            o["message"] = msg
        else:
            o["response"] = "" if thinking else text
            if thinking:
                o["thinking"] = text
        o["done"] = done
        return o

    def piece(self, text, thinking, last):
        return ndjson(self.obj(text, thinking))

    def final(self, text, finish, usage):
        o = self.obj(text, done=True)
        o.update({"done_reason": "length" if finish == "length" else "stop",
                  "total_duration": 1000000, "load_duration": 1000,
                  "prompt_eval_count": usage["input"], "prompt_eval_duration": 1000,
                  "eval_count": usage["output"], "eval_duration": 1000})
        return o

    def end(self, finish, usage):
        return ndjson(self.final("", finish, usage))

    def whole(self, text, thinking, finish, usage):
        o = self.final(text, finish, usage)
        if thinking:
            (o["message"] if "message" in o else o)["thinking"] = thinking
        return o

    def inband_error(self, kind, status, message):
        return ndjson(error_body("ollama", kind, status, message, self.req))


class LlamaCpp(Renderer):
    def piece(self, text, thinking, last):
        if thinking:
            return b""
        self.n_text += 1
        return self.ev({"index": 0, "content": text, "tokens": [], "stop": False, "id_slot": 0,
                        "tokens_predicted": self.n_text, "tokens_evaluated": self.usage["input"]})

    def final(self, text, finish, usage):
        return {"index": 0, "content": text, "tokens": [], "id_slot": 0, "stop": True,
                "model": self.req.model or "fake-llama", "tokens_predicted": usage["output"],
                "tokens_evaluated": usage["input"], "generation_settings": {},
                "prompt": "", "has_new_line": False, "truncated": False,
                "stop_type": LLAMA_STOP_TYPE.get(finish, "eos"), "stopping_word": "",
                "tokens_cached": usage["cached"],
                "timings": {"cache_n": usage["cached"], "prompt_n": usage["input"] - usage["cached"],
                            "predicted_n": usage["output"], "prompt_ms": 1.0, "predicted_ms": 1.0}}

    def end(self, finish, usage):
        return self.ev(self.final("", finish, usage))

    def whole(self, text, thinking, finish, usage):
        return self.final(text, finish, usage)

    def inband_error(self, kind, status, message):
        return self.ev(error_body("llamacpp", kind, status, message, self.req))


RENDERERS = {"openai_chat": OpenAIChat, "openai_completions": OpenAICompletions,
             "mistral_fim": MistralFim, "anthropic": Anthropic, "gemini": Gemini,
             "gemini_stream": Gemini, "ollama": Ollama, "llamacpp": LlamaCpp}


def make_renderer(req, rid, beh, usage, finish):
    r = RENDERERS[req.api](req, rid, beh)
    r.usage, r.finish = usage, finish
    return r
