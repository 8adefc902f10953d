/* Next-edit diff: whole-word and whole-line edits that each stand alone. */
#include "tests/unit/test.h"
#include "nes/edit_diff.h"
#include "base/xalloc.h"

/* Applies one edit to old; caller frees. */
static char *apply_one(const char *old, const struct nes_edit *e)
{
    return xasprintf("%.*s%s%s", (int)e->start, old, e->text, old + e->end);
}

/* Applies all edits (in order, non-overlapping) to old. */
static char *apply_all(const char *old, const struct nes_edits *edits)
{
    char *out = xstrdup("");
    size_t at = 0;
    for (size_t i = 0; i < edits->count; i++) {
        ASSERT(edits->items[i].start >= at);
        char *next = xasprintf("%s%.*s%s", out, (int)(edits->items[i].start - at), old + at,
                               edits->items[i].text);
        free(out);
        out = next;
        at = edits->items[i].end;
    }
    char *next = xasprintf("%s%s", out, old + at);
    free(out);
    return next;
}

static void check_roundtrip(const char *old, const char *nw, struct nes_edits *edits)
{
    nes_diff(old, strlen(old), nw, strlen(nw), edits);
    char *got = apply_all(old, edits);
    ASSERT_STREQ(got, nw);
    free(got);
}

TEST(nes_diff_equal_texts_give_no_edits)
{
    struct nes_edits e;
    nes_diff("a\nb\n", 4, "a\nb\n", 4, &e);
    ASSERT_EQ(e.count, 0);
    nes_edits_free(&e);
}

TEST(nes_diff_rename_is_one_whole_word_edit_per_use)
{
    const char *old = "def area(width, h):\n    a = width * h\n    print(h)\n    return h + a\n";
    const char *nw = "def area(width, height):\n    a = width * height\n    print(height)\n    return height + a\n";
    /* as the model sees it after the rename on line 1 */
    const char *cur = "def area(width, height):\n    a = width * h\n    print(h)\n    return h + a\n";
    struct nes_edits e;
    check_roundtrip(cur, nw, &e);
    ASSERT_EQ(e.count, 3);
    for (size_t i = 0; i < 3; i++) {
        ASSERT_STREQ(e.items[i].text, "height");
        ASSERT_EQ(e.items[i].end - e.items[i].start, 1);
        ASSERT_EQ(cur[e.items[i].start], 'h');
    }
    /* each edit alone gives a sensible text: only that use renamed */
    char *one = apply_one(cur, &e.items[1]);
    ASSERT_STREQ(one, "def area(width, height):\n    a = width * h\n    print(height)\n    return h + a\n");
    free(one);
    nes_edits_free(&e);
    check_roundtrip(old, nw, &e);
    ASSERT_EQ(e.count, 4);
    nes_edits_free(&e);
}

TEST(nes_diff_never_splits_a_word)
{
    struct nes_edits e;
    check_roundtrip("x = counter + 1\n", "x = count + 1\n", &e);
    ASSERT_EQ(e.count, 1);
    ASSERT_STREQ(e.items[0].text, "count");
    ASSERT_EQ(e.items[0].end - e.items[0].start, strlen("counter"));
    nes_edits_free(&e);
}

TEST(nes_diff_inserted_and_deleted_lines_are_whole_lines)
{
    struct nes_edits e;
    check_roundtrip("a\nb\nc\n", "a\nb\nnew line\nc\n", &e);
    ASSERT_EQ(e.count, 1);
    ASSERT_EQ(e.items[0].start, 4);
    ASSERT_EQ(e.items[0].end, 4);
    ASSERT_STREQ(e.items[0].text, "new line\n");
    nes_edits_free(&e);
    check_roundtrip("a\nb\nc\n", "a\nc\n", &e);
    ASSERT_EQ(e.count, 1);
    ASSERT_EQ(e.items[0].start, 2);
    ASSERT_EQ(e.items[0].end, 4);
    ASSERT_STREQ(e.items[0].text, "");
    nes_edits_free(&e);
}

TEST(nes_diff_many_changes_in_a_line_become_the_whole_line)
{
    struct nes_edits e;
    check_roundtrip("f(a, b, c, d, e)\n", "g(v, w, x, y, z)\n", &e);
    ASSERT_EQ(e.count, 1);
    ASSERT_EQ(e.items[0].start, 0);
    ASSERT_EQ(e.items[0].end, strlen("f(a, b, c, d, e)"));   /* line ending kept */
    nes_edits_free(&e);
}

TEST(nes_diff_crlf_and_non_ascii)
{
    struct nes_edits e;
    check_roundtrip("é = 1\r\nx = é\r\n", "ü = 1\r\nx = ü\r\n", &e);
    ASSERT_EQ(e.count, 2);
    ASSERT_STREQ(e.items[0].text, "ü");
    ASSERT_EQ(e.items[0].end - e.items[0].start, 2);   /* whole UTF-8 sequence */
    nes_edits_free(&e);
    check_roundtrip("a\r\n", "a\n", &e);   /* a changed ending is a whole-line edit */
    ASSERT_EQ(e.count, 1);
    nes_edits_free(&e);
}

TEST(nes_diff_random_texts_round_trip)
{
    test_srand(7);
    static const char *const words[] = { "a", "bb", " ", "(", "\n", "é", "x_1", "\r\n", "+" };
    for (int round = 0; round < 300; round++) {
        char a[200] = "", b[200] = "";
        for (int i = 0; i < 12; i++) strcat(a, words[test_rand() % 9]);
        for (int i = 0; i < 12; i++) strcat(b, words[test_rand() % 9]);
        struct nes_edits e;
        check_roundtrip(a, b, &e);
        nes_edits_free(&e);
    }
}

TEST(nes_diff_no_edit_starts_on_the_last_empty_line)
{
    struct nes_edits e;
    const char *old = "a\nb\n";
    check_roundtrip(old, "a\nb\nc\n", &e);
    ASSERT_EQ(e.items[0].start, 4);
    nes_edits_avoid_last_line(&e, old, strlen(old));
    ASSERT_EQ(e.items[0].start, 3);
    ASSERT_EQ(e.items[0].end, 3);
    ASSERT_STREQ(e.items[0].text, "\nc");
    char *got = apply_one(old, &e.items[0]);
    ASSERT_STREQ(got, "a\nb\nc\n");
    free(got);
    nes_edits_free(&e);
    const char *crlf = "a\r\n";
    check_roundtrip(crlf, "a\r\nb\r\n", &e);
    nes_edits_avoid_last_line(&e, crlf, strlen(crlf));
    ASSERT_EQ(e.items[0].start, 1);
    got = apply_one(crlf, &e.items[0]);
    ASSERT_STREQ(got, "a\r\nb\r\n");
    free(got);
    nes_edits_free(&e);
}

/* The texts are (pointer, length): an edit's text is exactly the new bytes even when
 * they hold a NUL (a document may; the fuzzer's first finding read past a copy that
 * stopped at it). */
TEST(nes_diff_edit_text_keeps_embedded_nul)
{
    const char old[] = "a\nb\n", nw[] = "a\nx\0y\n";
    struct nes_edits e;
    nes_diff(old, sizeof old - 1, nw, sizeof nw - 1, &e);
    ASSERT_EQ(e.count, 1);
    ASSERT_EQ(e.items[0].start, 2);
    ASSERT_EQ(e.items[0].text_len, 3);
    ASSERT(memcmp(e.items[0].text, "x\0y", 4) == 0);   /* and terminated */
    nes_edits_free(&e);
}
