/* Tests for lsp/extract: code out of model answers, shaped like the selection. */
#include "tests/unit/test.h"
#include "lsp/extract.h"

static char *block(const char *answer, const char *language)
{
    size_t n;
    return extract_code_block(answer, strlen(answer), language, &n);
}

static char *replacement(const char *answer, const char *selection, const char *language)
{
    size_t n;
    char *r = extract_replacement(answer, strlen(answer), selection, strlen(selection),
                                  language, NULL, &n);
    if (r) ASSERT_EQ(n, strlen(r));
    return r;
}

TEST(extract_backtick_fence_with_prose)
{
    char *c = block("Here is the refactored code:\n\n```python\ndef f(x):\n    return x * 2\n```\n\n"
                    "This change doubles x.\n", "python");
    ASSERT_STREQ(c, "def f(x):\n    return x * 2");
    free(c);
}

TEST(extract_tilde_fence_and_unclosed_fence)
{
    char *c = block("~~~\nint a = 1;\n~~~", "c");
    ASSERT_STREQ(c, "int a = 1;");
    free(c);
    c = block("Sure:\n```go\nfunc f() {}\n", "go");   /* cut off before the closing fence */
    ASSERT_STREQ(c, "func f() {}");
    free(c);
}

TEST(extract_prefers_language_then_longest_block)
{
    const char *answer = "Run it:\n```bash\npip install thing && python -m thing --flag --more\n```\n"
                         "Code:\n```py\nx = 1\ny = 2\n```\nUsage:\n```python\nf()\n```\n";
    char *c = block(answer, "python");
    ASSERT_STREQ(c, "x = 1\ny = 2");
    free(c);
    c = block("```\nshort\n```\n```\nlonger block\n```\n", NULL);
    ASSERT_STREQ(c, "longer block");
    free(c);
}

TEST(extract_fence_longer_closing_and_inner_backticks)
{
    char *c = block("````md\n```js\nx\n```\n````\n", "markdown");
    ASSERT_STREQ(c, "```js\nx\n```");
    free(c);
}

TEST(extract_indented_fence_in_list)
{
    char *c = block("1. Change:\n   ```c\n   if (x) {\n       y();\n   }\n   ```\n", "c");
    ASSERT_STREQ(c, "if (x) {\n    y();\n}");
    free(c);
}

TEST(extract_unfenced_with_prose_and_blank_lines)
{
    char *c = block("\n\nHere's the refactored function:\n\ndef g(a, b):\n    return a + b\n\n"
                    "This change removes the temporary variable.\n\n", "python");
    ASSERT_STREQ(c, "def g(a, b):\n    return a + b");
    free(c);
    c = block("return a + b;\n", "c");
    ASSERT_STREQ(c, "return a + b;");
    free(c);
}

TEST(extract_keeps_code_that_looks_capitalised)
{
    /* SQL, Go exported calls and a line of the original are not prose. */
    char *c = block("SELECT name FROM users WHERE id IS NOT NULL", "sql");
    ASSERT_STREQ(c, "SELECT name FROM users WHERE id IS NOT NULL");
    free(c);
    c = replacement("Remember the milk and the eggs\nx = 1\n", "Remember the milk and the eggs\nx=1\n",
                    "text");
    ASSERT_STREQ(c, "Remember the milk and the eggs\nx = 1\n");
    free(c);
}

TEST(extract_empty_answer_is_null)
{
    ASSERT(block("", NULL) == NULL);
    ASSERT(block("\n\n  \n", NULL) == NULL);
    ASSERT(block("```\n```\n", NULL) == NULL);
    ASSERT(block("Sorry, I cannot help with that request.", NULL) == NULL);
}

TEST(extract_restores_dropped_indentation)
{
    char *r = replacement("```python\nif x:\n    y()\n```", "    if x:\n        z()\n", "python");
    ASSERT_STREQ(r, "    if x:\n        y()\n");
    free(r);
}

TEST(extract_keeps_deeper_indentation_as_given)
{
    char *r = replacement("```\n        a()\n```", "    b()", NULL);
    ASSERT_STREQ(r, "        a()");
    free(r);
}

TEST(extract_trailing_newline_follows_selection)
{
    char *r = replacement("```\nx = 2\n\n\n```", "x = 1", NULL);
    ASSERT_STREQ(r, "x = 2");
    free(r);
    r = replacement("x = 2", "x = 1\n\n", NULL);
    ASSERT_STREQ(r, "x = 2\n\n");
    free(r);
}

TEST(extract_leading_blank_lines_of_selection_kept)
{
    char *r = replacement("```\nb\n```", "\n\n  a\n", NULL);
    ASSERT_STREQ(r, "\n\n  b\n");
    free(r);
}

TEST(extract_crlf_selection_gets_crlf)
{
    char *r = replacement("```\r\nline1\r\nline2\n```\r\n", "  old1\r\n  old2\r\n", NULL);
    ASSERT_STREQ(r, "  line1\r\n  line2\r\n");
    free(r);
    size_t n;
    r = extract_shape_like("a\nb", 3, "x", 1, "\r\n", &n);   /* eol given by the document */
    ASSERT_STREQ(r, "a\r\nb");
    free(r);
}

TEST(extract_blank_selection)
{
    char *r = replacement("```\ncode()\n```", "\n", NULL);
    ASSERT_STREQ(r, "code()\n");
    free(r);
    r = replacement("```\ncode()\n```", "", NULL);
    ASSERT_STREQ(r, "code()");
    free(r);
}

TEST(extract_non_ascii_code)
{
    char *r = replacement("```\nname = \"żółw 🐢\"\n```", "name = \"x\"\n", NULL);
    ASSERT_STREQ(r, "name = \"żółw 🐢\"\n");
    free(r);
}

TEST(extract_random_answers_never_crash)
{
    test_srand(1234);
    const char alphabet[] = "`~ \n\r\tabcXY:.{}=#-*[]1\xc3\xa9";
    for (int round = 0; round < 2000; round++) {
        char text[96], sel[32];
        size_t n = test_rand() % sizeof text, m = test_rand() % sizeof sel;
        for (size_t i = 0; i < n; i++) text[i] = alphabet[test_rand() % (sizeof alphabet - 1)];
        for (size_t i = 0; i < m; i++) sel[i] = alphabet[test_rand() % (sizeof alphabet - 1)];
        size_t out;
        char *r = extract_replacement(text, n, sel, m, "c", NULL, &out);
        if (r) ASSERT(out <= n + 8 * (m + 1) * (n + 1));
        free(r);
    }
}

TEST(extract_skips_a_block_that_repeats_the_original)
{
    const char *answer = "Before:\n```python\nresult = compute(values, scale)\n```\n"
                         "After:\n```python\nresult = compute(values)\n```\n";
    char *r = replacement(answer, "    result = compute(values, scale)\n", "python");
    ASSERT_STREQ(r, "    result = compute(values)\n");
    free(r);
    /* The only block repeating the original is still the answer (no change). */
    r = replacement("```\nx = 1\n```", "x = 1", NULL);
    ASSERT_STREQ(r, "x = 1");
    free(r);
}
