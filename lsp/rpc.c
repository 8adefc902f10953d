/* JSON-RPC 2.0 engine (see rpc.h and rpc_internal.h). Incoming requests live in a
 * list until answered so $/cancelRequest can find them; replies are built as text
 * around the already-rendered id so the hot path prints each JSON value once.
 * A request is freed by its reply, except while the rpc layer itself is calling into
 * the handler (dispatch or cancel callback): then freeing is deferred, which is also
 * what lets a double reply inside those calls be detected instead of touching freed
 * memory. */
#include "lsp/rpc_internal.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/utf8.h"
#include "base/json.h"
#include "base/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rpc_request {
    struct rpc *rpc;
    struct rpc_request *prev, *next;
    cJSON *msg;                  /* owns method and params */
    const char *method;
    const cJSON *params;
    char *id_text;
    bool replied;                /* the handler (or cancel path) replied */
    bool answered;               /* the rpc layer already sent RequestCancelled */
    bool cancelled;
    int in_callback;             /* >0: freeing deferred */
    rpc_cancel_fn cancel_fn;
    void *cancel_data;
};

struct rpc_call {
    struct rpc_call *next;
    long id;
    char *method;
    rpc_response_fn cb;
    void *data;
};

struct rpc {
    struct server *srv;
    struct rpc_handlers h;
    struct rpc_request *requests;   /* pending incoming, newest first */
    size_t request_count;
    struct rpc_call *calls;
    size_t call_count;
    long next_id;
    bool stopped;
    enum rpc_trace trace;
    struct buf out;                 /* scratch for building replies */
};

struct rpc *rpc_new(struct server *srv, const struct rpc_handlers *handlers)
{
    struct rpc *rpc = xcalloc(1, sizeof *rpc);
    rpc->srv = srv;
    rpc->h = *handlers;
    return rpc;
}

/* ---- output ---- */

static void send_text(struct rpc *rpc, const char *body, size_t len)
{
    /* Bytes that are not UTF-8 (from the editor's own input, echoed in an error message,
     * a trace or a document) would make the whole message unreadable to the editor, and
     * a request unanswered: send U+FFFD in their place. They can only be inside strings. */
    size_t fixed_len;
    char *fixed = utf8_repair(body, len, &fixed_len);
    if (fixed) {
        body = fixed;
        len = fixed_len;
    }
    char header[64];
    int n = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", len);
    rpc->h.write(rpc->h.write_data, header, (size_t)n, body, len);
    /* Do not keep a scratch buffer sized for one huge reply. */
    if (rpc->out.cap > 1024 * 1024) buf_free(&rpc->out);
    free(fixed);
}

/* {"jsonrpc":"2.0","id":<id>,"result":<result>} ; takes result. */
static void send_result(struct rpc *rpc, const char *id_text, cJSON *result)
{
    char *value = result ? cJSON_PrintUnformatted(result) : NULL;
    cJSON_Delete(result);
    struct buf *b = &rpc->out;
    buf_reset(b);
    buf_puts(b, "{\"jsonrpc\":\"2.0\",\"id\":");
    buf_puts(b, id_text ? id_text : "null");
    buf_puts(b, ",\"result\":");
    buf_puts(b, value ? value : "null");
    buf_putc(b, '}');
    free(value);
    send_text(rpc, b->data, b->len);
}

static void send_error(struct rpc *rpc, const char *id_text, int code, const char *message)
{
    cJSON *msg = cJSON_CreateString(message);
    char *text = cJSON_PrintUnformatted(msg);
    cJSON_Delete(msg);
    struct buf *b = &rpc->out;
    buf_reset(b);
    buf_printf(b, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":%d,\"message\":%s}}",
               id_text ? id_text : "null", code, text);
    free(text);
    send_text(rpc, b->data, b->len);
}

static void send_object(struct rpc *rpc, cJSON *obj)
{
    char *text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    send_text(rpc, text, strlen(text));
    free(text);
}

void rpc_notify(struct server *srv, const char *method, cJSON *params)
{
    struct rpc *rpc = server_rpc(srv);
    if (!rpc || rpc->stopped) { cJSON_Delete(params); return; }
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
    cJSON_AddStringToObject(msg, "method", method);
    if (params) cJSON_AddItemToObject(msg, "params", params);
    send_object(rpc, msg);
}

void rpc_call(struct server *srv, const char *method, cJSON *params, rpc_response_fn cb,
              void *data)
{
    struct rpc *rpc = server_rpc(srv);
    if (!rpc || rpc->stopped) {
        cJSON_Delete(params);
        if (cb) cb(srv, NULL, NULL, data);
        return;
    }
    struct rpc_call *call = xcalloc(1, sizeof *call);
    call->id = ++rpc->next_id;
    call->method = xstrdup(method);
    call->cb = cb;
    call->data = data;
    call->next = rpc->calls;
    rpc->calls = call;
    rpc->call_count++;
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
    cJSON_AddNumberToObject(msg, "id", (double)call->id);
    cJSON_AddStringToObject(msg, "method", method);
    if (params) cJSON_AddItemToObject(msg, "params", params);
    send_object(rpc, msg);
}

