/* OTLP http/protobuf bodies (see otlp.h), packed by protobuf-c from messages
 * generated out of the .proto files in telemetry/proto (trimmed copies of opentelemetry-proto
 * with the upstream field numbers). The message tree borrows strings from the model
 * and lives in an arena until it is packed. */
#include "telemetry/otlp.h"
#include "telemetry/arena.h"
#include "base/xalloc.h"
#include "otlp_trace.pb-c.h"
#include "otlp_metrics.pb-c.h"
#include <string.h>

typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__Resource Resource;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope Scope;

#define NEW(arena, type, init) new_message(arena, sizeof(type), &(type)init)
static void *new_message(struct tel_arena *arena, size_t size, const void *init)
{
    void *m = tel_arena_alloc(arena, size);
    memcpy(m, init, size);
    return m;
}

static KeyValue *key_value(struct tel_arena *arena, const char *key)
{
    KeyValue *kv = NEW(arena, KeyValue, OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT);
    kv->key = (char *)key;
    kv->value = NEW(arena, AnyValue, OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT);
    return kv;
}

static KeyValue **attributes(struct tel_arena *arena, const struct tel_attrs *attrs)
{
    KeyValue **list = tel_arena_alloc(arena, (size_t)attrs->count * sizeof *list);
    for (int i = 0; i < attrs->count; i++) {
        const struct tel_attr *a = &attrs->items[i];
        KeyValue *kv = list[i] = key_value(arena, a->key);
        switch (a->type) {
        case TEL_STR:
            kv->value->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
            kv->value->string_value = a->v.s;
            break;
        case TEL_INT:
            kv->value->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
            kv->value->int_value = a->v.i;
            break;
        case TEL_DOUBLE:
            kv->value->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
            kv->value->double_value = a->v.d;
            break;
        case TEL_BOOL:
            kv->value->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
            kv->value->bool_value = a->v.b;
            break;
        }
    }
    return list;
}

static Resource *resource(struct tel_arena *arena, const struct tel_resource *res)
{
    Resource *r = NEW(arena, Resource, OPENTELEMETRY__PROTO__COMMON__V1__RESOURCE__INIT);
    r->n_attributes = (size_t)res->attrs.count;
    r->attributes = attributes(arena, &res->attrs);
    return r;
}

static Scope *scope(struct tel_arena *arena)
{
    Scope *s = NEW(arena, Scope, OPENTELEMETRY__PROTO__COMMON__V1__INSTRUMENTATION_SCOPE__INIT);
    s->name = (char *)TEL_SCOPE_NAME;
    s->version = (char *)SWITCHBOARD_VERSION;
    return s;
}

static char *pack(const ProtobufCMessage *msg, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(msg);
    char *out = xmalloc(*len ? *len : 1);
    protobuf_c_message_pack(msg, (uint8_t *)out);
    return out;
}

/* --- traces ---------------------------------------------------------------- */

typedef Opentelemetry__Proto__Trace__V1__Span Span;
typedef Opentelemetry__Proto__Trace__V1__Status Status;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans ScopeSpans;
typedef Opentelemetry__Proto__Trace__V1__ResourceSpans ResourceSpans;
typedef Opentelemetry__Proto__Trace__V1__ExportTraceServiceRequest TraceRequest;

static Span *span(struct tel_arena *arena, struct tel_span *s)
{
    Span *p = NEW(arena, Span, OPENTELEMETRY__PROTO__TRACE__V1__SPAN__INIT);
    p->trace_id = (ProtobufCBinaryData){ 16, s->trace_id };
    p->span_id = (ProtobufCBinaryData){ 8, s->span_id };
    if (s->has_parent) p->parent_span_id = (ProtobufCBinaryData){ 8, s->parent_id };
    p->name = s->name;
    p->kind = (Opentelemetry__Proto__Trace__V1__Span__SpanKind)s->kind;
    p->start_time_unix_nano = s->start_ns;
    p->end_time_unix_nano = s->end_ns;
    p->n_attributes = (size_t)s->attrs.count;
    p->attributes = attributes(arena, &s->attrs);
    p->status = NEW(arena, Status, OPENTELEMETRY__PROTO__TRACE__V1__STATUS__INIT);
    p->status->code = (Opentelemetry__Proto__Trace__V1__Status__StatusCode)s->status;
    if (s->status_message) p->status->message = s->status_message;
    return p;
}

char *otlp_proto_traces(const struct tel_resource *res, struct tel_span *const *spans, size_t n,
                        size_t *len)
{
    struct tel_arena arena = {0};
    ScopeSpans ss = OPENTELEMETRY__PROTO__TRACE__V1__SCOPE_SPANS__INIT;
    ss.scope = scope(&arena);
    ss.n_spans = n;
    ss.spans = tel_arena_alloc(&arena, n * sizeof *ss.spans);
    for (size_t i = 0; i < n; i++) ss.spans[i] = span(&arena, spans[i]);
    ScopeSpans *ssp = &ss;
    ResourceSpans rs = OPENTELEMETRY__PROTO__TRACE__V1__RESOURCE_SPANS__INIT;
    rs.resource = resource(&arena, res);
    rs.n_scope_spans = 1;
    rs.scope_spans = &ssp;
    ResourceSpans *rsp = &rs;
    TraceRequest req = OPENTELEMETRY__PROTO__TRACE__V1__EXPORT_TRACE_SERVICE_REQUEST__INIT;
    req.n_resource_spans = 1;
    req.resource_spans = &rsp;
    char *out = pack(&req.base, len);
    tel_arena_free(&arena);
    return out;
}

