/* Every recorded API stream in tests/fixtures through the SSE parser and its
 * adapter: exact text, usage and finish reason, whole, split in two at every byte,
 * and in 1-byte pieces. */
#include "providers/stream.h"
#include "tests/unit/test.h"
#include "tests/unit/adapter_run.h"
#include "providers/adapter.h"

struct expect {
    const char *file;
    const struct provider_ops *ops;
    const char *text;
    long input, output, cached, reasoning;
    const char *finish;
    bool done;
};

static void check_run(const struct adapter_run *r, const struct expect *e, size_t cut, size_t piece)
{
    if (r->parser_rc != 0 || r->bad_events != 0 || strcmp(buf_str(&r->text), e->text) != 0 ||
        r->st.usage.input_tokens != e->input || r->st.usage.output_tokens != e->output ||
        r->st.usage.cached_tokens != e->cached || r->st.usage.reasoning_tokens != e->reasoning ||
        !r->st.usage.reported || strcmp(r->st.finish_reason, e->finish) != 0 || r->st.done != e->done ||
        r->st.error.cls != PERR_NONE)
        test_fail(__FILE__, __LINE__,
                  "%s (cut %zu, piece %zu): rc %d bad %d text \"%s\" usage %ld/%ld/%ld/%ld finish \"%s\" done %d err %d",
                  e->file, cut, piece, r->parser_rc, r->bad_events, buf_str(&r->text),
                  r->st.usage.input_tokens, r->st.usage.output_tokens, r->st.usage.cached_tokens,
                  r->st.usage.reasoning_tokens, r->st.finish_reason, r->st.done, r->st.error.cls);
}

/* The parser's events as one string ("name\x1fpayload\x1e" each). */
static int collect_event(void *data, const char *event, const char *payload, size_t len)
{
    struct buf *out = data;
    buf_puts(out, event ? event : "");
    buf_putc(out, '\x1f');
    buf_append(out, payload, len);
    buf_putc(out, '\x1e');
    return 0;
}

static void events_split_at(const char *bytes, size_t len, size_t cut, struct buf *out)
{
    struct sse_parser p;
    sse_parser_init(&p, 0);
    ASSERT_EQ(sse_parser_feed(&p, bytes, cut, collect_event, out), 0);
    ASSERT_EQ(sse_parser_feed(&p, bytes + cut, len - cut, collect_event, out), 0);
    ASSERT_EQ(sse_parser_finish(&p, collect_event, out), 0);
    sse_parser_free(&p);
}

/* Every two-piece split must give the parser's events of the whole stream (so the
 * adapter, which only sees events, gives the same result); the adapter itself runs on
 * the whole stream, in 1-byte pieces and at a spread of split points. Checking events
 * rather than re-running the adapter at every split keeps this fast under ASan. */
static void check_fixture(const struct expect *e)
{
    size_t file_len, len;
    char *file = test_read_file(test_fixture_path(e->file), &file_len);
    const char *bytes = file;
    len = file_len;
    if (strstr(e->file, ".resp")) bytes = resp_body(file, file_len, &len);
    struct buf whole = {0}, split = {0};
    events_split_at(bytes, len, len, &whole);
    ASSERT(whole.len > 0);
    for (size_t cut = 0; cut < len; cut++) {
        buf_reset(&split);
        events_split_at(bytes, len, cut, &split);
        if (split.len != whole.len || memcmp(split.data, whole.data, whole.len) != 0)
            test_fail(__FILE__, __LINE__, "%s: events differ when split at byte %zu", e->file, cut);
    }
    buf_free(&whole);
    buf_free(&split);
    struct adapter_run r;
    for (size_t cut = 0; cut <= len; cut += cut < 64 ? 1 : 61) {
        adapter_run_bytes(&r, e->ops, STREAM_SSE, bytes, len, cut, 0);
        check_run(&r, e, cut, 0);
        adapter_run_free(&r);
    }
    adapter_run_bytes(&r, e->ops, STREAM_SSE, bytes, len, 0, 1);
    check_run(&r, e, 0, 1);
    adapter_run_free(&r);
    free(file);
}

TEST(fixture_openai_plain_text)
{
    check_fixture(&(struct expect){
        "openai/038a5c69c34c9513021b52aa61661f4f5bea321c0aac9e164f2ed3e409aebc48.bin", &provider_openai,
        "I'm unable to provide real-time updates, including current weather information. For the "
        "latest weather in San Francisco, I recommend checking a reliable weather website or app such "
        "as the Weather Channel, BBC Weather, or a local San Francisco news station.",
        14, 47, 0, 0, "stop", true });
}

TEST(fixture_openai_escaped_json_text)
{
    check_fixture(&(struct expect){
        "openai/15ae68f793c7b390fc8af9e21a6aea6d0356b63140161758a2e576d4e3092cfa.bin", &provider_openai,
        "{\"city\":\"San Francisco\",\"temperature\":68,\"units\":\"f\"}", 17, 14, 0, 0, "stop", true });
}

