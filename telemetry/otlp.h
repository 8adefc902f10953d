/* OTLP request bodies for /v1/traces and /v1/metrics, in both encodings of the
 * OTLP/HTTP spec: binary protobuf (http/protobuf, the default) and the proto3 JSON
 * mapping (http/json: lowerCamelCase names, ids as hex, 64-bit integers as strings,
 * enums as numbers). Pure transforms of telemetry/model.h: no I/O. Every function
 * returns a malloc'd body and its length; the caller frees. */
#ifndef TELEMETRY_OTLP_H
#define TELEMETRY_OTLP_H
#include "telemetry/model.h"

#define TEL_SCOPE_NAME "switchboard"

char *otlp_json_traces(const struct tel_resource *res, struct tel_span *const *spans, size_t n,
                       size_t *len);
char *otlp_json_metrics(const struct tel_resource *res, const struct tel_metrics_view *view,
                        size_t *len);
char *otlp_proto_traces(const struct tel_resource *res, struct tel_span *const *spans, size_t n,
                        size_t *len);
char *otlp_proto_metrics(const struct tel_resource *res, const struct tel_metrics_view *view,
                         size_t *len);

#endif
