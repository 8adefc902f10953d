/* Explanations of routing decisions: the plan a task would get now, and why each
 * target was chosen or skipped, as text (`switchboard route`) or JSON
 * (switchboard.explainRoute). Read-only: nothing is started or recorded. */
#include "router/router_int.h"
#include "ledger/cost.h"
#include "base/buf.h"
#include <stdio.h>
#include <string.h>


/* One target's measured figures for an adaptive rule (per task and language). */
struct adaptive_row {
    const char *model;
    struct quality_estimate est;
    double retained_per_request;   /* accepted characters still there 30 s later, per answer */
    double cost_per_accepted;      /* < 0 when nothing was accepted yet */
};

static size_t adaptive_rows(struct router *r, const struct route_rule *rule, const struct task *t,
                            struct adaptive_row *rows, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < rule->target_count && n < max; i++) {
        struct adaptive_row *row = &rows[n++];
        row->model = r->cfg->models[rule->targets[i]].name;
        quality_lookup(r->quality, task_kind_name(t->kind), t->language, row->model, &row->est);
        row->retained_per_request = row->est.delivered ? row->est.retained_chars / (double)row->est.delivered : 0;
        double kept = (double)row->est.accepted + 0.5 * (double)row->est.partial;
        row->cost_per_accepted = kept > 0 ? row->est.cost_usd / kept : -1;
    }
    return n;
}

static void adaptive_text(struct buf *out, struct router *r, const struct route_rule *rule,
                          const struct task *t)
{
    struct adaptive_row rows[ROUTE_PLAN_MAX];
    size_t n = adaptive_rows(r, rule, t, rows, ROUTE_PLAN_MAX);
    buf_printf(out, "estimates for %s%s%s, last %d days%s:\n", task_kind_name(t->kind),
               t->language ? "/" : "", t->language ? t->language : "", LEARN_WINDOW_DAYS,
               router_learning(r) ? " (still reading the ledger)" : "");
    buf_printf(out, "  %-12s %8s %8s %9s %13s %12s %13s\n", "MODEL", "QUALITY", "ANSWERS", "ACCEPTED",
               "RETAINED/REQ", "$/REQUEST", "$/ACCEPTED");
    for (size_t i = 0; i < n; i++) {
        const struct adaptive_row *row = &rows[i];
        char per_req[32] = "-", per_acc[32] = "-";
        if (row->est.cost_per_request >= 0) snprintf(per_req, sizeof per_req, "%.6f", row->est.cost_per_request);
        if (row->cost_per_accepted >= 0) snprintf(per_acc, sizeof per_acc, "%.6f", row->cost_per_accepted);
        buf_printf(out, "  %-12s %8.2f %8ld %9ld %13.1f %12s %13s\n", row->model, row->est.quality,
                   row->est.delivered, row->est.accepted, row->retained_per_request, per_req, per_acc);
    }
}

static cJSON *adaptive_json(struct router *r, const struct route_rule *rule, const struct task *t)
{
    struct adaptive_row rows[ROUTE_PLAN_MAX];
    size_t n = adaptive_rows(r, rule, t, rows, ROUTE_PLAN_MAX);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "quality_floor", rule->quality_floor);
    cJSON_AddNumberToObject(o, "explore", rule->explore);
    cJSON_AddNumberToObject(o, "min_observations", (double)rule->min_observations);
    cJSON_AddNumberToObject(o, "window_days", LEARN_WINDOW_DAYS);
    cJSON_AddBoolToObject(o, "learning", router_learning(r));
    cJSON *list = cJSON_AddArrayToObject(o, "estimates");
    for (size_t i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "model", rows[i].model);
        cJSON_AddNumberToObject(e, "quality", rows[i].est.quality);
        cJSON_AddNumberToObject(e, "answers", (double)rows[i].est.delivered);
        cJSON_AddNumberToObject(e, "accepted", (double)rows[i].est.accepted);
        cJSON_AddNumberToObject(e, "partial", (double)rows[i].est.partial);
        cJSON_AddNumberToObject(e, "retained_chars_per_request", rows[i].retained_per_request);
        if (rows[i].est.cost_per_request >= 0)
            cJSON_AddNumberToObject(e, "cost_per_request_usd", rows[i].est.cost_per_request);
        if (rows[i].cost_per_accepted >= 0)
            cJSON_AddNumberToObject(e, "cost_per_accepted_usd", rows[i].cost_per_accepted);
        cJSON_AddItemToArray(list, e);
    }
    return o;
}

