/* Tests for inline/inline_context: budgets, cuts, paths, snippets, the task. */
#include "tests/unit/test.h"
#include "inline/inline_context.h"

static struct inline_settings settings(int prefix_tokens, int suffix_tokens)
{
    struct inline_settings s = {
        .enabled = true, .debounce_ms = 150, .max_lines = 12, .prefix_tokens = prefix_tokens,
        .suffix_tokens = suffix_tokens, .snippets = true, .snippet_tokens = 10,
        .max_output_tokens = 96, .candidates = 3, .completion_wait_ms = 800, .cache_entries = 8,
    };
    return s;
}

TEST(inline_cut_prefix_at_line_start)
{
    const char *t = "line one\nline two\nline th";
    size_t len = strlen(t);
    ASSERT_EQ(inline_cut_prefix(t, len, 100), 0);          /* fits: all of it */
    ASSERT_EQ(inline_cut_prefix(t, len, 15), 18);          /* "line th" only: whole lines */
    ASSERT_EQ(inline_cut_prefix(t, len, 8), 18);
    ASSERT_EQ(inline_cut_prefix(t, len, 16), 9);           /* exactly "line two\nline th" */
    ASSERT_EQ(inline_cut_prefix(t, len, 3), 22);           /* cursor line alone too long */
    /* one long line longer than the budget: cut at a character boundary */
    const char *u = "x = \"\xc3\xa9\xc3\xa9\xc3\xa9\"";        /* é é é */
    size_t ul = strlen(u);
    size_t start = inline_cut_prefix(u, ul, 4);
    ASSERT(ul - start <= 4);
    ASSERT(((unsigned char)u[start] & 0xC0) != 0x80);
}

TEST(inline_cut_suffix_after_line_end)
{
    const char *t = "rest\nnext line\nlast";
    size_t len = strlen(t);
    ASSERT_EQ(inline_cut_suffix(t, len, 100), len);
    ASSERT_EQ(inline_cut_suffix(t, len, 12), 5);            /* "rest\n" */
    ASSERT_EQ(inline_cut_suffix(t, len, 15), 15);           /* "rest\nnext line\n" */
    const char *u = "\xe2\x82\xac\xe2\x82\xac";             /* € € on one line */
    ASSERT_EQ(inline_cut_suffix(u, strlen(u), 4), 3);
}

TEST(inline_affinity_bands)
{
    ASSERT_EQ(inline_affinity("file:///a.c", 0), inline_affinity("file:///a.c", 15));
    ASSERT_NE(inline_affinity("file:///a.c", 15), inline_affinity("file:///a.c", 16));
    ASSERT_NE(inline_affinity("file:///a.c", 3), inline_affinity("file:///b.c", 3));
    ASSERT_NE(inline_affinity("", 0), 0);
}

TEST(inline_task_budgets_and_fields)
{
    const char *prefix = "import os\nimport sys\n\ndef main():\n    pri";
    const char *suffix = "\n\nmain()\n# trailing comment that is long\n";
    struct inline_settings s = settings(5, 3);   /* 20 and 12 bytes */
    struct inline_context_input in = {
        .prefix = prefix, .prefix_len = strlen(prefix), .suffix = suffix, .suffix_len = strlen(suffix),
        .uri = "file:///w/app/main.py", .language = "python", .root = "/w", .line = 4,
        .trigger = TRIGGER_AUTOMATIC, .multiline = false, .redact = true,
    };
    struct task t;
    inline_context_task(&t, &in, NULL, 0, &s, NULL);
    ASSERT_EQ(t.kind, TASK_INLINE);
    ASSERT_EQ(t.trigger, TRIGGER_AUTOMATIC);
    ASSERT_STREQ(t.prefix, "\ndef main():\n    pri");
    ASSERT_STREQ(t.suffix, "\n\nmain()\n");
    ASSERT_STREQ(t.language, "python");
    ASSERT_STREQ(t.path, "app/main.py");
    ASSERT_EQ(t.stop_count, 1);
    ASSERT_STREQ(t.stop[0], "\n");
    ASSERT_EQ(t.max_output_tokens, 96);
    ASSERT_EQ(t.affinity, inline_affinity("file:///w/app/main.py", 4));
    ASSERT(t.prompt_tokens_estimate > 0);
    task_free(&t);
}

