/* One upstream attempt: builds the request with the provider adapter, starts it on
 * the HTTP engine with the task kind's timeouts, feeds body bytes to the SSE or
 * NDJSON parser and the adapter, streams text to the run, classifies how it ended,
 * and accounts for it exactly once (ledger line, breaker, 429 cooldown, budget,
 * provider slot). */
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
    provider_request_free(&a->preq);
    sse_parser_free(&a->sse);
    ndjson_parser_free(&a->ndjson);
    buf_free(&a->text);
    buf_free(&a->error_body);
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
    if (a->stream.usage.reported) {
        *u = a->stream.usage;
        return false;
    }
    memset(u, 0, sizeof *u);
    u->input_tokens = a->run->task.prompt_tokens_estimate;
    u->output_tokens = estimate_tokens(a->text.data, a->text.len);
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
            .attempt = a->number, .outcome = outcome, .status = a->status,
            .first_token_ms = a->first_token_ms, .total_ms = run_elapsed_ms(a->start_us),
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
    router_charge(r, run->cfg, a->model, cost);
    detach(run, a);
    router_slot_release(r, run->cfg, a->model);
}

/* Cancels an attempt still in flight (hedge loser, run cancelled). */
void attempt_cancel(struct attempt *a)
{
    if (a->req) http_request_cancel(a->req);
    a->req = NULL;
    struct provider_error e;
    run_set_error(&e, PERR_CANCELLED, 0, "cancelled%s", "");
    attempt_account(a, "cancelled", &e);
    attempt_free(a);
}

/* --- streaming ------------------------------------------------------------- */


static void attempt_text(void *data, const char *text, size_t len)
{
    struct attempt *a = data;
    struct route_run *run = a->run;
    if (a->stop || len == 0) return;
    if (!run->winner) {
        /* First token of the run: this attempt wins; a hedge partner is cancelled. */
        run->winner = a;
        a->first_token_ms = run_elapsed_ms(a->start_us);
        uv_timer_stop(&run->hedge_timer);
        if (run_active_count(run) > 1) run_cancel_losers_soon(run);
    }
    if (run->winner != a) return;
    buf_append(&a->text, text, len);
    run->text_sent = true;
    if (run->cb.on_text && run->cb.on_text(run->data, text, len)) a->stop = true;
}

static int on_event(void *data, const char *event, const char *payload, size_t len)
{
    struct attempt *a = data;
    if (a->ops->parse_event(&a->stream, event, payload, len) < 0) {
        run_set_error(&a->error, PERR_NETWORK, a->status, "malformed stream from the provider%s", "");
        return 1;
    }
    if (a->stream.error.cls != PERR_NONE) {
        a->error = a->stream.error;
        return 1;
    }
    return a->stop ? 1 : 0;
}

static void on_headers(void *data, int status, struct http_request *req)
{
    struct attempt *a = data;
    (void)req;
    a->status = status;
}

static bool ok_status(int status) { return status >= 200 && status < 300; }

static int on_data(void *data, const char *bytes, size_t len)
{
    struct attempt *a = data;
    if (!ok_status(a->status)) {
        size_t room = ERROR_BODY_MAX - a->error_body.len;
        buf_append(&a->error_body, bytes, len < room ? len : room);
        return 0;
    }
    int rc = a->preq.format == STREAM_NDJSON ? ndjson_parser_feed(&a->ndjson, bytes, len, on_event, a)
                                            : sse_parser_feed(&a->sse, bytes, len, on_event, a);
    if (rc < 0) run_set_error(&a->error, PERR_NETWORK, a->status, "stream event too large%s", "");
    return rc != 0 || a->stop;
}

