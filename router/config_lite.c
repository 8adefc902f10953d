/* Stand-in config loader (see config_lite.h). Errors name the file and JSON path. */
#include "router/config_lite.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static double price_field(const cJSON *price, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(price, name);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static int parse_models(struct config *cfg, const cJSON *models, const char *name, char *err,
                        size_t errlen)
{
    cfg->model_count = (size_t)cJSON_GetArraySize(models);
    cfg->models = xcalloc(cfg->model_count + 1, sizeof *cfg->models);
    cfg->model_provider = xcalloc(cfg->model_count + 1, sizeof *cfg->model_provider);
    size_t i = 0;
    for (const cJSON *m = models ? models->child : NULL; m; m = m->next, i++) {
        struct model_spec *spec = &cfg->models[i];
        spec->name = xstrdup(m->string);
        const char *prov = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "provider"));
        spec->provider_name = xstrdup(prov ? prov : "");
        spec->model = xstrdup(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "model")));
        spec->temperature = -1;
        const cJSON *price = cJSON_GetObjectItemCaseSensitive(m, "price");
        if (price && !cJSON_IsObject(price))
            return fail(err, errlen, "%s: models.%s.price: expected an object", name, m->string);
        spec->price = (struct model_price){ price_field(price, "input"), price_field(price, "output"),
                                            price_field(price, "cached_input"),
                                            price_field(price, "reasoning_output") };
        for (size_t p = 0; p < cfg->provider_count; p++)
            if (strcmp(cfg->providers[p].name, spec->provider_name) == 0) {
                cfg->model_provider[i] = p;
                spec->provider_kind = xstrdup(cfg->providers[p].kind);
            }
    }
    return 0;
}

static char **string_list(const cJSON *v)
{
    if (!v) return NULL;
    size_t n = cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 1;
    char **list = xcalloc(n + 1, sizeof *list);
    size_t k = 0;
    if (cJSON_IsString(v)) list[k++] = xstrdup(v->valuestring);
    else
        for (const cJSON *s = v->child; s; s = s->next)
            if (cJSON_IsString(s)) list[k++] = xstrdup(s->valuestring);
    return list;
}

static int parse_mask(const cJSON *v, int (*parse)(const char *), unsigned *mask, const char *where,
                      char *err, size_t errlen)
{
    char **names = string_list(v);
    int rc = 0;
    for (char **n = names; n && *n; n++) {
        int bit = parse(*n);
        if (bit < 0 && rc == 0) rc = fail(err, errlen, "%s: unknown name \"%s\"", where, *n);
        else if (bit >= 0) *mask |= 1u << bit;
    }
    for (char **n = names; n && *n; n++) free(*n);
    free(names);
    return rc;
}

static int parse_route(struct config *cfg, struct route_rule *r, const cJSON *rule, size_t index,
                       const char *name, char *err, size_t errlen)
{
    char where[256];
    const char *label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "name"));
    r->label = label ? xstrdup(label) : xasprintf("routes[%zu]", index);
    const cJSON *when = cJSON_GetObjectItemCaseSensitive(rule, "when");
    snprintf(where, sizeof where, "%s: routes[%zu].when.task", name, index);
    if (parse_mask(cJSON_GetObjectItemCaseSensitive(when, "task"), task_kind_parse, &r->task_mask,
                   where, err, errlen) != 0) return -1;
    snprintf(where, sizeof where, "%s: routes[%zu].when.trigger", name, index);
    if (parse_mask(cJSON_GetObjectItemCaseSensitive(when, "trigger"), task_trigger_parse,
                   &r->trigger_mask, where, err, errlen) != 0) return -1;
    r->languages = string_list(cJSON_GetObjectItemCaseSensitive(when, "language"));
    r->path_globs = string_list(cJSON_GetObjectItemCaseSensitive(when, "path"));
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(when, "min_tokens");
    r->min_tokens = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
    v = cJSON_GetObjectItemCaseSensitive(when, "max_tokens");
    r->max_tokens = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
    const char *strategy = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "strategy"));
    r->strategy = !strategy || strcmp(strategy, "fallback") == 0 ? STRATEGY_FALLBACK
                  : strcmp(strategy, "split") == 0             ? STRATEGY_SPLIT
                  : strcmp(strategy, "hedge") == 0             ? STRATEGY_HEDGE
                                                               : (enum route_strategy)-1;
    if ((int)r->strategy < 0)
        return fail(err, errlen, "%s: routes[%zu].strategy: unknown \"%s\"", name, index, strategy);
    v = cJSON_GetObjectItemCaseSensitive(rule, "hedge_after_ms");
    r->hedge_after_ms = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
    const cJSON *targets = cJSON_GetObjectItemCaseSensitive(rule, "targets");
    if (!cJSON_IsArray(targets) || cJSON_GetArraySize(targets) == 0)
        return fail(err, errlen, "%s: routes[%zu].targets: expected a non-empty array", name, index);
    r->target_count = (size_t)cJSON_GetArraySize(targets);
    r->targets = xcalloc(r->target_count, sizeof *r->targets);
    r->weights = xcalloc(r->target_count, sizeof *r->weights);
    const cJSON *weights = cJSON_GetObjectItemCaseSensitive(rule, "weights");
    for (size_t t = 0; t < r->target_count; t++) {
        const char *model = cJSON_GetStringValue(cJSON_GetArrayItem(targets, (int)t));
        int m = config_lite_model_index(cfg, model);
        if (m < 0)
            return fail(err, errlen, "%s: routes[%zu].targets[%zu]: unknown model \"%s\"", name,
                        index, t, model ? model : "?");
        r->targets[t] = (size_t)m;
        const cJSON *w = cJSON_GetArrayItem(weights, (int)t);
        r->weights[t] = cJSON_IsNumber(w) ? w->valuedouble : 1.0;
    }
    return 0;
}

