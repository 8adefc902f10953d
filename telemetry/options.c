/* Telemetry options from the environment (see options.h), following the OTLP
 * exporter specification: a base endpoint gets /v1/traces and /v1/metrics appended,
 * a signal's own endpoint is used as is, headers are comma-separated key=value pairs
 * with percent-encoded values. */
#include "telemetry/options.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void telemetry_options_defaults(struct telemetry_options *o)
{
    memset(o, 0, sizeof *o);
    o->protocol = TEL_PROTOCOL_PROTOBUF;
    o->timeout_ms = 10000;
    o->service_name = xstrdup("switchboard");
    o->metric_interval_ms = 60000;
    o->span_delay_ms = 5000;
    o->max_queue = 2048;
    o->max_batch = 512;
    o->flush_deadline_ms = 1000;
}

static void strv_free_secret(char **v)
{
    for (size_t i = 0; v && v[i]; i++) xfree_secret(v[i]);
    free(v);
}

void telemetry_options_free(struct telemetry_options *o)
{
    free(o->traces_url);
    free(o->metrics_url);
    strv_free_secret(o->headers);
    free(o->service_name);
    xstrv_free(o->resource_attributes);
    free(o->remote_write_url);
    strv_free_secret(o->remote_write_headers);
    free(o->workspace_name);
    xstrv_free(o->insecure_hosts);
    free(o->status_path);
    memset(o, 0, sizeof *o);
}

static char *join_url(const char *base, const char *path)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/') n--;
    return xasprintf("%.*s%s", (int)n, base, path);
}

void telemetry_options_set_endpoint(struct telemetry_options *o, const char *base)
{
    free(o->traces_url);
    free(o->metrics_url);
    o->traces_url = join_url(base, "/v1/traces");
    o->metrics_url = join_url(base, "/v1/metrics");
}

int telemetry_protocol_parse(const char *name)
{
    if (strcmp(name, "http/protobuf") == 0) return TEL_PROTOCOL_PROTOBUF;
    if (strcmp(name, "http/json") == 0) return TEL_PROTOCOL_JSON;
    return -1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Trimmed, percent-decoded copy of [s, s+n). */
static char *decode(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) { s++; n--; }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            *o++ = (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

char **telemetry_parse_pairs(const char *list, const char *sep)
{
    size_t cap = 1;
    for (const char *p = list; *p; p++) cap += *p == ',';
    char **out = xcalloc(cap + 1, sizeof *out);
    size_t n = 0;
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        char *key = eq ? decode(p, (size_t)(eq - p)) : NULL;
        if (!eq || !*key) {
            bool blank = true;
            for (const char *q = p; q < end; q++) blank &= isspace((unsigned char)*q) != 0;
            free(key);
            if (blank) { p = *end ? end + 1 : end; continue; }
            strv_free_secret(out);
            return NULL;
        }
        char *value = decode(eq + 1, (size_t)(end - eq - 1));
        out[n++] = xasprintf("%s%s%s", key, sep, value);
        xfree_secret(value);
        free(key);
        p = *end ? end + 1 : end;
    }
    return out;
}

static long env_long(tel_getenv_fn get, const char *name, long fallback)
{
    const char *v = get(name);
    if (!v || !*v) return fallback;
    char *end;
    long n = strtol(v, &end, 10);
    return *end == '\0' && n > 0 ? n : fallback;
}

static const char *plain_getenv(const char *name) { return getenv(name); }

void telemetry_register_secrets(char **headers)
{
    for (size_t i = 0; headers && headers[i]; i++) {
        const char *value = strstr(headers[i], ": ");
        if (value) log_add_secret(value + 2);
    }
}

int telemetry_options_from_env(struct telemetry_options *o, tel_getenv_fn get, char *err,
                               size_t errlen)
{
    if (!get) get = plain_getenv;
    const char *v;
    if ((v = get("OTEL_SDK_DISABLED")) && strcasecmp(v, "true") == 0) o->disabled = true;
    if ((v = get("OTEL_EXPORTER_OTLP_ENDPOINT")) && *v) telemetry_options_set_endpoint(o, v);
    if ((v = get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) && *v) { free(o->traces_url); o->traces_url = xstrdup(v); }
    if ((v = get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")) && *v) { free(o->metrics_url); o->metrics_url = xstrdup(v); }
    /* "none" turns one signal off, as in the SDKs. */
    if ((v = get("OTEL_TRACES_EXPORTER")) && strcmp(v, "none") == 0) { free(o->traces_url); o->traces_url = NULL; }
    if ((v = get("OTEL_METRICS_EXPORTER")) && strcmp(v, "none") == 0) { free(o->metrics_url); o->metrics_url = NULL; }
    if ((v = get("OTEL_EXPORTER_OTLP_PROTOCOL")) && *v) {
        int p = telemetry_protocol_parse(v);
        if (p < 0) {
            snprintf(err, errlen, "OTEL_EXPORTER_OTLP_PROTOCOL=%s is not supported (use http/protobuf or http/json)", v);
            return -1;
        }
        o->protocol = (enum tel_protocol)p;
    }
    if ((v = get("OTEL_EXPORTER_OTLP_HEADERS")) && *v) {
        char **h = telemetry_parse_pairs(v, ": ");
        if (!h) {
            snprintf(err, errlen, "OTEL_EXPORTER_OTLP_HEADERS is not a list of key=value pairs");
            return -1;
        }
        strv_free_secret(o->headers);
        o->headers = h;
        telemetry_register_secrets(h);
    }
    if ((v = get("OTEL_SERVICE_NAME")) && *v) { free(o->service_name); o->service_name = xstrdup(v); }
    if ((v = get("OTEL_RESOURCE_ATTRIBUTES")) && *v) {
        char **a = telemetry_parse_pairs(v, "=");
        if (!a) {
            snprintf(err, errlen, "OTEL_RESOURCE_ATTRIBUTES is not a list of key=value pairs");
            return -1;
        }
        xstrv_free(o->resource_attributes);
        o->resource_attributes = a;
    }
    o->timeout_ms = env_long(get, "OTEL_EXPORTER_OTLP_TIMEOUT", o->timeout_ms);
    o->metric_interval_ms = env_long(get, "OTEL_METRIC_EXPORT_INTERVAL", o->metric_interval_ms);
    o->span_delay_ms = env_long(get, "OTEL_BSP_SCHEDULE_DELAY", o->span_delay_ms);
    o->max_queue = (int)env_long(get, "OTEL_BSP_MAX_QUEUE_SIZE", o->max_queue);
    o->max_batch = (int)env_long(get, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", o->max_batch);
    return 0;
}

bool telemetry_options_active(const struct telemetry_options *o)
{
    return !o->disabled && (o->traces_url || o->metrics_url || o->remote_write_url);
}
