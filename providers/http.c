/* The HTTP engine: curl's multi interface driven by the libuv loop, after curl's
 * docs/examples/multi-uv.c with its traps fixed:
 *   - one uv_poll per socket, created in CURLMOPT_SOCKETFUNCTION and attached with
 *     curl_multi_assign; freed only in its close callback;
 *   - one one-shot uv timer from CURLMOPT_TIMERFUNCTION (timer.data, no casts);
 *   - curl_multi_info_read is drained after every socket_action, timeouts included;
 *   - poll status < 0 is passed to curl as CURL_CSELECT_ERR;
 *   - curl is never re-entered from its own callbacks: a cancel or a start asked
 *     for while curl runs one of our callbacks is deferred until it returns;
 *   - curl_multi_cleanup runs while the loop still runs, then the handles close.
 * Limits: the connect timeout is curl's (CURLOPT_CONNECTTIMEOUT_MS, its only timeout,
 * so CURLE_OPERATION_TIMEDOUT always means "connect"); first byte, idle gap and total
 * time are one lazily re-armed uv timer per request (a body chunk only stores a
 * timestamp, the timer re-arms itself when it fires early); the size limit is
 * checked in the write callback. Cancelled and timed-out transfers get
 * CURLOPT_FORBID_REUSE before removal, so their connection is closed and the
 * backend sees the client leave. */
#include "providers/http.h"
#include "providers/http_policy.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

const char *http_outcome_name(enum http_outcome outcome)
{
    static const char *const names[] = {
        "ok", "connect_timeout", "first_byte_timeout", "idle_timeout", "total_timeout",
        "too_large", "network_error", "cancelled", "refused_insecure" };
    if ((unsigned)outcome < sizeof names / sizeof names[0])
        return names[outcome];
    return "unknown";
}

static uint64_t now_ms(void) { return uv_hrtime() / 1000000u; }

static void engine_release(struct http_engine *e);
static void engine_destroy(struct http_engine *e);

static void engine_enter(struct http_engine *e) { e->depth++; }
static void engine_leave(struct http_engine *e)
{
    if (--e->depth == 0 && e->free_pending && !e->freed)
        engine_destroy(e);
}

/* ------------------------------------------------------------------ requests */

static void list_unlink(struct http_request *r)
{
    struct http_engine *e = r->engine;
    if (r->prev) r->prev->next = r->next; else if (e->requests == r) e->requests = r->next;
    if (r->next) r->next->prev = r->prev;
    r->prev = r->next = NULL;
}

static void on_request_timer_closed(uv_handle_t *handle)
{
    struct http_request *r = handle->data;
    struct http_engine *e = r->engine;
    buf_free(&r->headers);
    free(r);
    engine_release(e);
}

/* Detaches the transfer from curl (closing its connection when close_conn), frees
 * curl state at once, and the request itself once its timer has closed. */
static void request_destroy(struct http_request *r, bool close_conn)
{
    struct http_engine *e = r->engine;
    if (r->closing)
        return;
    r->closing = true;
    if (r->easy) {
        long connects = 0;
        if (curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
            e->stats.connections_opened += connects;
        if (close_conn)
            curl_easy_setopt(r->easy, CURLOPT_FORBID_REUSE, 1L);
        if (r->in_multi) {
            CURLMcode mc = curl_multi_remove_handle(e->multi, r->easy);
            if (mc != CURLM_OK)
                log_warn("curl_multi_remove_handle: %s", curl_multi_strerror(mc));
        }
        if (e->easy_pooled < EASY_POOL_SIZE && !e->free_pending) {
            curl_easy_reset(r->easy);
            e->easy_pool[e->easy_pooled++] = r->easy;
        } else {
            curl_easy_cleanup(r->easy);
        }
        r->easy = NULL;
    }
    curl_slist_free_all(r->header_list);
    r->header_list = NULL;
    list_unlink(r);
    if (r->warm)
        e->stats.warming--;
    else
        e->stats.in_flight--;
    uv_timer_stop(&r->timer);
    uv_close((uv_handle_t *)&r->timer, on_request_timer_closed);
}

static void fill_result(struct http_request *r, struct http_result *res,
                        enum http_outcome outcome, const char *error)
{
    uint64_t now = now_ms();
    memset(res, 0, sizeof *res);
    res->outcome = outcome;
    res->status = r->status;
    res->error = error ? error : "";
    res->first_byte_ms = r->first_byte_ms ? (long)(r->first_byte_ms - r->start_ms) : -1;
    res->total_ms = (long)(now - r->start_ms);
    curl_off_t connect_us = 0;
    long connects = 0;
    if (r->easy) {
        curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
        curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &connects);
    }
    res->reused_connection = connects == 0 && r->status != 0;
    res->connect_ms = res->reused_connection ? 0 : (long)(connect_us / 1000);
}

