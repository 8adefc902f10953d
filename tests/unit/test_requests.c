/* Golden request tests: exact URL, headers (fake key) and body JSON each adapter
 * builds from a task and a model spec. */
#include "tests/unit/test.h"
#include "providers/adapter.h"
#include "providers/prompt.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#define FAKE_KEY "sk-test-0123456789abcdef"

/* Specs and tasks here point at literals and are never freed. */
static struct model_spec spec(const char *kind, const char *base, const char *model)
{
    struct model_spec s = {0};
    s.name = (char *)"m";
    s.provider_kind = (char *)kind;
    s.base_url = (char *)base;
    s.model = (char *)model;
    s.api_key = (char *)FAKE_KEY;
    s.temperature = 0;
    return s;
}

static char *stop_nn[] = { (char *)"\n\n" };

static struct task inline_task(void)
{
    struct task t = {0};
    t.kind = TASK_INLINE;
    t.language = (char *)"python";
    t.path = (char *)"a.py";
    t.prefix = (char *)"def add(a, b):\n    ";
    t.suffix = (char *)"\n\nprint(add(1, 2))\n";
    t.stop = stop_nn;
    t.stop_count = 1;
    t.max_output_tokens = 64;
    return t;
}

static struct task action_task(void)
{
    struct task t = {0};
    t.kind = TASK_REFACTOR;
    t.language = (char *)"c";
    t.system = (char *)"You rewrite code.";
    t.instructions = (char *)"Rename x to count:\nint x = 0;";
    t.max_output_tokens = 256;
    return t;
}

struct built { struct provider_request req; char headers[2048]; };

static void build(const char *kind, const struct model_spec *s, const struct task *t, struct built *b)
{
    const struct provider_ops *ops = provider_find(kind);
    ASSERT(ops != NULL);
    char err[256] = "";
    memset(b, 0, sizeof *b);
    if (ops->build_request(s, t, &b->req, err, sizeof err) != 0)
        test_fail(__FILE__, __LINE__, "build_request failed: %s", err);
    size_t n = 0;
    for (char **h = b->req.headers; h && *h; h++)
        n += (size_t)snprintf(b->headers + n, sizeof b->headers - n, "%s\n", *h);
    ASSERT(strstr(buf_str(&b->req.body), FAKE_KEY) == NULL);   /* keys only in headers */
    ASSERT(strstr(b->req.url, FAKE_KEY) == NULL);
}

