/* Adapter stream state: each adapter declares the size of its own typed state
 * (provider_ops.state_size) and provider_stream_init gives every stream its own zeroed
 * copy, so two responses parsed side by side (a hedge and its partner) never see each
 * other's state. */
#include "tests/unit/test.h"
#include "providers/adapter.h"
#include "base/buf.h"

static void collect(void *data, int choice, const char *text, size_t len)
{
    (void)choice;
    buf_append(data, text, len);
}

static void feed(const struct provider_ops *ops, struct provider_stream *st, const char *event,
                 const char *json)
{
    ASSERT_EQ(ops->parse_event(st, event, json, strlen(json)), 0);
}

TEST(adapter_state_is_sized_by_the_adapter_and_zeroed)
{
    for (size_t i = 0; provider_table[i]; i++) {
        const struct provider_ops *ops = provider_table[i];
        struct provider_stream st;
        provider_stream_init(&st, ops, collect, NULL);
        ASSERT_EQ(st.state != NULL, ops->state_size > 0);
        for (size_t b = 0; b < ops->state_size; b++) ASSERT_EQ(((unsigned char *)st.state)[b], 0);
        ASSERT_EQ(st.error.retry_after_ms, -1);
        provider_stream_free(&st);
        ASSERT(st.state == NULL);
        provider_stream_free(&st);   /* twice is harmless */
    }
    /* the adapters whose parsing carries something from one event to the next */
    ASSERT(provider_anthropic.state_size > 0);
    ASSERT(provider_openai.state_size > 0);
    ASSERT(provider_openai_completions.state_size > 0);
    ASSERT(provider_mistral_fim.state_size > 0);
}

TEST(adapter_state_anthropic_thinking_block_stays_in_its_own_stream)
{
    const struct provider_ops *ops = &provider_anthropic;
    struct buf a_text = {0}, b_text = {0};
    struct provider_stream a, b;
    provider_stream_init(&a, ops, collect, &a_text);
    provider_stream_init(&b, ops, collect, &b_text);
    feed(ops, &a, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}");
    feed(ops, &b, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    feed(ops, &a, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hidden\"}}");
    feed(ops, &b, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"shown\"}}");
    feed(ops, &a, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
    feed(ops, &a, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"answer\"}}");
    ASSERT_STREQ(buf_str(&a_text), "answer");
    ASSERT_STREQ(buf_str(&b_text), "shown");
    provider_stream_free(&a);
    provider_stream_free(&b);
    buf_free(&a_text);
    buf_free(&b_text);
}

TEST(adapter_state_openai_refusal_stays_in_its_own_stream)
{
    const struct provider_ops *ops = &provider_openai;
    struct buf a_text = {0}, b_text = {0};
    struct provider_stream a, b;
    provider_stream_init(&a, ops, collect, &a_text);
    provider_stream_init(&b, ops, collect, &b_text);
    feed(ops, &a, NULL, "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't\"},\"finish_reason\":null}]}");
    feed(ops, &b, NULL, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x = 1\"},\"finish_reason\":\"stop\"}]}");
    feed(ops, &a, NULL, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    ASSERT_STREQ(a.finish_reason, "refusal");
    ASSERT_STREQ(b.finish_reason, "stop");
    ASSERT_STREQ(buf_str(&a_text), "");
    ASSERT_STREQ(buf_str(&b_text), "x = 1");
    provider_stream_free(&a);
    provider_stream_free(&b);
    buf_free(&a_text);
    buf_free(&b_text);
}