/* Ends a request with on_done (outside any curl callback), then frees it. */
static void request_finish(struct http_request *r, enum http_outcome outcome,
                           const char *error, bool close_conn)
{
    struct http_result res;
    fill_result(r, &res, outcome, error);
    if (r->callbacks.on_done)
        r->callbacks.on_done(r->data, &res);
    request_destroy(r, close_conn);
}

static enum http_outcome outcome_of(struct http_request *r, CURLcode code, const char **msg)
{
    *msg = r->error[0] ? r->error : curl_easy_strerror(code);
    if (r->forced != HTTP_OK) {
        *msg = r->forced == HTTP_TOO_LARGE ? "response larger than the size limit"
                                            : "cancelled by the receiver";
        return r->forced;
    }
    if (code == CURLE_OK) {
        *msg = "";
        return HTTP_OK;
    }
    if (code == CURLE_FILESIZE_EXCEEDED) {
        *msg = "response larger than the size limit";
        return HTTP_TOO_LARGE;
    }
    if (code == CURLE_OPERATION_TIMEDOUT)
        return HTTP_CONNECT_TIMEOUT;    /* the only timeout curl itself enforces */
    return HTTP_NETWORK_ERROR;
}

static void arm_request_timer(struct http_request *r);

static void on_request_timer(uv_timer_t *timer)
{
    struct http_request *r = timer->data;
    struct http_engine *e = r->engine;
    uint64_t now = now_ms(), best = UINT64_MAX;
    enum http_outcome which = HTTP_OK;
    const char *what = "";
    const struct http_limits *l = &r->limits;
    if (l->first_byte_timeout_ms > 0 && !r->first_byte_ms &&
        r->start_ms + (uint64_t)l->first_byte_timeout_ms < best) {
        best = r->start_ms + (uint64_t)l->first_byte_timeout_ms;
        which = HTTP_FIRST_BYTE_TIMEOUT, what = "no response body byte within the first-byte timeout";
    }
    if (l->idle_timeout_ms > 0 && r->last_byte_ms &&
        r->last_byte_ms + (uint64_t)l->idle_timeout_ms < best) {
        best = r->last_byte_ms + (uint64_t)l->idle_timeout_ms;
        which = HTTP_IDLE_TIMEOUT, what = "the response stalled longer than the idle timeout";
    }
    if (l->total_timeout_ms > 0 && r->start_ms + (uint64_t)l->total_timeout_ms < best) {
        best = r->start_ms + (uint64_t)l->total_timeout_ms;
        which = HTTP_TOTAL_TIMEOUT, what = "the request exceeded its total timeout";
    }
    if (which == HTTP_OK)
        return;
    if (best > now) {
        uv_timer_start(&r->timer, on_request_timer, best - now, 0);
        return;
    }
    engine_enter(e);
    request_finish(r, which, what, true);
    engine_leave(e);
}

static void arm_request_timer(struct http_request *r)
{
    const struct http_limits *l = &r->limits;
    long first = 0;
    if (l->first_byte_timeout_ms > 0 && !r->first_byte_ms)
        first = l->first_byte_timeout_ms;
    else if (l->idle_timeout_ms > 0 && r->first_byte_ms)
        first = l->idle_timeout_ms;
    if (l->total_timeout_ms > 0 && (first == 0 || l->total_timeout_ms < first))
        first = l->total_timeout_ms;   /* the callback re-arms for what remains */
    if (first > 0)
        uv_timer_start(&r->timer, on_request_timer, (uint64_t)first, 0);
}

/* ------------------------------------------------------------------ curl callbacks */

