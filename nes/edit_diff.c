/* Whole-word / whole-line diff (see edit_diff.h). Both levels use the same
 * longest-common-subsequence table over "pieces" (lines, or tokens of a line). The
 * table is quadratic, so inputs beyond MAX_PIECES fall back to one edit over the whole
 * changed span: the region is tens of lines and a line tens of tokens, far below it. */
#include "nes/edit_diff.h"
#include "base/xalloc.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PIECES 400
#define MAX_WORD_EDITS_PER_LINE 4

struct piece { size_t start, len; };

struct pieces { struct piece *at; size_t count; };

static void pieces_add(struct pieces *p, size_t start, size_t len, size_t *cap)
{
    if (p->count == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        p->at = xrealloc(p->at, *cap * sizeof *p->at);
    }
    p->at[p->count++] = (struct piece){ start, len };
}

/* Lines with their endings. */
static void split_lines(const char *s, size_t len, struct pieces *out)
{
    size_t cap = 0, start = 0;
    out->at = NULL; out->count = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n') { pieces_add(out, start, i + 1 - start, &cap); start = i + 1; }
    if (start < len) pieces_add(out, start, len - start, &cap);
}

enum token_class { TOKEN_WORD, TOKEN_SPACE, TOKEN_OTHER };

static enum token_class class_of(unsigned char c)
{
    if (c == '_' || c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        return TOKEN_WORD;   /* bytes of multi-byte UTF-8 count as word characters */
    if (c == ' ' || c == '\t') return TOKEN_SPACE;
    return TOKEN_OTHER;
}

static void split_tokens(const char *s, size_t from, size_t to, struct pieces *out)
{
    size_t cap = 0;
    out->at = NULL; out->count = 0;
    for (size_t i = from; i < to;) {
        enum token_class k = class_of((unsigned char)s[i]);
        size_t j = i + 1;
        if (k != TOKEN_OTHER)
            while (j < to && class_of((unsigned char)s[j]) == k) j++;
        pieces_add(out, i, j - i, &cap);
        i = j;
    }
}

static bool same(const char *a, const struct piece *pa, const char *b, const struct piece *pb)
{
    return pa->len == pb->len && memcmp(a + pa->start, b + pb->start, pa->len) == 0;
}

/* match[i] = index in b matched to a's piece i, or -1; by an LCS table. Returns false
 * when the inputs are too large for the table. */
static bool lcs_match(const char *a, const struct pieces *pa, const char *b, const struct pieces *pb,
                      long *match)
{
    size_t n = pa->count, m = pb->count;
    if (n > MAX_PIECES || m > MAX_PIECES) return false;
    unsigned short *t = xcalloc((n + 1) * (m + 1), sizeof *t);
#define T(i, j) t[(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            T(i, j) = same(a, &pa->at[i], b, &pb->at[j]) ? (unsigned short)(T(i + 1, j + 1) + 1)
                    : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
    size_t i = 0, j = 0;
    for (size_t k = 0; k < n; k++) match[k] = -1;
    while (i < n && j < m) {
        if (same(a, &pa->at[i], b, &pb->at[j])) { match[i] = (long)j; i++; j++; }
        else if (T(i + 1, j) >= T(i, j + 1)) i++;
        else j++;
    }
#undef T
    free(t);
    return true;
}

static void add_edit(struct nes_edits *out, size_t start, size_t end, const char *text, size_t len)
{
    out->items = xrealloc(out->items, (out->count + 1) * sizeof *out->items);
    out->items[out->count++] = (struct nes_edit){ start, end, xmemdup0(text, len), len };
}

/* The span of pieces [i0,i1) of a as bytes (start when empty: where piece i0 begins). */
static size_t span_start(const struct pieces *p, size_t i, size_t text_len)
{
    return i < p->count ? p->at[i].start : text_len;
}

struct hunk { size_t a0, a1, b0, b1; };

/* Walks the matches into hunks of unmatched pieces; returns how many (at most n+1). */
static size_t hunks_of(const long *match, size_t n, size_t m, struct hunk *out)
{
    size_t count = 0, i = 0, j = 0;
    while (i < n || j < m) {
        size_t i0 = i, j0 = j;
        while (i < n && match[i] < 0) i++;
        size_t jnext = i < n ? (size_t)match[i] : m;
        j = jnext;
        if (i > i0 || j > j0) out[count++] = (struct hunk){ i0, i, j0, j };
        if (i < n) { i++; j++; }
    }
    return count;
}

/* Word edits inside one changed line (without its ending); false when the line should
 * rather be one whole-line edit. */
static bool word_edits(const char *a, size_t a0, size_t a1, const char *b, size_t b0, size_t b1,
                       struct nes_edits *out)
{
    struct pieces pa, pb;
    split_tokens(a, a0, a1, &pa);
    split_tokens(b, b0, b1, &pb);
    long *match = xcalloc(pa.count + 1, sizeof *match);
    struct hunk *h = xcalloc(pa.count + pb.count + 1, sizeof *h);
    bool ok = lcs_match(a, &pa, b, &pb, match);
    size_t count = ok ? hunks_of(match, pa.count, pb.count, h) : 0;
    if (!ok || count > MAX_WORD_EDITS_PER_LINE) ok = false;
    for (size_t k = 0; ok && k < count; k++) {
        size_t s = span_start(&pa, h[k].a0, a1), e = span_start(&pa, h[k].a1, a1);
        size_t ns = span_start(&pb, h[k].b0, b1), ne = span_start(&pb, h[k].b1, b1);
        add_edit(out, s, e, b + ns, ne - ns);
    }
    free(match); free(h); free(pa.at); free(pb.at);
    return ok;
}

static size_t content_end(const char *s, const struct piece *line)
{
    size_t end = line->start + line->len;
    if (end > line->start && s[end - 1] == '\n') end--;
    if (end > line->start && s[end - 1] == '\r') end--;
    return end;
}

/* Equal line counts: pair lines, words inside each (or the line's content whole). */
static void paired_lines(const char *a, const struct pieces *la, const char *b, const struct pieces *lb,
                         const struct hunk *h, struct nes_edits *out)
{
    for (size_t k = 0; k < h->a1 - h->a0; k++) {
        const struct piece *pa = &la->at[h->a0 + k], *pb = &lb->at[h->b0 + k];
        size_t ae = content_end(a, pa), be = content_end(b, pb);
        bool same_ending = pa->start + pa->len - ae == pb->start + pb->len - be &&
                           memcmp(a + ae, b + be, pa->start + pa->len - ae) == 0;
        if (!same_ending) {
            add_edit(out, pa->start, pa->start + pa->len, b + pb->start, pb->len);
            continue;
        }
        size_t before = out->count;
        if (!word_edits(a, pa->start, ae, b, pb->start, be, out)) {
            for (size_t i = before; i < out->count; i++) free(out->items[i].text);
            out->count = before;
            add_edit(out, pa->start, ae, b + pb->start, be - pb->start);
        }
    }
}

static void one_edit(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
                     struct nes_edits *out)
{
    add_edit(out, 0, old_len, new_text, new_len);
    (void)old_text;
}

void nes_diff(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
              struct nes_edits *out)
{
    out->items = NULL;
    out->count = 0;
    if (old_len == new_len && memcmp(old_text, new_text, old_len) == 0) return;
    struct pieces la, lb;
    split_lines(old_text, old_len, &la);
    split_lines(new_text, new_len, &lb);
    long *match = xcalloc(la.count + 1, sizeof *match);
    if (!lcs_match(old_text, &la, new_text, &lb, match)) {
        one_edit(old_text, old_len, new_text, new_len, out);
    } else {
        struct hunk *h = xcalloc(la.count + lb.count + 1, sizeof *h);
        size_t count = hunks_of(match, la.count, lb.count, h);
        for (size_t k = 0; k < count; k++) {
            if (h[k].a1 - h[k].a0 == h[k].b1 - h[k].b0) {
                paired_lines(old_text, &la, new_text, &lb, &h[k], out);
                continue;
            }
            size_t s = span_start(&la, h[k].a0, old_len), e = span_start(&la, h[k].a1, old_len);
            size_t ns = span_start(&lb, h[k].b0, new_len), ne = span_start(&lb, h[k].b1, new_len);
            add_edit(out, s, e, new_text + ns, ne - ns);
        }
        free(h);
    }
    free(match); free(la.at); free(lb.at);
}

void nes_edits_free(struct nes_edits *edits)
{
    for (size_t i = 0; i < edits->count; i++) free(edits->items[i].text);
    free(edits->items);
    edits->items = NULL;
    edits->count = 0;
}

void nes_edits_avoid_last_line(struct nes_edits *edits, const char *old_text, size_t old_len)
{
    if (!old_len || old_text[old_len - 1] != '\n') return;
    size_t eol = old_len >= 2 && old_text[old_len - 2] == '\r' ? 2 : 1;
    for (size_t i = 0; i < edits->count; i++) {
        struct nes_edit *e = &edits->items[i];
        if (e->start != old_len || e->end != old_len || e->text_len < eol ||
            memcmp(e->text + e->text_len - eol, old_text + old_len - eol, eol) != 0)
            continue;
        char *text = xmalloc(e->text_len + 1);
        memcpy(text, old_text + old_len - eol, eol);
        memcpy(text + eol, e->text, e->text_len - eol);
        text[e->text_len] = '\0';
        free(e->text);
        e->text = text;
        e->start = e->end = old_len - eol;
    }
}
