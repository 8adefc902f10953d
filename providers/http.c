/* The HTTP engine: curl's multi interface driven by the libuv loop, after curl's
 * docs/examples/multi-uv.c with its traps fixed:
 *   - one uv_poll per socket, created in CURLMOPT_SOCKETFUNCTION and attached with
 *     curl_multi_assign; freed only in its close callback;
 *   - one one-shot uv timer from CURLMOPT_TIMERFUNCTION (timer.data, no casts);
 *   - curl_multi_info_read is drained after every socket_action, timeouts included;
 *   - poll status < 0 is passed to curl as CURL_CSELECT_ERR (with IN|OUT, see on_poll);
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
#include "providers/http_internal.h"
#include "providers/http_policy.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void engine_destroy(struct http_engine *e);

void http__engine_enter(struct http_engine *e) { e->depth++; }
void http__engine_leave(struct http_engine *e)
{
    if (--e->depth == 0 && e->free_pending && !e->freed)
        engine_destroy(e);
}

/* ------------------------------------------------------------------ multi plumbing */

static void on_socket_closed(uv_handle_t *handle)
{
    struct socket_context *ctx = handle->data;
    struct http_engine *e = ctx->engine;
    free(ctx);
    http__engine_release(e);
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
    http__engine_enter(e);
    e->in_curl++;
    CURLMcode mc = curl_multi_socket_action(e->multi, fd, flags, &running);
    e->in_curl--;
    if (mc != CURLM_OK)
        log_error("curl_multi_socket_action: %s", curl_multi_strerror(mc));
    drain(e);              /* after every action, timeouts included */
    process_deferred(e);
    http__engine_leave(e);
}

static void on_poll(uv_poll_t *poll, int status, int events)
{
    struct socket_context *ctx = poll->data;
    int flags = 0;
    if (status < 0) {
        /* libuv reports EPOLLERR/EPOLLHUP (e.g. a pooled connection the server has
         * closed) as status < 0. CURL_CSELECT_ERR alone makes curl 7.88 fail the
         * transfer with "select/poll returned error" without looking; with IN|OUT
         * it reads the socket, meets the real error, and retries a request that
         * died on a reused connection before any response byte on a fresh one. */
        flags = CURL_CSELECT_ERR | CURL_CSELECT_IN | CURL_CSELECT_OUT;
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
            http__request_destroy(r, false);
            continue;
        }
        const char *detail;
        enum http_outcome outcome = http__request_outcome(r, code, &detail);
        http__request_finish(r, outcome, detail, outcome != HTTP_OK);
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
            http__request_destroy(r, true);
            continue;
        }
        char err[128];
        if (!request_add(r, err, sizeof err))
            http__request_finish(r, HTTP_NETWORK_ERROR, err, false);
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
    e->ca_file = opts && opts->ca_file ? xstrdup(opts->ca_file) : NULL;
    e->user_agent = opts && opts->user_agent ? xstrdup(opts->user_agent)
                                             : xstrdup("switchboard/" SWITCHBOARD_VERSION);
    e->insecure_hosts = xstrv_dup(opts ? (char *const *)opts->insecure_hosts : NULL);
    return e;
}

void http_engine_set_insecure_hosts(struct http_engine *e, const char *const *hosts)
{
    if (!e) return;
    xstrv_free(e->insecure_hosts);
    e->insecure_hosts = xstrv_dup((char *const *)hosts);
}

static void on_engine_timer_closed(uv_handle_t *handle)
{
    http__engine_release(handle->data);
}

void http__engine_release(struct http_engine *e)
{
    if (--e->open_handles > 0)
        return;
    xstrv_free(e->insecure_hosts);
    free(e->user_agent);
    free(e->ca_file);
    free(e);
    if (--curl_users == 0)
        curl_global_cleanup();
}

static void engine_destroy(struct http_engine *e)
{
    e->freed = true;
    while (e->requests) {
        e->requests->cancelled = true;
        http__request_destroy(e->requests, true);
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
    http__engine_release(e);                /* the "alive" reference */
}

void http_engine_free(struct http_engine *engine)
{
    if (!engine || engine->free_pending)
        return;
    engine->free_pending = true;
    if (engine->depth == 0)
        engine_destroy(engine);
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
    struct http_request *r = http__request_new(e, limits);
    e->stats.in_flight++;
    r->callbacks = *callbacks;
    r->data = data;
    CURLcode rc = r->easy ? http__set_common_options(r, url, loopback) : CURLE_OUT_OF_MEMORY;
    if (rc == CURLE_OK)
        rc = http__set_method_and_body(r->easy, method ? method : (body ? "POST" : "GET"), body, body_len);
    r->header_list = curl_slist_append(NULL, "Expect:");   /* no 100-continue round trip */
    for (size_t i = 0; headers && headers[i]; i++)
        r->header_list = curl_slist_append(r->header_list, headers[i]);
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->header_list);
        if (r->limits.max_response_bytes)
            rc |= curl_easy_setopt(r->easy, CURLOPT_MAXFILESIZE_LARGE,
                                   (curl_off_t)r->limits.max_response_bytes);
    }
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "http_request_start: curl rejected an option");
        http__request_destroy(r, false);
        return NULL;
    }
    if (e->in_curl) {
        defer(r);                /* curl_multi_add_handle is not allowed inside curl */
    } else if (!request_add(r, err, errlen)) {
        http__request_destroy(r, false);
        return NULL;
    }
    e->stats.requests_started++;
    http__request_arm_timer(r);
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
    http__request_destroy(r, true);
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
    struct http_request *r = http__request_new(e, NULL);
    r->warm = true;
    e->stats.warming++;
    CURLcode rc = r->easy ? http__set_common_options(r, url, loopback) : CURLE_OUT_OF_MEMORY;
    /* A HEAD request, not CURLOPT_CONNECT_ONLY: curl never hands a connect-only
     * connection to another transfer, so it would warm nothing. A HEAD is answered
     * without running a model, so nothing is billed, and the connection (with its
     * TLS session and HTTP/2 setting) returns to the pool. */
    rc |= curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
    rc |= curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_warm_header);
    rc |= curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_warm_header);
    if (rc != CURLE_OK || e->in_curl) {   /* warming is only a hint: skip when awkward */
        http__request_destroy(r, false);
        return;
    }
    if (!request_add(r, err, sizeof err))
        http__request_destroy(r, false);
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
