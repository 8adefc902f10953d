/* inline/outcome: what the editor did with an offered suggestion, from the document's
 * changes alone (byte offsets; characters counted as code points). */
#include "tests/unit/test.h"
#include "inline/outcome.h"
#include <string.h>

/* The suggestion offered at byte 10 of a line starting at byte 6 ("x = " typed). */
static struct inline_outcome offered(const char *text)
{
    struct inline_outcome o;
    outcome_init(&o, text, strlen(text), 10, 6, "", 0);
    return o;
}

static enum outcome_verdict insert(struct inline_outcome *o, size_t at, const char *s, long *chars)
{
    return outcome_change(o, at, at, s, strlen(s), chars);
}

TEST(outcome_full_accept_multiline_and_more)
{
    long chars = 0;
    struct inline_outcome o = offered("value + 1");
    ASSERT_EQ(insert(&o, 10, "value + 1", &chars), OUTCOME_ACCEPTED);
    ASSERT_EQ(chars, 9);
    o = offered("if x:\n    y()\nz");
    ASSERT_EQ(insert(&o, 10, "if x:\n    y()\nz", &chars), OUTCOME_ACCEPTED);
    ASSERT_EQ(chars, 15);
    /* the editor inserted the rest and something after it in one change */
    o = offered("value + 1");
    ASSERT_EQ(insert(&o, 10, "value + 1\n", &chars), OUTCOME_ACCEPTED);
    ASSERT_EQ(chars, 9);
}

TEST(outcome_accept_word_then_rest)
{
    long chars = 0;
    struct inline_outcome o = offered("value + 1");
    ASSERT_EQ(insert(&o, 10, "value", &chars), OUTCOME_PARTIAL);
    ASSERT_EQ(chars, 5);
    ASSERT_EQ(insert(&o, 15, " +", &chars), OUTCOME_PARTIAL);
    ASSERT_EQ(chars, 7);
    ASSERT_EQ(insert(&o, 17, " 1", &chars), OUTCOME_ACCEPTED);
    ASSERT_EQ(chars, 9);
}

TEST(outcome_typing_through_is_neither)
{
    long chars = -1;
    struct inline_outcome o = offered("ab(c)");
    ASSERT_EQ(insert(&o, 10, "a", &chars), OUTCOME_NONE);
    ASSERT_EQ(insert(&o, 11, "b", &chars), OUTCOME_NONE);
    ASSERT_EQ(o.done, 2);
    /* a backspace, then the same character again */
    ASSERT_EQ(outcome_change(&o, 11, 12, "", 0, &chars), OUTCOME_NONE);
    ASSERT_EQ(o.done, 1);
    ASSERT_EQ(insert(&o, 11, "b", &chars), OUTCOME_NONE);
    /* then the rest at once (accept): typed characters count as in place */
    ASSERT_EQ(insert(&o, 12, "(c)", &chars), OUTCOME_ACCEPTED);
    ASSERT_EQ(chars, 5);
    o = offered("ab");
    chars = -1;
    ASSERT_EQ(insert(&o, 10, "a", &chars), OUTCOME_NONE);
    ASSERT_EQ(insert(&o, 11, "b", &chars), OUTCOME_TYPED_THROUGH);
    ASSERT_EQ(chars, -1);
}

TEST(outcome_auto_closed_bracket_is_typing)
{
    long chars = 0;
    struct inline_outcome o = offered("f(x)");
    ASSERT_EQ(insert(&o, 10, "f", &chars), OUTCOME_NONE);
    ASSERT_EQ(insert(&o, 11, "()", &chars), OUTCOME_NONE);   /* "(" typed, ")" closed by the editor */
    ASSERT_EQ(o.done, 2);
    ASSERT_EQ(insert(&o, 12, "x", &chars), OUTCOME_NONE);
    ASSERT_EQ(outcome_change(&o, 13, 14, ")", 1, &chars), OUTCOME_TYPED_THROUGH);   /* typed over the ")" */
    o = offered("f()");
    ASSERT_EQ(insert(&o, 10, "f", &chars), OUTCOME_NONE);
    ASSERT_EQ(insert(&o, 11, "()", &chars), OUTCOME_TYPED_THROUGH);   /* a keystroke, not accept word */
    o = offered("f[x]");
    ASSERT_EQ(insert(&o, 10, "f", &chars), OUTCOME_NONE);
    ASSERT_EQ(insert(&o, 11, "()", &chars), OUTCOME_REJECTED);   /* not the bracket offered */
}

