/* The HTTP engine: libcurl's multi interface driven by the libuv loop (after curl's
 * multi-uv example, with its known traps fixed). Many transfers at once; nothing
 * blocks the loop. Connections are reused (keep-alive, HTTP/2 when offered), TLS is
 * verified, proxies come from the standard environment variables.
 *
 * Contract: once http_request_start returns a request, exactly one of on_done or
 * http_request_cancel ends it. After http_request_cancel no callback is called, the
 * transfer is removed from curl at once and its connection is closed (the backend
 * sees the disconnect and stops generating). Never call http_request_cancel from
 * inside a callback of the same request; return from on_data with a nonzero value
 * instead to abort it (on_done then reports HTTP_CANCELLED). */
#ifndef PROVIDERS_HTTP_H
#define PROVIDERS_HTTP_H
#include <uv.h>
#include <stddef.h>
#include <stdbool.h>

struct http_engine;
struct http_request;

struct http_limits {          /* 0 = no limit */
    long connect_timeout_ms;
    long first_byte_timeout_ms;   /* from start until the first body byte */
    long idle_timeout_ms;         /* longest gap between body bytes */
    long total_timeout_ms;
    size_t max_response_bytes;
};

enum http_outcome {
    HTTP_OK = 0,              /* complete response received (any status) */
    HTTP_CONNECT_TIMEOUT,
    HTTP_FIRST_BYTE_TIMEOUT,
    HTTP_IDLE_TIMEOUT,
    HTTP_TOTAL_TIMEOUT,
    HTTP_TOO_LARGE,
    HTTP_NETWORK_ERROR,       /* DNS, refused, reset, TLS */
    HTTP_CANCELLED,           /* on_data asked to stop */
    HTTP_REFUSED_INSECURE,    /* plain http:// to a non-loopback host not allowed */
};
const char *http_outcome_name(enum http_outcome outcome);

struct http_result {
    enum http_outcome outcome;
    int status;                /* HTTP status, 0 if none arrived */
    const char *error;         /* human-readable detail (no secrets), may be "" */
    long connect_ms;           /* time spent connecting (0 when reused) */
    long first_byte_ms;        /* -1 if no body byte arrived */
    long total_ms;
    bool reused_connection;
};

struct http_callbacks {
    /* Once, when the status line and headers are complete. */
    void (*on_headers)(void *data, int status, struct http_request *req);
    /* Body bytes as they arrive. Return nonzero to abort the transfer. */
    int (*on_data)(void *data, const char *bytes, size_t len);
    /* Exactly once, unless cancelled. The request is freed after it returns. */
    void (*on_done)(void *data, const struct http_result *result);
};

struct http_engine_options {
    const char *user_agent;          /* default "switchboard/VERSION" */
    const char *const *insecure_hosts;  /* hosts allowed over plain http besides loopback; NULL-terminated */
    long max_connections_per_host;   /* 0 = curl default */
    long max_idle_connections;       /* kept open for reuse; 0 = 128 */
    const char *ca_file;             /* PEM CA bundle used instead of the system store; NULL = system */
};

struct http_engine *http_engine_new(uv_loop_t *loop, const struct http_engine_options *opts);
/* A configuration reload's insecure_hosts: requests started from now on are checked
 * against the new list (copied); transfers already running are not touched. */
void http_engine_set_insecure_hosts(struct http_engine *engine, const char *const *hosts);
/* Cancels every transfer (no callbacks), cleans up curl while the loop runs, and frees
 * the engine once its handles are closed; the caller then runs the loop to finish. */
void http_engine_free(struct http_engine *engine);

/* Starts a request. headers: "Name: value" strings, NULL-terminated. body may be NULL
 * for GET. Returns NULL with a message in err (callbacks never called) on refusal
 * (e.g. insecure URL) or bad arguments. */
struct http_request *http_request_start(struct http_engine *engine, const char *method,
                                        const char *url, const char *const *headers,
                                        const char *body, size_t body_len,
                                        const struct http_limits *limits,
                                        const struct http_callbacks *callbacks, void *data,
                                        char *err, size_t errlen);
void http_request_cancel(struct http_request *req);
/* A response header of a request whose headers arrived (case-insensitive); NULL if absent. */
const char *http_request_header(struct http_request *req, const char *name);
/* Adapter for provider_ops.classify_error's header_lookup_fn. */
const char *http_header_lookup(void *req, const char *name);

/* Opens a connection to the URL's host (TCP + TLS, no HTTP request billed) so the
 * first real request reuses it. Fire and forget. (It sends a HEAD request for the
 * URL: curl never reuses a CURLOPT_CONNECT_ONLY connection for other transfers.) */
void http_engine_warm(struct http_engine *engine, const char *url);

/* Whether http_request_start would accept the URL: HTTP_OK, HTTP_REFUSED_INSECURE
 * (plain http:// to a host that is neither loopback nor listed), or
 * HTTP_NETWORK_ERROR (not an http/https URL). Lets callers classify a NULL start.
 * engine may be NULL (then only loopback is allowed over plain http). */
enum http_outcome http_engine_check_url(struct http_engine *engine, const char *url,
                                        char *err, size_t errlen);

/* True for 127.0.0.0/8, ::1 and "localhost". */
bool http_host_is_loopback(const char *host);

/* Counters for tests and benchmarks. */
struct http_stats {
    long requests_started;
    long connections_opened;
    long in_flight;
    long warming;          /* http_engine_warm transfers not finished yet */
};
void http_engine_stats(struct http_engine *engine, struct http_stats *out);

#endif
