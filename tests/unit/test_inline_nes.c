/* inline/inline_nes: a next edit as text typed from the cursor, or not at all. */
#include "tests/unit/test.h"
#include "inline/inline_nes.h"
#include <stdlib.h>

static char *at_cursor(const char *text, size_t cursor, size_t start, size_t end, const char *with,
                       size_t *out_end)
{
    struct document *doc = document_new("file:///t.py", "python", 1, text, strlen(text));
    char *insert = inline_nes_from_cursor(doc, cursor, start, end, with, out_end);
    document_free(doc);
    return insert;
}

TEST(inline_nes_edit_after_cursor_keeps_the_text_between)
{
    size_t end = 0;
    /* "    return width * h\n": cursor after "return ", the edit h -> height */
    char *s = at_cursor("    return width * h\n", 11, 19, 20, "height", &end);
    ASSERT_STREQ(s, "width * height");
    ASSERT_EQ(end, 20);
    free(s);
    /* at the cursor itself: a plain insertion */
    s = at_cursor("f()\n", 2, 2, 2, "x", &end);
    ASSERT_STREQ(s, "x");
    ASSERT_EQ(end, 2);
    free(s);
}

TEST(inline_nes_whole_line_edit_is_trimmed_to_what_changes)
{
    size_t end = 0;
    /* the whole line is rewritten, but only ", b" is new: served from the cursor at 3 */
    char *s = at_cursor("foo(a)\nbar\n", 3, 0, 7, "foo(a, b)\n", &end);
    ASSERT_STREQ(s, "(a, b");
    ASSERT_EQ(end, 5);
    free(s);
    /* the change itself is before the cursor: not an inline item */
    ASSERT(!at_cursor("foo(a)\nbar\n", 6, 0, 7, "foo(a, b)\n", &end));
}

TEST(inline_nes_other_lines_and_no_ops_are_not_items)
{
    size_t end = 0;
    ASSERT(!at_cursor("x = 1\ny = 2\n", 0, 10, 11, "3", &end));     /* the next line */
    ASSERT(!at_cursor("a\nb\n", 0, 0, 4, "a b\n", &end));           /* joins two lines */
    ASSERT(!at_cursor("x = 1\n", 0, 4, 5, "1", &end));              /* changes nothing */
    ASSERT(!at_cursor("x = 1\n", 0, 4, 99, "1", &end));             /* past the end */
}

TEST(inline_nes_trims_on_character_boundaries)
{
    size_t end = 0;
    /* é (c3 a9) -> è (c3 a8) share their first byte: the edit stays whole characters */
    char *s = at_cursor("s = '\xc3\xa9'\n", 4, 5, 7, "\xc3\xa8", &end);
    ASSERT_STREQ(s, "'\xc3\xa8");
    ASSERT_EQ(end, 7);
    free(s);
    /* ...and at their end: "aé" -> "bé" changes only "a" */
    s = at_cursor("aé\n", 0, 0, 3, "bé", &end);
    ASSERT_STREQ(s, "b");
    ASSERT_EQ(end, 1);
    free(s);
}
