/* The exchange driver (see exchange.h): adapter, HTTP engine and stream parser wired
 * together, with one classification of how the transfer ended. Precedence, from the
 * first that applies: the caller stopped it (ok); an error met while streaming
 * (malformed bytes, an oversized event, an in-band error); the engine's outcome
 * (timeouts, network); a non-2xx status; a 2xx stream cut before its end marker. */
#include "providers/exchange.h"
#include "base/clock.h"
#include <stdio.h>
#include <string.h>

static bool ok_status(int status) { return status >= 200 && status < 300; }

static void set_error(struct provider_error *e, enum provider_error_class cls, int status,
                      const char *message)
{
    e->cls = cls;
    e->status = status;
    e->retry_after_ms = -1;
    snprintf(e->message, sizeof e->message, "%s", message);
}

/* The first error met while streaming wins; the transfer is being aborted. */
static void fail_streaming(struct exchange *x, enum exchange_fail how, const char *message)
{
    if (x->fail) return;
    x->fail = how;
    set_error(&x->error, PERR_NETWORK, x->status, message);
}

static void on_text(void *data, int choice, const char *text, size_t len)
{
    struct exchange *x = data;
    if (x->stopped || len == 0) return;
    if (x->cb->on_text && x->cb->on_text(x->data, choice, text, len)) x->stopped = true;
}

static int on_event(void *data, const char *event, const char *payload, size_t len)
{
    struct exchange *x = data;
    if (x->ops->parse_event(&x->stream, event, payload, len) < 0) {
        fail_streaming(x, EXCHANGE_FAIL_MALFORMED, "malformed stream from the provider");
        return 1;
    }
    if (x->stream.error.cls != PERR_NONE) {
        if (!x->fail) {
            x->fail = EXCHANGE_FAIL_IN_BAND;
            x->error = x->stream.error;
        }
        return 1;
    }
    return x->stopped ? 1 : 0;
}

static void on_headers(void *data, int status, struct http_request *req)
{
    struct exchange *x = data;
    x->status = status;
    x->http = req;
}

static int on_data(void *data, const char *bytes, size_t len)
{
    struct exchange *x = data;
    if (!ok_status(x->status)) {   /* an error body: keep enough of it to classify */
        size_t room = EXCHANGE_ERROR_BODY_MAX - x->error_body.len;
        buf_append(&x->error_body, bytes, len < room ? len : room);
        return 0;
    }
    int rc = x->req.format == STREAM_NDJSON ? ndjson_parser_feed(&x->ndjson, bytes, len, on_event, x)
                                            : sse_parser_feed(&x->sse, bytes, len, on_event, x);
    if (rc < 0) fail_streaming(x, EXCHANGE_FAIL_EVENT_TOO_LARGE, "stream event too large");
    return rc != 0 || x->stopped;
}

/* A complete response: the adapter classifies a non-2xx; a 2xx must reach the API's
 * end marker, or it is a cut answer (fail over rather than show half a suggestion). */
static void classify_complete(struct exchange *x, const struct http_result *res, struct exchange_result *out)
{
    if (!ok_status(res->status)) {
        out->fail = EXCHANGE_FAIL_STATUS;
        x->ops->classify_error(res->status, http_header_lookup, x->http, buf_str(&x->error_body),
                               x->error_body.len, &out->error);
        if (out->error.cls == PERR_NONE) set_error(&out->error, PERR_SERVER, res->status, "HTTP error");
        out->error.status = res->status;
        return;
    }
    int rc = x->req.format == STREAM_NDJSON ? ndjson_parser_finish(&x->ndjson, on_event, x)
                                            : sse_parser_finish(&x->sse, on_event, x);
    if (rc < 0) fail_streaming(x, EXCHANGE_FAIL_EVENT_TOO_LARGE, "stream event too large");
    if (x->stopped) {
        out->ok = out->stopped = true;
    } else if (x->fail) {
        out->fail = x->fail;
        out->error = x->error;
    } else if (!x->stream.done) {
        out->fail = EXCHANGE_FAIL_CUT;
        set_error(&out->error, PERR_NETWORK, res->status, "the stream ended before the API's end marker");
    } else {
        out->ok = true;
    }
}

