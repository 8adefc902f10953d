/* Positions and text around them (see document.h). LSP characters are counted in the
 * negotiated encoding: UTF-8 bytes, UTF-16 code units (2 for characters above
 * U+FFFF), or UTF-32 code points. An invalid UTF-8 byte counts as one character
 * (U+FFFD) in every encoding, the same in both directions, so a malformed file never
 * produces an offset outside the text. A position inside a character rounds down to
 * its start; past a line's end means the end of the line. */
#include "lsp/document_internal.h"
#include "base/xalloc.h"
#include <string.h>

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

int utf8_sequence_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    int n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
          : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (n <= 1) return 1;
    if ((size_t)n > avail) return 1;
    for (int i = 1; i < n; i++)
        if (!is_cont(s[i])) return 1;
    return n;
}

static uint32_t units_of(int seq_len, enum position_encoding enc)
{
    if (enc == ENCODING_UTF8) return (uint32_t)seq_len;
    if (enc == ENCODING_UTF16) return seq_len == 4 ? 2 : 1;
    return 1;
}

size_t document_line_start(const struct document *doc, uint32_t line)
{
    if (line == 0) return 0;
    if (line > doc->breaks) return doc->length;
    size_t start = 0, before = 0;
    for (size_t i = 0; i < doc->count; i++) {
        const struct chunk *c = &doc->chunks[i];
        if (before + c->breaks >= line) {
            size_t k = line - before;
            for (size_t j = 0; j < c->len; j++) {
                char ch = c->data[j];
                if (ch == '\n' || (ch == '\r' && (j + 1 >= c->len || c->data[j + 1] != '\n')))
                    if (--k == 0) return start + j + 1;
            }
        }
        before += c->breaks;
        start += c->len;
    }
    return doc->length;
}

size_t document_offset_at(const struct document *doc, struct lsp_position pos,
                          enum position_encoding enc)
{
    if (pos.line > doc->breaks) return doc->length;
    size_t offset = document_line_start(doc, pos.line);
    uint32_t left = pos.character;
    struct doc_loc loc = document_locate(doc, offset);
    for (size_t i = loc.index, j = loc.pos; left > 0 && i < doc->count; i++, j = 0) {
        const struct chunk *c = &doc->chunks[i];
        while (j < c->len) {
            char ch = c->data[j];
            if (ch == '\n' || ch == '\r') return offset;
            int n = utf8_sequence_length((const unsigned char *)c->data + j, c->len - j);
            uint32_t u = units_of(n, enc);
            if (u > left) return offset;
            left -= u;
            offset += (size_t)n;
            j += (size_t)n;
            if (left == 0) return offset;
        }
    }
    return offset;
}

/* Start of the line containing offset: just after the last break before it. */
static size_t line_start_before(const struct document *doc, struct doc_loc loc)
{
    size_t start = loc.start;
    for (size_t i = loc.index + 1; i-- > 0;) {
        const struct chunk *c = &doc->chunks[i];
        size_t j = (i == loc.index) ? loc.pos : c->len;
        while (j-- > 0) {
            char ch = c->data[j];
            if (ch == '\n') return start + j + 1;
            if (ch == '\r') {
                bool crlf = (j + 1 < c->len) ? c->data[j + 1] == '\n'
                          : (i + 1 < doc->count && doc->chunks[i + 1].len && doc->chunks[i + 1].data[0] == '\n');
                if (!crlf) return start + j + 1;
            }
        }
        if (i > 0) start -= doc->chunks[i - 1].len;
    }
    return 0;
}

struct lsp_position document_position_at(const struct document *doc, size_t offset,
                                         enum position_encoding enc)
{
    if (offset > doc->length) offset = doc->length;
    struct doc_loc loc = document_locate(doc, offset);
    const struct chunk *here = &doc->chunks[loc.index];
    struct lsp_position pos;
    pos.line = (uint32_t)(loc.line + chunk_count_breaks(here->data, 0, loc.pos, here->len));
    pos.character = 0;
    size_t at = line_start_before(doc, loc);
    struct doc_loc from = document_locate(doc, at);
    for (size_t i = from.index, j = from.pos; at < offset && i < doc->count; i++, j = 0) {
        const struct chunk *c = &doc->chunks[i];
        while (j < c->len && at < offset) {
            char ch = c->data[j];
            if (ch == '\n' || ch == '\r') return pos;
            int n = utf8_sequence_length((const unsigned char *)c->data + j, c->len - j);
            if (at + (size_t)n > offset) return pos;
            pos.character += units_of(n, enc);
            at += (size_t)n;
            j += (size_t)n;
        }
    }
    return pos;
}

