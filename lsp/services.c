/* Services bridge (see services.h): the configuration, HTTP engine, ledger and router
 * the features use. Created after initialize, so initializationOptions can be merged
 * over the file. A bad configuration never widens where code goes: at start-up it is
 * reported once and the server serves nothing (config_refusing) until a reload applies
 * a valid one; on reload it is reported and the last good one stays. */
#include "lsp/services.h"
#include "lsp/server_internal.h"
#include "config/config.h"
#include "ledger/ledger.h"
#include "router/router.h"
#include "router/status.h"
#include "providers/http.h"
#include "telemetry/setup.h"
#include "telemetry/telemetry.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct services {
    char *config_file;     /* resolved path, NULL = zero-config defaults */
    struct telemetry *telemetry;   /* NULL when export is off (the default) */
    cJSON *settings;       /* the latest didChangeConfiguration settings, owned */
    char *last_model;      /* the model that answered last (status sent without one keeps it) */
    cJSON *status_fields;  /* features' own status fields (server_set_status_field), owned */
};

static struct services *services_of(struct server *srv)
{
    if (!srv->services) srv->services = xcalloc(1, sizeof *srv->services);
    return srv->services;
}

/* Settings from the editor are not trusted like the configuration file: a workspace's
 * own settings file (e.g. .vscode/settings.json in a cloned repository) reaches us this
 * way. They may not name a program to run (api_key_cmd), a file to write (ledger.path),
 * allow plain http to other hosts (allow_insecure, insecure_hosts), or say where a key
 * goes (a provider's base_url, api_key_env, headers): those are dropped with a warning
 * and only the configuration file can set them. Nor may they touch "telemetry" at all:
 * a repository must not be able to redirect (or switch on) export of the team's data. */
static void drop_key(cJSON *obj, const char *key, const char *where)
{
    if (!json_member(obj, key)) return;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    log_warn("editor settings: %s%s ignored (only the configuration file may set it)", where, key);
}

static void drop_untrusted(cJSON *overrides)
{
    cJSON *providers = cJSON_GetObjectItemCaseSensitive(overrides, "providers");
    cJSON *p;
    if (!cJSON_IsObject(providers)) providers = NULL;
    cJSON_ArrayForEach(p, providers) {
        if (!cJSON_IsObject(p)) continue;
        char where[160];
        snprintf(where, sizeof where, "providers.%.100s.", p->string ? p->string : "?");
        drop_key(p, "api_key_cmd", where);
        drop_key(p, "allow_insecure", where);
        /* Where a key is sent and which key: otherwise a workspace could point a real
         * key variable at a host of its own choosing. */
        drop_key(p, "base_url", where);
        drop_key(p, "api_key_env", where);
        drop_key(p, "headers", where);
    }
    cJSON *ledger = cJSON_GetObjectItemCaseSensitive(overrides, "ledger");
    if (cJSON_IsObject(ledger)) drop_key(ledger, "path", "ledger.");
    drop_key(overrides, "insecure_hosts", "");
    /* Where code may go: a repository's settings must not lift privacy.local_only, nor
     * switch secret redaction off (switching it on is fine). Their privacy.exclude
     * patterns are added to the file's (config.c), never replace them. */
    cJSON *privacy = cJSON_GetObjectItemCaseSensitive(overrides, "privacy");
    if (cJSON_IsObject(privacy)) {
        drop_key(privacy, "local_only", "privacy.");
        if (cJSON_IsFalse(json_member(privacy, "redact_secrets")))
            drop_key(privacy, "redact_secrets", "privacy.");
    }
    drop_key(overrides, "telemetry", "");
}

/* initializationOptions with the latest settings deep-merged over them, minus what the
 * editor may not set (caller frees). */
static cJSON *effective_overrides(struct server *srv, const cJSON *settings)
{
    const cJSON *init = server_initialization_options(srv);
    cJSON *merged = init && cJSON_IsObject(init) ? cJSON_Duplicate(init, 1) : cJSON_CreateObject();
    if (settings && cJSON_IsObject(settings)) json_deep_merge(merged, settings);
    drop_untrusted(merged);
    return merged;
}

