/* The "routes" and "budgets" sections: rules that name models (checked against the
 * "models" section, so a typo is reported with the names that exist) and spending
 * limits that name providers or models. */
#include "config/config_internal.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void model_names(const struct config *cfg, char *out, size_t n)
{
    const char *names[65] = { 0 };
    for (size_t i = 0; i < cfg->model_count && i < 64; i++) names[i] = cfg->models[i].name;
    if (cfg->model_count) cfg_join_names(out, n, names);
    else snprintf(out, n, "none");
}

/* task / trigger: a name or an array of names -> bit mask. */
static int parse_mask(struct cfg_ctx *c, const cJSON *when, const char *key, const char *path,
                      const char *what, int (*parse)(const char *), const char *known,
                      unsigned *mask)
{
    char **names = NULL;
    if (cfg_get_string_list(c, when, key, path, true, &names) < 0) return -1;
    if (!names) return 0;
    const cJSON *item = json_member(when, key);
    char kp[CFG_PATH_MAX], ip[CFG_PATH_MAX];
    cfg_path_key(kp, path, key);
    int rc = 0;
    for (size_t i = 0; names[i]; i++) {
        int v = parse(names[i]);
        if (v < 0) {
            if (cJSON_IsArray(item)) cfg_path_index(ip, kp, i);
            else snprintf(ip, sizeof ip, "%s", kp);
            cfg_error(c, ip, "unknown %s '%s' (known: %s)", what, names[i], known);
            rc = -1;
            break;
        }
        *mask |= 1u << v;
    }
    if (rc == 0 && !names[0]) {
        cfg_error(c, kp, "must not be empty (leave it out to match any)");
        rc = -1;
    }
    cfg_free_strv(names);
    return rc;
}

static int parse_when(struct cfg_ctx *c, struct route_rule *r, const cJSON *rule, const char *path)
{
    static const char *const when_keys[] = {
        "task", "trigger", "language", "path", "min_tokens", "max_tokens", NULL,
    };
    const cJSON *when = NULL;
    if (cfg_get_object(c, rule, "when", path, &when) < 0) return -1;
    if (!when) return 0;
    char wp[CFG_PATH_MAX];
    cfg_path_key(wp, path, "when");
    cfg_check_keys(c, when, wp, when_keys);
    const char *kind_list[TASK_KIND_COUNT + 1];   /* every kind, so a new one is never missing */
    for (int k = 0; k < TASK_KIND_COUNT; k++) kind_list[k] = task_kind_name((enum task_kind)k);
    kind_list[TASK_KIND_COUNT] = NULL;
    char kinds[256];
    cfg_join_names(kinds, sizeof kinds, kind_list);
    if (parse_mask(c, when, "task", wp, "task kind", task_kind_parse, kinds, &r->task_mask) < 0 ||
        parse_mask(c, when, "trigger", wp, "trigger", task_trigger_parse, "automatic, invoked",
                   &r->trigger_mask) < 0 ||
        cfg_get_string_list(c, when, "language", wp, true, &r->languages) < 0 ||
        cfg_get_string_list(c, when, "path", wp, true, &r->path_globs) < 0 ||
        cfg_get_long(c, when, "min_tokens", wp, &r->min_tokens, 0) < 0 ||
        cfg_get_long(c, when, "max_tokens", wp, &r->max_tokens, 0) < 0)
        return -1;
    char ep[CFG_PATH_MAX];
    const char *empty = r->languages && !r->languages[0] ? "language"
                      : r->path_globs && !r->path_globs[0] ? "path" : NULL;
    if (empty) {
        cfg_path_key(ep, wp, empty);
        cfg_error(c, ep, "must not be empty (leave it out to match any)");
        return -1;
    }
    if (r->max_tokens && r->min_tokens > r->max_tokens) {
        char mp[CFG_PATH_MAX];
        cfg_path_key(mp, wp, "min_tokens");
        cfg_error(c, mp, "greater than max_tokens (%ld > %ld)", r->min_tokens, r->max_tokens);
        return -1;
    }
    return 0;
}

static int parse_targets(struct cfg_ctx *c, const struct config *cfg, struct route_rule *r,
                         const cJSON *rule, const char *path)
{
    char **names = NULL;
    char tp[CFG_PATH_MAX], ip[CFG_PATH_MAX], known[512];
    cfg_path_key(tp, path, "targets");
    if (cfg_get_string_list(c, rule, "targets", path, false, &names) < 0) return -1;
    if (!names || !names[0]) {
        cfg_error(c, tp, names ? "must name at least one model" : "missing (a list of model names)");
        cfg_free_strv(names);
        return -1;
    }
    size_t n = cfg_strv_len(names);
    r->targets = xcalloc(n, sizeof *r->targets);
    for (size_t i = 0; i < n; i++) {
        int m = config_model_index(cfg, names[i]);
        if (m < 0) {
            model_names(cfg, known, sizeof known);
            cfg_path_index(ip, tp, i);
            cfg_error(c, ip, "unknown model '%s' (known: %s)", names[i], known);
            cfg_free_strv(names);
            return -1;
        }
        r->targets[r->target_count++] = (size_t)m;
    }
    cfg_free_strv(names);
    return 0;
}

