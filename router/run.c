/* The executor: drives one task's attempts through a plan. For each target it builds
 * the request with the provider adapter, starts it on the HTTP engine with the task
 * kind's timeouts, feeds body bytes to the SSE/NDJSON parser and the adapter, and
 * streams text back. Failures are classified and answered by the retry policy
 * (backoff.h): retry the same target after a delay, or move to the next one; hedged
 * plans start the next target when the first is slow to produce a token. Every
 * upstream attempt is recorded once in the ledger and updates breakers, rate-limit
 * cooldowns, provider slots and budget spend.
 *
 * Lifetime: a run owns two uv timers (retry/advance and hedge/deferred cancel); it is
 * freed in their close callbacks after on_done or route_run_cancel. */
#include "router/router_int.h"
#include "router/backoff.h"
#include "router/cost.h"
#include "providers/stream.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERROR_BODY_MAX 65536
#define RESPONSE_MAX (32u << 20)

struct attempt {
    struct route_run *run;
    size_t entry;                 /* plan entry */
    size_t model;                 /* index into run->cfg->models */
    int number;                   /* 1-based across the run */
    const struct provider_ops *ops;
    struct http_request *req;     /* NULL once done or cancelled */
    struct provider_request preq;
    struct provider_stream stream;
    struct sse_parser sse;
    struct ndjson_parser ndjson;
    struct buf text;              /* everything this attempt produced */
    struct buf error_body;        /* non-2xx body, bounded */
    int status;
    bool trial;                   /* the breaker's half-open trial */
    uint64_t start_us;
    long first_token_ms;
    bool stop;                    /* on_text asked to stop early */
    struct provider_error error;  /* set when we aborted the stream on an error */
    char *attempt_id;
};

enum pending { PENDING_NONE = 0, PENDING_ADVANCE, PENDING_RETRY, PENDING_FAIL };

struct route_run {
    struct router *router;
    struct config *cfg;           /* reference: the config the run started with */
    struct task task;             /* deep copy */
    char *request_id;
    struct route_callbacks cb;
    void *data;
    struct route_plan plan;
    size_t cursor;                /* next plan entry to try */
    int retries;                  /* retries spent on the entry being retried */
    size_t retry_entry;
    int attempts;
    struct attempt *active[2];    /* primary and hedge */
    struct attempt *winner;       /* the attempt whose text the editor sees */
    bool text_sent;
    bool hedged;
    bool finished;
    double cost;
    uint64_t start_us;
    size_t first_usable;
    struct provider_error last_error;
    char message[512];
    size_t last_model;
    bool have_last_model;
    enum pending pending;
    uv_timer_t timer;             /* advance / retry delay / deferred failure */
    uv_timer_t hedge_timer;       /* hedge start, then deferred loser cancel */
    int open_handles;
    struct route_run *prev, *next;            /* router->runs */
    struct route_run *wait_next;              /* router waiting queue */
    bool waiting;
    size_t wait_entry;
};

static void advance(struct route_run *run);
static void finish_failure(struct route_run *run);
static void on_timer(uv_timer_t *t);

/* --- small helpers --------------------------------------------------------- */

static long elapsed_ms(uint64_t since_us) { return (long)((clock_monotonic_us() - since_us) / 1000); }

static const char *outcome_name(enum provider_error_class cls)
{
    static const char *const names[PERR_CLASS_COUNT] = {
        "ok", "rate_limited", "overloaded", "server_error", "timeout", "auth", "quota",
        "bad_request", "context_length", "network", "cancelled",
    };
    return (unsigned)cls < PERR_CLASS_COUNT ? names[cls] : "network";
}

static void set_error(struct provider_error *e, enum provider_error_class cls, int status,
                      const char *fmt, const char *detail)
{
    e->cls = cls;
    e->status = status;
    e->retry_after_ms = -1;
    snprintf(e->message, sizeof e->message, fmt, detail ? detail : "");
}

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
    dst->snippets = src->snippet_count ? xcalloc(src->snippet_count, sizeof *dst->snippets) : NULL;
    for (size_t i = 0; i < src->snippet_count; i++) {
        dst->snippets[i].path = dup_or_null(src->snippets[i].path);
        dst->snippets[i].text = dup_or_null(src->snippets[i].text);
    }
    dst->stop = NULL;
    dst->stop_count = 0;
    for (size_t i = 0; i < src->stop_count; i++) task_add_stop(dst, src->stop[i]);
}

static const struct timeout_settings *timeouts_for(const struct route_run *run)
{
    return run->task.kind == TASK_INLINE ? &run->cfg->inline_timeouts : &run->cfg->action_timeouts;
}

/* --- attempt accounting ---------------------------------------------------- */

static void attempt_free(struct attempt *a)
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

