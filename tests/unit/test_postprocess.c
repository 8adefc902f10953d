/* Tests for inline/postprocess: what the editor inserts from what the model said. */
#include "tests/unit/test.h"
#include "inline/postprocess.h"

static char *run(const char *prefix, const char *suffix, enum multiline_mode mode, int max_lines,
                 const char *text)
{
    struct postprocess_ctx ctx;
    postprocess_init(&ctx, prefix, strlen(prefix), suffix, strlen(suffix), mode, max_lines);
    return postprocess_apply(text, strlen(text), &ctx);
}

#define EXPECT(prefix, suffix, mode, text, expected) do {                 \
        char *_r = run(prefix, suffix, mode, 12, text);                    \
        ASSERT_STREQ(_r, expected);                                        \
        free(_r);                                                          \
    } while (0)
#define EXPECT_NONE(prefix, suffix, mode, text) do {                      \
        char *_r = run(prefix, suffix, mode, 12, text);                    \
        if (_r) test_fail(__FILE__, __LINE__, "expected nothing, got \"%s\"", _r); \
    } while (0)

static bool multiline(const char *prefix, const char *suffix, enum multiline_mode mode)
{
    struct postprocess_ctx ctx;
    postprocess_init(&ctx, prefix, strlen(prefix), suffix, strlen(suffix), mode, 12);
    return ctx.multiline;
}

TEST(postprocess_multiline_decision)
{
    ASSERT(multiline("def f():\n    ", "\n", MULTILINE_AUTO));          /* blank line */
    ASSERT(multiline("def f():", "\n", MULTILINE_AUTO));                /* after ':' */
    ASSERT(multiline("int main() {", "}\n", MULTILINE_AUTO));           /* `{|}` */
    ASSERT(multiline("foo(", ")", MULTILINE_AUTO));
    ASSERT(multiline("xs.map(x =>", "\n", MULTILINE_AUTO));
    ASSERT(multiline("for i in x do", "\n", MULTILINE_AUTO));
    ASSERT(multiline("if [ x ]; then", "\n", MULTILINE_AUTO));
    ASSERT(multiline("", "", MULTILINE_AUTO));                          /* empty file */
    ASSERT(!multiline("x = fo", "\n", MULTILINE_AUTO));                 /* end of a statement line */
    ASSERT(!multiline("foo(a, ", "b)\n", MULTILINE_AUTO));              /* mid-line */
    ASSERT(!multiline("undo", "\n", MULTILINE_AUTO));                   /* "do" must be a word */
    ASSERT(multiline("x = fo", "\n", MULTILINE_ALWAYS));
    ASSERT(!multiline("def f():", "\n", MULTILINE_NEVER));
}

TEST(postprocess_single_line_stops_at_line_end)
{
    EXPECT("x = fo", "\n", MULTILINE_AUTO, "o(1)\ny = 2\n", "o(1)");
    EXPECT("x = fo", "\n", MULTILINE_NEVER, "o(1)\r\ny = 2", "o(1)");
    EXPECT_NONE("x = fo", "\n", MULTILINE_AUTO, "\ny = 2");
}

TEST(postprocess_drops_nul_bytes)
{
    struct postprocess_ctx ctx;
    postprocess_init(&ctx, "x = ", 4, "\n", 1, MULTILINE_AUTO, 12);
    char *r = postprocess_apply("\0\0ab\0c", 6, &ctx);
    ASSERT_STREQ(r, "abc");
    free(r);
    ASSERT(postprocess_apply("\0 \0", 3, &ctx) == NULL);
}

TEST(postprocess_drops_empty_and_whitespace)
{
    EXPECT_NONE("x = ", "\n", MULTILINE_AUTO, "");
    EXPECT_NONE("x = ", "\n", MULTILINE_AUTO, "   \t ");
    EXPECT_NONE("def f():\n    ", "", MULTILINE_AUTO, "\n\n   \n");
}

TEST(postprocess_removes_prefix_echo)
{
    /* whole current line echoed, with and without its indentation */
    EXPECT("def f():\n    return fo", "\n", MULTILINE_AUTO, "    return foo(x)", "o(x)");
    EXPECT("def f():\n    return fo", "\n", MULTILINE_AUTO, "return foo(x)", "o(x)");
    /* earlier lines echoed too */
    EXPECT("def f(x):\n    return fo", "\n", MULTILINE_AUTO, "def f(x):\n    return foo(x)", "o(x)");
    /* a one-character line is not treated as an echo (too ambiguous) */
    EXPECT("a", "\n", MULTILINE_AUTO, "a = 1", "a = 1");
    /* CRLF prefix still matches the model's \n text */
    EXPECT("int x;\r\nreturn fo", "\r\n", MULTILINE_AUTO, "int x;\nreturn foo;", "o;");
}

