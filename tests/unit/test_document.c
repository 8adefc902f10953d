/* Tests for lsp/document*.c: encodings (UTF-8/16/32 with emoji and combining marks),
 * line endings, clamping, prefix/suffix, and random edit sequences checked against a
 * flat-string reference model. */
#include "tests/unit/test.h"
#include "lsp/document_internal.h"
#include "base/buf.h"
#include "base/xalloc.h"

static struct lsp_position P(uint32_t line, uint32_t ch) { return (struct lsp_position){ line, ch }; }

static size_t offset_at(struct document *d, uint32_t line, uint32_t ch, enum position_encoding e)
{
    return document_offset_at(d, P(line, ch), e);
}

TEST(document_utf16_surrogate_pairs)
{
    /* a, U+1F600 (4 bytes, 2 UTF-16 units), b */
    const char *t = "a\xF0\x9F\x98\x80" "b\n";
    struct document *d = document_new("file:///x", "txt", 1, t, strlen(t));
    ASSERT_EQ(offset_at(d, 0, 1, ENCODING_UTF16), 1);
    ASSERT_EQ(offset_at(d, 0, 2, ENCODING_UTF16), 1);   /* inside the pair: rounds down */
    ASSERT_EQ(offset_at(d, 0, 3, ENCODING_UTF16), 5);
    ASSERT_EQ(offset_at(d, 0, 4, ENCODING_UTF16), 6);
    ASSERT_EQ(offset_at(d, 0, 2, ENCODING_UTF32), 5);
    ASSERT_EQ(offset_at(d, 0, 3, ENCODING_UTF32), 6);
    ASSERT_EQ(offset_at(d, 0, 5, ENCODING_UTF8), 5);
    ASSERT_EQ(offset_at(d, 0, 3, ENCODING_UTF8), 1);    /* inside the sequence */
    ASSERT_EQ(document_position_at(d, 5, ENCODING_UTF16).character, 3);
    ASSERT_EQ(document_position_at(d, 5, ENCODING_UTF32).character, 2);
    ASSERT_EQ(document_position_at(d, 5, ENCODING_UTF8).character, 5);
    ASSERT_EQ(document_position_at(d, 3, ENCODING_UTF16).character, 1);   /* mid-char */
    document_free(d);
}

TEST(document_combining_marks_and_bmp)
{
    /* e + U+0301 (combining acute, 2 bytes), U+4E2D (3 bytes), x */
    const char *t = "e\xCC\x81\xE4\xB8\xADx";
    struct document *d = document_new("u", "txt", 1, t, strlen(t));
    ASSERT_EQ(offset_at(d, 0, 1, ENCODING_UTF16), 1);
    ASSERT_EQ(offset_at(d, 0, 2, ENCODING_UTF16), 3);   /* the mark is its own code unit */
    ASSERT_EQ(offset_at(d, 0, 3, ENCODING_UTF16), 6);
    ASSERT_EQ(offset_at(d, 0, 3, ENCODING_UTF32), 6);
    ASSERT_EQ(offset_at(d, 0, 6, ENCODING_UTF8), 6);
    struct lsp_range r = { P(0, 1), P(0, 2) };           /* delete the combining mark */
    ASSERT_EQ(document_apply_change(d, &r, "", 0, ENCODING_UTF16), 0);
    char *s = document_text(d, NULL);
    ASSERT_STREQ(s, "e\xE4\xB8\xADx");
    free(s);
    document_free(d);
}

