/* Circuit breaker and backoff: state transitions with an injected clock, backoff bounds. */
#include "tests/unit/test.h"
#include "router/breaker.h"
#include "router/backoff.h"

static const struct breaker_settings settings = { 3, 0.5, 10, 60000, 30000 };

TEST(breaker_opens_after_consecutive_failures)
{
    struct breaker b;
    breaker_init(&b);
    uint64_t t = 1000000;
    for (int i = 0; i < 2; i++) breaker_on_result(&b, &settings, t++, false, false);
    ASSERT_EQ(breaker_state_at(&b, t), BREAKER_CLOSED);
    ASSERT(breaker_allows(&b, t, NULL));
    breaker_on_result(&b, &settings, t, false, false);
    ASSERT_EQ(breaker_state_at(&b, t), BREAKER_OPEN);
    uint64_t retry_at = 0;
    ASSERT(!breaker_allows(&b, t + 29999, &retry_at));
    ASSERT_EQ(retry_at, t + 30000);
}

TEST(breaker_success_resets_consecutive_count)
{
    struct breaker b;
    breaker_init(&b);
    uint64_t t = 5000;
    breaker_on_result(&b, &settings, t, false, false);
    breaker_on_result(&b, &settings, t, false, false);
    breaker_on_result(&b, &settings, t, true, false);
    breaker_on_result(&b, &settings, t, false, false);
    breaker_on_result(&b, &settings, t, false, false);
    ASSERT_EQ(breaker_state_at(&b, t), BREAKER_CLOSED);
}

TEST(breaker_half_open_allows_single_trial_then_closes)
{
    struct breaker b;
    breaker_init(&b);
    uint64_t t = 100000;
    for (int i = 0; i < 3; i++) breaker_on_result(&b, &settings, t, false, false);
    t += 30000;
    ASSERT_EQ(breaker_state_at(&b, t), BREAKER_HALF_OPEN);
    ASSERT(breaker_allows(&b, t, NULL));
    ASSERT(breaker_on_start(&b, t));            /* the trial */
    ASSERT(!breaker_allows(&b, t, NULL));       /* a second request must wait */
    ASSERT(!breaker_on_start(&b, t));
    /* A late failure from before the breaker opened does not decide anything. */
    breaker_on_result(&b, &settings, t + 1, false, false);
    ASSERT_EQ(breaker_state_at(&b, t + 1), BREAKER_HALF_OPEN);
    breaker_on_result(&b, &settings, t + 2, true, true);
    ASSERT_EQ(breaker_state_at(&b, t + 2), BREAKER_CLOSED);
    ASSERT(breaker_allows(&b, t + 2, NULL));
}

TEST(breaker_failed_trial_reopens_for_a_new_cooldown)
{
    struct breaker b;
    breaker_init(&b);
    uint64_t t = 100000;
    for (int i = 0; i < 3; i++) breaker_on_result(&b, &settings, t, false, false);
    t += 31000;
    ASSERT(breaker_on_start(&b, t));
    breaker_on_result(&b, &settings, t, false, true);
    ASSERT_EQ(breaker_state_at(&b, t), BREAKER_OPEN);
    ASSERT(!breaker_allows(&b, t + 29999, NULL));
    ASSERT(breaker_allows(&b, t + 30000, NULL));
}

TEST(breaker_abandoned_trial_frees_the_slot)
{
    struct breaker b;
    breaker_init(&b);
    for (int i = 0; i < 3; i++) breaker_on_result(&b, &settings, 0, false, false);
    ASSERT(breaker_on_start(&b, 30000));
    breaker_on_abandon(&b, true);
    ASSERT(breaker_allows(&b, 30001, NULL));
    ASSERT_EQ(breaker_state_at(&b, 30001), BREAKER_HALF_OPEN);
}

