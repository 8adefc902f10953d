/* Tests for lsp/rpc.c and the server dispatch, without pipes: the server's output
 * goes to a write hook, input is fed as framed bytes or message bodies. */
#include "tests/unit/test.h"
#include "lsp/server_internal.h"
#include "lsp/lifecycle.h"
#include "lsp/commands.h"
#include "tests/unit/lsp_harness.h"
#include "base/buf.h"
#include "base/utf8.h"

struct harness {
    uv_loop_t loop;
    struct server *srv;
    struct buf out;      /* message bodies, one per line */
    int messages;
};

static void hook(void *data, const char *header, size_t hlen, const char *body, size_t blen)
{
    struct harness *h = data;
    (void)header; (void)hlen;
    buf_append(&h->out, body, blen);
    buf_putc(&h->out, '\n');
    h->messages++;
}

static void harness_init(struct harness *h)
{
    memset(h, 0, sizeof *h);
    uv_loop_init(&h->loop);
    struct server_options o = { .max_message_bytes = 4096 };
    h->srv = server_new(&h->loop, &o);
    h->srv->write_hook = hook;
    h->srv->write_hook_data = h;
    ASSERT_EQ(server_start(h->srv), 0);
}

static void harness_free(struct harness *h)
{
    server_stop(h->srv, 0);
    uv_run(&h->loop, UV_RUN_DEFAULT);
    server_free(h->srv);
    ASSERT_EQ(uv_loop_close(&h->loop), 0);
    buf_free(&h->out);
}

static void send_body(struct harness *h, const char *json)
{
    char header[64];
    int n = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", strlen(json));
    server_feed(h->srv, header, (size_t)n);
    server_feed(h->srv, json, strlen(json));
}

static int count_of(const struct harness *h, const char *needle)
{
    int n = 0;
    for (const char *p = buf_str(&h->out); (p = strstr(p, needle)); p++) n++;
    return n;
}

/* ---- the rpc engine with test handlers ---- */

static struct rpc_request *held;
static int cancel_calls;
static int cancel_mode;     /* 0: reply own error, 1: do not reply */

static void hold_request(struct server *srv, struct rpc_request *req, const char *method,
                         const cJSON *params)
{
    (void)srv; (void)params;
    if (strcmp(method, "twice") == 0) {
        rpc_reply(req, cJSON_CreateString("first"));
        rpc_reply(req, cJSON_CreateString("second"));
        return;
    }
    held = req;
}

static void ignore_notification(struct server *srv, const char *method, const cJSON *params)
{
    (void)srv; (void)method; (void)params;
}

static void on_cancel(struct rpc_request *req, void *data)
{
    (void)data;
    cancel_calls++;
    if (cancel_mode == 0) rpc_reply_error(req, RPC_REQUEST_CANCELLED, "own cancel");
}

static void use_test_handlers(struct harness *h)
{
    rpc_free(h->srv->rpc);
    struct rpc_handlers handlers = { hold_request, ignore_notification, hook, h };
    h->srv->rpc = rpc_new(h->srv, &handlers);
    held = NULL;
    cancel_calls = 0;
}

TEST(rpc_cancel_without_callback_answers_once)
{
    struct harness h;
    harness_init(&h);
    use_test_handlers(&h);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"slow\"}");
    ASSERT(held != NULL);
    ASSERT_EQ(h.messages, 0);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":5}}");
    ASSERT_EQ(h.messages, 1);
    ASSERT_EQ(count_of(&h, "\"id\":5,\"error\":{\"code\":-32800"), 1);
    ASSERT(rpc_request_is_cancelled(held));
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":5}}");
    rpc_reply(held, cJSON_CreateString("late"));   /* dropped, frees the request */
    ASSERT_EQ(h.messages, 1);
    ASSERT_EQ(rpc_pending_requests(h.srv->rpc), 0);
    harness_free(&h);
}

TEST(rpc_cancel_callback_reply_is_the_only_answer)
{
    struct harness h;
    harness_init(&h);
    use_test_handlers(&h);
    cancel_mode = 0;
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"slow\"}");
    rpc_request_on_cancel(held, on_cancel, NULL);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":\"s1\"}}");
    ASSERT_EQ(cancel_calls, 1);
    ASSERT_EQ(h.messages, 1);
    ASSERT_EQ(count_of(&h, "own cancel"), 1);
    ASSERT_EQ(rpc_pending_requests(h.srv->rpc), 0);
    harness_free(&h);
}