TEST(document_line_endings_crlf_cr)
{
    const char *t = "a\r\nbb\rccc\nd";
    struct document *d = document_new("u", "txt", 1, t, strlen(t));
    ASSERT_EQ(document_line_count(d), 4);
    ASSERT_EQ(offset_at(d, 1, 0, ENCODING_UTF16), 3);
    ASSERT_EQ(offset_at(d, 2, 0, ENCODING_UTF16), 6);
    ASSERT_EQ(offset_at(d, 3, 0, ENCODING_UTF16), 10);
    ASSERT_EQ(offset_at(d, 0, 99, ENCODING_UTF16), 1);    /* clamped before \r\n */
    ASSERT_EQ(offset_at(d, 1, 99, ENCODING_UTF16), 5);
    ASSERT_EQ(offset_at(d, 9, 0, ENCODING_UTF16), strlen(t));   /* past the end */
    struct lsp_position p = document_position_at(d, 2, ENCODING_UTF16);   /* between \r and \n */
    ASSERT_EQ(p.line, 0);
    ASSERT_EQ(p.character, 1);
    p = document_position_at(d, 7, ENCODING_UTF16);
    ASSERT_EQ(p.line, 2);
    ASSERT_EQ(p.character, 1);
    ASSERT_STREQ(document_eol(d), "\r\n");
    size_t n;
    char *line = document_line(d, 2, &n);
    ASSERT_STREQ(line, "ccc");
    free(line);
    line = document_line(d, 3, &n);
    ASSERT_STREQ(line, "d");
    free(line);
    /* Joining "\r" and "\n" by deleting what is between makes one break. */
    struct lsp_range r = { P(1, 2), P(2, 3) };
    ASSERT_EQ(document_apply_change(d, &r, "", 0, ENCODING_UTF16), 0);
    char *s = document_text(d, NULL);
    ASSERT_STREQ(s, "a\r\nbb\nd");
    free(s);
    ASSERT_EQ(document_line_count(d), 3);
    document_free(d);
}

TEST(document_invalid_range_rejected)
{
    struct document *d = document_new("u", "txt", 1, "hello\nworld", 11);
    struct lsp_range r = { P(1, 2), P(0, 1) };
    ASSERT_EQ(document_apply_change(d, &r, "x", 1, ENCODING_UTF16), -1);
    uint64_t g = document_generation(d);
    struct lsp_range far = { P(50, 0), P(60, 9) };     /* clamped to the end: an append */
    ASSERT_EQ(document_apply_change(d, &far, "!", 1, ENCODING_UTF16), 0);
    ASSERT_EQ(document_generation(d), g + 1);
    char *s = document_text(d, NULL);
    ASSERT_STREQ(s, "hello\nworld!");
    free(s);
    ASSERT_EQ(document_apply_change(d, NULL, "new", 3, ENCODING_UTF16), 0);
    s = document_text(d, NULL);
    ASSERT_STREQ(s, "new");
    free(s);
    document_free(d);
}

TEST(document_prefix_suffix)
{
    const char *t = "line1\nline2\nline3 \xE2\x82\xAC end\nline4\n";
    struct document *d = document_new("u", "txt", 1, t, strlen(t));
    size_t cursor = offset_at(d, 2, 5, ENCODING_UTF16);
    size_t n;
    char *p = document_prefix(d, cursor, 1000, 0, &n);
    ASSERT_STREQ(p, "line1\nline2\nline3");
    free(p);
    p = document_prefix(d, cursor, 1000, 2, &n);
    ASSERT_STREQ(p, "line2\nline3");
    free(p);
    p = document_prefix(d, cursor, 8, 0, &n);
    ASSERT_STREQ(p, "e2\nline3");
    free(p);
    char *s = document_suffix(d, cursor, 1000, 0, &n);
    ASSERT_STREQ(s, " \xE2\x82\xAC end\nline4\n");
    free(s);
    s = document_suffix(d, cursor, 1000, 1, &n);
    ASSERT_STREQ(s, " \xE2\x82\xAC end");
    free(s);
    s = document_suffix(d, cursor, 3, 0, &n);   /* would cut the euro sign: stops before it */
    ASSERT_STREQ(s, " ");
    free(s);
    size_t euro = cursor + 1;
    p = document_prefix(d, euro + 2, 1, 0, &n);   /* inside the euro sign: nothing whole */
    ASSERT_EQ(n, 0);
    free(p);
    document_free(d);
}

/* ---- reference model ---- */

static int ref_seq_len(const unsigned char *s, size_t avail)
{
    return utf8_sequence_length(s, avail);
}

static size_t ref_offset_at(const char *t, size_t len, struct lsp_position pos, enum position_encoding enc)
{
    size_t i = 0;
    for (uint32_t line = 0; line < pos.line; line++) {
        while (i < len && t[i] != '\n' && t[i] != '\r') i++;
        if (i >= len) return len;
        if (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n') i++;
        i++;
    }
    uint32_t left = pos.character;
    while (left > 0 && i < len && t[i] != '\n' && t[i] != '\r') {
        int n = ref_seq_len((const unsigned char *)t + i, len - i);
        uint32_t u = enc == ENCODING_UTF8 ? (uint32_t)n : (enc == ENCODING_UTF16 && n == 4) ? 2 : 1;
        if (u > left) break;
        left -= u;
        i += (size_t)n;
    }
    return i;
}

static size_t ref_lines(const char *t, size_t len)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        if (t[i] == '\n' || (t[i] == '\r' && !(i + 1 < len && t[i + 1] == '\n'))) n++;
    return n;
}

