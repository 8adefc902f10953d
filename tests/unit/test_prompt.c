/* Prompt rendering: FIM templates byte for byte, the choice of shape per FIM mode and
 * provider capabilities, chat-style FIM, default action messages, snippets. */
#include "tests/unit/test.h"
#include "providers/prompt.h"
#include "providers/fim_templates.h"
#include "providers/provider.h"

TEST(fim_templates_exact)
{
    char *s;
    s = fim_template_render(fim_template_find("qwen"), "P", "S");
    ASSERT_STREQ(s, "<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>"); free(s);
    s = fim_template_render(fim_template_find("deepseek-coder"), "P", "S");
    /* U+FF5C is EF BD 9C, U+2581 is E2 96 81 */
    ASSERT_STREQ(s, "<\xef\xbd\x9c" "fim\xe2\x96\x81" "begin\xef\xbd\x9c>P<\xef\xbd\x9c" "fim\xe2\x96\x81"
                    "hole\xef\xbd\x9c>S<\xef\xbd\x9c" "fim\xe2\x96\x81" "end\xef\xbd\x9c>");
    ASSERT(strchr(s, '|') == NULL && strchr(s, '_') == NULL);
    free(s);
    s = fim_template_render(fim_template_find("starcoder2"), "P", "S");
    ASSERT_STREQ(s, "<fim_prefix>P<fim_suffix>S<fim_middle>"); free(s);
    s = fim_template_render(fim_template_find("codellama"), "P", "S");
    ASSERT_STREQ(s, "<PRE> P <SUF>S <MID>"); free(s);
    s = fim_template_render(fim_template_find("codestral"), "P", "S");
    ASSERT_STREQ(s, "[SUFFIX]S[PREFIX]P"); free(s);
    s = fim_template_render(fim_template_find("qwen"), NULL, NULL);
    ASSERT_STREQ(s, "<|fim_prefix|><|fim_suffix|><|fim_middle|>"); free(s);
    ASSERT_STREQ(fim_template_find("deepseek")->stops[0], "<\xef\xbd\x9c" "end\xe2\x96\x81" "of\xe2\x96\x81" "sentence\xef\xbd\x9c>");
    ASSERT_STREQ(fim_template_find("codellama")->stops[0], "<EOT>");
    ASSERT(fim_template_find("gpt") == NULL);
    ASSERT(fim_template_find(NULL) == NULL);
}

static struct model_spec spec_with(enum fim_mode fim, const char *tmpl)
{
    struct model_spec s = {0};
    s.name = (char *)"m";
    s.provider_kind = (char *)"k";
    s.fim = fim;
    s.fim_template = (char *)tmpl;
    return s;
}

static struct task inline_task(void)
{
    struct task t = {0};
    t.kind = TASK_INLINE;
    t.language = (char *)"python";
    t.path = (char *)"a.py";
    t.prefix = (char *)"x = ";
    t.suffix = (char *)"\nprint(x)\n";
    return t;
}

#define ALL_CAPS (PROVIDER_CAP_CHAT | PROVIDER_CAP_FIM_NATIVE | PROVIDER_CAP_RAW_PROMPT)

TEST(prompt_auto_on_a_native_kind_is_native_fim)
{
    struct task t = inline_task();
    struct prompt p;
    char err[256];
    struct model_spec s = spec_with(FIM_AUTO, NULL);
    ASSERT_EQ(prompt_build(&s, &t, ALL_CAPS, 0, &p, err, sizeof err), 0);
    ASSERT_EQ(p.shape, PROMPT_NATIVE_FIM);
    ASSERT_STREQ(p.prefix, "x = ");
    ASSERT_STREQ(p.suffix, "\nprint(x)\n");
    ASSERT_EQ(p.max_tokens, 128);
    prompt_free(&p);
}