/* Turns a finished transfer into success or a classified error. */
static bool classify(struct attempt *a, const struct http_result *res, struct provider_error *err)
{
    const struct timeout_settings *t = timeouts_for(a->run);
    char detail[64];
    memset(err, 0, sizeof *err);
    err->retry_after_ms = -1;
    if (a->stop) return true;
    if (a->error.cls != PERR_NONE) { *err = a->error; return false; }
    switch (res->outcome) {
    case HTTP_OK:
        if (!ok_status(res->status)) {
            a->ops->classify_error(res->status, http_header_lookup, a->req, buf_str(&a->error_body),
                                   a->error_body.len, err);
            if (err->cls == PERR_NONE) run_set_error(err, PERR_SERVER, res->status, "HTTP %s", "error");
            err->status = res->status;
            return false;
        }
        if (a->preq.format == STREAM_NDJSON) ndjson_parser_finish(&a->ndjson, on_event, a);
        else sse_parser_finish(&a->sse, on_event, a);
        if (a->error.cls != PERR_NONE) { *err = a->error; return false; }
        /* A connection closed cleanly before the API's end marker is a cut answer,
         * not a complete one: fail over instead of showing half a suggestion. */
        if (!a->stream.done) {
            run_set_error(err, PERR_NETWORK, res->status, "%s", "the stream ended before the API's end marker");
            return false;
        }
        return true;
    case HTTP_FIRST_BYTE_TIMEOUT:
        snprintf(detail, sizeof detail, "%ld ms", t->first_token);
        run_set_error(err, PERR_TIMEOUT, res->status, "no first token within %s", detail);
        return false;
    case HTTP_CONNECT_TIMEOUT:
    case HTTP_IDLE_TIMEOUT:
    case HTTP_TOTAL_TIMEOUT:
        run_set_error(err, PERR_TIMEOUT, res->status, "%s", http_outcome_name(res->outcome));
        return false;
    case HTTP_REFUSED_INSECURE:
        run_set_error(err, PERR_BAD_REQUEST, 0, "%s", res->error && *res->error ? res->error : "insecure URL refused");
        return false;
    default:
        run_set_error(err, PERR_NETWORK, res->status, "%s", res->error && *res->error ? res->error : http_outcome_name(res->outcome));
        return false;
    }
}

static void on_http_done(void *data, const struct http_result *res)
{
    struct attempt *a = data;
    struct route_run *run = a->run;
    struct provider_error err;
    bool ok = classify(a, res, &err);
    a->req = NULL;   /* the engine frees it when we return */
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
    a->ops = ops;
    a->first_token_ms = -1;
    char err[256] = "";
    if (ops->build_request(m, &run->task, &a->preq, err, sizeof err) != 0) {
        skip_error(run, model, PERR_BAD_REQUEST, err[0] ? err : "cannot build the request");
        attempt_free(a);
        return START_SKIP;
    }
    sse_parser_init(&a->sse, 0);
    ndjson_parser_init(&a->ndjson, 0);
    a->stream.on_text = attempt_text;
    a->stream.data = a;
    a->stream.error.retry_after_ms = -1;
    const struct timeout_settings *t = timeouts_for(run);
    struct http_limits limits = { t->connect, t->first_token, t->idle, t->total, RESPONSE_MAX };
    static const struct http_callbacks callbacks = { on_headers, on_data, on_http_done };
    a->start_us = clock_monotonic_us();
    a->req = http_request_start(r->http, "POST", a->preq.url, (const char *const *)a->preq.headers,
                                a->preq.body.data, a->preq.body.len, &limits, &callbacks, a, err, sizeof err);
    if (!a->req) {
        skip_error(run, model, PERR_NETWORK, err[0] ? err : "request refused");
        attempt_free(a);
        return START_SKIP;
    }
    a->trial = h ? breaker_on_start(&h->breaker, now) : false;
    router_slot_take(r, run->cfg, model);
    a->number = ++run->attempts;
    a->attempt_id = ledger_new_attempt_id();
    run->active[run->active[0] ? 1 : 0] = a;
    if (run->cb.on_attempt) run->cb.on_attempt(run->data, m, a->number);
    if (run->plan.strategy == STRATEGY_HEDGE && !run->hedged && run_active_count(run) == 1)
        run_start_hedge_timer(run);
    return START_OK;
}

