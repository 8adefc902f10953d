/* Workload replay (see simulate.h). Task counts are carried as real numbers so shares
 * (a 30% outage, a 70/30 split) are applied exactly rather than by sampling: the
 * figures are the ones the prices and the mix imply.
 *
 * Plans come from the router's own planner (route_plan_compute, what router_plan runs)
 * over a fresh route state: rule matching, split order, context-window checks, budget
 * verdicts and budget downgrades are the router's. Spend is fed back into the state's
 * budgets with budget_add as simulated attempts are served. A missing key does not
 * count: the simulation asks what the set-up would do with every key in place. */
#include "router/simulate.h"
#include "router/simulate_int.h"
#include "ledger/cost.h"
#include "router/plan.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/xalloc.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Simulated time starts on the first of a month, so monthly budgets cover a run of up
 * to 31 days (2026-01-01T00:00:00Z). */
#define SIM_EPOCH_MS 1767225600000LL
#define DAY_MS 86400000LL


struct sim_model {
    double tasks, cost_usd;
    double tokens_in, tokens_out;
};

/* Per task kind: what was asked, what was served, at what cost. */
struct sim_kind {
    double tasks, served, cost_usd;
};

struct sim_state {
    const struct config *cfg;
    double *unavailable;          /* per model */
    struct sim_model *models;
    struct sim_kind kinds[TASK_KIND_COUNT];
    double total_tasks, served, failed, blocked, unrouted, cost_usd;
    /* Served tasks' tokens, for the baselines: every served task priced at one model. */
    double *baseline_cost;
    struct route_state route;     /* the router's live state: budgets fill up as we go */
    int64_t now;                  /* simulated wall clock */
};

int sim_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

double sim_task_cost(const struct model_spec *m, const struct sim_task *t)
{
    return cost_of_tokens(&m->price, t->tokens_in, t->tokens_out, t->tokens_cached, t->tokens_reasoning);
}

static void serve(struct sim_state *s, size_t model, const struct sim_task *t, double mass)
{
    struct sim_model *m = &s->models[model];
    m->tasks += mass;
    m->tokens_in += mass * (double)t->tokens_in;
    m->tokens_out += mass * (double)t->tokens_out;
    double cost = mass * sim_task_cost(&s->cfg->models[model], t);
    m->cost_usd += cost;
    s->cost_usd += cost;
    s->kinds[t->kind].served += mass;
    s->kinds[t->kind].cost_usd += cost;
    s->served += mass;
    budget_add(&s->route.budget, s->cfg, model, cost, s->now);
    for (size_t b = 0; b < s->cfg->model_count; b++)
        s->baseline_cost[b] += mass * sim_task_cost(&s->cfg->models[b], t);
}

/* Runs mass through the plan's entries in order, as the router's fallback would. */
static void cascade(struct sim_state *s, const struct route_plan *plan, const struct sim_task *t,
                    double mass)
{
    for (size_t k = 0; k < plan->count && mass > 0; k++) {
        const struct route_plan_entry *e = &plan->entries[k];
        if (e->skipped && !(e->code && strcmp(e->code, "no-key") == 0)) continue;
        double ok = mass * (1.0 - s->unavailable[e->model]);
        if (ok > 0) serve(s, e->model, t, ok);
        mass -= ok;
    }
    bool budget_refused = plan->budget_blocked;
    for (size_t k = 0; k < plan->count; k++)
        if (plan->entries[k].code && strncmp(plan->entries[k].code, "budget", 6) == 0) budget_refused = true;
    if (budget_refused) s->blocked += mass;
    else s->failed += mass;
}

void sim_to_router_task(const struct sim_task *t, struct task *out)
{
    memset(out, 0, sizeof *out);
    out->kind = (enum task_kind)t->kind;
    out->trigger = (enum task_trigger)t->trigger;
    out->language = (char *)t->language;   /* borrowed: never freed */
    out->path = (char *)t->path;
    out->prompt_tokens_estimate = t->tokens_in;
    out->max_output_tokens = t->tokens_out > 0 && t->tokens_out < 1L << 30 ? (int)t->tokens_out : 0;
}

