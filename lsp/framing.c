/* Content-Length framing (see framing.h). The parser works on one "region" per feed:
 * the caller's bytes directly when nothing is buffered (the common case: whole
 * messages arrive in one read and are handed over without a copy), else the pending
 * buffer with the new bytes appended. Leftover bytes (a partial header or body) are
 * kept in the pending buffer; a body being assembled takes only the bytes it needs. */
#include "lsp/framing.h"
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { ST_HEADER = 0, ST_BODY, ST_SKIP, ST_RESYNC };

static const char LENGTH_NAME[] = "content-length";
#define LENGTH_NAME_LEN (sizeof LENGTH_NAME - 1)
#define SKIP_HEAD_BYTES 1024

void frame_parser_init(struct frame_parser *p, size_t max_body)
{
    memset(p, 0, sizeof *p);
    p->max_body = max_body ? max_body : FRAME_DEFAULT_MAX_BODY;
}

void frame_parser_free(struct frame_parser *p)
{
    buf_free(&p->header);
    buf_free(&p->body);
    buf_free(&p->skip_head);
}

bool frame_parser_idle(const struct frame_parser *p)
{
    return p->state == ST_HEADER && p->header.len == 0 && p->body.len == 0;
}

static bool is_token_char(unsigned char c)
{
    return c > 32 && c < 127 && c != ':';
}

static const char *trim(const char *s, const char *end, const char **out_end)
{
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t')) end--;
    *out_end = end;
    return s;
}

static bool name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static int parse_length(const char *v, const char *end, size_t *out)
{
    if (v == end) return -1;
    size_t n = 0;
    for (; v < end; v++) {
        if (!isdigit((unsigned char)*v)) return -1;
        if (n > (SIZE_MAX - 9) / 10) return -1;
        n = n * 10 + (size_t)(*v - '0');
    }
    *out = n;
    return 0;
}

/* Content-Type: application/vscode-jsonrpc; charset=utf-8 (utf8 accepted too). */
static bool charset_ok(const char *v, const char *end)
{
    size_t n = (size_t)(end - v);
    for (size_t i = 0; i + 8 <= n; i++) {
        if (strncasecmp(v + i, "charset=", 8) != 0) continue;
        const char *c = v + i + 8, *ce = c;
        while (ce < end && *ce != ';' && *ce != ' ') ce++;
        if (ce - c >= 2 && *c == '"' && ce[-1] == '"') { c++; ce--; }
        return name_is(c, (size_t)(ce - c), "utf-8") || name_is(c, (size_t)(ce - c), "utf8");
    }
    return true;
}

int frame_parse_header(const char *buf, size_t len, struct frame_header *out)
{
    memset(out, 0, sizeof *out);
    size_t pos = 0;
    for (;;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl) return -2;
        const char *line = buf + pos, *end = nl;
        if (end > line && end[-1] == '\r') end--;
        pos = (size_t)(nl - buf) + 1;
        if (end == line) return out->has_length ? (int)pos : -1;
        const char *colon = memchr(line, ':', (size_t)(end - line));
        if (!colon || colon == line) return -1;
        for (const char *c = line; c < colon; c++)
            if (!is_token_char((unsigned char)*c)) return -1;
        const char *vend, *v = trim(colon + 1, end, &vend);
        size_t name_len = (size_t)(colon - line);
        if (name_is(line, name_len, "content-length")) {
            size_t n;
            if (parse_length(v, vend, &n) < 0) return -1;
            if (out->has_length && n != out->content_length) return -1;
            out->content_length = n;
            out->has_length = true;
        } else if (name_is(line, name_len, "content-type")) {
            if (!charset_ok(v, vend)) out->bad_charset = true;
        }
        if (pos > FRAME_MAX_HEADER_BYTES) return -1;
    }
}

/* Finds "content-length" (any case) in s; returns its offset or -1. */
static long find_length_name(const char *s, size_t len)
{
    for (size_t i = 0; i + LENGTH_NAME_LEN <= len; i++) {
        const char *c = memchr(s + i, 'c', len - i);
        const char *C = memchr(s + i, 'C', len - i);
        if (!c || (C && C < c)) c = C;
        if (!c) return -1;
        i = (size_t)(c - s);
        if (i + LENGTH_NAME_LEN <= len && strncasecmp(c, LENGTH_NAME, LENGTH_NAME_LEN) == 0)
            return (long)i;
    }
    return -1;
}

static int emit(frame_fn fn, void *data, enum frame_status st, const char *body, size_t len,
                const char *detail, const char *id_text)
{
    struct frame_event ev = { st, body, len, detail, id_text };
    return fn(data, &ev);
}

static int start_body(struct frame_parser *p, const struct frame_header *h, frame_fn fn,
                      void *data)
{
    if (h->content_length > p->max_body || h->bad_charset) {
        p->skip_status = h->bad_charset ? FRAME_BAD_CHARSET : FRAME_TOO_LARGE;
        p->skip_left = h->content_length;
        buf_reset(&p->skip_head);
        p->state = ST_SKIP;
        return 0;
    }
    p->body_len = h->content_length;
    p->state = ST_BODY;
    if (p->body_len == 0) {
        p->state = ST_HEADER;
        return emit(fn, data, FRAME_MESSAGE, "", 0, NULL, NULL);
    }
    return 0;
}

static int finish_skip(struct frame_parser *p, frame_fn fn, void *data)
{
    char id[128];
    bool has_id = frame_peek_id(p->skip_head.data ? p->skip_head.data : "", p->skip_head.len,
                                id, sizeof id);
    p->state = ST_HEADER;
    buf_reset(&p->skip_head);
    return emit(fn, data, p->skip_status, NULL, 0,
                p->skip_status == FRAME_TOO_LARGE ? "message exceeds the size limit"
                                                  : "unsupported charset",
                has_id ? id : NULL);
}

