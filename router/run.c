/* The executor's run: walks one task's plan. Attempts (attempt.c) are started in
 * plan order; a failure is answered by the retry policy (backoff.h): retry the same
 * target after a delay, or move to the next one at once; a hedged plan starts the
 * next target when the first is slow to produce a token, and the first to answer
 * wins. Exactly one on_done per run, none after route_run_cancel.
 *
 * Lifetime: a run owns two uv timers (advance/retry delay and hedge/deferred
 * cancel) and is freed in their close callbacks after it ends. */
#include "router/run_int.h"
#include "router/backoff.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void advance(struct route_run *run);
static void finish_failure(struct route_run *run);
static void on_timer(uv_timer_t *t);
static bool later_entry_usable(struct route_run *run, size_t after);

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static void task_clone(struct task *dst, const struct task *src)
{
    *dst = *src;
    dst->language = dup_or_null(src->language);
    dst->path = dup_or_null(src->path);
    dst->prefix = dup_or_null(src->prefix);
    dst->suffix = dup_or_null(src->suffix);
    dst->selection = dup_or_null(src->selection);
    dst->diagnostics = dup_or_null(src->diagnostics);
    dst->system = dup_or_null(src->system);
    dst->instructions = dup_or_null(src->instructions);
    dst->completion_prompt = dup_or_null(src->completion_prompt);
    dst->snippets = src->snippet_count ? xcalloc(src->snippet_count, sizeof *dst->snippets) : NULL;
    for (size_t i = 0; i < src->snippet_count; i++) {
        dst->snippets[i].path = dup_or_null(src->snippets[i].path);
        dst->snippets[i].text = dup_or_null(src->snippets[i].text);
    }
    dst->stop = NULL;
    dst->stop_count = 0;
    for (size_t i = 0; i < src->stop_count; i++) task_add_stop(dst, src->stop[i]);
}

/* --- run lifetime ---------------------------------------------------------- */

static void run_unqueue(struct route_run *run)
{
    struct router *r = run->router;
    if (!run->waiting) return;
    struct route_run **pp = &r->waiting_head;
    struct route_run *prev = NULL;
    while (*pp && *pp != run) { prev = *pp; pp = &(*pp)->wait_next; }
    if (*pp) *pp = run->wait_next;
    if (r->waiting_tail == run) r->waiting_tail = prev;
    run->waiting = false;
    run->wait_next = NULL;
}

static void on_handle_closed(uv_handle_t *h)
{
    struct route_run *run = h->data;
    if (--run->open_handles > 0) return;
    config_unref(run->cfg);
    task_free(&run->task);
    free(run->request_id);
    free(run);
}

/* The run leaves router_in_flight. Done before on_done, which reports the status
 * line's in_flight: the run being reported is over by then. */
static void run_count_out(struct route_run *run)
{
    if (run->counted_out) return;
    run->counted_out = true;
    run->router->run_count--;
}

/* Ends the run: cancels what still runs, unlinks it, closes its timers. */
static void run_close(struct route_run *run)
{
    struct router *r = run->router;
    run->finished = true;
    run_unqueue(run);
    for (int i = 0; i < 2; i++) {
        if (!run->active[i]) continue;
        if (run->active[i] == run->winner) run->winner = NULL;   /* freed by the cancel */
        attempt_cancel(run->active[i]);
    }
    if (run->winner) { attempt_free(run->winner); run->winner = NULL; }
    if (run->prev) run->prev->next = run->next;
    else r->runs = run->next;
    if (run->next) run->next->prev = run->prev;
    run_count_out(run);
    uv_timer_stop(&run->timer);
    uv_timer_stop(&run->hedge_timer);
    uv_close((uv_handle_t *)&run->timer, on_handle_closed);
    uv_close((uv_handle_t *)&run->hedge_timer, on_handle_closed);
}

static void fill_result_common(struct route_run *run, struct route_result *res)
{
    memset(res, 0, sizeof *res);
    res->cost_usd = run->cost;
    res->total_ms = run_elapsed_ms(run->start_us);
    res->attempts = run->attempts;
    res->first_token_ms = -1;
    if (run->have_last_model) {
        res->model = run->cfg->models[run->last_model].name;
        res->provider = run->cfg->models[run->last_model].provider_name;
    }
}

void run_finish_success(struct route_run *run, struct attempt *a)
{
    struct route_result res;
    run->last_model = a->model;
    run->have_last_model = true;
    fill_result_common(run, &res);
    res.ok = true;
    res.text = buf_str(&a->text);
    res.usage_estimated = attempt_usage(a, &res.usage);
    res.first_token_ms = a->first_token_ms;
    res.fell_back = a->entry != run->first_usable;
    res.attempt_id = a->attempt_id;
    res.choices = a->x.stream.choices > 1 ? a->x.stream.choices : 1;
    run->finished = true;
    run_telemetry_end(run, res.fell_back ? "fallback" : "served", a);
    run->winner = a;   /* freed by run_close, after on_done: text stays valid during it */
    run_count_out(run);
    if (run->cb.on_done) run->cb.on_done(run->data, &res);
    run_close(run);
}