TEST(rpc_cancel_callback_without_reply_gets_request_cancelled)
{
    struct harness h;
    harness_init(&h);
    use_test_handlers(&h);
    cancel_mode = 1;
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"slow\"}");
    rpc_request_on_cancel(held, on_cancel, NULL);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":8}}");
    ASSERT_EQ(cancel_calls, 1);
    ASSERT_EQ(h.messages, 1);
    ASSERT_EQ(count_of(&h, "\"id\":8,\"error\":{\"code\":-32800"), 1);
    ASSERT_EQ(rpc_pending_requests(h.srv->rpc), 0);
    harness_free(&h);
}

TEST(rpc_shutdown_cancels_pending_requests)
{
    struct harness h;
    harness_init(&h);
    use_test_handlers(&h);
    cancel_mode = 1;
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"slow\"}");
    rpc_request_on_cancel(held, on_cancel, NULL);
    rpc_shutdown(h.srv->rpc);
    ASSERT_EQ(cancel_calls, 1);
    ASSERT_EQ(count_of(&h, "-32800"), 1);
    harness_free(&h);
}

TEST(rpc_double_reply_sends_one)
{
    struct harness h;
    harness_init(&h);
    use_test_handlers(&h);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"twice\"}");
    ASSERT_EQ(h.messages, 1);
    ASSERT_EQ(count_of(&h, "first"), 1);
    ASSERT_EQ(count_of(&h, "second"), 0);
    harness_free(&h);
}

static int response_calls;
static char response_seen[64];

static void on_response(struct server *srv, const cJSON *result, const cJSON *error, void *data)
{
    (void)srv; (void)data;
    response_calls++;
    snprintf(response_seen, sizeof response_seen, "%s/%s",
             result ? (cJSON_IsTrue(json_get(result, "applied")) ? "applied" : "result") : "none",
             error ? "error" : "none");
}

TEST(rpc_server_calls_get_responses_or_null_at_shutdown)
{
    struct harness h;
    harness_init(&h);
    response_calls = 0;
    rpc_call(h.srv, "workspace/applyEdit", cJSON_CreateObject(), on_response, NULL);
    ASSERT_EQ(count_of(&h, "\"id\":1,\"method\":\"workspace/applyEdit\""), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"applied\":true}}");
    ASSERT_EQ(response_calls, 1);
    ASSERT_STREQ(response_seen, "applied/none");
    rpc_call(h.srv, "workspace/applyEdit", cJSON_CreateObject(), on_response, NULL);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-1,\"message\":\"no\"}}");
    ASSERT_STREQ(response_seen, "none/error");
    rpc_call(h.srv, "window/workDoneProgress/create", cJSON_CreateObject(), on_response, NULL);
    ASSERT_EQ(rpc_pending_calls(h.srv->rpc), 1);
    server_stop(h.srv, 0);
    ASSERT_EQ(response_calls, 3);
    ASSERT_STREQ(response_seen, "none/none");
    harness_free(&h);
}

/* ---- the real dispatch ---- */

TEST(server_lifecycle_errors)
{
    struct harness h;
    harness_init(&h);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"textDocument/hover\",\"params\":{}}");
    ASSERT_EQ(count_of(&h, "\"id\":1,\"error\":{\"code\":-32002"), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":\"x\"}");
    ASSERT_EQ(count_of(&h, "\"id\":2,\"error\":{\"code\":-32602"), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":{\"capabilities\":"
                  "{\"general\":{\"positionEncodings\":[\"utf-32\",\"utf-8\"]}}}}");
    ASSERT_EQ(count_of(&h, "\"positionEncoding\":\"utf-32\""), 1);
    ASSERT_EQ(server_encoding(h.srv), ENCODING_UTF32);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"initialize\",\"params\":{}}");
    ASSERT_EQ(count_of(&h, "\"id\":4,\"error\":{\"code\":-32600"), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"nope/nope\"}");
    ASSERT_EQ(count_of(&h, "\"id\":5,\"error\":{\"code\":-32601"), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"x\",\"params\":7}");
    ASSERT_EQ(count_of(&h, "\"id\":6,\"error\":{\"code\":-32602"), 1);
    send_body(&h, "{\"id\":7,\"method\":\"x\"}");
    ASSERT_EQ(count_of(&h, "\"id\":7,\"error\":{\"code\":-32600"), 1);
    send_body(&h, "[1,2]");
    ASSERT_EQ(count_of(&h, "\"id\":null,\"error\":{\"code\":-32600"), 1);
    send_body(&h, "{not json");
    ASSERT_EQ(count_of(&h, "\"id\":null,\"error\":{\"code\":-32700"), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"some/notification\"}");
    int before = h.messages;
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"shutdown\"}");
    ASSERT_EQ(count_of(&h, "\"id\":8,\"result\":null"), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"nope/nope\"}");
    ASSERT_EQ(count_of(&h, "\"id\":9,\"error\":{\"code\":-32600"), 1);
    ASSERT_EQ(h.messages, before + 2);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
    ASSERT_EQ(server_exit_code(h.srv), 0);
    harness_free(&h);
}

