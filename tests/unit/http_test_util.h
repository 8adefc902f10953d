/* Shared pieces of the HTTP engine tests: a collector for one request's callbacks
 * and helpers to run the loop against the fake model server. */
#ifndef TESTS_UNIT_HTTP_TEST_UTIL_H
#define TESTS_UNIT_HTTP_TEST_UTIL_H
#include "providers/http.h"
#include "tests/unit/fake_server_proc.h"
#include "base/buf.h"

struct collect {
    struct buf body;
    int status;
    int headers_calls;
    int data_calls;
    int done;
    struct http_result result;
    char error[256];
    char content_type[64];
    char retry_after[32];
    long abort_after_bytes;        /* >0: on_data returns 1 once this many bytes arrived */
    void (*on_data_hook)(struct collect *c);   /* runs inside on_data */
    void *user;
};

extern const struct http_callbacks collect_callbacks;

struct http_fixture {
    uv_loop_t loop;
    struct http_engine *engine;
    struct fake_server server;
};

void http_fixture_init(struct http_fixture *f, const struct http_engine_options *opts);
/* Frees the engine, runs the loop to the end, asserts the loop closes (no leaked
 * handles), stops the fake server. */
void http_fixture_done(struct http_fixture *f);

/* POSTs body to server url + path; NULL limits = none. Asserts the start succeeded. */
struct http_request *start_post(struct http_fixture *f, const char *path, const char *body,
                                const struct http_limits *limits, struct collect *c);
/* Runs the loop until *flag becomes nonzero (the test's alarm catches hangs). */
void run_until(struct http_fixture *f, const int *flag);
void collect_free(struct collect *c);
/* Runs the loop while polling a fake-server stat until it reaches `want`; fails
 * the test after 10 s (hang guard). Returns the value. */
long fixture_wait_stat(struct http_fixture *f, const char *key, long want);

#endif
