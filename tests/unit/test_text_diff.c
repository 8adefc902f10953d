/* Tests for lsp/text_diff: smallest edit, never splitting characters or CRLF. */
#include "tests/unit/test.h"
#include "lsp/text_diff.h"

/* Applies the edit to old and checks the result is new. */
static void check_roundtrip(const char *old_text, const char *new_text, struct text_edit *e)
{
    size_t ol = strlen(old_text), nl = strlen(new_text);
    if (!text_diff(old_text, ol, new_text, nl, e)) { ASSERT_STREQ(old_text, new_text); return; }
    char out[512];
    size_t k = 0;
    memcpy(out, old_text, e->start); k += e->start;
    memcpy(out + k, new_text + e->new_start, e->new_end - e->new_start);
    k += e->new_end - e->new_start;
    memcpy(out + k, old_text + e->end, ol - e->end); k += ol - e->end;
    out[k] = '\0';
    ASSERT_STREQ(out, new_text);
}

TEST(text_diff_equal_texts_need_no_edit)
{
    struct text_edit e;
    ASSERT(!text_diff("abc", 3, "abc", 3, &e));
    ASSERT(!text_diff("", 0, "", 0, &e));
}

TEST(text_diff_trims_prefix_and_suffix)
{
    struct text_edit e;
    check_roundtrip("int x = 1;\nint y = 2;\n", "int x = 1;\nint y = 3;\n", &e);
    ASSERT_EQ(e.start, 19); ASSERT_EQ(e.end, 20);
    ASSERT_EQ(e.new_start, 19); ASSERT_EQ(e.new_end, 20);
}

TEST(text_diff_insertion_and_deletion)
{
    struct text_edit e;
    check_roundtrip("ab", "aXb", &e);
    ASSERT_EQ(e.start, 1); ASSERT_EQ(e.end, 1); ASSERT_EQ(e.new_end - e.new_start, 1);
    check_roundtrip("aXXb", "ab", &e);
    ASSERT_EQ(e.start, 1); ASSERT_EQ(e.end, 3); ASSERT_EQ(e.new_end, e.new_start);
    /* Repeated characters: prefix and suffix must not overlap. */
    check_roundtrip("aaa", "aaaa", &e);
    ASSERT_EQ(e.end - e.start, 0);
    check_roundtrip("aaaa", "aa", &e);
    ASSERT_EQ(e.end - e.start, 2);
}

TEST(text_diff_never_splits_utf8)
{
    struct text_edit e;
    /* é (C3 A9) vs è (C3 A8): same lead byte. */
    check_roundtrip("x\xc3\xa9y", "x\xc3\xa8y", &e);
    ASSERT_EQ(e.start, 1); ASSERT_EQ(e.end, 3);
    /* Different lead, same continuation byte: Ä (C3 84) vs Ą (C4 84). */
    check_roundtrip("\xc3\x84", "\xc4\x84", &e);
    ASSERT_EQ(e.start, 0); ASSERT_EQ(e.end, 2);
    /* 4-byte emoji differing in the last byte. */
    check_roundtrip("a\xf0\x9f\x90\xa2", "a\xf0\x9f\x90\xa3", &e);
    ASSERT_EQ(e.start, 1); ASSERT_EQ(e.end, 5);
}

TEST(text_diff_never_splits_crlf)
{
    struct text_edit e;
    check_roundtrip("a\r\nb", "a\nb", &e);
    ASSERT_EQ(e.start, 1); ASSERT_EQ(e.end, 3);
    check_roundtrip("a\nb", "a\r\nb", &e);
    ASSERT_EQ(e.start, 1); ASSERT_EQ(e.end, 2);
    check_roundtrip("x\r\n", "x\r\ny\r\n", &e);
    ASSERT_EQ(e.start, 3); ASSERT_EQ(e.end, 3);
}

static int is_cut_ok(const char *s, size_t n, size_t pos)
{
    if (pos == 0 || pos >= n) return 1;
    if (((unsigned char)s[pos] & 0xC0) == 0x80) return 0;
    return !(s[pos - 1] == '\r' && s[pos] == '\n');
}

TEST(text_diff_random_property)
{
    test_srand(77);
    static const char *const pieces[] = { "a", "b", "\r\n", "\n", "\xc3\xa9", "\xc3\xa8",
                                          "\xf0\x9f\x90\xa2", "\r", " " };
    for (int round = 0; round < 3000; round++) {
        char a[128] = "", b[128] = "";
        for (int i = 0, n = test_rand() % 12; i < n; i++) strcat(a, pieces[test_rand() % 9]);
        for (int i = 0, n = test_rand() % 12; i < n; i++) strcat(b, pieces[test_rand() % 9]);
        struct text_edit e;
        check_roundtrip(a, b, &e);
        if (strcmp(a, b) == 0) continue;
        ASSERT(is_cut_ok(a, strlen(a), e.start));
        ASSERT(is_cut_ok(a, strlen(a), e.end));
        ASSERT(is_cut_ok(b, strlen(b), e.new_start));
        ASSERT(is_cut_ok(b, strlen(b), e.new_end));
    }
}
