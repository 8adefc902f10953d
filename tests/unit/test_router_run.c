/* The router's executor against the fake model server (a child process): fallback,
 * retry-after, breaker with a single trial, hedge, budget downgrade, first-token
 * timeout, cancellation and early stop, with the server's request log as witness. */
#include "tests/unit/test.h"
#include "tests/unit/router_fake.h"
#include "router/router.h"
#include "ledger/ledger.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/xalloc.h"
#include <unistd.h>

struct outcome {
    int done_calls, attempts_seen, resets, texts, stop_after_texts;
    bool ok, fell_back, usage_estimated;
    char model[64], text[4096], message[512], attempt_id[64];
    int attempts;
    double cost;
    long first_token_ms, total_ms;
    struct router *router;    /* set: on_done reads router_in_flight into in_flight_at_done */
    int in_flight_at_done;
};

static int on_text(void *d, const char *text, size_t len)
{
    struct outcome *o = d;
    o->texts++;
    size_t have = strlen(o->text);
    if (have + len < sizeof o->text) memcpy(o->text + have, text, len), o->text[have + len] = '\0';
    return o->stop_after_texts && o->texts >= o->stop_after_texts;
}

static void on_attempt(void *d, const struct model_spec *m, int n) { (void)m; (void)n; ((struct outcome *)d)->attempts_seen++; }
static void on_reset(void *d) { struct outcome *o = d; o->resets++; o->text[0] = '\0'; }

static void on_done(void *d, const struct route_result *r)
{
    struct outcome *o = d;
    o->done_calls++;
    if (o->router) o->in_flight_at_done = router_in_flight(o->router);
    o->ok = r->ok;
    o->fell_back = r->fell_back;
    o->attempts = r->attempts;
    o->cost = r->cost_usd;
    o->first_token_ms = r->first_token_ms;
    o->total_ms = r->total_ms;
    o->usage_estimated = r->usage_estimated;
    snprintf(o->model, sizeof o->model, "%s", r->model ? r->model : "");
    snprintf(o->message, sizeof o->message, "%s", r->message);
    snprintf(o->attempt_id, sizeof o->attempt_id, "%s", r->attempt_id ? r->attempt_id : "");
    if (r->ok && strcmp(o->text, r->text) != 0) test_fail(__FILE__, __LINE__, "streamed '%s' but result '%s'", o->text, r->text);
}

static const struct route_callbacks callbacks = {
    .on_attempt = on_attempt, .on_text = on_text, .on_reset = on_reset, .on_done = on_done,
};
static struct task inline_task(void);

struct env {
    struct rfake fake;
    uv_loop_t loop;
    struct http_engine *http;
    struct ledger *ledger;
    struct config *cfg;
    struct router *router;
    uint64_t now;        /* injected clock */
    char ledger_path[128];
    int pa_max_concurrency;   /* provider "pa"'s max_concurrency (0 = unlimited) */
};

static uint64_t fake_clock(void *d) { return ((struct env *)d)->now; }
static double zero_random(void *d) { (void)d; return 0.0; }

/* A router over a fresh loop, engine, ledger and config for the running fake server.
 * extra: JSON members appended to the config (routes, budgets, settings). */