TEST(breaker_opens_on_failure_rate_over_window)
{
    struct breaker_settings s = settings;
    s.failure_threshold = 100;   /* only the rate rule can trip */
    struct breaker b;
    breaker_init(&b);
    uint64_t t = 1000000;
    /* Alternate success/failure: never 3 in a row, but 50% over 10 requests. */
    for (int i = 0; i < 9; i++) {
        breaker_on_result(&b, &s, t + (uint64_t)i * 100, i % 2 == 0, false);
        ASSERT_EQ(breaker_state_at(&b, t + (uint64_t)i * 100), BREAKER_CLOSED);
    }
    breaker_on_result(&b, &s, t + 1000, false, false);
    ASSERT_EQ(breaker_state_at(&b, t + 1000), BREAKER_OPEN);
}

TEST(breaker_rate_window_forgets_old_requests)
{
    struct breaker_settings s = settings;
    s.failure_threshold = 100;
    struct breaker b;
    breaker_init(&b);
    uint64_t t = 1000000;
    for (int i = 0; i < 8; i++) breaker_on_result(&b, &s, t, i % 2 == 0, false);
    /* Two minutes later the old ones are outside the 60 s window. */
    t += 120000;
    breaker_on_result(&b, &s, t, false, false);
    breaker_on_result(&b, &s, t, true, false);
    ASSERT_EQ(breaker_state_at(&b, t), BREAKER_CLOSED);
}

TEST(backoff_full_jitter_bounds)
{
    struct retry_settings s = { 5, 250, 4000, 10000 };
    long expect_ceiling[] = { 250, 500, 1000, 2000, 4000, 4000, 4000 };
    for (int n = 0; n < 7; n++) {
        ASSERT_EQ(backoff_delay_ms(&s, n, 0.0), 0);
        long hi = backoff_delay_ms(&s, n, 0.999999);
        ASSERT(hi <= expect_ceiling[n]);
        ASSERT(hi >= expect_ceiling[n] - 1);
        ASSERT_EQ(backoff_delay_ms(&s, n, 0.5), expect_ceiling[n] / 2);
    }
    ASSERT(backoff_delay_ms(&s, 1000, 0.999) <= 4000);   /* huge n: no overflow */
}

TEST(backoff_honours_server_delay_up_to_cap)
{
    struct retry_settings s = { 2, 250, 4000, 10000 };
    struct provider_error e = { .cls = PERR_RATE_LIMITED, .status = 429, .retry_after_ms = 7000 };
    ASSERT_EQ(retry_delay_ms(&s, &e, 0, 0.3), 7000);
    e.retry_after_ms = 20000;
    ASSERT_EQ(retry_delay_ms(&s, &e, 0, 0.3), -1);
    e.retry_after_ms = -1;
    ASSERT_EQ(retry_delay_ms(&s, &e, 1, 0.5), 250);
}

TEST(retry_policy_by_error_class)
{
    ASSERT_EQ(retry_action_for(PERR_RATE_LIMITED), RETRY_SAME);
    ASSERT_EQ(retry_action_for(PERR_SERVER), RETRY_SAME);
    ASSERT_EQ(retry_action_for(PERR_OVERLOADED), RETRY_SAME);
    ASSERT_EQ(retry_action_for(PERR_NETWORK), RETRY_SAME);
    ASSERT_EQ(retry_action_for(PERR_QUOTA), RETRY_NEXT);
    ASSERT_EQ(retry_action_for(PERR_AUTH), RETRY_NEXT);
    ASSERT_EQ(retry_action_for(PERR_BAD_REQUEST), RETRY_NEXT);
    ASSERT_EQ(retry_action_for(PERR_CONTEXT_LENGTH), RETRY_NEXT);
    ASSERT_EQ(retry_action_for(PERR_TIMEOUT), RETRY_NEXT);
    ASSERT_EQ(retry_action_for(PERR_CANCELLED), RETRY_STOP);
    ASSERT(!error_counts_against_target(PERR_BAD_REQUEST));
    ASSERT(!error_counts_against_target(PERR_RATE_LIMITED));
    ASSERT(error_counts_against_target(PERR_SERVER));
}