TEST(request_openai_chat_action)
{
    struct model_spec s = spec("openai", "https://api.openai.com", "gpt-4o-mini");
    char *extra[] = { (char *)"OpenAI-Organization: org_1", NULL };
    s.extra_headers = extra;
    struct task t = action_task();
    t.stop = stop_nn;
    t.stop_count = 1;
    struct built b;
    build("openai", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://api.openai.com/v1/chat/completions");
    ASSERT_STREQ(b.headers, "Content-Type: application/json\nAccept: text/event-stream\n"
                            "Authorization: Bearer " FAKE_KEY "\nOpenAI-Organization: org_1\n");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You rewrite code.\"},"
                 "{\"role\":\"user\",\"content\":\"Rename x to count:\\nint x = 0;\"}],\"max_tokens\":256,"
                 "\"temperature\":0,\"stop\":[\"\\n\\n\"],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    ASSERT_EQ(b.req.format, STREAM_SSE);
    provider_request_free(&b.req);
}

TEST(request_openai_reasoning_model)
{
    struct model_spec s = spec("openai", "https://api.openai.com/v1", "o4-mini");
    s.reasoning = true;
    s.reasoning_effort = (char *)"low";
    s.temperature = 0.7;   /* must not be sent */
    struct task t = action_task();
    t.stop = stop_nn;      /* not supported by reasoning models: not sent */
    t.stop_count = 1;
    struct built b;
    build("openai", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://api.openai.com/v1/chat/completions");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"o4-mini\",\"messages\":[{\"role\":\"developer\",\"content\":\"You rewrite code.\"},"
                 "{\"role\":\"user\",\"content\":\"Rename x to count:\\nint x = 0;\"}],\"max_completion_tokens\":256,"
                 "\"reasoning_effort\":\"low\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    provider_request_free(&b.req);
    /* other OpenAI-compatible servers: system role (developer may be rejected) */
    s.base_url = (char *)"https://openrouter.ai/api/v1";
    build("openai", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://openrouter.ai/api/v1/chat/completions");
    ASSERT(strstr(buf_str(&b.req.body), "{\"role\":\"system\",") != NULL);
    ASSERT(strstr(buf_str(&b.req.body), "\"max_completion_tokens\":256") != NULL);
    provider_request_free(&b.req);
    /* DeepSeek's reasoner takes max_tokens; a look-alike host is not DeepSeek */
    s.base_url = (char *)"https://api.deepseek.com";
    s.model = (char *)"deepseek-reasoner";
    build("openai", &s, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"max_tokens\":256") != NULL);
    ASSERT(strstr(buf_str(&b.req.body), "max_completion_tokens") == NULL);
    ASSERT(strstr(buf_str(&b.req.body), "\"temperature\"") == NULL);
    provider_request_free(&b.req);
    s.base_url = (char *)"https://notapi.deepseek.com.evil.example";
    build("openai", &s, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"max_completion_tokens\":256") != NULL);
    provider_request_free(&b.req);
}

TEST(request_openai_local_without_key_and_chat_fim)
{
    struct model_spec s = spec("openai", "http://127.0.0.1:8080/v1/", "local");
    s.api_key = NULL;
    s.temperature = -1;
    struct task t = inline_task();
    struct built b;
    build("openai", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "http://127.0.0.1:8080/v1/chat/completions");
    ASSERT_STREQ(b.headers, "Content-Type: application/json\nAccept: text/event-stream\n");
    cJSON *root = cJSON_Parse(buf_str(&b.req.body));
    cJSON *msgs = cJSON_GetObjectItem(root, "messages");
    ASSERT_STREQ(json_get_string(cJSON_GetArrayItem(msgs, 0), "content"), prompt_default_system(TASK_INLINE));
    ASSERT_STREQ(json_get_string(cJSON_GetArrayItem(msgs, 1), "content"),
                 "Complete the code at <CURSOR>.\nLanguage: python\nFile: a.py\n\n<file>\n"
                 "def add(a, b):\n    <CURSOR>\n\nprint(add(1, 2))\n\n</file>\n");
    ASSERT(cJSON_GetObjectItem(root, "temperature") == NULL);
    ASSERT_EQ(json_get_long(root, "max_tokens", 0), 64);
    cJSON_Delete(root);
    provider_request_free(&b.req);
}

TEST(request_deepseek_fim_beta)
{
    struct model_spec s = spec("openai-completions", "https://api.deepseek.com/beta", "deepseek-chat");
    s.fim = FIM_NATIVE;
    struct task t = inline_task();
    struct built b;
    build("openai-completions", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://api.deepseek.com/beta/completions");
    ASSERT_STREQ(b.headers, "Content-Type: application/json\nAccept: text/event-stream\n"
                            "Authorization: Bearer " FAKE_KEY "\n");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"deepseek-chat\",\"prompt\":\"def add(a, b):\\n    \",\"suffix\":\"\\n\\nprint(add(1, 2))\\n\","
                 "\"max_tokens\":64,\"temperature\":0,\"stop\":[\"\\n\\n\"],\"stream\":true,"
                 "\"stream_options\":{\"include_usage\":true}}");
    provider_request_free(&b.req);
}

TEST(request_completions_with_template_caps_stops)
{
    struct model_spec s = spec("openai-completions", "http://127.0.0.1:8000", "qwen-base");
    s.fim = FIM_TEMPLATE;
    s.fim_template = (char *)"qwen";
    struct task t = inline_task();
    struct built b;
    build("openai-completions", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "http://127.0.0.1:8000/v1/completions");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"qwen-base\",\"prompt\":\"<|fim_prefix|>def add(a, b):\\n    <|fim_suffix|>\\n\\nprint(add(1, 2))\\n<|fim_middle|>\","
                 "\"max_tokens\":64,\"temperature\":0,\"stop\":[\"\\n\\n\",\"<|endoftext|>\",\"<|fim_prefix|>\",\"<|fim_suffix|>\"],"
                 "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    provider_request_free(&b.req);
}

TEST(request_mistral_fim_sends_only_mistral_fields)
{
    struct model_spec s = spec("mistral-fim", "https://codestral.mistral.ai", "codestral-latest");
    s.reasoning = true;            /* even so: no OpenAI-only fields */
    s.reasoning_effort = (char *)"high";
    struct task t = inline_task();
    struct built b;
    build("mistral-fim", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://codestral.mistral.ai/v1/fim/completions");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"codestral-latest\",\"prompt\":\"def add(a, b):\\n    \",\"suffix\":\"\\n\\nprint(add(1, 2))\\n\","
                 "\"max_tokens\":64,\"temperature\":0,\"stop\":[\"\\n\\n\"],\"stream\":true}");
    provider_request_free(&b.req);
    /* actions are refused with a message, not sent */
    struct task a = action_task();
    struct provider_request req = {0};
    char err[256] = "";
    ASSERT_EQ(provider_mistral_fim.build_request(&s, &a, &req, err, sizeof err), -1);
    ASSERT(strstr(err, "only does inline") != NULL);
    provider_request_free(&req);
}

TEST(request_anthropic_messages)
{
    struct model_spec s = spec("anthropic", "https://api.anthropic.com", "claude-sonnet-4-5");
    struct task t = action_task();
    char *stops[] = { (char *)"\n\n", (char *)"END" };   /* whitespace-only stops are rejected by the API */
    t.stop = stops;
    t.stop_count = 2;
    struct built b;
    build("anthropic", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://api.anthropic.com/v1/messages");
    ASSERT_STREQ(b.headers, "Content-Type: application/json\nAccept: text/event-stream\n"
                            "x-api-key: " FAKE_KEY "\nanthropic-version: 2023-06-01\n");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"system\":\"You rewrite code.\","
                 "\"messages\":[{\"role\":\"user\",\"content\":\"Rename x to count:\\nint x = 0;\"}],"
                 "\"stop_sequences\":[\"END\"],\"temperature\":0,\"stream\":true}");
    provider_request_free(&b.req);
}

TEST(request_anthropic_extended_thinking)
{
    struct model_spec s = spec("anthropic", "https://api.anthropic.com/v1", "claude-sonnet-4-5");
    s.thinking_budget = 2048;
    s.temperature = 0.5;   /* incompatible with thinking: not sent */
    struct task t = action_task();
    struct built b;
    build("anthropic", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://api.anthropic.com/v1/messages");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2304,\"system\":\"You rewrite code.\","
                 "\"messages\":[{\"role\":\"user\",\"content\":\"Rename x to count:\\nint x = 0;\"}],"
                 "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},\"stream\":true}");
    provider_request_free(&b.req);
}

/* Inline completion never sends a thinking budget: the model answers at once, within
 * the 1.5 s first-token limit (issue #14, item 9). */
TEST(request_inline_never_sends_a_thinking_budget)
{
    struct model_spec s = spec("anthropic", "https://api.anthropic.com/v1", "claude-sonnet-4-5");
    s.thinking_budget = 2048;
    struct task t = inline_task();
    struct built b;
    build("anthropic", &s, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"thinking\"") == NULL);
    ASSERT(strstr(buf_str(&b.req.body), "\"max_tokens\":64,") != NULL);   /* not raised by the budget */
    provider_request_free(&b.req);
    struct model_spec g = spec("gemini", "https://generativelanguage.googleapis.com/v1beta", "gemini-2.5-flash");
    g.thinking_budget = 1000;
    build("gemini", &g, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"thinkingBudget\":0,") != NULL);   /* thinking off */
    ASSERT(strstr(buf_str(&b.req.body), "\"maxOutputTokens\":64,") != NULL);
    provider_request_free(&b.req);
    g.reasoning = true;   /* cannot turn thinking off: no budget sent, the model's minimum */
    build("gemini", &g, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "thinkingBudget") == NULL);
    provider_request_free(&b.req);
}

