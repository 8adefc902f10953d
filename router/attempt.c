/* One upstream attempt: checks the target may be tried (breaker, cooldown, budget,
 * provider slot), runs one exchange (providers/exchange.h: request, stream, parse,
 * classification) with the task kind's timeouts, streams its text to the run, and
 * accounts for it exactly once (ledger line, breaker, 429 cooldown, budget, provider
 * slot). */
#include "router/run_int.h"
#include "router/backoff.h"
#include "ledger/cost.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- small helpers --------------------------------------------------------- */

long run_elapsed_ms(uint64_t since_us) { return (long)((clock_monotonic_us() - since_us) / 1000); }

const char *run_outcome_name(enum provider_error_class cls)
{
    static const char *const names[PERR_CLASS_COUNT] = {
        "ok", "rate_limited", "overloaded", "server_error", "timeout", "auth", "quota",
        "bad_request", "context_length", "network", "cancelled",
    };
    return (unsigned)cls < PERR_CLASS_COUNT ? names[cls] : "network";
}

void run_set_error(struct provider_error *e, enum provider_error_class cls, int status,
                      const char *fmt, const char *detail)
{
    e->cls = cls;
    e->status = status;
    e->retry_after_ms = -1;
    snprintf(e->message, sizeof e->message, fmt, detail ? detail : "");
}

static const struct timeout_settings *timeouts_for(const struct route_run *run)
{
    return run->task.kind == TASK_INLINE ? &run->cfg->inline_timeouts : &run->cfg->action_timeouts;
}

/* --- attempt accounting ---------------------------------------------------- */

void attempt_free(struct attempt *a)
{
    exchange_free(&a->x);
    buf_free(&a->text);
    free(a->attempt_id);
    free(a);
}

static void detach(struct route_run *run, struct attempt *a)
{
    for (int i = 0; i < 2; i++)
        if (run->active[i] == a) run->active[i] = NULL;
}

int run_active_count(const struct route_run *run)
{
    return (run->active[0] != NULL) + (run->active[1] != NULL);
}

bool attempt_usage(const struct attempt *a, struct provider_usage *u)
{
    if (a->x.stream.usage.reported) {
        *u = a->x.stream.usage;
        return false;
    }
    memset(u, 0, sizeof *u);
    u->input_tokens = a->run->task.prompt_tokens_estimate;
    u->output_tokens = estimate_tokens(a->text.data, a->text.len + a->other_choice_bytes);
    return true;
}

/* Records the attempt once (ledger, breaker, cooldown, budget, slot) and detaches it. */
static void attempt_account(struct attempt *a, const char *outcome, const struct provider_error *err)
{
    struct route_run *run = a->run;
    struct router *r = run->router;
    const struct model_spec *m = &run->cfg->models[a->model];
    struct provider_usage usage;
    bool estimated = attempt_usage(a, &usage);
    double cost = cost_usd(&m->price, &usage);
    uint64_t now = router_now(r);
    run->cost += cost;
    if (r->ledger) {
        const struct route_rule *rule = run->plan.rule_index >= 0 ? &run->cfg->routes[run->plan.rule_index] : NULL;
        struct ledger_entry e = {
            .time_ms = (int64_t)now, .request_id = run->request_id, .attempt_id = a->attempt_id,
            .task = task_kind_name(run->task.kind), .trigger = task_trigger_name(run->task.trigger),
            .language = run->task.language,
            .route = rule && rule->label ? rule->label : "", .model = m->name, .provider = m->provider_name,
            .attempt = a->number, .candidate = run->task.candidate,
            .candidates = a->x.stream.choices, .outcome = outcome,
            .status = a->x.status,
            .first_token_ms = a->first_token_ms, .total_ms = run_elapsed_ms(a->x.start_us),
            .tokens_in = usage.input_tokens, .tokens_out = usage.output_tokens,
            .tokens_cached = usage.cached_tokens, .tokens_reasoning = usage.reasoning_tokens,
            .estimated = estimated, .cost_usd = cost,
        };
        ledger_record(r->ledger, &e);
    }
    struct target_health *h = router_health(r, run->cfg, a->model);
    if (h) {
        if (!err) breaker_on_result(&h->breaker, &r->cfg->breaker, now, true, a->trial);
        else if (error_counts_against_target(err->cls)) breaker_on_result(&h->breaker, &r->cfg->breaker, now, false, a->trial);
        else breaker_on_abandon(&h->breaker, a->trial);
        if (err && err->cls == PERR_RATE_LIMITED && err->retry_after_ms > 0)
            h->cooldown_until = now + (uint64_t)err->retry_after_ms;
    }
    run_telemetry_attempt(run, a, outcome, &usage, cost);
    router_charge(r, run->cfg, a->model, cost);
    detach(run, a);
    router_slot_release(r, run->cfg, a->model);
}

/* Cancels an attempt still in flight (hedge loser, run cancelled). */
void attempt_cancel(struct attempt *a)
{
    exchange_cancel(&a->x);
    struct provider_error e;
    run_set_error(&e, PERR_CANCELLED, 0, "cancelled%s", "");
    attempt_account(a, "cancelled", &e);
    attempt_free(a);
}

/* --- streaming ------------------------------------------------------------- */

