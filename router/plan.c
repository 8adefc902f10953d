/* Route planning (see plan.h): first matching rule, strategy ordering, then each
 * target checked for capability (a FIM-only API cannot run an action), key, context
 * window, breaker, rate-limit cooldown, budget and provider concurrency, with the
 * reason written down either way. */
#include "router/plan.h"
#include "router/adaptive.h"
#include "providers/http_policy.h"
#include "ledger/cost.h"
#include "base/glob.h"
#include "base/xalloc.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void route_state_init(struct route_state *st, const struct config *cfg,
                      const struct route_state *previous, uint64_t now,
                      budget_spend_fn spend, void *spend_data)
{
    memset(st, 0, sizeof *st);
    st->cfg = cfg;
    size_t models = cfg ? cfg->model_count : 0, providers = cfg ? cfg->provider_count : 0;
    st->health = xcalloc(models ? models : 1, sizeof *st->health);
    st->provider_in_flight = xcalloc(providers ? providers : 1, sizeof *st->provider_in_flight);
    for (size_t i = 0; i < models; i++) breaker_init(&st->health[i].breaker);
    for (size_t i = 0; previous && previous->cfg && i < models; i++) {
        for (size_t k = 0; k < previous->cfg->model_count; k++)
            if (strcmp(previous->cfg->models[k].name, cfg->models[i].name) == 0)
                st->health[i] = previous->health[k];
    }
    budget_state_init(&st->budget, cfg, (int64_t)now, spend, spend_data);
}

void route_state_free(struct route_state *st)
{
    free(st->health);
    free(st->provider_in_flight);
    budget_state_free(&st->budget);
    memset(st, 0, sizeof *st);
}

static bool in_list(char *const *list, const char *value)
{
    for (size_t i = 0; list[i]; i++)
        if (strcasecmp(list[i], value) == 0) return true;
    return false;
}

static bool rule_matches(const struct route_rule *r, const struct task *t)
{
    long tokens = t->prompt_tokens_estimate;
    if (r->task_mask && !(r->task_mask & (1u << t->kind))) return false;
    if (r->trigger_mask && !(r->trigger_mask & (1u << t->trigger))) return false;
    if (r->languages && (!t->language || !in_list(r->languages, t->language))) return false;
    if (r->path_globs && (!t->path || !glob_match_any(r->path_globs, t->path))) return false;
    if (r->min_tokens > 0 && tokens < r->min_tokens) return false;
    if (r->max_tokens > 0 && tokens > r->max_tokens) return false;
    return true;
}

int route_match_rule(const struct config *cfg, const struct task *task)
{
    for (size_t i = 0; cfg && i < cfg->route_count; i++)
        if (rule_matches(&cfg->routes[i], task)) return (int)i;
    return -1;
}

long route_output_reserve(const struct config *cfg, const struct model_spec *m,
                          const struct task *task)
{
    if (task->max_output_tokens > 0) return task->max_output_tokens;
    if (m->max_output_tokens > 0) return m->max_output_tokens;
    if (task->kind == TASK_INLINE && cfg->inline_opts.max_output_tokens > 0)
        return cfg->inline_opts.max_output_tokens;
    return task->kind == TASK_INLINE ? 128 : 1024;
}

double route_affinity_point(unsigned long long x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return (double)(x >> 11) / 9007199254740992.0;   /* 53 bits -> [0,1) */
}

/* Split: the target whose cumulative weight band contains the draw. */
static size_t split_pick(const struct route_rule *r, double u)
{
    double total = 0;
    for (size_t i = 0; i < r->target_count; i++) total += r->weights && r->weights[i] > 0 ? r->weights[i] : 0;
    if (total <= 0) return (size_t)(u * (double)r->target_count) % (r->target_count ? r->target_count : 1);
    double point = u * total, acc = 0;
    for (size_t i = 0; i < r->target_count; i++) {
        acc += r->weights && r->weights[i] > 0 ? r->weights[i] : 0;
        if (point < acc) return i;
    }
    return r->target_count - 1;
}

static double task_cost(const struct config *cfg, const struct model_spec *m, const struct task *t)
{
    return cost_of_tokens(&m->price, t->prompt_tokens_estimate, route_output_reserve(cfg, m, t), 0, 0);
}

static const struct provider_config *provider_of(const struct config *cfg, size_t model)
{
    if (!cfg->model_provider || !cfg->providers) return NULL;
    size_t p = cfg->model_provider[model];
    return p < cfg->provider_count ? &cfg->providers[p] : NULL;
}

/* A model whose endpoint is on this machine: its (or its provider's) base URL is
 * loopback, by the one loopback rule (providers/http_policy.h). */
static bool model_is_local(const struct config *cfg, size_t model)
{
    const struct model_spec *m = &cfg->models[model];
    return m->base_url && http_url_is_loopback(m->base_url);
}

