/* Several choices in one request (task.n, PROVIDER_CAP_N_CHOICES): which adapters
 * send "n", and how the OpenAI-style parser splits an interleaved stream into one
 * text per choice, ignores indexes never asked for, keeps finish reasons per choice
 * and counts usage once. */
#include "tests/unit/test.h"
#include "tests/unit/adapter_run.h"
#include "providers/adapter.h"
#include "base/json.h"

/* An n=3 chat stream as OpenAI sends it: role chunks, content chunks interleaved by
 * index, a finish per choice, one usage chunk for all. Choice 7 was never asked for. */
static const char chat_n3[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":2,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a + \"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\"sum((a, \"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b + a\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":7,\"delta\":{\"content\":\"never asked\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"},\"finish_reason\":null},{\"index\":2,\"delta\":{\"content\":\"b))\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":2,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":-1,\"delta\":{\"content\":\"negative\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":12,\"total_tokens\":52}}\n\n"
    "data: [DONE]\n\n";

TEST(choices_chat_stream_split_by_index)
{
    struct adapter_run r;
    adapter_run_choices(&r, &provider_openai, STREAM_SSE, chat_n3, strlen(chat_n3), 3);
    ASSERT_EQ(r.parser_rc, 0);
    ASSERT_EQ(r.bad_events, 0);
    ASSERT_STREQ(buf_str(&r.choice_text[0]), "a + b");
    ASSERT_STREQ(buf_str(&r.choice_text[1]), "b + a");
    ASSERT_STREQ(buf_str(&r.choice_text[2]), "sum((a, b))");
    for (int i = 3; i < PROVIDER_MAX_CHOICES; i++) ASSERT_EQ(r.choice_text[i].len, 0);   /* 7, -1: dropped */
    ASSERT_STREQ(r.st.choice_finish[0], "stop");
    ASSERT_STREQ(r.st.choice_finish[1], "length");
    ASSERT_STREQ(r.st.choice_finish[2], "stop");
    ASSERT_STREQ(r.st.finish_reason, "stop");   /* choice 0's */
    ASSERT_EQ(r.st.usage.input_tokens, 40);     /* once, for all three */
    ASSERT_EQ(r.st.usage.output_tokens, 12);
    ASSERT(r.st.done);
    adapter_run_free(&r);
}

TEST(choices_single_request_keeps_choice_zero_only)
{
    /* Not asked for several (n 1): the other indexes are not ours, as before. */
    struct adapter_run r;
    adapter_run_choices(&r, &provider_openai, STREAM_SSE, chat_n3, strlen(chat_n3), 1);
    ASSERT_STREQ(buf_str(&r.text), "a + b");
    ASSERT_EQ(r.choice_text[1].len, 0);
    ASSERT_EQ(r.choice_text[2].len, 0);
    ASSERT_EQ(r.st.usage.input_tokens, 40);
    adapter_run_free(&r);
}

TEST(choices_completions_stream_split_by_index)
{
    /* Completions: each choice's last text chunk carries its finish; usage comes once,
     * in the usage chunk, and a finishing chunk's usage is not added again. */
    static const char in[] =
        "data: {\"object\":\"text_completion\",\"choices\":[{\"text\":\"if n\",\"index\":0,\"finish_reason\":null}]}\n\n"
        "data: {\"object\":\"text_completion\",\"choices\":[{\"text\":\"while\",\"index\":1,\"finish_reason\":null}]}\n\n"
        "data: {\"object\":\"text_completion\",\"choices\":[{\"text\":\"for i\",\"index\":2,\"finish_reason\":null}]}\n\n"
        "data: {\"object\":\"text_completion\",\"choices\":[{\"text\":\" < 2:\",\"index\":0,\"finish_reason\":\"stop\"}]}\n\n"
        "data: {\"object\":\"text_completion\",\"choices\":[{\"text\":\" in n:\",\"index\":2,\"finish_reason\":\"stop\"}]}\n\n"
        "data: {\"object\":\"text_completion\",\"choices\":[{\"text\":\" n:\",\"index\":1,\"finish_reason\":\"stop\"}]}\n\n"
        "data: {\"object\":\"text_completion\",\"choices\":[{\"text\":\"extra\",\"index\":3,\"finish_reason\":\"stop\"}]}\n\n"
        "data: {\"object\":\"text_completion\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}\n\n"
        "data: [DONE]\n\n";
    struct adapter_run r;
    adapter_run_choices(&r, &provider_openai_completions, STREAM_SSE, in, sizeof in - 1, 3);
    ASSERT_EQ(r.bad_events, 0);
    ASSERT_STREQ(buf_str(&r.choice_text[0]), "if n < 2:");
    ASSERT_STREQ(buf_str(&r.choice_text[1]), "while n:");
    ASSERT_STREQ(buf_str(&r.choice_text[2]), "for i in n:");
    ASSERT_EQ(r.choice_text[3].len, 0);
    ASSERT_EQ(r.st.usage.input_tokens, 30);
    ASSERT_EQ(r.st.usage.output_tokens, 9);
    ASSERT_STREQ(r.st.choice_finish[1], "stop");
    adapter_run_free(&r);
}

