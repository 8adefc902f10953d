/* check --json (see check_json.h). Every finding carries a severity and, where the
 * loader or check knows one, the JSON path in the file, so an editor can point at the
 * place; the loader's messages are split back with config_message_split. */
#include "cli/check_json.h"
#include "config/config_message.h"
#include "providers/http_policy.h"
#include "providers/probe.h"
#include "telemetry/options.h"
#include "telemetry/setup.h"
#include "telemetry/telemetry.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_PROBE_MS 200

static cJSON *string_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *string_array(char *const *v)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; v && v[i]; i++) cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

static void add_finding(cJSON *findings, const char *severity, const char *path, const char *message)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "severity", severity);
    cJSON_AddItemToObject(f, "path", string_or_null(path));
    cJSON_AddStringToObject(f, "message", message);
    cJSON_AddItemToArray(findings, f);
}

/* A loader message as a finding: its path split off, its text without the file. */
static void add_loader_finding(cJSON *findings, const char *severity, const char *msg, const char *file)
{
    char *path = NULL;
    const char *text = config_message_split(msg, file, &path);
    add_finding(findings, severity, path, text);
    free(path);
}

/* The JSON path of providers.NAME, written as the loader writes paths. */
static char *provider_path(const char *name, const char *field)
{
    bool plain = *name != '\0';
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '$') plain = false;
    return plain ? xasprintf("providers.%s.%s", name, field)
                 : xasprintf("providers[\"%s\"].%s", name, field);
}

static cJSON *config_object(const struct check_source *src)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "path", string_or_null(src->path));
    cJSON_AddStringToObject(c, "source", src->found_by);
    return c;
}

static cJSON *provider_object(const struct provider_config *p, cJSON *findings)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "kind", p->kind);
    cJSON_AddStringToObject(o, "base_url", p->base_url);
    cJSON *key = cJSON_AddObjectToObject(o, "key");
    bool needed = p->api_key_env || p->api_key_cmd;
    cJSON_AddBoolToObject(key, "needed", needed);
    cJSON_AddBoolToObject(key, "present", p->api_key != NULL);
    /* The variable's name (or "api_key_cmd"), never the value. */
    const char *source = p->key_source ? p->key_source : p->api_key_env ? p->api_key_env
                       : p->api_key_cmd ? "api_key_cmd" : NULL;
    cJSON_AddItemToObject(key, "source", string_or_null(source));
    if (needed && !p->api_key) {
        char *path = provider_path(p->name, p->api_key_env ? "api_key_env" : "api_key_cmd");
        char *msg = p->api_key_env ? xasprintf("key missing: set %s", p->api_key_env)
                                   : xstrdup("api_key_cmd gave no key");
        add_finding(findings, "warning", path, msg);
        free(msg);
        free(path);
    }
    bool local = http_url_is_loopback(p->base_url);
    cJSON_AddBoolToObject(o, "local", local);
    if (local) {
        bool up = probe_url_reachable(p->base_url, CHECK_PROBE_MS);
        cJSON_AddBoolToObject(o, "reachable", up);
        if (!up) {
            char *path = provider_path(p->name, "base_url");
            char *msg = xasprintf("nothing answers at %s (is the %s server running?)", p->base_url, p->kind);
            add_finding(findings, "warning", path, msg);
            free(msg);
            free(path);
        }
    } else {
        cJSON_AddNullToObject(o, "reachable");   /* remote: never contacted by check */
    }
    if (p->max_concurrency) cJSON_AddNumberToObject(o, "max_concurrency", p->max_concurrency);
    return o;
}

static cJSON *model_object(const struct model_spec *m)
{
    static const char *const fim_names[] = { "auto", "native", "template", "chat" };
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", m->name);
    cJSON_AddStringToObject(o, "provider", m->provider_name);
    cJSON_AddStringToObject(o, "model", m->model);
    cJSON *price = cJSON_AddObjectToObject(o, "price");   /* USD per million tokens; null = unknown */
    if (m->price.input >= 0) cJSON_AddNumberToObject(price, "input", m->price.input);
    else cJSON_AddNullToObject(price, "input");
    if (m->price.output >= 0) cJSON_AddNumberToObject(price, "output", m->price.output);
    else cJSON_AddNullToObject(price, "output");
    if (m->context_window) cJSON_AddNumberToObject(o, "context_window", (double)m->context_window);
    else cJSON_AddNullToObject(o, "context_window");
    cJSON_AddStringToObject(o, "fim", (unsigned)m->fim < 4 ? fim_names[m->fim] : "?");
    cJSON_AddItemToObject(o, "fim_template", string_or_null(m->fim_template));
    return o;
}

static cJSON *when_object(const struct route_rule *r)
{
    cJSON *w = cJSON_CreateObject();
    if (r->task_mask) {
        cJSON *tasks = cJSON_AddArrayToObject(w, "task");
        for (int k = 0; k < TASK_KIND_COUNT; k++)
            if (r->task_mask & (1u << k)) cJSON_AddItemToArray(tasks, cJSON_CreateString(task_kind_name(k)));
    }
    if (r->trigger_mask == (1u << TRIGGER_AUTOMATIC)) cJSON_AddStringToObject(w, "trigger", "automatic");
    if (r->trigger_mask == (1u << TRIGGER_INVOKED)) cJSON_AddStringToObject(w, "trigger", "invoked");
    if (r->languages) cJSON_AddItemToObject(w, "language", string_array(r->languages));
    if (r->path_globs) cJSON_AddItemToObject(w, "path", string_array(r->path_globs));
    if (r->min_tokens) cJSON_AddNumberToObject(w, "min_tokens", (double)r->min_tokens);
    if (r->max_tokens) cJSON_AddNumberToObject(w, "max_tokens", (double)r->max_tokens);
    return w;
}