static int active_count(const struct route_run *run)
{
    return (run->active[0] != NULL) + (run->active[1] != NULL);
}

/* Usage as reported, else estimated from what was sent and received. */
static bool attempt_usage(const struct attempt *a, struct provider_usage *u)
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
            .route = rule && rule->label ? rule->label : "", .model = m->name, .provider = m->provider_name,
            .attempt = a->number, .outcome = outcome, .status = a->status,
            .first_token_ms = a->first_token_ms, .total_ms = elapsed_ms(a->start_us),
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
static void attempt_cancel(struct attempt *a)
{
    if (a->req) http_request_cancel(a->req);
    a->req = NULL;
    struct provider_error e;
    set_error(&e, PERR_CANCELLED, 0, "cancelled%s", "");
    attempt_account(a, "cancelled", &e);
    attempt_free(a);
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

/* Ends the run: cancels what still runs, unlinks it, closes its timers. */
static void run_close(struct route_run *run)
{
    struct router *r = run->router;
    run->finished = true;
    run_unqueue(run);
    for (int i = 0; i < 2; i++)
        if (run->active[i]) attempt_cancel(run->active[i]);
    if (run->winner) { attempt_free(run->winner); run->winner = NULL; }
    if (run->prev) run->prev->next = run->next;
    else r->runs = run->next;
    if (run->next) run->next->prev = run->prev;
    r->run_count--;
    uv_timer_stop(&run->timer);
    uv_timer_stop(&run->hedge_timer);
    uv_close((uv_handle_t *)&run->timer, on_handle_closed);
    uv_close((uv_handle_t *)&run->hedge_timer, on_handle_closed);
}

static void fill_result_common(struct route_run *run, struct route_result *res)
{
    memset(res, 0, sizeof *res);
    res->cost_usd = run->cost;
    res->total_ms = elapsed_ms(run->start_us);
    res->attempts = run->attempts;
    res->first_token_ms = -1;
    if (run->have_last_model) {
        res->model = run->cfg->models[run->last_model].name;
        res->provider = run->cfg->models[run->last_model].provider_name;
    }
}

static void finish_success(struct route_run *run, struct attempt *a)
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
    run->finished = true;
    run->winner = a;   /* freed by run_close, after on_done: text stays valid during it */
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
                     run->last_error.message[0] ? run->last_error.message : outcome_name(run->last_error.cls));
        else
            snprintf(run->message, sizeof run->message, "no target could be tried");
    }
    snprintf(res.message, sizeof res.message, "%s", run->message);
    run->finished = true;
    if (run->cb.on_done) run->cb.on_done(run->data, &res);
    run_close(run);
}

static void schedule(struct route_run *run, enum pending what, long delay_ms)
{
    run->pending = what;
    uv_timer_start(&run->timer, on_timer, (uint64_t)(delay_ms > 0 ? delay_ms : 0), 0);
}

/* --- streaming ------------------------------------------------------------- */

static void cancel_losers_soon(struct route_run *run);

static void attempt_text(void *data, const char *text, size_t len)
{
    struct attempt *a = data;
    struct route_run *run = a->run;
    if (a->stop || len == 0) return;
    if (!run->winner) {
        /* First token of the run: this attempt wins; a hedge partner is cancelled. */
        run->winner = a;
        a->first_token_ms = elapsed_ms(a->start_us);
        uv_timer_stop(&run->hedge_timer);
        if (active_count(run) > 1) cancel_losers_soon(run);
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
        set_error(&a->error, PERR_NETWORK, a->status, "malformed stream from the provider%s", "");
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
    if (rc < 0) set_error(&a->error, PERR_NETWORK, a->status, "stream event too large%s", "");
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
            if (err->cls == PERR_NONE) set_error(err, PERR_SERVER, res->status, "HTTP %s", "error");
            err->status = res->status;
            return false;
        }
        if (a->preq.format == STREAM_NDJSON) ndjson_parser_finish(&a->ndjson, on_event, a);
        else sse_parser_finish(&a->sse, on_event, a);
        if (a->error.cls != PERR_NONE) { *err = a->error; return false; }
        return true;
    case HTTP_FIRST_BYTE_TIMEOUT:
        snprintf(detail, sizeof detail, "%ld ms", t->first_token);
        set_error(err, PERR_TIMEOUT, res->status, "no first token within %s", detail);
        return false;
    case HTTP_CONNECT_TIMEOUT:
    case HTTP_IDLE_TIMEOUT:
    case HTTP_TOTAL_TIMEOUT:
        set_error(err, PERR_TIMEOUT, res->status, "%s", http_outcome_name(res->outcome));
        return false;
    case HTTP_REFUSED_INSECURE:
        set_error(err, PERR_BAD_REQUEST, 0, "%s", res->error && *res->error ? res->error : "insecure URL refused");
        return false;
    default:
        set_error(err, PERR_NETWORK, res->status, "%s", res->error && *res->error ? res->error : http_outcome_name(res->outcome));
        return false;
    }
}