static void env_router(struct env *e, const char *extra)
{
    char text[4096], err[512];
    snprintf(text, sizeof text,
             "{ \"providers\": {"
             "   \"pa\": { \"kind\": \"openai\", \"base_url\": \"%s/v1\", \"max_concurrency\": %d },"
             "   \"pb\": { \"kind\": \"openai\", \"base_url\": \"%s/v1\" } },"
             "  \"models\": {"
             "   \"primary\": { \"provider\": \"pa\", \"model\": \"primary-model\", \"price\": { \"input\": 3, \"output\": 15 } },"
             "   \"backup\":  { \"provider\": \"pb\", \"model\": \"backup-model\",  \"price\": { \"input\": 0.3, \"output\": 0.6 } },"
             "   \"cheap\":   { \"provider\": \"pb\", \"model\": \"cheap-model\",   \"price\": { \"input\": 0.1, \"output\": 0.2 } } },"
             "  %s %s }",
             e->fake.url, e->pa_max_concurrency, e->fake.url,
             strstr(extra, "\"retry\"") ? "" :
             "\"retry\": { \"max_retries\": 2, \"base_ms\": 10, \"cap_ms\": 40, \"max_server_delay_ms\": 5000 },",
             extra);
    e->cfg = config_load_text(text, "test-config", NULL, err, sizeof err);
    if (!e->cfg) test_fail(__FILE__, __LINE__, "config: %s", err);
    uv_loop_init(&e->loop);
    e->http = http_engine_new(&e->loop, NULL);
    snprintf(e->ledger_path, sizeof e->ledger_path, "/tmp/sb-router-test-%d/ledger.jsonl", (int)getpid());
    e->ledger = ledger_open(&e->loop, e->ledger_path, 1 << 20, 1, err, sizeof err);
    if (!e->ledger) test_fail(__FILE__, __LINE__, "ledger: %s", err);
    e->router = router_new(&e->loop, e->http, e->ledger, e->cfg);
    e->now = 1795780800000ULL;
    router_set_clock(e->router, fake_clock, e);
    router_set_random(e->router, zero_random, NULL);
}

static void env_router_stop(struct env *e)
{
    router_free(e->router);
    if (e->ledger) ledger_close(e->ledger);
    e->ledger = NULL;
    http_engine_free(e->http);
    uv_run(&e->loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&e->loop), 0);
    config_unref(e->cfg);
    unlink(e->ledger_path);
}

/* The fake server starts once per test (Python start-up is the slow part): the first
 * scenario starts it, later ones reset it; each scenario gets its own router. */
static void env_begin_limited(struct env *e, int pa_max_concurrency, const char *extra)
{
    if (e->fake.fs.pid > 0) {
        env_router_stop(e);
        cJSON_Delete(rfake_control(&e->fake, "POST", "reset", "{}"));
    } else {
        memset(e, 0, sizeof *e);
        rfake_start(&e->fake);
    }
    e->pa_max_concurrency = pa_max_concurrency;
    env_router(e, extra);
}

static void env_begin(struct env *e, const char *extra) { env_begin_limited(e, 0, extra); }

static void env_stop(struct env *e)
{
    env_router_stop(e);
    rfake_stop(&e->fake);
    char dir[128];
    snprintf(dir, sizeof dir, "/tmp/sb-router-test-%d", (int)getpid());
    rmdir(dir);
}

static struct task action_task(void)
{
    struct task t = { 0 };
    t.kind = TASK_REVIEW;
    t.trigger = TRIGGER_INVOKED;
    t.language = xstrdup("python");
    t.selection = xstrdup("def add(a, b):\n    return a + b\n");
    t.instructions = xstrdup("Review this code.");
    task_estimate_tokens(&t);
    return t;
}

/* Runs the loop until the outcome is done (10 s guard against hangs). */
static void run_task(struct env *e, struct outcome *o)
{
    struct task t = action_task();
    router_run(e->router, &t, "req-1", &callbacks, o);
    task_free(&t);
    uint64_t deadline = clock_monotonic_ms() + 10000;
    while (o->done_calls == 0 && clock_monotonic_ms() < deadline) uv_run(&e->loop, UV_RUN_ONCE);
    ASSERT_EQ(o->done_calls, 1);
}

/* switchboard/status is sent from on_done: the run being reported is no longer in
 * flight by then, whether it answered or failed (issue #14, item 12). */
