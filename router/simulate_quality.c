/* Quality replay (simulate.h, "quality"): the same task mix, request by request, under
 * several routing policies, with a simulated user who keeps each suggestion with the
 * probability the workload gives for its (task, language, model).
 *
 * Policies: "adaptive" runs the router's own planner with the adaptive strategy,
 * learning from the user's simulated choices through the same ledger lines and the
 * same fold (router/quality) as the server; "static: <model> first" puts one target of
 * each adaptive rule first for every request (the rules as a user would write them
 * without measurements); "all to the strongest" sends each task to the most expensive
 * target of its rule. Non-adaptive rules are planned as written in every policy.
 *
 * Reported figures are expectations (sum of keep probabilities, retained characters),
 * so they do not depend on the draws; only adaptive's learning sees sampled choices, from
 * a generator seeded by "seed", so a run is reproducible. */
#include "router/simulate_int.h"
#include "router/plan.h"
#include "router/quality.h"
#include "base/json.h"
#include "base/xalloc.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POLICIES (ROUTE_PLAN_MAX + 2)
#define SIM_TIME "2026-01-01T00:00:00.000Z"

struct outcome {               /* the user, per (task, language, model) */
    int kind;
    const char *language, *model;
    double accept, retain;
};

struct policy {
    char name[96];
    int forced;                /* adaptive rules: rule target index put first; -1 none */
    bool adaptive, strongest;
    double requests, cost, accepted, retained;
};

struct qsim {
    const struct config *cfg;
    struct outcome *outcomes;
    size_t outcome_count;
    double chars;              /* characters of an accepted suggestion */
    uint64_t rng;
    unsigned long ids;
};