TEST(inline_task_multiline_has_no_newline_stop)
{
    struct inline_settings s = settings(100, 100);
    struct inline_context_input in = {
        .prefix = "def f():\n", .prefix_len = 9, .suffix = "", .suffix_len = 0,
        .uri = "file:///a.py", .multiline = true, .trigger = TRIGGER_INVOKED,
    };
    struct task t;
    inline_context_task(&t, &in, NULL, 0, &s, NULL);
    ASSERT_EQ(t.stop_count, 0);
    ASSERT_EQ(t.trigger, TRIGGER_INVOKED);
    ASSERT_STREQ(t.prefix, "def f():\n");
    ASSERT_STREQ(t.suffix, "");
    task_free(&t);
}

TEST(inline_task_redacts_secrets)
{
    const char *prefix = "KEY = \"sk-proj-Zx81kLmQ2w9ErTy7UiOp\"\nx = ";
    struct inline_settings s = settings(100, 100);
    struct inline_context_input in = {
        .prefix = prefix, .prefix_len = strlen(prefix), .suffix = "\nghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\n",
        .suffix_len = 42, .uri = "file:///a.py", .redact = true,
    };
    struct task t;
    inline_context_task(&t, &in, NULL, 0, &s, NULL);
    ASSERT(strstr(t.prefix, "sk-proj") == NULL);
    ASSERT(strstr(t.prefix, "[REDACTED]") != NULL);
    ASSERT(strstr(t.suffix, "ghp_") == NULL);
    task_free(&t);
    in.redact = false;
    inline_context_task(&t, &in, NULL, 0, &s, NULL);
    ASSERT(strstr(t.prefix, "sk-proj") != NULL);
    task_free(&t);
}

TEST(inline_task_snippets_recent_first_within_budget)
{
    struct inline_settings s = settings(100, 100);
    s.snippet_tokens = 5;   /* 20 bytes */
    const struct inline_snippet_source sources[] = {
        { "file:///w/old.py", "def old():\n    pass\n", 20, 100 },
        { "file:///w/new.py", "def new(): pass\nmore\n", 21, 300 },
        { "file:///w/.env.py", "SECRET=1\n", 9, 500 },             /* excluded by glob */
        { "file:///w/cur.py", "current\n", 8, 900 },                /* the document itself */
        { "file:///w/mid.py", "mid = 1\n", 8, 200 },
    };
    struct inline_context_input in = {
        .prefix = "x", .prefix_len = 1, .suffix = "", .suffix_len = 0,
        .uri = "file:///w/cur.py", .root = "/w", .multiline = true,
    };
    struct task t;
    inline_context_task(&t, &in, sources, 5, &s, NULL);
    /* new.py cut at a line (16 of 20 bytes); 4 bytes left hold no whole line of mid.py */
    ASSERT_EQ(t.snippet_count, 1);
    ASSERT_STREQ(t.snippets[0].path, "new.py");
    ASSERT_STREQ(t.snippets[0].text, "def new(): pass\n");
    s.snippet_tokens = 10;
    task_free(&t);
    inline_context_task(&t, &in, sources, 5, &s, NULL);
    ASSERT_EQ(t.snippet_count, 3);   /* new (16), mid (8), old does not fit in 16 */
    ASSERT_STREQ(t.snippets[1].path, "mid.py");
    ASSERT_STREQ(t.snippets[2].path, "old.py");
    ASSERT_STREQ(t.snippets[2].text, "def old():\n");
    task_free(&t);
    s.snippets = false;
    inline_context_task(&t, &in, sources, 5, &s, NULL);
    ASSERT_EQ(t.snippet_count, 0);
    task_free(&t);
}

TEST(inline_task_drops_nul_bytes)
{
    struct inline_settings s = settings(100, 100);
    const char prefix[] = "a\0b = ", suffix[] = "\0c\n";
    struct inline_context_input in = {
        .prefix = prefix, .prefix_len = sizeof prefix - 1, .suffix = suffix,
        .suffix_len = sizeof suffix - 1, .uri = "file:///a.py", .redact = true,
    };
    struct task t;
    inline_context_task(&t, &in, NULL, 0, &s, NULL);
    ASSERT_STREQ(t.prefix, "ab = ");
    ASSERT_STREQ(t.suffix, "c\n");
    task_free(&t);
    in.redact = false;
    inline_context_task(&t, &in, NULL, 0, &s, NULL);
    ASSERT_STREQ(t.prefix, "ab = ");
    task_free(&t);
}