static void scenario_run_is_counted_out_before_on_done(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": { \"language\": \"python\" }, \"targets\": [\"primary\"] } ]");
    struct outcome ok = { .router = ep->router, .in_flight_at_done = -1 };
    run_task(ep, &ok);
    ASSERT(ok.ok);
    ASSERT_EQ(ok.in_flight_at_done, 0);
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"error\": \"auth\"}");
    struct outcome failed = { .router = ep->router, .in_flight_at_done = -1 };
    run_task(ep, &failed);
    ASSERT(!failed.ok);
    ASSERT_EQ(failed.in_flight_at_done, 0);
    struct outcome refused = { .router = ep->router, .in_flight_at_done = -1 };
    struct task t = inline_task();
    free(t.language);
    t.language = xstrdup("c");   /* no rule matches: refused before any attempt */
    router_run(ep->router, &t, "req-none", &callbacks, &refused);
    task_free(&t);
    uint64_t deadline = clock_monotonic_ms() + 10000;
    while (refused.done_calls == 0 && clock_monotonic_ms() < deadline) uv_run(&ep->loop, UV_RUN_ONCE);
    ASSERT(!refused.ok);
    ASSERT_EQ(refused.in_flight_at_done, 0);
    ASSERT_EQ(router_in_flight(ep->router), 0);
}

static void scenario_primary_down_fallback_answers(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"error\": \"server_error\"}");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"backup-model\"}, \"text\": \"looks fine\"}");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(o.ok);
    ASSERT_STREQ(o.model, "backup");
    ASSERT_STREQ(o.text, "looks fine");
    ASSERT(o.fell_back);
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", NULL), 3);   /* 1 + 2 retries */
    ASSERT_EQ(rfake_count(&ep->fake, "backup-model", NULL), 1);
    ASSERT_EQ(o.attempts, 4);
    ASSERT_EQ(o.attempts_seen, 4);
}

/* Lines of the ledger file after closing it (the test's ledger is then gone). */
static cJSON *read_ledger(struct env *e)
{
    router_set_ledger(e->router, NULL);   /* the router follows its ledger: hand it back first */
    ledger_close(e->ledger);
    e->ledger = NULL;
    uv_run(&e->loop, UV_RUN_DEFAULT);
    size_t len;
    char *data = test_read_file(e->ledger_path, &len);
    cJSON *lines = cJSON_CreateArray();
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        cJSON *j = cJSON_Parse(line);
        if (!j) test_fail(__FILE__, __LINE__, "ledger line is not JSON: %s", line);
        cJSON_AddItemToArray(lines, j);
    }
    free(data);
    return lines;
}

static const char *field(const cJSON *o, const char *name)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

static double number(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : -1e9;
}

static void scenario_ledger_records_every_attempt_once(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"name\": \"all\", \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"error\": \"server_error\"}");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"backup-model\"}, \"text\": \"fine\", \"input_tokens\": 40}");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(o.ok);
    cJSON *lines = read_ledger(ep);
    ASSERT_EQ(cJSON_GetArraySize(lines), 4);
    for (int i = 0; i < 3; i++) {
        const cJSON *l = cJSON_GetArrayItem(lines, i);
        ASSERT_STREQ(field(l, "outcome"), "server_error");
        ASSERT_STREQ(field(l, "model"), "primary");
        ASSERT_EQ(number(l, "attempt"), i + 1);
        ASSERT_EQ(number(l, "status"), 500);
        ASSERT_STREQ(field(l, "route"), "all");
        ASSERT_STREQ(field(l, "request_id"), "req-1");
    }
    const cJSON *last = cJSON_GetArrayItem(lines, 3);
    ASSERT_STREQ(field(last, "outcome"), "ok");
    ASSERT_STREQ(field(last, "model"), "backup");
    ASSERT_STREQ(field(last, "provider"), "pb");
    ASSERT_STREQ(field(last, "attempt_id"), o.attempt_id);
    ASSERT_EQ(number(last, "tokens_in"), 40);          /* as the API reported */
    ASSERT(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(last, "estimated")));
    ASSERT_NEAR(number(last, "cost_usd"), (40 * 0.3 + number(last, "tokens_out") * 0.6) / 1e6, 1e-12);
    ASSERT(number(last, "first_token_ms") >= 0);
    cJSON_Delete(lines);
}

