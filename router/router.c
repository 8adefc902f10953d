/* The router object: configuration swaps, the shared target state (breakers,
 * rate-limit cooldowns, provider slots, budgets), injectable clock and randomness,
 * status queries and connection warming. The executor lives in run.c, the
 * explanations in explain.c. */
#include "router/router_int.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t default_clock(void *data)
{
    (void)data;
    return (uint64_t)clock_wall_ms();
}

static double default_random(void *data)
{
    uint64_t *s = data;   /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

uint64_t router_now(struct router *r) { return r->now_ms(r->now_data); }

double router_random(struct router *r)
{
    double u = r->uniform01(r->random_data);
    return u < 0 ? 0 : u >= 1 ? 0.999999999 : u;
}

static double ledger_spend(void *data, int64_t since, const char *model, const char *provider)
{
    return ledger_spend_since(data, since, model, provider);
}

/* keep_totals: carry the budget totals over instead of taking them from the ledger
 * (there is none, or it has just been replaced by one without this spend in it). */
static void rebuild_state(struct router *r, struct config *cfg, bool keep_totals)
{
    struct route_state old = r->state;
    route_state_init(&r->state, cfg, old.cfg ? &old : NULL, router_now(r),
                     r->ledger ? ledger_spend : NULL, r->ledger);
    /* Slots in use by runs of the old config stay counted (matched by provider name). */
    for (size_t i = 0; old.cfg && i < cfg->provider_count; i++)
        for (size_t k = 0; k < old.cfg->provider_count; k++)
            if (strcmp(cfg->providers[i].name, old.cfg->providers[k].name) == 0)
                r->state.provider_in_flight[i] = old.provider_in_flight[k];
    /* Without a ledger the running totals are the only record: keep them. */
    if ((keep_totals || !r->ledger) && old.cfg) {
        r->state.budget.total_day = old.budget.total_day;
        r->state.budget.total_month = old.budget.total_month;
        for (size_t i = 0; i < cfg->budget_count; i++)
            for (size_t k = 0; k < old.cfg->budget_count; k++) {
                const struct budget_rule *a = &cfg->budgets[i], *b = &old.cfg->budgets[k];
                if (a->scope != b->scope || (a->name && (!b->name || strcmp(a->name, b->name)))) continue;
                r->state.budget.day_spent[i] = old.budget.day_spent[k];
                r->state.budget.month_spent[i] = old.budget.month_spent[k];
            }
    }
    if (old.cfg) route_state_free(&old);
    r->state.quality = r->quality;
    r->state.pins = r->pins;
}

struct router *router_new(uv_loop_t *loop, struct http_engine *http, struct ledger *ledger,
                          struct config *cfg)
{
    struct router *r = xcalloc(1, sizeof *r);
    r->loop = loop;
    r->http = http;
    r->ledger = ledger;
    r->now_ms = default_clock;
    r->uniform01 = default_random;
    r->rng = clock_monotonic_us() | 1;
    r->random_data = &r->rng;
    r->cfg = config_ref(cfg);
    r->quality = quality_new();
    r->pins = pin_table_new();
    rebuild_state(r, cfg, false);
    router_listen(r);
    return r;
}

void router_set_config(struct router *r, struct config *cfg)
{
    struct config *old = r->cfg;
    r->cfg = config_ref(cfg);
    pin_table_clear(r->pins);   /* a pin lasts until unpinned or reload (docs/lsp.md) */
    rebuild_state(r, cfg, false);
    config_unref(old);
}

void router_set_ledger(struct router *r, struct ledger *ledger)
{
    router_learn_detach(r);   /* the estimates stay; new lines come from the new ledger */
    r->ledger = ledger;
    router_listen(r);
    rebuild_state(r, r->cfg, true);
}

void router_set_telemetry(struct router *r, struct telemetry *telemetry) { r->telemetry = telemetry; }

struct config *router_config(struct router *r) { return r->cfg; }

void router_free(struct router *r)
{
    if (!r) return;
    run_cancel_all(r);
    router_learn_detach(r);
    quality_free(r->quality);
    pin_table_free(r->pins);
    route_state_free(&r->state);
    config_unref(r->cfg);
    free(r);
}

void router_set_clock(struct router *r, uint64_t (*now_ms)(void *), void *data)
{
    r->now_ms = now_ms ? now_ms : default_clock;
    r->now_data = data;
    /* Budget periods follow the injected clock from now on. */
    rebuild_state(r, r->cfg, false);
}

void router_set_random(struct router *r, double (*uniform01)(void *), void *data)
{
    r->uniform01 = uniform01 ? uniform01 : default_random;
    r->random_data = uniform01 ? data : &r->rng;
}

/* A model of cfg as an index into the current config, by name; -1 if gone. */
static int current_model(struct router *r, const struct config *cfg, size_t model)
{
    if (cfg == r->cfg) return (int)model;
    for (size_t i = 0; i < r->cfg->model_count; i++)
        if (strcmp(r->cfg->models[i].name, cfg->models[model].name) == 0) return (int)i;
    return -1;
}

struct target_health *router_health(struct router *r, const struct config *cfg, size_t model)
{
    int m = current_model(r, cfg, model);
    return m < 0 ? NULL : &r->state.health[m];
}

static int *provider_slots(struct router *r, const struct config *cfg, size_t model, int *limit)
{
    int m = current_model(r, cfg, model);
    if (m < 0 || !r->cfg->model_provider) return NULL;
    size_t p = r->cfg->model_provider[m];
    if (p >= r->cfg->provider_count) return NULL;
    *limit = r->cfg->providers[p].max_concurrency;
    return &r->state.provider_in_flight[p];
}

bool router_slot_available(struct router *r, const struct config *cfg, size_t model)
{
    int limit = 0;
    int *slots = provider_slots(r, cfg, model, &limit);
    return !slots || limit <= 0 || *slots < limit;
}

void router_slot_take(struct router *r, const struct config *cfg, size_t model)
{
    int limit = 0;
    int *slots = provider_slots(r, cfg, model, &limit);
    if (slots) (*slots)++;
}

void router_slot_release(struct router *r, const struct config *cfg, size_t model)
{
    int limit = 0;
    int *slots = provider_slots(r, cfg, model, &limit);
    if (slots && *slots > 0) (*slots)--;
    run_queue_pump(r);
}

void router_charge(struct router *r, const struct config *cfg, size_t model, double usd)
{
    int m = current_model(r, cfg, model);
    if (m >= 0) budget_add(&r->state.budget, r->cfg, (size_t)m, usd, (int64_t)router_now(r));
}

int router_plan_for(struct router *r, const struct task *task, struct route_plan *out)
{
    struct task t = *task;   /* shallow: only the estimate may change */
    if (t.prompt_tokens_estimate <= 0) task_estimate_tokens(&t);
    return route_plan_compute(&r->state, &t, router_now(r), router_random(r), out);
}

int router_plan(struct router *r, const struct task *task, struct route_plan *out)
{
    return router_plan_for(r, task, out);
}

cJSON *router_breaker_states(struct router *r)
{
    cJSON *o = cJSON_CreateObject();
    uint64_t now = router_now(r);
    for (size_t i = 0; i < r->cfg->model_count; i++)
        cJSON_AddStringToObject(o, r->cfg->models[i].name,
                                breaker_state_name(breaker_state_at(&r->state.health[i].breaker, now)));
    return o;
}

int router_pin(struct router *r, const char *task, const char *language, const char *model,
               char *err, size_t err_size)
{
    int kind = task ? task_kind_parse(task) : -1;
    if (kind < 0) {
        snprintf(err, err_size, "unknown task '%s'", task ? task : "(none)");
        return -1;
    }
    if (model && config_model_index(r->cfg, model) < 0) {
        snprintf(err, err_size, "unknown model '%s' (not in the configuration)", model);
        return -1;
    }
    pin_table_set(r->pins, (enum task_kind)kind, language, model);
    return 0;
}

cJSON *router_pins_json(struct router *r) { return pin_table_json(r->pins); }

int router_in_flight(struct router *r) { return r->run_count; }

double router_spent_today(struct router *r)
{
    return budget_spent_today(&r->state.budget, (int64_t)router_now(r));
}

/* A rule that every inline task matches: the rules after it never serve inline. */
static bool takes_every_inline_task(const struct route_rule *rule)
{
    unsigned both = (1u << TRIGGER_AUTOMATIC) | (1u << TRIGGER_INVOKED);
    return (!rule->trigger_mask || (rule->trigger_mask & both) == both) && !rule->languages &&
           !rule->path_globs && rule->min_tokens <= 0 && rule->max_tokens <= 0;
}

void router_warm_inline(struct router *r)
{
    const struct config *c = r->cfg;
    const char *warmed[32];   /* one warm-up per base URL, however many rules name it */
    size_t n = 0;
    if (!r->http) return;
    for (size_t i = 0; i < c->route_count; i++) {
        const struct route_rule *rule = &c->routes[i];
        if (rule->task_mask && !(rule->task_mask & (1u << TASK_INLINE))) continue;
        for (size_t k = 0; k < rule->target_count && n < 32; k++) {
            const char *url = c->models[rule->targets[k]].base_url;
            bool seen = !url;
            for (size_t j = 0; j < n && !seen; j++) seen = strcmp(warmed[j], url) == 0;
            if (seen) continue;
            warmed[n++] = url;
            http_engine_warm(r->http, url);
        }
        if (takes_every_inline_task(rule)) break;   /* e.g. the catch-all after it */
    }
}
