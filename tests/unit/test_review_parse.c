/* Tests for actions/review_parse: findings out of review answers in their many shapes. */
#include "tests/unit/test.h"
#include "actions/review_parse.h"

static size_t parse(const char *answer, uint32_t lines, struct review_findings *out)
{
    return review_parse(answer, strlen(answer), lines, out);
}

TEST(review_parse_requested_format)
{
    struct review_findings f;
    ASSERT_EQ(parse("LINE 2 [error]: division by zero when n is 0\n"
                    "LINE 5 [hint]: name could be clearer\n", 10, &f), 2);
    ASSERT_EQ(f.items[0].line, 1);
    ASSERT_EQ(f.items[0].end_line, 1);
    ASSERT_EQ(f.items[0].severity, REVIEW_ERROR);
    ASSERT_STREQ(f.items[0].message, "division by zero when n is 0");
    ASSERT_EQ(f.items[1].line, 4);
    ASSERT_EQ(f.items[1].severity, REVIEW_HINT);
    ASSERT_STREQ(f.items[1].message, "name could be clearer");
    review_findings_free(&f);
}

TEST(review_parse_variants)
{
    struct review_findings f;
    ASSERT_EQ(parse("Here are my findings:\n"
                    "- L3: unused variable\n"
                    "* line 4 - error handling is missing\n"
                    "1. **Line 6** (warning): possible overflow\n"
                    "Line 7: [info] consider a constant\n"
                    "LINE 8 warning: shadowed name\n"
                    "lines 2-4 [error]: resource leak\n"
                    "Overall the code is fine.\n", 10, &f), 6);
    ASSERT_EQ(f.items[0].line, 2);
    ASSERT_EQ(f.items[0].severity, REVIEW_WARNING);   /* default */
    ASSERT_STREQ(f.items[0].message, "unused variable");
    ASSERT_EQ(f.items[1].line, 3);
    ASSERT_STREQ(f.items[1].message, "error handling is missing");   /* not a severity */
    ASSERT_EQ(f.items[1].severity, REVIEW_WARNING);
    ASSERT_EQ(f.items[2].line, 5);
    ASSERT_EQ(f.items[2].severity, REVIEW_WARNING);
    ASSERT_STREQ(f.items[2].message, "possible overflow");
    ASSERT_EQ(f.items[3].severity, REVIEW_INFO);
    ASSERT_STREQ(f.items[3].message, "consider a constant");
    /* "LINE 8 warning: shadowed name": the severity word followed by a colon. */
    ASSERT_EQ(f.items[4].line, 7);
    ASSERT_EQ(f.items[4].severity, REVIEW_WARNING);
    ASSERT_STREQ(f.items[4].message, "shadowed name");
    ASSERT_EQ(f.items[5].line, 1);
    ASSERT_EQ(f.items[5].end_line, 3);
    ASSERT_EQ(f.items[5].severity, REVIEW_ERROR);
    review_findings_free(&f);
}

TEST(review_parse_json_list)
{
    struct review_findings f;
    ASSERT_EQ(parse("```json\n[{\"line\": 3, \"severity\": \"error\", \"message\": \"null deref\"},\n"
                    " {\"line\": 1, \"end_line\": 2, \"severity\": \"nit\", \"message\": \"style\"},\n"
                    " {\"severity\": \"error\", \"message\": \"no line: skipped\"}]\n```", 5, &f), 2);
    ASSERT_EQ(f.items[0].line, 2);
    ASSERT_EQ(f.items[0].severity, REVIEW_ERROR);
    ASSERT_STREQ(f.items[0].message, "null deref");
    ASSERT_EQ(f.items[1].line, 0);
    ASSERT_EQ(f.items[1].end_line, 1);
    ASSERT_EQ(f.items[1].severity, REVIEW_HINT);
    review_findings_free(&f);
}

TEST(review_parse_clamps_and_ignores)
{
    struct review_findings f;
    ASSERT_EQ(parse("LINE 40 [error]: beyond the end\nLINE 0 [error]: zero\nLINE 2 [error]:\n"
                    "NO FINDINGS\n", 3, &f), 1);
    ASSERT_EQ(f.items[0].line, 2);   /* clamped to the last line */
    review_findings_free(&f);
    ASSERT_EQ(parse("NO FINDINGS", 3, &f), 0);
    review_findings_free(&f);
    ASSERT_EQ(parse("", 3, &f), 0);
    review_findings_free(&f);
}

TEST(review_parse_crlf_and_non_ascii_messages)
{
    struct review_findings f;
    ASSERT_EQ(parse("LINE 1 [warning]: zmienna „żółw” nieużywana\r\nLINE 2 [info]: ok\r\n", 2, &f), 2);
    ASSERT_STREQ(f.items[0].message, "zmienna „żółw” nieużywana");
    ASSERT_STREQ(f.items[1].message, "ok");
    review_findings_free(&f);
}

TEST(review_severity_words)
{
    ASSERT_EQ(review_severity_parse("Error", 5), REVIEW_ERROR);
    ASSERT_EQ(review_severity_parse("WARN", 4), REVIEW_WARNING);
    ASSERT_EQ(review_severity_parse("note", 4), REVIEW_INFO);
    ASSERT_EQ(review_severity_parse("nit", 3), REVIEW_HINT);
    ASSERT_EQ(review_severity_parse("banana", 6), 0);
}

TEST(review_parse_random_never_crashes)
{
    test_srand(99);
    const char alphabet[] = "LINE line 0123456789[]():-*{}\"\n,";
    for (int round = 0; round < 3000; round++) {
        char text[80];
        size_t n = test_rand() % sizeof text;
        for (size_t i = 0; i < n; i++) text[i] = alphabet[test_rand() % (sizeof alphabet - 1)];
        struct review_findings f;
        review_parse(text, n, 5, &f);
        for (size_t i = 0; i < f.count; i++) {
            ASSERT(f.items[i].line <= f.items[i].end_line);
            ASSERT(f.items[i].end_line < 5);
            ASSERT(f.items[i].message[0] != '\0');
        }
        review_findings_free(&f);
    }
}