TEST(postprocess_does_not_repeat_whitespace_before_cursor)
{
    EXPECT("x = ", "\n", MULTILINE_AUTO, " 42", "42");
    EXPECT("def f():\n    ", "\n", MULTILINE_AUTO, "    return 1", "return 1");
}

TEST(postprocess_removes_suffix_duplicate_on_line)
{
    /* whole rest of the line repeated */
    EXPECT("print(", ")\n", MULTILINE_NEVER, "\"hi\")", "\"hi\"");
    EXPECT("if (x > ", ") {\n", MULTILINE_AUTO, "0) {", "0");
    /* partial overlap: only the start of the rest of the line */
    EXPECT("x = [", "], y\n", MULTILINE_NEVER, "1, 2]", "1, 2");
    EXPECT("name = \"", "\";\n", MULTILINE_NEVER, "alice\";", "alice");
    /* a closer the completion opened itself is kept */
    EXPECT("bar(", ")\n", MULTILINE_NEVER, "foo()", "foo()");
    EXPECT("bar(", ")\n", MULTILINE_NEVER, "foo(1))", "foo(1)");
    /* letters are only dropped when the overlap is long enough to be certain */
    EXPECT("let a = b", "c + d\n", MULTILINE_NEVER, "ac", "ac");
    EXPECT("x = compute(", "value, 2)\n", MULTILINE_NEVER, "first_value, 2)", "first_");
}

TEST(postprocess_balances_brackets_against_suffix)
{
    EXPECT("x = f(g(", "))\n", MULTILINE_NEVER, "1, 2))", "1, 2");
    EXPECT("x = f(a[", "])\n", MULTILINE_NEVER, "0])", "0");
    EXPECT("x = f(a[", "]\n", MULTILINE_NEVER, "0])", "0])");   /* suffix lacks ')' */
}

TEST(postprocess_multiline_stops_at_block_end_python)
{
    const char *prefix = "def f(x):\n";
    EXPECT(prefix, "\n\ndef g():\n    pass\n", MULTILINE_AUTO,
           "    y = x * 2\n    return y\n\ndef h():\n    pass\n",
           "    y = x * 2\n    return y");
    /* after the opener on its own line */
    EXPECT("def f(x):", "\n", MULTILINE_AUTO,
           "\n    if x:\n        return 1\n    return 2\nprint(f(1))\n",
           "\n    if x:\n        return 1\n    return 2");
}

TEST(postprocess_multiline_closer_kept_or_dropped_by_suffix)
{
    /* nothing closes the block after the cursor: the closer is part of the answer */
    EXPECT("int f(void) {", "\n", MULTILINE_AUTO,
           "\n    return 1;\n}\n\nint g(void) {\n", "\n    return 1;\n}");
    /* the suffix already has the closer on the next line: dropped */
    EXPECT("int f(void) {", "\n}\n", MULTILINE_AUTO,
           "\n    return 1;\n}\n", "\n    return 1;");
    /* `{|}`: body, then a line break before the auto-paired closer */
    EXPECT("int f(void) {", "}\n", MULTILINE_AUTO,
           "\n    return 1;\n}", "\n    return 1;\n");
    /* `{|}` with a model that leaves the closer to the suffix (FIM) */
    EXPECT("    if (x) {", "}\n", MULTILINE_AUTO, "\n        y();\n", "\n        y();\n    ");
    EXPECT("foo(", ")\n", MULTILINE_AUTO, "\n  a,\n  b", "\n  a,\n  b\n");
    EXPECT("\tif (x) {", "}\n", MULTILINE_AUTO, "\n\t\ty();", "\n\t\ty();\n\t");
    /* nested closers deeper than the block stay */
    EXPECT("void f(void) {", "\n}\n", MULTILINE_AUTO,
           "\n    if (x) {\n        g();\n    }\n    h();\n}\n",
           "\n    if (x) {\n        g();\n    }\n    h();");
}

TEST(postprocess_multiline_blank_line_siblings)
{
    /* on a blank line inside a block: siblings continue, a dedent ends */
    EXPECT("function f() {\n  a();\n  ", "\n}\n", MULTILINE_AUTO,
           "b();\n  c();\n}\nfunction g() {}", "b();\n  c();");
}

TEST(postprocess_multiline_cuts_repeated_suffix_lines)
{
    EXPECT("def f():\n    x = 1\n    ", "\n    return x\n", MULTILINE_AUTO,
           "y = 2\n    return x\n", "y = 2");
    /* the model only repeats the next line: nothing to add */
    EXPECT_NONE("def f():\n    x = 1\n    ", "\n    return x\n", MULTILINE_AUTO, "return x\n");
}