static const char *const pieces[] = {
    "a", "bc", "\n", "\r\n", "\r", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "e\xCC\x81",
    "hello world ", "\t", "\n\n", "x\ry", "\xE4\xB8\xAD\xE6\x96\x87",
};

static void random_text(struct buf *b, size_t approx)
{
    while (b->len < approx) buf_puts(b, pieces[test_rand() % (sizeof pieces / sizeof *pieces)]);
}

static struct lsp_position random_position(size_t lines)
{
    uint32_t line = (uint32_t)(test_rand() % (lines + 2));
    uint32_t ch = (uint32_t)(test_rand() % 3 == 0 ? test_rand() % 200 : test_rand() % 12);
    return P(line, ch);
}

static void check_same(struct document *d, const struct buf *ref)
{
    size_t n;
    char *s = document_text(d, &n);
    ASSERT_EQ(n, ref->len);
    ASSERT_MEMEQ(s, ref->data ? ref->data : "", n);
    free(s);
    ASSERT_EQ(document_length(d), ref->len);
    ASSERT_EQ(document_line_count(d), ref_lines(buf_str(ref), ref->len));
    /* Chunk invariants. */
    for (size_t i = 0; i < d->count; i++) {
        ASSERT(d->chunks[i].len <= CHUNK_MAX + 1);
        ASSERT(d->count == 1 || d->chunks[i].len > 0);
        if (i + 1 < d->count)
            ASSERT(!(d->chunks[i].data[d->chunks[i].len - 1] == '\r' && d->chunks[i + 1].data[0] == '\n'));
    }
}

static void run_random_edits(unsigned seed, enum position_encoding enc, size_t initial, int edits)
{
    test_srand(seed);
    struct buf ref = {0};
    random_text(&ref, initial);
    struct document *d = document_new("file:///r", "txt", 0, buf_str(&ref), ref.len);
    check_same(d, &ref);
    for (int k = 0; k < edits; k++) {
        size_t lines = ref_lines(buf_str(&ref), ref.len);
        struct lsp_range r = { random_position(lines), random_position(lines) };
        if (r.end.line < r.start.line || (r.end.line == r.start.line && r.end.character < r.start.character)) {
            struct lsp_position t = r.start; r.start = r.end; r.end = t;
        }
        struct buf ins = {0};
        unsigned kind = test_rand() % 20;
        size_t ins_len = kind == 0 ? 9000 + test_rand() % 9000 : kind < 8 ? 0 : test_rand() % 20;
        if (kind == 1) r.end = P(r.start.line + 300, 0);   /* large delete across chunks */
        random_text(&ins, ins_len);
        size_t s = ref_offset_at(buf_str(&ref), ref.len, r.start, enc);
        size_t e = ref_offset_at(buf_str(&ref), ref.len, r.end, enc);
        ASSERT_EQ(document_offset_at(d, r.start, enc), s);
        ASSERT_EQ(document_offset_at(d, r.end, enc), e);
        ASSERT_EQ(document_apply_change(d, &r, buf_str(&ins), ins.len, enc), 0);
        struct buf next = {0};
        buf_append(&next, buf_str(&ref), s);
        buf_append(&next, buf_str(&ins), ins.len);
        buf_append(&next, buf_str(&ref) + e, ref.len - e);
        buf_free(&ref);
        ref = next;
        buf_free(&ins);
        if (k % 16 == 0 || ref.len < 64) check_same(d, &ref);
        /* Offset -> position -> offset round trip at a random character start. */
        if (ref.len > 0) {
            size_t off = test_rand() % ref.len;
            while (off > 0 && ((unsigned char)ref.data[off] & 0xC0) == 0x80) off--;
            if (off > 0 && ref.data[off] == '\n' && ref.data[off - 1] == '\r') off--;
            struct lsp_position p = document_position_at(d, off, enc);
            ASSERT_EQ(ref_offset_at(ref.data, ref.len, p, enc), off);
        }
    }
    check_same(d, &ref);
    buf_free(&ref);
    document_free(d);
}

TEST(document_random_edits_utf16)
{
    run_random_edits(1234, ENCODING_UTF16, 40000, 3000);
}