static void replay(struct sim_state *s, const struct sim_task *t, double count)
{
    s->total_tasks += count;
    s->kinds[t->kind].tasks += count;
    struct task task;
    sim_to_router_task(t, &task);
    struct route_plan plan;
    route_plan_compute(&s->route, &task, (uint64_t)s->now, 0.0, &plan);
    if (plan.rule_index < 0) {
        s->unrouted += count;
        return;
    }
    const struct route_rule *r = &s->cfg->routes[plan.rule_index];
    if (r->strategy != STRATEGY_SPLIT) {
        cascade(s, &plan, t, count);
        return;
    }
    /* Split: one plan per target, drawn at the middle of its weight's share of [0,1),
     * so each target leads for exactly its weight of the tasks. */
    double total = 0, before = 0;
    for (size_t k = 0; k < r->target_count; k++) total += r->weights && r->weights[k] > 0 ? r->weights[k] : 0;
    for (size_t k = 0; k < r->target_count; k++) {
        double w = total > 0 ? (r->weights && r->weights[k] > 0 ? r->weights[k] : 0) : 1;
        double all = total > 0 ? total : (double)r->target_count;
        if (w <= 0) continue;
        route_plan_compute(&s->route, &task, (uint64_t)s->now, (before + w / 2) / all, &plan);
        cascade(s, &plan, t, count * w / all);
        before += w;
    }
}

static bool has_budget_limits(const struct config *cfg)
{
    for (size_t i = 0; i < cfg->budget_count; i++)
        if (cfg->budgets[i].daily_usd > 0 || cfg->budgets[i].monthly_usd > 0) return true;
    return false;
}

/* Each day's tasks are spread evenly over the day: with budgets the day is replayed in
 * 1440 one-minute slices, so a cap reached at 14:00 moves the rest of the day's tasks
 * on. Without budgets one slice gives the same figures exactly. Budget periods are the
 * router's (UTC days and months). */
static void replay_days(struct sim_state *s, const struct sim_task *tasks, size_t count, int days)
{
    int slices = has_budget_limits(s->cfg) ? 1440 : 1;
    for (int d = 0; d < days; d++)
        for (int k = 0; k < slices; k++) {
            s->now = SIM_EPOCH_MS + d * DAY_MS + (int64_t)k * (DAY_MS / slices);
            for (size_t i = 0; i < count; i++) replay(s, &tasks[i], tasks[i].count / slices);
        }
}

static long long_field(const cJSON *o, const char *name, long fallback, int *bad)
{
    const cJSON *v = json_member(o, name);
    if (v && (!cJSON_IsNumber(v) || v->valuedouble < 0)) *bad = 1;
    return json_get_long(o, name, fallback);   /* clamped: 1e300 tokens stays a defined long */
}

int sim_parse_task(const cJSON *o, size_t index, struct sim_task *t, char *err, size_t errlen)
{
    if (!cJSON_IsObject(o)) return sim_fail(err, errlen, "tasks[%zu]: expected an object", index);
    const char *kind = json_get_string(o, "kind");
    if (!kind) kind = json_get_string(o, "task");
    t->kind = task_kind_parse(kind);
    if (t->kind < 0) return sim_fail(err, errlen, "tasks[%zu].kind: unknown task kind \"%s\"", index, kind ? kind : "");
    const char *trigger = json_get_string(o, "trigger");
    t->trigger = trigger ? task_trigger_parse(trigger)
                         : (int)task_default_trigger((enum task_kind)t->kind);
    if (t->trigger < 0) return sim_fail(err, errlen, "tasks[%zu].trigger: expected automatic or invoked", index);
    t->language = json_get_string(o, "language");
    t->path = json_get_string(o, "path");
    const cJSON *count = json_member(o, "count");
    t->count = cJSON_IsNumber(count) ? count->valuedouble : 1;
    int bad = count && (!cJSON_IsNumber(count) || count->valuedouble < 0);
    t->tokens_in = long_field(o, "tokens_in", 0, &bad);
    t->tokens_out = long_field(o, "tokens_out", 0, &bad);
    t->tokens_cached = long_field(o, "tokens_cached", 0, &bad);
    t->tokens_reasoning = long_field(o, "tokens_reasoning", 0, &bad);
    if (bad) return sim_fail(err, errlen, "tasks[%zu]: count and tokens must be non-negative numbers", index);
    return 0;
}