/* Every check that can rule a target out; fills e->skipped/code/reason when it does. */
static void check_target(const struct route_state *st, const struct task *t, uint64_t now,
                         struct route_plan_entry *e, struct budget_verdict *bv)
{
    const struct config *cfg = st->cfg;
    const struct model_spec *m = &cfg->models[e->model];
    const struct provider_config *p = provider_of(cfg, e->model);
    const struct target_health *h = &st->health[e->model];
    uint64_t until = 0;
    memset(bv, 0, sizeof *bv);
    e->skipped = true;
    if (t->local_only && !model_is_local(cfg, e->model)) {
        e->code = "local-only";
        snprintf(e->reason, sizeof e->reason, "local-only file (privacy.local_only): %s is not on this machine",
                 p ? p->name : m->name);
        return;
    }
    if (t->kind != TASK_INLINE && !config_model_action_capable(m)) {   /* a FIM-only API */
        e->code = "capability";
        snprintf(e->reason, sizeof e->reason, "cannot do %s: kind %s does inline completion only",
                 task_kind_name(t->kind), m->provider_kind ? m->provider_kind : "?");
        return;
    }
    if (p && (p->api_key_env || p->api_key_cmd) && !p->api_key && !m->api_key) {
        e->code = "no-key";
        if (p->api_key_env) snprintf(e->reason, sizeof e->reason, "no key: %s is not set", p->api_key_env);
        else snprintf(e->reason, sizeof e->reason, "no key: api_key_cmd gave none");
        return;
    }
    long need = t->prompt_tokens_estimate + route_output_reserve(cfg, m, t);
    if (m->context_window > 0 && need > m->context_window) {
        e->code = "context";
        snprintf(e->reason, sizeof e->reason,
                 "context too small: needs ~%ld tokens (prompt %ld + output %ld), window %ld", need,
                 t->prompt_tokens_estimate, need - t->prompt_tokens_estimate, m->context_window);
        return;
    }
    if (!breaker_allows(&h->breaker, now, &until)) {
        e->code = "breaker";
        if (until > now)
            snprintf(e->reason, sizeof e->reason, "breaker open for %llu ms more (trial after cooldown)",
                     (unsigned long long)(until - now));
        else
            snprintf(e->reason, sizeof e->reason, "breaker half-open: its single trial request is running");
        return;
    }
    if (h->cooldown_until > now) {
        e->code = "cooldown";
        snprintf(e->reason, sizeof e->reason, "rate limited for %llu ms more",
                 (unsigned long long)(h->cooldown_until - now));
        return;
    }
    if (budget_check(&st->budget, cfg, e->model, (int64_t)now, bv)) {
        e->code = bv->block ? "budget-block" : "budget";
        snprintf(e->reason, sizeof e->reason, "over budget: %.140s", bv->reason);
        return;
    }
    if (p && p->max_concurrency > 0 && cfg->model_provider &&
        st->provider_in_flight[cfg->model_provider[e->model]] >= p->max_concurrency) {
        int n = st->provider_in_flight[cfg->model_provider[e->model]];
        if (t->kind == TASK_INLINE) {
            e->code = "concurrency";
            snprintf(e->reason, sizeof e->reason, "provider %s at its concurrency limit (%d in flight)",
                     p->name, n);
            return;
        }
        e->skipped = false;
        e->code = "queue";
        snprintf(e->reason, sizeof e->reason, "provider %s at its concurrency limit (%d in flight): will wait in line",
                 p->name, n);
        return;
    }
    e->skipped = false;
    e->code = NULL;
}

static void describe_usable(const struct route_plan *plan, const struct route_state *st,
                            size_t usable_index, struct route_plan_entry *e, uint64_t now)
{
    if (e->code) return;   /* the queue note is already written */
    if (usable_index == 0 && plan->strategy == STRATEGY_SPLIT)
        snprintf(e->reason, sizeof e->reason, "chosen by split");
    else if (usable_index == 0)
        snprintf(e->reason, sizeof e->reason, "chosen: first usable target");
    else if (usable_index == 1 && plan->strategy == STRATEGY_HEDGE)
        snprintf(e->reason, sizeof e->reason, "hedge: starts if no first token after %ld ms",
                 plan->hedge_after_ms);
    else
        snprintf(e->reason, sizeof e->reason, "fallback #%zu", usable_index);
    if (breaker_state_at(&st->health[e->model].breaker, now) == BREAKER_HALF_OPEN) {
        size_t len = strlen(e->reason);
        snprintf(e->reason + len, sizeof e->reason - len, "; breaker half-open: this is its trial");
    }
}

/* The pinned entry's reason: why it leads, or why it could not serve. */
static void describe_pin(struct route_plan_entry *e)
{
    char why[sizeof e->reason];
    if (!e->skipped || (e->code && strcmp(e->code, "queue") == 0)) {
        snprintf(why, sizeof why, "%s", e->code ? e->reason : "");
        snprintf(e->reason, sizeof e->reason, "pinned by the user (switchboard.pin)%s%.120s",
                 why[0] ? "; " : "", why);
        return;
    }
    snprintf(why, sizeof why, "%s", e->reason);
    snprintf(e->reason, sizeof e->reason, "pinned, but cannot serve: %.130s", why);
}

/* All plan targets over a downgrade budget: add configured models that are cheaper
 * for this task and usable, the next cheaper first. */
