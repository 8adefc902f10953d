/* Hand-built router configurations for tests (see router_testcfg.h). */
#include "tests/unit/router_testcfg.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

static char **strv_dup(const char *const *v)
{
    size_t n = 0;
    while (v && v[n]) n++;
    char **out = xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) out[i] = xstrdup(v[i]);
    return out;
}

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++) free(v[i]);
    free(v);
}

struct config *tcfg_new(void)
{
    struct config *c = xcalloc(1, sizeof *c);
    c->refcount = 1;
    c->source = xstrdup("test");
    c->inline_timeouts = (struct timeout_settings){ 2000, 1500, 1000, 5000 };
    c->action_timeouts = (struct timeout_settings){ 10000, 60000, 30000, 300000 };
    c->inline_opts.max_output_tokens = 128;
    c->retry = (struct retry_settings){ 2, 250, 4000, 10000 };
    c->breaker = (struct breaker_settings){ 3, 0.5, 10, 60000, 30000 };
    return c;
}

size_t tcfg_provider(struct config *c, const char *name, const char *kind, const char *base_url,
                     const char *key_env, const char *key, int max_concurrency)
{
    c->providers = xrealloc(c->providers, (c->provider_count + 1) * sizeof *c->providers);
    struct provider_config *p = &c->providers[c->provider_count];
    memset(p, 0, sizeof *p);
    p->name = xstrdup(name);
    p->kind = xstrdup(kind);
    p->base_url = xstrdup(base_url);
    p->api_key_env = xstrdup(key_env);
    p->api_key = xstrdup(key);
    p->key_source = key ? xstrdup(key_env) : NULL;
    p->max_concurrency = max_concurrency;
    return c->provider_count++;
}

size_t tcfg_model(struct config *c, const char *name, size_t provider, double price_in,
                  double price_out, long context_window)
{
    c->models = xrealloc(c->models, (c->model_count + 1) * sizeof *c->models);
    c->model_provider = xrealloc(c->model_provider, (c->model_count + 1) * sizeof *c->model_provider);
    struct model_spec *m = &c->models[c->model_count];
    const struct provider_config *p = &c->providers[provider];
    memset(m, 0, sizeof *m);
    m->name = xstrdup(name);
    m->provider_name = xstrdup(p->name);
    m->provider_kind = xstrdup(p->kind);
    m->base_url = xstrdup(p->base_url);
    m->model = xstrdup(name);
    m->api_key = xstrdup(p->api_key);
    m->temperature = -1;
    m->context_window = context_window;
    m->price = (struct model_price){ price_in, price_out, -1, -1 };
    c->model_provider[c->model_count] = provider;
    return c->model_count++;
}

static size_t model_index(const struct config *c, const char *name)
{
    for (size_t i = 0; i < c->model_count; i++)
        if (strcmp(c->models[i].name, name) == 0) return i;
    abort();
}

struct route_rule *tcfg_route(struct config *c, const char *label, enum route_strategy strategy,
                              const char *const *targets)
{
    c->routes = xrealloc(c->routes, (c->route_count + 1) * sizeof *c->routes);
    struct route_rule *r = &c->routes[c->route_count++];
    memset(r, 0, sizeof *r);
    r->label = xstrdup(label);
    r->strategy = strategy;
    while (targets[r->target_count]) r->target_count++;
    r->targets = xcalloc(r->target_count ? r->target_count : 1, sizeof *r->targets);
    for (size_t i = 0; i < r->target_count; i++) r->targets[i] = model_index(c, targets[i]);
    return r;
}

void tcfg_rule_languages(struct route_rule *r, const char *const *v) { r->languages = strv_dup(v); }
void tcfg_rule_globs(struct route_rule *r, const char *const *v) { r->path_globs = strv_dup(v); }

void tcfg_rule_weights(struct route_rule *r, const double *w)
{
    r->weights = xcalloc(r->target_count ? r->target_count : 1, sizeof *r->weights);
    memcpy(r->weights, w, r->target_count * sizeof *w);
}

void tcfg_budget(struct config *c, enum budget_scope scope, const char *name, double daily,
                 double monthly, enum budget_action action)
{
    c->budgets = xrealloc(c->budgets, (c->budget_count + 1) * sizeof *c->budgets);
    c->budgets[c->budget_count++] = (struct budget_rule){ scope, xstrdup(name), daily, monthly, action };
}

void tcfg_free(struct config *c)
{
    for (size_t i = 0; i < c->provider_count; i++) {
        struct provider_config *p = &c->providers[i];
        free(p->name); free(p->kind); free(p->base_url); free(p->api_key_env);
        free(p->api_key); free(p->key_source);
    }
    free(c->providers);
    for (size_t i = 0; i < c->model_count; i++) model_spec_free(&c->models[i]);
    free(c->models);
    free(c->model_provider);
    for (size_t i = 0; i < c->route_count; i++) {
        struct route_rule *r = &c->routes[i];
        strv_free(r->languages); strv_free(r->path_globs);
        free(r->targets); free(r->weights); free(r->label);
    }
    free(c->routes);
    for (size_t i = 0; i < c->budget_count; i++) free(c->budgets[i].name);
    free(c->budgets);
    free(c->source);
    free(c);
}