static void scenario_rate_limit_retry_after_is_honoured(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\"] } ]");
    rfake_enqueue(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"error\": \"rate_limit\", \"retry_after\": \"1\"}");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(o.ok);
    cJSON *reqs = NULL;
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", &reqs), 2);
    double first = number(cJSON_GetArrayItem(reqs, 0), "received_at");
    double second = number(cJSON_GetArrayItem(reqs, 1), "received_at");
    ASSERT(second - first >= 0.95);   /* the server asked for 1 s */
    cJSON_Delete(reqs);
}

static void scenario_rate_limit_parks_target_and_uses_the_next(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ]");
    rfake_enqueue(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"error\": \"rate_limit\", \"retry_after\": \"3\"}");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(o.ok);
    ASSERT_STREQ(o.model, "backup");
    ASSERT(o.total_ms < 2500);   /* did not wait for the parked target */
    /* While parked (injected clock), other runs skip it without a request. */
    struct outcome o2 = { 0 };
    run_task(ep, &o2);
    ASSERT_STREQ(o2.model, "backup");
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", NULL), 1);
    ep->now += 3000;
    struct outcome o3 = { 0 };
    run_task(ep, &o3);
    ASSERT_STREQ(o3.model, "primary");
}

static void scenario_breaker_opens_then_single_trial(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ],"
                  "\"retry\": { \"max_retries\": 0, \"base_ms\": 10, \"cap_ms\": 40, \"max_server_delay_ms\": 5000 },"
                  "\"breaker\": { \"failure_threshold\": 2, \"failure_rate\": 0.5, \"min_requests\": 100,"
                  "               \"window_ms\": 60000, \"cooldown_ms\": 30000 }");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"error\": \"server_error\"}");
    for (int i = 0; i < 5; i++) {
        struct outcome o = { 0 };
        run_task(ep, &o);
        ASSERT(o.ok);
        ASSERT_STREQ(o.model, "backup");
    }
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", NULL), 2);   /* none while open */
    cJSON *states = router_breaker_states(ep->router);
    ASSERT_STREQ(field(states, "primary"), "open");
    cJSON_Delete(states);
    ep->now += 30000;
    struct outcome trial = { 0 };
    run_task(ep, &trial);
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", NULL), 3);   /* exactly one trial */
    struct outcome after = { 0 };
    run_task(ep, &after);
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", NULL), 3);   /* failed trial: open again */
    cJSON_Delete(rfake_control(&ep->fake, "DELETE", "rules", NULL));
    ep->now += 30000;
    struct outcome healed = { 0 };
    run_task(ep, &healed);
    ASSERT_STREQ(healed.model, "primary");
    states = router_breaker_states(ep->router);
    ASSERT_STREQ(field(states, "primary"), "closed");
    cJSON_Delete(states);
}

static void scenario_hedge_cancels_the_loser(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"strategy\": \"hedge\", \"hedge_after_ms\": 150,"
                  "                \"targets\": [\"primary\", \"backup\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"ttft_ms\": 4000}");
    /* The hedge streams slowly, so "at once" can be told apart from "at the end". */
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"backup-model\"}, \"text\": \"quick answer here\","
                          " \"token_size\": 4, \"token_delay_ms\": 150}");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(o.ok);
    ASSERT_STREQ(o.model, "backup");
    ASSERT_STREQ(o.text, "quick answer here");
    ASSERT_EQ(o.attempts, 2);
    ASSERT(o.total_ms < 3000);
    ASSERT_EQ(rfake_wait_stat(&ep->fake, "client_disconnects", 1), 1);   /* the slow primary saw the close */
    cJSON *primary = NULL, *backup = NULL;
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", &primary), 1);
    ASSERT_EQ(rfake_count(&ep->fake, "backup-model", &backup), 1);
    double left = number(cJSON_GetArrayItem(primary, 0), "disconnected_at");
    double finished = number(cJSON_GetArrayItem(backup, 0), "finished_at");
    ASSERT(left > 0);
    ASSERT(finished - left > 0.3);   /* cancelled at the first token, not when the hedge ended */
    cJSON_Delete(primary);
    cJSON_Delete(backup);
    cJSON *lines = read_ledger(ep);
    ASSERT_EQ(cJSON_GetArraySize(lines), 2);
    int cancelled = 0;
    for (int i = 0; i < 2; i++)
        cancelled += strcmp(field(cJSON_GetArrayItem(lines, i), "outcome"), "cancelled") == 0;
    ASSERT_EQ(cancelled, 1);
    cJSON_Delete(lines);
}