/* Next-edit suggestions answer at once like inline completion (task_answers_at_once):
 * no thinking budget, and a reasoning effort above "low" is sent as "low"; code
 * actions keep the model's. */
TEST(request_next_edit_never_thinks_and_caps_reasoning_effort)
{
    struct task t = {0};
    t.kind = TASK_NEXT_EDIT;
    t.instructions = (char *)"<|editable_region_start|>\nx = 1\n<|editable_region_end|>";
    struct model_spec s = spec("anthropic", "https://api.anthropic.com/v1", "claude-sonnet-4-5");
    s.thinking_budget = 2048;
    struct built b;
    build("anthropic", &s, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"thinking\"") == NULL);
    provider_request_free(&b.req);
    struct model_spec o = spec("openai", "https://api.openai.com/v1", "gpt-5");
    o.reasoning = true;
    o.reasoning_effort = (char *)"high";
    build("openai", &o, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"reasoning_effort\":\"low\"") != NULL);
    provider_request_free(&b.req);
    struct task in = inline_task();   /* the same rule, one place */
    build("openai", &o, &in, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"reasoning_effort\":\"low\"") != NULL);
    provider_request_free(&b.req);
    o.reasoning_effort = (char *)"minimal";
    build("openai", &o, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"reasoning_effort\":\"minimal\"") != NULL);
    provider_request_free(&b.req);
    struct model_spec l = spec("ollama", "http://127.0.0.1:11434", "qwen3");
    l.reasoning_effort = (char *)"medium";
    build("ollama", &l, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"think\":\"low\"") != NULL);
    provider_request_free(&b.req);
    t.kind = TASK_REFACTOR;   /* an action thinks as configured */
    o.reasoning_effort = (char *)"high";
    build("openai", &o, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"reasoning_effort\":\"high\"") != NULL);
    provider_request_free(&b.req);
    build("anthropic", &s, &t, &b);
    ASSERT(strstr(buf_str(&b.req.body), "\"budget_tokens\":2048") != NULL);
    provider_request_free(&b.req);
}