static size_t on_curl_header(char *line, size_t size, size_t count, void *userp)
{
    struct http_request *r = userp;
    size_t len = size * count;
    if (r->cancelled || r->engine->free_pending)
        return 0;
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {   /* a new response (after 1xx) */
        buf_reset(&r->headers);
        r->headers_done = false;
        return len;
    }
    size_t n = len;
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
        n--;
    if (n == 0) {        /* end of a header block */
        long status = 0;
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && !r->headers_done) {
            r->headers_done = true;
            r->status = (int)status;
            if (r->callbacks.on_headers)
                r->callbacks.on_headers(r->data, r->status, r);
        }
        return r->cancelled ? 0 : len;
    }
    if (r->headers.len + n + 1 <= MAX_HEADER_BYTES && memchr(line, ':', n)) {
        buf_append(&r->headers, line, n);
        buf_putc(&r->headers, '\0');
    }
    return len;
}

static size_t on_curl_write(char *bytes, size_t size, size_t count, void *userp)
{
    struct http_request *r = userp;
    size_t len = size * count;
    if (r->cancelled || r->engine->free_pending || len == 0)
        return 0;
    uint64_t now = now_ms();
    r->last_byte_ms = now;
    if (!r->first_byte_ms) {
        r->first_byte_ms = now;
        if (r->limits.first_byte_timeout_ms > 0 || r->limits.idle_timeout_ms > 0) {
            uv_timer_stop(&r->timer);    /* switch from the first-byte to the idle deadline */
            arm_request_timer(r);
        }
    }
    r->received += len;
    if (r->limits.max_response_bytes && r->received > r->limits.max_response_bytes) {
        r->forced = HTTP_TOO_LARGE;
        return 0;
    }
    if (r->callbacks.on_data && r->callbacks.on_data(r->data, bytes, len) != 0) {
        r->forced = HTTP_CANCELLED;
        return 0;
    }
    return r->cancelled ? 0 : len;
}

/* ------------------------------------------------------------------ multi plumbing */

static void on_socket_closed(uv_handle_t *handle)
{
    struct socket_context *ctx = handle->data;
    struct http_engine *e = ctx->engine;
    free(ctx);
    engine_release(e);
}

static void socket_close(struct socket_context *ctx)
{
    struct http_engine *e = ctx->engine;
    if (ctx->prev) ctx->prev->next = ctx->next; else e->sockets = ctx->next;
    if (ctx->next) ctx->next->prev = ctx->prev;
    uv_poll_stop(&ctx->poll);
    uv_close((uv_handle_t *)&ctx->poll, on_socket_closed);
}

static void drain(struct http_engine *e);
static void process_deferred(struct http_engine *e);

static void socket_action(struct http_engine *e, curl_socket_t fd, int flags)
{
    int running = 0;
    engine_enter(e);
    e->in_curl++;
    CURLMcode mc = curl_multi_socket_action(e->multi, fd, flags, &running);
    e->in_curl--;
    if (mc != CURLM_OK)
        log_error("curl_multi_socket_action: %s", curl_multi_strerror(mc));
    drain(e);              /* after every action, timeouts included */
    process_deferred(e);
    engine_leave(e);
}

static void on_poll(uv_poll_t *poll, int status, int events)
{
    struct socket_context *ctx = poll->data;
    int flags = 0;
    if (status < 0) {
        flags = CURL_CSELECT_ERR;
    } else {
        if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    }
    socket_action(ctx->engine, ctx->fd, flags);
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int action, void *userp, void *socketp)
{
    struct http_engine *e = userp;
    struct socket_context *ctx = socketp;
    (void)easy;
    if (action == CURL_POLL_REMOVE) {
        if (ctx) {
            curl_multi_assign(e->multi, fd, NULL);
            socket_close(ctx);
        }
        return 0;
    }
    if (!ctx) {
        ctx = xcalloc(1, sizeof *ctx);
        ctx->fd = fd;
        ctx->engine = e;
        int rc = uv_poll_init_socket(e->loop, &ctx->poll, fd);
        if (rc < 0) {
            log_error("uv_poll_init_socket: %s", uv_strerror(rc));
            free(ctx);
            return -1;
        }
        ctx->poll.data = ctx;
        e->open_handles++;
        ctx->next = e->sockets;
        if (e->sockets) e->sockets->prev = ctx;
        e->sockets = ctx;
        curl_multi_assign(e->multi, fd, ctx);
    }
    int events = 0;
    if (action & CURL_POLL_IN) events |= UV_READABLE;
    if (action & CURL_POLL_OUT) events |= UV_WRITABLE;
    int rc = uv_poll_start(&ctx->poll, events, on_poll);
    if (rc < 0) {
        log_error("uv_poll_start: %s", uv_strerror(rc));
        return -1;
    }
    return 0;
}

