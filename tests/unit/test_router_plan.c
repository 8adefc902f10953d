/* Route planning: rule matching, strategies, skip reasons, downgrade and block. */
#include "tests/unit/test.h"
#include "tests/unit/router_testcfg.h"
#include "router/plan.h"
#include <stdlib.h>
#include <string.h>

#define NOW 1795780800000ULL

/* providers: anthropic (key), deepseek (key), openai (key missing), local (no key) */
static struct config *sample(void)
{
    struct config *c = tcfg_new();
    size_t a = tcfg_provider(c, "anthropic", "anthropic", "http://127.0.0.1:1", "ANTHROPIC_API_KEY", "sk-a-123456", 0);
    size_t d = tcfg_provider(c, "deepseek", "openai", "http://127.0.0.1:2", "DEEPSEEK_API_KEY", "sk-d-123456", 2);
    size_t o = tcfg_provider(c, "openai", "openai", "http://127.0.0.1:3", "OPENAI_API_KEY", NULL, 0);
    size_t l = tcfg_provider(c, "local", "ollama", "http://127.0.0.1:4", NULL, NULL, 0);
    tcfg_model(c, "reasoning", a, 3.0, 15.0, 200000);
    tcfg_model(c, "fast", d, 0.28, 0.42, 64000);
    tcfg_model(c, "gpt", o, 1.25, 10.0, 400000);
    tcfg_model(c, "offline", l, -1, -1, 8000);
    tcfg_model(c, "mini", d, 0.1, 0.2, 64000);
    return c;
}

static struct task make_task(enum task_kind kind, const char *lang, const char *path, long tokens)
{
    struct task t = { 0 };
    t.kind = kind;
    t.language = (char *)lang;
    t.path = (char *)path;
    t.prompt_tokens_estimate = tokens;
    return t;
}

static const char *name_of(const struct config *c, const struct route_plan *p, size_t i)
{
    return c->models[p->entries[i].model].name;
}

/* routes[0]: path under secret/ -> offline; routes[1]: tokens >= 50000 -> gpt;
 * routes[2]: inline in python or c -> fast, offline; routes[3]: refactor or fix,
 * invoked -> reasoning, fast. */
static struct config *four_rules(void)
{
    struct config *c = sample();
    struct route_rule *r0 = tcfg_route(c, "routes[0]", STRATEGY_FALLBACK, (const char *[]){ "offline", NULL });
    tcfg_rule_globs(r0, (const char *[]){ "secret/**", NULL });
    struct route_rule *r1 = tcfg_route(c, "routes[1]", STRATEGY_FALLBACK, (const char *[]){ "gpt", NULL });
    r1->min_tokens = 50000;
    struct route_rule *r2 = tcfg_route(c, "routes[2]", STRATEGY_FALLBACK, (const char *[]){ "fast", "offline", NULL });
    r2->task_mask = 1u << TASK_INLINE;
    tcfg_rule_languages(r2, (const char *[]){ "python", "c", NULL });
    struct route_rule *r3 = tcfg_route(c, "routes[3]", STRATEGY_FALLBACK, (const char *[]){ "reasoning", "fast", NULL });
    r3->task_mask = (1u << TASK_REFACTOR) | (1u << TASK_FIX);
    r3->trigger_mask = 1u << TRIGGER_INVOKED;
    return c;
}

TEST(plan_rule_matches_on_kind_and_language)
{
    struct config *c = four_rules();
    struct task t = make_task(TASK_INLINE, "python", "src/a.py", 100);
    ASSERT_EQ(route_match_rule(c, &t), 2);
    tcfg_free(c);
}

TEST(plan_rule_path_glob_comes_first)
{
    struct config *c = four_rules();
    struct task t = make_task(TASK_INLINE, "python", "/home/u/proj/secret/keys.py", 100);
    ASSERT_EQ(route_match_rule(c, &t), 0);
    tcfg_free(c);
}

TEST(plan_rule_matches_on_prompt_tokens)
{
    struct config *c = four_rules();
    struct task t = make_task(TASK_INLINE, "python", "src/a.py", 100);
    t.prompt_tokens_estimate = 60000;
    ASSERT_EQ(route_match_rule(c, &t), 1);
    tcfg_free(c);
}

TEST(plan_rule_no_match_for_another_language)
{
    struct config *c = four_rules();
    struct task t = make_task(TASK_INLINE, "rust", "src/a.rs", 100);
    ASSERT_EQ(route_match_rule(c, &t), -1);
    tcfg_free(c);
}