TEST(request_gemini_stream_generate)
{
    struct model_spec s = spec("gemini", "https://generativelanguage.googleapis.com", "models/gemini-2.5-flash");
    struct task t = action_task();
    t.stop = stop_nn;
    t.stop_count = 1;
    struct built b;
    build("gemini", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    ASSERT_STREQ(b.headers, "Content-Type: application/json\nAccept: text/event-stream\n"
                            "x-goog-api-key: " FAKE_KEY "\n");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"systemInstruction\":{\"parts\":[{\"text\":\"You rewrite code.\"}]},"
                 "\"contents\":[{\"parts\":[{\"text\":\"Rename x to count:\\nint x = 0;\"}],\"role\":\"user\"}],"
                 "\"generationConfig\":{\"maxOutputTokens\":256,\"stopSequences\":[\"\\n\\n\"],\"temperature\":0,"
                 "\"thinkingConfig\":{\"thinkingBudget\":0,\"includeThoughts\":false}}}");
    provider_request_free(&b.req);
    /* a thinking budget raises the output cap and is passed on */
    s.base_url = (char *)"https://generativelanguage.googleapis.com/v1beta";
    s.thinking_budget = 1000;
    s.reasoning = true;
    build("gemini", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    ASSERT(strstr(buf_str(&b.req.body), "\"maxOutputTokens\":1256") != NULL);
    ASSERT(strstr(buf_str(&b.req.body), "\"thinkingBudget\":1000") != NULL);
    provider_request_free(&b.req);
}

TEST(request_ollama_generate_chat_and_raw)
{
    struct model_spec s = spec("ollama", "http://127.0.0.1:11434", "qwen2.5-coder:1.5b");
    s.api_key = NULL;
    struct task t = inline_task();
    struct built b;
    build("ollama", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "http://127.0.0.1:11434/api/generate");
    ASSERT_STREQ(b.headers, "Content-Type: application/json\nAccept: application/x-ndjson\n");
    ASSERT_EQ(b.req.format, STREAM_NDJSON);
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"qwen2.5-coder:1.5b\",\"prompt\":\"def add(a, b):\\n    \",\"suffix\":\"\\n\\nprint(add(1, 2))\\n\","
                 "\"stream\":true,\"options\":{\"num_predict\":64,\"temperature\":0,\"stop\":[\"\\n\\n\"]}}");
    provider_request_free(&b.req);

    s.base_url = (char *)"http://127.0.0.1:11434/v1";   /* an OpenAI-style base still reaches /api */
    s.fim = FIM_TEMPLATE;
    s.fim_template = (char *)"codellama";
    build("ollama", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "http://127.0.0.1:11434/api/generate");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"qwen2.5-coder:1.5b\",\"prompt\":\"<PRE> def add(a, b):\\n     <SUF>\\n\\nprint(add(1, 2))\\n <MID>\","
                 "\"raw\":true,\"stream\":true,\"options\":{\"num_predict\":64,\"temperature\":0,\"stop\":[\"\\n\\n\",\"<EOT>\"]}}");
    provider_request_free(&b.req);

    struct task a = action_task();
    build("ollama", &s, &a, &b);
    ASSERT_STREQ(b.req.url, "http://127.0.0.1:11434/api/chat");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"model\":\"qwen2.5-coder:1.5b\",\"messages\":[{\"role\":\"system\",\"content\":\"You rewrite code.\"},"
                 "{\"role\":\"user\",\"content\":\"Rename x to count:\\nint x = 0;\"}],\"stream\":true,"
                 "\"options\":{\"num_predict\":256,\"temperature\":0}}");
    provider_request_free(&b.req);
}

