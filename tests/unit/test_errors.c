/* Error classification tables for every API: status + headers + body -> class and
 * retry delay; retry-hint parsers; keys masked out of messages. */
#include "tests/unit/test.h"
#include "providers/adapter.h"
#include "base/log.h"
#include <strings.h>
#include <time.h>

struct header { const char *name, *value; };

static const char *lookup(void *headers, const char *name)
{
    for (const struct header *h = headers; h && h->name; h++)
        if (strcasecmp(h->name, name) == 0) return h->value;
    return NULL;
}

struct error_case {
    const char *api;
    int status;
    struct header headers[6];
    const char *body;
    enum provider_error_class cls;
    long retry_ms;            /* -1: no hint */
};

static const struct error_case cases[] = {
    /* OpenAI */
    { "openai", 401, {{0}}, "{\"error\":{\"message\":\"Incorrect API key provided: sk-ab***cd.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}", PERR_AUTH, -1 },
    { "openai", 403, {{0}}, "{\"error\":{\"message\":\"Project does not have access\",\"type\":\"invalid_request_error\"}}", PERR_AUTH, -1 },
    { "openai", 429, {{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "6m0s"},
                      {"x-ratelimit-remaining-tokens", "9000"}, {"x-ratelimit-reset-tokens", "12ms"}, {0}},
      "{\"error\":{\"message\":\"Rate limit reached for gpt-4o on requests per min (RPM)\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}", PERR_RATE_LIMITED, 360000 },
    { "openai", 429, {{"x-ratelimit-reset-requests", "1s"}, {"x-ratelimit-reset-tokens", "250ms"}, {0}},
      "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}", PERR_RATE_LIMITED, 250 },
    { "openai", 429, {{0}}, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 29000, Requested 1500. Please try again in 6.5s.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}", PERR_RATE_LIMITED, 6500 },
    { "openai", 429, {{"retry-after", "7"}, {0}}, "{\"error\":{\"message\":\"x\",\"code\":\"rate_limit_exceeded\"}}", PERR_RATE_LIMITED, 7000 },
    { "openai", 429, {{"retry-after", "7"}, {"retry-after-ms", "1500"}, {0}}, "{\"error\":{\"message\":\"x\"}}", PERR_RATE_LIMITED, 1500 },
    { "openai", 429, {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}, {0}}, "", PERR_RATE_LIMITED, 0 },   /* in the past */
    { "openai", 429, {{0}}, "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}", PERR_QUOTA, -1 },
    { "openai", 400, {{0}}, "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}", PERR_CONTEXT_LENGTH, -1 },
    { "openai", 400, {{0}}, "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens' is not supported with this model.\",\"type\":\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":\"unsupported_parameter\"}}", PERR_BAD_REQUEST, -1 },
    { "openai", 500, {{0}}, "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}", PERR_SERVER, -1 },
    { "openai", 503, {{"retry-after", "2"}, {0}}, "{\"error\":{\"message\":\"The engine is currently overloaded, please try again later\"}}", PERR_OVERLOADED, 2000 },
    { "openai", 502, {{0}}, "<html><body>Bad gateway</body></html>", PERR_SERVER, -1 },
    { "openai", 404, {{0}}, "{\"error\":{\"message\":\"The model `gpt-9` does not exist\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}", PERR_BAD_REQUEST, -1 },
    /* DeepSeek */
    { "openai-completions", 402, {{0}}, "{\"error\":{\"message\":\"Insufficient Balance\",\"type\":\"unknown_error\",\"param\":null,\"code\":\"invalid_request_error\"}}", PERR_QUOTA, -1 },
    { "openai-completions", 400, {{0}}, "{\"error\":{\"message\":\"This model's maximum context length is 131072 tokens. However, you requested 140000 tokens\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_request_error\"}}", PERR_CONTEXT_LENGTH, -1 },
    { "openai-completions", 422, {{0}}, "{\"error\":{\"message\":\"Invalid max_tokens value\",\"type\":\"invalid_request_error\"}}", PERR_BAD_REQUEST, -1 },
    { "openai-completions", 503, {{0}}, "{\"error\":{\"message\":\"Server overloaded\"}}", PERR_OVERLOADED, -1 },
    /* Mistral */
    { "mistral-fim", 422, {{0}}, "{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"max_completion_tokens\"],\"msg\":\"Extra inputs are not permitted\",\"input\":32000}]},\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}", PERR_BAD_REQUEST, -1 },
    { "mistral-fim", 429, {{0}}, "{\"object\":\"error\",\"message\":\"Rate limit exceeded\",\"type\":\"rate_limited\",\"param\":null,\"code\":\"1300\"}", PERR_RATE_LIMITED, -1 },
    { "mistral-fim", 429, {{0}}, "{\"message\":\"Requests rate limit exceeded\"}", PERR_RATE_LIMITED, -1 },
    { "mistral-fim", 401, {{0}}, "{\"detail\":\"Unauthorized\"}", PERR_AUTH, -1 },
    /* Anthropic */
    { "anthropic", 529, {{0}}, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqLMFH\"}", PERR_OVERLOADED, -1 },
    { "anthropic", 429, {{"retry-after", "12"}, {"anthropic-ratelimit-requests-reset", "2025-08-21T12:40:59Z"}, {0}},
      "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"This request would exceed the rate limit for your organization\"}}", PERR_RATE_LIMITED, 12000 },
    { "anthropic", 400, {{0}}, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 208656 tokens > 200000 maximum\"}}", PERR_CONTEXT_LENGTH, -1 },
    { "anthropic", 401, {{0}}, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}", PERR_AUTH, -1 },
    { "anthropic", 400, {{0}}, "{\"type\":\"error\",\"error\":{\"type\":\"billing_error\",\"message\":\"Your credit balance is too low\"}}", PERR_QUOTA, -1 },
    { "anthropic", 500, {{0}}, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}", PERR_SERVER, -1 },
    { "anthropic", 504, {{0}}, "{\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"Request timed out\"}}", PERR_TIMEOUT, -1 },
    { "anthropic", 404, {{0}}, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: claude-x\"}}", PERR_BAD_REQUEST, -1 },
    /* Gemini */
    { "gemini", 400, {{0}}, "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\"}]}}", PERR_AUTH, -1 },
    { "gemini", 400, {{0}}, "{\"error\":{\"code\":400,\"message\":\"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}", PERR_CONTEXT_LENGTH, -1 },
    { "gemini", 429, {{0}}, "{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota. Please retry in 37.6s.\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaMetric\":\"m\"}]},{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"15s\"}]}}", PERR_RATE_LIMITED, 15000 },
    { "gemini", 503, {{0}}, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}", PERR_OVERLOADED, -1 },
    { "gemini", 500, {{0}}, "{\"error\":{\"code\":500,\"message\":\"Internal error\",\"status\":\"INTERNAL\"}}", PERR_SERVER, -1 },
    { "gemini", 403, {{0}}, "{\"error\":{\"code\":403,\"message\":\"Permission denied\",\"status\":\"PERMISSION_DENIED\"}}", PERR_AUTH, -1 },
    /* Ollama */
    { "ollama", 404, {{0}}, "{\"error\":\"model \\\"qwen9\\\" not found, try pulling it first\"}", PERR_BAD_REQUEST, -1 },
    { "ollama", 503, {{0}}, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}", PERR_OVERLOADED, -1 },
    { "ollama", 400, {{0}}, "{\"error\":\"the prompt is longer than the context length currently available to the model; shorten the prompt\"}", PERR_CONTEXT_LENGTH, -1 },
    { "ollama", 400, {{0}}, "{\"error\":\"codellama does not support insert\"}", PERR_BAD_REQUEST, -1 },
    /* llama.cpp */
    { "llamacpp", 400, {{0}}, "{\"error\":{\"code\":400,\"message\":\"request (13392 tokens) exceeds the available context size (8192 tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":13392,\"n_ctx\":8192}}", PERR_CONTEXT_LENGTH, -1 },
    { "llamacpp", 503, {{0}}, "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}", PERR_OVERLOADED, -1 },
    { "llamacpp", 401, {{0}}, "{\"error\":{\"code\":401,\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}", PERR_AUTH, -1 },
    { "llamacpp", 501, {{0}}, "{\"error\":{\"code\":501,\"message\":\"This server does not support infill\",\"type\":\"not_supported_error\"}}", PERR_BAD_REQUEST, -1 },
};