static int parse_weights(struct cfg_ctx *c, struct route_rule *r, const cJSON *rule,
                         const char *path)
{
    const cJSON *weights = json_member(rule, "weights");
    char wp[CFG_PATH_MAX], ip[CFG_PATH_MAX];
    cfg_path_key(wp, path, "weights");
    r->weights = xcalloc(r->target_count, sizeof *r->weights);
    if (!weights) {
        for (size_t i = 0; i < r->target_count; i++) r->weights[i] = 1.0;
        return 0;
    }
    if (!cJSON_IsArray(weights)) {
        cfg_error(c, wp, "expected an array of numbers, got %s", cfg_type_name(weights));
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(weights);
    if (n != r->target_count) {
        cfg_error(c, wp, "%zu weight%s for %zu target%s", n, n == 1 ? "" : "s",
                  r->target_count, r->target_count == 1 ? "" : "s");
        return -1;
    }
    double total = 0;
    size_t i = 0;
    for (const cJSON *w = weights->child; w; w = w->next, i++) {
        cfg_path_index(ip, wp, i);
        if (!cJSON_IsNumber(w)) {
            cfg_error(c, ip, "expected a number, got %s", cfg_type_name(w));
            return -1;
        }
        if (w->valuedouble < 0) {
            cfg_error(c, ip, "must not be negative (got %g)", w->valuedouble);
            return -1;
        }
        r->weights[i] = w->valuedouble;
        total += w->valuedouble;
    }
    if (total <= 0) {
        cfg_error(c, wp, "at least one weight must be positive");
        return -1;
    }
    return 0;
}

/* A rule that can match a code action but names a model whose API only fills in
 * the middle (mistral-fim): valid (the same rule may serve inline completion), but
 * the router skips that target for actions, which the user should know. */
static void warn_fim_only_targets(struct cfg_ctx *c, const struct config *cfg,
                                  const struct route_rule *r, const char *path)
{
    if (r->task_mask && !(r->task_mask & ~(1u << TASK_INLINE))) return;   /* inline only */
    char tp[CFG_PATH_MAX], ip[CFG_PATH_MAX];
    cfg_path_key(tp, path, "targets");
    for (size_t i = 0; i < r->target_count; i++) {
        const struct model_spec *m = &cfg->models[r->targets[i]];
        if (config_model_action_capable(m)) continue;
        cfg_path_index(ip, tp, i);
        cfg_warn(c, ip, "model '%s' (kind %s) does inline completion only; code actions routed "
                 "here skip it", m->name, m->provider_kind);
    }
}

static const char *const strategy_names[] = { "fallback", "split", "hedge", "adaptive", "cascade", NULL };

const char *config_strategy_name(enum route_strategy s)
{
    return (unsigned)s < sizeof strategy_names / sizeof *strategy_names - 1 ? strategy_names[s] : "?";
}

/* quality_floor, explore, min_observations: only the adaptive strategy reads them. */
static int parse_adaptive(struct cfg_ctx *c, struct route_rule *r, const cJSON *rule, const char *path)
{
    static const char *const keys[] = { "quality_floor", "explore", "min_observations", NULL };
    r->quality_floor = 0.9;
    r->explore = 0.05;
    r->min_observations = 20;
    char kp[CFG_PATH_MAX];
    for (size_t i = 0; keys[i]; i++) {
        if (!json_member(rule, keys[i]) || r->strategy == STRATEGY_ADAPTIVE) continue;
        cfg_path_key(kp, path, keys[i]);
        cfg_warn(c, kp, "ignored: only the adaptive strategy uses it");
    }
    if (cfg_get_double(c, rule, "quality_floor", path, &r->quality_floor, 0.01, 1) < 0 ||
        cfg_get_double(c, rule, "explore", path, &r->explore, 0, 0.5) < 0 ||
        cfg_get_long(c, rule, "min_observations", path, &r->min_observations, 1) < 0)
        return -1;
    return 0;
}

static int parse_rule(struct cfg_ctx *c, const struct config *cfg, struct route_rule *r,
                      const cJSON *rule, const char *path)
{
    static const char *const rule_keys[] = {
        "when", "targets", "strategy", "weights", "hedge_after_ms", "name",
        "quality_floor", "explore", "min_observations", NULL,
    };
    if (!cJSON_IsObject(rule)) {
        cfg_error(c, path, "expected an object, got %s", cfg_type_name(rule));
        return -1;
    }
    cfg_check_keys(c, rule, path, rule_keys);
    int strategy = STRATEGY_FALLBACK;
    r->hedge_after_ms = 300;
    if (cfg_get_string(c, rule, "name", path, &r->label) < 0 ||
        parse_when(c, r, rule, path) < 0 ||
        parse_targets(c, cfg, r, rule, path) < 0 ||
        cfg_get_enum(c, rule, "strategy", path, strategy_names, &strategy) < 0 ||
        cfg_get_long(c, rule, "hedge_after_ms", path, &r->hedge_after_ms, 0) < 0)
        return -1;
    r->strategy = (enum route_strategy)strategy;
    if (!r->label) r->label = xstrdup(path);
    warn_fim_only_targets(c, cfg, r, path);
    if (parse_adaptive(c, r, rule, path) < 0) return -1;
    if (r->strategy != STRATEGY_SPLIT && json_member(rule, "weights")) {
        char wp[CFG_PATH_MAX];
        cfg_path_key(wp, path, "weights");
        cfg_warn(c, wp, "ignored: only the split strategy uses weights");
    }
    if (r->strategy == STRATEGY_HEDGE && r->target_count < 2) {
        char sp[CFG_PATH_MAX];
        cfg_path_key(sp, path, "strategy");
        cfg_warn(c, sp, "hedge with one target never hedges");
    }
    return parse_weights(c, r, rule, path);
}

int cfg_parse_routes(struct cfg_ctx *c, struct config *cfg, const cJSON *routes, const char *path)
{
    if (!routes) return 0;
    if (!cJSON_IsArray(routes)) {
        cfg_error(c, path, "expected an array, got %s", cfg_type_name(routes));
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(routes);
    cfg->routes = xrealloc(cfg->routes, (cfg->route_count + n + 1) * sizeof *cfg->routes);
    char rp[CFG_PATH_MAX];
    size_t i = 0;
    for (const cJSON *rule = routes->child; rule; rule = rule->next, i++) {
        struct route_rule *r = &cfg->routes[cfg->route_count++];
        memset(r, 0, sizeof *r);
        cfg_path_index(rp, path, i);
        if (parse_rule(c, cfg, r, rule, rp) < 0) return -1;
    }
    return 0;
}

static int provider_known(const struct config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->provider_count; i++)
        if (strcmp(cfg->providers[i].name, name) == 0) return 1;
    return 0;
}

static int parse_budget(struct cfg_ctx *c, const struct config *cfg, struct budget_rule *b,
                        const cJSON *obj, const char *path)
{
    static const char *const budget_keys[] = {
        "scope", "name", "daily_usd", "monthly_usd", "action", NULL,
    };
    static const char *const scopes[] = { "overall", "provider", "model", NULL };
    static const char *const actions[] = { "downgrade", "block", NULL };
    if (!cJSON_IsObject(obj)) {
        cfg_error(c, path, "expected an object, got %s", cfg_type_name(obj));
        return -1;
    }
    cfg_check_keys(c, obj, path, budget_keys);
    int scope = BUDGET_OVERALL, action = BUDGET_DOWNGRADE;
    if (cfg_get_enum(c, obj, "scope", path, scopes, &scope) < 0 ||
        cfg_get_string(c, obj, "name", path, &b->name) < 0 ||
        cfg_get_double(c, obj, "daily_usd", path, &b->daily_usd, 0, 1e9) < 0 ||
        cfg_get_double(c, obj, "monthly_usd", path, &b->monthly_usd, 0, 1e9) < 0 ||
        cfg_get_enum(c, obj, "action", path, actions, &action) < 0)
        return -1;
    b->scope = (enum budget_scope)scope;
    b->action = (enum budget_action)action;
    char np[CFG_PATH_MAX], known[512];
    cfg_path_key(np, path, "name");
    if (b->scope == BUDGET_OVERALL) {
        free(b->name);
        b->name = NULL;
    } else if (!b->name) {
        cfg_error(c, np, "missing (the %s the budget applies to)", scopes[scope]);
        return -1;
    } else if (b->scope == BUDGET_MODEL && config_model_index(cfg, b->name) < 0) {
        model_names(cfg, known, sizeof known);
        cfg_error(c, np, "unknown model '%s' (known: %s)", b->name, known);
        return -1;
    } else if (b->scope == BUDGET_PROVIDER && !provider_known(cfg, b->name)) {
        cfg_error(c, np, "unknown provider '%s'", b->name);
        return -1;
    }
    if (b->daily_usd == 0 && b->monthly_usd == 0)
        cfg_warn(c, path, "neither daily_usd nor monthly_usd is set: no limit");
    return 0;
}

int cfg_parse_budgets(struct cfg_ctx *c, struct config *cfg, const cJSON *root)
{
    const cJSON *budgets = json_member(root, "budgets");
    if (!budgets) return 0;
    if (!cJSON_IsArray(budgets)) {
        cfg_error(c, "budgets", "expected an array, got %s", cfg_type_name(budgets));
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(budgets);
    cfg->budgets = xcalloc(n ? n : 1, sizeof *cfg->budgets);
    char bp[CFG_PATH_MAX];
    size_t i = 0;
    for (const cJSON *b = budgets->child; b; b = b->next, i++) {
        cfg_path_index(bp, "budgets", i);
        if (parse_budget(c, cfg, &cfg->budgets[cfg->budget_count++], b, bp) < 0) return -1;
    }
    return 0;
}