static void scenario_budget_exhausted_downgrades(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\"] } ],"
                  "\"budgets\": [ { \"scope\": \"model\", \"name\": \"primary\", \"daily_usd\": 0.00001 } ]");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT_STREQ(o.model, "primary");
    ASSERT(o.cost > 0.00001);
    struct outcome o2 = { 0 };
    run_task(ep, &o2);
    ASSERT(o2.ok);
    ASSERT_STREQ(o2.model, "backup");   /* the next cheaper model (cheap is cheaper still) */
    char *text = NULL;
    struct task t = action_task();
    text = router_explain_text(ep->router, &t);
    task_free(&t);
    ASSERT(strstr(text, "over budget: daily limit $0.000010 for model primary reached"));
    ASSERT(strstr(text, "downgrade: next cheaper model within budget"));
    free(text);
}

static void scenario_budget_block_refuses_with_message(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ],"
                  "\"budgets\": [ { \"daily_usd\": 0.00001, \"action\": \"block\" } ]");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(o.ok);
    struct outcome o2 = { 0 };
    run_task(ep, &o2);
    ASSERT(!o2.ok);
    ASSERT(strstr(o2.message, "Budget reached, request refused"));
    ASSERT(strstr(o2.message, "overall"));
    ASSERT_EQ(o2.attempts, 0);
    ASSERT_EQ(rfake_count(&ep->fake, NULL, NULL), 1);
}

static void scenario_first_token_timeout_fails_over(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ],"
                  "\"timeouts\": { \"actions\": { \"connect_ms\": 2000, \"first_token_ms\": 300,"
                  "                               \"idle_ms\": 2000, \"total_ms\": 10000 } }");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"ttft_ms\": 4000}");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(o.ok);
    ASSERT_STREQ(o.model, "backup");
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", NULL), 1);   /* a timeout is not retried */
    ASSERT(o.total_ms < 2500);
    cJSON *lines = read_ledger(ep);
    ASSERT_STREQ(field(cJSON_GetArrayItem(lines, 0), "outcome"), "timeout");
    cJSON_Delete(lines);
}

static void scenario_cancel_closes_upstream_without_callbacks(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"token_delay_ms\": 200,"
                        " \"text\": \"one two three four five six seven eight nine ten\"}");
    struct outcome o = { 0 };
    struct task t = action_task();
    struct route_run *run = router_run(ep->router, &t, "req-9", &callbacks, &o);
    task_free(&t);
    uint64_t deadline = clock_monotonic_ms() + 5000;
    while (o.texts == 0 && clock_monotonic_ms() < deadline) uv_run(&ep->loop, UV_RUN_ONCE);
    ASSERT(o.texts > 0);
    ASSERT_EQ(router_in_flight(ep->router), 1);
    route_run_cancel(run);
    ASSERT_EQ(router_in_flight(ep->router), 0);
    ASSERT_EQ(rfake_wait_stat(&ep->fake, "client_disconnects", 1), 1);
    ASSERT_EQ(o.done_calls, 0);
    cJSON *lines = read_ledger(ep);
    ASSERT_EQ(cJSON_GetArraySize(lines), 1);
    ASSERT_STREQ(field(cJSON_GetArrayItem(lines, 0), "outcome"), "cancelled");
    ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(lines, 0), "estimated")));
    cJSON_Delete(lines);
}

static void scenario_early_stop_finishes_ok_with_text_so_far(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"token_delay_ms\": 150, \"token_size\": 4,"
                        " \"text\": \"abcdefghijklmnopqrstuvwxyz\"}");
    struct outcome o = { 0 };
    o.stop_after_texts = 1;
    run_task(ep, &o);
    ASSERT(o.ok);
    ASSERT_STREQ(o.text, "abcd");
    ASSERT(o.usage_estimated);
    ASSERT_EQ(rfake_wait_stat(&ep->fake, "client_disconnects", 1), 1);
}

