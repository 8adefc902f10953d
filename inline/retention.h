/* What became of an inline suggestion in the document: the server remembers the last
 * suggestions it offered (attempt id, document, start, text: in memory only), and when
 * one is accepted (in full, or in part by word or line) it follows the accepted text
 * through the document's edits. retention_ms later (inline.retention_ms, default 30 s)
 * it counts how many of the accepted characters are still there and writes the
 * ledger's "retained" signal: chars N of M, counts only, never the text. Following and
 * counting are lsp/text_watch.h's (characters that still match at the start and the end
 * of what the text became). Closing the document measures at once. */
#ifndef INLINE_RETENTION_H
#define INLINE_RETENTION_H
#include "lsp/server.h"
#include <stddef.h>

struct retention;

struct retention *retention_new(struct server *srv);
/* Cancels the timers without writing; frees once the loop has closed them. */
void retention_free(struct retention *rt);

/* An item offered to the editor: insert_text at start of uri. */
void retention_offered(struct retention *rt, const char *attempt_id, const char *uri,
                       struct lsp_position start, const char *insert_text);
/* The item was accepted: chars < 0 in full, else its first chars characters (a partial
 * accept; a later, longer one extends what is tracked). Returns false when the
 * attempt was not offered recently or the document no longer holds the text there
 * (nothing is then measured). */
bool retention_accepted(struct retention *rt, const char *attempt_id, long chars);

void retention_document_changed(struct retention *rt, struct document *doc);
void retention_document_closed(struct retention *rt, const char *uri);

/* The measure itself (pure; exposed for tests): characters of `accepted` found at the
 * start and end of `now`, never more than either holds. */
long retention_matching_chars(const char *accepted, size_t accepted_len, const char *now,
                              size_t now_len);

#endif
