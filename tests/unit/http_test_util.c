/* Helpers for the HTTP engine tests; see http_test_util.h. */
#include "tests/unit/http_test_util.h"
#include "tests/unit/test.h"
#include <string.h>

static void on_headers(void *data, int status, struct http_request *req)
{
    struct collect *c = data;
    c->status = status;
    c->headers_calls++;
    const char *ct = http_request_header(req, "CONTENT-TYPE");   /* case-insensitive */
    const char *ra = http_request_header(req, "retry-after");
    snprintf(c->content_type, sizeof c->content_type, "%s", ct ? ct : "");
    snprintf(c->retry_after, sizeof c->retry_after, "%s", ra ? ra : "");
}

static int on_data(void *data, const char *bytes, size_t len)
{
    struct collect *c = data;
    c->data_calls++;
    buf_append(&c->body, bytes, len);
    if (c->on_data_hook)
        c->on_data_hook(c);
    return c->abort_after_bytes > 0 && (long)c->body.len >= c->abort_after_bytes;
}

static void on_done(void *data, const struct http_result *result)
{
    struct collect *c = data;
    c->done++;
    c->result = *result;
    snprintf(c->error, sizeof c->error, "%s", result->error ? result->error : "");
    c->result.error = c->error;
}

const struct http_callbacks collect_callbacks = { on_headers, on_data, on_done };

void http_fixture_init(struct http_fixture *f, const struct http_engine_options *opts)
{
    memset(f, 0, sizeof *f);
    fake_server_start(&f->server);
    ASSERT_EQ(uv_loop_init(&f->loop), 0);
    f->engine = http_engine_new(&f->loop, opts);
    ASSERT(f->engine != NULL);
}

void http_fixture_done(struct http_fixture *f)
{
    http_engine_free(f->engine);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&f->loop), 0);
    fake_server_stop(&f->server);
}

struct http_request *start_post(struct http_fixture *f, const char *path, const char *body,
                                const struct http_limits *limits, struct collect *c)
{
    char url[256], err[256];
    static const char *const headers[] = { "Content-Type: application/json",
                                           "Authorization: Bearer sk-test-not-a-real-key", NULL };
    snprintf(url, sizeof url, "%s%s", f->server.url, path);
    struct http_request *req = http_request_start(f->engine, "POST", url, headers, body,
                                                  strlen(body), limits, &collect_callbacks, c,
                                                  err, sizeof err);
    if (!req)
        test_fail(__FILE__, __LINE__, "http_request_start failed: %s", err);
    return req;
}

void run_until(struct http_fixture *f, const int *flag)
{
    while (!*flag)
        uv_run(&f->loop, UV_RUN_ONCE);
}

void collect_free(struct collect *c)
{
    buf_free(&c->body);
}

long fixture_wait_stat(struct http_fixture *f, const char *key, long want)
{
    uint64_t deadline = uv_hrtime() + 10ull * 1000000000ull;
    long value;
    while ((value = fake_server_stat(&f->server, key)) < want) {
        if (uv_hrtime() > deadline)
            test_fail(__FILE__, __LINE__, "fake server %s stayed at %ld (wanted %ld)", key, value, want);
        uv_sleep(5);
        uv_run(&f->loop, UV_RUN_NOWAIT);
    }
    return value;
}
