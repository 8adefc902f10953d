/* Internals shared by telemetry.c (lifecycle, span queue, timers, sending) and
 * events.c (turning events into spans and metric points). */
#ifndef TELEMETRY_TELEMETRY_INT_H
#define TELEMETRY_TELEMETRY_INT_H
#include "telemetry/telemetry.h"
#include "telemetry/metrics.h"
#include "telemetry/model.h"
#include "telemetry/sender.h"

#define TEL_ACCEPT_RING 64

/* A recent inline attempt, so an acceptance can be tied to its trace and series. */
struct tel_recent_attempt {
    char attempt_id[48];
    uint8_t trace_id[16];
    uint8_t parent_id[8];
    char model[64];
    char task[24];
};

struct telemetry {
    uv_loop_t *loop;
    struct http_engine *http;       /* our own: a flush at shutdown outlives the router's */
    struct telemetry_options opts;
    struct tel_resource resource;
    char instance_id[37];
    struct tel_span **queue;        /* finished spans waiting to be sent */
    size_t queued;
    struct tel_metrics *metrics;
    struct tel_sender traces, metrics_out, remote;
    bool has_traces, has_metrics, has_remote;
    uv_timer_t span_timer, metric_timer, remote_timer, flush_timer;
    bool encoding;                  /* a span batch is being encoded on the thread pool */
    int open_handles;
    bool closing;
    long spans_dropped, spans_queued;
    struct tel_recent_attempt recent[TEL_ACCEPT_RING];
    unsigned recent_next;
};

uint64_t tel_now_ns(void);
/* Takes the span: queues it, or drops (and counts) it when the queue is full. */
void tel_enqueue_span(struct telemetry *t, struct tel_span *span);
void tel_record(struct telemetry *t, enum tel_metric_id id, const char *const *keys,
                const char *const *values, int n, double value);

#endif
