"""Error shapes of every backend API the fake model server speaks (see
docs/providers.md): default status per error kind and API, the
real error body of each API, and the rate-limit headers a behaviour asks for.
No I/O. Python 3 stdlib."""
import json


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------- error shapes
#
# kind: rate_limit, quota, auth, permission, context_length, bad_request, not_found,
# server_error, overloaded, unavailable, timeout. Each API gets its default status
# and its real body shape; a behaviour may override the status and the message.

DEFAULT_STATUS = {"rate_limit": 429, "quota": 429, "auth": 401, "permission": 403,
                  "context_length": 400, "bad_request": 400, "not_found": 404,
                  "server_error": 500, "overloaded": 503, "unavailable": 503, "timeout": 504}
API_STATUS = {("anthropic", "overloaded"): 529, ("anthropic", "quota"): 402,
              ("mistral_fim", "bad_request"): 422, ("gemini", "auth"): 400}


def api_family(api):
    return "gemini" if api == "gemini_stream" else api


def default_status(api, kind):
    return API_STATUS.get((api_family(api), kind), DEFAULT_STATUS.get(kind, 500))


def default_message(kind, status, req):
    n = req.input_tokens
    return {
        "rate_limit": f"Rate limit reached for {req.model} on requests per min (RPM): "
                      "Limit 3, Used 3, Requested 1. Please try again in 1s.",
        "quota": "You exceeded your current quota, please check your plan and billing details.",
        "auth": "Incorrect API key provided: sk-fa***ke.",
        "permission": "Permission denied.",
        "context_length": f"This model's maximum context length is 8192 tokens. However, your "
                          f"messages resulted in {n + 8192} tokens.",
        "bad_request": "Invalid request.",
        "not_found": f"The model `{req.model}` does not exist.",
        "server_error": "The server had an error while processing your request.",
        "overloaded": "The server is overloaded. Please try again later.",
        "unavailable": "Service unavailable.",
        "timeout": "Request timed out.",
    }.get(kind, f"fake error {kind}")


def openai_error_object(kind, status, message, req):
    etype, code = {
        "rate_limit": ("requests", "rate_limit_exceeded"),
        "quota": ("insufficient_quota", "insufficient_quota"),
        "auth": ("invalid_request_error", "invalid_api_key"),
        "permission": ("invalid_request_error", "permission_denied"),
        "context_length": ("invalid_request_error", "context_length_exceeded"),
        "bad_request": ("invalid_request_error", "invalid_value"),
        "not_found": ("invalid_request_error", "model_not_found"),
    }.get(kind, ("server_error", None))
    if status == 402:
        etype, code, message = "unknown_error", "invalid_request_error", "Insufficient Balance"
    param = "messages" if kind == "context_length" else None
    return {"error": {"message": message, "type": etype, "param": param, "code": code}}


def anthropic_error_object(kind, status, message, req):
    etype = {"rate_limit": "rate_limit_error", "quota": "billing_error",
             "auth": "authentication_error", "permission": "permission_error",
             "context_length": "invalid_request_error", "bad_request": "invalid_request_error",
             "not_found": "not_found_error", "server_error": "api_error",
             "overloaded": "overloaded_error", "unavailable": "api_error",
             "timeout": "timeout_error"}.get(kind, "api_error")
    if kind == "context_length":
        message = f"prompt is too long: {req.input_tokens + 200000} tokens > 200000 maximum"
    elif kind == "overloaded":
        message = "Overloaded"
    elif kind == "auth":
        message = "invalid x-api-key"
    return {"type": "error", "error": {"type": etype, "message": message},
            "request_id": "req_fake"}


