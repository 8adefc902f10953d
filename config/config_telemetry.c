/* The "telemetry" section of the configuration file (struct telemetry_config in
 * config.h): OTLP destinations, protocol, headers, intervals, opt-ins, and Prometheus
 * remote write. Header values are secrets whatever their names: they are registered
 * with the log's masking here, at parse time, before anything could log them. */
#include "config/config_internal.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

void cfg_free_telemetry(struct telemetry_config *t)
{
    free(t->endpoint);
    free(t->traces_endpoint);
    free(t->metrics_endpoint);
    for (size_t i = 0; t->headers && t->headers[i]; i++) xfree_secret(t->headers[i]);
    free(t->headers);
    free(t->service_name);
    cfg_free_strv(t->resource_attributes);
    free(t->remote_write_url);
    for (size_t i = 0; t->remote_write_headers && t->remote_write_headers[i]; i++)
        xfree_secret(t->remote_write_headers[i]);
    free(t->remote_write_headers);
}

/* An object of strings into "name<sep>value" lines. */
static int string_map(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                      const char *sep, bool secret, char ***out)
{
    const cJSON *map = NULL;
    if (cfg_get_object(c, obj, key, path, &map) < 0) return -1;
    char mp[CFG_PATH_MAX], vp[CFG_PATH_MAX];
    cfg_path_key(mp, path, key);
    for (const cJSON *h = map ? map->child : NULL; h; h = h->next) {
        cfg_path_key(vp, mp, h->string);
        if (!cJSON_IsString(h)) {
            cfg_error(c, vp, "expected a string, got %s", cfg_type_name(h));
            return -1;
        }
        if (!*h->string || strpbrk(h->string, ":= \t\r\n") || strpbrk(h->valuestring, "\r\n")) {
            cfg_error(c, vp, "invalid name or value");
            return -1;
        }
        if (secret) log_add_secret(h->valuestring);
        char *line = xasprintf("%s%s%s", h->string, sep, h->valuestring);
        cfg_strv_push(out, line);
        xfree_secret(line);
    }
    return 0;
}

static int parse_otlp(struct cfg_ctx *c, struct telemetry_config *t, const cJSON *section)
{
    static const char *const keys[] = {
        "endpoint", "traces_endpoint", "metrics_endpoint", "protocol", "headers", "timeout_ms", NULL,
    };
    static const char *const protocols[] = { "http/protobuf", "http/json", NULL };
    const char *p = "telemetry.otlp";
    const cJSON *o = NULL;
    if (cfg_get_object(c, section, "otlp", "telemetry", &o) < 0) return -1;
    if (!o) return 0;
    cfg_check_keys(c, o, p, keys);
    return cfg_get_string(c, o, "endpoint", p, &t->endpoint) < 0 ||
           cfg_get_string(c, o, "traces_endpoint", p, &t->traces_endpoint) < 0 ||
           cfg_get_string(c, o, "metrics_endpoint", p, &t->metrics_endpoint) < 0 ||
           cfg_get_enum(c, o, "protocol", p, protocols, &t->protocol) < 0 ||
           string_map(c, o, "headers", p, ": ", true, &t->headers) < 0 ||
           cfg_get_long(c, o, "timeout_ms", p, &t->timeout_ms, 1) < 0 ? -1 : 0;
}

static int parse_remote_write(struct cfg_ctx *c, struct telemetry_config *t, const cJSON *section)
{
    static const char *const keys[] = { "url", "headers", "interval_ms", NULL };
    const char *p = "telemetry.prometheus_remote_write";
    const cJSON *o = NULL;
    if (cfg_get_object(c, section, "prometheus_remote_write", "telemetry", &o) < 0) return -1;
    if (!o) return 0;
    cfg_check_keys(c, o, p, keys);
    return cfg_get_string(c, o, "url", p, &t->remote_write_url) < 0 ||
           string_map(c, o, "headers", p, ": ", true, &t->remote_write_headers) < 0 ||
           cfg_get_long(c, o, "interval_ms", p, &t->remote_write_interval_ms, 100) < 0 ? -1 : 0;
}

int cfg_parse_telemetry(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    static const char *const keys[] = {
        "enabled", "otlp", "prometheus_remote_write", "service_name", "resource_attributes",
        "metric_interval_ms", "span_delay_ms", "max_queue", "max_batch", "flush_deadline_ms",
        "export_paths", "export_workspace_name", NULL,
    };
    struct telemetry_config *t = &cfg->telemetry;
    const char *p = "telemetry";
    const cJSON *o = NULL;
    if (cfg_get_object(c, root, "telemetry", "", &o) < 0) return -1;
    if (!o) return 0;
    cfg_check_keys(c, o, p, keys);
    bool enabled = true;
    if (cJSON_GetObjectItemCaseSensitive(o, "enabled")) {
        if (cfg_get_bool(c, o, "enabled", p, &enabled) < 0) return -1;
        t->enabled = enabled;
    }
    return parse_otlp(c, t, o) < 0 || parse_remote_write(c, t, o) < 0 ||
           cfg_get_string(c, o, "service_name", p, &t->service_name) < 0 ||
           string_map(c, o, "resource_attributes", p, "=", false, &t->resource_attributes) < 0 ||
           cfg_get_long(c, o, "metric_interval_ms", p, &t->metric_interval_ms, 100) < 0 ||
           cfg_get_long(c, o, "span_delay_ms", p, &t->span_delay_ms, 10) < 0 ||
           cfg_get_int(c, o, "max_queue", p, &t->max_queue, 1) < 0 ||
           cfg_get_int(c, o, "max_batch", p, &t->max_batch, 1) < 0 ||
           cfg_get_long(c, o, "flush_deadline_ms", p, &t->flush_deadline_ms, 1) < 0 ||
           cfg_get_bool(c, o, "export_paths", p, &t->export_paths) < 0 ||
           cfg_get_bool(c, o, "export_workspace_name", p, &t->export_workspace_name) < 0 ? -1 : 0;
}
