/* The exchange driver (providers/exchange.h) that router attempts and `switchboard
 * probe` share, against the fake model server: text and usage collected, a stop that
 * ends ok, and each way of failing classified once (HTTP status, in-band error, cut
 * stream, malformed bytes, timeout, refused start, unbuildable request), plus a
 * cancel that calls nothing back. */
#include "tests/unit/test.h"
#include "tests/unit/http_test_util.h"
#include "providers/exchange.h"

struct run {
    struct exchange x;
    struct buf text;
    size_t stop_after;             /* >0: on_text asks to stop once this much text arrived */
    int text_calls;
    int done;
    struct exchange_result res;
};

static int on_text(void *data, int choice, const char *text, size_t len)
{
    struct run *r = data;
    (void)choice;
    r->text_calls++;
    buf_append(&r->text, text, len);
    return r->stop_after && r->text.len >= r->stop_after;
}

static void on_done(void *data, const struct exchange_result *res)
{
    struct run *r = data;
    r->res = *res;
    r->done++;
}

static const struct exchange_callbacks callbacks = { on_text, on_done };

static struct model_spec spec_for(struct http_fixture *f, const char *kind)
{
    struct model_spec s = {0};
    s.name = (char *)"m";
    s.provider_kind = (char *)kind;
    s.base_url = f->server.url;
    s.model = (char *)"fake-model";
    s.temperature = -1;
    return s;
}

static struct task inline_task(void)
{
    struct task t = {0};
    t.kind = TASK_INLINE;
    t.prefix = (char *)"def add(a, b):\n    ";
    t.suffix = (char *)"\n";
    t.max_output_tokens = 64;
    return t;
}

/* Starts one exchange with `kind`'s adapter and runs the loop until it is done. */
static void run_one(struct http_fixture *f, const char *kind, const struct http_limits *limits,
                    struct run *r)
{
    struct model_spec s = spec_for(f, kind);
    struct task t = inline_task();
    struct exchange_result refused;
    if (exchange_start(&r->x, f->engine, provider_find(kind), &s, &t, limits, &callbacks, r, &refused) != 0)
        test_fail(__FILE__, __LINE__, "%s: start refused: %s", kind, refused.error.message);
    run_until(f, &r->done);
    ASSERT_EQ(r->done, 1);
}

static void run_free(struct run *r)
{
    exchange_free(&r->x);
    buf_free(&r->text);
}

TEST(exchange_collects_text_usage_and_the_end_marker)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"text\":\"return a + b\",\"token_size\":3}", NULL);
    for (size_t i = 0; provider_table[i]; i++) {
        struct run r = {0};
        run_one(&f, provider_table[i]->name, NULL, &r);
        if (!r.res.ok || r.res.stopped || r.res.fail != EXCHANGE_FAIL_NONE)
            test_fail(__FILE__, __LINE__, "%s: not ok: %s", provider_table[i]->name, r.res.error.message);
        ASSERT_STREQ(buf_str(&r.text), "return a + b");
        ASSERT(r.x.stream.done);
        ASSERT(r.x.stream.usage.reported);
        ASSERT_EQ(r.x.status, 200);
        ASSERT_EQ(r.res.status, 200);
        ASSERT_EQ(r.res.error.cls, PERR_NONE);
        ASSERT(r.x.start_us > 0);
        run_free(&r);
    }
    http_fixture_done(&f);
}

TEST(exchange_stop_from_on_text_ends_ok_and_closes_the_connection)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default",
                        "{\"text\":\"one two three four five six\",\"token_size\":4,\"token_delay_ms\":20}", NULL);
    struct run r = { .stop_after = 1 };
    run_one(&f, "openai", NULL, &r);
    ASSERT(r.res.ok);
    ASSERT(r.res.stopped);
    ASSERT_EQ(r.text_calls, 1);   /* nothing more after the stop */
    ASSERT(r.text.len < strlen("one two three four five six"));
    fixture_wait_stat(&f, "client_disconnects", 1);
    run_free(&r);
    http_fixture_done(&f);
}

TEST(exchange_classifies_an_http_error_with_the_adapter)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"error\":\"rate_limit\",\"retry_after\":\"7\"}", NULL);
    struct run r = {0};
    run_one(&f, "anthropic", NULL, &r);
    ASSERT(!r.res.ok);
    ASSERT_EQ(r.res.fail, EXCHANGE_FAIL_STATUS);
    ASSERT_EQ(r.res.error.cls, PERR_RATE_LIMITED);
    ASSERT_EQ(r.res.error.status, 429);
    ASSERT_EQ(r.res.error.retry_after_ms, 7000);
    run_free(&r);
    http_fixture_done(&f);
}