static void on_engine_timer(uv_timer_t *timer)
{
    socket_action(timer->data, CURL_SOCKET_TIMEOUT, 0);
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct http_engine *e = userp;
    (void)multi;
    if (timeout_ms < 0)
        uv_timer_stop(&e->timer);
    else   /* 0 means "as soon as possible": the next loop turn, never recursively */
        uv_timer_start(&e->timer, on_engine_timer, (uint64_t)timeout_ms, 0);
    return 0;
}

static void drain(struct http_engine *e)
{
    CURLMsg *msg;
    int left;
    while (!e->free_pending && (msg = curl_multi_info_read(e->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURLcode code = msg->data.result;
        struct http_request *r = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        if (!r || r->closing || r->cancelled)   /* cancelled: process_deferred frees it */
            continue;
        if (r->warm) {
            if (code != CURLE_OK)
                log_info("warming a connection failed: %s", curl_easy_strerror(code));
            request_destroy(r, false);
            continue;
        }
        const char *detail;
        enum http_outcome outcome = outcome_of(r, code, &detail);
        request_finish(r, outcome, detail, outcome != HTTP_OK);
    }
}

static bool request_add(struct http_request *r, char *err, size_t errlen)
{
    CURLMcode mc = curl_multi_add_handle(r->engine->multi, r->easy);
    if (mc != CURLM_OK) {
        snprintf(err, errlen, "curl_multi_add_handle: %s", curl_multi_strerror(mc));
        return false;
    }
    r->in_multi = true;
    return true;
}

static void process_deferred(struct http_engine *e)
{
    while (e->deferred && !e->free_pending) {
        struct http_request *r = e->deferred;
        e->deferred = r->deferred_next;
        r->deferred_next = NULL;
        r->in_deferred = false;
        if (r->closing)
            continue;
        if (r->cancelled) {
            request_destroy(r, true);
            continue;
        }
        char err[128];
        if (!request_add(r, err, sizeof err))
            request_finish(r, HTTP_NETWORK_ERROR, err, false);
    }
}

static void defer(struct http_request *r)
{
    if (r->in_deferred)
        return;
    r->in_deferred = true;
    r->deferred_next = NULL;
    struct http_request **tail = &r->engine->deferred;
    while (*tail)
        tail = &(*tail)->deferred_next;
    *tail = r;
}

/* ------------------------------------------------------------------ public API */

static int curl_users;   /* curl_global_init/cleanup around the engines' lifetime */

struct http_engine *http_engine_new(uv_loop_t *loop, const struct http_engine_options *opts)
{
    if (!loop)
        return NULL;
    if (curl_users++ == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        curl_users--;
        return NULL;
    }
    struct http_engine *e = xcalloc(1, sizeof *e);
    e->loop = loop;
    e->multi = curl_multi_init();
    if (!e->multi) {
        free(e);
        if (--curl_users == 0) curl_global_cleanup();
        return NULL;
    }
    uv_timer_init(loop, &e->timer);
    e->timer.data = e;
    e->open_handles = 2;    /* the timer, and the engine being alive */
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
    /* curl's default idle-cache size is 4 x the transfers currently added, which
     * shrinks to nothing as a burst finishes and throws the warm connections away. */
    long idle = opts && opts->max_idle_connections > 0 ? opts->max_idle_connections : 128;
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, idle);
    if (opts && opts->max_connections_per_host > 0)
        curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS, opts->max_connections_per_host);
    e->user_agent = opts && opts->user_agent ? xstrdup(opts->user_agent)
                                             : xstrdup("switchboard/" SWITCHBOARD_VERSION);
    size_t n = 0;
    while (opts && opts->insecure_hosts && opts->insecure_hosts[n])
        n++;
    e->insecure_hosts = xcalloc(n + 1, sizeof *e->insecure_hosts);
    for (size_t i = 0; i < n; i++)
        e->insecure_hosts[i] = xstrdup(opts->insecure_hosts[i]);
    return e;
}

