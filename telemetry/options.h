/* What telemetry exports and where: the standard OTEL_* environment variables, over
 * which the configuration file's "telemetry" section is laid (telemetry/setup.c).
 * Never from editor settings: a workspace must not be able to redirect telemetry.
 * Telemetry is off unless a destination is configured.
 *
 * Headers are secrets (vendors put API keys in them): they are registered with the
 * log's masking, never printed by `check` and never logged. */
#ifndef TELEMETRY_OPTIONS_H
#define TELEMETRY_OPTIONS_H
#include <stdbool.h>
#include <stddef.h>

enum tel_protocol { TEL_PROTOCOL_PROTOBUF = 0, TEL_PROTOCOL_JSON };

struct telemetry_options {
    bool disabled;                  /* OTEL_SDK_DISABLED=true or "enabled": false */
    char *traces_url;               /* full URLs; NULL = that signal is not exported */
    char *metrics_url;
    enum tel_protocol protocol;     /* default http/protobuf, the OTLP default */
    char **headers;                 /* "Name: value", NULL-terminated */
    long timeout_ms;                /* per export request; default 10000 */
    char *service_name;             /* default "switchboard" */
    char **resource_attributes;     /* "key=value", NULL-terminated */
    long metric_interval_ms;        /* default 60000 */
    long span_delay_ms;             /* default 5000 */
    int max_queue;                  /* spans waiting; default 2048 */
    int max_batch;                  /* spans per request; default 512 */
    long flush_deadline_ms;         /* shutdown flush; default 1000 */
    char *remote_write_url;         /* Prometheus remote write; NULL = off */
    char **remote_write_headers;
    long remote_write_interval_ms;  /* default: metric_interval_ms */
    bool export_paths;              /* file paths on spans: opt-in, default false */
    bool export_workspace_name;     /* workspace name on the resource: opt-in */
    char *workspace_name;           /* set by the caller when export_workspace_name */
    char **insecure_hosts;          /* plain http allowed to these besides loopback */
    char *status_path;              /* the session's counters are written here at exit
                                       (for `check`); NULL = nowhere */
};

typedef const char *(*tel_getenv_fn)(const char *name);

void telemetry_options_defaults(struct telemetry_options *o);
/* Applies the OTEL_* variables read through getenv_fn (NULL = getenv). Returns 0, or
 * -1 with a message (e.g. an unsupported protocol). */
int telemetry_options_from_env(struct telemetry_options *o, tel_getenv_fn getenv_fn, char *err,
                               size_t errlen);
/* OTLP base endpoint: sets both signal URLs to BASE/v1/traces and BASE/v1/metrics. */
void telemetry_options_set_endpoint(struct telemetry_options *o, const char *base);
/* "http/protobuf" | "http/json"; -1 for anything else ("grpc" is not supported). */
int telemetry_protocol_parse(const char *name);
/* Parses "k=v,k2=v2" (values percent-decoded, blanks trimmed) into a NULL-terminated
 * list joined with sep ("k: v" for headers, "k=v" for attributes). NULL on a malformed
 * list. */
char **telemetry_parse_pairs(const char *list, const char *sep);
/* Masks every header value in the logs (base/log.h). */
void telemetry_register_secrets(char **headers);
/* Whether anything would be exported. */
bool telemetry_options_active(const struct telemetry_options *o);
void telemetry_options_free(struct telemetry_options *o);

#endif
