/* The exporter's lifecycle (see telemetry.h): its own HTTP engine, the bounded span
 * queue, the batch and metric timers, and the flush at shutdown.
 *
 * Spans leave in batches of max_batch when the queue fills that far or every
 * span_delay_ms; metrics every metric_interval_ms as cumulative sums and histograms
 * (what Prometheus and most backends want). One batch per destination is in flight
 * at a time; the sender retries it, and meanwhile spans queue (up to max_queue, then
 * they are dropped and counted). Timers are unreferenced: telemetry never keeps the
 * process alive, except for the bounded flush at shutdown. */
#include "telemetry/telemetry_int.h"
#include "telemetry/ids.h"
#include "telemetry/otlp.h"
#include "telemetry/remote_write.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t tel_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* --- sending --------------------------------------------------------------- */

static const char *content_type(const struct telemetry *t)
{
    return t->opts.protocol == TEL_PROTOCOL_JSON ? "application/json" : "application/x-protobuf";
}

/* A span batch encoded on libuv's thread pool: a full batch takes milliseconds to
 * encode (tens in JSON), which the loop must not spend while the editor waits. The
 * worker owns the spans and reads only the resource, which never changes after
 * telemetry_new. */
struct span_job {
    uv_work_t work;
    struct telemetry *t;
    struct tel_span **spans;
    size_t count;
    bool json;
    char *body;
    size_t len;
};

static void encode_spans(uv_work_t *work)
{
    struct span_job *job = work->data;
    const struct tel_resource *res = &job->t->resource;
    job->body = job->json ? otlp_json_traces(res, job->spans, job->count, &job->len)
                          : otlp_proto_traces(res, job->spans, job->count, &job->len);
    for (size_t i = 0; i < job->count; i++) tel_span_free(job->spans[i]);
}

static void on_handle_closed(uv_handle_t *h);
static void on_flush_deadline(uv_timer_t *timer);
static bool all_idle(const struct telemetry *t);

static void after_encode(uv_work_t *work, int status)
{
    struct span_job *job = work->data;
    struct telemetry *t = job->t;
    t->encoding = false;
    if (status == 0 && t->http) {
        tel_sender_send(&t->traces, job->body, job->len);
    } else {
        free(job->body);   /* the flush deadline passed: the senders are gone */
        t->traces.counts.dropped++;
    }
    free(job->spans);
    free(job);
    if (t->closing && t->http && all_idle(t)) uv_timer_start(&t->flush_timer, on_flush_deadline, 0, 0);
    uv_handle_t pending = { .data = t };
    on_handle_closed(&pending);   /* the job counted as an open handle */
}

static void send_spans(struct telemetry *t)
{
    if (!t->has_traces || t->queued == 0 || t->encoding || tel_sender_busy(&t->traces) || !t->http) return;
    size_t n = t->queued < (size_t)t->opts.max_batch ? t->queued : (size_t)t->opts.max_batch;
    struct span_job *job = xcalloc(1, sizeof *job);
    job->t = t;
    job->count = n;
    job->json = t->opts.protocol == TEL_PROTOCOL_JSON;
    job->spans = xmalloc(n * sizeof *job->spans);
    memcpy(job->spans, t->queue, n * sizeof *job->spans);
    memmove(t->queue, t->queue + n, (t->queued - n) * sizeof *t->queue);
    t->queued -= n;
    job->work.data = job;
    t->encoding = true;
    t->open_handles++;
    uv_queue_work(t->loop, &job->work, encode_spans, after_encode);
}

static const char *resource_value(const struct telemetry *t, const char *key)
{
    for (int i = 0; i < t->resource.attrs.count; i++)
        if (strcmp(t->resource.attrs.items[i].key, key) == 0 && t->resource.attrs.items[i].type == TEL_STR)
            return t->resource.attrs.items[i].v.s;
    return NULL;
}

/* A busy sender means the previous export is still out or retrying: skip this one
 * (counted as dropped); the next export carries the same cumulative totals. */