TEST(fixture_openai_truncated_length)
{
    check_fixture(&(struct expect){
        "openai/69363a555f8ea9b6eee0bb022af0afcd22d4f0e85418ab38ee24d2a570a84ff0.bin", &provider_openai,
        "{\"", 17, 1, 0, 0, "length", true });
}

TEST(fixture_openai_refusal_not_emitted)
{
    check_fixture(&(struct expect){
        "openai/ca015b8b1ebaac98be76f2f855f8694b77f608de5e2a3799276be06ce3fbb15b.bin", &provider_openai,
        "", 17, 12, 0, 0, "refusal", true });
}

TEST(fixture_openai_logprobs)
{
    check_fixture(&(struct expect){
        "openai/be1089999ca5f1e63b149447f1613bdb9c4a2ad8262027d158cc94e6f9765164.bin", &provider_openai,
        "Foo.", 9, 2, 0, 0, "stop", true });
}

TEST(fixture_openai_tool_call)
{
    check_fixture(&(struct expect){
        "openai/dae1b261f19722801adc82a13181772c3010c10b37e8af3996fbdbbecb3c32a2.bin", &provider_openai,
        "", 44, 16, 0, 0, "tool_calls", true });
}

TEST(fixture_openai_parallel_tool_calls)
{
    check_fixture(&(struct expect){
        "openai/453df473e96274dd8ab61ab4d13dfcc25dc2f57a5e05eb5cc46c70b51d8845c2.bin", &provider_openai,
        "", 149, 60, 0, 0, "tool_calls", true });
}

TEST(fixture_anthropic_basic_no_trailing_newline)
{
    check_fixture(&(struct expect){ "anthropic/basic_response.txt", &provider_anthropic,
                                    "Hello there!", 11, 6, 0, 0, "stop", true });
}

TEST(fixture_anthropic_extra_fields)
{
    check_fixture(&(struct expect){ "anthropic/extra_fields_response.txt", &provider_anthropic,
                                    "Hello!", 11, 3, 0, 0, "stop", true });
}

TEST(fixture_anthropic_cache_usage_in_message_start)
{
    /* input 25 + cache creation 10 + cache read 5 */
    check_fixture(&(struct expect){ "anthropic/message_delta_omitted_usage_response.txt", &provider_anthropic,
                                    "Hello there!", 40, 8, 5, 0, "stop", true });
}

TEST(fixture_anthropic_usage_only_in_message_delta)
{
    check_fixture(&(struct expect){ "anthropic/missing_usage_response.txt", &provider_anthropic,
                                    "hi", 19, 1, 5, 0, "stop", true });
    check_fixture(&(struct expect){ "anthropic/usage_omitted_response.txt", &provider_anthropic,
                                    "Hello", 12, 6, 0, 0, "stop", true });
}

TEST(fixture_anthropic_refusal)
{
    check_fixture(&(struct expect){ "anthropic/refusal_response.txt", &provider_anthropic,
                                    "", 20, 120, 0, 67, "refusal", true });
}

TEST(fixture_anthropic_tool_use_stream)
{
    check_fixture(&(struct expect){
        "anthropic/9cb114c8-69bd-4111-841b-edee30333afd.stream0.txt", &provider_anthropic,
        "I'll help you check the weather in San Francisco. Since the location parameter needs to be "
        "more specific, I'll use \"San Francisco, CA\" and I'll show you the temperature in both "
        "Celsius and Fahrenheit.",
        473, 176, 0, 0, "tool_calls", true });
}

TEST(fixture_anthropic_non_ascii_padded)
{
    check_fixture(&(struct expect){
        "anthropic/9cb114c8-69bd-4111-841b-edee30333afd.stream1.txt", &provider_anthropic,
        "The weather in San Francisco, CA is currently sunny with a temperature of 20\xc2\xb0" "C (68\xc2\xb0" "F).",
        767, 27, 0, 0, "stop", true });
}

TEST(fixture_gemini_crlf_cumulative_usage)
{
    /* promptTokenCount drops from 10 to 8: the last chunk's figures win */
    check_fixture(&(struct expect){
        "gemini/05d12383541f87ec2bdff62c2a0c55c63055ab376577b4d7bbde32f4033ebdf4.resp", &provider_gemini,
        "low\n", 8, 2, 0, 0, "stop", true });
}

TEST(fixture_gemini_max_tokens)
{
    check_fixture(&(struct expect){
        "gemini/9a5f602fdd5d07f55d0d5a42779fca02e5c21b6ff20303a0f8384c5510e528c0.resp", &provider_gemini,
        "The sky is blue due to a phenomenon called **Rayleigh scattering**. Here's a breakdown:",
        6, 20, 0, 0, "length", true });
}