/* --- metrics --------------------------------------------------------------- */

typedef Opentelemetry__Proto__Metrics__V1__Metric Metric;
typedef Opentelemetry__Proto__Metrics__V1__Sum Sum;
typedef Opentelemetry__Proto__Metrics__V1__Histogram Histogram;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint NumberPoint;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint HistogramPoint;
typedef Opentelemetry__Proto__Metrics__V1__ScopeMetrics ScopeMetrics;
typedef Opentelemetry__Proto__Metrics__V1__ResourceMetrics ResourceMetrics;
typedef Opentelemetry__Proto__Metrics__V1__ExportMetricsServiceRequest MetricsRequest;
#define CUMULATIVE OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE

static KeyValue **series_attributes(struct tel_arena *arena, const struct tel_series *s)
{
    KeyValue **list = tel_arena_alloc(arena, (size_t)s->attr_count * sizeof *list);
    for (int i = 0; i < s->attr_count; i++) {
        list[i] = key_value(arena, s->keys[i]);
        list[i]->value->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
        list[i]->value->string_value = s->values[i];
    }
    return list;
}

static NumberPoint *number_point(struct tel_arena *arena, const struct tel_series *s,
                                 const struct tel_metrics_view *view)
{
    NumberPoint *p = NEW(arena, NumberPoint, OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__INIT);
    p->start_time_unix_nano = view->start_ns;
    p->time_unix_nano = view->now_ns;
    p->value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE;
    p->as_double = s->sum;
    p->n_attributes = (size_t)s->attr_count;
    p->attributes = series_attributes(arena, s);
    return p;
}

static HistogramPoint *histogram_point(struct tel_arena *arena, const struct tel_series *s,
                                       const struct tel_metrics_view *view)
{
    HistogramPoint *p = NEW(arena, HistogramPoint, OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__INIT);
    p->start_time_unix_nano = view->start_ns;
    p->time_unix_nano = view->now_ns;
    p->count = s->count;
    p->sum = s->sum;
    p->n_bucket_counts = (size_t)s->def->bound_count + 1;
    p->bucket_counts = (uint64_t *)s->buckets;
    p->n_explicit_bounds = (size_t)s->def->bound_count;
    p->explicit_bounds = (double *)s->def->bounds;
    p->n_attributes = (size_t)s->attr_count;
    p->attributes = series_attributes(arena, s);
    return p;
}

static Metric *metric(struct tel_arena *arena, const struct tel_metric_def *def,
                      const struct tel_metrics_view *view)
{
    size_t n = 0;
    for (size_t i = 0; i < view->count; i++) n += view->series[i].def == def;
    Metric *m = NEW(arena, Metric, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__INIT);
    m->name = (char *)def->name;
    m->description = (char *)def->description;
    m->unit = (char *)def->unit;
    void **points = tel_arena_alloc(arena, n * sizeof *points);
    size_t k = 0;
    for (size_t i = 0; i < view->count; i++) {
        if (view->series[i].def != def) continue;
        points[k++] = def->histogram ? (void *)histogram_point(arena, &view->series[i], view)
                                     : (void *)number_point(arena, &view->series[i], view);
    }
    if (def->histogram) {
        m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM;
        m->histogram = NEW(arena, Histogram, OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM__INIT);
        m->histogram->aggregation_temporality = CUMULATIVE;
        m->histogram->n_data_points = n;
        m->histogram->data_points = (HistogramPoint **)points;
    } else {
        m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM;
        m->sum = NEW(arena, Sum, OPENTELEMETRY__PROTO__METRICS__V1__SUM__INIT);
        m->sum->aggregation_temporality = CUMULATIVE;
        m->sum->is_monotonic = 1;
        m->sum->n_data_points = n;
        m->sum->data_points = (NumberPoint **)points;
    }
    return m;
}

char *otlp_proto_metrics(const struct tel_resource *res, const struct tel_metrics_view *view,
                         size_t *len)
{
    struct tel_arena arena = {0};
    ScopeMetrics sm = OPENTELEMETRY__PROTO__METRICS__V1__SCOPE_METRICS__INIT;
    sm.scope = scope(&arena);
    sm.metrics = tel_arena_alloc(&arena, 32 * sizeof *sm.metrics);
    const struct tel_metric_def *seen[32];
    for (size_t i = 0; i < view->count; i++) {
        const struct tel_metric_def *def = view->series[i].def;
        size_t j = 0;
        while (j < sm.n_metrics && seen[j] != def) j++;
        if (j < sm.n_metrics || sm.n_metrics == 32) continue;
        seen[sm.n_metrics] = def;
        sm.metrics[sm.n_metrics++] = metric(&arena, def, view);
    }
    ScopeMetrics *smp = &sm;
    ResourceMetrics rm = OPENTELEMETRY__PROTO__METRICS__V1__RESOURCE_METRICS__INIT;
    rm.resource = resource(&arena, res);
    rm.n_scope_metrics = 1;
    rm.scope_metrics = &smp;
    ResourceMetrics *rmp = &rm;
    MetricsRequest req = OPENTELEMETRY__PROTO__METRICS__V1__EXPORT_METRICS_SERVICE_REQUEST__INIT;
    req.n_resource_metrics = 1;
    req.resource_metrics = &rmp;
    char *out = pack(&req.base, len);
    tel_arena_free(&arena);
    return out;
}