static void report_warnings(struct server *srv, const struct config *cfg)
{
    for (size_t i = 0; cfg->warnings && cfg->warnings[i]; i++) log_warn("config: %s", cfg->warnings[i]);
    if (cfg->model_count == 0 && !cfg->refusal)
        server_show_message(srv, 2, "switchboard: %s", config_setup_hint());
}

/* Off unless OTEL_* or the file's "telemetry" section names a destination. A bad
 * telemetry setting never stops the server: it runs without export and says why. */
static void start_telemetry(struct server *srv, struct services *svc, const struct config *cfg)
{
    struct telemetry_options o;
    char err[512] = "";
    const char *root = server_root_path(srv);
    const char *workspace = root ? strrchr(root, '/') : NULL;
    workspace = workspace && workspace[1] ? workspace + 1 : root;
    if (telemetry_options_resolve(&o, cfg, NULL, workspace, err, sizeof err) == 0)
        svc->telemetry = telemetry_new(srv->loop, &o, err, sizeof err);
    if (!svc->telemetry && err[0]) {
        log_error("telemetry disabled: %s", err);
        server_show_message(srv, 2, "switchboard: telemetry export disabled: %s", err);
    }
    telemetry_options_free(&o);
    router_set_telemetry(srv->router, svc->telemetry);
}

int services_start(struct server *srv)
{
    struct services *svc = services_of(srv);
    char err[1024] = "";
    svc->config_file = config_find_path(server_config_path(srv));
    log_debug("configuration file: %s", svc->config_file ? svc->config_file : "(none: zero-config defaults)");
    cJSON *overrides = effective_overrides(srv, NULL);
    struct config *cfg = config_load(svc->config_file, overrides, err, sizeof err);
    cJSON_Delete(overrides);
    if (!cfg) {
        /* Not the zero-config defaults: they would send code to whatever keys the
         * environment holds, places a (say, local-only) file never named. */
        log_error("configuration not applied: %s", err);
        server_show_message(srv, 1, "switchboard: configuration not applied, nothing is sent to any "
                            "model until it is fixed and reloaded: %s", err);
        cfg = config_refusing(svc->config_file, err);
    }
    report_warnings(srv, cfg);
    srv->config = cfg;

    struct http_engine_options http_opts = { .insecure_hosts = (const char *const *)cfg->insecure_hosts };
    srv->http = http_engine_new(srv->loop, &http_opts);
    srv->ledger = ledger_open(srv->loop, cfg->ledger_path, cfg->ledger_max_bytes, cfg->ledger_keep,
                              err, sizeof err);
    if (!srv->ledger) {
        log_error("ledger disabled: %s", err);
        server_show_message(srv, 2, "switchboard: cost ledger disabled: %s", err);
    }
    srv->router = router_new(srv->loop, srv->http, srv->ledger, cfg);
    router_learn(srv->router, true);   /* off the loop: the first answer does not wait */
    start_telemetry(srv, svc, cfg);
    /* No connection warming here: the inline feature does it once, at its init,
     * when inline completion is enabled (the only task a cold connection hurts). */
    log_info("services up: %zu models, %zu routes (config: %s)", cfg->model_count, cfg->route_count,
             cfg->source ? cfg->source : "defaults");
    return 0;
}

void services_stop(struct server *srv)
{
    /* Router first (it cancels transfers and writes their ledger lines), then the
     * ledger (flushes), then the engine (closes its handles while the loop runs). */
    if (srv->router) router_free(srv->router);
    /* After the router (its cancelled runs are the last spans); flushes within its
     * short deadline on its own engine, then frees. */
    if (srv->services) {
        telemetry_close(srv->services->telemetry);
        srv->services->telemetry = NULL;
    }
    if (srv->ledger) ledger_close(srv->ledger);
    if (srv->http) http_engine_free(srv->http);
    if (srv->config) config_unref(srv->config);
    srv->router = NULL;
    srv->ledger = NULL;
    srv->http = NULL;
    srv->config = NULL;
    if (srv->services) {
        free(srv->services->config_file);
        cJSON_Delete(srv->services->settings);
        free(srv->services->last_model);
        cJSON_Delete(srv->services->status_fields);
        free(srv->services);
        srv->services = NULL;
    }
}

static bool same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A reload that changes ledger.path, max_bytes or keep opens the new ledger and writes
 * there from then on; if it cannot be opened the old one stays and the user is told. */
