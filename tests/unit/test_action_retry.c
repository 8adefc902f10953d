/* Tests for actions/action_retry: which model "Retry with <stronger model>" names. The
 * rule's order after the model that answered, passing over every target the plan would
 * skip now (no key, a fill-in-the-middle API, a context window too small). */
#include "tests/unit/test.h"
#include "tests/unit/router_testcfg.h"
#include "actions/action_retry.h"
#include "router/router.h"

static bool stronger(struct router *r, long prompt_tokens, const char *answered, char *out)
{
    struct task t = { .kind = TASK_REFACTOR, .trigger = TRIGGER_INVOKED,
                      .prompt_tokens_estimate = prompt_tokens };
    out[0] = '\0';
    return action_stronger_model(r, &t, answered, out, 96);
}

TEST(retry_names_the_next_usable_target_of_the_rule)
{
    struct config *c = tcfg_new();
    size_t ok = tcfg_provider(c, "p", "openai", "http://127.0.0.1:1", "K", "sk-k-123456", 0);
    size_t nokey = tcfg_provider(c, "q", "openai", "http://127.0.0.1:2", "Q_KEY", NULL, 0);
    size_t fim = tcfg_provider(c, "m", "mistral-fim", "http://127.0.0.1:3", NULL, NULL, 0);
    tcfg_model(c, "cheap", ok, 0.1, 0.2, 200000);
    tcfg_model(c, "keyless", nokey, 1, 2, 200000);
    tcfg_model(c, "fim", fim, 1, 2, 200000);
    tcfg_model(c, "small", ok, 2, 4, 8000);
    tcfg_model(c, "strong", ok, 3, 15, 200000);
    tcfg_model(c, "elsewhere", ok, 3, 15, 200000);
    tcfg_route(c, "actions", STRATEGY_FALLBACK,
               (const char *const[]){ "cheap", "keyless", "fim", "small", "strong", NULL });
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct router *r = router_new(&loop, NULL, NULL, c);
    char model[96];
    ASSERT(stronger(r, 1000, "cheap", model));
    ASSERT_STREQ(model, "small");                  /* no key, FIM-only: passed over */
    ASSERT(stronger(r, 20000, "cheap", model));
    ASSERT_STREQ(model, "strong");                 /* the prompt outgrows small's window */
    ASSERT(!stronger(r, 1000, "strong", model));   /* the rule's last */
    ASSERT(!stronger(r, 1000, "elsewhere", model));   /* not in the rule (a pin) */
    ASSERT(!stronger(r, 1000, NULL, model));
    router_free(r);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    config_unref(c);
}