static int parse_unavailable(struct sim_state *s, const cJSON *u, char *err, size_t errlen)
{
    if (!u) return 0;
    if (!cJSON_IsObject(u)) return sim_fail(err, errlen, "unavailable: expected an object of model: share");
    for (const cJSON *v = u->child; v; v = v->next) {
        int m = config_model_index(s->cfg, v->string);
        if (m < 0) return sim_fail(err, errlen, "unavailable.%s: no such model in the config", v->string);
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1)
            return sim_fail(err, errlen, "unavailable.%s: expected a share between 0 and 1", v->string);
        s->unavailable[m] = v->valuedouble;
    }
    return 0;
}

static double round_to(double x, double unit) { return round(x / unit) * unit; }

static cJSON *result_json(const struct sim_state *s, const cJSON *workload)
{
    cJSON *o = cJSON_CreateObject();
    const char *name = json_get_string(workload, "name");
    if (name) cJSON_AddStringToObject(o, "workload", name);
    cJSON_AddNumberToObject(o, "tasks", round_to(s->total_tasks, 1e-6));
    cJSON_AddNumberToObject(o, "served", round_to(s->served, 1e-6));
    cJSON_AddNumberToObject(o, "failed", round_to(s->failed, 1e-6));
    cJSON_AddNumberToObject(o, "blocked", round_to(s->blocked, 1e-6));
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
    cJSON *kinds = cJSON_AddArrayToObject(o, "by_task");
    for (int k = 0; k < TASK_KIND_COUNT; k++) {
        if (s->kinds[k].tasks <= 0) continue;
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "task", task_kind_name((enum task_kind)k));
        cJSON_AddNumberToObject(item, "tasks", round_to(s->kinds[k].tasks, 1e-6));
        cJSON_AddNumberToObject(item, "served", round_to(s->kinds[k].served, 1e-6));
        cJSON_AddNumberToObject(item, "cost_usd", round_to(s->kinds[k].cost_usd, 1e-9));
        cJSON_AddItemToArray(kinds, item);
    }
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

static int parse_days(const cJSON *workload, int *days, char *err, size_t errlen)
{
    const cJSON *v = json_member(workload, "days");
    *days = 1;
    if (!v) return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 366 || v->valuedouble != (int)v->valuedouble)
        return sim_fail(err, errlen, "days: expected a whole number of days from 1 to 366");
    *days = (int)v->valuedouble;
    return 0;
}

cJSON *simulate_run(const struct config *cfg, const cJSON *workload, char *err, size_t errlen)
{
    const cJSON *tasks = cJSON_IsArray(workload) ? workload : json_member(workload, "tasks");
    if (!cJSON_IsArray(tasks) || cJSON_GetArraySize(tasks) == 0) {
        sim_fail(err, errlen, "tasks: expected a non-empty array of tasks");
        return NULL;
    }
    size_t n = cfg->model_count + 1, task_count = (size_t)cJSON_GetArraySize(tasks);
    struct sim_state s = { .cfg = cfg, .unavailable = xcalloc(n, sizeof(double)),
                           .models = xcalloc(n, sizeof(struct sim_model)),
                           .baseline_cost = xcalloc(n, sizeof(double)) };
    route_state_init(&s.route, cfg, NULL, (uint64_t)SIM_EPOCH_MS, NULL, NULL);
    struct sim_task *parsed = xcalloc(task_count, sizeof *parsed);
    cJSON *result = NULL;
    int days;
    int rc = parse_days(workload, &days, err, errlen);
    if (rc == 0)
        rc = parse_unavailable(&s, json_member(workload, "unavailable"), err, errlen);
    for (size_t i = 0; rc == 0 && i < task_count; i++)
        rc = sim_parse_task(cJSON_GetArrayItem(tasks, (int)i), i, &parsed[i], err, errlen);
    if (rc == 0) {
        replay_days(&s, parsed, task_count, days);
        result = result_json(&s, workload);
        cJSON_AddNumberToObject(result, "days", days);
        const cJSON *quality = json_member(workload, "quality");
        cJSON *q = quality ? simulate_quality(cfg, quality, parsed, task_count, days, err, errlen) : NULL;
        if (quality && !q) {
            cJSON_Delete(result);
            result = NULL;
        } else if (q) {
            cJSON_AddItemToObject(result, "quality", q);
        }
    }
    free(parsed);
    free(s.unavailable);
    free(s.models);
    free(s.baseline_cost);
    route_state_free(&s.route);
    return result;
}
