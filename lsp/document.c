/* Document storage and edits (see document.h, document_internal.h). The text is an
 * array of chunks of 1-8 KB with a line-break count each. An edit inside one chunk
 * moves at most 8 KB; line lookups sum per-chunk counts (a few thousand integers for
 * a 10 MB file) instead of scanning the text. */
#include "lsp/document_internal.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

const char *position_encoding_name(enum position_encoding enc)
{
    switch (enc) {
    case ENCODING_UTF8: return "utf-8";
    case ENCODING_UTF32: return "utf-32";
    case ENCODING_UTF16: break;
    }
    return "utf-16";
}

uint32_t chunk_count_breaks(const char *data, size_t from, size_t to, size_t len)
{
    uint32_t n = 0;
    for (size_t i = from; i < to; i++) {
        if (data[i] == '\n') n++;
        else if (data[i] == '\r' && (i + 1 >= len || data[i + 1] != '\n')) n++;
    }
    return n;
}

static void chunk_set(struct chunk *c, const char *data, size_t len)
{
    c->cap = (uint32_t)(len + len / 4 + 64);
    c->data = xmalloc(c->cap);
    memcpy(c->data, data, len);
    c->len = (uint32_t)len;
    c->breaks = chunk_count_breaks(c->data, 0, len, len);
}

static void chunk_reserve(struct chunk *c, size_t need)
{
    if (need <= c->cap) return;
    size_t cap = need + need / 4 + 64;
    c->data = xrealloc(c->data, cap);
    c->cap = (uint32_t)cap;
}

static void recount(struct chunk *c) { c->breaks = chunk_count_breaks(c->data, 0, c->len, c->len); }

/* Where to end a piece that starts at 0 of data[0..len): about CHUNK_TARGET bytes,
 * moved to a UTF-8 boundary and never between \r and \n. */
static size_t split_point(const char *data, size_t len)
{
    if (len <= CHUNK_MAX) return len;
    size_t cut = CHUNK_TARGET;
    while (cut < len && ((unsigned char)data[cut] & 0xC0) == 0x80 && cut < CHUNK_TARGET + 3) cut++;
    if (data[cut - 1] == '\r' && cut < len && data[cut] == '\n') cut++;
    return cut;
}

/* Splits text into new chunks; returns their number (0 for empty text). */
static size_t build_chunks(const char *text, size_t len, struct chunk **out)
{
    size_t n = 0, cap = len / CHUNK_TARGET + 2;
    struct chunk *c = xmalloc(cap * sizeof *c);
    while (len > 0) {
        size_t cut = split_point(text, len);
        if (n == cap) c = xrealloc(c, (cap *= 2) * sizeof *c);
        chunk_set(&c[n++], text, cut);
        text += cut;
        len -= cut;
    }
    *out = c;
    return n;
}

/* Replaces chunks [from, to) with the n given ones (taking them). */
static void splice_chunks(struct document *doc, size_t from, size_t to, struct chunk *add, size_t n)
{
    for (size_t i = from; i < to; i++) free(doc->chunks[i].data);
    size_t count = doc->count - (to - from) + n;
    if (count > doc->cap) {
        doc->cap = count + count / 2 + 4;
        doc->chunks = xrealloc(doc->chunks, doc->cap * sizeof *doc->chunks);
    }
    if (doc->count > to)
        memmove(doc->chunks + from + n, doc->chunks + to, (doc->count - to) * sizeof *doc->chunks);
    if (n) memcpy(doc->chunks + from, add, n * sizeof *add);
    doc->count = count;
}

static void remove_chunk(struct document *doc, size_t i) { splice_chunks(doc, i, i + 1, NULL, 0); }

static void update_totals(struct document *doc)
{
    size_t length = 0, breaks = 0;
    for (size_t i = 0; i < doc->count; i++) {
        length += doc->chunks[i].len;
        breaks += doc->chunks[i].breaks;
    }
    doc->length = length;
    doc->breaks = breaks;
}

static void ensure_one_chunk(struct document *doc)
{
    if (doc->count > 0) return;
    struct chunk empty;
    chunk_set(&empty, "", 0);
    splice_chunks(doc, 0, 0, &empty, 1);
}

/* Restores the invariants around chunks [lo, hi] after an edit: drops empty chunks,
 * merges small neighbours, moves a \n that follows a chunk ending in \r. */
static void normalize(struct document *doc, size_t lo, size_t hi)
{
    if (hi >= doc->count) hi = doc->count ? doc->count - 1 : 0;
    for (size_t i = lo; i <= hi && i < doc->count;) {
        if (doc->chunks[i].len == 0 && doc->count > 1) { remove_chunk(doc, i); if (hi) hi--; continue; }
        i++;
    }
    for (size_t i = lo; i < hi && i + 1 < doc->count;) {
        struct chunk *a = &doc->chunks[i], *b = &doc->chunks[i + 1];
        if ((a->len < CHUNK_MIN || b->len < CHUNK_MIN) && a->len + b->len <= CHUNK_MAX) {
            chunk_reserve(a, a->len + b->len);
            memcpy(a->data + a->len, b->data, b->len);
            a->len += b->len;
            recount(a);
            remove_chunk(doc, i + 1);
            hi--;
            continue;
        }
        i++;
    }
    size_t first = lo > 0 ? lo - 1 : 0;
    for (size_t i = first; i <= hi && i + 1 < doc->count; i++) {
        struct chunk *a = &doc->chunks[i], *b = &doc->chunks[i + 1];
        if (a->len && b->len && a->data[a->len - 1] == '\r' && b->data[0] == '\n') {
            chunk_reserve(a, a->len + 1);
            a->data[a->len++] = '\n';
            memmove(b->data, b->data + 1, --b->len);
            recount(a);
            recount(b);
            if (b->len == 0) remove_chunk(doc, i + 1);
        }
    }
    ensure_one_chunk(doc);
    update_totals(doc);
}