static double estimated_cost(const struct config *cfg, const struct model_spec *m,
                             const struct task *t)
{
    return cost_of_tokens(&m->price, t->prompt_tokens_estimate, route_output_reserve(cfg, m, t), 0, 0);
}

/* The task with its token estimate filled, as the plan saw it. */
static struct task planned_task(const struct task *task)
{
    struct task t = *task;
    if (t.prompt_tokens_estimate <= 0) task_estimate_tokens(&t);
    return t;
}

char *router_explain_text(struct router *r, const struct task *task)
{
    struct task t = planned_task(task);
    struct route_plan plan;
    const struct config *cfg = r->cfg;
    struct buf out = { 0 };
    router_plan_for(r, &t, &plan);
    buf_printf(&out, "task: %s (trigger %s", task_kind_name(t.kind), task_trigger_name(t.trigger));
    if (t.language) buf_printf(&out, ", language %s", t.language);
    if (t.path) buf_printf(&out, ", path %s", t.path);
    buf_printf(&out, ", ~%ld prompt tokens)\n", t.prompt_tokens_estimate);
    buf_printf(&out, "config: %s\n", cfg->source ? cfg->source : "?");
    if (cfg->refusal) {   /* in full: the summary is cut at 160 bytes */
        buf_printf(&out, "configuration not applied: %s\nresult: nothing is sent to any model until it is fixed\n",
                   cfg->refusal);
        return buf_steal(&out);
    }
    buf_printf(&out, "rule: %s\n", plan.summary);
    if (plan.rule_index < 0) return buf_steal(&out);
    buf_printf(&out, "strategy: %s", config_strategy_name(plan.strategy));
    if (plan.strategy == STRATEGY_HEDGE) buf_printf(&out, " (second target after %ld ms)", plan.hedge_after_ms);
    const struct route_rule *rule = &cfg->routes[plan.rule_index];
    if (plan.strategy == STRATEGY_ADAPTIVE)
        buf_printf(&out, " (quality floor %.0f%% of the best, explore %.0f%%, trusted after %ld answers)",
                   rule->quality_floor * 100, rule->explore * 100, rule->min_observations);
    buf_puts(&out, "\n");
    if (plan.strategy == STRATEGY_ADAPTIVE) adaptive_text(&out, r, rule, &t);
    const char *pinned = pin_table_lookup(r->pins, t.kind, t.language);
    if (pinned) buf_printf(&out, "pinned: %s (switchboard.pin; unpin to route by the rule)\n", pinned);
    int order = 0;
    for (size_t i = 0; i < plan.count; i++) {
        const struct route_plan_entry *e = &plan.entries[i];
        const struct model_spec *m = &cfg->models[e->model];
        char label[16];
        if (e->skipped) snprintf(label, sizeof label, "   -");
        else snprintf(label, sizeof label, "%3d.", ++order);
        buf_printf(&out, "%s %-12s %s/%s  ~$%.6f  %s%s\n", label, m->name,
                   m->provider_name ? m->provider_name : "?", m->model ? m->model : "?",
                   estimated_cost(cfg, m, &t), e->skipped ? "skipped: " : "", e->reason);
    }
    if (plan.usable == 0)
        buf_printf(&out, "result: %s\n", plan.budget_blocked ? "refused: budget reached (action block)"
                                                            : "no usable target: the request would fail");
    buf_printf(&out, "spent today: $%.4f\n", router_spent_today(r));
    return buf_steal(&out);
}