TEST(postprocess_caps_lines)
{
    char *r = run("def f():\n    ", "", MULTILINE_AUTO, 3, "a = 1\n    b = 2\n    c = 3\n    d = 4\n");
    ASSERT_STREQ(r, "a = 1\n    b = 2\n    c = 3");
    free(r);
}

TEST(postprocess_line_endings_follow_file)
{
    EXPECT("def f():\r\n    ", "\r\n", MULTILINE_AUTO, "a = 1\n    b = 2\n", "a = 1\r\n    b = 2");
    EXPECT("def f():\n    ", "\n", MULTILINE_AUTO, "a = 1\r\n    b = 2\r\n", "a = 1\n    b = 2");
}

TEST(postprocess_indentation_follows_file)
{
    /* tab-indented file, model answered with 4 spaces per level */
    EXPECT("void f(void) {\n\tint a;\n\tif (a) {\n\t\ta++;\n\t}\n\t", "\n}\n", MULTILINE_AUTO,
           "if (b) {\n        b++;\n    }\n", "if (b) {\n\t\tb++;\n\t}");
    /* space-indented file (2 per level), model answered with tabs */
    EXPECT("function f() {\n  if (x) {\n    y();\n  }\n  ", "\n}\n", MULTILINE_AUTO,
           "if (z) {\n\t\tw();\n\t}", "if (z) {\n    w();\n  }");
}

TEST(postprocess_detect_indent_styles)
{
    bool tabs;
    int width;
    const char *two = "a\n  b\n    c\n  d\ne\n";
    ASSERT_EQ(postprocess_detect_indent(two, strlen(two), &tabs, &width), 3);
    ASSERT(!tabs);
    ASSERT_EQ(width, 2);
    const char *tab = "a\n\tb\n\t\tc\n";
    postprocess_detect_indent(tab, strlen(tab), &tabs, &width);
    ASSERT(tabs);
    ASSERT_EQ(postprocess_detect_indent("x\ny\n", 4, &tabs, &width), 0);
    ASSERT_EQ(width, 4);
}

static bool complete(const char *prefix, const char *suffix, enum multiline_mode mode, int max_lines,
                     const char *text)
{
    struct postprocess_ctx ctx;
    postprocess_init(&ctx, prefix, strlen(prefix), suffix, strlen(suffix), mode, max_lines);
    return postprocess_is_complete(text, strlen(text), &ctx);
}

TEST(postprocess_is_complete_single_line)
{
    ASSERT(!complete("x = ", "\n", MULTILINE_AUTO, 12, "foo(1"));
    ASSERT(complete("x = ", "\n", MULTILINE_AUTO, 12, "foo(1)\n"));
    ASSERT(complete("x = ", "\n", MULTILINE_AUTO, 12, "foo(1)\ny = 2"));
}

TEST(postprocess_is_complete_multiline)
{
    const char *p = "def f(x):";
    ASSERT(!complete(p, "\n", MULTILINE_AUTO, 12, "\n    y = 1\n"));
    ASSERT(!complete(p, "\n", MULTILINE_AUTO, 12, "\n    y = 1\npri"));   /* dedent line not ended */
    ASSERT(complete(p, "\n", MULTILINE_AUTO, 12, "\n    y = 1\nprint(y)\n"));
    ASSERT(complete(p, "\n", MULTILINE_AUTO, 3, "\n    a\n    b\n"));      /* max_lines reached */
    ASSERT(complete("int f() {", "\n}\n", MULTILINE_AUTO, 12, "\n  return 1;\n}\n"));
}

TEST(postprocess_random_input_never_crashes)
{
    const char alphabet[] = "ab (){}[]:;\n\r\t \"'=>do";
    test_srand(1234);
    for (int round = 0; round < 2000; round++) {
        char prefix[40], suffix[40], text[80];
        size_t pl = test_rand() % sizeof prefix, sl = test_rand() % sizeof suffix,
               tl = test_rand() % sizeof text;
        for (size_t i = 0; i < pl; i++) prefix[i] = alphabet[test_rand() % (sizeof alphabet - 1)];
        for (size_t i = 0; i < sl; i++) suffix[i] = alphabet[test_rand() % (sizeof alphabet - 1)];
        for (size_t i = 0; i < tl; i++) text[i] = alphabet[test_rand() % (sizeof alphabet - 1)];
        struct postprocess_ctx ctx;
        postprocess_init(&ctx, prefix, pl, suffix, sl, (enum multiline_mode)(round % 3), 1 + round % 5);
        char *r = postprocess_apply(text, tl, &ctx);
        if (r) {
            ASSERT(strlen(r) > 0);
            ASSERT(strspn(r, " \t\r\n") < strlen(r));   /* never whitespace-only */
        }
        free(r);
        postprocess_is_complete(text, tl, &ctx);
    }
}