/* Moves offset forward to the start of a character (past continuation bytes). */
static size_t char_boundary_forward(const struct document *doc, size_t offset, size_t limit)
{
    struct doc_loc loc = document_locate(doc, offset);
    for (size_t i = loc.index, j = loc.pos; offset < limit && i < doc->count; i++, j = 0)
        for (; j < doc->chunks[i].len && offset < limit; j++, offset++)
            if (!is_cont((unsigned char)doc->chunks[i].data[j])) return offset;
    return offset;
}

char *document_prefix(const struct document *doc, size_t offset, size_t max_bytes,
                      size_t max_lines, size_t *len)
{
    if (offset > doc->length) offset = doc->length;
    size_t start = offset > max_bytes ? offset - max_bytes : 0;
    start = char_boundary_forward(doc, start, offset);
    if (max_lines > 0 && offset > start) {
        /* Walk back from the cursor; the max_lines-th break ends the kept lines. */
        struct doc_loc loc = document_locate(doc, offset);
        size_t seen = 0, at = offset;
        for (size_t i = loc.index + 1; i-- > 0 && at > start;) {
            const struct chunk *c = &doc->chunks[i];
            size_t j = (i == loc.index) ? loc.pos : c->len;
            while (j-- > 0 && at > start) {
                at--;
                char ch = c->data[j];
                bool brk = ch == '\n' ||
                           (ch == '\r' && !(j + 1 < c->len && c->data[j + 1] == '\n') &&
                            !(j + 1 == c->len && i + 1 < doc->count && doc->chunks[i + 1].data[0] == '\n'));
                if (brk && ++seen == max_lines) { start = at + 1; goto done; }
            }
        }
    }
done:
    return document_slice(doc, start, offset, len);
}

char *document_suffix(const struct document *doc, size_t offset, size_t max_bytes,
                      size_t max_lines, size_t *len)
{
    if (offset > doc->length) offset = doc->length;
    size_t end = doc->length - offset > max_bytes ? offset + max_bytes : doc->length;
    struct doc_loc loc = document_locate(doc, offset);
    size_t seen = 0, at = offset, cut = end;
    for (size_t i = loc.index, j = loc.pos; at < end && i < doc->count; i++, j = 0) {
        const struct chunk *c = &doc->chunks[i];
        for (; j < c->len && at < end; j++, at++) {
            char ch = c->data[j];
            if (max_lines > 0 && (ch == '\n' || ch == '\r')) {
                bool second_of_crlf = ch == '\n' && at > offset &&
                    ((j > 0 && c->data[j - 1] == '\r') ||
                     (j == 0 && i > 0 && doc->chunks[i - 1].data[doc->chunks[i - 1].len - 1] == '\r'));
                if (!second_of_crlf && ++seen == max_lines) { cut = at; goto done; }
            }
            /* Remember the last character start so a byte cut never splits one. */
            if (!is_cont((unsigned char)ch)) cut = at;
        }
    }
    if (at == end && end < doc->length) {
        /* Cut at the end limit: keep only whole characters. */
        struct doc_loc e = document_locate(doc, end);
        if (!is_cont((unsigned char)doc->chunks[e.index].data[e.pos])) cut = end;
    } else {
        cut = end;
    }
done:
    return document_slice(doc, offset, cut, len);
}

char *document_line(const struct document *doc, uint32_t line, size_t *len)
{
    if (line > doc->breaks) return document_slice(doc, doc->length, doc->length, len);
    size_t start = document_line_start(doc, line);
    struct doc_loc loc = document_locate(doc, start);
    size_t end = start;
    for (size_t i = loc.index, j = loc.pos; i < doc->count; i++, j = 0) {
        const struct chunk *c = &doc->chunks[i];
        for (; j < c->len; j++, end++)
            if (c->data[j] == '\n' || c->data[j] == '\r') goto found;
    }
found:
    return document_slice(doc, start, end, len);
}
