/* The providers layer end to end: every adapter in provider_table builds its
 * request, the HTTP engine sends it to the fake model server, the stream parsers
 * and the adapter read the answer back. The text and usage the adapter parsed must
 * equal what the server says it sent and reported (its request record), for each
 * API's real stream framing, and an in-band error must come out classified. */
#include "tests/unit/test.h"
#include "tests/unit/http_test_util.h"
#include "providers/provider.h"
#include "providers/stream.h"
#include <cjson/cJSON.h>

struct e2e {
    const struct provider_ops *ops;
    enum stream_format format;
    struct sse_parser sse;
    struct ndjson_parser ndjson;
    struct provider_stream stream;
    struct buf text;
    int status;
    int parse_errors;
    int done;
    enum http_outcome outcome;
};

static void on_text(void *data, int choice, const char *text, size_t len)
{
    (void)choice;
    buf_append(&((struct e2e *)data)->text, text, len);
}

static int on_event(void *data, const char *event, const char *payload, size_t len)
{
    struct e2e *x = data;
    if (x->ops->parse_event(&x->stream, event, payload, len) != 0)
        x->parse_errors++;
    return 0;
}

static void on_headers(void *data, int status, struct http_request *req)
{
    (void)req;
    ((struct e2e *)data)->status = status;
}

static int on_data(void *data, const char *bytes, size_t len)
{
    struct e2e *x = data;
    if (x->format == STREAM_NDJSON)
        return ndjson_parser_feed(&x->ndjson, bytes, len, on_event, x) < 0;
    return sse_parser_feed(&x->sse, bytes, len, on_event, x) < 0;
}

static void on_done(void *data, const struct http_result *res)
{
    struct e2e *x = data;
    if (x->format == STREAM_NDJSON)
        ndjson_parser_finish(&x->ndjson, on_event, x);
    else
        sse_parser_finish(&x->sse, on_event, x);
    x->outcome = res->outcome;
    x->done = 1;
}

static const struct http_callbacks e2e_callbacks = { on_headers, on_data, on_done };

/* Sends one inline task to the fake server through adapter `ops`. */
static void run_adapter(struct http_fixture *f, const struct provider_ops *ops, struct e2e *x)
{
    struct model_spec spec = {0};
    spec.name = (char *)"m";
    spec.provider_kind = (char *)ops->name;
    spec.base_url = f->server.url;
    spec.model = (char *)"fake-model";
    spec.api_key = (char *)"sk-test-e2e-not-real";
    spec.temperature = -1;
    spec.price = (struct model_price){ -1, -1, -1, -1 };
    struct task task = {0};
    task.kind = TASK_INLINE;
    task.prefix = (char *)"def add(a, b):\n    ";
    task.suffix = (char *)"\n\nprint(add(1, 2))\n";
    task.max_output_tokens = 64;
    struct provider_request preq = {0};
    char err[256] = "";
    if (ops->build_request(&spec, &task, &preq, err, sizeof err) != 0)
        test_fail(__FILE__, __LINE__, "%s: build_request: %s", ops->name, err);
    memset(x, 0, sizeof *x);
    x->ops = ops;
    x->format = preq.format;
    sse_parser_init(&x->sse, 0);
    ndjson_parser_init(&x->ndjson, 0);
    provider_stream_init(&x->stream, ops, on_text, x);
    if (!http_request_start(f->engine, "POST", preq.url, (const char *const *)preq.headers,
                            preq.body.data, preq.body.len, NULL, &e2e_callbacks, x, err, sizeof err))
        test_fail(__FILE__, __LINE__, "%s: start: %s", ops->name, err);
    run_until(f, &x->done);
    provider_request_free(&preq);
    sse_parser_free(&x->sse);
    ndjson_parser_free(&x->ndjson);
    provider_stream_free(&x->stream);
}

/* The server's record of its last request. Caller deletes. */
static cJSON *last_record(struct http_fixture *f)
{
    char *json = NULL;
    ASSERT_EQ(fake_server_control(&f->server, "GET", "requests", NULL, &json), 200);
    cJSON *root = cJSON_Parse(json);
    free(json);
    cJSON *list = cJSON_GetObjectItem(root, "requests");
    cJSON *rec = cJSON_DetachItemFromArray(list, cJSON_GetArraySize(list) - 1);
    cJSON_Delete(root);
    ASSERT(rec != NULL);
    return rec;
}

static long usage_of(const cJSON *rec, const char *key)
{
    return (long)cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "usage"), key)->valuedouble;
}

TEST(http_every_adapter_reads_back_what_the_fake_server_sent)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default",
                        "{\"text\":\"return a + b\",\"token_size\":3,\"token_delay_ms\":2}", NULL);
    int kinds = 0;
    for (const struct provider_ops *const *p = provider_table; *p; p++, kinds++) {
        struct e2e x;
        run_adapter(&f, *p, &x);
        cJSON *rec = last_record(&f);
        const char *kind = (*p)->name;
        if (x.outcome != HTTP_OK || x.status != 200 || x.parse_errors)
            test_fail(__FILE__, __LINE__, "%s: outcome %s status %d parse errors %d (path %s)",
                      kind, http_outcome_name(x.outcome), x.status, x.parse_errors,
                      cJSON_GetObjectItem(rec, "path")->valuestring);
        if (strcmp(buf_str(&x.text), cJSON_GetObjectItem(rec, "text")->valuestring) != 0)
            test_fail(__FILE__, __LINE__, "%s: parsed \"%s\", server sent \"%s\"", kind,
                      buf_str(&x.text), cJSON_GetObjectItem(rec, "text")->valuestring);
        if (!x.stream.usage.reported || x.stream.usage.input_tokens != usage_of(rec, "input") ||
            x.stream.usage.output_tokens != usage_of(rec, "output"))
            test_fail(__FILE__, __LINE__, "%s: usage %ld/%ld (reported %d), server said %ld/%ld",
                      kind, x.stream.usage.input_tokens, x.stream.usage.output_tokens,
                      x.stream.usage.reported, usage_of(rec, "input"), usage_of(rec, "output"));
        ASSERT(x.stream.done);
        ASSERT_EQ(x.stream.error.cls, PERR_NONE);
        ASSERT_STREQ(x.stream.finish_reason, "stop");
        cJSON_Delete(rec);
        buf_free(&x.text);
    }
    ASSERT_EQ(kinds, 7);
    ASSERT_EQ(fake_server_stat(&f.server, "api_connections"), 1);   /* one host, one connection */
    http_fixture_done(&f);
}

TEST(http_every_adapter_classifies_an_in_band_overloaded_error)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default",
                        "{\"text\":\"return a + b\",\"error\":\"overloaded\",\"error_after\":1}", NULL);
    for (const struct provider_ops *const *p = provider_table; *p; p++) {
        struct e2e x;
        run_adapter(&f, *p, &x);
        if (x.stream.error.cls == PERR_NONE || x.stream.done)
            test_fail(__FILE__, __LINE__, "%s: in-band error not seen (class %s, done %d, "
                      "outcome %s, text \"%s\", parse errors %d)", (*p)->name,
                      provider_error_name(x.stream.error.cls), x.stream.done,
                      http_outcome_name(x.outcome), buf_str(&x.text), x.parse_errors);
        buf_free(&x.text);
    }
    http_fixture_done(&f);
}
