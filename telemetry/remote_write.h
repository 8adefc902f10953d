/* Prometheus remote write 1.0 body: the metric series as a protobuf WriteRequest,
 * snappy-compressed. Names in Prometheus form (gen_ai_client_token_usage_bucket /
 * _sum / _count, switchboard_cost_usd_total, ...), attribute names with dots turned
 * into underscores, histograms as cumulative le buckets, plus job (service.name) and
 * instance (service.instance.id) labels as Prometheus's own OTLP translation does.
 * Pure transform; no I/O. */
#ifndef TELEMETRY_REMOTE_WRITE_H
#define TELEMETRY_REMOTE_WRITE_H
#include "telemetry/model.h"

/* Returns the compressed body (malloc'd) and its length. job/instance may be NULL. */
char *remote_write_body(const struct tel_metrics_view *view, const char *job, const char *instance,
                        size_t *len);
/* The uncompressed WriteRequest, for tests. */
char *remote_write_message(const struct tel_metrics_view *view, const char *job,
                           const char *instance, size_t *len);

#endif