TEST(plan_rule_matches_on_trigger)
{
    struct config *c = four_rules();
    struct task t = make_task(TASK_FIX, "rust", "src/a.rs", 100);
    t.trigger = TRIGGER_INVOKED;
    ASSERT_EQ(route_match_rule(c, &t), 3);
    t.trigger = TRIGGER_AUTOMATIC;
    ASSERT_EQ(route_match_rule(c, &t), -1);
    tcfg_free(c);
}

TEST(plan_follows_the_matched_rule)
{
    struct config *c = four_rules();
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    struct route_plan p;
    struct task t = make_task(TASK_REFACTOR, "c", NULL, 100);
    t.trigger = TRIGGER_INVOKED;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_EQ(p.rule_index, 3);
    ASSERT_EQ(p.count, 2);
    ASSERT_STREQ(name_of(c, &p, 0), "reasoning");
    ASSERT_STREQ(p.entries[0].reason, "chosen: first usable target");
    ASSERT_STREQ(p.entries[1].reason, "fallback #1");
    ASSERT(strstr(p.summary, "routes[3] matched: task refactor") == p.summary);
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_without_a_matching_rule_says_so)
{
    struct config *c = four_rules();
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    struct route_plan p;
    struct task t = make_task(TASK_INLINE, "rust", NULL, 10);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), -1);
    ASSERT_EQ(p.rule_index, -1);
    ASSERT(strstr(p.summary, "no route matches task inline"));
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_skips_missing_key_small_context_breaker_cooldown)
{
    struct config *c = sample();
    tcfg_route(c, "all", STRATEGY_FALLBACK, (const char *[]){ "gpt", "offline", "reasoning", "fast", "mini", NULL });
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    for (int i = 0; i < 3; i++) breaker_on_result(&st.health[0].breaker, &c->breaker, NOW - 1000, false, false);
    st.health[1].cooldown_until = NOW + 2500;
    struct task t = make_task(TASK_REFACTOR, NULL, NULL, 7500);
    struct route_plan p;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_EQ(p.count, 5);
    ASSERT_EQ(p.usable, 1);
    ASSERT_STREQ(p.entries[0].code, "no-key");
    ASSERT_STREQ(p.entries[0].reason, "no key: OPENAI_API_KEY is not set");
    ASSERT_STREQ(p.entries[1].code, "context");
    ASSERT_STREQ(p.entries[1].reason, "context too small: needs ~8524 tokens (prompt 7500 + output 1024), window 8000");
    ASSERT_STREQ(p.entries[2].code, "breaker");
    ASSERT_STREQ(p.entries[2].reason, "breaker open for 29000 ms more (trial after cooldown)");
    ASSERT_STREQ(p.entries[3].code, "cooldown");
    ASSERT_STREQ(p.entries[3].reason, "rate limited for 2500 ms more");
    ASSERT(!p.entries[4].skipped);
    ASSERT_STREQ(p.entries[4].reason, "chosen: first usable target");
    /* After the cooldowns the breaker's trial is offered and the 429 park is over. */
    ASSERT_EQ(route_plan_compute(&st, &t, NOW + 29000, 0.5, &p), 0);
    ASSERT(!p.entries[2].skipped);
    ASSERT_STREQ(p.entries[2].reason, "chosen: first usable target; breaker half-open: this is its trial");
    ASSERT(!p.entries[3].skipped);
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_concurrency_inline_skips_action_queues)
{
    struct config *c = sample();
    tcfg_route(c, "all", STRATEGY_FALLBACK, (const char *[]){ "fast", "offline", NULL });
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    st.provider_in_flight[1] = 2;   /* deepseek max_concurrency 2 */
    struct task t = make_task(TASK_INLINE, NULL, NULL, 100);
    struct route_plan p;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_STREQ(p.entries[0].code, "concurrency");
    ASSERT(p.entries[0].skipped);
    ASSERT_STREQ(name_of(c, &p, 1), "offline");
    t.kind = TASK_REVIEW;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT(!p.entries[0].skipped);
    ASSERT_STREQ(p.entries[0].code, "queue");
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_split_proportions_follow_weights)
{
    struct config *c = sample();
    struct route_rule *r = tcfg_route(c, "split", STRATEGY_SPLIT, (const char *[]){ "fast", "reasoning", "mini", NULL });
    tcfg_rule_weights(r, (const double[]){ 0.6, 0.3, 0.1 });
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    int counts[8] = { 0 };
    int n = 20000;
    test_srand(7);
    for (int i = 0; i < n; i++) {
        struct task t = make_task(TASK_INLINE, NULL, NULL, 10);
        t.affinity = ((unsigned long long)test_rand() << 32) | test_rand();
        struct route_plan p;
        ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
        ASSERT_EQ(p.count, 3);
        counts[p.entries[0].model]++;
    }
    ASSERT_NEAR((double)counts[1] / n, 0.6, 0.02);
    ASSERT_NEAR((double)counts[0] / n, 0.3, 0.02);
    ASSERT_NEAR((double)counts[4] / n, 0.1, 0.02);
    /* Without affinity the random draw decides. */
    memset(counts, 0, sizeof counts);
    for (int i = 0; i < n; i++) {
        struct task t = make_task(TASK_INLINE, NULL, NULL, 10);
        struct route_plan p;
        route_plan_compute(&st, &t, NOW, (double)(test_rand() % 100000) / 100000.0, &p);
        counts[p.entries[0].model]++;
    }
    ASSERT_NEAR((double)counts[1] / n, 0.6, 0.02);
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_split_affinity_is_stable_and_rest_follow_as_fallback)
{
    struct config *c = sample();
    struct route_rule *r = tcfg_route(c, "split", STRATEGY_SPLIT, (const char *[]){ "fast", "reasoning", "mini", NULL });
    tcfg_rule_weights(r, (const double[]){ 1, 1, 1 });
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    for (unsigned long long aff = 1; aff < 200; aff++) {
        struct task t = make_task(TASK_INLINE, NULL, NULL, 10);
        t.affinity = aff * 7919;
        struct route_plan a, b;
        route_plan_compute(&st, &t, NOW, 0.01, &a);
        route_plan_compute(&st, &t, NOW + 5000, 0.99, &b);   /* other draw, later: same pick */
        ASSERT_EQ(a.entries[0].model, b.entries[0].model);
        /* every target appears once */
        ASSERT_EQ(a.count, 3);
        ASSERT(a.entries[0].model != a.entries[1].model && a.entries[1].model != a.entries[2].model &&
               a.entries[0].model != a.entries[2].model);
        ASSERT_STREQ(a.entries[0].reason, "chosen by split");
    }
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_hedge_reason_names_delay)
{
    struct config *c = sample();
    struct route_rule *r = tcfg_route(c, "hedge", STRATEGY_HEDGE, (const char *[]){ "fast", "mini", NULL });
    r->hedge_after_ms = 300;
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    struct task t = make_task(TASK_INLINE, NULL, NULL, 10);
    struct route_plan p;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_EQ(p.strategy, STRATEGY_HEDGE);
    ASSERT_EQ(p.hedge_after_ms, 300);
    ASSERT_STREQ(p.entries[1].reason, "hedge: starts if no first token after 300 ms");
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_budget_downgrade_to_next_cheaper_model)
{
    struct config *c = sample();
    tcfg_route(c, "actions", STRATEGY_FALLBACK, (const char *[]){ "reasoning", NULL });
    tcfg_budget(c, BUDGET_PROVIDER, "anthropic", 1.0, 0, BUDGET_DOWNGRADE);
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    budget_add(&st.budget, c, 0, 1.2, (int64_t)NOW);
    struct task t = make_task(TASK_REVIEW, NULL, NULL, 1000);
    struct route_plan p;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT(p.entries[0].skipped);
    ASSERT_STREQ(p.entries[0].code, "budget");
    ASSERT_STREQ(p.entries[0].reason, "over budget: daily limit $1.00 for provider anthropic reached ($1.2000 spent)");
    /* The next cheaper usable models, most expensive first: gpt has no key; fast
     * (0.28/0.42), then mini (0.1/0.2), then offline (no price: free). */
    ASSERT(p.count >= 3);
    ASSERT(p.entries[1].downgrade);
    ASSERT_STREQ(name_of(c, &p, 1), "fast");
    ASSERT_STREQ(name_of(c, &p, 2), "mini");
    ASSERT_STREQ(name_of(c, &p, 3), "offline");
    ASSERT(strstr(p.entries[1].reason, "downgrade: next cheaper model within budget"));
    ASSERT(!p.budget_blocked);
    route_state_free(&st);
    tcfg_free(c);
}

