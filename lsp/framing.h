/* LSP base-protocol framing: "Content-Length: N\r\n[Content-Type: ...\r\n]\r\n<N bytes>".
 * An incremental parser in the picohttpparser shape: feed it whatever the transport
 * read (any chunking, several messages per read) and it calls back once per message.
 * A body that arrived whole in one read is handed over in place (no copy); only a
 * body split across reads is assembled in a buffer. Hard limits (header size, body
 * size) keep a hostile peer from growing memory; after a bad header the parser
 * resynchronises on the next "Content-Length". */
#ifndef LSP_FRAMING_H
#define LSP_FRAMING_H
#include "base/buf.h"
#include <stdbool.h>
#include <stddef.h>

#define FRAME_MAX_HEADER_BYTES 8192
#define FRAME_DEFAULT_MAX_BODY ((size_t)64 * 1024 * 1024)

/* The header block of one message. */
struct frame_header {
    size_t content_length;
    bool has_length;
    bool bad_charset;          /* Content-Type names a charset other than utf-8 */
};

/* Parses a header block that starts at buf. Returns the bytes consumed through the
 * blank line, -2 when the block is not complete yet, -1 when it is malformed. */
int frame_parse_header(const char *buf, size_t len, struct frame_header *out);

enum frame_status {
    FRAME_MESSAGE = 0,     /* body/len: one message body (not NUL-terminated) */
    FRAME_BAD_HEADER,      /* malformed header; detail says why; bytes skipped */
    FRAME_TOO_LARGE,       /* body over the limit; skipped; id_text when found */
    FRAME_BAD_CHARSET,     /* unsupported charset; skipped; id_text when found */
};

struct frame_event {
    enum frame_status status;
    const char *body;
    size_t len;
    const char *detail;    /* for errors: a short description */
    const char *id_text;   /* for skipped bodies: the top-level "id" seen in their
                              first bytes, as JSON text ("7", "\"a\""), or NULL */
};

/* Returns non-zero to stop: the rest of the current input is discarded. */
typedef int (*frame_fn)(void *data, const struct frame_event *ev);

struct frame_parser {
    size_t max_body;
    int state;
    struct buf header;       /* header bytes seen so far */
    struct buf body;         /* a body split across reads */
    size_t body_len;         /* expected body length */
    size_t skip_left;        /* bytes of an oversized body still to skip */
    enum frame_status skip_status;
    struct buf skip_head;    /* first bytes of a skipped body, to find its id */
};

void frame_parser_init(struct frame_parser *p, size_t max_body);
void frame_parser_free(struct frame_parser *p);
/* Feeds bytes; calls fn for every complete message or error. Returns 0, or the
 * non-zero value fn returned. */
int frame_parser_feed(struct frame_parser *p, const char *data, size_t len, frame_fn fn,
                      void *fn_data);
/* True when no partial message is buffered (a clean place for EOF). */
bool frame_parser_idle(const struct frame_parser *p);

/* Finds the top-level "id" member in the start of a JSON object (which may be cut
 * off) and writes its JSON text to out. Returns false when not found. */
bool frame_peek_id(const char *json, size_t len, char *out, size_t out_size);

#endif
