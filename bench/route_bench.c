/* Routing decision cost: route_plan_compute over a loaded config with many rules,
 * for a task matched by the first rule, one matched only by the last (every rule's
 * language, path-glob and token tests run first), a split with affinity, and the
 * adaptive strategy with learned estimates for its three targets.
 * Prints nanoseconds per decision; the target is under 10 microseconds. */
#include "router/plan.h"
#include "base/buf.h"
#include "base/clock.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define RULES 65

static struct config *big_config(void)
{
    struct buf b = { 0 };
    buf_puts(&b, "{ \"providers\": {"
                 "  \"anthropic\": { \"kind\": \"anthropic\", \"base_url\": \"http://127.0.0.1:1\", \"max_concurrency\": 8 },"
                 "  \"deepseek\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:2\", \"max_concurrency\": 8 },"
                 "  \"local\": { \"kind\": \"ollama\", \"base_url\": \"http://127.0.0.1:3\" } },"
                 "\"models\": {"
                 "  \"reasoning\": { \"provider\": \"anthropic\", \"model\": \"claude-sonnet-4-5\", \"context_window\": 200000,"
                 "                 \"price\": { \"input\": 3, \"output\": 15 } },"
                 "  \"fast\": { \"provider\": \"deepseek\", \"model\": \"deepseek-chat\", \"context_window\": 64000,"
                 "            \"price\": { \"input\": 0.28, \"output\": 0.42 } },"
                 "  \"mini\": { \"provider\": \"deepseek\", \"model\": \"deepseek-mini\", \"price\": { \"input\": 0.1, \"output\": 0.2 } },"
                 "  \"offline\": { \"provider\": \"local\", \"model\": \"qwen2.5-coder:7b\", \"context_window\": 32000 } },"
                 "\"budgets\": [ { \"daily_usd\": 10, \"monthly_usd\": 100 },"
                 "  { \"scope\": \"provider\", \"name\": \"anthropic\", \"daily_usd\": 5 },"
                 "  { \"scope\": \"model\", \"name\": \"fast\", \"daily_usd\": 2, \"action\": \"block\" } ],"
                 "\"routes\": [");
    /* Language matches python, so the path globs are what rule the task out. */
    for (int i = 0; i < RULES - 3; i++)
        buf_printf(&b, "{ \"when\": { \"language\": [\"cobol\", \"fortran\", \"python\"],"
                       " \"path\": [\"legacy/**/*.cob\", \"vendor/**\"], \"min_tokens\": 100 },"
                       " \"targets\": [\"reasoning\", \"fast\", \"offline\"] },");
    buf_puts(&b, "{ \"when\": { \"task\": \"docs\" }, \"strategy\": \"adaptive\","
                 "  \"targets\": [\"reasoning\", \"fast\", \"mini\"] },"
                 "{ \"when\": { \"task\": \"tests\" }, \"strategy\": \"split\", \"weights\": [5, 3, 2],"
                 "  \"targets\": [\"fast\", \"mini\", \"offline\"] },"
                 "{ \"when\": {}, \"targets\": [\"fast\", \"reasoning\", \"offline\"] } ] }");
    char err[512];
    struct config *c = config_load_text(buf_str(&b), "route_bench", NULL, err, sizeof err);
    buf_free(&b);
    if (!c) {
        fprintf(stderr, "route_bench: %s\n", err);
        exit(1);
    }
    return c;
}

static double per_decision_ns(const struct route_state *st, struct task *t, int n)
{
    struct route_plan plan;
    uint64_t now = 1795780800000ULL;
    int usable = 0;
    uint64_t start = clock_monotonic_us();
    for (int i = 0; i < n; i++) {
        t->affinity = (unsigned long long)i * 2654435761u;
        usable += route_plan_compute(st, t, now, 0.5, &plan) == 0;
    }
    uint64_t us = clock_monotonic_us() - start;
    if (usable != n) fprintf(stderr, "route_bench: %d of %d decisions had no usable target\n", n - usable, n);
    return (double)us * 1000.0 / n;
}

int main(void)
{
    struct config *c = big_config();
    struct route_state st;
    route_state_init(&st, c, NULL, 1795780800000ULL, NULL, NULL);
    int n = 200000;
    struct task first = { .kind = TASK_INLINE, .language = "python", .path = "legacy/a/b.cob", .prompt_tokens_estimate = 900 };
    struct task last = { .kind = TASK_REVIEW, .language = "python", .path = "src/pkg/module.py", .prompt_tokens_estimate = 4000 };
    struct task split = { .kind = TASK_TESTS, .language = "go", .path = "src/x.go", .prompt_tokens_estimate = 2000 };
    printf("route_bench: %d rules, %d decisions each\n", RULES, n);
    printf("route_bench: first rule matches       %8.1f ns/decision\n", per_decision_ns(&st, &first, n));
    printf("route_bench: last of %d rules matches %8.1f ns/decision\n", RULES, per_decision_ns(&st, &last, n));
    printf("route_bench: split with affinity      %8.1f ns/decision\n", per_decision_ns(&st, &split, n));
    /* Adaptive with estimates for every target (trusted: the chooser compares them). */
    struct quality_table *q = quality_new();
    const char *models[] = { "reasoning", "fast", "mini" };
    char line[256];
    for (int m = 0; m < 3; m++)
        for (int i = 0; i < 50; i++) {
            snprintf(line, sizeof line, "{\"time\":\"2026-12-01T00:00:00.000Z\",\"attempt_id\":\"%s-%d\","
                     "\"task\":\"docs\",\"language\":\"go\",\"model\":\"%s\",\"outcome\":\"ok\","
                     "\"cost_usd\":0.001}", models[m], i, models[m]);
            quality_note_line(q, line, 0, INT64_MAX);
        }
    st.quality = q;
    struct task adaptive = { .kind = TASK_DOCS, .language = "go", .path = "src/x.go", .prompt_tokens_estimate = 2000 };
    printf("route_bench: adaptive, 3 targets      %8.1f ns/decision\n", per_decision_ns(&st, &adaptive, n));
    quality_free(q);
    route_state_free(&st);
    config_unref(c);
    return 0;
}