/* ---- incoming requests ---- */

static void unlink_request(struct rpc_request *req)
{
    struct rpc *rpc = req->rpc;
    if (req->prev) req->prev->next = req->next; else rpc->requests = req->next;
    if (req->next) req->next->prev = req->prev;
    rpc->request_count--;
}

static void release(struct rpc_request *req)
{
    if (req->in_callback > 0) return;
    unlink_request(req);
    cJSON_Delete(req->msg);
    free(req->id_text);
    free(req);
}

const char *rpc_request_id_text(const struct rpc_request *req) { return req->id_text; }
const char *rpc_request_method(const struct rpc_request *req) { return req->method; }
bool rpc_request_is_cancelled(const struct rpc_request *req) { return req->cancelled; }
struct server *rpc_request_server(const struct rpc_request *req) { return req->rpc->srv; }

void rpc_request_on_cancel(struct rpc_request *req, rpc_cancel_fn fn, void *data)
{
    req->cancel_fn = fn;
    req->cancel_data = data;
}

/* Common checks of both reply functions; false when the reply must be dropped. */
static bool may_reply(struct rpc_request *req)
{
    if (req->replied) {
        log_error("second reply to request %s (%s) ignored", req->id_text, req->method);
        return false;
    }
    req->replied = true;
    if (req->answered) {
        /* Already answered RequestCancelled for a handler without a cancel callback. */
        log_debug("late reply to cancelled request %s dropped", req->id_text);
        release(req);
        return false;
    }
    return true;
}

void rpc_reply(struct rpc_request *req, cJSON *result)
{
    if (!may_reply(req)) { cJSON_Delete(result); return; }
    send_result(req->rpc, req->id_text, result);
    release(req);
}

void rpc_reply_error(struct rpc_request *req, int code, const char *fmt, ...)
{
    if (!may_reply(req)) return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    send_error(req->rpc, req->id_text, code, message);
    release(req);
}

/* Cancels one request: its callback runs (and usually replies); without a reply the
 * rpc layer answers RequestCancelled. A request whose handler set no callback is
 * answered now and kept until the handler's own (dropped) reply frees it. */
static void cancel_request(struct rpc_request *req, const char *why)
{
    if (req->cancelled || req->replied || req->answered) return;
    req->cancelled = true;
    if (req->cancel_fn) {
        req->in_callback++;
        req->cancel_fn(req, req->cancel_data);
        req->in_callback--;
        if (!req->replied) {
            req->replied = true;
            send_error(req->rpc, req->id_text, RPC_REQUEST_CANCELLED, why);
        }
        release(req);
        return;
    }
    send_error(req->rpc, req->id_text, RPC_REQUEST_CANCELLED, why);
    req->answered = true;
}

static void handle_cancel(struct rpc *rpc, const cJSON *params)
{
    const cJSON *id = json_member(params, "id");
    if (!id || !(cJSON_IsNumber(id) || cJSON_IsString(id))) {
        log_warn("$/cancelRequest without a valid id");
        return;
    }
    char *text = cJSON_PrintUnformatted(id);
    struct rpc_request *req = rpc->requests;
    while (req && strcmp(req->id_text, text) != 0) req = req->next;
    if (req) cancel_request(req, "request cancelled");
    else log_debug("$/cancelRequest for %s: not pending", text);
    free(text);
}

static void handle_request(struct rpc *rpc, cJSON *msg, const cJSON *id, const char *method,
                           const cJSON *params)
{
    struct rpc_request *req = xcalloc(1, sizeof *req);
    req->rpc = rpc;
    req->msg = msg;
    req->method = method;
    req->params = params;
    req->id_text = cJSON_PrintUnformatted(id);
    req->next = rpc->requests;
    if (rpc->requests) rpc->requests->prev = req;
    rpc->requests = req;
    rpc->request_count++;
    req->in_callback++;
    /* "params": null is what eglot sends with shutdown: the same as no params. */
    if (cJSON_IsNull(params)) req->params = params = NULL;
    if (params && !cJSON_IsObject(params) && !cJSON_IsArray(params))
        rpc_reply_error(req, RPC_INVALID_PARAMS, "params must be an object or an array");
    else
        rpc->h.request(rpc->srv, req, method, params);
    req->in_callback--;
    if (req->replied) release(req);
}

/* ---- responses to our calls ---- */

static void handle_response(struct rpc *rpc, const cJSON *msg, const cJSON *id)
{
    struct rpc_call **p = &rpc->calls;
    while (*p && !(cJSON_IsNumber(id) && (double)(*p)->id == id->valuedouble)) p = &(*p)->next;
    if (!*p) {
        log_warn("response to unknown request id");
        return;
    }
    struct rpc_call *call = *p;
    *p = call->next;
    rpc->call_count--;
    const cJSON *result = json_member(msg, "result");
    const cJSON *error = json_member(msg, "error");
    if (error) log_debug("%s failed: %s", call->method,
                         json_get_string(error, "message"));
    if (call->cb) call->cb(rpc->srv, error ? NULL : result, error, call->data);
    free(call->method);
    free(call);
}