TEST(choices_refusal_is_per_choice)
{
    static const char in[] =
        "data: {\"choices\":[{\"index\":1,\"delta\":{\"refusal\":\"I can't\"},\"finish_reason\":null}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\n"
        "data: {\"choices\":[{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        "data: [DONE]\n\n";
    struct adapter_run r;
    adapter_run_choices(&r, &provider_openai, STREAM_SSE, in, sizeof in - 1, 2);
    ASSERT_STREQ(r.st.choice_finish[0], "stop");
    ASSERT_STREQ(r.st.choice_finish[1], "refusal");
    ASSERT_EQ(r.choice_text[1].len, 0);
    adapter_run_free(&r);
}

/* "n" in the body of kind's request for task, or -1 when absent. */
static long sent_n(const char *kind, const struct task *t)
{
    struct model_spec s = {0};
    s.name = (char *)"m";
    s.provider_kind = (char *)kind;
    s.base_url = (char *)"http://127.0.0.1:1/v1";
    s.model = (char *)"model";
    s.temperature = -1;
    const struct provider_ops *ops = provider_find(kind);
    ASSERT(ops != NULL);
    struct provider_request req = {0};
    char err[256] = "";
    if (ops->build_request(&s, t, &req, err, sizeof err) != 0)
        test_fail(__FILE__, __LINE__, "%s: build_request failed: %s", kind, err);
    cJSON *body = cJSON_Parse(buf_str(&req.body));
    long n = json_get_long(body, "n", -1);
    cJSON_Delete(body);
    provider_request_free(&req);
    return n;
}

TEST(choices_n_sent_only_when_asked_and_taken)
{
    struct task t = {0};
    t.kind = TASK_INLINE;
    t.prefix = (char *)"x = ";
    t.suffix = (char *)"\n";
    t.max_output_tokens = 16;
    static const char *const kinds[] = { "openai", "openai-completions", "mistral-fim",
                                         "anthropic", "gemini", "ollama", "llamacpp" };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        const struct provider_ops *ops = provider_find(kinds[i]);
        bool takes = ops->caps & PROVIDER_CAP_N_CHOICES;
        ASSERT_EQ(takes, i < 2);   /* OpenAI chat and completions only */
        t.n = 0;
        ASSERT_EQ(sent_n(kinds[i], &t), -1);
        t.n = 1;
        ASSERT_EQ(sent_n(kinds[i], &t), -1);
        t.n = 3;
        ASSERT_EQ(sent_n(kinds[i], &t), takes ? 3 : -1);
        ASSERT_EQ(provider_choices(ops, &t), takes ? 3 : 1);
        t.n = 50;   /* bounded */
        ASSERT_EQ(sent_n(kinds[i], &t), takes ? PROVIDER_MAX_CHOICES : -1);
    }
}

TEST(choices_sampled_like_a_second_candidate)
{
    /* n choices of one body at temperature 0 would be one answer n times. */
    struct model_spec s = {0};
    struct task t = {0};
    s.temperature = 0;
    ASSERT_NEAR(adapter_temperature(&s, &t), 0, 1e-9);
    t.n = 3;
    ASSERT_NEAR(adapter_temperature(&s, &t), 0.5, 1e-9);
    s.temperature = -1;
    ASSERT_NEAR(adapter_temperature(&s, &t), 0.6, 1e-9);
}