TEST(error_classification_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct error_case *c = &cases[i];
        const struct provider_ops *ops = provider_find(c->api);
        ASSERT(ops != NULL);
        struct provider_error e;
        memset(&e, 0x5a, sizeof e);
        ops->classify_error(c->status, lookup, (void *)c->headers, c->body, strlen(c->body), &e);
        if (e.cls != c->cls || e.retry_after_ms != c->retry_ms || e.status != c->status)
            test_fail(__FILE__, __LINE__, "case %zu (%s %d): class %s retry %ld, expected %s retry %ld", i,
                      c->api, c->status, provider_error_name(e.cls), e.retry_after_ms,
                      provider_error_name(c->cls), c->retry_ms);
        ASSERT(e.message[0] != '\0');
        ASSERT(memchr(e.message, '\0', sizeof e.message) != NULL);
    }
}

TEST(error_quota_and_auth_never_retried)
{
    struct provider_error e;
    const char *body = "{\"error\":{\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\",\"message\":\"quota\"}}";
    provider_openai.classify_error(429, lookup, NULL, body, strlen(body), &e);
    ASSERT_EQ(e.cls, PERR_QUOTA);
    ASSERT(!provider_error_retryable(e.cls));
}

TEST(error_message_masks_keys)
{
    struct provider_error e;
    const char *body = "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-Abc123def456GHI789jkl. "
                       "You can find your API key at https://platform.openai.com/account/api-keys.\","
                       "\"code\":\"invalid_api_key\"}}";
    provider_openai.classify_error(401, lookup, NULL, body, strlen(body), &e);
    ASSERT_EQ(e.cls, PERR_AUTH);
    ASSERT(strstr(e.message, "sk-proj") == NULL);
    ASSERT(strstr(e.message, "Abc123") == NULL);
    ASSERT(strstr(e.message, "Incorrect API key provided: ") == e.message);
    /* a partly masked echo is masked whole */
    body = "{\"error\":{\"message\":\"Incorrect API key provided: sk-ab***cd.\"}}";
    provider_openai.classify_error(401, lookup, NULL, body, strlen(body), &e);
    ASSERT_STREQ(e.message, "Incorrect API key provided: **********.");
    /* a key registered with the logger is masked even when it does not look like one */
    log_add_secret("plainsecretvalue");
    body = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"bad key plainsecretvalue\"}}";
    provider_anthropic.classify_error(401, lookup, NULL, body, strlen(body), &e);
    ASSERT(strstr(e.message, "plainsecretvalue") == NULL);
    log_clear_secrets();
    /* model names stay readable, random ids do not */
    body = "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: claude-sonnet-4-5-20250929 (req_011CSHoEeqs5C35K2UUqLMFH)\"}}";
    provider_anthropic.classify_error(404, lookup, NULL, body, strlen(body), &e);
    ASSERT_STREQ(e.message, "model: claude-sonnet-4-5-20250929 (****************************)");
    /* Gemini AIza keys */
    body = "{\"error\":{\"code\":400,\"message\":\"API key AIzaSyA-1234567890abcdefghij not valid\",\"status\":\"INVALID_ARGUMENT\"}}";
    provider_gemini.classify_error(400, lookup, NULL, body, strlen(body), &e);
    ASSERT(strstr(e.message, "AIza") == NULL);
}

