/* Budget accounting: ledger base + running totals, periods, downgrade/block verdicts. */
#include "tests/unit/test.h"
#include "tests/unit/router_testcfg.h"
#include "router/budget.h"
#include <time.h>

/* 2026-11-27 12:00:00 UTC */
#define NOON 1795780800000LL

/* Periods are local calendar days: pin the zone so the instants below are stable. */
static void utc(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
}

static struct config *two_models(void)
{
    utc();
    struct config *c = tcfg_new();
    size_t a = tcfg_provider(c, "anthropic", "anthropic", "http://127.0.0.1:1", NULL, NULL, 0);
    size_t d = tcfg_provider(c, "deepseek", "openai", "http://127.0.0.1:2", NULL, NULL, 0);
    tcfg_model(c, "reasoning", a, 3.0, 15.0, 200000);
    tcfg_model(c, "fast", d, 0.28, 0.42, 64000);
    return c;
}

static double fake_ledger(void *data, int64_t since, const char *model, const char *provider)
{
    int *calls = data;
    (*calls)++;
    /* Earlier today: $1.50 on anthropic; earlier this month another $10 on it. */
    bool anthropic = (!model || strcmp(model, "reasoning") == 0) && (!provider || strcmp(provider, "anthropic") == 0);
    if (!anthropic) return 0;
    return since >= budget_day_start(NOON) ? 1.5 : 11.5;
}

TEST(budget_period_boundaries_follow_the_local_calendar)
{
    utc();
    ASSERT_EQ(budget_day_start(NOON), NOON - 12 * 3600000LL);
    ASSERT_EQ(budget_month_start(NOON), 1793491200000LL);   /* 2026-11-01 */
    setenv("TZ", "America/New_York", 1);   /* UTC-5 in November */
    tzset();
    ASSERT_EQ(budget_day_start(NOON), NOON - 12 * 3600000LL + 5 * 3600000LL);
    /* 03:00 UTC on the 27th is still the 26th in New York. */
    ASSERT_EQ(budget_day_start(NOON - 9 * 3600000LL), NOON - 36 * 3600000LL + 5 * 3600000LL);
}

TEST(budget_starts_from_ledger_and_adds_running_spend)
{
    struct config *c = two_models();
    tcfg_budget(c, BUDGET_PROVIDER, "anthropic", 2.0, 0, BUDGET_DOWNGRADE);
    tcfg_budget(c, BUDGET_OVERALL, NULL, 0, 20.0, BUDGET_BLOCK);
    int calls = 0;
    struct budget_state st;
    budget_state_init(&st, c, NOON, fake_ledger, &calls);
    ASSERT(calls >= 4);
    ASSERT_NEAR(budget_rule_spent(&st, 0, false, NOON), 1.5, 1e-9);
    ASSERT_NEAR(budget_rule_spent(&st, 1, true, NOON), 11.5, 1e-9);
    struct budget_verdict v;
    ASSERT(!budget_check(&st, c, 0, NOON, &v));
    budget_add(&st, c, 0, 0.6, NOON + 1000);
    ASSERT(budget_check(&st, c, 0, NOON + 1000, &v));
    ASSERT(!v.block);
    ASSERT_EQ(v.rule, 0);
    ASSERT_STREQ(v.reason, "daily limit $2.00 for provider anthropic reached ($2.1000 spent)");
    /* The other provider is not covered by the provider rule. */
    ASSERT(!budget_check(&st, c, 1, NOON + 1000, &v));
    /* Next day: the daily total starts again. */
    ASSERT(!budget_check(&st, c, 0, NOON + 24 * 3600000LL, &v));
    budget_state_free(&st);
    tcfg_free(c);
}

TEST(budget_block_verdict_wins_and_works_without_ledger)
{
    struct config *c = two_models();
    tcfg_budget(c, BUDGET_MODEL, "fast", 1.0, 0, BUDGET_DOWNGRADE);
    tcfg_budget(c, BUDGET_OVERALL, NULL, 1.0, 0, BUDGET_BLOCK);
    struct budget_state st;
    budget_state_init(&st, c, NOON, NULL, NULL);
    budget_add(&st, c, 1, 0.4, NOON);
    budget_add(&st, c, 1, 0.4, NOON);
    struct budget_verdict v;
    ASSERT(!budget_check(&st, c, 1, NOON, &v));
    budget_add(&st, c, 1, 0.25, NOON);
    ASSERT(budget_check(&st, c, 1, NOON, &v));
    ASSERT(v.block);
    ASSERT_EQ(v.rule, 1);
    ASSERT_NEAR(budget_spent_today(&st, NOON), 1.05, 1e-9);
    ASSERT(budget_check(&st, c, 0, NOON, &v));   /* overall covers every model */
    budget_state_free(&st);
    tcfg_free(c);
}

TEST(budget_monthly_limit)
{
    struct config *c = two_models();
    tcfg_budget(c, BUDGET_MODEL, "reasoning", 0, 12.0, BUDGET_DOWNGRADE);
    int calls = 0;
    struct budget_state st;
    budget_state_init(&st, c, NOON, fake_ledger, &calls);
    struct budget_verdict v;
    ASSERT(!budget_check(&st, c, 0, NOON, &v));
    budget_add(&st, c, 0, 0.5, NOON);
    ASSERT(budget_check(&st, c, 0, NOON, &v));
    ASSERT_STREQ(v.reason, "monthly limit $12.00 for model reasoning reached ($12.0000 spent)");
    budget_state_free(&st);
    tcfg_free(c);
}

TEST(budget_month_rolls_over_in_december)
{
    struct config *c = two_models();
    tcfg_budget(c, BUDGET_OVERALL, NULL, 0, 1.0, BUDGET_DOWNGRADE);
    int64_t dec31 = 1798675200000LL + 12 * 3600000LL;   /* 2026-12-31 12:00 UTC */
    struct budget_state st;
    budget_state_init(&st, c, dec31, NULL, NULL);
    budget_add(&st, c, 0, 2.0, dec31);
    struct budget_verdict v;
    ASSERT(budget_check(&st, c, 0, dec31, &v));
    ASSERT(!budget_check(&st, c, 0, dec31 + 12 * 3600000LL, &v));   /* 2027-01-01 00:00 */
    budget_add(&st, c, 0, 0.5, dec31 + 13 * 3600000LL);
    ASSERT_NEAR(budget_rule_spent(&st, 0, true, dec31 + 13 * 3600000LL), 0.5, 1e-9);
    budget_state_free(&st);
    tcfg_free(c);
}