static void send_metrics(struct telemetry *t, bool otlp, bool remote)
{
    struct tel_metrics_view view;
    tel_metrics_view(t->metrics, tel_now_ns(), &view);
    if (view.count == 0) return;
    size_t len;
    if (otlp && t->has_metrics) {
        char *body = t->opts.protocol == TEL_PROTOCOL_JSON ? otlp_json_metrics(&t->resource, &view, &len)
                                                            : otlp_proto_metrics(&t->resource, &view, &len);
        tel_sender_send(&t->metrics_out, body, len);
    }
    if (remote && t->has_remote) {
        char *body = remote_write_body(&view, resource_value(t, "service.name"), t->instance_id, &len);
        tel_sender_send(&t->remote, body, len);
    }
}

static void on_span_timer(uv_timer_t *timer) { send_spans(timer->data); }
static void on_metric_timer(uv_timer_t *timer) { send_metrics(timer->data, true, false); }
static void on_remote_timer(uv_timer_t *timer) { send_metrics(timer->data, false, true); }

static bool all_idle(const struct telemetry *t)
{
    return !t->encoding && !tel_sender_busy(&t->traces) && !tel_sender_busy(&t->metrics_out) && !tel_sender_busy(&t->remote);
}

static void finish_close(struct telemetry *t);

/* A batch finished: send the next full one, or finish a shutdown flush. */
static void on_batch_done(void *data)
{
    struct telemetry *t = data;
    if (t->closing) {
        send_spans(t);   /* the flush sends what is left, batch by batch */
        /* Finish on the next loop turn, outside the engine's callback. */
        if (all_idle(t)) uv_timer_start(&t->flush_timer, on_flush_deadline, 0, 0);
        return;
    }
    if (t->queued >= (size_t)t->opts.max_batch) send_spans(t);
}

void tel_enqueue_span(struct telemetry *t, struct tel_span *span)
{
    if (!t->has_traces || t->closing || t->queued >= (size_t)t->opts.max_queue) {
        if (t->has_traces) t->spans_dropped++;
        tel_span_free(span);
        return;
    }
    t->queue[t->queued++] = span;
    t->spans_queued++;
    if (t->queued >= (size_t)t->opts.max_batch) send_spans(t);
}

void tel_record(struct telemetry *t, enum tel_metric_id id, const char *const *keys,
                const char *const *values, int n, double value)
{
    if (t->has_metrics || t->has_remote) tel_metrics_record(t->metrics, id, keys, values, n, value);
}

/* --- lifecycle ------------------------------------------------------------- */

/* mkdir -p of path's directory, mode 0700 (the state directory, as the ledger's). */
static void make_parent_dirs(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(dir, 0700);
        *p = '/';
    }
    mkdir(dir, 0700);
}

/* The session's counters for `switchboard check`, which runs in another process:
 * written once, at exit, when the last batch has been sent or given up. */
static void write_status(const struct telemetry *t)
{
    if (!t->opts.status_path) return;
    struct telemetry_counters c;
    telemetry_counters(t, &c);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", t->opts.status_path);
    make_parent_dirs(t->opts.status_path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return;
    }
    fprintf(f, "{\"ended_unix_ms\":%lld,\"batches_sent\":%ld,\"batches_dropped\":%ld,"
               "\"spans_dropped\":%ld,\"retries\":%ld,\"series_dropped\":%ld}\n",
            (long long)(tel_now_ns() / 1000000), c.batches_sent, c.batches_dropped, c.spans_dropped,
            c.retries, c.series_dropped);
    if (fclose(f) == 0) rename(tmp, t->opts.status_path);
    else remove(tmp);
}

static void on_handle_closed(uv_handle_t *h)
{
    struct telemetry *t = h->data;
    if (--t->open_handles > 0) return;
    write_status(t);
    for (size_t i = 0; i < t->queued; i++) tel_span_free(t->queue[i]);
    free(t->queue);
    tel_metrics_free(t->metrics);
    tel_attrs_free(&t->resource.attrs);
    telemetry_options_free(&t->opts);
    free(t);
}

static void on_sender_closed(void *data)
{
    uv_handle_t fake = { .data = data };
    on_handle_closed(&fake);
}

static void timer_open(struct telemetry *t, uv_timer_t *timer)
{
    uv_timer_init(t->loop, timer);
    timer->data = t;
    t->open_handles++;
}

static void sender_open(struct telemetry *t, struct tel_sender *s, const char *name, const char *url,
                        const char *type, const char *const *extra, char **headers)
{
    tel_sender_init(s, name, t->loop, t->http, url, type, extra, (const char *const *)headers, t->opts.timeout_ms);
    s->on_done = on_batch_done;
    s->on_closed = on_sender_closed;
    s->data = t;
    t->open_handles++;
}

