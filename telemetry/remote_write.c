/* Prometheus remote write bodies (see remote_write.h). Prometheus requires each
 * series' labels sorted by name and rejects duplicate names, so labels are collected,
 * sorted, then packed. One sample per series, stamped with the export time. */
#include "telemetry/remote_write.h"
#include "telemetry/arena.h"
#include "telemetry/snappy.h"
#include "base/xalloc.h"
#include "prometheus_remote.pb-c.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef Prometheus__Label Label;
typedef Prometheus__Sample Sample;
typedef Prometheus__TimeSeries TimeSeries;

#define MAX_LABELS (TEL_SERIES_ATTRS + 4)

struct builder {
    struct tel_arena arena;
    TimeSeries **series;
    size_t count, cap;
    int64_t time_ms;
    const char *job, *instance;
};

static char *arena_strdup(struct tel_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *d = tel_arena_alloc(a, n + 1);
    memcpy(d, s, n);
    return d;
}

/* Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*; anything else becomes '_'. */
static char *label_name(struct tel_arena *a, const char *key)
{
    char *d = arena_strdup(a, key);
    for (char *p = d; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) *p = '_';
    return d;
}

static int compare_labels(const void *x, const void *y)
{
    return strcmp((*(Label *const *)x)->name, (*(Label *const *)y)->name);
}

static void add_label(struct builder *b, Label **labels, size_t *n, const char *name, const char *value)
{
    if (!value || *n == MAX_LABELS) return;
    Label *l = tel_arena_alloc(&b->arena, sizeof *l);
    prometheus__label__init(l);
    l->name = (char *)name;
    l->value = (char *)value;
    labels[(*n)++] = l;
}

static void add_series(struct builder *b, const struct tel_series *s, const char *name,
                       const char *le, double value)
{
    Label **labels = tel_arena_alloc(&b->arena, MAX_LABELS * sizeof *labels);
    size_t n = 0;
    add_label(b, labels, &n, "__name__", arena_strdup(&b->arena, name));
    add_label(b, labels, &n, "job", b->job);
    add_label(b, labels, &n, "instance", b->instance);
    if (le) add_label(b, labels, &n, "le", arena_strdup(&b->arena, le));
    for (int i = 0; i < s->attr_count; i++)
        add_label(b, labels, &n, label_name(&b->arena, s->keys[i]), s->values[i]);
    qsort(labels, n, sizeof *labels, compare_labels);
    Sample *sample = tel_arena_alloc(&b->arena, sizeof *sample);
    prometheus__sample__init(sample);
    sample->value = value;
    sample->timestamp = b->time_ms;
    Sample **samples = tel_arena_alloc(&b->arena, sizeof *samples);
    samples[0] = sample;
    TimeSeries *ts = tel_arena_alloc(&b->arena, sizeof *ts);
    prometheus__time_series__init(ts);
    ts->n_labels = n;
    ts->labels = labels;
    ts->n_samples = 1;
    ts->samples = samples;
    if (b->count == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->series = xrealloc(b->series, b->cap * sizeof *b->series);
    }
    b->series[b->count++] = ts;
}

/* The shortest form Prometheus itself writes: "1048576", "0.01", "+Inf". */
static void format_bound(double v, char *out, size_t size)
{
    if (v == (double)(long long)v) snprintf(out, size, "%lld", (long long)v);
    else snprintf(out, size, "%g", v);
}

static void add_histogram(struct builder *b, const struct tel_series *s)
{
    char name[160], le[32];
    uint64_t cumulative = 0;
    for (int i = 0; i <= s->def->bound_count; i++) {
        cumulative += s->buckets[i];
        if (i < s->def->bound_count) format_bound(s->def->bounds[i], le, sizeof le);
        else snprintf(le, sizeof le, "+Inf");
        snprintf(name, sizeof name, "%s_bucket", s->def->prom_name);
        add_series(b, s, name, le, (double)cumulative);
    }
    snprintf(name, sizeof name, "%s_sum", s->def->prom_name);
    add_series(b, s, name, NULL, s->sum);
    snprintf(name, sizeof name, "%s_count", s->def->prom_name);
    add_series(b, s, name, NULL, (double)s->count);
}

char *remote_write_message(const struct tel_metrics_view *view, const char *job,
                           const char *instance, size_t *len)
{
    struct builder b = { .time_ms = (int64_t)(view->now_ns / 1000000), .job = job, .instance = instance };
    for (size_t i = 0; i < view->count; i++) {
        const struct tel_series *s = &view->series[i];
        if (s->def->histogram) add_histogram(&b, s);
        else add_series(&b, s, s->def->prom_name, NULL, s->sum);
    }
    Prometheus__WriteRequest req = PROMETHEUS__WRITE_REQUEST__INIT;
    req.n_timeseries = b.count;
    req.timeseries = b.series;
    *len = prometheus__write_request__get_packed_size(&req);
    char *out = xmalloc(*len ? *len : 1);
    prometheus__write_request__pack(&req, (uint8_t *)out);
    free(b.series);
    tel_arena_free(&b.arena);
    return out;
}

char *remote_write_body(const struct tel_metrics_view *view, const char *job, const char *instance,
                        size_t *len)
{
    size_t raw_len;
    char *raw = remote_write_message(view, job, instance, &raw_len);
    char *body = snappy_encode_literal(raw, raw_len, len);
    free(raw);
    return body;
}
