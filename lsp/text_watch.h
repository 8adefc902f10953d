/* Following a text the editor put into a document (an accepted suggestion, an applied
 * code action) through the document's later edits, in memory only, to tell what
 * became of it: counts of characters, never the text, leave this module.
 *
 * A watch names a document, the position where the text should be, and the text. It
 * is "seen" once the document holds the text there (the editor's didChange may come
 * after the command that announced it: every change until then checks again). From
 * then on the document_changed hook, which does not say what changed, is answered with
 * a snapshot and text_diff (one changed region), as the review store does: an edit
 * before the text moves it; one inside it or over its edge widens the region to cover
 * what replaced it. "kept" is the number of characters (Unicode code points) of the
 * text found at the start and at the end of the region, never more than either holds:
 * deleting and retyping the same text keeps it; rewriting or undoing it does not.
 * Only documents with a live watch pay for snapshots. */
#ifndef LSP_TEXT_WATCH_H
#define LSP_TEXT_WATCH_H
#include "lsp/server.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct text_watches;
struct text_watch;

enum text_watch_event {
    TEXT_WATCH_SEEN,     /* the document holds the text in place (once) */
    TEXT_WATCH_EDITED,   /* a change touched the region (after SEEN) */
    TEXT_WATCH_END,      /* the window is over or the document closed; the watch ends */
};

/* kept and of: characters kept and in the text (-1 both at END when never seen).
 * Called on the loop; the callback may end the watch (text_watch_end) unless the
 * event is TEXT_WATCH_END, after which it is gone anyway. */
typedef void (*text_watch_fn)(void *data, struct text_watch *watch, enum text_watch_event event,
                              long kept, long of);

struct text_watches *text_watches_new(struct server *srv);
/* Ends every watch without callbacks; frees once the loop has closed their timers. */
void text_watches_free(struct text_watches *watches);

/* Watches text[0, len) at start of uri for window_ms. data is the caller's, freed by
 * nobody here. check_now: look at the document at once (an acceptance announced after
 * the insertion); false waits for the next change (an edit not applied yet, whose text
 * might by chance already be there). */
struct text_watch *text_watch_add(struct text_watches *watches, const char *uri,
                                  struct lsp_position start, const char *text, size_t len,
                                  uint64_t window_ms, bool check_now, text_watch_fn fn, void *data);
/* The watch of this data pointer, or NULL. */
struct text_watch *text_watch_find(struct text_watches *watches, const void *data);
/* A longer text at the same start (a later partial accept): checked again. */
void text_watch_extend(struct text_watch *watch, const char *text, size_t len);
size_t text_watch_length(const struct text_watch *watch);
/* Where the text stands now: bytes [start, end) of the document as of its last change
 * (the region followed through edits). false until seen. */
bool text_watch_region(const struct text_watch *watch, size_t *start, size_t *end);
/* Ends the watch now, without a callback (again: nothing). A callback may end other
 * watches too: the loops that call back skip the ended ones. */
void text_watch_end(struct text_watch *watch);

void text_watches_document_changed(struct text_watches *watches, struct document *doc);
void text_watches_document_closed(struct text_watches *watches, const char *uri);

/* The measure (pure): characters of a found at the start and the end of b. */
long text_matching_chars(const char *a, size_t alen, const char *b, size_t blen);
long text_code_points(const char *s, size_t n);

#endif
