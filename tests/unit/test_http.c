/* HTTP engine against the fake model server: streaming, concurrency, connection
 * reuse, status/headers/error bodies, cancellation, URL policy. Limits and
 * timeouts are in test_http_limits.c. */
#include "tests/unit/test.h"
#include "tests/unit/http_test_util.h"
#include "providers/http_policy.h"
#include <cjson/cJSON.h>

static const char *const CHAT_STREAM =
    "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

TEST(http_streams_body_in_pieces_with_headers)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default",
                        "{\"text\":\"0123456789abcdefghijklmnopqrstuvwxyzABCD\",\"token_delay_ms\":10}", NULL);
    struct collect c = {0};
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c);
    run_until(&f, &c.done);
    ASSERT_EQ(c.done, 1);
    ASSERT_EQ(c.result.outcome, HTTP_OK);
    ASSERT_EQ(c.result.status, 200);
    ASSERT_EQ(c.headers_calls, 1);
    ASSERT_STREQ(c.content_type, "text/event-stream");
    ASSERT(c.data_calls >= 5);      /* 10 pieces 10 ms apart arrive separately */
    ASSERT(strstr(buf_str(&c.body), "\"content\":\"0123\"") != NULL);
    ASSERT(strstr(buf_str(&c.body), "data: [DONE]") != NULL);
    ASSERT(c.result.first_byte_ms >= 0);
    ASSERT(c.result.total_ms >= c.result.first_byte_ms);
    ASSERT_EQ(c.result.reused_connection, 0);
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_sends_user_agent_headers_and_body)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    struct collect c = {0};
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c);
    run_until(&f, &c.done);
    char *json = NULL;
    ASSERT_EQ(fake_server_control(&f.server, "GET", "requests", NULL, &json), 200);
    cJSON *root = cJSON_Parse(json);
    const cJSON *rec = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "requests"), 0);
    const cJSON *headers = cJSON_GetObjectItem(rec, "headers");
    ASSERT_STREQ(cJSON_GetObjectItem(headers, "user-agent")->valuestring,
                 "switchboard/" SWITCHBOARD_VERSION);
    ASSERT_STREQ(cJSON_GetObjectItem(headers, "content-type")->valuestring, "application/json");
    ASSERT(cJSON_GetObjectItem(headers, "expect") == NULL);   /* no 100-continue */
    ASSERT(strncmp(cJSON_GetObjectItem(headers, "authorization")->valuestring, "Bearer ***", 10) == 0);
    ASSERT_STREQ(cJSON_GetObjectItem(rec, "method")->valuestring, "POST");
    ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "body"), "stream")));
    cJSON_Delete(root);
    free(json);
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_delivers_error_status_headers_and_body)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "enqueue",
                        "{\"error\":\"rate_limit\",\"retry_after\":3,\"reset_tokens\":\"6m0s\"}", NULL);
    struct collect c = {0};
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c);
    run_until(&f, &c.done);
    ASSERT_EQ(c.result.outcome, HTTP_OK);     /* a complete response, whatever the status */
    ASSERT_EQ(c.result.status, 429);
    ASSERT_EQ(c.status, 429);
    ASSERT_STREQ(c.retry_after, "3");
    ASSERT_STREQ(c.content_type, "application/json");
    ASSERT(strstr(buf_str(&c.body), "\"code\":\"rate_limit_exceeded\"") != NULL);
    collect_free(&c);
    http_fixture_done(&f);
}

#define CONCURRENT 60
TEST(http_runs_many_transfers_at_once)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"token_delay_ms\":30}", NULL);
    static struct collect c[CONCURRENT];
    for (int i = 0; i < CONCURRENT; i++)
        start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c[i]);
    struct http_stats st;
    http_engine_stats(f.engine, &st);
    ASSERT_EQ(st.in_flight, CONCURRENT);
    ASSERT_EQ(st.requests_started, CONCURRENT);
    for (int i = 0; i < CONCURRENT; i++)
        run_until(&f, &c[i].done);
    for (int i = 0; i < CONCURRENT; i++) {
        ASSERT_EQ(c[i].done, 1);
        ASSERT_EQ(c[i].result.outcome, HTTP_OK);
        ASSERT_EQ(c[i].status, 200);
        ASSERT(strstr(buf_str(&c[i].body), "data: [DONE]") != NULL);
        collect_free(&c[i]);
    }
    ASSERT_EQ(fake_server_stat(&f.server, "requests"), CONCURRENT);
    ASSERT(fake_server_stat(&f.server, "max_in_flight") >= 10);   /* they overlapped */
    http_engine_stats(f.engine, &st);
    ASSERT_EQ(st.in_flight, 0);
    http_fixture_done(&f);
}

TEST(http_reuses_one_connection_for_sequential_requests)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    for (int i = 0; i < 5; i++) {
        struct collect c = {0};
        start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c);
        run_until(&f, &c.done);
        ASSERT_EQ(c.result.outcome, HTTP_OK);
        ASSERT_EQ(c.result.reused_connection, i > 0);
        if (i > 0)
            ASSERT_EQ(c.result.connect_ms, 0);
        collect_free(&c);
    }
    ASSERT_EQ(fake_server_stat(&f.server, "api_connections"), 1);
    struct http_stats st;
    http_engine_stats(f.engine, &st);
    ASSERT_EQ(st.connections_opened, 1);
    http_fixture_done(&f);
}