/* ---- entry points ---- */

static void handle_message(struct rpc *rpc, cJSON *msg)
{
    if (!cJSON_IsObject(msg)) {
        send_error(rpc, NULL, RPC_INVALID_REQUEST, "message is not a JSON object");
        cJSON_Delete(msg);
        return;
    }
    const cJSON *id = json_member(msg, "id");
    const cJSON *method = json_member(msg, "method");
    const cJSON *params = json_member(msg, "params");
    const char *version = json_get_string(msg, "jsonrpc");
    bool id_ok = id && (cJSON_IsNumber(id) || cJSON_IsString(id));
    char *id_text = id_ok ? cJSON_PrintUnformatted(id) : NULL;
    const char *problem = NULL;
    if (!version || strcmp(version, "2.0") != 0) problem = "jsonrpc must be \"2.0\"";
    else if (id && !id_ok && !cJSON_IsNull(id)) problem = "id must be a number or a string";
    else if (method && !cJSON_IsString(method)) problem = "method must be a string";
    else if (!method && !(id_ok && (cJSON_HasObjectItem(msg, "result") ||
                                    cJSON_HasObjectItem(msg, "error"))))
        problem = "neither a request, a notification nor a response";
    if (problem) {
        log_warn("invalid message: %s", problem);
        if (id || !method) send_error(rpc, id_text, RPC_INVALID_REQUEST, problem);
        free(id_text);
        cJSON_Delete(msg);
        return;
    }
    free(id_text);
    if (!method) {
        handle_response(rpc, msg, id);
        cJSON_Delete(msg);
    } else if (id_ok) {
        handle_request(rpc, msg, id, method->valuestring, params);   /* takes msg */
    } else {
        if (strcmp(method->valuestring, "$/cancelRequest") == 0) handle_cancel(rpc, params);
        else rpc->h.notification(rpc->srv, method->valuestring, params);
        cJSON_Delete(msg);
    }
}

void rpc_handle_body(struct rpc *rpc, const char *body, size_t len)
{
    if (rpc->stopped) return;
    cJSON *msg = cJSON_ParseWithLength(body, len);
    if (!msg) {
        log_warn("message of %zu bytes is not valid JSON", len);
        send_error(rpc, NULL, RPC_PARSE_ERROR, "Parse error: the message is not valid JSON");
        return;
    }
    handle_message(rpc, msg);
}

void rpc_handle_frame_error(struct rpc *rpc, const struct frame_event *ev)
{
    if (rpc->stopped) return;
    log_warn("%s (id %s); skipped", ev->detail, ev->id_text ? ev->id_text : "unknown");
    if (ev->status == FRAME_BAD_HEADER)
        send_error(rpc, NULL, RPC_PARSE_ERROR, "Parse error: malformed message header");
    else if (ev->id_text)
        send_error(rpc, ev->id_text, RPC_INVALID_REQUEST, ev->detail);
}

void rpc_cancel_all(struct rpc *rpc)
{
    /* Cancelling may free the request; walk with a saved next. Zombies (answered,
     * waiting for their handler) stay. */
    struct rpc_request *req = rpc->requests;
    while (req) {
        struct rpc_request *next = req->next;
        /* The request being dispatched right now (shutdown itself) answers itself. */
        if (req->in_callback == 0) cancel_request(req, "server is shutting down");
        req = next;
    }
}

void rpc_shutdown(struct rpc *rpc)
{
    if (rpc->stopped) return;
    rpc_cancel_all(rpc);
    while (rpc->calls) {
        struct rpc_call *call = rpc->calls;
        rpc->calls = call->next;
        rpc->call_count--;
        if (call->cb) call->cb(rpc->srv, NULL, NULL, call->data);
        free(call->method);
        free(call);
    }
    rpc->stopped = true;
}

void rpc_free(struct rpc *rpc)
{
    if (!rpc) return;
    rpc_shutdown(rpc);
    while (rpc->requests) {
        struct rpc_request *req = rpc->requests;
        req->in_callback = 0;
        release(req);
    }
    buf_free(&rpc->out);
    free(rpc);
}

size_t rpc_pending_requests(const struct rpc *rpc) { return rpc->request_count; }
size_t rpc_pending_calls(const struct rpc *rpc) { return rpc->call_count; }
void rpc_set_trace(struct rpc *rpc, enum rpc_trace trace) { rpc->trace = trace; }
enum rpc_trace rpc_get_trace(const struct rpc *rpc) { return rpc->trace; }

int rpc_trace_parse(const char *name)
{
    static const char *const names[] = { "off", "messages", "verbose" };
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, names[i]) == 0) return i;
    return -1;
}
