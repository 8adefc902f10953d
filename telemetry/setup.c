/* Environment + configuration file into telemetry options (see setup.h). */
#include "telemetry/setup.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

static void replace(char **dst, const char *src)
{
    if (!src) return;
    free(*dst);
    *dst = xstrdup(src);
}

static void replace_strv(char ***dst, char **src, bool secret)
{
    if (!src) return;
    for (size_t i = 0; *dst && (*dst)[i]; i++) {
        if (secret) xfree_secret((*dst)[i]);
        else free((*dst)[i]);
    }
    free(*dst);
    size_t n = 0;
    while (src[n]) n++;
    *dst = xcalloc(n + 1, sizeof **dst);
    for (size_t i = 0; i < n; i++) (*dst)[i] = xstrdup(src[i]);
}

static void apply_file(struct telemetry_options *o, const struct telemetry_config *t)
{
    if (t->enabled == 0) o->disabled = true;
    if (t->endpoint) telemetry_options_set_endpoint(o, t->endpoint);
    replace(&o->traces_url, t->traces_endpoint);
    replace(&o->metrics_url, t->metrics_endpoint);
    if (t->protocol >= 0) o->protocol = (enum tel_protocol)t->protocol;
    replace_strv(&o->headers, t->headers, true);
    if (t->timeout_ms > 0) o->timeout_ms = t->timeout_ms;
    replace(&o->service_name, t->service_name);
    replace_strv(&o->resource_attributes, t->resource_attributes, false);
    if (t->metric_interval_ms > 0) o->metric_interval_ms = t->metric_interval_ms;
    if (t->span_delay_ms > 0) o->span_delay_ms = t->span_delay_ms;
    if (t->max_queue > 0) o->max_queue = t->max_queue;
    if (t->max_batch > 0) o->max_batch = t->max_batch;
    if (t->flush_deadline_ms > 0) o->flush_deadline_ms = t->flush_deadline_ms;
    o->export_paths = t->export_paths;
    o->export_workspace_name = t->export_workspace_name;
    replace(&o->remote_write_url, t->remote_write_url);
    replace_strv(&o->remote_write_headers, t->remote_write_headers, true);
    if (t->remote_write_interval_ms > 0) o->remote_write_interval_ms = t->remote_write_interval_ms;
}

char *telemetry_status_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    if (state && *state) return xasprintf("%s/switchboard/telemetry-status.json", state);
    const char *home = getenv("HOME");
    return xasprintf("%s/.local/state/switchboard/telemetry-status.json", home && *home ? home : ".");
}

int telemetry_options_resolve(struct telemetry_options *o, const struct config *cfg,
                              tel_getenv_fn getenv_fn, const char *workspace_name, char *err,
                              size_t errlen)
{
    telemetry_options_defaults(o);
    if (telemetry_options_from_env(o, getenv_fn, err, errlen) < 0) {
        o->disabled = true;
        return -1;
    }
    if (cfg) {
        apply_file(o, &cfg->telemetry);
        replace_strv(&o->insecure_hosts, cfg->insecure_hosts, false);
    }
    if (o->export_workspace_name) replace(&o->workspace_name, workspace_name);
    o->status_path = telemetry_status_path();
    return 0;
}