/* An overall downgrade budget that is spent rules out what costs money, not what is
 * free: the local model keeps serving, in the rule or as the downgrade; with nothing
 * free the plan has no usable target (issue #14, item 11). */
TEST(plan_overall_downgrade_keeps_free_targets)
{
    struct config *c = sample();
    tcfg_route(c, "inline", STRATEGY_FALLBACK, (const char *[]){ "fast", "offline", NULL });
    c->routes[0].task_mask = 1u << TASK_INLINE;
    tcfg_route(c, "actions", STRATEGY_FALLBACK, (const char *[]){ "reasoning", "fast", NULL });
    tcfg_budget(c, BUDGET_OVERALL, NULL, 5.0, 0, BUDGET_DOWNGRADE);
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    budget_add(&st.budget, c, 1, 5.01, (int64_t)NOW);
    struct route_plan p;
    struct task t = make_task(TASK_INLINE, NULL, NULL, 500);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_STREQ(p.entries[0].code, "budget");
    ASSERT(!p.entries[1].skipped);
    ASSERT_STREQ(name_of(c, &p, 1), "offline");
    t = make_task(TASK_REVIEW, NULL, NULL, 500);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_EQ(p.usable, 1);
    ASSERT_STREQ(name_of(c, &p, 2), "offline");
    ASSERT(p.entries[2].downgrade);
    struct budget_verdict v;
    ASSERT(budget_check(&st.budget, c, 0, (int64_t)NOW, &v));   /* paid: over */
    ASSERT(!budget_check(&st.budget, c, 3, (int64_t)NOW, &v));  /* free: fits */
    route_state_free(&st);
    /* Without a free model nothing fits: no usable target. */
    c->models[3].price = (struct model_price){ 0.01, 0.01, -1, -1 };
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    budget_add(&st.budget, c, 1, 5.01, (int64_t)NOW);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), -1);
    route_state_free(&st);
    tcfg_free(c);
}