TEST(request_llamacpp_infill_carries_snippets)
{
    struct model_spec s = spec("llamacpp", "http://127.0.0.1:8080", NULL);
    s.api_key = NULL;
    struct task t = inline_task();
    struct task_snippet snip = { (char *)"util.py", (char *)"def sub(a, b):\n    return a - b\n" };
    t.snippets = &snip;
    t.snippet_count = 1;
    struct built b;
    build("llamacpp", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "http://127.0.0.1:8080/infill");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"input_prefix\":\"def add(a, b):\\n    \",\"input_suffix\":\"\\n\\nprint(add(1, 2))\\n\","
                 "\"input_extra\":[{\"filename\":\"util.py\",\"text\":\"def sub(a, b):\\n    return a - b\\n\"}],"
                 "\"prompt\":\"\",\"n_predict\":64,\"temperature\":0,\"stop\":[\"\\n\\n\"],\"stream\":true,\"cache_prompt\":true}");
    provider_request_free(&b.req);
}

static struct model_spec llamacpp_template_spec(void)
{
    struct model_spec s = spec("llamacpp", "http://127.0.0.1:8080", NULL);
    s.api_key = NULL;
    s.fim = FIM_TEMPLATE;
    s.fim_template = (char *)"starcoder";
    return s;
}

TEST(request_llamacpp_template_goes_to_completion)
{
    struct model_spec s = llamacpp_template_spec();
    struct task t = inline_task();
    struct built b;
    build("llamacpp", &s, &t, &b);
    ASSERT_STREQ(b.req.url, "http://127.0.0.1:8080/completion");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"prompt\":\"<fim_prefix>def add(a, b):\\n    <fim_suffix>\\n\\nprint(add(1, 2))\\n<fim_middle>\","
                 "\"n_predict\":64,\"temperature\":0,\"stop\":[\"\\n\\n\",\"<|endoftext|>\",\"<file_sep>\",\"<fim_prefix>\","
                 "\"<fim_suffix>\",\"<fim_middle>\"],\"stream\":true,\"cache_prompt\":true}");
    provider_request_free(&b.req);
}

TEST(request_llamacpp_action_flattened_for_completion)
{
    struct model_spec s = llamacpp_template_spec();
    struct task a = action_task();   /* chat-style prompt flattened for /completion */
    struct built b;
    build("llamacpp", &s, &a, &b);
    ASSERT_STREQ(b.req.url, "http://127.0.0.1:8080/completion");
    ASSERT_STREQ(buf_str(&b.req.body),
                 "{\"prompt\":\"You rewrite code.\\n\\nRename x to count:\\nint x = 0;\\n\\n\",\"n_predict\":256,"
                 "\"temperature\":0,\"stream\":true,\"cache_prompt\":true}");
    provider_request_free(&b.req);
}

