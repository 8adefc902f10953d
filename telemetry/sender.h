/* One export destination (OTLP traces, OTLP metrics, or Prometheus remote write):
 * sends one batch at a time through the HTTP engine and retries it on 429, 502, 503,
 * 504 and network failures with exponential backoff, honouring Retry-After. Another
 * batch is refused while one is in flight or waiting to retry, and the caller counts
 * that as a drop: a down collector costs the dropped batches and nothing else.
 *
 * The sender is embedded in its owner; tel_sender_close ends it (cancelling what is
 * in flight) and its timer is closed asynchronously: run the loop afterwards. */
#ifndef TELEMETRY_SENDER_H
#define TELEMETRY_SENDER_H
#include "providers/http.h"
#include <uv.h>
#include <stdbool.h>

struct tel_sender_counts {
    long sent;          /* batches the destination accepted (2xx) */
    long dropped;       /* batches given up: retries spent, non-retryable status, refused */
    long retries;
    int last_status;    /* last HTTP status, 0 when the last attempt had none */
};

struct tel_sender {
    const char *name;               /* "traces", "metrics", "remote write": for logs */
    uv_loop_t *loop;
    struct http_engine *http;
    char *url;
    char **headers;                 /* "Name: value", NULL-terminated, owned; never logged */
    long timeout_ms;
    int max_attempts;
    long backoff_base_ms, backoff_cap_ms;
    struct http_request *req;
    char *body;                     /* the batch being sent or waiting to retry, owned */
    size_t len;
    int attempt;                    /* 1-based attempt of the current batch */
    long deadline_ms;               /* >0: the shutdown flush's limit for the next attempt */
    uv_timer_t timer;
    bool timer_open, closing;
    struct tel_sender_counts counts;
    void (*on_done)(void *data);    /* a batch finished (sent or dropped); may be NULL */
    void (*on_closed)(void *data);  /* the timer is closed: the owner may free */
    void *data;
};

/* headers: extra "Name: value" lines (copied); content_type is added. */
void tel_sender_init(struct tel_sender *s, const char *name, uv_loop_t *loop,
                     struct http_engine *http, const char *url, const char *content_type,
                     const char *const *extra_headers, const char *const *headers, long timeout_ms);
bool tel_sender_busy(const struct tel_sender *s);
/* Takes body. Returns -1 (body freed, counted as dropped) when busy or refused. */
int tel_sender_send(struct tel_sender *s, char *body, size_t len);
/* Shutdown: a retry waiting on its timer is tried once more now, within deadline_ms;
 * no further retries. */
void tel_sender_flush(struct tel_sender *s, long deadline_ms);
void tel_sender_close(struct tel_sender *s);
/* True for statuses worth retrying: 429, 502, 503, 504. */
bool tel_status_retryable(int status);

#endif