TEST(outcome_typed_over_and_line_edited)
{
    long chars = 0;
    struct inline_outcome o = offered("value + 1");
    ASSERT_EQ(insert(&o, 10, "v", &chars), OUTCOME_NONE);
    ASSERT_EQ(insert(&o, 11, "x", &chars), OUTCOME_REJECTED);
    o = offered("value + 1");
    ASSERT_EQ(insert(&o, 10, "val(", &chars), OUTCOME_REJECTED);   /* a paste that diverges */
    o = offered("value + 1");
    ASSERT_EQ(outcome_change(&o, 7, 8, "", 0, &chars), OUTCOME_REJECTED);   /* its line, before it */
    o = offered("value + 1");
    ASSERT_EQ(insert(&o, 40, "later", &chars), OUTCOME_NONE);   /* after it: no effect */
    ASSERT_EQ(o.start, 10);
}

TEST(outcome_change_before_moves_it)
{
    long chars = 0;
    struct inline_outcome o = offered("value + 1");
    ASSERT_EQ(insert(&o, 0, "import os\n", &chars), OUTCOME_NONE);
    ASSERT_EQ(o.start, 20);
    ASSERT_EQ(o.line_start, 16);
    ASSERT_EQ(outcome_change(&o, 0, 3, "", 0, &chars), OUTCOME_NONE);
    ASSERT_EQ(o.start, 17);
    ASSERT_EQ(insert(&o, 10, "value + 1", &chars), OUTCOME_NONE);   /* where it was: now before its line */
    ASSERT_EQ(insert(&o, 26, "value + 1", &chars), OUTCOME_ACCEPTED);
}

TEST(outcome_crlf_enter_is_typing)
{
    long chars = 0;
    struct inline_outcome o = offered("f():\r\n    y = 1");
    ASSERT_EQ(insert(&o, 10, "f():", &chars), OUTCOME_PARTIAL);
    ASSERT_EQ(chars, 4);
    /* Enter and the indentation the editor adds: a keystroke, not an accept */
    ASSERT_EQ(insert(&o, 14, "\r\n    ", &chars), OUTCOME_NONE);
    ASSERT_EQ(insert(&o, 20, "y = 1", &chars), OUTCOME_ACCEPTED);
    ASSERT_EQ(chars, 15);   /* \r and \n are two characters */
    o = offered("a\r\nb");
    ASSERT_EQ(insert(&o, 10, "a\r\nb", &chars), OUTCOME_ACCEPTED);
    ASSERT_EQ(chars, 4);
    o = offered("a\r\nb");
    ASSERT_EQ(insert(&o, 10, "a", &chars), OUTCOME_NONE);
    ASSERT_EQ(insert(&o, 11, "\n", &chars), OUTCOME_REJECTED);   /* a bare LF is not the CRLF offered */
}

TEST(outcome_non_ascii_counts_characters)
{
    long chars = 0;
    struct inline_outcome o = offered("\xc3\xa9t\xc3\xa9 = \xe2\x82\xac");   /* "été = €": 7 chars, 11 bytes */
    ASSERT_EQ(insert(&o, 10, "\xc3\xa9", &chars), OUTCOME_NONE);   /* one character of two bytes: typing */
    ASSERT_EQ(insert(&o, 12, "t\xc3\xa9", &chars), OUTCOME_PARTIAL);
    ASSERT_EQ(chars, 3);
    ASSERT_EQ(insert(&o, 15, " = \xe2\x82\xac", &chars), OUTCOME_ACCEPTED);
    ASSERT_EQ(chars, 7);
    /* the first byte of a character already there is not a character done */
    outcome_init(&o, "\xc3\xa9t", 3, 10, 6, "\xc3", 1);
    ASSERT_EQ(o.done, 0);
    o = offered("\xc3\xa9t");
    ASSERT_EQ(insert(&o, 10, "\xc3\xa8", &chars), OUTCOME_REJECTED);   /* è over é */
}

TEST(outcome_completion_word_already_there)
{
    long chars = 0;
    struct inline_outcome o;
    outcome_init(&o, "value + 1", 9, 10, 6, "val", 3);   /* a completion item replacing "val" */
    ASSERT_EQ(o.done, 3);
    ASSERT_EQ(insert(&o, 13, "ue + 1", &chars), OUTCOME_ACCEPTED);
    outcome_init(&o, "value + 1", 9, 10, 6, "val", 3);
    ASSERT_EQ(outcome_change(&o, 10, 13, "value + 1", 9, &chars), OUTCOME_ACCEPTED);   /* the word replaced */
    ASSERT_EQ(chars, 9);
    outcome_init(&o, "value + 1", 9, 10, 6, "val", 3);
    ASSERT_EQ(outcome_change(&o, 10, 13, "", 0, &chars), OUTCOME_NONE);   /* deleted first, */
    ASSERT_EQ(insert(&o, 10, "value + 1", &chars), OUTCOME_ACCEPTED);     /* then inserted */
}
