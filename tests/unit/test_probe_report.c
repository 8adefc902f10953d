/* The probe's plain-words lines. */
#include "tests/unit/test.h"
#include "cli/probe_report.h"

static struct probe_outcome failed(enum provider_error_class cls, int status, const char *msg)
{
    struct probe_outcome o = {0};
    o.model = "reasoning";
    o.provider = "anthropic";
    o.key_source = "ANTHROPIC_API_KEY";
    o.error.cls = cls;
    o.error.status = status;
    o.error.retry_after_ms = -1;
    snprintf(o.error.message, sizeof o.error.message, "%s", msg);
    return o;
}

TEST(probe_describe_errors_in_plain_words)
{
    char line[512];
    struct probe_outcome o = failed(PERR_AUTH, 401, "invalid x-api-key");
    probe_describe(&o, line, sizeof line);
    ASSERT_STREQ(line, "anthropic: key in ANTHROPIC_API_KEY rejected (401)");
    o = failed(PERR_AUTH, 0, "");
    snprintf(o.detail, sizeof o.detail, "ANTHROPIC_API_KEY is not set");
    probe_describe(&o, line, sizeof line);
    ASSERT_STREQ(line, "anthropic: no key: ANTHROPIC_API_KEY is not set");
    o = failed(PERR_RATE_LIMITED, 429, "slow down");
    o.error.retry_after_ms = 7000;
    probe_describe(&o, line, sizeof line);
    ASSERT_STREQ(line, "anthropic: rate limited (429), retry in 7.0 s: slow down");
    o = failed(PERR_QUOTA, 402, "Insufficient Balance");
    probe_describe(&o, line, sizeof line);
    ASSERT_STREQ(line, "anthropic: out of quota or credit (402): Insufficient Balance");
    o = failed(PERR_TIMEOUT, 0, "");
    snprintf(o.detail, sizeof o.detail, "no first byte within 2000 ms");
    probe_describe(&o, line, sizeof line);
    ASSERT_STREQ(line, "anthropic: timed out: no first byte within 2000 ms");
    o = failed(PERR_NETWORK, 0, "");
    snprintf(o.detail, sizeof o.detail, "connection refused");
    probe_describe(&o, line, sizeof line);
    ASSERT_STREQ(line, "anthropic: network: connection refused");
}

TEST(probe_describe_ok_line)
{
    struct probe_outcome o = {0};
    o.ok = true;
    o.first_token_ms = 312;
    o.total_ms = 540;
    o.usage.input_tokens = 12;
    o.usage.output_tokens = 8;
    o.cost_usd = 0.0000067;
    char line[256];
    probe_describe(&o, line, sizeof line);
    ASSERT_STREQ(line, "ok, first token 312 ms, total 540 ms, 12 in / 8 out tokens, $0.000007");
    o.estimated = true;
    o.first_token_ms = -1;
    probe_describe(&o, line, sizeof line);
    ASSERT_STREQ(line, "ok, first token none, total 540 ms, ~12 in / 8 out tokens, ~$0.000007");
}
