/* HTTP engine lifecycle edge cases: freeing the engine from inside callbacks,
 * starting the next request from on_done (how retries happen), and the per-host
 * connection cap. The loop must always close with nothing left open. */
#include "tests/unit/test.h"
#include "tests/unit/http_test_util.h"

static const char *const CHAT_STREAM =
    "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

struct freer { struct http_engine *engine; int calls; int done; };

static int free_engine_on_data(void *data, const char *bytes, size_t len)
{
    struct freer *f = data;
    (void)bytes, (void)len;
    if (f->calls++ == 0)
        http_engine_free(f->engine);     /* inside a curl callback: deferred */
    return 0;
}

static void count_done(void *data, const struct http_result *res)
{
    (void)res;
    ((struct freer *)data)->done++;
}

TEST(http_engine_free_from_inside_on_data)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"token_delay_ms\":5}", NULL);
    struct freer fr = { f.engine, 0, 0 };
    struct http_callbacks cb = { NULL, free_engine_on_data, count_done };
    char url[128], err[128];
    snprintf(url, sizeof url, "%s/v1/chat/completions", f.server.url);
    for (int i = 0; i < 3; i++)
        ASSERT(http_request_start(f.engine, "POST", url, NULL, CHAT_STREAM, strlen(CHAT_STREAM),
                                  NULL, &cb, &fr, err, sizeof err) != NULL);
    uv_run(&f.loop, UV_RUN_DEFAULT);     /* ends once the engine has closed everything */
    ASSERT_EQ(fr.calls, 1);               /* no callback after the free */
    ASSERT_EQ(fr.done, 0);
    ASSERT_EQ(uv_loop_close(&f.loop), 0);
    ASSERT_EQ(fake_server_wait_stat(&f.server, "client_disconnects", 3), 3);
    fake_server_stop(&f.server);
}

static void free_engine_on_done(void *data, const struct http_result *res)
{
    struct freer *f = data;
    (void)res;
    if (f->done++ == 0)
        http_engine_free(f->engine);
}

static int ignore_data(void *data, const char *bytes, size_t len)
{
    (void)data, (void)bytes, (void)len;
    return 0;
}

TEST(http_engine_free_from_inside_on_done)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "rules",
                        "{\"match\":{\"model\":\"slow\"},\"stall_after\":1}", NULL);
    struct freer fr = { f.engine, 0, 0 };
    struct http_callbacks cb = { NULL, ignore_data, free_engine_on_done };
    char url[128], err[128];
    snprintf(url, sizeof url, "%s/v1/chat/completions", f.server.url);
    const char *slow = "{\"model\":\"slow\",\"stream\":true,\"messages\":[]}";
    for (int i = 0; i < 2; i++)
        ASSERT(http_request_start(f.engine, "POST", url, NULL, slow, strlen(slow), NULL, &cb,
                                  &fr, err, sizeof err) != NULL);
    ASSERT(http_request_start(f.engine, "POST", url, NULL, CHAT_STREAM, strlen(CHAT_STREAM),
                              NULL, &cb, &fr, err, sizeof err) != NULL);
    uv_run(&f.loop, UV_RUN_DEFAULT);
    ASSERT_EQ(fr.done, 1);                /* the fast one finished; the stalled ones were cut */
    ASSERT_EQ(uv_loop_close(&f.loop), 0);
    ASSERT_EQ(fake_server_wait_stat(&f.server, "client_disconnects", 2), 2);
    fake_server_stop(&f.server);
}

struct chain { struct http_fixture *f; struct collect c[4]; int next; };

static void on_done_then_retry(void *data, const struct http_result *res);
static struct http_callbacks chain_callbacks;

static void start_next(struct chain *ch)
{
    struct collect *c = &ch->c[ch->next++];
    char url[128], err[128];
    c->user = ch;
    snprintf(url, sizeof url, "%s/v1/chat/completions", ch->f->server.url);
    ASSERT(http_request_start(ch->f->engine, "POST", url, NULL, CHAT_STREAM, strlen(CHAT_STREAM),
                              NULL, &chain_callbacks, c, err, sizeof err) != NULL);
}

static void on_done_then_retry(void *data, const struct http_result *res)
{
    struct collect *c = data;
    struct chain *ch = c->user;
    c->done++;
    c->result = *res;
    if (ch->next < 4)
        start_next(ch);                   /* from on_done: outside curl, allowed at once */
}

TEST(http_start_from_on_done_reuses_the_connection)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    struct chain ch;
    memset(&ch, 0, sizeof ch);
    ch.f = &f;
    chain_callbacks = collect_callbacks;
    chain_callbacks.on_done = on_done_then_retry;
    start_next(&ch);
    run_until(&f, &ch.c[3].done);
    for (int i = 0; i < 4; i++) {
        ASSERT_EQ(ch.c[i].result.outcome, HTTP_OK);
        ASSERT_EQ(ch.c[i].result.status, 200);
        ASSERT(strstr(buf_str(&ch.c[i].body), "data: [DONE]") != NULL);
        collect_free(&ch.c[i]);
    }
    ASSERT_EQ(fake_server_stat(&f.server, "api_connections"), 1);
    http_fixture_done(&f);
}

TEST(http_max_connections_per_host_queues_transfers)
{
    struct http_fixture f;
    struct http_engine_options opts = { .max_connections_per_host = 2 };
    http_fixture_init(&f, &opts);
    fake_server_control(&f.server, "POST", "default", "{\"token_delay_ms\":10}", NULL);
    struct collect c[8];
    memset(c, 0, sizeof c);
    for (int i = 0; i < 8; i++)
        start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c[i]);
    for (int i = 0; i < 8; i++)
        run_until(&f, &c[i].done);
    for (int i = 0; i < 8; i++) {
        ASSERT_EQ(c[i].result.outcome, HTTP_OK);
        collect_free(&c[i]);
    }
    ASSERT_EQ(fake_server_stat(&f.server, "api_connections"), 2);
    ASSERT_EQ(fake_server_stat(&f.server, "max_in_flight"), 2);
    http_fixture_done(&f);
}

TEST(http_proxy_from_environment_and_loopback_bypass)
{
    struct http_fixture f;
    static const char *const allowed[] = { "backend.test", NULL };
    struct http_engine_options opts = { .insecure_hosts = allowed };
    http_fixture_init(&f, &opts);
    char proxy[64];
    snprintf(proxy, sizeof proxy, "127.0.0.1:%d", f.server.port);   /* the fake server as proxy */
    setenv("http_proxy", proxy, 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    struct collect c = {0};
    char err[256];
    const char *url = "http://backend.test/v1/chat/completions";   /* never resolved here */
    ASSERT(http_request_start(f.engine, "POST", url, NULL, CHAT_STREAM, strlen(CHAT_STREAM), NULL,
                              &collect_callbacks, &c, err, sizeof err) != NULL);
    run_until(&f, &c.done);
    ASSERT_EQ(c.result.outcome, HTTP_OK);
    ASSERT_EQ(c.result.status, 200);
    char *json = NULL;
    fake_server_control(&f.server, "GET", "requests", NULL, &json);
    ASSERT(strstr(json, "\"host\":\"backend.test\"") != NULL);   /* it came through the proxy */
    free(json);
    collect_free(&c);
    /* a loopback backend never goes through a proxy, even a dead one */
    setenv("http_proxy", "127.0.0.1:1", 1);
    struct collect d = {0};
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &d);
    run_until(&f, &d.done);
    ASSERT_EQ(d.result.outcome, HTTP_OK);
    collect_free(&d);
    http_fixture_done(&f);
}