static void build_resource(struct telemetry *t)
{
    struct tel_attrs *a = &t->resource.attrs;
    tel_ids_instance(t->instance_id);
    tel_attrs_str(a, "service.name", t->opts.service_name ? t->opts.service_name : "switchboard");
    tel_attrs_str(a, "service.version", SWITCHBOARD_VERSION);
    tel_attrs_str(a, "service.instance.id", t->instance_id);
    if (t->opts.export_workspace_name && t->opts.workspace_name)
        tel_attrs_str(a, "switchboard.workspace.name", t->opts.workspace_name);
    /* User attributes: their keys live in the options, which outlive the resource. */
    for (size_t i = 0; t->opts.resource_attributes && t->opts.resource_attributes[i]; i++) {
        char *kv = t->opts.resource_attributes[i], *eq = strchr(kv, '=');
        if (!eq || a->count >= TEL_RESOURCE_ATTRS) continue;
        *eq = '\0';
        if (strcmp(kv, "service.name") != 0 && strcmp(kv, "service.instance.id") != 0 &&
            strcmp(kv, "service.version") != 0)
            tel_attrs_str(a, kv, eq + 1);
        else
            *eq = '=';
    }
}

static void copy_options(struct telemetry_options *dst, const struct telemetry_options *src)
{
    *dst = *src;
    dst->traces_url = xstrdup(src->traces_url);
    dst->metrics_url = xstrdup(src->metrics_url);
    dst->headers = xstrv_dup(src->headers);
    dst->service_name = xstrdup(src->service_name);
    dst->resource_attributes = xstrv_dup(src->resource_attributes);
    dst->remote_write_url = xstrdup(src->remote_write_url);
    dst->remote_write_headers = xstrv_dup(src->remote_write_headers);
    dst->workspace_name = xstrdup(src->workspace_name);
    dst->insecure_hosts = xstrv_dup(src->insecure_hosts);
    dst->status_path = xstrdup(src->status_path);
    if (dst->max_batch <= 0) dst->max_batch = 512;
    if (dst->max_queue < dst->max_batch) dst->max_queue = dst->max_batch;
    if (dst->metric_interval_ms <= 0) dst->metric_interval_ms = 60000;
    if (dst->remote_write_interval_ms <= 0) dst->remote_write_interval_ms = dst->metric_interval_ms;
    if (dst->span_delay_ms <= 0) dst->span_delay_ms = 5000;
    if (dst->flush_deadline_ms <= 0) dst->flush_deadline_ms = 1000;
}

static int check_urls(const struct telemetry_options *o, struct http_engine *http, char *err, size_t errlen)
{
    const char *urls[] = { o->traces_url, o->metrics_url, o->remote_write_url };
    for (int i = 0; i < 3; i++)
        if (urls[i] && http_engine_check_url(http, urls[i], err, errlen) != HTTP_OK) return -1;
    return 0;
}