TEST(server_oversized_message_answered_with_its_id)
{
    struct harness h;
    harness_init(&h);
    struct buf big = {0};
    buf_puts(&big, "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"x\",\"params\":{\"t\":\"");
    for (int i = 0; i < 10000; i++) buf_putc(&big, 'q');
    buf_puts(&big, "\"}}");
    send_body(&h, big.data);
    ASSERT_EQ(count_of(&h, "\"id\":42,\"error\":{\"code\":-32600"), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":43,\"method\":\"x\"}");
    ASSERT_EQ(count_of(&h, "\"id\":43,\"error\":{\"code\":-32002"), 1);
    buf_free(&big);
    harness_free(&h);
}

TEST(server_text_sync_applies_changes_in_order)
{
    struct harness h;
    harness_init(&h);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
                  "{\"uri\":\"file:///t.py\",\"languageId\":\"python\",\"version\":1,\"text\":\"ab\\ncd\\n\"}}}");
    struct document *d = document_store_get(server_documents(h.srv), "file:///t.py");
    ASSERT(d != NULL);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":"
                  "{\"uri\":\"file:///t.py\",\"version\":7},\"contentChanges\":["
                  "{\"range\":{\"start\":{\"line\":0,\"character\":1},\"end\":{\"line\":0,\"character\":1}},\"text\":\"X\"},"
                  "{\"range\":{\"start\":{\"line\":1,\"character\":0},\"end\":{\"line\":1,\"character\":2}},\"text\":\"\\ud83d\\ude00\"},"
                  "{\"range\":{\"start\":{\"line\":1,\"character\":2},\"end\":{\"line\":1,\"character\":2}},\"text\":\"!\"},"
                  "{\"range\":{\"start\":{\"line\":5,\"character\":0},\"end\":{\"line\":0,\"character\":0}},\"text\":\"bad\"},"
                  "{\"range\":\"nonsense\",\"text\":\"bad\"}]}}");
    char *text = document_text(d, NULL);
    ASSERT_STREQ(text, "aXb\n\xF0\x9F\x98\x80!\n");
    free(text);
    ASSERT_EQ(document_version(d), 7);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":"
                  "{\"uri\":\"file:///t.py\",\"version\":8},\"contentChanges\":[{\"text\":\"full\"}]}}");
    text = document_text(d, NULL);
    ASSERT_STREQ(text, "full");
    free(text);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":"
                  "{\"uri\":\"file:///unknown\",\"version\":8},\"contentChanges\":[{\"text\":\"x\"}]}}");
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didClose\",\"params\":{\"textDocument\":"
                  "{\"uri\":\"file:///t.py\"}}}");
    ASSERT(document_store_get(server_documents(h.srv), "file:///t.py") == NULL);
    harness_free(&h);
}

TEST(server_execute_command_rejects_unknown)
{
    struct harness h;
    harness_init(&h);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"workspace/executeCommand\",\"params\":{\"command\":\"rm -rf\"}}");
    ASSERT_EQ(count_of(&h, "\"id\":2,\"error\":{\"code\":-32602,\"message\":\"unknown command rm -rf\""), 1);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"workspace/executeCommand\",\"params\":{\"command\":5}}");
    ASSERT_EQ(count_of(&h, "\"id\":3,\"error\":{\"code\":-32602"), 1);
    static const struct lsp_command table[] = { { "a.b", NULL }, { NULL, NULL } };
    ASSERT(lsp_command_find(table, "a.b") == &table[0]);
    ASSERT(lsp_command_find(table, "a.c") == NULL);
    harness_free(&h);
}

