/* Fuzz target: incremental edits and position conversion in all three encodings,
 * checked against a flat-string reference model. Input bytes are read as a program:
 * each op picks an encoding, a range (from valid boundaries or out of range, which
 * must clamp) and replacement text from a small alphabet with CR, LF, CRLF, 2/3/4-byte
 * characters and a combining mark. */
#include "lsp/document.h"
#include "base/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct reader { const uint8_t *p; size_t n; };
static unsigned next(struct reader *r) { if (!r->n) return 0; r->n--; return *r->p++; }

static const char *const alphabet[] = { "a", "b", " ", "\n", "\r", "\r\n", "\xc3\xa9", "\xe2\x82\xac",
                                        "\xf0\x9f\x98\x80", "\xcc\x81", "{", "\t" };

static size_t utf8_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4; }
static uint32_t units(size_t bytes, enum position_encoding enc)
{
    if (enc == ENCODING_UTF8) return (uint32_t)bytes;
    if (enc == ENCODING_UTF32) return 1;
    return bytes == 4 ? 2 : 1;
}

/* Reference: offsets of line starts. */
static size_t line_start(const char *t, size_t len, uint32_t line, size_t *line_end, int *exists)
{
    size_t pos = 0;
    for (uint32_t l = 0; l < line; l++) {
        while (pos < len && t[pos] != '\n' && t[pos] != '\r') pos++;
        if (pos >= len) { *exists = 0; *line_end = len; return len; }
        pos += (t[pos] == '\r' && pos + 1 < len && t[pos + 1] == '\n') ? 2 : 1;
    }
    size_t e = pos;
    while (e < len && t[e] != '\n' && t[e] != '\r') e++;
    *line_end = e;
    *exists = 1;
    return pos;
}

static size_t ref_offset(const char *t, size_t len, struct lsp_position p, enum position_encoding enc)
{
    size_t end;
    int exists;
    size_t pos = line_start(t, len, p.line, &end, &exists);
    if (!exists) return len;
    uint32_t count = 0;
    while (pos < end && count < p.character) {
        size_t n = utf8_len((unsigned char)t[pos]);
        count += units(n, enc);
        pos += n;
    }
    return pos;
}

/* A position at a valid character boundary of the reference, or out of range. */
static struct lsp_position pick(struct reader *r, const char *t, size_t len, enum position_encoding enc)
{
    struct lsp_position p = { next(r) % 8, 0 };
    unsigned mode = next(r);
    if (mode % 7 == 0) { p.character = 100000; return p; }
    size_t end;
    int exists;
    size_t pos = line_start(t, len, p.line, &end, &exists);
    if (!exists) { p.character = mode; return p; }
    unsigned steps = mode % 6;
    while (pos < end && steps--) {
        size_t n = utf8_len((unsigned char)t[pos]);
        p.character += units(n, enc);
        pos += n;
    }
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) { xalloc_init(); init = 1; }
    struct reader r = { data, size };
    char *ref = xstrdup("");
    size_t ref_len = 0;
    struct document *doc = document_new("file:///f.c", "c", 1, "", 0);
    while (r.n) {
        enum position_encoding enc = (enum position_encoding)(next(&r) % 3);
        struct lsp_position a = pick(&r, ref, ref_len, enc), b = pick(&r, ref, ref_len, enc);
        size_t oa = ref_offset(ref, ref_len, a, enc), ob = ref_offset(ref, ref_len, b, enc);
        if (oa > ob) { struct lsp_position tp = a; a = b; b = tp; size_t to = oa; oa = ob; ob = to; }
        char ins[64];
        size_t ins_len = 0;
        for (unsigned k = next(&r) % 5; k--; ) {
            const char *s = alphabet[next(&r) % (sizeof alphabet / sizeof *alphabet)];
            memcpy(ins + ins_len, s, strlen(s));
            ins_len += strlen(s);
        }
        /* Splitting a CRLF by an edit is legal; the reference handles it the same way. */
        struct lsp_range range = { a, b };
        if (document_apply_change(doc, &range, ins, ins_len, enc) != 0) abort();
        char *nref = xmalloc(ref_len - (ob - oa) + ins_len + 1);
        memcpy(nref, ref, oa);
        memcpy(nref + oa, ins, ins_len);
        memcpy(nref + oa + ins_len, ref + ob, ref_len - ob);
        ref_len = ref_len - (ob - oa) + ins_len;
        nref[ref_len] = '\0';
        free(ref);
        ref = nref;

        size_t got_len;
        char *got = document_text(doc, &got_len);
        if (got_len != ref_len || memcmp(got, ref, ref_len) != 0) abort();
        free(got);
        if (document_length(doc) != ref_len) abort();
        struct lsp_position q = pick(&r, ref, ref_len, enc);
        size_t off = document_offset_at(doc, q, enc);
        if (off != ref_offset(ref, ref_len, q, enc)) abort();
        struct lsp_position back = document_position_at(doc, off, enc);
        if (document_offset_at(doc, back, enc) != off) abort();
    }
    document_free(doc);
    free(ref);
    return 0;
}