TEST(exchange_in_band_error_cut_and_malformed_streams)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    struct run r = {0};
    fake_server_control(&f.server, "POST", "default", "{\"text\":\"abc def\",\"error\":\"overloaded\",\"error_after\":1}", NULL);
    run_one(&f, "anthropic", NULL, &r);
    ASSERT_EQ(r.res.fail, EXCHANGE_FAIL_IN_BAND);
    ASSERT_EQ(r.res.error.cls, PERR_OVERLOADED);
    ASSERT_STREQ(buf_str(&r.text), "abc ");   /* the piece before the error still arrived */
    run_free(&r);

    memset(&r, 0, sizeof r);
    fake_server_control(&f.server, "POST", "default",
                        "{\"error\":\"server_error\",\"status\":200,\"body\":\"data: {\\\"choices\\\":[{\\\"index\\\":0,"
                        "\\\"delta\\\":{\\\"content\\\":\\\"x\\\"}}]}\\n\\n\",\"headers\":{\"content-type\":\"text/event-stream\"}}", NULL);
    run_one(&f, "openai", NULL, &r);
    ASSERT_EQ(r.res.fail, EXCHANGE_FAIL_CUT);
    ASSERT_EQ(r.res.error.cls, PERR_NETWORK);
    ASSERT_STREQ(r.res.error.message, "the stream ended before the API's end marker");
    run_free(&r);

    memset(&r, 0, sizeof r);
    fake_server_control(&f.server, "POST", "default", "{\"text\":\"abc def\",\"malformed_after\":1}", NULL);
    run_one(&f, "openai", NULL, &r);
    ASSERT_EQ(r.res.fail, EXCHANGE_FAIL_MALFORMED);
    ASSERT_EQ(r.res.error.cls, PERR_NETWORK);
    ASSERT_STREQ(r.res.error.message, "malformed stream from the provider");
    run_free(&r);
    http_fixture_done(&f);
}

TEST(exchange_first_byte_timeout_names_the_limit)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"text\":\"late\",\"ttft_ms\":2000}", NULL);
    struct http_limits limits = { .first_byte_timeout_ms = 100 };
    struct run r = {0};
    run_one(&f, "openai", &limits, &r);
    ASSERT_EQ(r.res.fail, EXCHANGE_FAIL_TRANSPORT);
    ASSERT_EQ(r.res.outcome, HTTP_FIRST_BYTE_TIMEOUT);
    ASSERT_EQ(r.res.error.cls, PERR_TIMEOUT);
    ASSERT_STREQ(r.res.error.message, "no first token within 100 ms");
    run_free(&r);
    http_fixture_done(&f);
}

TEST(exchange_refused_start_and_unbuildable_request_call_nothing_back)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    struct task t = inline_task();
    struct exchange_result refused;
    struct run r = {0};

    struct model_spec s = spec_for(&f, "openai");
    s.base_url = NULL;
    ASSERT_EQ(exchange_start(&r.x, f.engine, provider_find("openai"), &s, &t, NULL, &callbacks, &r, &refused), -1);
    ASSERT_EQ(refused.fail, EXCHANGE_FAIL_BUILD);
    ASSERT_EQ(refused.error.cls, PERR_BAD_REQUEST);
    ASSERT(strstr(refused.error.message, "base_url") != NULL);
    exchange_free(&r.x);

    s.base_url = (char *)"http://gpu-box.example:8080";   /* plain http off this machine */
    ASSERT_EQ(exchange_start(&r.x, f.engine, provider_find("openai"), &s, &t, NULL, &callbacks, &r, &refused), -1);
    ASSERT_EQ(refused.fail, EXCHANGE_FAIL_START);
    ASSERT_EQ(refused.error.cls, PERR_NETWORK);
    ASSERT(strstr(refused.error.message, "gpu-box.example") != NULL);
    exchange_free(&r.x);
    ASSERT_EQ(r.done, 0);
    run_free(&r);
    http_fixture_done(&f);
}

TEST(exchange_cancel_closes_the_connection_without_a_callback)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"text\":\"slow\",\"ttft_ms\":5000}", NULL);
    struct model_spec s = spec_for(&f, "ollama");
    struct task t = inline_task();
    struct exchange_result refused;
    struct run r = {0};
    ASSERT_EQ(exchange_start(&r.x, f.engine, provider_find("ollama"), &s, &t, NULL, &callbacks, &r, &refused), 0);
    fixture_wait_stat(&f, "requests", 1);
    exchange_cancel(&r.x);
    exchange_cancel(&r.x);   /* harmless twice */
    fixture_wait_stat(&f, "client_disconnects", 1);
    ASSERT_EQ(r.done, 0);
    run_free(&r);
    http_fixture_done(&f);
}
