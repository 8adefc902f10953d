/* Incremental SSE and NDJSON parsers (see stream.h). Both keep only the current
 * partial line and, for SSE, the data lines of the current event. Every buffer is
 * checked against max_event_bytes before it grows, so a peer that never sends a line
 * end or a blank line gets -1 instead of our memory. An SSE line found whole inside
 * one feed is read in place; payloads handed to callbacks always come from our own
 * buffers, so they are NUL-terminated. */
#include "providers/stream.h"
#include <string.h>

#define DEFAULT_MAX_EVENT (8u << 20)

void sse_parser_init(struct sse_parser *p, size_t max_event_bytes)
{
    memset(p, 0, sizeof *p);
    p->max_event_bytes = max_event_bytes ? max_event_bytes : DEFAULT_MAX_EVENT;
}

void sse_parser_free(struct sse_parser *p)
{
    buf_free(&p->line);
    buf_free(&p->data);
}

static void sse_reset_event(struct sse_parser *p)
{
    buf_reset(&p->data);
    p->event[0] = '\0';
    p->has_data = 0;
}

/* A blank line: deliver the event if it carried data (an event: line alone is
 * nothing to deliver, as in the SSE spec). */
static int sse_dispatch(struct sse_parser *p, stream_event_fn fn, void *data)
{
    if (!p->has_data) {
        sse_reset_event(p);
        return 0;
    }
    int stop = fn(data, p->event[0] ? p->event : NULL, buf_str(&p->data), p->data.len);
    sse_reset_event(p);
    return stop ? 1 : 0;
}

static void sse_add_data(struct sse_parser *p, const char *value, size_t len)
{
    if (p->has_data) buf_putc(&p->data, '\n');
    buf_append(&p->data, value, len);
    p->has_data = 1;
}

/* One complete line (without its terminator). Returns 0, 1 (stopped) or -1. */
static int sse_line(struct sse_parser *p, const char *line, size_t len, stream_event_fn fn, void *data)
{
    if (len == 0) return sse_dispatch(p, fn, data);
    if (line[0] == ':') return 0;                      /* comment / keep-alive */
    const char *colon = memchr(line, ':', len);
    size_t name_len = colon ? (size_t)(colon - line) : len;
    const char *value = colon ? colon + 1 : line + len;
    size_t value_len = (size_t)(line + len - value);
    if (value_len && value[0] == ' ') { value++; value_len--; }
    if (p->data.len + value_len + 1 > p->max_event_bytes) return -1;
    if (name_len == 4 && memcmp(line, "data", 4) == 0) {
        sse_add_data(p, value, value_len);
    } else if (name_len == 5 && memcmp(line, "event", 5) == 0) {
        size_t n = value_len < sizeof p->event - 1 ? value_len : sizeof p->event - 1;
        memcpy(p->event, value, n);
        p->event[n] = '\0';
    } else if (name_len == 5 && memcmp(line, "error", 5) == 0 && !p->has_data) {
        /* Older llama.cpp builds sent a bare `error: {...}` line mid-stream: surface it
         * as an "error" event so the adapter can classify it. */
        memcpy(p->event, "error", 6);
        sse_add_data(p, value, value_len);
    }
    return 0;                                          /* id:, retry:, unknown: ignored */
}

int sse_parser_feed(struct sse_parser *p, const char *bytes, size_t len, stream_event_fn fn, void *data)
{
    size_t i = 0;
    while (i < len) {
        if (p->last_was_cr) {
            p->last_was_cr = 0;
            if (bytes[i] == '\n') { i++; continue; }   /* second half of CRLF */
        }
        size_t j = i;
        while (j < len && bytes[j] != '\n' && bytes[j] != '\r') j++;
        if (j == len) {                                /* partial line: keep it */
            if (p->line.len + (len - i) + p->data.len > p->max_event_bytes) return -1;
            buf_append(&p->line, bytes + i, len - i);
            return 0;
        }
        p->last_was_cr = bytes[j] == '\r';
        int rc;
        if (p->line.len) {
            if (p->line.len + (j - i) > p->max_event_bytes) return -1;
            buf_append(&p->line, bytes + i, j - i);
            rc = sse_line(p, p->line.data, p->line.len, fn, data);
            buf_reset(&p->line);
        } else {
            rc = sse_line(p, bytes + i, j - i, fn, data);
        }
        i = j + 1;
        if (rc) return rc;
    }
    return 0;
}

int sse_parser_finish(struct sse_parser *p, stream_event_fn fn, void *data)
{
    if (p->line.len) {
        int rc = sse_line(p, p->line.data, p->line.len, fn, data);
        buf_reset(&p->line);
        if (rc) return rc;
    }
    return sse_dispatch(p, fn, data);
}

void ndjson_parser_init(struct ndjson_parser *p, size_t max_event_bytes)
{
    memset(p, 0, sizeof *p);
    p->max_event_bytes = max_event_bytes ? max_event_bytes : DEFAULT_MAX_EVENT;
}

void ndjson_parser_free(struct ndjson_parser *p)
{
    buf_free(&p->line);
}

/* Blank lines (and a CR left by CRLF) carry nothing. The line is our own buffer, so
 * trailing space is cut by moving its terminator. */
static int ndjson_line(char *line, size_t len, stream_event_fn fn, void *data)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t')) len--;
    line[len] = '\0';
    size_t k = 0;
    while (k < len && (line[k] == ' ' || line[k] == '\t')) k++;
    if (k == len) return 0;
    return fn(data, NULL, line + k, len - k) ? 1 : 0;
}

int ndjson_parser_feed(struct ndjson_parser *p, const char *bytes, size_t len, stream_event_fn fn, void *data)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(bytes + i, '\n', len - i);
        size_t j = nl ? (size_t)(nl - bytes) : len;
        if (p->line.len + (j - i) > p->max_event_bytes) return -1;
        /* always through the buffer, so the callback gets a NUL-terminated line */
        buf_append(&p->line, bytes + i, j - i);
        if (!nl) return 0;
        int rc = ndjson_line(p->line.data, p->line.len, fn, data);
        buf_reset(&p->line);
        i = j + 1;
        if (rc) return rc;
    }
    return 0;
}

int ndjson_parser_finish(struct ndjson_parser *p, stream_event_fn fn, void *data)
{
    if (!p->line.len) return 0;
    int rc = ndjson_line(p->line.data, p->line.len, fn, data);
    buf_reset(&p->line);
    return rc;
}
