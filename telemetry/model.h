/* The in-memory shapes every telemetry encoder reads: attributes, finished spans, the
 * resource, and the cumulative metric series. Encoders (OTLP JSON, OTLP protobuf,
 * Prometheus remote write) are pure transforms of these; nothing here does I/O.
 *
 * Ownership: an attribute key is always a string literal (the names are fixed by the
 * conventions), an attribute string value is owned by the attribute (tel_attrs_free). */
#ifndef TELEMETRY_MODEL_H
#define TELEMETRY_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tel_type { TEL_STR = 0, TEL_INT, TEL_DOUBLE, TEL_BOOL };

struct tel_attr {
    const char *key;
    enum tel_type type;
    union { char *s; int64_t i; double d; bool b; } v;
};

#define TEL_SPAN_ATTRS 28
#define TEL_RESOURCE_ATTRS 16
#define TEL_SERIES_ATTRS 6
#define TEL_MAX_BOUNDS 16

struct tel_attrs {
    struct tel_attr items[TEL_SPAN_ATTRS];
    int count;
};
/* Adders ignore NULL strings and a full list (the list is sized for the known set). */
void tel_attrs_str(struct tel_attrs *a, const char *key, const char *value);
void tel_attrs_int(struct tel_attrs *a, const char *key, int64_t value);
void tel_attrs_double(struct tel_attrs *a, const char *key, double value);
void tel_attrs_bool(struct tel_attrs *a, const char *key, bool value);
void tel_attrs_free(struct tel_attrs *a);

enum tel_span_kind { TEL_SPAN_INTERNAL = 1, TEL_SPAN_SERVER = 2, TEL_SPAN_CLIENT = 3 };
enum tel_status { TEL_STATUS_UNSET = 0, TEL_STATUS_OK = 1, TEL_STATUS_ERROR = 2 };

struct tel_span {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t parent_id[8];
    bool has_parent;
    char *name;
    enum tel_span_kind kind;
    uint64_t start_ns, end_ns;    /* Unix epoch nanoseconds */
    enum tel_status status;
    char *status_message;         /* error class only, never a provider's body */
    struct tel_attrs attrs;
};
void tel_span_free(struct tel_span *s);

/* service.name, service.version, service.instance.id, and what the user added. */
struct tel_resource {
    struct tel_attrs attrs;
};

/* One metric: fixed at compile time (telemetry/metrics.c lists them). */
struct tel_metric_def {
    const char *name;             /* OTLP name, e.g. "gen_ai.client.token.usage" */
    const char *description;
    const char *unit;
    bool histogram;               /* else a monotonic sum */
    const double *bounds;         /* histogram bucket upper bounds */
    int bound_count;
    const char *prom_name;        /* Prometheus base name, e.g. "gen_ai_client_token_usage" */
};

/* One time series of a metric: its attribute values and cumulative state. */
struct tel_series {
    const struct tel_metric_def *def;
    const char *keys[TEL_SERIES_ATTRS];
    char *values[TEL_SERIES_ATTRS];
    int attr_count;
    double sum;                   /* sum: the counter; histogram: sum of observations */
    uint64_t count;               /* histogram observations */
    uint64_t buckets[TEL_MAX_BOUNDS + 1];
};

/* A consistent view of all series for one export. */
struct tel_metrics_view {
    const struct tel_series *series;
    size_t count;
    uint64_t start_ns;            /* cumulative since the process started */
    uint64_t now_ns;
};

#endif
