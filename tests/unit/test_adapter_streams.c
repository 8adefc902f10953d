/* Streams of the APIs without recorded fixtures (Mistral FIM, Ollama NDJSON,
 * llama.cpp native, DeepSeek keep-alives, Ollama /v1 zero usage), in-band errors,
 * and thinking text that must never reach on_text. Each stream is checked whole,
 * split in two at every byte and in 1-byte pieces. */
#include "tests/unit/test.h"
#include "tests/unit/adapter_run.h"
#include "providers/adapter.h"

struct want {
    const char *text;
    long input, output, cached, reasoning;
    const char *finish;
    bool done;
    enum provider_error_class error;
};

static void check_all_splits(const struct provider_ops *ops, enum stream_format fmt, const char *in,
                             const struct want *w)
{
    size_t len = strlen(in);
    for (size_t cut = 0; cut <= len + 1; cut++) {
        struct adapter_run r;
        bool bytewise = cut == len + 1;
        adapter_run_bytes(&r, ops, fmt, in, len, bytewise ? 0 : cut, bytewise ? 1 : 0);
        if (r.parser_rc || r.bad_events || strcmp(buf_str(&r.text), w->text) ||
            r.st.usage.input_tokens != w->input || r.st.usage.output_tokens != w->output ||
            r.st.usage.cached_tokens != w->cached || r.st.usage.reasoning_tokens != w->reasoning ||
            strcmp(r.st.finish_reason, w->finish) || r.st.done != w->done || r.st.error.cls != w->error)
            test_fail(__FILE__, __LINE__, "%s cut %zu: rc %d bad %d text \"%s\" usage %ld/%ld/%ld/%ld finish \"%s\" done %d error %s",
                      ops->name, cut, r.parser_rc, r.bad_events, buf_str(&r.text), r.st.usage.input_tokens,
                      r.st.usage.output_tokens, r.st.usage.cached_tokens, r.st.usage.reasoning_tokens,
                      r.st.finish_reason, r.st.done, provider_error_name(r.st.error.cls));
        adapter_run_free(&r);
    }
}

TEST(stream_mistral_fim_usage_on_last_chunk)
{
    check_all_splits(&provider_mistral_fim, STREAM_SSE,
        "data: {\"id\":\"a1b2\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"codestral-latest\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
        "data: {\"id\":\"a1b2\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"codestral-latest\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return n % 2 == 1\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":16,\"total_tokens\":24,\"completion_tokens\":8}}\n\n"
        "data: [DONE]\n\n",
        &(struct want){ "return n % 2 == 1", 16, 8, 0, 0, "stop", true, PERR_NONE });
}

TEST(stream_deepseek_fim_keepalive_and_cache_counters)
{
    check_all_splits(&provider_openai_completions, STREAM_SSE,
        ": keep-alive\n\n: keep-alive\n\n"
        "data: {\"id\":\"5c0d\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"    if n < 2:\\n\",\"index\":0,\"finish_reason\":null}]}\n\n"
        "data: {\"id\":\"5c0d\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"        return n\\n\",\"index\":0,\"finish_reason\":\"stop\"}]}\n\n"
        "data: {\"id\":\"5c0d\",\"object\":\"text_completion\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":11,\"total_tokens\":23,\"prompt_cache_hit_tokens\":4,\"prompt_cache_miss_tokens\":8}}\n\n"
        "data: [DONE]\n\n",
        &(struct want){ "    if n < 2:\n        return n\n", 12, 11, 4, 0, "stop", true, PERR_NONE });
}

TEST(stream_ollama_v1_completions_zero_usage_ignored)
{
    check_all_splits(&provider_openai_completions, STREAM_SSE,
        "data: {\"choices\":[{\"text\":\"a\",\"index\":0,\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0}}\n\n"
        "data: {\"choices\":[{\"text\":\"b\",\"index\":0,\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0}}\n\n"
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":2,\"total_tokens\":32,\"prompt_tokens_details\":{\"cached_tokens\":16},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n"
        "data: [DONE]\n\n",
        &(struct want){ "ab", 30, 2, 16, 0, "", true, PERR_NONE });
}

