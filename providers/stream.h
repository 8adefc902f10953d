/* Incremental stream parsers for model responses: SSE (LF or CRLF line ends, comment
 * lines, `event:` names, multi-line `data:` joined with \n) and NDJSON. Feed any
 * chunking; events are delivered as soon as they are complete. Memory is bounded:
 * an event or line longer than max_event_bytes is an error (-1) instead of growth. */
#ifndef PROVIDERS_STREAM_H
#define PROVIDERS_STREAM_H
#include "base/buf.h"
#include <stddef.h>

/* Return nonzero from the callback to stop parsing (the feed function then returns 1).
 * payload is always NUL-terminated at payload[len]. */
typedef int (*stream_event_fn)(void *data, const char *event, const char *payload, size_t len);

struct sse_parser {
    struct buf line;      /* partial line */
    struct buf data;      /* data lines of the current event */
    char event[64];
    int has_data;
    int last_was_cr;
    size_t max_event_bytes;   /* 0 = 8 MiB */
};
void sse_parser_init(struct sse_parser *p, size_t max_event_bytes);
/* Returns 0, 1 when the callback stopped it, -1 on an oversized event. */
int sse_parser_feed(struct sse_parser *p, const char *bytes, size_t len, stream_event_fn fn, void *data);
/* End of input: delivers a final event not followed by a blank line. */
int sse_parser_finish(struct sse_parser *p, stream_event_fn fn, void *data);
void sse_parser_free(struct sse_parser *p);

struct ndjson_parser {
    struct buf line;
    size_t max_event_bytes;
};
void ndjson_parser_init(struct ndjson_parser *p, size_t max_event_bytes);
int ndjson_parser_feed(struct ndjson_parser *p, const char *bytes, size_t len, stream_event_fn fn, void *data);
int ndjson_parser_finish(struct ndjson_parser *p, stream_event_fn fn, void *data);
void ndjson_parser_free(struct ndjson_parser *p);

#endif