/* A model whose API does only fill-in-the-middle (mistral-fim) cannot serve a code
 * action: the plan skips it with the reason, the next target serves, and with no
 * other target nothing is usable (issue #14, item 13). Inline still uses it. */
TEST(plan_skips_targets_that_cannot_do_the_task)
{
    struct config *c = sample();
    size_t cp = tcfg_provider(c, "codestral", "mistral-fim", "http://127.0.0.1:5", NULL, NULL, 0);
    tcfg_model(c, "fim", cp, 0.3, 0.9, 256000);
    tcfg_route(c, "inline", STRATEGY_FALLBACK, (const char *[]){ "fim", NULL });
    c->routes[0].task_mask = 1u << TASK_INLINE;
    tcfg_route(c, "actions", STRATEGY_FALLBACK, (const char *[]){ "fim", "fast", NULL });
    tcfg_route(c, "docs", STRATEGY_FALLBACK, (const char *[]){ "fim", NULL });
    c->routes[2].task_mask = 1u << TASK_DOCS;
    c->routes[1].task_mask = 1u << TASK_REFACTOR;
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    struct route_plan p;
    struct task t = make_task(TASK_REFACTOR, NULL, NULL, 500);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT(p.entries[0].skipped);
    ASSERT_STREQ(p.entries[0].code, "capability");
    ASSERT_STREQ(p.entries[0].reason, "cannot do refactor: kind mistral-fim does inline completion only");
    ASSERT(!p.entries[1].skipped);
    ASSERT_STREQ(name_of(c, &p, 1), "fast");
    ASSERT_STREQ(p.entries[1].reason, "chosen: first usable target");
    t = make_task(TASK_DOCS, NULL, NULL, 500);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), -1);
    ASSERT_STREQ(p.entries[0].code, "capability");
    t = make_task(TASK_INLINE, NULL, NULL, 500);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_STREQ(name_of(c, &p, 0), "fim");
    ASSERT(!p.entries[0].skipped);
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_budget_block_refuses)
{
    struct config *c = sample();
    tcfg_route(c, "actions", STRATEGY_FALLBACK, (const char *[]){ "reasoning", "fast", NULL });
    tcfg_budget(c, BUDGET_OVERALL, NULL, 0.5, 0, BUDGET_BLOCK);
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    struct task t = make_task(TASK_REVIEW, NULL, NULL, 1000);
    struct route_plan p;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    budget_add(&st.budget, c, 1, 0.5, (int64_t)NOW);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), -1);
    ASSERT(p.budget_blocked);
    ASSERT_EQ(p.count, 2);   /* no downgrade when the budget says block */
    ASSERT_STREQ(p.entries[0].code, "budget-block");
    ASSERT_STREQ(p.entries[0].reason, "over budget: daily limit $0.50 overall reached ($0.5000 spent), action block");
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_state_carries_breakers_across_config_reload)
{
    struct config *c = sample();
    tcfg_route(c, "all", STRATEGY_FALLBACK, (const char *[]){ "fast", NULL });
    struct route_state a, b;
    route_state_init(&a, c, NULL, NOW, NULL, NULL);
    for (int i = 0; i < 3; i++) breaker_on_result(&a.health[1].breaker, &c->breaker, NOW, false, false);
    struct config *c2 = tcfg_new();
    size_t d = tcfg_provider(c2, "deepseek", "openai", "http://127.0.0.1:2", NULL, NULL, 0);
    tcfg_model(c2, "fast", d, 0.28, 0.42, 64000);   /* now index 0 */
    route_state_init(&b, c2, &a, NOW, NULL, NULL);
    ASSERT_EQ(breaker_state_at(&b.health[0].breaker, NOW), BREAKER_OPEN);
    route_state_free(&a);
    route_state_free(&b);
    tcfg_free(c);
    tcfg_free(c2);
}