static cJSON *route_object(const struct config *cfg, const struct route_rule *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", r->label);
    cJSON_AddItemToObject(o, "when", when_object(r));
    cJSON *targets = cJSON_AddArrayToObject(o, "targets");
    for (size_t t = 0; t < r->target_count; t++)
        cJSON_AddItemToArray(targets, cJSON_CreateString(cfg->models[r->targets[t]].name));
    cJSON_AddStringToObject(o, "strategy", config_strategy_name(r->strategy));
    if (r->strategy == STRATEGY_SPLIT) {
        cJSON *weights = cJSON_AddArrayToObject(o, "weights");
        for (size_t t = 0; t < r->target_count; t++) cJSON_AddItemToArray(weights, cJSON_CreateNumber(r->weights[t]));
    }
    if (r->strategy == STRATEGY_HEDGE) cJSON_AddNumberToObject(o, "hedge_after_ms", (double)r->hedge_after_ms);
    if (r->strategy == STRATEGY_ADAPTIVE) {
        cJSON_AddNumberToObject(o, "quality_floor", r->quality_floor);
        cJSON_AddNumberToObject(o, "explore", r->explore);
        cJSON_AddNumberToObject(o, "min_observations", (double)r->min_observations);
    }
    return o;
}

static cJSON *budget_object(const struct budget_rule *b)
{
    static const char *const scopes[] = { "overall", "provider", "model" };
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scope", scopes[b->scope]);
    cJSON_AddItemToObject(o, "name", string_or_null(b->name));
    if (b->daily_usd) cJSON_AddNumberToObject(o, "daily_usd", b->daily_usd);
    if (b->monthly_usd) cJSON_AddNumberToObject(o, "monthly_usd", b->monthly_usd);
    cJSON_AddStringToObject(o, "action", b->action == BUDGET_BLOCK ? "block" : "downgrade");
    return o;
}

/* Where telemetry would go, as `check` says it in text: the destinations and protocol
 * (telemetry_describe), never a header. An option that cannot be used is a finding. */
static cJSON *telemetry_object(const struct config *cfg, cJSON *findings)
{
    struct telemetry_options o;
    char err[512] = "", line[1024];
    cJSON *t = cJSON_CreateObject();
    if (telemetry_options_resolve(&o, cfg, NULL, NULL, err, sizeof err) < 0) {
        cJSON_AddBoolToObject(t, "on", false);
        cJSON_AddStringToObject(t, "error", err);
        add_finding(findings, "error", "telemetry", err);
    } else {
        cJSON_AddBoolToObject(t, "on", telemetry_options_active(&o));
        cJSON_AddStringToObject(t, "description", telemetry_describe(&o, line, sizeof line));
    }
    telemetry_options_free(&o);
    return t;
}

static void print_and_free(cJSON *doc)
{
    char *text = cJSON_Print(doc);
    if (text) printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(doc);
}

void check_json_valid(const struct config *cfg, const struct check_source *src)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddBoolToObject(doc, "valid", true);
    cJSON_AddItemToObject(doc, "config", config_object(src));
    cJSON *findings = cJSON_CreateArray();
    const char *file = src->path ? src->path : "defaults";
    for (size_t i = 0; cfg->warnings[i]; i++) add_loader_finding(findings, "warning", cfg->warnings[i], file);
    cJSON *providers = cJSON_AddArrayToObject(doc, "providers");
    for (size_t i = 0; i < cfg->provider_count; i++)
        cJSON_AddItemToArray(providers, provider_object(&cfg->providers[i], findings));
    cJSON *models = cJSON_AddArrayToObject(doc, "models");
    for (size_t i = 0; i < cfg->model_count; i++) cJSON_AddItemToArray(models, model_object(&cfg->models[i]));
    cJSON_AddItemToObject(doc, "preset", string_or_null(cfg->preset));
    cJSON *routes = cJSON_AddArrayToObject(doc, "routes");
    for (size_t i = 0; i < cfg->route_count; i++) cJSON_AddItemToArray(routes, route_object(cfg, &cfg->routes[i]));
    cJSON *budgets = cJSON_AddArrayToObject(doc, "budgets");
    for (size_t i = 0; i < cfg->budget_count; i++) cJSON_AddItemToArray(budgets, budget_object(&cfg->budgets[i]));
    cJSON_AddItemToObject(doc, "telemetry", telemetry_object(cfg, findings));
    cJSON_AddItemToObject(doc, "findings", findings);
    print_and_free(doc);
}

void check_json_invalid(const struct check_source *src, const char *err)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddBoolToObject(doc, "valid", false);
    cJSON_AddItemToObject(doc, "config", config_object(src));
    cJSON *findings = cJSON_AddArrayToObject(doc, "findings");
    add_loader_finding(findings, "error", err, src->path ? src->path : "defaults");
    print_and_free(doc);
}
