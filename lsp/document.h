/* Open documents: text kept in chunks so a one-character edit in a 10 MB file costs
 * the same as in a small one, with line counts per chunk for fast position lookup.
 * Positions are LSP (line, character) in the negotiated encoding; a character past
 * a line's end means the end of the line, a line past the end means the end of the
 * text. Lines end at \n, \r\n or \r (as LSP says). */
#ifndef LSP_DOCUMENT_H
#define LSP_DOCUMENT_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum position_encoding { ENCODING_UTF16 = 0, ENCODING_UTF8, ENCODING_UTF32 };
const char *position_encoding_name(enum position_encoding enc);   /* "utf-16" ... */

struct lsp_position { uint32_t line; uint32_t character; };
struct lsp_range { struct lsp_position start, end; };

struct document;

struct document *document_new(const char *uri, const char *language, int version,
                              const char *text, size_t len);
void document_free(struct document *doc);

const char *document_uri(const struct document *doc);
const char *document_language(const struct document *doc);
int document_version(const struct document *doc);
void document_set_version(struct document *doc, int version);
size_t document_length(const struct document *doc);     /* bytes */
size_t document_line_count(const struct document *doc);
/* Increments on every change; features compare it to detect a stale request. */
uint64_t document_generation(const struct document *doc);
/* Monotonic ms of the last change (for "most recently edited" context). */
uint64_t document_edited_ms(const struct document *doc);

/* range NULL replaces the whole text. Returns 0, or -1 if the range is invalid
 * (start after end); out-of-range positions are clamped first, so a range whose
 * clamped start and end coincide (both past the end) is valid and empty. */
int document_apply_change(struct document *doc, const struct lsp_range *range,
                          const char *text, size_t len, enum position_encoding enc);

/* Position <-> byte offset. */
size_t document_offset_at(const struct document *doc, struct lsp_position pos,
                          enum position_encoding enc);
struct lsp_position document_position_at(const struct document *doc, size_t offset,
                                         enum position_encoding enc);

/* Copies of text (malloc'd, NUL-terminated; *len set when len is not NULL). */
char *document_text(const struct document *doc, size_t *len);
char *document_slice(const struct document *doc, size_t start, size_t end, size_t *len);
/* The up to max_bytes bytes before / after offset, cut at a UTF-8 character boundary
 * and, when max_lines > 0, to at most max_lines lines (whole lines nearest the cursor). */
char *document_prefix(const struct document *doc, size_t offset, size_t max_bytes,
                      size_t max_lines, size_t *len);
char *document_suffix(const struct document *doc, size_t offset, size_t max_bytes,
                      size_t max_lines, size_t *len);
/* The text of one line without its line ending. */
char *document_line(const struct document *doc, uint32_t line, size_t *len);
/* "\r\n", "\r" or "\n": the first line ending in the text (default "\n"). */
const char *document_eol(const struct document *doc);

/* All open documents by URI. */
struct document_store;
struct document_store *document_store_new(void);
void document_store_free(struct document_store *store);
struct document *document_store_get(struct document_store *store, const char *uri);
/* Takes ownership; replaces (frees) a document with the same URI. */
void document_store_put(struct document_store *store, struct document *doc);
void document_store_remove(struct document_store *store, const char *uri);
/* Iteration: index from 0 until NULL. */
struct document *document_store_at(struct document_store *store, size_t index);
size_t document_store_count(const struct document_store *store);

#endif