struct doc_loc document_locate(const struct document *doc, size_t offset)
{
    struct doc_loc loc = { 0, 0, 0, 0 };
    if (offset > doc->length) offset = doc->length;
    for (size_t i = 0; i < doc->count; i++) {
        const struct chunk *c = &doc->chunks[i];
        if (offset < loc.start + c->len || i + 1 == doc->count) {
            loc.index = i;
            loc.pos = offset - loc.start;
            return loc;
        }
        loc.start += c->len;
        loc.line += c->breaks;
    }
    return loc;
}

static void set_text(struct document *doc, const char *text, size_t len)
{
    struct chunk *chunks;
    size_t n = build_chunks(text, len, &chunks);
    splice_chunks(doc, 0, doc->count, chunks, n);
    free(chunks);
    ensure_one_chunk(doc);
    update_totals(doc);
}

struct document *document_new(const char *uri, const char *language, int version,
                              const char *text, size_t len)
{
    struct document *doc = xcalloc(1, sizeof *doc);
    doc->uri = xstrdup(uri ? uri : "");
    doc->language = xstrdup(language ? language : "");
    doc->version = version;
    doc->edited_ms = clock_monotonic_ms();
    set_text(doc, text ? text : "", text ? len : 0);
    return doc;
}

void document_free(struct document *doc)
{
    if (!doc) return;
    for (size_t i = 0; i < doc->count; i++) free(doc->chunks[i].data);
    free(doc->chunks);
    free(doc->uri);
    free(doc->language);
    free(doc);
}

const char *document_uri(const struct document *doc) { return doc->uri; }
const char *document_language(const struct document *doc) { return doc->language; }
int document_version(const struct document *doc) { return doc->version; }
void document_set_version(struct document *doc, int version) { doc->version = version; }
size_t document_length(const struct document *doc) { return doc->length; }
size_t document_line_count(const struct document *doc) { return doc->breaks + 1; }
uint64_t document_generation(const struct document *doc) { return doc->generation; }
uint64_t document_edited_ms(const struct document *doc) { return doc->edited_ms; }

/* Replaces bytes [s, e) with text. */
static void replace_bytes(struct document *doc, size_t s, size_t e, const char *text, size_t len)
{
    struct doc_loc a = document_locate(doc, s), b = document_locate(doc, e);
    struct chunk *ca = &doc->chunks[a.index], *cb = &doc->chunks[b.index];
    size_t combined = a.pos + len + (cb->len - b.pos);
    if (a.index == b.index && combined <= CHUNK_MAX) {
        chunk_reserve(ca, combined);
        memmove(ca->data + a.pos + len, ca->data + b.pos, ca->len - b.pos);
        memcpy(ca->data + a.pos, text, len);
        ca->len = (uint32_t)combined;
        recount(ca);
        normalize(doc, a.index > 0 ? a.index - 1 : 0, a.index + 1);
        return;
    }
    char *joined = xmalloc(combined + 1);
    memcpy(joined, ca->data, a.pos);
    memcpy(joined + a.pos, text, len);
    memcpy(joined + a.pos + len, cb->data + b.pos, cb->len - b.pos);
    struct chunk *pieces;
    size_t n = build_chunks(joined, combined, &pieces);
    free(joined);
    splice_chunks(doc, a.index, b.index + 1, pieces, n);
    free(pieces);
    normalize(doc, a.index > 0 ? a.index - 1 : 0, a.index + n);
}

int document_apply_change(struct document *doc, const struct lsp_range *range,
                          const char *text, size_t len, enum position_encoding enc)
{
    if (!text) { text = ""; len = 0; }
    if (!range) {
        set_text(doc, text, len);
    } else {
        /* Compared after clamping: (7,0)-(6,0) past the end is an empty range at the
         * end, not an error; (1,5)-(1,2) on a long line is one. */
        size_t s = document_offset_at(doc, range->start, enc);
        size_t e = document_offset_at(doc, range->end, enc);
        if (s > e) return -1;
        replace_bytes(doc, s, e, text, len);
    }
    doc->generation++;
    doc->edited_ms = clock_monotonic_ms();
    return 0;
}

char *document_slice(const struct document *doc, size_t start, size_t end, size_t *len)
{
    if (end > doc->length) end = doc->length;
    if (start > end) start = end;
    char *out = xmalloc(end - start + 1), *p = out;
    struct doc_loc loc = document_locate(doc, start);
    size_t left = end - start;
    for (size_t i = loc.index, pos = loc.pos; left > 0 && i < doc->count; i++, pos = 0) {
        const struct chunk *c = &doc->chunks[i];
        size_t take = c->len - pos < left ? c->len - pos : left;
        memcpy(p, c->data + pos, take);
        p += take;
        left -= take;
    }
    *p = '\0';
    if (len) *len = (size_t)(p - out);
    return out;
}

char *document_text(const struct document *doc, size_t *len)
{
    return document_slice(doc, 0, doc->length, len);
}

const char *document_eol(const struct document *doc)
{
    for (size_t i = 0; i < doc->count; i++) {
        const struct chunk *c = &doc->chunks[i];
        for (size_t j = 0; j < c->len; j++) {
            if (c->data[j] == '\n') return "\n";
            if (c->data[j] == '\r') return (j + 1 < c->len && c->data[j + 1] == '\n') ? "\r\n" : "\r";
        }
    }
    return "\n";
}