static void scenario_no_route_reports_plainly(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": { \"task\": \"inline\" }, \"targets\": [\"primary\"] } ]");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(!o.ok);
    ASSERT(strstr(o.message, "no route matches task review"));
    ASSERT_EQ(rfake_count(&ep->fake, NULL, NULL), 0);
}

static struct task inline_task(void)
{
    struct task t = { 0 };
    t.kind = TASK_INLINE;
    t.trigger = TRIGGER_AUTOMATIC;
    t.language = xstrdup("python");
    t.prefix = xstrdup("def add(a, b):\n    return ");
    t.suffix = xstrdup("\n");
    task_estimate_tokens(&t);
    return t;
}

static void run_both(struct env *e, struct task *t1, struct task *t2, struct outcome *o1, struct outcome *o2)
{
    router_run(e->router, t1, "req-a", &callbacks, o1);
    router_run(e->router, t2, "req-b", &callbacks, o2);
    task_free(t1);
    task_free(t2);
    uint64_t deadline = clock_monotonic_ms() + 10000;
    while ((o1->done_calls == 0 || o2->done_calls == 0) && clock_monotonic_ms() < deadline)
        uv_run(&e->loop, UV_RUN_ONCE);
    ASSERT_EQ(o1->done_calls, 1);
    ASSERT_EQ(o2->done_calls, 1);
}

static void scenario_concurrency_actions_wait_in_line(struct env *ep)
{
    env_begin_limited(ep, 1, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"text\": \"slow and steady\", \"token_delay_ms\": 60}");
    struct outcome o1 = { 0 }, o2 = { 0 };
    struct task t1 = action_task(), t2 = action_task();
    run_both(ep, &t1, &t2, &o1, &o2);
    ASSERT(o1.ok && o2.ok);
    ASSERT_STREQ(o1.model, "primary");
    ASSERT_STREQ(o2.model, "primary");   /* waited for the slot instead of falling back */
    cJSON *reqs = NULL;
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", &reqs), 2);
    double first_done = number(cJSON_GetArrayItem(reqs, 0), "finished_at");
    double second_start = number(cJSON_GetArrayItem(reqs, 1), "received_at");
    ASSERT(second_start >= first_done - 0.01);   /* never two at once */
    cJSON_Delete(reqs);
}

static void scenario_concurrency_inline_skips_full_provider(struct env *ep)
{
    env_begin_limited(ep, 1, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"text\": \"a + b\", \"token_delay_ms\": 60}");
    struct outcome o1 = { 0 }, o2 = { 0 };
    struct task t1 = inline_task(), t2 = inline_task();
    run_both(ep, &t1, &t2, &o1, &o2);
    ASSERT(o1.ok && o2.ok);
    ASSERT_STREQ(o1.model, "primary");
    ASSERT_STREQ(o2.model, "backup");    /* a late completion is useless: no waiting */
}

static void scenario_mid_stream_failure_resets_the_editor(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"text\": \"partial answer that breaks\","
                          " \"error\": \"server_error\", \"error_after\": 2}");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"backup-model\"}, \"text\": \"whole answer\"}");
    struct outcome o = { 0 };
    run_task(ep, &o);
    ASSERT(o.ok);
    ASSERT_STREQ(o.model, "backup");
    ASSERT_EQ(o.resets, 3);                  /* each primary attempt streamed, then failed */
    ASSERT_STREQ(o.text, "whole answer");    /* on_done also checks streamed == result */
}