TEST(error_message_is_bounded_and_flat)
{
    struct buf body = {0};
    buf_puts(&body, "{\"error\":{\"message\":\"line1\\nline2 ");
    for (int i = 0; i < 100; i++) buf_puts(&body, "long words ");
    buf_puts(&body, "\"}}");
    struct provider_error e;
    provider_openai.classify_error(400, lookup, NULL, body.data, body.len, &e);
    ASSERT(strlen(e.message) <= 200);
    ASSERT(strchr(e.message, '\n') == NULL);
    ASSERT(strncmp(e.message, "line1 line2", 11) == 0);
    buf_free(&body);
    /* no body at all: the class in plain words */
    provider_anthropic.classify_error(529, NULL, NULL, NULL, 0, &e);
    ASSERT_EQ(e.cls, PERR_OVERLOADED);
    ASSERT_STREQ(e.message, "service overloaded");
}

TEST(retry_hint_parsers)
{
    ASSERT_EQ(retry_parse_duration("6m0s"), 360000);
    ASSERT_EQ(retry_parse_duration("12ms"), 12);
    ASSERT_EQ(retry_parse_duration("1.5s"), 1500);
    ASSERT_EQ(retry_parse_duration("15s"), 15000);
    ASSERT_EQ(retry_parse_duration("1h2m3s"), 3723000);
    ASSERT_EQ(retry_parse_duration("0.9ms"), 1);
    ASSERT_EQ(retry_parse_duration("bad"), -1);
    ASSERT_EQ(retry_parse_duration("5x"), -1);
    ASSERT_EQ(retry_parse_duration(""), -1);
    ASSERT_EQ(retry_parse_duration(NULL), -1);
    ASSERT_EQ(retry_parse_duration("1e300s"), 7L * 24 * 3600 * 1000);   /* clamped to a week */
    ASSERT_EQ(retry_parse_after("1e300", 0), 7L * 24 * 3600 * 1000);
    ASSERT_EQ(retry_parse_rfc3339("2025-08-21T12:40:1e300Z", 0), -1);
    int64_t at = 1445412480LL * 1000;   /* Wed, 21 Oct 2015 07:28:00 GMT */
    ASSERT_EQ(retry_parse_after("120", at), 120000);
    ASSERT_EQ(retry_parse_after("0.5", at), 500);
    ASSERT_EQ(retry_parse_after("Wed, 21 Oct 2015 07:28:00 GMT", at - 5000), 5000);
    ASSERT_EQ(retry_parse_after("Wed, 21 Oct 2015 07:28:00 GMT", at + 5000), 0);
    ASSERT_EQ(retry_parse_after("soon", at), -1);
    ASSERT_EQ(retry_parse_after("12 apples", at), -1);
    int64_t t2 = 1755780059LL * 1000;   /* 2025-08-21T12:40:59Z */
    ASSERT_EQ(retry_parse_rfc3339("2025-08-21T12:40:59Z", t2 - 2000), 2000);
    ASSERT_EQ(retry_parse_rfc3339("2025-08-21T14:40:59+02:00", t2 - 2000), 2000);
    ASSERT_EQ(retry_parse_rfc3339("2025-08-21T12:41:00.250Z", t2), 1250);
    ASSERT_EQ(retry_parse_rfc3339("2025-08-21T12:40:59Z", t2 + 1000), 0);
    ASSERT_EQ(retry_parse_rfc3339("yesterday", t2), -1);
}

TEST(retry_hint_from_anthropic_reset_header)
{
    char when[64];
    time_t t = time(NULL) + 30;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    struct header h[] = { {"anthropic-ratelimit-tokens-remaining", "0"}, {"anthropic-ratelimit-tokens-reset", when},
                          {"anthropic-ratelimit-requests-remaining", "40"}, {"anthropic-ratelimit-requests-reset", when}, {0} };
    const char *body = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}";
    struct provider_error e;
    provider_anthropic.classify_error(429, lookup, h, body, strlen(body), &e);
    ASSERT_EQ(e.cls, PERR_RATE_LIMITED);
    ASSERT(e.retry_after_ms > 25000 && e.retry_after_ms <= 31000);
}
