/* HTTP engine limits against the fake model server (and two bare sockets):
 * connect timeout, network error, first-byte, idle and total timeouts, response
 * size, and connection warming. Every timeout must also close the connection so
 * the backend stops generating. Times here only bound hangs; figures are in bench/. */
#include "tests/unit/test.h"
#include "tests/unit/http_test_util.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const CHAT_STREAM =
    "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

static int listen_loopback(int backlog, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    ASSERT_EQ(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ASSERT_EQ(listen(fd, backlog), 0);
    ASSERT_EQ(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static int connect_nonblocking(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd, (struct sockaddr *)&sa, sizeof sa);
    return fd;
}

static void run_to_port(struct http_fixture *f, int port, const struct http_limits *limits,
                        struct collect *c)
{
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/chat/completions", port);
    ASSERT(http_request_start(f->engine, "POST", url, NULL, "{}", 2, limits,
                              &collect_callbacks, c, err, sizeof err) != NULL);
    run_until(f, &c->done);
}

TEST(http_connect_refused_is_a_network_error)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    int port;
    close(listen_loopback(1, &port));      /* a port nobody listens on */
    struct collect c = {0};
    run_to_port(&f, port, NULL, &c);
    ASSERT_EQ(c.result.outcome, HTTP_NETWORK_ERROR);
    ASSERT_EQ(c.result.status, 0);
    ASSERT_EQ(c.headers_calls, 0);
    ASSERT(c.error[0] != '\0');
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_connect_timeout_when_syn_is_never_answered)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    int port;
    int lfd = listen_loopback(0, &port);   /* never accepts; fill its queue so SYNs drop */
    int fillers[4];
    for (int i = 0; i < 4; i++)
        fillers[i] = connect_nonblocking(port);
    struct http_limits limits = { .connect_timeout_ms = 200 };
    struct collect c = {0};
    run_to_port(&f, port, &limits, &c);
    ASSERT_EQ(c.result.outcome, HTTP_CONNECT_TIMEOUT);
    ASSERT_EQ(c.result.status, 0);
    for (int i = 0; i < 4; i++)
        close(fillers[i]);
    close(lfd);
    collect_free(&c);
    http_fixture_done(&f);
}

static void expect_limit(const char *behaviour, struct http_limits limits,
                         enum http_outcome want, int want_body, long hang_guard_ms)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", behaviour, NULL);
    struct collect c = {0};
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, &limits, &c);
    run_until(&f, &c.done);
    ASSERT_STREQ(http_outcome_name(c.result.outcome), http_outcome_name(want));
    ASSERT_EQ(c.result.status, 200);                 /* the headers did arrive */
    ASSERT_EQ(c.body.len > 0, want_body);
    ASSERT_EQ(c.result.first_byte_ms >= 0, want_body);
    ASSERT(c.error[0] != '\0');
    if (hang_guard_ms)
        ASSERT(c.result.total_ms < hang_guard_ms);
    /* the connection is closed: the fake server sees the client leave */
    ASSERT_EQ(fixture_wait_stat(&f, "client_disconnects", 1), 1);
    struct http_stats st;
    http_engine_stats(f.engine, &st);
    ASSERT_EQ(st.in_flight, 0);
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_first_byte_timeout_counts_body_bytes_not_headers)
{
    struct http_limits l = { .first_byte_timeout_ms = 200, .idle_timeout_ms = 5000 };
    expect_limit("{\"ttft_ms\":3000}", l, HTTP_FIRST_BYTE_TIMEOUT, 0, 0);
}

TEST(http_idle_timeout_on_a_stalled_stream)
{
    struct http_limits l = { .first_byte_timeout_ms = 5000, .idle_timeout_ms = 200 };
    expect_limit("{\"stall_after\":2}", l, HTTP_IDLE_TIMEOUT, 1, 0);
}

TEST(http_idle_timeout_applies_soon_after_an_early_first_byte)
{
    /* first byte quickly, then a stall: the idle deadline (200 ms) must not wait
     * for the much later first-byte deadline (20 s) */
    struct http_limits l = { .first_byte_timeout_ms = 20000, .idle_timeout_ms = 200,
                             .total_timeout_ms = 30000 };
    expect_limit("{\"stall_after\":1}", l, HTTP_IDLE_TIMEOUT, 1, 10000);
}

