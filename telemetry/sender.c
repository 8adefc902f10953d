/* One export destination with retries (see sender.h). Failures are logged with the
 * destination's name and the status, never the headers (they carry vendor keys) nor
 * the response body. */
#include "telemetry/sender.h"
#include "providers/adapter.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ATTEMPTS 5
#define BACKOFF_BASE_MS 1000
#define BACKOFF_CAP_MS 30000
/* A Retry-After longer than this drops the batch: the next one carries newer data
 * (metrics are cumulative) and holding batches would only grow memory. */
#define RETRY_AFTER_MAX_MS 60000
#define RESPONSE_MAX_BYTES 65536

static size_t count_strv(const char *const *v)
{
    size_t n = 0;
    while (v && v[n]) n++;
    return n;
}

void tel_sender_init(struct tel_sender *s, const char *name, uv_loop_t *loop,
                     struct http_engine *http, const char *url, const char *content_type,
                     const char *const *extra_headers, const char *const *headers, long timeout_ms)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->loop = loop;
    s->http = http;
    s->url = xstrdup(url);
    size_t n = count_strv(extra_headers) + count_strv(headers), k = 0;
    s->headers = xcalloc(n + 2, sizeof *s->headers);
    s->headers[k++] = xasprintf("Content-Type: %s", content_type);
    for (size_t i = 0; i < count_strv(extra_headers); i++) s->headers[k++] = xstrdup(extra_headers[i]);
    for (size_t i = 0; i < count_strv(headers); i++) s->headers[k++] = xstrdup(headers[i]);
    s->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    s->max_attempts = DEFAULT_ATTEMPTS;
    s->backoff_base_ms = BACKOFF_BASE_MS;
    s->backoff_cap_ms = BACKOFF_CAP_MS;
    uv_timer_init(loop, &s->timer);
    s->timer.data = s;
    s->timer_open = true;
}

bool tel_status_retryable(int status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

bool tel_sender_busy(const struct tel_sender *s) { return s->body != NULL; }

static void batch_finished(struct tel_sender *s, bool sent)
{
    free(s->body);
    s->body = NULL;
    s->len = 0;
    s->attempt = 0;
    if (sent) s->counts.sent++;
    else s->counts.dropped++;
    if (s->on_done) s->on_done(s->data);
}

static void start_attempt(struct tel_sender *s);

static void on_retry_timer(uv_timer_t *t)
{
    start_attempt(t->data);
}

/* Exponential backoff (base * 2^(attempt-1), capped), or the server's Retry-After. */
static long retry_delay(const struct tel_sender *s, long retry_after_ms)
{
    if (retry_after_ms >= 0) return retry_after_ms;
    long d = s->backoff_base_ms;
    for (int i = 1; i < s->attempt && d < s->backoff_cap_ms; i++) d *= 2;
    return d < s->backoff_cap_ms ? d : s->backoff_cap_ms;
}

static void after_failure(struct tel_sender *s, int status, long retry_after_ms, const char *what)
{
    bool retryable = status == 0 || tel_status_retryable(status);
    if (!retryable || s->closing || s->deadline_ms > 0 || s->attempt >= s->max_attempts ||
        retry_after_ms > RETRY_AFTER_MAX_MS) {
        log_warn("telemetry %s: batch dropped after %d attempt(s): %s", s->name, s->attempt, what);
        batch_finished(s, false);
        return;
    }
    long delay = retry_delay(s, retry_after_ms);
    log_debug("telemetry %s: %s; retry in %ld ms", s->name, what, delay);
    s->counts.retries++;
    uv_timer_start(&s->timer, on_retry_timer, (uint64_t)delay, 0);
}

static void on_headers(void *data, int status, struct http_request *req)
{
    (void)data; (void)status; (void)req;
}

static int on_data(void *data, const char *bytes, size_t len)
{
    (void)data; (void)bytes; (void)len;   /* partial-success bodies are not acted on */
    return 0;
}

static long header_retry_after(struct http_request *req)
{
    const char *v = http_request_header(req, "retry-after");
    return v ? retry_parse_after(v, clock_wall_ms()) : -1;
}

static void on_http_done(void *data, const struct http_result *res)
{
    struct tel_sender *s = data;
    struct http_request *req = s->req;
    s->req = NULL;
    s->counts.last_status = res->status;
    char what[160];
    if (res->outcome == HTTP_OK && res->status >= 200 && res->status < 300) {
        batch_finished(s, true);
        return;
    }
    if (res->outcome == HTTP_OK) {
        snprintf(what, sizeof what, "HTTP %d", res->status);
        after_failure(s, res->status, header_retry_after(req), what);
        return;
    }
    snprintf(what, sizeof what, "%s", http_outcome_name(res->outcome));
    after_failure(s, 0, -1, what);
}

static void start_attempt(struct tel_sender *s)
{
    static const struct http_callbacks callbacks = { on_headers, on_data, on_http_done };
    long timeout = s->deadline_ms > 0 && s->deadline_ms < s->timeout_ms ? s->deadline_ms : s->timeout_ms;
    struct http_limits limits = { timeout, 0, 0, timeout, RESPONSE_MAX_BYTES };
    char err[256] = "";
    s->attempt++;
    s->req = http_request_start(s->http, "POST", s->url, (const char *const *)s->headers, s->body,
                                s->len, &limits, &callbacks, s, err, sizeof err);
    if (!s->req) {
        log_warn("telemetry %s: batch dropped: %s", s->name, err);
        batch_finished(s, false);
    }
}

int tel_sender_send(struct tel_sender *s, char *body, size_t len)
{
    if (s->body || s->closing) {
        free(body);
        s->counts.dropped++;
        return -1;
    }
    s->body = body;
    s->len = len;
    s->attempt = 0;
    start_attempt(s);
    return 0;
}

void tel_sender_flush(struct tel_sender *s, long deadline_ms)
{
    s->deadline_ms = deadline_ms > 0 ? deadline_ms : 1;
    if (s->body && !s->req) {   /* waiting to retry: one last try now */
        uv_timer_stop(&s->timer);
        start_attempt(s);
    }
}

static void on_timer_closed(uv_handle_t *h)
{
    struct tel_sender *s = h->data;
    if (s->on_closed) s->on_closed(s->data);
}

void tel_sender_close(struct tel_sender *s)
{
    s->closing = true;
    if (s->req) http_request_cancel(s->req);
    s->req = NULL;
    if (s->body) {
        free(s->body);
        s->body = NULL;
        s->counts.dropped++;
    }
    for (size_t i = 0; s->headers && s->headers[i]; i++) xfree_secret(s->headers[i]);
    free(s->headers);
    s->headers = NULL;
    free(s->url);
    s->url = NULL;
    if (s->timer_open) {
        s->timer_open = false;
        uv_close((uv_handle_t *)&s->timer, on_timer_closed);
    }
}