TEST(request_missing_base_url_is_an_error)
{
    struct model_spec s = spec("openai", NULL, "gpt-4o-mini");
    struct task t = action_task();
    for (size_t i = 0; provider_table[i]; i++) {
        struct provider_request req = {0};
        char err[256] = "";
        ASSERT_EQ(provider_table[i]->build_request(&s, &t, &req, err, sizeof err), -1);
        ASSERT(strstr(err, "base_url") != NULL);
        provider_request_free(&req);
    }
}

TEST(provider_table_lookup)
{
    const char *kinds[] = { "openai", "openai-completions", "mistral-fim", "anthropic", "gemini", "ollama", "llamacpp" };
    for (size_t i = 0; i < 7; i++) {
        ASSERT(provider_find(kinds[i]) != NULL);
        ASSERT_STREQ(provider_find(kinds[i])->name, kinds[i]);
    }
    ASSERT(provider_find("nope") == NULL);
    ASSERT(provider_find(NULL) == NULL);
    ASSERT_STREQ(provider_error_name(PERR_RATE_LIMITED), "rate_limited");
    ASSERT_STREQ(provider_error_name(PERR_SERVER), "server_error");
    ASSERT_STREQ(provider_error_name(PERR_CONTEXT_LENGTH), "context_length");
    ASSERT(provider_error_retryable(PERR_OVERLOADED));
    ASSERT(provider_error_retryable(PERR_RATE_LIMITED));
    ASSERT(!provider_error_retryable(PERR_QUOTA));
    ASSERT(!provider_error_retryable(PERR_AUTH));
    ASSERT(!provider_error_retryable(PERR_CONTEXT_LENGTH));
}

TEST(url_joining_rules)
{
    char *u;
    u = adapter_url("https://api.deepseek.com", "/v1", "/chat/completions", NULL);
    ASSERT_STREQ(u, "https://api.deepseek.com/v1/chat/completions"); free(u);
    u = adapter_url("https://api.groq.com/openai/v1", "/v1", "/chat/completions", NULL);
    ASSERT_STREQ(u, "https://api.groq.com/openai/v1/chat/completions"); free(u);
    u = adapter_url("https://api.deepseek.com/beta/", "/v1", "/completions", NULL);
    ASSERT_STREQ(u, "https://api.deepseek.com/beta/completions"); free(u);
    u = adapter_url("http://localhost:8080/v1", NULL, "/infill", "/v1");
    ASSERT_STREQ(u, "http://localhost:8080/infill"); free(u);
    u = adapter_url("http://v1host:80", "/v1", "/x", NULL);   /* a host is not a version */
    ASSERT_STREQ(u, "http://v1host:80/v1/x"); free(u);
}

/* Regression (reliability): a document holding bytes that are not UTF-8 (an editor sent
 * them) made the request body invalid JSON and the backend refused every completion in
 * that file. Every adapter's body is valid UTF-8, with U+FFFD for each bad byte. */
TEST(request_body_is_valid_utf8_for_invalid_document_bytes)
{
    static const char *const kinds[] = { "openai", "openai-completions", "mistral-fim", "anthropic",
                                         "gemini", "ollama", "llamacpp" };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        struct model_spec s = spec(kinds[i], "http://127.0.0.1:1", "m");
        struct task t = inline_task();
        t.prefix = (char *)"x = '\xff\xfe'\n";
        t.suffix = (char *)"\xc3(\n";
        struct built b;
        build(kinds[i], &s, &t, &b);
        ASSERT(utf8_valid(buf_str(&b.req.body), b.req.body.len));
        ASSERT(strstr(buf_str(&b.req.body), "x = '\xef\xbf\xbd\xef\xbf\xbd'") != NULL);
        provider_request_free(&b.req);
    }
}