struct telemetry *telemetry_new(uv_loop_t *loop, const struct telemetry_options *o, char *err,
                                size_t errlen)
{
    if (!telemetry_options_active(o)) return NULL;
    struct telemetry *t = xcalloc(1, sizeof *t);
    t->loop = loop;
    copy_options(&t->opts, o);
    struct http_engine_options hopts = { .insecure_hosts = (const char *const *)t->opts.insecure_hosts };
    t->http = http_engine_new(loop, &hopts);
    if (!t->http || check_urls(&t->opts, t->http, err, errlen) < 0) {
        if (t->http) http_engine_free(t->http);
        telemetry_options_free(&t->opts);
        free(t);
        return NULL;
    }
    build_resource(t);
    t->queue = xcalloc((size_t)t->opts.max_queue, sizeof *t->queue);
    t->metrics = tel_metrics_new(tel_now_ns(), 1000);
    static const char *const rw_headers[] = {
        "Content-Encoding: snappy", "X-Prometheus-Remote-Write-Version: 0.1.0", NULL,
    };
    t->has_traces = t->opts.traces_url != NULL;
    t->has_metrics = t->opts.metrics_url != NULL;
    t->has_remote = t->opts.remote_write_url != NULL;
    if (t->has_traces) sender_open(t, &t->traces, "traces", t->opts.traces_url, content_type(t), NULL, t->opts.headers);
    if (t->has_metrics) sender_open(t, &t->metrics_out, "metrics", t->opts.metrics_url, content_type(t), NULL, t->opts.headers);
    if (t->has_remote)
        sender_open(t, &t->remote, "remote write", t->opts.remote_write_url, "application/x-protobuf",
                    rw_headers, t->opts.remote_write_headers);
    timer_open(t, &t->span_timer);
    timer_open(t, &t->metric_timer);
    timer_open(t, &t->remote_timer);
    timer_open(t, &t->flush_timer);
    uv_timer_start(&t->span_timer, on_span_timer, (uint64_t)t->opts.span_delay_ms, (uint64_t)t->opts.span_delay_ms);
    long every = t->opts.metric_interval_ms, remote_every = t->opts.remote_write_interval_ms;
    uv_timer_start(&t->metric_timer, on_metric_timer, (uint64_t)every, (uint64_t)every);
    uv_timer_start(&t->remote_timer, on_remote_timer, (uint64_t)remote_every, (uint64_t)remote_every);
    uv_unref((uv_handle_t *)&t->span_timer);
    uv_unref((uv_handle_t *)&t->metric_timer);
    uv_unref((uv_handle_t *)&t->remote_timer);
    log_info("telemetry: exporting%s%s%s (%s)", t->has_traces ? " traces" : "", t->has_metrics ? " metrics" : "",
             t->has_remote ? " remote-write" : "", t->opts.protocol == TEL_PROTOCOL_JSON ? "http/json" : "http/protobuf");
    return t;
}

static void close_handle(struct telemetry *t, uv_handle_t *h)
{
    (void)t;
    if (!uv_is_closing(h)) uv_close(h, on_handle_closed);
}

static void finish_close(struct telemetry *t)
{
    if (uv_is_closing((uv_handle_t *)&t->flush_timer)) return;
    uv_timer_stop(&t->flush_timer);
    if (t->has_traces) tel_sender_close(&t->traces);
    if (t->has_metrics) tel_sender_close(&t->metrics_out);
    if (t->has_remote) tel_sender_close(&t->remote);
    http_engine_free(t->http);
    t->http = NULL;
    close_handle(t, (uv_handle_t *)&t->span_timer);
    close_handle(t, (uv_handle_t *)&t->metric_timer);
    close_handle(t, (uv_handle_t *)&t->remote_timer);
    close_handle(t, (uv_handle_t *)&t->flush_timer);
}

static void on_flush_deadline(uv_timer_t *timer)
{
    struct telemetry *t = timer->data;
    if (t->queued) log_warn("telemetry: %zu span(s) not sent at exit (flush deadline)", t->queued);
    finish_close(t);
}

void telemetry_close(struct telemetry *t)
{
    if (!t || t->closing) return;
    t->closing = true;
    uv_timer_stop(&t->span_timer);
    uv_timer_stop(&t->metric_timer);
    uv_timer_stop(&t->remote_timer);
    long deadline = t->opts.flush_deadline_ms;
    if (t->has_traces) tel_sender_flush(&t->traces, deadline);
    if (t->has_metrics) tel_sender_flush(&t->metrics_out, deadline);
    if (t->has_remote) tel_sender_flush(&t->remote, deadline);
    send_spans(t);
    send_metrics(t, true, true);
    if (all_idle(t)) {
        finish_close(t);
        return;
    }
    uv_timer_start(&t->flush_timer, on_flush_deadline, (uint64_t)deadline, 0);
}

void telemetry_counters(const struct telemetry *t, struct telemetry_counters *out)
{
    memset(out, 0, sizeof *out);
    if (!t) return;
    out->spans_queued = t->spans_queued;
    out->spans_dropped = t->spans_dropped;
    out->series_dropped = tel_metrics_dropped_series(t->metrics);
    const struct tel_sender *senders[] = { &t->traces, &t->metrics_out, &t->remote };
    const bool on[] = { t->has_traces, t->has_metrics, t->has_remote };
    for (int i = 0; i < 3; i++) {
        if (!on[i]) continue;
        out->batches_sent += senders[i]->counts.sent;
        out->batches_dropped += senders[i]->counts.dropped;
        out->retries += senders[i]->counts.retries;
    }
}
