/* Workload replay (see simulate.h). Task counts are carried as real numbers so shares
 * (a 30% outage, a 70/30 split) are applied exactly rather than by sampling: the
 * figures are the ones the prices and the mix imply.
 *
 * Plans come from a first-match evaluation of config.routes written against the same
 * structures the router uses; switch to router_plan once the router is merged. */
#include "router/simulate.h"
#include "router/cost.h"
#include "base/buf.h"
#include "base/glob.h"
#include "base/xalloc.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sim_task {
    int kind, trigger;
    const char *language, *path;
    double count;
    long tokens_in, tokens_out, tokens_cached, tokens_reasoning;
};

struct sim_model {
    double tasks, cost_usd;
    double tokens_in, tokens_out;
};

struct sim_state {
    const struct config *cfg;
    double *unavailable;          /* per model */
    struct sim_model *models;
    double total_tasks, served, failed, unrouted, cost_usd;
    /* Served tasks' tokens, for the baselines: every served task priced at one model. */
    double *baseline_cost;
};

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool list_has(char *const *list, const char *value)
{
    for (; value && *list; list++)
        if (strcmp(*list, value) == 0) return true;
    return false;
}

static bool rule_matches(const struct route_rule *r, const struct sim_task *t)
{
    if (r->task_mask && !(r->task_mask & (1u << t->kind))) return false;
    if (r->trigger_mask && !(r->trigger_mask & (1u << t->trigger))) return false;
    if (r->languages && !list_has(r->languages, t->language)) return false;
    if (r->path_globs && (!t->path || !glob_match_any(r->path_globs, t->path))) return false;
    if (r->min_tokens > 0 && t->tokens_in < r->min_tokens) return false;
    if (r->max_tokens > 0 && t->tokens_in > r->max_tokens) return false;
    return true;
}

static const struct route_rule *plan(const struct config *cfg, const struct sim_task *t)
{
    for (size_t i = 0; i < cfg->route_count; i++)
        if (rule_matches(&cfg->routes[i], t)) return &cfg->routes[i];
    return NULL;
}

static double task_cost(const struct model_spec *m, const struct sim_task *t)
{
    return cost_of_tokens(&m->price, t->tokens_in, t->tokens_out, t->tokens_cached, t->tokens_reasoning);
}

static void serve(struct sim_state *s, size_t model, const struct sim_task *t, double mass)
{
    struct sim_model *m = &s->models[model];
    m->tasks += mass;
    m->tokens_in += mass * (double)t->tokens_in;
    m->tokens_out += mass * (double)t->tokens_out;
    double cost = mass * task_cost(&s->cfg->models[model], t);
    m->cost_usd += cost;
    s->cost_usd += cost;
    s->served += mass;
    for (size_t b = 0; b < s->cfg->model_count; b++)
        s->baseline_cost[b] += mass * task_cost(&s->cfg->models[b], t);
}

/* Fallback through targets in the given order, starting at `first`. */
static void cascade(struct sim_state *s, const struct route_rule *r, size_t first, const struct sim_task *t,
                    double mass)
{
    for (size_t k = 0; k < r->target_count && mass > 0; k++) {
        size_t model = r->targets[(first + k) % r->target_count];
        double ok = mass * (1.0 - s->unavailable[model]);
        if (ok > 0) serve(s, model, t, ok);
        mass -= ok;
    }
    s->failed += mass;
}

static void replay(struct sim_state *s, const struct sim_task *t)
{
    s->total_tasks += t->count;
    const struct route_rule *r = plan(s->cfg, t);
    if (!r) {
        s->unrouted += t->count;
        return;
    }
    if (r->strategy != STRATEGY_SPLIT) {
        cascade(s, r, 0, t, t->count);
        return;
    }
    double total_weight = 0;
    for (size_t k = 0; k < r->target_count; k++) total_weight += r->weights[k] > 0 ? r->weights[k] : 0;
    for (size_t k = 0; k < r->target_count && total_weight > 0; k++)
        if (r->weights[k] > 0) cascade(s, r, k, t, t->count * r->weights[k] / total_weight);
}

static long long_field(const cJSON *o, const char *name, long fallback, int *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v) return fallback;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0) *bad = 1;
    return cJSON_IsNumber(v) ? (long)v->valuedouble : fallback;
}

static int parse_task(const cJSON *o, size_t index, struct sim_task *t, char *err, size_t errlen)
{
    if (!cJSON_IsObject(o)) return fail(err, errlen, "tasks[%zu]: expected an object", index);
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "kind"));
    if (!kind) kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "task"));
    t->kind = task_kind_parse(kind);
    if (t->kind < 0) return fail(err, errlen, "tasks[%zu].kind: unknown task kind \"%s\"", index, kind ? kind : "");
    const char *trigger = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "trigger"));
    t->trigger = trigger ? task_trigger_parse(trigger)
                         : (t->kind == TASK_INLINE ? TRIGGER_AUTOMATIC : TRIGGER_INVOKED);
    if (t->trigger < 0) return fail(err, errlen, "tasks[%zu].trigger: expected automatic or invoked", index);
    t->language = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "language"));
    t->path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "path"));
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(o, "count");
    t->count = cJSON_IsNumber(count) ? count->valuedouble : 1;
    int bad = count && (!cJSON_IsNumber(count) || count->valuedouble < 0);
    t->tokens_in = long_field(o, "tokens_in", 0, &bad);
    t->tokens_out = long_field(o, "tokens_out", 0, &bad);
    t->tokens_cached = long_field(o, "tokens_cached", 0, &bad);
    t->tokens_reasoning = long_field(o, "tokens_reasoning", 0, &bad);
    if (bad) return fail(err, errlen, "tasks[%zu]: count and tokens must be non-negative numbers", index);
    return 0;
}