/* Returns nonzero when the run asks to stop (enough text): the exchange then ends ok. */
static int attempt_text(void *data, int choice, const char *text, size_t len)
{
    struct attempt *a = data;
    struct route_run *run = a->run;
    if (!run->winner) {
        /* First token of the run: this attempt wins; a hedge partner is cancelled. */
        run->winner = a;
        a->first_token_ms = run_elapsed_ms(a->x.start_us);
        uv_timer_stop(&run->hedge_timer);
        if (run_active_count(run) > 1) run_cancel_losers_soon(run);
    }
    if (run->winner != a) return 0;
    if (choice == 0) buf_append(&a->text, text, len);
    else a->other_choice_bytes += len;
    run->text_sent = true;
    if (run->cb.on_choice_text) return run->cb.on_choice_text(run->data, choice, text, len) ? 1 : 0;
    if (choice != 0) return 0;
    return run->cb.on_text && run->cb.on_text(run->data, text, len) ? 1 : 0;
}

static void on_exchange_done(void *data, const struct exchange_result *res)
{
    struct attempt *a = data;
    struct route_run *run = a->run;
    bool ok = res->ok;
    struct provider_error err = res->error;
    if (!ok && err.cls == PERR_NONE) err.cls = PERR_NETWORK;
    run->last_model = a->model;
    run->have_last_model = true;
    attempt_account(a, ok ? "ok" : run_outcome_name(err.cls), ok ? NULL : &err);
    if (ok && (!run->winner || run->winner == a)) {
        run_finish_success(run, a);
        return;
    }
    if (run->winner == a) run->winner = NULL;
    run->last_error = err;
    size_t entry = a->entry;
    attempt_free(a);
    if (run_active_count(run) > 0) return;   /* the hedge partner may still answer */
    run_after_failure(run, entry, &err);
}

/* --- starting attempts ----------------------------------------------------- */


static void skip_error(struct route_run *run, size_t model, enum provider_error_class cls,
                       const char *what)
{
    run->last_model = model;
    run->have_last_model = true;
    run_set_error(&run->last_error, cls, 0, "%s", what);
}

enum start_result attempt_start(struct route_run *run, size_t entry, bool retry, bool hedge)
{
    struct router *r = run->router;
    size_t model = run->plan.entries[entry].model;
    const struct model_spec *m = &run->cfg->models[model];
    struct target_health *h = router_health(r, run->cfg, model);
    uint64_t now = router_now(r);
    struct budget_verdict bv;
    if (h && !breaker_allows(&h->breaker, now, NULL)) {
        skip_error(run, model, PERR_SERVER, "circuit breaker open");
        return START_SKIP;
    }
    if (h && !retry && h->cooldown_until > now) {
        skip_error(run, model, PERR_RATE_LIMITED, "rate limited (cooling down)");
        return START_SKIP;
    }
    int cur = -1;
    for (size_t i = 0; i < r->cfg->model_count && cur < 0; i++)
        if (strcmp(r->cfg->models[i].name, m->name) == 0) cur = (int)i;
    if (cur >= 0 && budget_check(&r->state.budget, r->cfg, (size_t)cur, (int64_t)now, &bv)) {
        skip_error(run, model, PERR_QUOTA, bv.reason);
        return START_SKIP;
    }
    if (!router_slot_available(r, run->cfg, model)) {
        if (run->task.kind == TASK_INLINE || hedge) {
            skip_error(run, model, PERR_OVERLOADED, "provider at its concurrency limit");
            return START_SKIP;
        }
        run->waiting = true;
        run->wait_entry = entry;
        if (r->waiting_tail) r->waiting_tail->wait_next = run;
        else r->waiting_head = run;
        r->waiting_tail = run;
        return START_WAIT;
    }
    const struct provider_ops *ops = provider_find(m->provider_kind);
    if (!r->http) {   /* a router built only to explain (CLI) cannot run */
        skip_error(run, model, PERR_NETWORK, "no HTTP engine");
        return START_SKIP;
    }
    if (!ops) {
        skip_error(run, model, PERR_BAD_REQUEST, "unknown provider kind");
        return START_SKIP;
    }
    struct attempt *a = xcalloc(1, sizeof *a);
    a->run = run;
    a->entry = entry;
    a->model = model;
    a->first_token_ms = -1;
    const struct timeout_settings *t = timeouts_for(run);
    struct http_limits limits = { t->connect, t->first_token, t->idle, t->total, RESPONSE_MAX };
    static const struct exchange_callbacks callbacks = { attempt_text, on_exchange_done };
    struct exchange_result refused;
    if (exchange_start(&a->x, r->http, ops, m, &run->task, &limits, &callbacks, a, &refused) != 0) {
        skip_error(run, model, refused.error.cls, refused.error.message);
        attempt_free(a);
        return START_SKIP;
    }
    a->trial = h ? breaker_on_start(&h->breaker, now) : false;
    router_slot_take(r, run->cfg, model);
    if (run->last_error.cls != PERR_NONE && (run->attempts > 0 || run->have_last_model))
        a->fallback_reason = run_outcome_name(run->last_error.cls);
    a->number = ++run->attempts;
    a->attempt_id = ledger_new_attempt_id();
    run->active[run->active[0] ? 1 : 0] = a;
    if (run->cb.on_attempt) run->cb.on_attempt(run->data, m, a->number);
    if (run->plan.strategy == STRATEGY_HEDGE && !run->hedged && run_active_count(run) == 1)
        run_start_hedge_timer(run);
    return START_OK;
}