static void reopen_ledger_if_changed(struct server *srv, const struct config *old, struct config *cfg)
{
    if (old && same_string(old->ledger_path, cfg->ledger_path) &&
        old->ledger_max_bytes == cfg->ledger_max_bytes && old->ledger_keep == cfg->ledger_keep)
        return;
    char err[1024] = "";
    struct ledger *fresh = ledger_open(srv->loop, cfg->ledger_path, cfg->ledger_max_bytes,
                                       cfg->ledger_keep, err, sizeof err);
    if (!fresh) {
        log_error("ledger settings not applied: %s", err);
        server_show_message(srv, 2, "switchboard: ledger settings not applied, %s: %s",
                            srv->ledger ? "still writing to the previous ledger" : "no ledger", err);
        return;
    }
    router_set_ledger(srv->router, fresh);
    if (srv->ledger) ledger_close(srv->ledger);   /* flushes its queued lines first */
    srv->ledger = fresh;
    log_info("ledger: now %s", cfg->ledger_path ? cfg->ledger_path : "the default path");
}

int services_reload(struct server *srv, const cJSON *settings, char *err, size_t err_size)
{
    struct services *svc = services_of(srv);
    if (!srv->router) {
        snprintf(err, err_size, "the server is not initialized");
        return -1;
    }
    /* NULL settings (switchboard.reloadConfig) keep the editor's latest settings. */
    if (settings) {
        cJSON_Delete(svc->settings);
        svc->settings = cJSON_Duplicate(settings, 1);
    }
    cJSON *overrides = effective_overrides(srv, svc->settings);
    struct config *cfg = config_load(svc->config_file, overrides, err, err_size);
    cJSON_Delete(overrides);
    if (!cfg) return -1;
    report_warnings(srv, cfg);
    router_set_config(srv->router, cfg);
    http_engine_set_insecure_hosts(srv->http, (const char *const *)cfg->insecure_hosts);
    reopen_ledger_if_changed(srv, srv->config, cfg);
    config_unref(srv->config);
    srv->config = cfg;
    return 0;
}

const char *services_refusal(struct server *srv)
{
    return srv->config ? srv->config->refusal : NULL;
}

cJSON *services_status(struct server *srv, const char *last_model)
{
    struct services *svc = services_of(srv);
    if (last_model) {
        free(svc->last_model);
        svc->last_model = xstrdup(last_model);
    }
    int in_flight = srv->router ? router_in_flight(srv->router) : 0;
    cJSON *breakers = srv->router ? router_breaker_states(srv->router) : NULL;
    cJSON *status = status_payload(srv->ledger, svc->last_model, in_flight, breakers, clock_wall_ms());
    struct telemetry *t = srv->services ? srv->services->telemetry : NULL;
    if (t) {   /* drops are visible where the user looks: the status line's payload */
        struct telemetry_counters c;
        telemetry_counters(t, &c);
        cJSON *o = cJSON_AddObjectToObject(status, "telemetry");
        cJSON_AddNumberToObject(o, "batches_sent", (double)c.batches_sent);
        cJSON_AddNumberToObject(o, "batches_dropped", (double)c.batches_dropped);
        cJSON_AddNumberToObject(o, "spans_dropped", (double)c.spans_dropped);
        cJSON_AddNumberToObject(o, "retries", (double)c.retries);
    }
    cJSON_AddItemToObject(status, "pins", srv->router ? router_pins_json(srv->router) : cJSON_CreateArray());
    cJSON *field;
    cJSON_ArrayForEach(field, svc->status_fields)
        cJSON_AddItemToObject(status, field->string, cJSON_Duplicate(field, 1));
    return status;
}

void server_set_status_field(struct server *srv, const char *key, cJSON *value)
{
    struct services *svc = services_of(srv);
    if (!svc->status_fields) svc->status_fields = cJSON_CreateObject();
    if (cJSON_GetObjectItemCaseSensitive(svc->status_fields, key))
        cJSON_ReplaceItemInObjectCaseSensitive(svc->status_fields, key, value);
    else
        cJSON_AddItemToObject(svc->status_fields, key, value);
}

struct telemetry *services_telemetry(struct server *srv)
{
    return srv->services ? srv->services->telemetry : NULL;
}