static int parse_unavailable(struct sim_state *s, const cJSON *u, char *err, size_t errlen)
{
    if (!u) return 0;
    if (!cJSON_IsObject(u)) return fail(err, errlen, "unavailable: expected an object of model: share");
    for (const cJSON *v = u->child; v; v = v->next) {
        int m = config_model_index(s->cfg, v->string);
        if (m < 0) return fail(err, errlen, "unavailable.%s: no such model in the config", v->string);
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1)
            return fail(err, errlen, "unavailable.%s: expected a share between 0 and 1", v->string);
        s->unavailable[m] = v->valuedouble;
    }
    return 0;
}

static double round_to(double x, double unit) { return round(x / unit) * unit; }

static cJSON *result_json(const struct sim_state *s, const cJSON *workload)
{
    cJSON *o = cJSON_CreateObject();
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(workload, "name"));
    if (name) cJSON_AddStringToObject(o, "workload", name);
    cJSON_AddNumberToObject(o, "tasks", round_to(s->total_tasks, 1e-6));
    cJSON_AddNumberToObject(o, "served", round_to(s->served, 1e-6));
    cJSON_AddNumberToObject(o, "failed", round_to(s->failed, 1e-6));
    cJSON_AddNumberToObject(o, "unrouted", round_to(s->unrouted, 1e-6));
    cJSON *models = cJSON_AddArrayToObject(o, "models");
    for (size_t m = 0; m < s->cfg->model_count; m++) {
        if (s->models[m].tasks <= 0) continue;
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "model", s->cfg->models[m].name);
        cJSON_AddNumberToObject(item, "tasks", round_to(s->models[m].tasks, 1e-6));
        cJSON_AddNumberToObject(item, "share_pct", round_to(s->models[m].tasks / s->served * 100, 1e-6));
        cJSON_AddNumberToObject(item, "tokens_in", round(s->models[m].tokens_in));
        cJSON_AddNumberToObject(item, "tokens_out", round(s->models[m].tokens_out));
        cJSON_AddNumberToObject(item, "cost_usd", round_to(s->models[m].cost_usd, 1e-9));
        cJSON_AddItemToArray(models, item);
    }
    cJSON_AddNumberToObject(o, "total_cost_usd", round_to(s->cost_usd, 1e-9));
    cJSON *baselines = cJSON_AddArrayToObject(o, "baselines");
    for (size_t b = 0; b < s->cfg->model_count; b++) {
        const struct model_price *p = &s->cfg->models[b].price;
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "model", s->cfg->models[b].name);
        cJSON_AddBoolToObject(item, "priced", p->input >= 0 || p->output >= 0);
        cJSON_AddNumberToObject(item, "cost_usd", round_to(s->baseline_cost[b], 1e-9));
        cJSON_AddNumberToObject(item, "savings_usd", round_to(s->baseline_cost[b] - s->cost_usd, 1e-9));
        if (s->baseline_cost[b] > 0)
            cJSON_AddNumberToObject(item, "savings_pct",
                                    round_to((s->baseline_cost[b] - s->cost_usd) / s->baseline_cost[b] * 100, 1e-6));
        else
            cJSON_AddNullToObject(item, "savings_pct");
        cJSON_AddItemToArray(baselines, item);
    }
    return o;
}

cJSON *simulate_run(const struct config *cfg, const cJSON *workload, char *err, size_t errlen)
{
    const cJSON *tasks = cJSON_IsArray(workload) ? workload : cJSON_GetObjectItemCaseSensitive(workload, "tasks");
    if (!cJSON_IsArray(tasks) || cJSON_GetArraySize(tasks) == 0) {
        fail(err, errlen, "tasks: expected a non-empty array of tasks");
        return NULL;
    }
    size_t n = cfg->model_count + 1;
    struct sim_state s = { .cfg = cfg, .unavailable = xcalloc(n, sizeof(double)),
                           .models = xcalloc(n, sizeof(struct sim_model)),
                           .baseline_cost = xcalloc(n, sizeof(double)) };
    cJSON *result = NULL;
    if (parse_unavailable(&s, cJSON_IsObject(workload) ? cJSON_GetObjectItemCaseSensitive(workload, "unavailable") : NULL,
                          err, errlen) == 0) {
        size_t index = 0;
        const cJSON *item;
        int rc = 0;
        cJSON_ArrayForEach(item, tasks) {
            struct sim_task t = {0};
            if ((rc = parse_task(item, index++, &t, err, errlen)) != 0) break;
            replay(&s, &t);
        }
        if (rc == 0) result = result_json(&s, workload);
    }
    free(s.unavailable);
    free(s.models);
    free(s.baseline_cost);
    return result;
}