static void stop_loop_on_data(struct collect *c)
{
    uv_stop(c->user);
}

TEST(http_cancel_closes_the_connection_and_calls_nothing)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"stall_after\":2}", NULL);
    struct collect c = { .on_data_hook = stop_loop_on_data, .user = &f.loop };
    struct http_request *req = start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c);
    while (c.data_calls == 0)
        uv_run(&f.loop, UV_RUN_ONCE);
    http_request_cancel(req);              /* outside any callback of the request */
    c.on_data_hook = NULL;
    ASSERT_EQ(fixture_wait_stat(&f, "client_disconnects", 1), 1);
    uv_run(&f.loop, UV_RUN_NOWAIT);
    ASSERT_EQ(c.done, 0);                  /* no callback after cancel */
    struct http_stats st;
    http_engine_stats(f.engine, &st);
    ASSERT_EQ(st.in_flight, 0);
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_on_data_nonzero_aborts_with_cancelled)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"token_delay_ms\":20,\"text\":\"" 
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", NULL);
    struct collect c = { .abort_after_bytes = 1 };
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c);
    run_until(&f, &c.done);
    ASSERT_EQ(c.result.outcome, HTTP_CANCELLED);
    ASSERT_EQ(c.data_calls, 1);
    ASSERT_EQ(fixture_wait_stat(&f, "client_disconnects", 1), 1);
    collect_free(&c);
    http_fixture_done(&f);
}

/* Cancelling request B and starting request C from inside A's on_data: both must
 * be deferred until curl returns (curl forbids re-entry from its callbacks). */
struct cross { struct http_fixture *f; struct http_request *victim; struct collect *late; int fired; };

static void cancel_other_from_callback(struct collect *c)
{
    struct cross *x = c->user;
    if (x->fired++)
        return;
    http_request_cancel(x->victim);
    start_post(x->f, "/v1/chat/completions", CHAT_STREAM, NULL, x->late);
}

TEST(http_cancel_and_start_from_inside_a_callback_are_deferred)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "rules",
                        "{\"match\":{\"model\":\"slow\"},\"stall_after\":1}", NULL);
    struct collect victim = {0}, late = {0};
    struct cross x = { &f, NULL, &late, 0 };
    struct collect a = { .on_data_hook = cancel_other_from_callback, .user = &x };
    x.victim = start_post(&f, "/v1/chat/completions",
                          "{\"model\":\"slow\",\"stream\":true,\"messages\":[]}", NULL, &victim);
    fixture_wait_stat(&f, "requests", 1);
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &a);
    run_until(&f, &a.done);
    run_until(&f, &late.done);
    ASSERT_EQ(a.result.outcome, HTTP_OK);
    ASSERT_EQ(late.result.outcome, HTTP_OK);
    ASSERT_EQ(victim.done, 0);
    ASSERT_EQ(fixture_wait_stat(&f, "client_disconnects", 1), 1);
    collect_free(&a);
    collect_free(&late);
    collect_free(&victim);
    http_fixture_done(&f);
}

TEST(http_engine_free_with_transfers_in_flight)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"stall_after\":1}", NULL);
    struct collect c[3];
    memset(c, 0, sizeof c);
    for (int i = 0; i < 3; i++)
        start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c[i]);
    fixture_wait_stat(&f, "requests", 3);
    http_engine_free(f.engine);          /* mid-transfer: no callbacks, connections closed */
    uv_run(&f.loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&f.loop), 0);
    ASSERT_EQ(fake_server_wait_stat(&f.server, "client_disconnects", 3), 3);
    fake_server_stop(&f.server);
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(c[i].done, 0);
        collect_free(&c[i]);
    }
}

