/* Explanations of routing decisions: the plan a task would get now, and why each
 * target was chosen or skipped, as text (`switchboard route`) or JSON
 * (switchboard.explainRoute). Read-only: nothing is started or recorded. */
#include "router/router_int.h"
#include "ledger/cost.h"
#include "base/buf.h"
#include <stdio.h>
#include <string.h>

static const char *strategy_name(enum route_strategy s)
{
    return s == STRATEGY_SPLIT ? "split" : s == STRATEGY_HEDGE ? "hedge" : "fallback";
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
    buf_printf(&out, "rule: %s\n", plan.summary);
    if (plan.rule_index < 0) return buf_steal(&out);
    buf_printf(&out, "strategy: %s", strategy_name(plan.strategy));
    if (plan.strategy == STRATEGY_HEDGE) buf_printf(&out, " (second target after %ld ms)", plan.hedge_after_ms);
    buf_puts(&out, "\n");
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
    cJSON_AddStringToObject(o, "strategy", strategy_name(plan.strategy));
    if (plan.strategy == STRATEGY_HEDGE) cJSON_AddNumberToObject(o, "hedge_after_ms", (double)plan.hedge_after_ms);
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