TEST(document_random_edits_utf8)
{
    run_random_edits(99, ENCODING_UTF8, 30000, 3000);
}

TEST(document_random_edits_utf32_small)
{
    run_random_edits(7, ENCODING_UTF32, 50, 3000);
}

/* Prefix/suffix against the reference on random text and cursors. */
TEST(document_random_prefix_suffix)
{
    test_srand(555);
    struct buf ref = {0};
    random_text(&ref, 60000);
    struct document *d = document_new("u", "txt", 0, ref.data, ref.len);
    for (int k = 0; k < 500; k++) {
        size_t off = test_rand() % ref.len;
        while (off > 0 && ((unsigned char)ref.data[off] & 0xC0) == 0x80) off--;
        size_t max = 1 + test_rand() % 9000, n;
        char *p = document_prefix(d, off, max, 0, &n);
        size_t start = off > max ? off - max : 0;
        while (start < off && ((unsigned char)ref.data[start] & 0xC0) == 0x80) start++;
        ASSERT_EQ(n, off - start);
        ASSERT_MEMEQ(p, ref.data + start, n);
        free(p);
        char *s = document_suffix(d, off, max, 0, &n);
        size_t end = off + max < ref.len ? off + max : ref.len;
        while (end > off && end < ref.len && ((unsigned char)ref.data[end] & 0xC0) == 0x80) end--;
        ASSERT_EQ(n, end - off);
        ASSERT_MEMEQ(s, ref.data + off, n);
        free(s);
    }
    buf_free(&ref);
    document_free(d);
}

TEST(document_store_by_uri)
{
    struct document_store *st = document_store_new();
    document_store_put(st, document_new("file:///a", "c", 1, "a", 1));
    document_store_put(st, document_new("file:///b", "c", 1, "b", 1));
    document_store_put(st, document_new("file:///a", "c", 2, "A", 1));   /* replaces */
    ASSERT_EQ(document_store_count(st), 2);
    ASSERT_EQ(document_version(document_store_get(st, "file:///a")), 2);
    document_store_remove(st, "file:///a");
    ASSERT(document_store_get(st, "file:///a") == NULL);
    ASSERT_STREQ(document_uri(document_store_at(st, 0)), "file:///b");
    ASSERT(document_store_at(st, 1) == NULL);
    document_store_remove(st, "file:///missing");
    document_store_free(st);
}

static bool ref_is_break(const char *t, size_t len, size_t i)
{
    return t[i] == '\n' || (t[i] == '\r' && !(i + 1 < len && t[i + 1] == '\n'));
}

/* Prefix/suffix limited by lines as well as bytes, against a flat-string model. */
TEST(document_random_prefix_suffix_lines)
{
    test_srand(8080);
    struct buf ref = {0};
    random_text(&ref, 30000);
    struct document *d = document_new("u", "txt", 0, ref.data, ref.len);
    const char *t = ref.data;
    for (int k = 0; k < 1000; k++) {
        size_t off = test_rand() % (ref.len + 1);
        while (off > 0 && off < ref.len && ((unsigned char)t[off] & 0xC0) == 0x80) off--;
        size_t max = 1 + test_rand() % 3000, lines = 1 + test_rand() % 6, n;
        size_t start = off > max ? off - max : 0;
        while (start < off && ((unsigned char)t[start] & 0xC0) == 0x80) start++;
        size_t seen = 0;
        for (size_t i = off; i-- > start;)
            if (ref_is_break(t, ref.len, i) && ++seen == lines) { start = i + 1; break; }
        char *p = document_prefix(d, off, max, lines, &n);
        ASSERT_EQ(n, off - start);
        ASSERT_MEMEQ(p, t + start, n);
        free(p);
        size_t end = off + max < ref.len ? off + max : ref.len;
        while (end > off && end < ref.len && ((unsigned char)t[end] & 0xC0) == 0x80) end--;
        seen = 0;
        for (size_t i = off; i < end; i++) {
            bool second = t[i] == '\n' && i > off && t[i - 1] == '\r';
            if ((t[i] == '\n' || t[i] == '\r') && !second && ++seen == lines) { end = i; break; }
        }
        char *s = document_suffix(d, off, max, lines, &n);
        ASSERT_EQ(n, end - off);
        ASSERT_MEMEQ(s, t + off, n);
        free(s);
    }
    buf_free(&ref);
    document_free(d);
}