static void scenario_warm_inline_opens_a_connection(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": { \"task\": \"inline\" }, \"targets\": [\"primary\"] },"
                  "            { \"when\": {}, \"targets\": [\"backup\", \"cheap\"] } ]");
    router_warm_inline(ep->router);
    uint64_t deadline = clock_monotonic_ms() + 3000;
    struct http_stats hs = { 0 };
    while (clock_monotonic_ms() < deadline) {
        uv_run(&ep->loop, UV_RUN_NOWAIT);
        http_engine_stats(ep->http, &hs);
        if (hs.connections_opened >= 1 && hs.in_flight == 0) break;
        usleep(5000);
    }
    ASSERT_EQ(hs.connections_opened, 1);   /* one host, however many rules name it */
    ASSERT_EQ(rfake_wait_stat(&ep->fake, "head_requests", 1), 1);
    ASSERT_EQ(rfake_count(&ep->fake, NULL, NULL), 0);   /* no model request billed */
}

static void scenario_config_swap_keeps_runs_in_flight(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\", \"backup\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"text\": \"one two three four\","
                          " \"token_delay_ms\": 80}");
    struct outcome o = { 0 };
    struct task t = action_task();
    router_run(ep->router, &t, "req-swap", &callbacks, &o);
    task_free(&t);
    uint64_t deadline = clock_monotonic_ms() + 5000;
    while (o.texts == 0 && clock_monotonic_ms() < deadline) uv_run(&ep->loop, UV_RUN_ONCE);
    ASSERT(o.texts > 0);
    /* New config mid-run: other model order, "primary" gone, a new model. */
    char text[1024], err[256];
    snprintf(text, sizeof text,
             "{ \"providers\": { \"pb\": { \"kind\": \"openai\", \"base_url\": \"%s/v1\" } },"
             "  \"models\": { \"other\": { \"provider\": \"pb\", \"model\": \"other-model\" },"
             "              \"backup\": { \"provider\": \"pb\", \"model\": \"backup-model\" } },"
             "  \"routes\": [ { \"when\": {}, \"targets\": [\"other\"] } ] }", ep->fake.url);
    struct config *cfg2 = config_load_text(text, "swapped", NULL, err, sizeof err);
    ASSERT(cfg2 != NULL);
    router_set_config(ep->router, cfg2);
    config_unref(cfg2);   /* the router holds its own reference */
    deadline = clock_monotonic_ms() + 5000;
    while (o.done_calls == 0 && clock_monotonic_ms() < deadline) uv_run(&ep->loop, UV_RUN_ONCE);
    ASSERT_EQ(o.done_calls, 1);
    ASSERT(o.ok);
    ASSERT_STREQ(o.model, "primary");            /* the run kept the config it started with */
    ASSERT_STREQ(o.text, "one two three four");
    ASSERT(router_config(ep->router) == cfg2);
    cJSON *states = router_breaker_states(ep->router);
    ASSERT_STREQ(field(states, "other"), "closed");
    ASSERT(cJSON_GetObjectItemCaseSensitive(states, "primary") == NULL);
    cJSON_Delete(states);
    struct outcome o2 = { 0 };
    run_task(ep, &o2);
    ASSERT_STREQ(o2.model, "other");
}

struct choices_outcome {
    struct outcome o;
    char text[3][64];
    int choices;
};

static int on_choice_text(void *d, int choice, const char *text, size_t len)
{
    struct choices_outcome *c = d;
    ASSERT(choice >= 0 && choice < 3);
    size_t have = strlen(c->text[choice]);
    if (have + len < sizeof c->text[choice]) memcpy(c->text[choice] + have, text, len), c->text[choice][have + len] = '\0';
    return 0;
}

static void on_choices_done(void *d, const struct route_result *r)
{
    struct choices_outcome *c = d;
    c->choices = r->choices;
    snprintf(c->o.text, sizeof c->o.text, "%s", c->text[0]);   /* the result's text is choice 0's */
    on_done(&c->o, r);
}

/* task.n: one request asks for the three candidates; each choice's text reaches
 * on_choice_text by index (on_text hears nothing), and the one attempt is one ledger
 * line saying "candidates": 3, billed as the server reported. */
