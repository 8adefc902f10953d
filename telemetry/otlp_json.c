/* OTLP http/json bodies (see otlp.h), built with cJSON. 64-bit integers go out as
 * decimal strings, as the proto3 JSON mapping requires (JSON numbers lose precision
 * past 2^53, and nanosecond timestamps are past it). */
#include "telemetry/otlp.h"
#include "telemetry/ids.h"
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void add_u64(cJSON *o, const char *key, uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%" PRIu64, v);
    cJSON_AddStringToObject(o, key, s);
}

static cJSON *any_value(const struct tel_attr *a)
{
    cJSON *v = cJSON_CreateObject();
    char s[24];
    switch (a->type) {
    case TEL_STR: cJSON_AddStringToObject(v, "stringValue", a->v.s); break;
    case TEL_BOOL: cJSON_AddBoolToObject(v, "boolValue", a->v.b); break;
    case TEL_DOUBLE: cJSON_AddNumberToObject(v, "doubleValue", a->v.d); break;
    case TEL_INT:
        snprintf(s, sizeof s, "%" PRId64, a->v.i);
        cJSON_AddStringToObject(v, "intValue", s);
        break;
    }
    return v;
}

static cJSON *key_value(const char *key, cJSON *value)
{
    cJSON *kv = cJSON_CreateObject();
    cJSON_AddStringToObject(kv, "key", key);
    cJSON_AddItemToObject(kv, "value", value);
    return kv;
}

static cJSON *attributes(const struct tel_attrs *attrs)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < attrs->count; i++)
        cJSON_AddItemToArray(arr, key_value(attrs->items[i].key, any_value(&attrs->items[i])));
    return arr;
}

static cJSON *resource_and_scope(cJSON *outer, const struct tel_resource *res, const char *scopes_key)
{
    cJSON *resource = cJSON_CreateObject();
    cJSON_AddItemToObject(resource, "attributes", attributes(&res->attrs));
    cJSON_AddItemToObject(outer, "resource", resource);
    cJSON *scope_list = cJSON_AddArrayToObject(outer, scopes_key);
    cJSON *scoped = cJSON_CreateObject();
    cJSON *scope = cJSON_AddObjectToObject(scoped, "scope");
    cJSON_AddStringToObject(scope, "name", TEL_SCOPE_NAME);
    cJSON_AddStringToObject(scope, "version", SWITCHBOARD_VERSION);
    cJSON_AddItemToArray(scope_list, scoped);
    return scoped;
}

static char *finish(cJSON *root, size_t *len)
{
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    *len = strlen(text);
    return text;
}

static cJSON *span_json(const struct tel_span *s)
{
    char hex[33];
    cJSON *o = cJSON_CreateObject();
    tel_ids_hex(s->trace_id, 16, hex);
    cJSON_AddStringToObject(o, "traceId", hex);
    tel_ids_hex(s->span_id, 8, hex);
    cJSON_AddStringToObject(o, "spanId", hex);
    if (s->has_parent) {
        tel_ids_hex(s->parent_id, 8, hex);
        cJSON_AddStringToObject(o, "parentSpanId", hex);
    }
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddNumberToObject(o, "kind", s->kind);
    add_u64(o, "startTimeUnixNano", s->start_ns);
    add_u64(o, "endTimeUnixNano", s->end_ns);
    cJSON_AddItemToObject(o, "attributes", attributes(&s->attrs));
    cJSON *status = cJSON_AddObjectToObject(o, "status");
    if (s->status_message) cJSON_AddStringToObject(status, "message", s->status_message);
    cJSON_AddNumberToObject(status, "code", s->status);
    return o;
}

char *otlp_json_traces(const struct tel_resource *res, struct tel_span *const *spans, size_t n,
                       size_t *len)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *rs = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "resourceSpans"), rs);
    cJSON *scoped = resource_and_scope(rs, res, "scopeSpans");
    cJSON *list = cJSON_AddArrayToObject(scoped, "spans");
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(list, span_json(spans[i]));
    return finish(root, len);
}

static cJSON *series_attributes(const struct tel_series *s)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < s->attr_count; i++) {
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "stringValue", s->values[i]);
        cJSON_AddItemToArray(arr, key_value(s->keys[i], v));
    }
    return arr;
}

static cJSON *point_json(const struct tel_series *s, const struct tel_metrics_view *view)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "attributes", series_attributes(s));
    add_u64(p, "startTimeUnixNano", view->start_ns);
    add_u64(p, "timeUnixNano", view->now_ns);
    if (!s->def->histogram) {
        cJSON_AddNumberToObject(p, "asDouble", s->sum);
        return p;
    }
    add_u64(p, "count", s->count);
    cJSON_AddNumberToObject(p, "sum", s->sum);
    cJSON *buckets = cJSON_AddArrayToObject(p, "bucketCounts");
    char num[24];
    for (int b = 0; b <= s->def->bound_count; b++) {
        snprintf(num, sizeof num, "%" PRIu64, s->buckets[b]);
        cJSON_AddItemToArray(buckets, cJSON_CreateString(num));
    }
    cJSON_AddItemToObject(p, "explicitBounds", cJSON_CreateDoubleArray(s->def->bounds, s->def->bound_count));
    return p;
}

/* One Metric per definition that has series, its points in series order. */
static cJSON *metric_json(const struct tel_metric_def *def, const struct tel_metrics_view *view)
{
    cJSON *m = NULL, *points = NULL;
    for (size_t i = 0; i < view->count; i++) {
        if (view->series[i].def != def) continue;
        if (!m) {
            m = cJSON_CreateObject();
            cJSON_AddStringToObject(m, "name", def->name);
            cJSON_AddStringToObject(m, "description", def->description);
            cJSON_AddStringToObject(m, "unit", def->unit);
            cJSON *data = cJSON_AddObjectToObject(m, def->histogram ? "histogram" : "sum");
            points = cJSON_AddArrayToObject(data, "dataPoints");
            cJSON_AddNumberToObject(data, "aggregationTemporality", 2);   /* cumulative */
            if (!def->histogram) cJSON_AddBoolToObject(data, "isMonotonic", 1);
        }
        cJSON_AddItemToArray(points, point_json(&view->series[i], view));
    }
    return m;
}

char *otlp_json_metrics(const struct tel_resource *res, const struct tel_metrics_view *view,
                        size_t *len)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *rm = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "resourceMetrics"), rm);
    cJSON *scoped = resource_and_scope(rm, res, "scopeMetrics");
    cJSON *list = cJSON_AddArrayToObject(scoped, "metrics");
    /* Definitions in the order the series first appeared. */
    const struct tel_metric_def *seen[32];
    int nseen = 0;
    for (size_t i = 0; i < view->count; i++) {
        const struct tel_metric_def *def = view->series[i].def;
        int j = 0;
        while (j < nseen && seen[j] != def) j++;
        if (j < nseen || nseen == 32) continue;
        seen[nseen++] = def;
        cJSON_AddItemToArray(list, metric_json(def, view));
    }
    return finish(root, len);
}