TEST(http_total_timeout_on_a_slow_but_steady_stream)
{
    struct http_limits l = { .idle_timeout_ms = 2000, .total_timeout_ms = 300 };
    expect_limit("{\"token_delay_ms\":50,\"token_size\":1}", l, HTTP_TOTAL_TIMEOUT, 1, 0);
}

TEST(http_too_large_stream)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"text\":\""
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "\",\"token_size\":1,\"token_delay_ms\":1}", NULL);
    struct http_limits l = { .max_response_bytes = 2000 };
    struct collect c = {0};
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, &l, &c);
    run_until(&f, &c.done);
    ASSERT_EQ(c.result.outcome, HTTP_TOO_LARGE);
    ASSERT(c.body.len <= 2000);
    ASSERT(c.body.len > 0);
    ASSERT_EQ(fixture_wait_stat(&f, "client_disconnects", 1), 1);
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_too_large_known_length_is_refused_before_the_body)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    struct http_limits l = { .max_response_bytes = 100 };
    struct collect c = {0};
    start_post(&f, "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}", &l, &c);
    run_until(&f, &c.done);
    ASSERT_EQ(c.result.outcome, HTTP_TOO_LARGE);
    ASSERT_EQ(c.body.len, 0);
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_limits_do_not_fire_on_a_healthy_stream)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"token_delay_ms\":20}", NULL);
    struct http_limits l = { .connect_timeout_ms = 2000, .first_byte_timeout_ms = 2000,
                             .idle_timeout_ms = 1000, .total_timeout_ms = 10000,
                             .max_response_bytes = 1 << 20 };
    struct collect c = {0};
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, &l, &c);
    run_until(&f, &c.done);
    ASSERT_EQ(c.result.outcome, HTTP_OK);
    ASSERT_EQ(fake_server_stat(&f.server, "client_disconnects"), 0);
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_warm_opens_a_connection_the_next_request_reuses)
{
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    char url[128];
    snprintf(url, sizeof url, "%s/v1/chat/completions", f.server.url);
    http_engine_warm(f.engine, url);
    struct http_stats st;
    for (int i = 0; i < 200; i++) {
        uv_run(&f.loop, UV_RUN_NOWAIT);
        http_engine_stats(f.engine, &st);
        if (st.warming == 0)
            break;
        uv_sleep(2);
    }
    http_engine_stats(f.engine, &st);
    ASSERT_EQ(st.warming, 0);
    ASSERT_EQ(st.connections_opened, 1);
    ASSERT_EQ(st.requests_started, 0);
    ASSERT_EQ(fake_server_stat(&f.server, "requests"), 0);      /* nothing billable */
    ASSERT_EQ(fake_server_stat(&f.server, "head_requests"), 1);
    struct collect c = {0};
    start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c);
    run_until(&f, &c.done);
    ASSERT_EQ(c.result.outcome, HTTP_OK);
    ASSERT_EQ(c.result.reused_connection, 1);
    http_engine_stats(f.engine, &st);
    ASSERT_EQ(st.connections_opened, 1);
    collect_free(&c);
    http_fixture_done(&f);
}

TEST(http_server_closing_pooled_connections_does_not_fail_requests)
{
    /* The server ends each response properly, then closes the connection without
     * saying so (as APIs do after an in-band error): the next request may pick the
     * dead pooled connection and must still succeed (curl retries it afresh). */
    struct http_fixture f;
    http_fixture_init(&f, NULL);
    fake_server_control(&f.server, "POST", "default", "{\"close\":true}", NULL);
    for (int i = 0; i < 30; i++) {
        struct collect c = {0};
        start_post(&f, "/v1/chat/completions", CHAT_STREAM, NULL, &c);
        run_until(&f, &c.done);
        if (c.result.outcome != HTTP_OK)
            test_fail(__FILE__, __LINE__, "request %d: %s: %s", i,
                      http_outcome_name(c.result.outcome), c.error);
        ASSERT_EQ(c.result.status, 200);
        collect_free(&c);
    }
    ASSERT_EQ(fake_server_stat(&f.server, "completed"), 30);
    http_fixture_done(&f);
}