static void classify_transport(const struct exchange *x, const struct http_result *res,
                               struct exchange_result *out)
{
    const char *detail = res->error && res->error[0] ? res->error : NULL;
    char text[64];
    out->fail = EXCHANGE_FAIL_TRANSPORT;
    switch (res->outcome) {
    case HTTP_FIRST_BYTE_TIMEOUT:
        snprintf(text, sizeof text, "no first token within %ld ms", x->limits.first_byte_timeout_ms);
        set_error(&out->error, PERR_TIMEOUT, res->status, text);
        break;
    case HTTP_CONNECT_TIMEOUT:
    case HTTP_IDLE_TIMEOUT:
    case HTTP_TOTAL_TIMEOUT:
        set_error(&out->error, PERR_TIMEOUT, res->status, http_outcome_name(res->outcome));
        break;
    case HTTP_REFUSED_INSECURE:
        set_error(&out->error, PERR_BAD_REQUEST, 0, detail ? detail : "insecure URL refused");
        break;
    default:
        set_error(&out->error, PERR_NETWORK, res->status, detail ? detail : http_outcome_name(res->outcome));
        break;
    }
}

static void on_http_done(void *data, const struct http_result *res)
{
    struct exchange *x = data;
    struct exchange_result out;
    memset(&out, 0, sizeof out);
    out.error.retry_after_ms = -1;
    out.outcome = res->outcome;
    out.status = res->status;
    out.total_ms = res->total_ms;
    if (x->stopped) {
        out.ok = out.stopped = true;
    } else if (x->fail) {
        out.fail = x->fail;
        out.error = x->error;
    } else if (res->outcome == HTTP_OK) {
        classify_complete(x, res, &out);
    } else {
        classify_transport(x, res, &out);
    }
    x->http = NULL;   /* the engine frees it when we return */
    x->cb->on_done(x->data, &out);   /* may free x: touch nothing after */
}

static int refuse(struct exchange_result *out, enum exchange_fail how, enum provider_error_class cls,
                  const char *message)
{
    memset(out, 0, sizeof *out);
    out->fail = how;
    set_error(&out->error, cls, 0, message);
    return -1;
}

int exchange_start(struct exchange *x, struct http_engine *engine, const struct provider_ops *ops,
                   const struct model_spec *spec, const struct task *task,
                   const struct http_limits *limits, const struct exchange_callbacks *cb,
                   void *data, struct exchange_result *refused)
{
    static const struct http_callbacks http_callbacks = { on_headers, on_data, on_http_done };
    memset(x, 0, sizeof *x);
    x->ops = ops;
    x->cb = cb;
    x->data = data;
    if (limits) x->limits = *limits;
    sse_parser_init(&x->sse, 0);
    ndjson_parser_init(&x->ndjson, 0);
    provider_stream_init(&x->stream, ops, on_text, x);
    x->stream.choices = provider_choices(ops, task);
    char err[256] = "";
    if (ops->build_request(spec, task, &x->req, err, sizeof err) != 0)
        return refuse(refused, EXCHANGE_FAIL_BUILD, PERR_BAD_REQUEST, err[0] ? err : "cannot build the request");
    x->start_us = clock_monotonic_us();
    x->http = http_request_start(engine, "POST", x->req.url, (const char *const *)x->req.headers,
                                 x->req.body.data, x->req.body.len, limits, &http_callbacks, x,
                                 err, sizeof err);
    if (!x->http)
        return refuse(refused, EXCHANGE_FAIL_START, PERR_NETWORK, err[0] ? err : "request refused");
    return 0;
}

void exchange_cancel(struct exchange *x)
{
    if (x->http) http_request_cancel(x->http);
    x->http = NULL;
}

void exchange_free(struct exchange *x)
{
    exchange_cancel(x);
    provider_request_free(&x->req);
    sse_parser_free(&x->sse);
    ndjson_parser_free(&x->ndjson);
    provider_stream_free(&x->stream);
    buf_free(&x->error_body);
}