static void on_engine_timer_closed(uv_handle_t *handle)
{
    engine_release(handle->data);
}

static void engine_release(struct http_engine *e)
{
    if (--e->open_handles > 0)
        return;
    for (size_t i = 0; e->insecure_hosts[i]; i++)
        free(e->insecure_hosts[i]);
    free(e->insecure_hosts);
    free(e->user_agent);
    free(e);
    if (--curl_users == 0)
        curl_global_cleanup();
}

static void engine_destroy(struct http_engine *e)
{
    e->freed = true;
    while (e->requests) {
        e->requests->cancelled = true;
        request_destroy(e->requests, true);
    }
    e->deferred = NULL;
    while (e->easy_pooled)
        curl_easy_cleanup(e->easy_pool[--e->easy_pooled]);
    curl_multi_cleanup(e->multi);     /* while the loop still runs */
    e->multi = NULL;
    while (e->sockets)                /* sockets curl did not report as removed */
        socket_close(e->sockets);
    uv_timer_stop(&e->timer);
    uv_close((uv_handle_t *)&e->timer, on_engine_timer_closed);
    engine_release(e);                /* the "alive" reference */
}

void http_engine_free(struct http_engine *engine)
{
    if (!engine || engine->free_pending)
        return;
    engine->free_pending = true;
    if (engine->depth == 0)
        engine_destroy(engine);
}

static CURLcode set_method_and_body(CURL *easy, const char *method, const char *body, size_t len)
{
    CURLcode rc = CURLE_OK;
    if (body) {
        rc |= curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        rc |= curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body);
        if (strcmp(method, "POST") != 0)
            rc |= curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "GET") == 0) {
        rc |= curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        rc |= curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else {
        rc |= curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    }
    return rc;
}

/* Options every transfer shares; OR-ing CURLcodes only tells "some option failed". */
static CURLcode set_common_options(struct http_request *r, const char *url, bool loopback)
{
    CURL *easy = r->easy;
    CURLcode rc = CURLE_OK;
    rc |= curl_easy_setopt(easy, CURLOPT_URL, url);
    rc |= curl_easy_setopt(easy, CURLOPT_PRIVATE, r);
    rc |= curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, r->error);
    rc |= curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    rc |= curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    rc |= curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    rc |= curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    rc |= curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    rc |= curl_easy_setopt(easy, CURLOPT_USERAGENT, r->engine->user_agent);
    rc |= curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    if (loopback)   /* a local backend is never reached through a proxy */
        rc |= curl_easy_setopt(easy, CURLOPT_PROXY, "");
    else            /* https: wait for a connection being set up to offer HTTP/2 */
        rc |= curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    if (r->limits.connect_timeout_ms > 0)
        rc |= curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, r->limits.connect_timeout_ms);
    return rc;
}

static struct http_request *request_new(struct http_engine *e, const struct http_limits *limits)
{
    struct http_request *r = xcalloc(1, sizeof *r);
    r->engine = e;
    if (limits)
        r->limits = *limits;
    r->easy = e->easy_pooled ? e->easy_pool[--e->easy_pooled] : curl_easy_init();
    uv_timer_init(e->loop, &r->timer);
    r->timer.data = r;
    e->open_handles++;
    r->next = e->requests;
    if (e->requests) e->requests->prev = r;
    e->requests = r;
    r->start_ms = now_ms();
    return r;
}

