/* The metrics switchboard exports and their cumulative aggregation. A series is one
 * metric with one set of attribute values; attributes are the low-cardinality ones
 * (task, model, provider, outcome, token type), so the series count stays small. It
 * is still capped: past the cap new series are dropped and counted, never grown. */
#ifndef TELEMETRY_METRICS_H
#define TELEMETRY_METRICS_H
#include "telemetry/model.h"

enum tel_metric_id {
    TEL_M_TOKEN_USAGE = 0,    /* gen_ai.client.token.usage, histogram {token} */
    TEL_M_DURATION,           /* gen_ai.client.operation.duration, histogram s */
    TEL_M_FIRST_TOKEN,        /* switchboard.first_token.duration, histogram s */
    TEL_M_COST,               /* switchboard.cost, sum USD */
    TEL_M_REQUESTS,           /* switchboard.requests, sum */
    TEL_M_SUGGESTIONS,        /* switchboard.suggestions, sum */
    TEL_M_COUNT
};

const struct tel_metric_def *tel_metric_def(enum tel_metric_id id);

struct tel_metrics;

struct tel_metrics *tel_metrics_new(uint64_t start_ns, size_t max_series);
void tel_metrics_free(struct tel_metrics *m);
/* Adds value to a sum, or observes it in a histogram. keys/values: n pairs; a NULL
 * value leaves that attribute out. */
void tel_metrics_record(struct tel_metrics *m, enum tel_metric_id id, const char *const *keys,
                        const char *const *values, int n, double value);
/* A view valid until the next record or free. */
void tel_metrics_view(const struct tel_metrics *m, uint64_t now_ns, struct tel_metrics_view *out);
long tel_metrics_dropped_series(const struct tel_metrics *m);

#endif