int config_lite_model_index(const struct config *cfg, const char *name)
{
    for (size_t i = 0; name && i < cfg->model_count; i++)
        if (strcmp(cfg->models[i].name, name) == 0) return (int)i;
    return -1;
}

static int build(struct config *cfg, const cJSON *root, const char *name, char *err, size_t errlen)
{
    if (!cJSON_IsObject(root)) return fail(err, errlen, "%s: expected a JSON object", name);
    const cJSON *providers = cJSON_GetObjectItemCaseSensitive(root, "providers");
    cfg->provider_count = (size_t)cJSON_GetArraySize(providers);
    cfg->providers = xcalloc(cfg->provider_count + 1, sizeof *cfg->providers);
    size_t i = 0;
    for (const cJSON *p = providers ? providers->child : NULL; p; p = p->next, i++) {
        cfg->providers[i].name = xstrdup(p->string);
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "kind"));
        cfg->providers[i].kind = xstrdup(kind ? kind : "");
    }
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models");
    if (models && !cJSON_IsObject(models)) return fail(err, errlen, "%s: models: expected an object", name);
    if (parse_models(cfg, models, name, err, errlen) != 0) return -1;
    const cJSON *routes = cJSON_GetObjectItemCaseSensitive(root, "routes");
    if (routes && !cJSON_IsArray(routes)) return fail(err, errlen, "%s: routes: expected an array", name);
    cfg->route_count = (size_t)cJSON_GetArraySize(routes);
    cfg->routes = xcalloc(cfg->route_count + 1, sizeof *cfg->routes);
    for (i = 0; i < cfg->route_count; i++)
        if (parse_route(cfg, &cfg->routes[i], cJSON_GetArrayItem(routes, (int)i), i, name, err, errlen) != 0)
            return -1;
    return 0;
}

struct config *config_lite_parse(const char *text, const char *name, char *err, size_t errlen)
{
    cJSON *root = cJSON_Parse(text);
    if (!root) {
        fail(err, errlen, "%s: not valid JSON near \"%.20s\"", name, cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "");
        return NULL;
    }
    struct config *cfg = xcalloc(1, sizeof *cfg);
    cfg->refcount = 1;
    cfg->source = xstrdup(name);
    int rc = build(cfg, root, name, err, errlen);
    cJSON_Delete(root);
    if (rc != 0) {
        config_lite_free(cfg);
        return NULL;
    }
    return cfg;
}

struct config *config_lite_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, errlen, "%s: cannot read the file", path);
        return NULL;
    }
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
    fclose(f);
    struct config *cfg = config_lite_parse(buf_str(&b), path, err, errlen);
    buf_free(&b);
    return cfg;
}

static void free_list(char **list)
{
    for (char **s = list; s && *s; s++) free(*s);
    free(list);
}

void config_lite_free(struct config *cfg)
{
    if (!cfg) return;
    for (size_t i = 0; i < cfg->provider_count; i++) {
        free(cfg->providers[i].name);
        free(cfg->providers[i].kind);
    }
    free(cfg->providers);
    for (size_t i = 0; i < cfg->model_count; i++) model_spec_free(&cfg->models[i]);
    free(cfg->models);
    free(cfg->model_provider);
    for (size_t i = 0; i < cfg->route_count; i++) {
        struct route_rule *r = &cfg->routes[i];
        free_list(r->languages);
        free_list(r->path_globs);
        free(r->targets);
        free(r->weights);
        free(r->label);
    }
    free(cfg->routes);
    free(cfg->source);
    free(cfg);
}