static void scenario_one_request_for_several_choices(struct env *ep)
{
    env_begin(ep, "\"routes\": [ { \"when\": {}, \"targets\": [\"primary\"] } ]");
    rfake_rule(&ep->fake, "{\"match\": {\"model\": \"primary-model\"}, \"texts\": [\"a + b\", \"b + a\", \"a+b\"]}");
    static const struct route_callbacks choice_callbacks = {
        .on_text = on_text, .on_done = on_choices_done, .on_choice_text = on_choice_text,
    };
    struct choices_outcome c = { 0 };
    struct task t = inline_task();
    t.trigger = TRIGGER_INVOKED;
    t.n = 3;
    router_run(ep->router, &t, "req-n", &choice_callbacks, &c);
    task_free(&t);
    uint64_t deadline = clock_monotonic_ms() + 10000;
    while (c.o.done_calls == 0 && clock_monotonic_ms() < deadline) uv_run(&ep->loop, UV_RUN_ONCE);
    ASSERT(c.o.ok);
    ASSERT_EQ(c.choices, 3);
    ASSERT_STREQ(c.text[0], "a + b");
    ASSERT_STREQ(c.text[1], "b + a");
    ASSERT_STREQ(c.text[2], "a+b");
    ASSERT_EQ(c.o.texts, 0);
    ASSERT_EQ(rfake_count(&ep->fake, "primary-model", NULL), 1);
    cJSON *lines = read_ledger(ep);
    ASSERT_EQ(cJSON_GetArraySize(lines), 1);
    const cJSON *line = cJSON_GetArrayItem(lines, 0);
    ASSERT_EQ(json_get_long(line, "candidates", 0), 3);
    ASSERT_EQ(json_get_long(line, "tokens_out", 0), 2 + 2 + 1);   /* every choice's pieces, once */
    ASSERT_NEAR(json_get_number(line, "cost_usd", 0), c.o.cost, 1e-12);
    cJSON_Delete(lines);
}

/* Tells the harness the i-th name of a stringified "scenario_a, scenario_b" list. */
static void scenario_name(const char *names, size_t i)
{
    while (i--) names = strchr(names, ',') + 1;
    while (*names == ' ' || *names == '\n') names++;
    size_t n = strcspn(names, ", \n");
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)n, names);
    test_set_scenario(name);
}

/* Scenarios are grouped so that each test starts the fake server once; a failure
 * names its scenario (test_set_scenario). */
#define RUN_SCENARIOS(name, ...)                                               \
    TEST(name)                                                                 \
    {                                                                          \
        struct env e = { 0 };                                                  \
        void (*const scenarios[])(struct env *) = { __VA_ARGS__ };             \
        static const char names[] = #__VA_ARGS__;                              \
        for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {    \
            scenario_name(names, i);                                           \
            scenarios[i](&e);                                                  \
        }                                                                      \
        test_set_scenario(NULL);                                               \
        env_stop(&e);                                                          \
    }

RUN_SCENARIOS(run_fallback_retries_and_ledger, scenario_run_is_counted_out_before_on_done,
              scenario_primary_down_fallback_answers,
              scenario_ledger_records_every_attempt_once, scenario_mid_stream_failure_resets_the_editor,
              scenario_one_request_for_several_choices)
RUN_SCENARIOS(run_rate_limit_retry_after_and_park, scenario_rate_limit_retry_after_is_honoured,
              scenario_rate_limit_parks_target_and_uses_the_next)
RUN_SCENARIOS(run_breaker_and_config_swap, scenario_breaker_opens_then_single_trial,
              scenario_config_swap_keeps_runs_in_flight)
RUN_SCENARIOS(run_hedge_first_token_timeout_and_warm, scenario_hedge_cancels_the_loser,
              scenario_first_token_timeout_fails_over, scenario_warm_inline_opens_a_connection)
RUN_SCENARIOS(run_budget_downgrade_block_and_no_route, scenario_budget_exhausted_downgrades,
              scenario_budget_block_refuses_with_message, scenario_no_route_reports_plainly)
RUN_SCENARIOS(run_cancel_early_stop_and_concurrency, scenario_cancel_closes_upstream_without_callbacks,
              scenario_early_stop_finishes_ok_with_text_so_far,
              scenario_concurrency_actions_wait_in_line, scenario_concurrency_inline_skips_full_provider)