TEST(prompt_auto_on_a_chat_only_kind_is_chat_fim)
{
    struct task t = inline_task();
    struct prompt p;
    char err[256];
    struct model_spec s = spec_with(FIM_AUTO, NULL);
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_CHAT, 0, &p, err, sizeof err), 0);
    ASSERT_EQ(p.shape, PROMPT_CHAT);
    ASSERT(strstr(p.user, "x = <CURSOR>\nprint(x)\n") != NULL);
    ASSERT(strstr(p.system, "only the code") != NULL);
    prompt_free(&p);
}

TEST(prompt_native_asked_of_a_chat_only_kind_is_chat)
{
    struct task t = inline_task();
    struct prompt p;
    char err[256];
    struct model_spec s = spec_with(FIM_NATIVE, NULL);
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_CHAT, 0, &p, err, sizeof err), 0);
    ASSERT_EQ(p.shape, PROMPT_CHAT);
    prompt_free(&p);
}

TEST(prompt_chat_mode_is_chat_even_where_native_exists)
{
    struct task t = inline_task();
    struct prompt p;
    char err[256];
    struct model_spec s = spec_with(FIM_CHAT, NULL);
    ASSERT_EQ(prompt_build(&s, &t, ALL_CAPS, 0, &p, err, sizeof err), 0);
    ASSERT_EQ(p.shape, PROMPT_CHAT);
    prompt_free(&p);
}

TEST(prompt_template_is_raw_with_task_stops_first)
{
    struct task t = inline_task();
    struct prompt p;
    char err[256];
    struct model_spec s = spec_with(FIM_TEMPLATE, "codestral");
    task_add_stop(&t, "\n\n");
    ASSERT_EQ(prompt_build(&s, &t, ALL_CAPS, 0, &p, err, sizeof err), 0);
    ASSERT_EQ(p.shape, PROMPT_RAW);
    ASSERT_STREQ(p.raw, "[SUFFIX]\nprint(x)\n[PREFIX]x = ");
    ASSERT_EQ(p.stop_count, 4);
    ASSERT_STREQ(p.stop[0], "\n\n");
    ASSERT_STREQ(p.stop[1], "</s>");
    prompt_free(&p);
    free(t.stop[0]);
    free(t.stop);
}

TEST(prompt_unknown_template_is_an_error)
{
    struct task t = inline_task();
    struct prompt p;
    char err[256];
    struct model_spec s = spec_with(FIM_TEMPLATE, "nonsense");
    ASSERT_EQ(prompt_build(&s, &t, ALL_CAPS, 0, &p, err, sizeof err), -1);
    ASSERT(strstr(err, "unknown fim_template") != NULL && strstr(err, "nonsense") != NULL);
}

TEST(prompt_template_on_a_kind_without_raw_prompts_is_an_error)
{
    struct task t = inline_task();
    struct prompt p;
    char err[256];
    struct model_spec s = spec_with(FIM_TEMPLATE, "qwen");
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_CHAT, 0, &p, err, sizeof err), -1);
    ASSERT(strstr(err, "raw") != NULL);
}

TEST(prompt_native_prefix_carries_commented_snippets)
{
    struct task t = inline_task();
    struct task_snippet snip = { (char *)"util.py", (char *)"def sub(a, b):\n    return a - b\n" };
    t.snippets = &snip;
    t.snippet_count = 1;
    struct model_spec s = spec_with(FIM_NATIVE, NULL);
    struct prompt p;
    char err[256];
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_FIM_NATIVE, 0, &p, err, sizeof err), 0);
    ASSERT_STREQ(p.prefix, "# Path: util.py\n# def sub(a, b):\n#     return a - b\n\nx = ");
    prompt_free(&p);
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_FIM_NATIVE, PROMPT_SNIPPETS_SEPARATE, &p, err, sizeof err), 0);
    ASSERT_STREQ(p.prefix, "x = ");
    prompt_free(&p);
    t.language = (char *)"c";
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_FIM_NATIVE, 0, &p, err, sizeof err), 0);
    ASSERT(strncmp(p.prefix, "// Path: util.py\n// def sub", 27) == 0);
    prompt_free(&p);
}