TEST(plan_pin_leads_overrides_order_and_language_pin_wins)
{
    struct config *c = sample();
    tcfg_route(c, "all", STRATEGY_FALLBACK, (const char *[]){ "fast", "reasoning", "mini", NULL });
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    struct pin_table *pins = pin_table_new();
    st.pins = pins;
    ASSERT(pin_table_set(pins, TASK_REFACTOR, NULL, "mini"));
    ASSERT(pin_table_set(pins, TASK_REFACTOR, "c", "offline"));   /* not in the rule: still allowed */
    struct task t = make_task(TASK_REFACTOR, "python", NULL, 1000);
    struct route_plan p;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_EQ(p.count, 3);   /* the pinned model is not listed twice */
    ASSERT_STREQ(name_of(c, &p, 0), "mini");
    ASSERT(p.entries[0].pinned);
    ASSERT_STREQ(p.entries[0].reason, "pinned by the user (switchboard.pin)");
    ASSERT_STREQ(name_of(c, &p, 1), "fast");
    ASSERT_STREQ(p.entries[1].reason, "fallback #1");
    t.language = "C";
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_STREQ(name_of(c, &p, 0), "offline");
    ASSERT_EQ(p.count, 4);
    /* Other tasks are not pinned. */
    t = make_task(TASK_FIX, NULL, NULL, 1000);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_STREQ(name_of(c, &p, 0), "fast");
    ASSERT(!p.entries[0].pinned);
    /* Unpinning gives the rule back. */
    ASSERT(pin_table_set(pins, TASK_REFACTOR, NULL, NULL));
    ASSERT(!pin_table_set(pins, TASK_REFACTOR, NULL, NULL));
    t = make_task(TASK_REFACTOR, NULL, NULL, 1000);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_STREQ(name_of(c, &p, 0), "fast");
    pin_table_free(pins);
    route_state_free(&st);
    tcfg_free(c);
}

TEST(plan_pin_cannot_pass_a_check_the_rule_continues_with_why)
{
    struct config *c = sample();
    tcfg_route(c, "all", STRATEGY_FALLBACK, (const char *[]){ "fast", "mini", NULL });
    tcfg_budget(c, BUDGET_MODEL, "reasoning", 0.5, 0, BUDGET_BLOCK);
    struct route_state st;
    route_state_init(&st, c, NULL, NOW, NULL, NULL);
    struct pin_table *pins = pin_table_new();
    st.pins = pins;
    pin_table_set(pins, TASK_REFACTOR, NULL, "gpt");   /* no key */
    struct task t = make_task(TASK_REFACTOR, NULL, NULL, 1000);
    struct route_plan p;
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT(p.entries[0].skipped);
    ASSERT(p.entries[0].pinned);
    ASSERT_STREQ(p.entries[0].code, "no-key");
    ASSERT_STREQ(p.entries[0].reason, "pinned, but cannot serve: no key: OPENAI_API_KEY is not set");
    ASSERT_STREQ(name_of(c, &p, 1), "fast");
    ASSERT_STREQ(p.entries[1].reason, "chosen: first usable target");
    /* A pin does not get around a budget either. */
    pin_table_set(pins, TASK_REFACTOR, NULL, "reasoning");
    budget_add(&st.budget, c, 0, 0.5, (int64_t)NOW);
    ASSERT_EQ(route_plan_compute(&st, &t, NOW, 0.5, &p), 0);
    ASSERT_STREQ(p.entries[0].code, "budget-block");
    ASSERT(!strncmp(p.entries[0].reason, "pinned, but cannot serve: over budget", 37));
    ASSERT_STREQ(name_of(c, &p, 1), "fast");
    cJSON *json = pin_table_json(pins);
    char *text = cJSON_PrintUnformatted(json);
    ASSERT_STREQ(text, "[{\"task\":\"refactor\",\"model\":\"reasoning\"}]");
    free(text);
    cJSON_Delete(json);
    pin_table_free(pins);
    route_state_free(&st);
    tcfg_free(c);
}