cJSON *router_explain_json(struct router *r, const struct task *task)
{
    struct task t = planned_task(task);
    struct route_plan plan;
    const struct config *cfg = r->cfg;
    uint64_t now = router_now(r);
    router_plan_for(r, &t, &plan);
    cJSON *o = cJSON_CreateObject();
    cJSON *jt = cJSON_AddObjectToObject(o, "task");
    cJSON_AddStringToObject(jt, "kind", task_kind_name(t.kind));
    cJSON_AddStringToObject(jt, "trigger", task_trigger_name(t.trigger));
    if (t.language) cJSON_AddStringToObject(jt, "language", t.language);
    if (t.path) cJSON_AddStringToObject(jt, "path", t.path);
    cJSON_AddNumberToObject(jt, "prompt_tokens", (double)t.prompt_tokens_estimate);
    cJSON_AddNumberToObject(o, "rule_index", plan.rule_index);
    if (plan.rule_index >= 0 && cfg->routes[plan.rule_index].label)
        cJSON_AddStringToObject(o, "rule", cfg->routes[plan.rule_index].label);
    cJSON_AddStringToObject(o, "summary", plan.summary);
    if (cfg->refusal) cJSON_AddStringToObject(o, "refusal", cfg->refusal);
    cJSON_AddStringToObject(o, "strategy", config_strategy_name(plan.strategy));
    if (plan.strategy == STRATEGY_HEDGE) cJSON_AddNumberToObject(o, "hedge_after_ms", (double)plan.hedge_after_ms);
    if (plan.strategy == STRATEGY_ADAPTIVE)
        cJSON_AddItemToObject(o, "adaptive", adaptive_json(r, &cfg->routes[plan.rule_index], &t));
    const char *pinned = pin_table_lookup(r->pins, t.kind, t.language);
    if (pinned) cJSON_AddStringToObject(o, "pinned", pinned);
    cJSON *targets = cJSON_AddArrayToObject(o, "targets");
    for (size_t i = 0; i < plan.count; i++) {
        const struct route_plan_entry *e = &plan.entries[i];
        const struct model_spec *m = &cfg->models[e->model];
        cJSON *jt2 = cJSON_CreateObject();
        cJSON_AddStringToObject(jt2, "model", m->name);
        if (m->provider_name) cJSON_AddStringToObject(jt2, "provider", m->provider_name);
        if (m->model) cJSON_AddStringToObject(jt2, "api_model", m->model);
        cJSON_AddBoolToObject(jt2, "skipped", e->skipped);
        if (e->code) cJSON_AddStringToObject(jt2, "code", e->code);
        cJSON_AddStringToObject(jt2, "reason", e->reason);
        if (e->downgrade) cJSON_AddBoolToObject(jt2, "downgrade", true);
        if (e->pinned) cJSON_AddBoolToObject(jt2, "pinned", true);
        /* For pickers: whether the code leaves the machine. */
        const struct provider_config *pc = config_model_provider(cfg, e->model);
        cJSON_AddBoolToObject(jt2, "local", pc && pc->kind && config_kind_is_local(pc->kind));
        cJSON_AddStringToObject(jt2, "breaker",
                                breaker_state_name(breaker_state_at(&r->state.health[e->model].breaker, now)));
        cJSON_AddNumberToObject(jt2, "estimated_cost_usd", estimated_cost(cfg, m, &t));
        cJSON_AddItemToArray(targets, jt2);
    }
    cJSON_AddNumberToObject(o, "usable", (double)plan.usable);
    cJSON_AddBoolToObject(o, "budget_blocked", plan.budget_blocked);
    cJSON_AddNumberToObject(o, "spent_today_usd", router_spent_today(r));
    return o;
}
