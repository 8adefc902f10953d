/* Tests for actions/action_prompt: the action table, kind filter, templates, tasks. */
#include "tests/unit/test.h"
#include "actions/action_prompt.h"
#include "config/config.h"

TEST(action_builtins_have_kinds_and_tasks)
{
    struct action_def d;
    const char *expected[][2] = {
        { "refactor", "refactor.rewrite.switchboard" }, { "fix", "quickfix.switchboard" },
        { "docs", "source.switchboard.docs" }, { "tests", "source.switchboard.tests" },
        { "review", "source.switchboard.review" }, { "explain", "source.switchboard.explain" },
        { "architecture", "source.switchboard.architecture" },
        { "optimize", "refactor.rewrite.switchboard.optimize" },
    };
    size_t n = 0;
    while (action_at(NULL, n, &d)) {
        ASSERT(n < 8);
        ASSERT_STREQ(d.id, expected[n][0]);
        ASSERT_STREQ(d.kind, expected[n][1]);
        ASSERT(!d.user);
        n++;
    }
    ASSERT_EQ(n, 8);
    ASSERT(action_find(NULL, "fix", &d));
    ASSERT(d.needs_diagnostics);
    ASSERT_EQ(d.task, TASK_FIX);
    ASSERT(action_find(NULL, "review", &d));
    ASSERT_EQ(d.output, ACTION_OUTPUT_DIAGNOSTICS);
    ASSERT(action_find(NULL, "architecture", &d));
    ASSERT_EQ(d.task, TASK_ARCHITECTURE);
    ASSERT_EQ(d.output, ACTION_OUTPUT_DOCUMENT);
    ASSERT(!action_find(NULL, "nope", &d));
    ASSERT(!action_find(NULL, "user:refactor", &d));
}

TEST(action_user_actions_from_config)
{
    struct action_config actions[] = {
        { "sec", "Security audit", "source.switchboard.sec", TASK_REVIEW, "Audit {{path}}" },
        { "port", NULL, NULL, TASK_REFACTOR, "Port to {{language}}" },
    };
    struct config cfg = { .actions = actions, .action_count = 2 };
    struct action_def d;
    ASSERT(action_at(&cfg, 8, &d));
    ASSERT_STREQ(d.id, "sec");
    ASSERT(d.user);
    ASSERT_STREQ(d.name, "Security audit");
    ASSERT_EQ(d.output, ACTION_OUTPUT_DIAGNOSTICS);
    ASSERT(action_at(&cfg, 9, &d));
    ASSERT_STREQ(d.name, "port");                          /* title defaults to the id */
    ASSERT_STREQ(d.kind, "refactor.rewrite.switchboard");  /* kind defaults */
    ASSERT(!action_at(&cfg, 10, &d));
    ASSERT(action_find(&cfg, "user:port", &d));
    ASSERT_STREQ(d.prompt, "Port to {{language}}");
    ASSERT(!action_find(&cfg, "port", &d));   /* user ids live under "user:" */
}

TEST(action_kind_filter_is_hierarchical)
{
    const char *refactor[] = { "refactor" };
    const char *rewrite[] = { "refactor.rewrite" };
    const char *quick[] = { "quickfix", "source.organizeImports" };
    ASSERT(action_kind_allowed("refactor.rewrite.switchboard", NULL, 0));
    ASSERT(action_kind_allowed("refactor.rewrite.switchboard", refactor, 1));
    ASSERT(action_kind_allowed("refactor.rewrite.switchboard.optimize", rewrite, 1));
    ASSERT(!action_kind_allowed("refactor.rewritex", rewrite, 1));
    ASSERT(!action_kind_allowed("refactor.rewrite.switchboard", quick, 2));
    ASSERT(action_kind_allowed("quickfix.switchboard", quick, 2));
    ASSERT(!action_kind_allowed("source.switchboard.docs", quick, 2));
}

TEST(action_template_expansion)
{
    struct action_context ctx = { .language = "python", .path = "src/a.py", .selection = "x = 1",
                                  .before = "import os", .after = "print(x)",
                                  .diagnostics = "line 1: error: bad" };
    char *s = action_expand_template("{{language}}|{{ path }}|{{selection}}|{{before}}|{{after}}|"
                                     "{{diagnostics}}|{{unknown}}|{{", &ctx);
    ASSERT_STREQ(s, "python|src/a.py|x = 1|import os|print(x)|line 1: error: bad|{{unknown}}|{{");
    free(s);
    struct action_context empty = {0};
    s = action_expand_template("a{{selection}}b", &empty);
    ASSERT_STREQ(s, "ab");
    free(s);
    s = action_expand_template("{{numbered}}", &(struct action_context){ .selection = "a\r\nb" });
    ASSERT_STREQ(s, "   1 | a\n   2 | b\n");
    free(s);
}

TEST(action_build_task_builtin_and_user)
{
    struct action_context ctx = { .language = "c", .path = "m.c", .selection = "int y;",
                                  .before = "int x;", .after = "", .diagnostics = "line 1: warning: unused" };
    struct action_def d;
    ASSERT(action_find(NULL, "fix", &d));
    struct task t = {0};
    action_build_task(&d, &ctx, &t);
    ASSERT_EQ(t.kind, TASK_FIX);
    ASSERT_EQ(t.trigger, TRIGGER_INVOKED);
    ASSERT_STREQ(t.selection, "int y;");
    ASSERT_STREQ(t.diagnostics, "line 1: warning: unused");
    ASSERT(strstr(t.instructions, "line 1: warning: unused") != NULL);
    ASSERT(strstr(t.instructions, "```c\nint y;\n```") != NULL);
    ASSERT(strstr(t.instructions, "replacement for the selected code only") != NULL);
    ASSERT(t.system != NULL);
    ASSERT(t.prompt_tokens_estimate > 0);
    task_free(&t);

    struct action_config a = { "wrap", "Wrap", "refactor.rewrite.switchboard.wrap", TASK_REFACTOR,
                               "Wrap {{selection}} in a function ({{path}})." };
    struct config cfg = { .actions = &a, .action_count = 1 };
    ASSERT(action_find(&cfg, "user:wrap", &d));
    action_build_task(&d, &ctx, &t);
    ASSERT(strncmp(t.instructions, "Wrap int y; in a function (m.c).", 32) == 0);
    ASSERT(strstr(t.instructions, "code block") != NULL);   /* code-only request appended */
    task_free(&t);
}

TEST(action_review_prompt_numbers_lines_and_tests_prompt_names_file)
{
    struct action_context ctx = { .language = "go", .path = "a.go", .selection = "a\nb",
                                  .test_path = "a_test.go", .test_text = "package a" };
    struct action_def d;
    struct task t = {0};
    ASSERT(action_find(NULL, "review", &d));
    action_build_task(&d, &ctx, &t);
    ASSERT(strstr(t.instructions, "   1 | a\n   2 | b\n") != NULL);
    ASSERT(strstr(t.instructions, "LINE <n> [error|warning|info|hint]: <message>") != NULL);
    task_free(&t);
    ASSERT(action_find(NULL, "tests", &d));
    action_build_task(&d, &ctx, &t);
    ASSERT(strstr(t.instructions, "existing test file a_test.go") != NULL);
    ASSERT(strstr(t.instructions, "package a") != NULL);
    task_free(&t);
}