TEST(http_refuses_plain_http_to_remote_hosts)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    static const char *const allowed[] = { "gpu-box.lan", NULL };
    struct http_engine_options opts = { .insecure_hosts = allowed };
    struct http_engine *e = http_engine_new(&loop, &opts);
    char err[256];
    struct collect c = {0};
    struct http_request *req = http_request_start(e, "POST", "http://api.example.com/v1/x", NULL,
                                                  "{}", 2, NULL, &collect_callbacks, &c,
                                                  err, sizeof err);
    ASSERT(req == NULL);
    ASSERT(strstr(err, "api.example.com") != NULL);
    ASSERT(strstr(err, "insecure_hosts") != NULL);
    ASSERT_EQ(http_engine_check_url(e, "http://api.example.com/", err, sizeof err), HTTP_REFUSED_INSECURE);
    ASSERT_EQ(http_engine_check_url(e, "http://GPU-BOX.lan:8080/v1", err, sizeof err), HTTP_OK);
    ASSERT_EQ(http_engine_check_url(e, "https://api.example.com/", err, sizeof err), HTTP_OK);
    ASSERT_EQ(http_engine_check_url(e, "http://127.0.0.1:1/", err, sizeof err), HTTP_OK);
    ASSERT_EQ(http_engine_check_url(e, "http://[::1]:1/", err, sizeof err), HTTP_OK);
    ASSERT_EQ(http_engine_check_url(e, "http://127.0.0.1.nip.io/", err, sizeof err), HTTP_REFUSED_INSECURE);
    ASSERT_EQ(http_engine_check_url(e, "ftp://127.0.0.1/", err, sizeof err), HTTP_NETWORK_ERROR);
    ASSERT_EQ(http_engine_check_url(e, "not a url", err, sizeof err), HTTP_NETWORK_ERROR);
    ASSERT(http_request_start(e, "GET", "file:///etc/passwd", NULL, NULL, 0, NULL,
                              &collect_callbacks, &c, err, sizeof err) == NULL);
    ASSERT_EQ(c.done, 0);
    /* A reload's list replaces the old one. */
    static const char *const reloaded[] = { "api.example.com", NULL };
    http_engine_set_insecure_hosts(e, reloaded);
    ASSERT_EQ(http_engine_check_url(e, "http://api.example.com/", err, sizeof err), HTTP_OK);
    ASSERT_EQ(http_engine_check_url(e, "http://gpu-box.lan:8080/v1", err, sizeof err), HTTP_REFUSED_INSECURE);
    http_engine_set_insecure_hosts(e, NULL);
    ASSERT_EQ(http_engine_check_url(e, "http://api.example.com/", err, sizeof err), HTTP_REFUSED_INSECURE);
    ASSERT_EQ(http_engine_check_url(e, "http://127.0.0.1:1/", err, sizeof err), HTTP_OK);
    http_engine_free(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

TEST(http_host_is_loopback_table)
{
    ASSERT(http_host_is_loopback("127.0.0.1"));
    ASSERT(http_host_is_loopback("127.8.9.10"));
    ASSERT(http_host_is_loopback("localhost"));
    ASSERT(http_host_is_loopback("LocalHost"));
    ASSERT(http_host_is_loopback("::1"));
    ASSERT(http_host_is_loopback("[::1]"));
    ASSERT(http_host_is_loopback("::ffff:127.0.0.1"));
    ASSERT(!http_host_is_loopback("128.0.0.1"));
    ASSERT(!http_host_is_loopback("127.0.0.1.evil.com"));
    ASSERT(!http_host_is_loopback("localhost.evil.com"));
    ASSERT(!http_host_is_loopback("::2"));
    ASSERT(!http_host_is_loopback("10.0.0.1"));
    ASSERT(!http_host_is_loopback(""));
    ASSERT(!http_host_is_loopback(NULL));
    ASSERT_STREQ(http_outcome_name(HTTP_IDLE_TIMEOUT), "idle_timeout");
    ASSERT_STREQ(http_outcome_name(HTTP_REFUSED_INSECURE), "refused_insecure");
}

/* The one loopback rule, asked with whole URLs as config, check and the probe do. */
TEST(http_url_is_loopback_only_for_literal_loopback_hosts)
{
    ASSERT(http_url_is_loopback("http://127.0.0.1:11434"));
    ASSERT(http_url_is_loopback("http://127.9.8.7/v1"));
    ASSERT(http_url_is_loopback("http://localhost:8080/"));
    ASSERT(http_url_is_loopback("http://[::1]:8080"));
    ASSERT(http_url_is_loopback("https://user:pw@127.0.0.1/"));
    ASSERT(!http_url_is_loopback("http://127.evil.com"));
    ASSERT(!http_url_is_loopback("http://127.0.0.1.evil.com:80"));
    ASSERT(!http_url_is_loopback("http://localhost.evil.com"));
    ASSERT(!http_url_is_loopback("http://evil.com/127.0.0.1"));
    ASSERT(!http_url_is_loopback("http://evil.com@/"));
    ASSERT(!http_url_is_loopback("http://127.0.0.1@evil.com/"));
    ASSERT(!http_url_is_loopback("http://%31%32%37.0.0.1.evil.com/"));
    ASSERT(!http_url_is_loopback("ftp://127.0.0.1/"));
    ASSERT(!http_url_is_loopback("127.0.0.1"));
    ASSERT(!http_url_is_loopback(""));
    ASSERT(!http_url_is_loopback(NULL));
}

TEST(http_url_parts_splits_as_curl_connects)
{
    char host[64];
    int port = 0;
    bool https = false;
    ASSERT(http_url_parts("http://[::1]:9/x", host, sizeof host, &port, &https));
    ASSERT_STREQ(host, "::1");
    ASSERT_EQ(port, 9);
    ASSERT(!https);
    ASSERT(http_url_parts("https://API.example.com/v1", host, sizeof host, &port, &https));
    ASSERT_EQ(port, 443);
    ASSERT(https);
    ASSERT(http_url_parts("http://127.0.0.1", host, sizeof host, &port, &https));
    ASSERT_EQ(port, 80);
    ASSERT(!http_url_parts("http://", host, sizeof host, &port, &https));
    ASSERT(!http_url_parts("http://averyveryverylonghostname.example.com/", host, 8, &port, &https));
}