static bool later_entry_usable(struct route_run *run, size_t after);
static void start_hedge_timer(struct route_run *run);

/* After the only active attempt failed: retry it, move on, or give up. */
static void decide_next(struct route_run *run, size_t entry, const struct provider_error *err)
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
    attempt_account(a, ok ? "ok" : outcome_name(err.cls), ok ? NULL : &err);
    if (ok && (!run->winner || run->winner == a)) {
        finish_success(run, a);
        return;
    }
    if (run->winner == a) run->winner = NULL;
    run->last_error = err;
    size_t entry = a->entry;
    attempt_free(a);
    if (active_count(run) > 0) return;   /* the hedge partner may still answer */
    decide_next(run, entry, &err);
}

/* --- starting attempts ----------------------------------------------------- */

enum start_result { START_OK, START_SKIP, START_WAIT };

static void skip_error(struct route_run *run, size_t model, enum provider_error_class cls,
                       const char *what)
{
    run->last_model = model;
    run->have_last_model = true;
    set_error(&run->last_error, cls, 0, "%s", what);
}

/* retry: the same target again after its delay (its own 429 park does not apply).
 * hedge: a second concurrent attempt, which never waits for a provider slot. */
static enum start_result start_attempt(struct route_run *run, size_t entry, bool retry, bool hedge)
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
    if (run->plan.strategy == STRATEGY_HEDGE && !run->hedged && active_count(run) == 1)
        start_hedge_timer(run);
    return START_OK;
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
        enum start_result s = start_attempt(run, entry, false, false);
        if (s != START_SKIP) return;
    }
    if (active_count(run) == 0 && !run->waiting) finish_failure(run);
}

static void on_timer(uv_timer_t *t)
{
    struct route_run *run = t->data;
    enum pending what = run->pending;
    run->pending = PENDING_NONE;
    if (run->finished) return;
    if (what == PENDING_FAIL) finish_failure(run);
    else if (what == PENDING_RETRY && start_attempt(run, run->retry_entry, true, false) == START_SKIP) advance(run);
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
    if (active_count(run) != 1 || run->hedged) return;
    run->hedged = true;
    while (run->cursor < run->plan.count) {
        size_t entry = run->cursor++;
        if (!run->plan.entries[entry].skipped && start_attempt(run, entry, false, true) == START_OK) return;
    }
}

static void start_hedge_timer(struct route_run *run)
{
    if (run->plan.hedge_after_ms <= 0 || !later_entry_usable(run, run->cursor ? run->cursor - 1 : 0)) return;
    uv_timer_start(&run->hedge_timer, on_hedge_timer, (uint64_t)run->plan.hedge_after_ms, 0);
}

static void cancel_losers_soon(struct route_run *run)
{
    uv_timer_start(&run->hedge_timer, on_hedge_timer, 0, 0);
}

/* --- public ---------------------------------------------------------------- */

static void refusal_message(struct route_run *run)
{
    const struct route_plan *p = &run->plan;
    if (p->rule_index < 0) {
        snprintf(run->message, sizeof run->message, "%s", p->summary);
        return;
    }
    for (size_t i = 0; i < p->count; i++) {
        const struct route_plan_entry *e = &p->entries[i];
        if (p->budget_blocked && e->code && strcmp(e->code, "budget-block") == 0) {
            snprintf(run->message, sizeof run->message, "Budget reached, request refused: %s (%s)",
                     e->reason, run->cfg->models[e->model].name);
            set_error(&run->last_error, PERR_QUOTA, 0, "%s", "budget reached");
            return;
        }
    }
    size_t n = (size_t)snprintf(run->message, sizeof run->message, "No usable model for %s:",
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
        .route = run->cfg->routes[run->plan.rule_index].label, .model = m->name,
        .provider = m->provider_name, .attempt = 0, .outcome = "budget", .first_token_ms = -1,
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
    run_close(run);
}

void run_queue_pump(struct router *r)
{
    struct route_run *run = r->waiting_head;
    while (run) {
        struct route_run *next = run->wait_next;
        size_t model = run->plan.entries[run->wait_entry].model;
        if (!run->finished && router_slot_available(r, run->cfg, model)) {
            run_unqueue(run);
            if (start_attempt(run, run->wait_entry, false, false) == START_SKIP) advance(run);
            return;   /* one freed slot, one start; the list may have changed */
        }
        run = next;
    }
}

void run_cancel_all(struct router *r)
{
    while (r->runs) route_run_cancel(r->runs);
}