static double draw(struct qsim *s)   /* xorshift64*: uniform in [0, 1) */
{
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return (double)((s->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static const struct outcome *outcome_of(const struct qsim *s, const struct sim_task *t, const char *model)
{
    for (size_t i = 0; i < s->outcome_count; i++) {
        const struct outcome *o = &s->outcomes[i];
        if (o->kind == t->kind && strcmp(o->model, model) == 0 &&
            strcmp(o->language, t->language ? t->language : "") == 0)
            return o;
    }
    return NULL;
}

/* The model a policy sends this task to, or -1 (no route, no usable target). */
static int choose(struct qsim *s, struct route_state *st, struct policy *p, const struct task *task)
{
    struct route_plan plan;
    double u = p->adaptive ? draw(s) : 0.999999;   /* static policies never explore */
    route_plan_compute(st, task, 0, u, &plan);
    if (plan.rule_index < 0) return -1;
    const struct route_rule *r = &s->cfg->routes[plan.rule_index];
    if (r->strategy == STRATEGY_ADAPTIVE && !p->adaptive && r->target_count > 0) {
        size_t pick = 0;
        double most = -1;
        for (size_t k = 0; k < r->target_count; k++) {
            const struct model_spec *m = &s->cfg->models[r->targets[k]];
            double c = m->price.input + m->price.output;
            if (p->strongest ? c > most : (int)k == p->forced) { pick = k; most = c; }
        }
        return (int)r->targets[pick];
    }
    for (size_t k = 0; k < plan.count; k++)
        if (!plan.entries[k].skipped || (plan.entries[k].code && !strcmp(plan.entries[k].code, "no-key")))
            return (int)plan.entries[k].model;
    return -1;
}

/* What the server's ledger would hold for this request, folded into the estimates. */
static void learn(struct qsim *s, struct quality_table *q, const struct sim_task *t,
                  const char *model, double cost, const struct outcome *o)
{
    char line[512], id[32];
    snprintf(id, sizeof id, "sim-%lu", ++s->ids);
    snprintf(line, sizeof line, "{\"time\":\"" SIM_TIME "\",\"attempt_id\":\"%s\",\"task\":\"%s\","
             "\"language\":\"%s\",\"model\":\"%s\",\"outcome\":\"ok\",\"cost_usd\":%.12g}", id,
             task_kind_name((enum task_kind)t->kind), t->language ? t->language : "", model, cost);
    quality_note_line(q, line, 0, INT64_MAX);
    if (!o || draw(s) >= o->accept) return;
    snprintf(line, sizeof line, "{\"time\":\"" SIM_TIME "\",\"accept\":\"%s\"}", id);
    quality_note_line(q, line, 0, INT64_MAX);
    snprintf(line, sizeof line, "{\"time\":\"" SIM_TIME "\",\"signal\":\"retained\",\"attempt_id\":\"%s\","
             "\"chars\":%.0f,\"of\":%.0f}", id, round(s->chars * o->retain), s->chars);
    quality_note_line(q, line, 0, INT64_MAX);
}

static void serve(struct qsim *s, struct route_state *st, struct policy *p, const struct sim_task *t)
{
    struct task task;
    sim_to_router_task(t, &task);
    int m = choose(s, st, p, &task);
    if (m < 0) return;
    const struct model_spec *spec = &s->cfg->models[m];
    double cost = sim_task_cost(spec, t);
    const struct outcome *o = outcome_of(s, t, spec->name);
    p->requests += 1;
    p->cost += cost;
    if (o) {
        p->accepted += o->accept;
        p->retained += o->accept * o->retain * s->chars;
    }
    if (p->adaptive) learn(s, (struct quality_table *)st->quality, t, spec->name, cost, o);
}

/* Each day's tasks interleaved (one of each kind in turn), as a day of editing mixes them. */
static void run_policy(struct qsim *s, struct policy *p, const struct sim_task *tasks, size_t n,
                       int days, uint64_t seed)
{
    struct route_state st;
    route_state_init(&st, s->cfg, NULL, 0, NULL, NULL);
    struct quality_table *q = p->adaptive ? quality_new() : NULL;
    st.quality = q;
    s->rng = seed * 0x9E3779B97F4A7C15ULL | 1;
    double *left = xcalloc(n ? n : 1, sizeof *left);
    for (int d = 0; d < days; d++) {
        bool any = true;
        for (size_t i = 0; i < n; i++) left[i] = round(tasks[i].count);
        while (any) {
            any = false;
            for (size_t i = 0; i < n; i++)
                if (left[i] >= 1) {
                    serve(s, &st, p, &tasks[i]);
                    left[i] -= 1;
                    any = true;
                }
        }
    }
    free(left);
    quality_free(q);
    route_state_free(&st);
}

static int parse_outcomes(struct qsim *s, const cJSON *list, char *err, size_t errlen)
{
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return sim_fail(err, errlen, "quality.outcomes: expected a non-empty array");
    s->outcome_count = (size_t)cJSON_GetArraySize(list);
    s->outcomes = xcalloc(s->outcome_count, sizeof *s->outcomes);
    size_t i = 0;
    for (const cJSON *o = list->child; o; o = o->next, i++) {
        struct outcome *out = &s->outcomes[i];
        const char *kind = json_get_string(o, "task");
        const cJSON *acc = json_member(o, "accept");
        const cJSON *ret = json_member(o, "retain");
        out->kind = task_kind_parse(kind ? kind : "inline");
        out->language = json_get_string(o, "language");
        out->model = json_get_string(o, "model");
        if (!out->language) out->language = "";
        out->accept = cJSON_IsNumber(acc) ? acc->valuedouble : -1;
        out->retain = cJSON_IsNumber(ret) ? ret->valuedouble : ret ? -1 : 1;
        if (out->kind < 0 || !out->model || config_model_index(s->cfg, out->model) < 0)
            return sim_fail(err, errlen, "quality.outcomes[%zu]: needs a known task kind and a model of the config", i);
        if (out->accept < 0 || out->accept > 1 || out->retain < 0 || out->retain > 1)
            return sim_fail(err, errlen, "quality.outcomes[%zu]: accept and retain are shares from 0 to 1", i);
    }
    return 0;
}

static cJSON *policy_json(const struct policy *p, const struct policy *strongest)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "policy", p->name);
    cJSON_AddNumberToObject(o, "requests", p->requests);
    cJSON_AddNumberToObject(o, "cost_usd", round(p->cost * 1e9) / 1e9);
    cJSON_AddNumberToObject(o, "accepted", round(p->accepted * 1e3) / 1e3);
    cJSON_AddNumberToObject(o, "retained_chars", round(p->retained));
    if (p->accepted > 0) cJSON_AddNumberToObject(o, "cost_per_accepted_usd", p->cost / p->accepted);
    if (strongest->accepted > 0)
        cJSON_AddNumberToObject(o, "acceptance_vs_strongest", p->accepted / strongest->accepted);
    if (strongest->cost > 0) cJSON_AddNumberToObject(o, "cost_vs_strongest", p->cost / strongest->cost);
    return o;
}

/* The policies: adaptive, one static order per target position, all to the strongest. */
static size_t make_policies(const struct config *cfg, struct policy *p)
{
    size_t n = 0, targets = 0;
    const struct route_rule *first = NULL;
    for (size_t i = 0; i < cfg->route_count; i++)
        if (cfg->routes[i].strategy == STRATEGY_ADAPTIVE && cfg->routes[i].target_count > targets) {
            targets = cfg->routes[i].target_count;
            first = &cfg->routes[i];
        }
    p[n++] = (struct policy){ .name = "adaptive", .forced = -1, .adaptive = true };
    for (size_t k = 0; k < targets && n < MAX_POLICIES - 1; k++) {
        struct policy *s = &p[n++];
        *s = (struct policy){ .forced = (int)k };
        snprintf(s->name, sizeof s->name, "static: %s first", cfg->models[first->targets[k]].name);
    }
    p[n++] = (struct policy){ .name = "all to the strongest", .forced = -1, .strongest = true };
    return n;
}

cJSON *simulate_quality(const struct config *cfg, const cJSON *quality, const struct sim_task *tasks,
                        size_t task_count, int days, char *err, size_t errlen)
{
    struct qsim s = { .cfg = cfg, .chars = 40 };
    const cJSON *seed = json_member(quality, "seed");
    const cJSON *chars = json_member(quality, "accepted_chars");
    if (!cJSON_IsObject(quality)) {
        sim_fail(err, errlen, "quality: expected an object with outcomes");
        return NULL;
    }
    if (cJSON_IsNumber(chars) && chars->valuedouble > 0) s.chars = chars->valuedouble;
    if (parse_outcomes(&s, json_member(quality, "outcomes"), err, errlen) < 0) {
        free(s.outcomes);
        return NULL;
    }
    struct policy p[MAX_POLICIES];
    size_t n = make_policies(cfg, p);
    uint64_t base = cJSON_IsNumber(seed) ? (uint64_t)seed->valuedouble : 1;
    for (size_t i = 0; i < n; i++) run_policy(&s, &p[i], tasks, task_count, days, base);
    const struct policy *strongest = &p[n - 1];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seed", (double)base);
    cJSON *list = cJSON_AddArrayToObject(o, "policies");
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(list, policy_json(&p[i], strongest));
    free(s.outcomes);
    return o;
}