static struct task fix_task(struct task_snippet *snip)
{
    struct task t = {0};
    t.kind = TASK_FIX;
    t.language = (char *)"c";
    t.path = (char *)"src/a.c";
    t.prefix = (char *)"#include <stdio.h>\n";
    t.selection = (char *)"int main() { return x; }";
    t.diagnostics = (char *)"src/a.c:2:21: error: 'x' undeclared";
    *snip = (struct task_snippet){ (char *)"src/b.h", (char *)"int y;" };
    t.snippets = snip;
    t.snippet_count = 1;
    return t;
}

TEST(prompt_action_default_message)
{
    struct task_snippet snip;
    struct task t = fix_task(&snip);
    struct model_spec s = spec_with(FIM_AUTO, NULL);
    s.max_output_tokens = 1000;
    struct prompt p;
    char err[256];
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_CHAT, 0, &p, err, sizeof err), 0);
    ASSERT_EQ(p.shape, PROMPT_CHAT);
    ASSERT_EQ(p.max_tokens, 1000);
    ASSERT_STREQ(p.system, prompt_default_system(TASK_FIX));
    ASSERT_STREQ(p.user,
                 "Context from other files:\n\n<file path=\"src/b.h\">\nint y;\n</file>\n\n"
                 "Fix the selected code.\nLanguage: c\nFile: src/a.c\n"
                 "\nCode before the selection:\n<before>\n#include <stdio.h>\n\n</before>\n"
                 "\nSelected code:\n<selection>\nint main() { return x; }\n</selection>\n"
                 "\nDiagnostics:\n<diagnostics>\nsrc/a.c:2:21: error: 'x' undeclared\n</diagnostics>\n");
    prompt_free(&p);
}

/* Rendered instructions win; snippets still go in front; a system override is used. */
TEST(prompt_action_instructions_and_system_override)
{
    struct task_snippet snip;
    struct task t = fix_task(&snip);
    struct model_spec s = spec_with(FIM_AUTO, NULL);
    s.max_output_tokens = 1000;
    struct prompt p;
    char err[256];
    t.instructions = (char *)"Fix it.";
    t.system = (char *)"Be terse.";
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_CHAT, 0, &p, err, sizeof err), 0);
    ASSERT_STREQ(p.user, "Context from other files:\n\n<file path=\"src/b.h\">\nint y;\n</file>\n\nFix it.");
    ASSERT_STREQ(p.system, "Be terse.");
    ASSERT_EQ(p.max_tokens, 1000);
    prompt_free(&p);
}

TEST(prompt_every_kind_has_a_default_system_text)
{
    for (int k = 0; k < TASK_KIND_COUNT; k++) ASSERT(strlen(prompt_default_system(k)) > 20);
}

/* With instructions rendered, as a code action sends it. */
TEST(prompt_fim_only_kind_refuses_actions)
{
    struct task_snippet snip;
    struct task t = fix_task(&snip);
    t.instructions = (char *)"Fix it.";
    struct model_spec s = spec_with(FIM_AUTO, NULL);
    struct prompt p;
    char err[256];
    ASSERT_EQ(prompt_build(&s, &t, PROVIDER_CAP_FIM_NATIVE, 0, &p, err, sizeof err), -1);
    ASSERT(strstr(err, "only does inline") != NULL);
}

TEST(prompt_fim_only_kind_refuses_chat_style_fim)
{
    struct task in = {0};
    struct model_spec chat = spec_with(FIM_CHAT, NULL);
    struct prompt p;
    char err[256];
    ASSERT_EQ(prompt_build(&chat, &in, PROVIDER_CAP_FIM_NATIVE, 0, &p, err, sizeof err), -1);
    ASSERT(strstr(err, "only native fill-in-the-middle") != NULL);
}
