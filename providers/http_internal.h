/* Internals shared by the HTTP engine's files (http.c: the engine, curl multi on
 * the libuv loop; http_request.c: one transfer, its callbacks, limits and result).
 * Not a contract for other modules: use providers/http.h. */
#ifndef PROVIDERS_HTTP_INTERNAL_H
#define PROVIDERS_HTTP_INTERNAL_H
#include "providers/http.h"
#include "base/buf.h"
#include <curl/curl.h>
#include <stdint.h>

#ifndef SWITCHBOARD_VERSION
#define SWITCHBOARD_VERSION "dev"
#endif
#define MAX_HEADER_BYTES (64 * 1024)
#define EASY_POOL_SIZE 64    /* idle CURL handles kept for reuse (saves big allocations) */

struct socket_context {
    uv_poll_t poll;
    curl_socket_t fd;
    struct http_engine *engine;
    struct socket_context *prev, *next;
};

struct http_request {
    struct http_engine *engine;
    CURL *easy;
    struct curl_slist *header_list;
    struct http_limits limits;
    struct http_callbacks callbacks;
    void *data;
    uv_timer_t timer;              /* first byte / idle / total; closed on destroy */
    struct buf headers;            /* "Name: value\0" records of the final response */
    int status;
    bool headers_done, cancelled, warm, closing, in_multi, in_deferred;
    enum http_outcome forced;      /* set by the write callback before it aborts */
    uint64_t start_ms, first_byte_ms, last_byte_ms;  /* uv_hrtime based; 0 = none yet */
    size_t received;
    char error[CURL_ERROR_SIZE];
    struct http_request *prev, *next;       /* engine->requests */
    struct http_request *deferred_next;     /* engine->deferred */
};

struct http_engine {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    char *user_agent;
    char *ca_file;                     /* NULL: the system CA store */
    char **insecure_hosts;
    struct http_request *requests;
    struct http_request *deferred;     /* cancels/starts asked for inside curl */
    struct socket_context *sockets;
    CURL *easy_pool[EASY_POOL_SIZE];
    int easy_pooled;
    struct http_stats stats;
    int in_curl;                       /* > 0 while curl runs our callbacks */
    int depth;                         /* > 0 while we dispatch */
    int open_handles;                  /* uv handles not yet closed */
    bool free_pending, freed;
};

/* http.c */
void http__engine_enter(struct http_engine *e);
void http__engine_leave(struct http_engine *e);   /* may destroy a freed engine */
void http__engine_release(struct http_engine *e); /* one uv handle closed */

/* http_request.c */
struct http_request *http__request_new(struct http_engine *e, const struct http_limits *limits);
CURLcode http__set_common_options(struct http_request *r, const char *url, bool loopback);
CURLcode http__set_method_and_body(CURL *easy, const char *method, const char *body, size_t len);
void http__request_arm_timer(struct http_request *r);
enum http_outcome http__request_outcome(struct http_request *r, CURLcode code, const char **msg);
/* on_done (outside curl callbacks), then destroy. */
void http__request_finish(struct http_request *r, enum http_outcome outcome, const char *error,
                          bool close_conn);
/* Detaches from curl (closing the connection when close_conn) and frees the request
 * once its timer has closed. No callback. */
void http__request_destroy(struct http_request *r, bool close_conn);

#endif