def gemini_error_object(kind, status, message, req, beh=None):
    beh = beh or {}
    gstatus = {"rate_limit": "RESOURCE_EXHAUSTED", "quota": "RESOURCE_EXHAUSTED",
               "auth": "INVALID_ARGUMENT", "permission": "PERMISSION_DENIED",
               "context_length": "INVALID_ARGUMENT", "bad_request": "INVALID_ARGUMENT",
               "not_found": "NOT_FOUND", "server_error": "INTERNAL",
               "overloaded": "UNAVAILABLE", "unavailable": "UNAVAILABLE",
               "timeout": "DEADLINE_EXCEEDED"}.get(kind, "INTERNAL")
    details = []
    if kind == "auth":
        message = "API key not valid. Please pass a valid API key."
        details.append({"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID", "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com"}})
    elif kind == "context_length":
        message = (f"The input token count ({req.input_tokens + 1048576}) exceeds the maximum "
                   "number of tokens allowed (1048576).")
    elif kind == "overloaded":
        message = "The model is overloaded. Please try again later."
    elif kind in ("rate_limit", "quota"):
        details.append({"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [{"quotaMetric": "generativelanguage.googleapis.com/"
                                        "generate_content_free_tier_requests",
                                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel",
                                        "quotaValue": "10"}]})
        details.append({"@type": "type.googleapis.com/google.rpc.Help",
                        "links": [{"description": "Learn more about Gemini API quotas",
                                   "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]})
        if beh.get("retry_delay"):
            details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo",
                            "retryDelay": beh["retry_delay"]})
    obj = {"code": status, "message": message, "status": gstatus}
    if details:
        obj["details"] = details
    return {"error": obj}


def mistral_error_object(kind, status, message, req):
    if kind == "auth":
        return {"message": "Unauthorized", "request_id": "fake"}
    if kind == "bad_request" and status == 422:
        return {"object": "error", "message": {"detail": [
            {"type": "extra_forbidden", "loc": ["body", "max_completion_tokens"],
             "msg": "Extra inputs are not permitted", "input": 32000}]},
            "type": "invalid_request_error", "param": None, "code": None}
    etype, code = {"rate_limit": ("rate_limited", "1300"),
                   "context_length": ("invalid_request_error", "3051"),
                   "quota": ("invalid_request_error", "3505")}.get(kind, ("internal_server_error", None))
    if kind == "rate_limit":
        message = "Rate limit exceeded"
    return {"object": "error", "message": message, "type": etype, "param": None, "code": code}


def ollama_error_object(kind, status, message, req):
    message = {"overloaded": "server busy, please try again.  maximum pending requests exceeded",
               "context_length": "the prompt is longer than the context length currently "
                                 "available to the model; shorten the prompt",
               "not_found": f'model "{req.model}" not found, try pulling it first',
               "auth": "unauthorized"}.get(kind, message)
    return {"error": message}


def llamacpp_error_object(kind, status, message, req):
    etype = {"auth": "authentication_error", "permission": "permission_error",
             "not_found": "not_found_error", "context_length": "exceed_context_size_error",
             "bad_request": "invalid_request_error", "overloaded": "unavailable_error",
             "unavailable": "unavailable_error"}.get(kind, "server_error")
    err = {"code": status, "message": message, "type": etype}
    if kind == "context_length":
        n = req.input_tokens + 8192
        err["message"] = (f"request ({n} tokens) exceeds the available context size "
                          "(8192 tokens), try increasing it")
        err["n_prompt_tokens"], err["n_ctx"] = n, 8192
    elif kind in ("overloaded", "unavailable"):
        err["message"] = "Loading model"
    return {"error": err}


def error_body(api, kind, status, message, req, beh=None):
    fam = api_family(api)
    if fam in ("openai_chat", "openai_completions"):
        return openai_error_object(kind, status, message, req)
    if fam == "anthropic":
        return anthropic_error_object(kind, status, message, req)
    if fam == "gemini":
        return gemini_error_object(kind, status, message, req, beh)
    if fam == "mistral_fim":
        return mistral_error_object(kind, status, message, req)
    if fam == "ollama":
        return ollama_error_object(kind, status, message, req)
    return llamacpp_error_object(kind, status, message, req)


def error_response(req, beh):
    """(status, headers list, body bytes) for a behaviour with an "error" kind."""
    kind = beh["error"]
    status = int(beh.get("status") or default_status(req.api, kind))
    message = beh.get("message") or default_message(kind, status, req)
    if "body" in beh:
        body = beh["body"] if isinstance(beh["body"], str) else dumps(beh["body"])
    else:
        body = dumps(error_body(req.api, kind, status, message, req, beh))
    return status, rate_limit_headers(beh), body.encode()


def rate_limit_headers(beh):
    headers = []
    for key, name in (("retry_after", "retry-after"), ("retry_after_ms", "retry-after-ms"),
                      ("reset_requests", "x-ratelimit-reset-requests"),
                      ("reset_tokens", "x-ratelimit-reset-tokens")):
        if beh.get(key) is not None:
            headers.append((name, str(beh[key])))
    return headers
