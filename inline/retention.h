/* What became of an inline suggestion in the document. The server remembers the last
 * suggestions it offered (attempt id, document, start, text: in memory only) and is
 * the one writer of their acceptance, partial and rejected ledger lines, whether the
 * editor reported them (switchboard.accept, partialAccept, rejected) or the document
 * showed them: for the latest answer of each document, every change is judged by
 * inline/outcome.h (inserted whole: accepted; a word or line of it: partial; typed
 * over: rejected), and written with "inferred":true. Each outcome is written once per
 * attempt, whichever source tells it first.
 *
 * An accepted suggestion (in full, or in part by word or line) is then followed
 * through the document's edits; retention_ms later (inline.retention_ms, default 30 s)
 * the ledger's "retained" signal counts how many of the accepted characters are still
 * there: chars N of M, counts only, never the text. Following and counting are
 * lsp/text_watch.h's (characters that still match at the start and the end of what
 * the text became). Closing the document measures at once and forgets its offers. */
#ifndef INLINE_RETENTION_H
#define INLINE_RETENTION_H
#include "lsp/server.h"
#include <stddef.h>

struct retention;

struct retention *retention_new(struct server *srv);
/* Cancels the timers without writing; frees once the loop has closed them. */
void retention_free(struct retention *rt);

/* A new answer for uri: the items offered before it are no longer judged from the
 * document (the editor shows the new ones). Call before its retention_offered. */
void retention_answer(struct retention *rt, const char *uri);
/* An item offered to the editor: insert_text at start of uri, the cursor at cursor
 * (what lies between them and matches insert_text is already there). */
void retention_offered(struct retention *rt, const char *attempt_id, const char *uri,
                       struct lsp_position start, struct lsp_position cursor, const char *insert_text);

/* What the editor reported. accept: in full; partial: its first chars characters
 * accepted so far (a later, longer one extends what is followed); reject: dismissed or
 * typed over. Each writes its ledger line unless the attempt already has it. */
void retention_accept(struct retention *rt, const char *attempt_id);
void retention_partial(struct retention *rt, const char *attempt_id, long chars);
void retention_reject(struct retention *rt, const char *attempt_id);

/* One change of a didChange, before it is applied (the document_will_change hook). */
void retention_will_change(struct retention *rt, struct document *doc, const struct lsp_range *range,
                           const char *text, size_t len);
void retention_document_changed(struct retention *rt, struct document *doc);
void retention_document_closed(struct retention *rt, const char *uri);

/* The measure itself (pure; exposed for tests): characters of `accepted` found at the
 * start and end of `now`, never more than either holds. */
long retention_matching_chars(const char *accepted, size_t accepted_len, const char *now,
                              size_t now_len);

#endif
