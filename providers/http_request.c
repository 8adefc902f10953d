/* One HTTP transfer of the engine: its CURL handle and options, the header and
 * body callbacks (size limit, abort from on_data), the first-byte / idle / total
 * deadlines, and the result handed to on_done. Deadlines are one uv timer per
 * request, re-armed lazily: a body chunk only stores a timestamp, and the timer,
 * when it fires early, re-arms itself for what remains, so a fast stream costs no
 * timer operation per chunk. */
#include "providers/http_internal.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    http__engine_release(e);
}

/* Detaches the transfer from curl (closing its connection when close_conn), frees
 * curl state at once, and the request itself once its timer has closed. */
void http__request_destroy(struct http_request *r, bool close_conn)
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
void http__request_finish(struct http_request *r, enum http_outcome outcome,
                           const char *error, bool close_conn)
{
    struct http_result res;
    fill_result(r, &res, outcome, error);
    if (r->callbacks.on_done)
        r->callbacks.on_done(r->data, &res);
    http__request_destroy(r, close_conn);
}

enum http_outcome http__request_outcome(struct http_request *r, CURLcode code, const char **msg)
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
    http__engine_enter(e);
    http__request_finish(r, which, what, true);
    http__engine_leave(e);
}

void http__request_arm_timer(struct http_request *r)
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
            http__request_arm_timer(r);
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

CURLcode http__set_method_and_body(CURL *easy, const char *method, const char *body, size_t len)
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
CURLcode http__set_common_options(struct http_request *r, const char *url, bool loopback)
{
    CURL *easy = r->easy;
    CURLcode rc = CURLE_OK;
    rc |= curl_easy_setopt(easy, CURLOPT_URL, url);
    rc |= curl_easy_setopt(easy, CURLOPT_PRIVATE, r);
    rc |= curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, r->error);
    rc |= curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    rc |= curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    rc |= curl_easy_setopt(easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    rc |= curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    rc |= curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    rc |= curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (r->engine->ca_file)
        rc |= curl_easy_setopt(easy, CURLOPT_CAINFO, r->engine->ca_file);
    rc |= curl_easy_setopt(easy, CURLOPT_USERAGENT, r->engine->user_agent);
    rc |= curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    rc |= curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_curl_header);
    rc |= curl_easy_setopt(easy, CURLOPT_HEADERDATA, r);
    rc |= curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_curl_write);
    rc |= curl_easy_setopt(easy, CURLOPT_WRITEDATA, r);
    if (loopback)   /* a local backend is never reached through a proxy */
        rc |= curl_easy_setopt(easy, CURLOPT_PROXY, "");
    else            /* https: wait for a connection being set up to offer HTTP/2 */
        rc |= curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    if (r->limits.connect_timeout_ms > 0)
        rc |= curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, r->limits.connect_timeout_ms);
    return rc;
}

struct http_request *http__request_new(struct http_engine *e, const struct http_limits *limits)
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

