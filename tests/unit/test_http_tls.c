/* TLS through the HTTP engine against the fake model server over https with a
 * throw-away self-signed certificate (made with the openssl CLI): verification is
 * on, so the unknown certificate is refused, and trusting it via ca_file works. */
#include "tests/unit/test.h"
#include "tests/unit/http_test_util.h"
#include <unistd.h>

struct tls_files { char dir[64]; char cert[128]; char key[128]; };

static void make_certificate(struct tls_files *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/sb-tls-XXXXXX");
    if (!mkdtemp(t->dir))
        test_fail(__FILE__, __LINE__, "mkdtemp failed");
    snprintf(t->cert, sizeof t->cert, "%s/cert.pem", t->dir);
    snprintf(t->key, sizeof t->key, "%s/key.pem", t->dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout %s -out %s -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1", t->key, t->cert);
    if (system(cmd) != 0)
        test_fail(__FILE__, __LINE__, "openssl could not make a test certificate");
}

static void remove_certificate(struct tls_files *t)
{
    unlink(t->cert);
    unlink(t->key);
    rmdir(t->dir);
}

static void run_https(const char *ca_file, struct collect *c)
{
    struct tls_files t;
    make_certificate(&t);
    struct fake_server server;
    fake_server_start_tls(&server, t.cert, t.key);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct http_engine_options opts = { .ca_file = ca_file ? t.cert : NULL };
    struct http_engine *e = http_engine_new(&loop, &opts);
    char url[128], err[256];
    snprintf(url, sizeof url, "%s/v1/chat/completions", server.url);
    const char *body = "{\"model\":\"m\",\"stream\":true,\"messages\":[]}";
    struct http_limits limits = { .connect_timeout_ms = 10000 };
    ASSERT(http_request_start(e, "POST", url, NULL, body, strlen(body), &limits,
                              &collect_callbacks, c, err, sizeof err) != NULL);
    while (!c->done)
        uv_run(&loop, UV_RUN_ONCE);
    http_engine_free(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    fake_server_stop(&server);
    remove_certificate(&t);
}

TEST(http_tls_refuses_an_unknown_certificate)
{
    struct collect c = {0};
    run_https(NULL, &c);
    ASSERT_EQ(c.result.outcome, HTTP_NETWORK_ERROR);
    ASSERT_EQ(c.result.status, 0);
    ASSERT(strstr(c.error, "certificate") != NULL);
    collect_free(&c);
}

TEST(http_tls_with_a_trusted_ca_file_streams)
{
    struct collect c = {0};
    run_https("trust", &c);
    if (c.result.outcome != HTTP_OK)
        test_fail(__FILE__, __LINE__, "https failed: %s", c.error);
    ASSERT_EQ(c.result.status, 200);
    ASSERT(strstr(buf_str(&c.body), "data: [DONE]") != NULL);
    collect_free(&c);
}