static void finish_failure(struct route_run *run)
{
    struct route_result res;
    fill_result_common(run, &res);
    res.ok = false;
    res.error = run->last_error;
    if (!run->message[0]) {
        if (run->have_last_model)
            snprintf(run->message, sizeof run->message, "%s (%s) failed: %s", res.model, res.provider,
                     run->last_error.message[0] ? run->last_error.message : run_outcome_name(run->last_error.cls));
        else
            snprintf(run->message, sizeof run->message, "no target could be tried");
    }
    snprintf(res.message, sizeof res.message, "%s", run->message);
    run->finished = true;
    run_telemetry_end(run, run->plan.budget_blocked ? "blocked"
                           : run->last_error.cls == PERR_CANCELLED ? "cancelled" : "error", NULL);
    run_count_out(run);
    if (run->cb.on_done) run->cb.on_done(run->data, &res);
    run_close(run);
}

static void schedule(struct route_run *run, enum pending what, long delay_ms)
{
    run->pending = what;
    uv_timer_start(&run->timer, on_timer, (uint64_t)(delay_ms > 0 ? delay_ms : 0), 0);
}

void run_after_failure(struct route_run *run, size_t entry, const struct provider_error *err)
{
    uv_timer_stop(&run->hedge_timer);
    if (run->text_sent) {
        run->text_sent = false;
        if (run->cb.on_reset) run->cb.on_reset(run->data);
    }
    run->winner = NULL;
    enum retry_action action = retry_action_for(err->cls);
    if (action == RETRY_STOP) { finish_failure(run); return; }
    if (run->cursor <= entry) run->cursor = entry + 1;
    if (action == RETRY_SAME) {
        bool parked = err->cls == PERR_RATE_LIMITED && err->retry_after_ms > 0;
        long delay = retry_delay_ms(&run->cfg->retry, err, run->retries, router_random(run->router));
        /* A parked target is skipped while another can answer now. */
        bool elsewhere = parked && later_entry_usable(run, entry);
        if (!elsewhere && delay >= 0 && run->retries < run->cfg->retry.max_retries) {
            run->retries++;
            run->retry_entry = entry;
            schedule(run, PENDING_RETRY, delay);
            return;
        }
    }
    run->retries = 0;
    schedule(run, PENDING_ADVANCE, 0);
}

static bool later_entry_usable(struct route_run *run, size_t after)
{
    uint64_t now = router_now(run->router);
    for (size_t i = after + 1; i < run->plan.count; i++) {
        if (run->plan.entries[i].skipped) continue;
        struct target_health *h = router_health(run->router, run->cfg, run->plan.entries[i].model);
        if (!h || (breaker_allows(&h->breaker, now, NULL) && h->cooldown_until <= now)) return true;
    }
    return false;
}

/* Starts the next plan entry that can run; fails the run when none is left. */
static void advance(struct route_run *run)
{
    while (run->cursor < run->plan.count) {
        size_t entry = run->cursor++;
        if (run->plan.entries[entry].skipped) continue;
        enum start_result s = attempt_start(run, entry, false, false);
        if (s != START_SKIP) return;
    }
    if (run_active_count(run) == 0 && !run->waiting) finish_failure(run);
}

static void on_timer(uv_timer_t *t)
{
    struct route_run *run = t->data;
    enum pending what = run->pending;
    run->pending = PENDING_NONE;
    if (run->finished) return;
    if (what == PENDING_FAIL) finish_failure(run);
    else if (what == PENDING_RETRY && attempt_start(run, run->retry_entry, true, false) == START_SKIP) advance(run);
    else if (what == PENDING_ADVANCE) advance(run);
}

/* --- hedging --------------------------------------------------------------- */

static void on_hedge_timer(uv_timer_t *t)
{
    struct route_run *run = t->data;
    if (run->finished) return;
    if (run->winner) {   /* deferred: cancel the partner outside any engine callback */
        for (int i = 0; i < 2; i++)
            if (run->active[i] && run->active[i] != run->winner) attempt_cancel(run->active[i]);
        return;
    }
    if (run_active_count(run) != 1 || run->hedged) return;
    run->hedged = true;
    while (run->cursor < run->plan.count) {
        size_t entry = run->cursor++;
        if (!run->plan.entries[entry].skipped && attempt_start(run, entry, false, true) == START_OK) return;
    }
}

void run_start_hedge_timer(struct route_run *run)
{
    if (run->plan.hedge_after_ms <= 0 || !later_entry_usable(run, run->cursor ? run->cursor - 1 : 0)) return;
    uv_timer_start(&run->hedge_timer, on_hedge_timer, (uint64_t)run->plan.hedge_after_ms, 0);
}

