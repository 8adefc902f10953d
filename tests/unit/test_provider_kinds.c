/* The kinds of provider are one table in the providers layer (provider_table); the
 * configuration asks it instead of keeping its own list. These tests pin each kind's
 * properties (what the configuration's own table used to say) and check that the
 * configuration's answers follow the table for every kind, so a new kind is one
 * adapter file plus one table line. */
#include "tests/unit/test.h"
#include "providers/provider.h"
#include "config/config.h"

struct kind_expect {
    const char *kind;
    const char *default_url;
    bool fim_native, raw_prompt, actions, local;
};

static const struct kind_expect expected[] = {
    { "openai", "https://api.openai.com/v1", false, false, true, false },
    { "openai-completions", "https://api.openai.com/v1", true, true, false, false },
    { "mistral-fim", "https://codestral.mistral.ai/v1", true, false, false, false },
    { "anthropic", "https://api.anthropic.com", false, false, true, false },
    { "gemini", "https://generativelanguage.googleapis.com/v1beta", false, false, true, false },
    { "ollama", "http://127.0.0.1:11434", true, true, true, true },
    { "llamacpp", "http://127.0.0.1:8080", true, true, true, true },
};
#define EXPECTED_COUNT (sizeof expected / sizeof expected[0])

TEST(provider_kinds_table_holds_every_kind_and_its_properties)
{
    size_t n = 0;
    while (provider_table[n]) n++;
    ASSERT_EQ(n, EXPECTED_COUNT);
    for (size_t i = 0; i < EXPECTED_COUNT; i++) {
        const struct kind_expect *e = &expected[i];
        const struct provider_ops *k = provider_table[i];   /* the order error messages list */
        ASSERT_STREQ(k->name, e->kind);
        ASSERT(provider_find(e->kind) == k);
        ASSERT_STREQ(k->default_url, e->default_url);
        ASSERT_EQ(!!(k->caps & PROVIDER_CAP_FIM_NATIVE), e->fim_native);
        ASSERT_EQ(!!(k->caps & PROVIDER_CAP_RAW_PROMPT), e->raw_prompt);
        ASSERT_EQ(k->actions, e->actions);
        ASSERT_EQ(k->local, e->local);
        ASSERT(k->build_request && k->parse_event && k->classify_error);
    }
}

TEST(provider_kinds_config_answers_from_the_table)
{
    for (size_t i = 0; provider_table[i]; i++) {
        const struct provider_ops *k = provider_table[i];
        struct model_spec m = { .provider_kind = (char *)k->name, .fim = FIM_AUTO };
        ASSERT_EQ(config_kind_is_local(k->name), k->local);
        ASSERT_EQ(config_model_chat_capable(&m), k->actions);
        ASSERT_EQ(config_model_fim_capable(&m), !!(k->caps & PROVIDER_CAP_FIM_NATIVE));
        m.fim = FIM_CHAT;
        ASSERT(!config_model_fim_capable(&m));
        m.fim = FIM_TEMPLATE;
        ASSERT(config_model_fim_capable(&m));
    }
    struct model_spec unknown = { .provider_kind = (char *)"nope", .fim = FIM_AUTO };
    ASSERT(!config_kind_is_local("nope"));
    ASSERT(!config_model_chat_capable(&unknown));
    ASSERT(!config_model_fim_capable(&unknown));
}

/* A provider without base_url gets its kind's default from the table. */
TEST(provider_kinds_default_url_comes_from_the_table)
{
    char err[1024] = "";
    struct config *cfg = config_load_text(
        "{\"providers\":{\"a\":{\"kind\":\"anthropic\"},\"l\":{\"kind\":\"llamacpp\"}},"
        "\"models\":{\"m\":{\"provider\":\"a\",\"model\":\"claude-x\"},"
        "\"n\":{\"provider\":\"l\",\"model\":\"qwen\"}},"
        "\"routes\":[{\"when\":{},\"targets\":[\"m\"]}]}", "t.json", NULL, err, sizeof err);
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    ASSERT_STREQ(cfg->models[0].base_url, provider_find("anthropic")->default_url);
    ASSERT_STREQ(cfg->models[1].base_url, provider_find("llamacpp")->default_url);
    config_unref(cfg);
}