static void add_downgrades(const struct route_state *st, const struct task *t, uint64_t now,
                           double ceiling, struct route_plan *plan)
{
    const struct config *cfg = st->cfg;
    double below = ceiling;
    while (plan->count < ROUTE_PLAN_MAX) {
        int best = -1;
        double best_cost = -1;
        for (size_t m = 0; m < cfg->model_count; m++) {
            bool present = false;
            for (size_t k = 0; k < plan->count; k++) present |= plan->entries[k].model == m;
            double c = task_cost(cfg, &cfg->models[m], t);
            if (present || c >= below || c <= best_cost) continue;
            struct route_plan_entry probe = { .model = m };
            struct budget_verdict bv;
            check_target(st, t, now, &probe, &bv);
            if (probe.skipped) continue;
            best = (int)m;
            best_cost = c;
        }
        if (best < 0) return;
        struct route_plan_entry *e = &plan->entries[plan->count++];
        memset(e, 0, sizeof *e);
        e->model = (size_t)best;
        e->downgrade = true;
        snprintf(e->reason, sizeof e->reason,
                 "downgrade: next cheaper model within budget (~$%.6f for this task)", best_cost);
        plan->usable++;
        below = best_cost;
    }
}

int route_plan_compute(const struct route_state *st, const struct task *t, uint64_t now,
                       double u01, struct route_plan *plan)
{
    /* Header only: entries are cleared as they are used (the array is ~3 KB). */
    memset(plan, 0, offsetof(struct route_plan, entries));
    plan->count = plan->usable = 0;
    plan->budget_blocked = false;
    const struct config *cfg = st->cfg;
    plan->rule_index = route_match_rule(cfg, t);
    if (cfg && cfg->refusal) {   /* an invalid configuration serves nothing */
        plan->rule_index = -1;
        snprintf(plan->summary, sizeof plan->summary, "configuration not applied: %s", cfg->refusal);
        return -1;
    }
    if (plan->rule_index < 0) {
        snprintf(plan->summary, sizeof plan->summary, "no route matches task %s (add a rule with \"when\": {})",
                 task_kind_name(t->kind));
        return -1;
    }
    const struct route_rule *r = &cfg->routes[plan->rule_index];
    plan->strategy = r->strategy;
    plan->hedge_after_ms = r->hedge_after_ms;
    snprintf(plan->summary, sizeof plan->summary, "%s matched: task %s, trigger %s%s%s, ~%ld prompt tokens",
             r->label ? r->label : "route", task_kind_name(t->kind), task_trigger_name(t->trigger),
             t->language ? ", language " : "", t->language ? t->language : "", t->prompt_tokens_estimate);
    size_t first = 0;
    if (r->strategy == STRATEGY_SPLIT && r->target_count > 0)
        first = split_pick(r, t->affinity ? route_affinity_point(t->affinity) : u01);
    struct adaptive_pick pick;
    bool adaptive = r->strategy == STRATEGY_ADAPTIVE && r->target_count > 0;
    if (adaptive) adaptive_pick(st->quality, cfg, r, t, u01, &pick);
    double over_ceiling = -1;
    bool any_downgrade = false;
    /* A pin goes first, through the same checks; if it cannot serve, the rule's
     * own targets follow and its reason says why. */
    const char *pinned = t->pin_model ? t->pin_model : pin_table_lookup(st->pins, t->kind, t->language);
    int pin_model = pinned ? config_model_index(cfg, pinned) : -1;
    for (size_t k = pin_model >= 0 ? 0 : 1; k <= r->target_count && plan->count < ROUTE_PLAN_MAX; k++) {
        /* Split and adaptive put their pick first, then the rest in rule order as
         * fallbacks. */
        size_t idx = k == 0 ? 0 : adaptive ? pick.order[k - 1] : k == 1 ? first : (k - 1 <= first ? k - 2 : k - 1);
        size_t model = k == 0 ? (size_t)pin_model : r->targets[idx];
        if (model >= cfg->model_count || (k > 0 && (int)model == pin_model)) continue;
        struct route_plan_entry *e = &plan->entries[plan->count++];
        memset(e, 0, sizeof *e);
        e->model = model;
        e->pinned = k == 0;
        struct budget_verdict bv;
        check_target(st, t, now, e, &bv);
        if (e->pinned) describe_pin(e);
        if (!e->skipped) {
            if (!e->pinned) describe_usable(plan, st, plan->usable, e, now);
            if (adaptive && plan->usable == 0 && k > 0 && idx == pick.order[0])
                adaptive_describe(&pick, cfg, r, e->reason, sizeof e->reason);
            plan->usable++;
        } else if (bv.over && bv.block) {
            plan->budget_blocked = true;
        } else if (bv.over) {
            any_downgrade = true;
            double c = task_cost(cfg, &cfg->models[e->model], t);
            if (over_ceiling < 0 || c < over_ceiling) over_ceiling = c;
        }
    }
    if (plan->usable == 0 && any_downgrade) add_downgrades(st, t, now, over_ceiling, plan);
    return plan->usable ? 0 : -1;
}