struct http_request *http_request_start(struct http_engine *e, const char *method,
                                        const char *url, const char *const *headers,
                                        const char *body, size_t body_len,
                                        const struct http_limits *limits,
                                        const struct http_callbacks *callbacks, void *data,
                                        char *err, size_t errlen)
{
    char dummy[8];
    if (!err || errlen == 0)
        err = dummy, errlen = sizeof dummy;
    err[0] = '\0';
    if (!e || e->free_pending || !url || !callbacks || !callbacks->on_done) {
        snprintf(err, errlen, "http_request_start: bad arguments");
        return NULL;
    }
    bool loopback = false;
    if (http_url_check(url, (const char *const *)e->insecure_hosts, &loopback, err, errlen) != HTTP_URL_OK)
        return NULL;
    struct http_request *r = request_new(e, limits);
    e->stats.in_flight++;
    r->callbacks = *callbacks;
    r->data = data;
    CURLcode rc = r->easy ? set_common_options(r, url, loopback) : CURLE_OUT_OF_MEMORY;
    if (rc == CURLE_OK)
        rc = set_method_and_body(r->easy, method ? method : (body ? "POST" : "GET"), body, body_len);
    r->header_list = curl_slist_append(NULL, "Expect:");   /* no 100-continue round trip */
    for (size_t i = 0; headers && headers[i]; i++)
        r->header_list = curl_slist_append(r->header_list, headers[i]);
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->header_list);
        rc |= curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_curl_header);
        rc |= curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
        rc |= curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_curl_write);
        rc |= curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
        if (r->limits.max_response_bytes)
            rc |= curl_easy_setopt(r->easy, CURLOPT_MAXFILESIZE_LARGE,
                                   (curl_off_t)r->limits.max_response_bytes);
    }
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "http_request_start: curl rejected an option");
        request_destroy(r, false);
        return NULL;
    }
    if (e->in_curl) {
        defer(r);                /* curl_multi_add_handle is not allowed inside curl */
    } else if (!request_add(r, err, errlen)) {
        request_destroy(r, false);
        return NULL;
    }
    e->stats.requests_started++;
    arm_request_timer(r);
    return r;
}

void http_request_cancel(struct http_request *r)
{
    if (!r || r->closing || r->cancelled)
        return;
    r->cancelled = true;
    struct http_engine *e = r->engine;
    if (e->in_curl) {
        defer(r);                /* removed right after curl returns */
        return;
    }
    request_destroy(r, true);
}

const char *http_request_header(struct http_request *r, const char *name)
{
    if (!r || !name || !r->headers.data)
        return NULL;
    size_t n = strlen(name);
    for (const char *p = r->headers.data; p < r->headers.data + r->headers.len; p += strlen(p) + 1) {
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            return v;
        }
    }
    return NULL;
}

const char *http_header_lookup(void *req, const char *name)
{
    return http_request_header(req, name);
}

static size_t on_warm_header(char *bytes, size_t size, size_t count, void *userp)
{
    (void)bytes, (void)userp;
    return size * count;
}

void http_engine_warm(struct http_engine *e, const char *url)
{
    char err[256];
    bool loopback = false;
    if (!e || e->free_pending || http_url_check(url, (const char *const *)e->insecure_hosts,
                                                &loopback, err, sizeof err) != HTTP_URL_OK)
        return;
    struct http_request *r = request_new(e, NULL);
    r->warm = true;
    e->stats.warming++;
    CURLcode rc = r->easy ? set_common_options(r, url, loopback) : CURLE_OUT_OF_MEMORY;
    /* A HEAD request, not CURLOPT_CONNECT_ONLY: curl never hands a connect-only
     * connection to another transfer, so it would warm nothing. A HEAD is answered
     * without running a model, so nothing is billed, and the connection (with its
     * TLS session and HTTP/2 setting) returns to the pool. */
    rc |= curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
    rc |= curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_warm_header);
    rc |= curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_warm_header);
    if (rc != CURLE_OK || e->in_curl) {   /* warming is only a hint: skip when awkward */
        request_destroy(r, false);
        return;
    }
    if (!request_add(r, err, sizeof err))
        request_destroy(r, false);
}

void http_engine_stats(struct http_engine *e, struct http_stats *out)
{
    *out = e->stats;
    for (struct http_request *r = e->requests; r; r = r->next) {
        long connects = 0;   /* live transfers' connections count too */
        if (r->easy && curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
            out->connections_opened += connects;
    }
}

enum http_outcome http_engine_check_url(struct http_engine *e, const char *url,
                                        char *err, size_t errlen)
{
    bool loopback = false;
    int rc = http_url_check(url, e ? (const char *const *)e->insecure_hosts : NULL,
                            &loopback, err, errlen);
    if (rc == HTTP_URL_OK)
        return HTTP_OK;
    return rc == HTTP_URL_INSECURE ? HTTP_REFUSED_INSECURE : HTTP_NETWORK_ERROR;
}