TEST(server_trace_sends_log_trace)
{
    struct harness h;
    harness_init(&h);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"trace\":\"off\"}}");
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"workspace/executeCommand\",\"params\":{\"command\":\"zz\"}}");
    ASSERT_EQ(count_of(&h, "$/logTrace"), 0);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"method\":\"$/setTrace\",\"params\":{\"value\":\"verbose\"}}");
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"workspace/executeCommand\",\"params\":{\"command\":\"zz\"}}");
    ASSERT(count_of(&h, "\"method\":\"$/logTrace\",\"params\":{\"message\":\"unknown command zz\"}") == 1);
    server_show_message(h.srv, 2, "hello %d", 5);
    ASSERT_EQ(count_of(&h, "\"method\":\"window/showMessage\",\"params\":{\"type\":2,\"message\":\"hello 5\"}"), 1);
    server_log_message(h.srv, 4, "log");
    ASSERT_EQ(count_of(&h, "window/logMessage"), 1);
    server_send_status(h.srv, "fast");
    ASSERT_EQ(count_of(&h, "\"method\":\"switchboard/status\",\"params\":{\"model\":\"fast\",\"in_flight\":"), 1);
    ASSERT_EQ(count_of(&h, "\"spend_today_usd\":0,\"breakers\":{}"), 1);
    harness_free(&h);
}

TEST(lsp_json_positions_and_ranges)
{
    cJSON *o = cJSON_Parse("{\"a\":{\"b\":{\"c\":\"x\",\"n\":12,\"f\":1.5}},\"pos\":{\"line\":3,\"character\":4},"
                           "\"bad\":{\"line\":-1,\"character\":0},\"r\":{\"start\":{\"line\":1,\"character\":2},"
                           "\"end\":{\"line\":3,\"character\":4}}}");
    struct lsp_position p;
    ASSERT(json_to_position(json_get(o, "pos"), &p));
    ASSERT_EQ(p.line, 3);
    ASSERT(!json_to_position(json_get(o, "bad"), &p));
    struct lsp_range r;
    ASSERT(json_to_range(json_get(o, "r"), &r));
    ASSERT_EQ(r.end.character, 4);
    cJSON *back = range_to_json(r);
    char *s = cJSON_PrintUnformatted(back);
    ASSERT_STREQ(s, "{\"start\":{\"line\":1,\"character\":2},\"end\":{\"line\":3,\"character\":4}}");
    free(s);
    cJSON_Delete(back);
    cJSON_Delete(o);
}

TEST(harness_drives_a_server)
{
    struct lsp_harness lh;
    lsp_harness_init(&lh);
    lsp_harness_initialize(&lh, "{\"capabilities\":{\"general\":{\"positionEncodings\":[\"utf-8\"]}}}");
    ASSERT_EQ(server_encoding(lh.srv), ENCODING_UTF8);
    lsp_harness_send(&lh, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"nope\"}");
    cJSON *r = lsp_harness_response(&lh, 9);
    long code = 0;
    ASSERT(r != NULL && json_get_int(r, "error.code", &code));
    ASSERT_EQ(code, RPC_METHOD_NOT_FOUND);
    cJSON_Delete(r);
    ASSERT(lsp_harness_response(&lh, 10) == NULL);
    lsp_harness_run(&lh, 10);
    lsp_harness_free(&lh);
}

/* Regression (reliability): a method name with bytes that are not UTF-8 was echoed in the
 * MethodNotFound message, so the reply was not valid UTF-8 and the editor could not read
 * it: the request stayed unanswered. Every byte of output must be valid UTF-8. */
TEST(rpc_reply_to_invalid_utf8_method_is_valid_utf8)
{
    struct harness h;
    harness_init(&h);
    send_body(&h, "{\"jsonrpc\":\"2.0\",\"id\":51,\"method\":\"no/su\xff\xc3(ch\"}");
    uv_run(&h.loop, UV_RUN_NOWAIT);
    ASSERT_EQ(count_of(&h, "\"id\":51"), 1);
    ASSERT_EQ(count_of(&h, "-32002"), 1);    /* before initialize: ServerNotInitialized */
    ASSERT(utf8_valid(buf_str(&h.out), h.out.len));
    ASSERT_EQ(count_of(&h, "no/su\xef\xbf\xbd\xef\xbf\xbd(ch"), 1);
    harness_free(&h);
}
