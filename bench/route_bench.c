/* Routing decision cost: route_plan_compute over a config with many rules, for a
 * task matched by the first rule, one matched only by the last (every rule's
 * language, path-glob and token tests run first), and a split with affinity.
 * Prints nanoseconds per decision; the target is under 10 microseconds.
 *
 * The config is built in memory with the unit tests' helper (no loader, no file),
 * so the figure is the planner's alone. */
#include "router/plan.h"
#include "base/clock.h"
#include "tests/unit/router_testcfg.c"
#include <stdio.h>

#define RULES 64

static struct config *big_config(void)
{
    struct config *c = tcfg_new();
    size_t a = tcfg_provider(c, "anthropic", "anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY", "k-123456", 8);
    size_t d = tcfg_provider(c, "deepseek", "openai", "https://api.deepseek.com", "DEEPSEEK_API_KEY", "k-654321", 8);
    size_t l = tcfg_provider(c, "local", "ollama", "http://127.0.0.1:11434", NULL, NULL, 0);
    tcfg_model(c, "reasoning", a, 3.0, 15.0, 200000);
    tcfg_model(c, "fast", d, 0.28, 0.42, 64000);
    tcfg_model(c, "offline", l, -1, -1, 32000);
    tcfg_model(c, "mini", d, 0.1, 0.2, 64000);
    tcfg_budget(c, BUDGET_OVERALL, NULL, 10, 100, BUDGET_DOWNGRADE);
    tcfg_budget(c, BUDGET_PROVIDER, "anthropic", 5, 50, BUDGET_DOWNGRADE);
    tcfg_budget(c, BUDGET_MODEL, "fast", 2, 20, BUDGET_BLOCK);
    char label[32];
    for (int i = 0; i < RULES - 2; i++) {
        snprintf(label, sizeof label, "routes[%d]", i);
        struct route_rule *r = tcfg_route(c, label, STRATEGY_FALLBACK, (const char *[]){ "reasoning", "fast", "offline", NULL });
        /* Language matches python too, so the path globs are what rule the task out. */
        tcfg_rule_languages(r, (const char *[]){ "cobol", "fortran", "python", NULL });
        tcfg_rule_globs(r, (const char *[]){ "legacy/**/*.cob", "vendor/**", NULL });
        r->min_tokens = 100;
    }
    snprintf(label, sizeof label, "routes[%d]", RULES - 2);
    struct route_rule *s = tcfg_route(c, label, STRATEGY_SPLIT, (const char *[]){ "fast", "mini", "offline", NULL });
    tcfg_rule_weights(s, (const double[]){ 0.5, 0.3, 0.2 });
    s->task_mask = 1u << TASK_TESTS;
    snprintf(label, sizeof label, "routes[%d]", RULES - 1);
    tcfg_route(c, label, STRATEGY_FALLBACK, (const char *[]){ "fast", "reasoning", "offline", NULL });
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
    printf("route_bench: first rule matches      %8.1f ns/decision\n", per_decision_ns(&st, &first, n));
    printf("route_bench: last of %d rules matches %8.1f ns/decision\n", RULES, per_decision_ns(&st, &last, n));
    printf("route_bench: split with affinity     %8.1f ns/decision\n", per_decision_ns(&st, &split, n));
    route_state_free(&st);
    tcfg_free(c);
    return 0;
}