/* One step over region[*off..len). Returns 1 to wait for more input, 0 to go on, or
 * the callback's non-zero stop value (as a value < 0 is impossible here, stop > 1 is
 * mapped by the caller). */
static int step(struct frame_parser *p, const char *r, size_t len, size_t *off, frame_fn fn,
                void *data, int *stop)
{
    size_t avail = len - *off;
    const char *s = r + *off;
    switch (p->state) {
    case ST_HEADER: {
        if (*s == '\r' || *s == '\n') {   /* stray line ends between messages */
            *off += 1;
            return 0;
        }
        struct frame_header h;
        int n = frame_parse_header(s, avail, &h);
        if (n > 0) {
            *off += (size_t)n;
            *stop = start_body(p, &h, fn, data);
            return 0;
        }
        if (n == -2 && avail <= FRAME_MAX_HEADER_BYTES) return 1;
        *stop = emit(fn, data, FRAME_BAD_HEADER, NULL, 0,
                     n == -2 ? "header too long" : "malformed header", NULL);
        *off += 1;
        p->state = ST_RESYNC;
        return 0;
    }
    case ST_RESYNC: {
        long at = find_length_name(s, avail);
        if (at >= 0) {
            *off += (size_t)at;
            p->state = ST_HEADER;
            return 0;
        }
        /* Keep a tail that could be the start of a split "Content-Length". */
        if (avail > LENGTH_NAME_LEN - 1) *off = len - (LENGTH_NAME_LEN - 1);
        return 1;
    }
    case ST_BODY:
        if (avail < p->body_len) return 1;
        *off += p->body_len;
        p->state = ST_HEADER;
        *stop = emit(fn, data, FRAME_MESSAGE, s, p->body_len, NULL, NULL);
        return 0;
    case ST_SKIP: {
        size_t take = avail < p->skip_left ? avail : p->skip_left;
        if (p->skip_head.len < SKIP_HEAD_BYTES) {
            size_t keep = SKIP_HEAD_BYTES - p->skip_head.len;
            buf_append(&p->skip_head, s, take < keep ? take : keep);
        }
        *off += take;
        p->skip_left -= take;
        if (p->skip_left == 0) *stop = finish_skip(p, fn, data);
        return 0;
    }
    }
    return 1;
}

int frame_parser_feed(struct frame_parser *p, const char *data, size_t len, frame_fn fn,
                      void *fn_data)
{
    /* A body assembling in the buffer takes only what it still needs. */
    if (p->state == ST_BODY && p->body.len > 0) {
        size_t need = p->body_len - p->body.len;
        size_t take = len < need ? len : need;
        buf_append(&p->body, data, take);
        data += take;
        len -= take;
        if (p->body.len < p->body_len) return 0;
        p->state = ST_HEADER;
        int stop = emit(fn, fn_data, FRAME_MESSAGE, p->body.data, p->body_len, NULL, NULL);
        /* One large message must not pin its buffer for the rest of the session. */
        if (p->body.cap > 1024 * 1024) buf_free(&p->body);
        else buf_reset(&p->body);
        if (stop) return stop;
    }
    const char *region = data;
    size_t rlen = len, off = 0;
    bool buffered = p->header.len > 0;
    if (buffered) {
        buf_append(&p->header, data, len);
        region = p->header.data;
        rlen = p->header.len;
    }
    int stop = 0;
    while (off < rlen && !stop)
        if (step(p, region, rlen, &off, fn, fn_data, &stop) == 1) break;
    if (stop) {
        buf_reset(&p->header);
        return stop;
    }
    size_t rest = rlen - off;
    if (p->state == ST_BODY && rest > 0) {
        buf_append(&p->body, region + off, rest);
        if (buffered) buf_reset(&p->header);
    } else if (buffered) {
        buf_consume(&p->header, off);
    } else if (rest > 0) {
        buf_append(&p->header, region + off, rest);
    }
    return 0;
}

/* A tiny scanner over the start of a JSON object: tracks nesting and strings to find
 * the "id" key at depth 1, then copies its scalar value. */
bool frame_peek_id(const char *json, size_t len, char *out, size_t out_size)
{
    int depth = 0;
    bool expect_key = false;
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (c == '{' || c == '[') { depth++; expect_key = (c == '{' && depth == 1); continue; }
        if (c == '}' || c == ']') { depth--; continue; }
        if (c == ',' && depth == 1) { expect_key = true; continue; }
        if (c != '"') continue;
        size_t start = i + 1, j = start;
        while (j < len && json[j] != '"') j += (json[j] == '\\') ? 2 : 1;
        if (j >= len) return false;
        bool is_id = depth == 1 && expect_key && j - start == 2 && memcmp(json + start, "id", 2) == 0;
        i = j;
        if (depth == 1 && expect_key) {
            expect_key = false;
            if (!is_id) continue;
            size_t v = j + 1;
            while (v < len && (json[v] == ' ' || json[v] == ':' || json[v] == '\t' ||
                               json[v] == '\r' || json[v] == '\n'))
                v++;
            size_t e = v;
            if (e < len && json[e] == '"') {
                e++;
                while (e < len && json[e] != '"') e += (json[e] == '\\') ? 2 : 1;
                if (e >= len) return false;
                e++;
            } else {
                while (e < len && (isdigit((unsigned char)json[e]) || json[e] == '-')) e++;
            }
            if (e == v || e - v + 1 > out_size) return false;
            memcpy(out, json + v, e - v);
            out[e - v] = '\0';
            return true;
        }
    }
    return false;
}
