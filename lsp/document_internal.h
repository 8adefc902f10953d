/* The chunked text representation shared by document.c (storage and edits) and
 * document_position.c (positions, encodings, prefix/suffix). Not for features. */
#ifndef LSP_DOCUMENT_INTERNAL_H
#define LSP_DOCUMENT_INTERNAL_H
#include "lsp/document.h"

/* Chunk sizes: built at TARGET, edited up to MAX, merged below MIN. A one-character
 * edit moves at most MAX bytes, whatever the document size. */
#define CHUNK_TARGET 4096u
#define CHUNK_MAX 8192u
#define CHUNK_MIN 1024u

/* Invariants: at least one chunk; no empty chunk unless the text is empty; no chunk
 * boundary between the \r and \n of a CRLF (so a chunk's break count is exact);
 * chunks built by splitting start at UTF-8 character boundaries. */
struct chunk {
    char *data;
    uint32_t len, cap;
    uint32_t breaks;       /* line breaks: \n, \r\n (counted once), lone \r */
};

struct document {
    char *uri, *language;
    int version;
    uint64_t generation, edited_ms;
    struct chunk *chunks;
    size_t count, cap;
    size_t length;         /* bytes */
    size_t breaks;         /* total line breaks; line count = breaks + 1 */
};

/* Where a byte offset falls: chunk index, offset inside it, and the chunk's start
 * offset and breaks before it. An offset equal to the length falls at the end of
 * the last chunk. */
struct doc_loc {
    size_t index, pos;
    size_t start, line;
};

struct doc_loc document_locate(const struct document *doc, size_t offset);
/* Byte offset where line `line` starts (length when past the end). */
size_t document_line_start(const struct document *doc, uint32_t line);
/* Breaks in data[from..to), looking at data[to] (within the chunk) for \r\n. */
uint32_t chunk_count_breaks(const char *data, size_t from, size_t to, size_t len);
/* Length in bytes of the UTF-8 sequence starting at s (1 for an invalid byte). */
int utf8_sequence_length(const unsigned char *s, size_t avail);

#endif
