/* Common prefix / suffix trim with boundary repair. A byte-level trim can stop inside
 * a multi-byte character (the texts share its lead byte but not the rest) or between
 * \r and \n; both would give a position the editor cannot represent, so the cut moves
 * outwards to the previous boundary. */
#include "lsp/text_diff.h"
#include <string.h>

static bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

/* True when a cut at offset pos in s (of length n) would split a character or CRLF. */
static bool inside_char(const char *s, size_t n, size_t pos)
{
    if (pos == 0 || pos >= n) return false;
    if (continuation((unsigned char)s[pos])) return true;
    return s[pos - 1] == '\r' && s[pos] == '\n';
}

/* Common prefix length of a and b (at most n), memcmp'd a block at a time: a
 * reviewed multi-megabyte document is compared on every keystroke. */
static size_t common_prefix(const char *a, const char *b, size_t n)
{
    enum { BLOCK = 4096 };
    size_t i = 0;
    while (n - i >= BLOCK && memcmp(a + i, b + i, BLOCK) == 0) i += BLOCK;
    while (i < n && a[i] == b[i]) i++;
    return i;
}

/* Common suffix length of a[0, an) and b[0, bn), at most n. */
static size_t common_suffix(const char *a, size_t an, const char *b, size_t bn, size_t n)
{
    enum { BLOCK = 4096 };
    size_t i = 0;
    while (n - i >= BLOCK && memcmp(a + an - i - BLOCK, b + bn - i - BLOCK, BLOCK) == 0) i += BLOCK;
    while (i < n && a[an - 1 - i] == b[bn - 1 - i]) i++;
    return i;
}

bool text_diff(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
               struct text_edit *edit)
{
    size_t limit = old_len < new_len ? old_len : new_len;
    size_t prefix = common_prefix(old_text, new_text, limit);
    if (prefix == old_len && prefix == new_len) return false;
    while (prefix > 0 && (inside_char(old_text, old_len, prefix) ||
                          inside_char(new_text, new_len, prefix)))
        prefix--;

    size_t suffix = common_suffix(old_text, old_len, new_text, new_len, limit - prefix);
    while (suffix > 0 && (inside_char(old_text, old_len, old_len - suffix) ||
                          inside_char(new_text, new_len, new_len - suffix)))
        suffix--;

    edit->start = prefix;
    edit->end = old_len - suffix;
    edit->new_start = prefix;
    edit->new_end = new_len - suffix;
    return true;
}