TEST(stream_ollama_generate_ndjson)
{
    check_all_splits(&provider_ollama, STREAM_NDJSON,
        "{\"model\":\"qwen2.5-coder:1.5b\",\"created_at\":\"2025-01-01T00:00:00.1Z\",\"response\":\"return\",\"done\":false}\n"
        "{\"model\":\"qwen2.5-coder:1.5b\",\"created_at\":\"2025-01-01T00:00:00.2Z\",\"response\":\" a + b\",\"done\":false}\n"
        "{\"model\":\"qwen2.5-coder:1.5b\",\"created_at\":\"2025-01-01T00:00:00.3Z\",\"response\":\"\",\"done\":true,\"done_reason\":\"stop\",\"total_duration\":412000000,\"prompt_eval_count\":18,\"eval_count\":5}\n",
        &(struct want){ "return a + b", 18, 5, 0, 0, "stop", true, PERR_NONE });
}

TEST(stream_ollama_chat_thinking_not_emitted)
{
    check_all_splits(&provider_ollama, STREAM_NDJSON,
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"let me think\"},\"done\":false}\n"
        "{\"message\":{\"role\":\"assistant\",\"content\":\"x = 1\"},\"done\":false}\n"
        "{\"thinking\":\"more\",\"response\":\"\",\"done\":false}\n"
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"length\",\"prompt_eval_count\":7,\"eval_count\":64}",
        &(struct want){ "x = 1", 7, 64, 0, 0, "length", true, PERR_NONE });
}

TEST(stream_llamacpp_native)
{
    check_all_splits(&provider_llamacpp, STREAM_SSE,
        ": ping\n\n"
        "data: {\"index\":0,\"content\":\"return\",\"tokens\":[],\"stop\":false,\"id_slot\":0,\"tokens_predicted\":1,\"tokens_evaluated\":18}\n\n"
        "data: {\"index\":0,\"content\":\" a + b\",\"tokens\":[],\"stop\":false,\"id_slot\":0,\"tokens_predicted\":5,\"tokens_evaluated\":18}\n\n"
        "data: {\"index\":0,\"content\":\"\",\"tokens\":[],\"id_slot\":0,\"stop\":true,\"model\":\"qwen\",\"tokens_predicted\":5,\"tokens_evaluated\":18,\"stop_type\":\"limit\",\"stopping_word\":\"\",\"truncated\":false,\"tokens_cached\":17,\"timings\":{\"prompt_n\":1,\"cache_n\":17,\"predicted_n\":5}}\n\n",
        &(struct want){ "return a + b", 18, 5, 17, 0, "length", true, PERR_NONE });
}

TEST(inband_openai_error)
{
    check_all_splits(&provider_openai, STREAM_SSE,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"},\"finish_reason\":null}]}\n\n"
        "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n",
        &(struct want){ "par", 0, 0, 0, 0, "error", false, PERR_SERVER });
}

TEST(inband_mistral_error_object)
{
    /* Mistral's error shape (wire-formats.md section 3) arriving as a stream event. */
    check_all_splits(&provider_mistral_fim, STREAM_SSE,
        "data: {\"id\":\"a1b2\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return\"},\"finish_reason\":null}]}\n\n"
        "data: {\"object\":\"error\",\"message\":\"Rate limit exceeded\",\"type\":\"rate_limited\",\"param\":null,\"code\":\"1300\"}\n\n",
        &(struct want){ "return", 0, 0, 0, 0, "error", false, PERR_RATE_LIMITED });
}

TEST(inband_anthropic_overloaded)
{
    check_all_splits(&provider_anthropic, STREAM_SSE,
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":22,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"int\"}}\n\n"
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"details\":null,\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_1\"}\n\n",
        &(struct want){ "int", 22, 1, 0, 0, "error", false, PERR_OVERLOADED });
}