void run_cancel_losers_soon(struct route_run *run)
{
    uv_timer_start(&run->hedge_timer, on_hedge_timer, 0, 0);
}

/* --- public ---------------------------------------------------------------- */

static void refusal_message(struct route_run *run)
{
    const struct route_plan *p = &run->plan;
    if (run->cfg->refusal) {   /* the whole error: the summary is cut at 160 bytes */
        snprintf(run->message, sizeof run->message, "configuration not applied: %s", run->cfg->refusal);
        return;
    }
    if (p->rule_index < 0) {
        snprintf(run->message, sizeof run->message, "%s", p->summary);
        return;
    }
    for (size_t i = 0; i < p->count; i++) {
        const struct route_plan_entry *e = &p->entries[i];
        if (p->budget_blocked && e->code && strcmp(e->code, "budget-block") == 0) {
            snprintf(run->message, sizeof run->message, "Budget reached, request refused: %s (%s)",
                     e->reason, run->cfg->models[e->model].name);
            run_set_error(&run->last_error, PERR_QUOTA, 0, "%s", "budget reached");
            return;
        }
    }
    size_t n = (size_t)snprintf(run->message, sizeof run->message, "%sNo usable model for %s:",
                                run->task.local_only ? "This file is local-only (privacy.local_only) and "
                                                       "nothing leaves the machine for it. " : "",
                                task_kind_name(run->task.kind));
    for (size_t i = 0; i < p->count && n < sizeof run->message; i++)
        n += (size_t)snprintf(run->message + n, sizeof run->message - n, " %s: %s;",
                              run->cfg->models[p->entries[i].model].name, p->entries[i].reason);
}

static void record_budget_refusal(struct route_run *run)
{
    struct router *r = run->router;
    if (!r->ledger || !run->plan.budget_blocked || run->plan.count == 0) return;
    const struct model_spec *m = &run->cfg->models[run->plan.entries[0].model];
    char *id = ledger_new_attempt_id();
    struct ledger_entry e = {
        .time_ms = (int64_t)router_now(r), .request_id = run->request_id, .attempt_id = id,
        .task = task_kind_name(run->task.kind), .trigger = task_trigger_name(run->task.trigger),
        .language = run->task.language,
        .route = run->cfg->routes[run->plan.rule_index].label, .model = m->name,
        .provider = m->provider_name, .attempt = 0, .candidate = run->task.candidate,
        .outcome = "budget", .first_token_ms = -1,
        .estimated = true,
    };
    ledger_record(r->ledger, &e);
    free(id);
}

struct route_run *router_run(struct router *r, const struct task *task, const char *request_id,
                             const struct route_callbacks *callbacks, void *data)
{
    struct route_run *run = xcalloc(1, sizeof *run);
    run->router = r;
    run->cfg = config_ref(r->cfg);
    task_clone(&run->task, task);
    if (run->task.prompt_tokens_estimate <= 0) task_estimate_tokens(&run->task);
    run->request_id = dup_or_null(request_id);
    if (callbacks) run->cb = *callbacks;
    run->data = data;
    run->start_us = clock_monotonic_us();
    run->last_error.retry_after_ms = -1;
    uv_timer_init(r->loop, &run->timer);
    uv_timer_init(r->loop, &run->hedge_timer);
    run->timer.data = run->hedge_timer.data = run;
    run->open_handles = 2;
    run->next = r->runs;
    if (r->runs) r->runs->prev = run;
    r->runs = run;
    r->run_count++;
    int usable = route_plan_compute(&r->state, &run->task, router_now(r), router_random(r), &run->plan);
    for (size_t i = 0; i < run->plan.count; i++)
        if (!run->plan.entries[i].skipped) { run->first_usable = i; break; }
    run_telemetry_begin(run);
    if (usable < 0) {
        refusal_message(run);
        record_budget_refusal(run);
        schedule(run, PENDING_FAIL, 0);   /* callbacks never run inside router_run */
    } else {
        schedule(run, PENDING_ADVANCE, 0);
    }
    return run;
}

void route_run_cancel(struct route_run *run)
{
    if (!run || run->finished) return;
    run->cb.on_done = NULL;
    run_close(run);   /* records its attempts as cancelled first */
    run_telemetry_end(run, "cancelled", NULL);
}

void run_queue_pump(struct router *r)
{
    if (r->closing) return;   /* router_free: nothing new starts */
    struct route_run *run = r->waiting_head;
    while (run) {
        struct route_run *next = run->wait_next;
        size_t model = run->plan.entries[run->wait_entry].model;
        if (!run->finished && router_slot_available(r, run->cfg, model)) {
            run_unqueue(run);
            if (attempt_start(run, run->wait_entry, false, false) == START_SKIP) advance(run);
            return;   /* one freed slot, one start; the list may have changed */
        }
        run = next;
    }
}

void run_cancel_all(struct router *r)
{
    r->closing = true;
    while (r->runs) route_run_cancel(r->runs);
}
