/* In-process server harness for unit tests (see lsp_harness.h). */
#include "tests/unit/lsp_harness.h"
#include "tests/unit/test.h"

static void collect(void *data, const char *header, size_t hlen, const char *body, size_t blen)
{
    struct lsp_harness *h = data;
    (void)header;
    (void)hlen;
    buf_append(&h->out, body, blen);
    buf_putc(&h->out, '\n');
    h->messages++;
}

void lsp_harness_init(struct lsp_harness *h)
{
    memset(h, 0, sizeof *h);
    uv_loop_init(&h->loop);
    struct server_options o = { .max_message_bytes = 4096 };
    h->srv = server_new(&h->loop, &o);
    h->srv->write_hook = collect;
    h->srv->write_hook_data = h;
    ASSERT_EQ(server_start(h->srv), 0);
}

void lsp_harness_free(struct lsp_harness *h)
{
    server_stop(h->srv, 0);
    uv_run(&h->loop, UV_RUN_DEFAULT);
    server_free(h->srv);
    ASSERT_EQ(uv_loop_close(&h->loop), 0);
    buf_free(&h->out);
}

void lsp_harness_send(struct lsp_harness *h, const char *json)
{
    char header[64];
    int n = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", strlen(json));
    server_feed(h->srv, header, (size_t)n);
    server_feed(h->srv, json, strlen(json));
}

void lsp_harness_initialize(struct lsp_harness *h, const char *params_json)
{
    struct buf b = {0};
    buf_printf(&b, "{\"jsonrpc\":\"2.0\",\"id\":-1,\"method\":\"initialize\",\"params\":%s}", params_json);
    lsp_harness_send(h, b.data);
    buf_free(&b);
    cJSON *r = lsp_harness_response(h, -1);
    ASSERT(r != NULL && json_get(r, "result.capabilities") != NULL);
    cJSON_Delete(r);
    lsp_harness_send(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
}

static void on_timeout(uv_timer_t *t) { uv_stop(t->loop); }

void lsp_harness_run(struct lsp_harness *h, unsigned ms)
{
    uv_timer_t timer;
    uv_timer_init(&h->loop, &timer);
    uv_timer_start(&timer, on_timeout, ms, 0);
    uv_run(&h->loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&timer, NULL);
    uv_run(&h->loop, UV_RUN_NOWAIT);
}

cJSON *lsp_harness_response(const struct lsp_harness *h, long id)
{
    const char *p = buf_str(&h->out);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        cJSON *msg = cJSON_ParseWithLength(p, n);
        long got;
        if (msg && !json_get(msg, "method") && json_get_int(msg, "id", &got) && got == id) return msg;
        cJSON_Delete(msg);
        p += n + (nl ? 1 : 0);
    }
    return NULL;
}

int lsp_harness_count(const struct lsp_harness *h, const char *needle)
{
    int n = 0;
    for (const char *p = buf_str(&h->out); (p = strstr(p, needle)); p++) n++;
    return n;
}