TEST(inband_ollama_error)
{
    check_all_splits(&provider_ollama, STREAM_NDJSON,
        "{\"response\":\"a\",\"done\":false}\n{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n",
        &(struct want){ "a", 0, 0, 0, 0, "error", false, PERR_SERVER });
}

TEST(inband_llamacpp_errors)
{
    check_all_splits(&provider_llamacpp, STREAM_SSE,
        "data: {\"content\":\"a\",\"stop\":false}\n\n"
        "data: {\"error\":{\"code\":400,\"message\":\"request (9000 tokens) exceeds the available context size (8192 tokens), try increasing it\",\"type\":\"exceed_context_size_error\"}}\n\n",
        &(struct want){ "a", 0, 0, 0, 0, "error", false, PERR_CONTEXT_LENGTH });
    /* older builds: a bare error: line, then [DONE] */
    check_all_splits(&provider_llamacpp, STREAM_SSE,
        "data: {\"content\":\"a\",\"stop\":false}\n\n"
        "error: {\"code\":500,\"message\":\"slot failed\",\"type\":\"server_error\"}\n\ndata: [DONE]\n\n",
        &(struct want){ "a", 0, 0, 0, 0, "error", true, PERR_SERVER });
}

TEST(inband_gemini_error)
{
    check_all_splits(&provider_gemini, STREAM_SSE,
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}],\"role\": \"model\"}}]}\r\n\r\n"
        "data: {\"error\": {\"code\": 503,\"message\": \"The model is overloaded.\",\"status\": \"UNAVAILABLE\"}}\r\n\r\n",
        &(struct want){ "x", 0, 0, 0, 0, "error", false, PERR_OVERLOADED });
}

TEST(thinking_anthropic_never_emitted)
{
    check_all_splits(&provider_anthropic, STREAM_SSE,
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":50,\"cache_read_input_tokens\":30,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"SECRET PLAN\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"xyz\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\",\"text\":\"answer\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":300}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        &(struct want){ "answer", 80, 300, 30, 0, "length", true, PERR_NONE });
}

TEST(thinking_gemini_thought_parts_skipped)
{
    check_all_splits(&provider_gemini, STREAM_SSE,
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"**Planning**\",\"thought\": true}],\"role\": \"model\"}}],\"usageMetadata\": {\"promptTokenCount\": 14,\"thoughtsTokenCount\": 100,\"totalTokenCount\": 114}}\r\n\r\n"
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"int count\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 14,\"candidatesTokenCount\": 3,\"thoughtsTokenCount\": 120,\"cachedContentTokenCount\": 4,\"totalTokenCount\": 137}}\r\n\r\n",
        &(struct want){ "int count", 14, 123, 4, 120, "stop", true, PERR_NONE });
}

TEST(thinking_openai_compatible_reasoning_skipped)
{
    check_all_splits(&provider_openai, STREAM_SSE,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"think\"},\"finish_reason\":null}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"more\"},\"finish_reason\":null}],\"usage\":null}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":40,\"completion_tokens_details\":{\"reasoning_tokens\":38}}}\n\n"
        "data: [DONE]\n\n",
        &(struct want){ "ok", 5, 40, 0, 38, "stop", true, PERR_NONE });
}

TEST(malformed_event_is_reported)
{
    for (size_t i = 0; provider_table[i]; i++) {
        struct provider_stream st;
        provider_stream_init(&st, provider_table[i], NULL, NULL);
        ASSERT_EQ(provider_table[i]->parse_event(&st, NULL, "{not json", 9), -1);
        ASSERT_EQ(provider_table[i]->parse_event(&st, NULL, "", 0), -1);
        ASSERT_EQ(provider_table[i]->parse_event(&st, NULL, "[1,2]", 5), -1);
        provider_stream_free(&st);
    }
}
