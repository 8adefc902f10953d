/* Edit history for next-edit suggestions: the user's recent changes per open document,
 * coalesced (consecutive keystrokes in one place are one edit) and bounded (the last N
 * edits or B bytes per document, a fixed number of documents), rendered as unified diffs
 * for the prompt. Memory stays bounded whatever the editor sends: an edit larger than a
 * document's byte budget is kept cut short and is never coalesced further. Pure: the
 * caller extracts the text around each change from the document before applying it. */
#ifndef NES_HISTORY_H
#define NES_HISTORY_H
#include <stdbool.h>
#include "base/buf.h"
#include <stddef.h>
#include <stdint.h>

struct nes_history_limits {
    size_t edits_per_document;   /* default 10 */
    size_t bytes_per_document;   /* default 2048: text kept of one document's edits */
    size_t other_file_edits;     /* edits of other documents shown in a prompt (default 3) */
    size_t documents;            /* documents tracked at most (default 64) */
};

/* One change, as the editor sent it, against the text before it is applied: bytes
 * [start, start + old_len) were `old_text` and become `new_text`. `head` is the text
 * from the start of the line to `start`, `tail` from the end of the old text to the end
 * of its line (context for the diff; the module keeps only their near ends). */
struct nes_change {
    const char *uri;
    const char *path;           /* shown in the diff header; NULL = the URI */
    size_t start;
    const char *old_text; size_t old_len;
    const char *new_text; size_t new_len;
    const char *head; size_t head_len;
    const char *tail; size_t tail_len;
    uint32_t line;              /* 0-based line of `start` */
};

struct nes_history;

/* Zero fields take the defaults. */
struct nes_history *nes_history_new(struct nes_history_limits limits);
void nes_history_free(struct nes_history *h);

void nes_history_record(struct nes_history *h, const struct nes_change *change);
/* The document closed (or was replaced): its edits go. */
void nes_history_forget(struct nes_history *h, const char *uri);

/* Appends the recent edits as unified diffs: the latest edits of other documents, then
 * this document's, oldest first. Nothing when there are none. */
/* may_send (NULL: every file) decides, per other file, whether its edits may go into
 * this request's prompt: the privacy rule, so an excluded or local-only file's text
 * never rides along with another file's request. */
typedef bool (*nes_may_send_fn)(void *data, const char *uri);
void nes_history_render(const struct nes_history *h, const char *uri, struct buf *out);
void nes_history_render_filtered(const struct nes_history *h, const char *uri, struct buf *out,
                                 nes_may_send_fn may_send, void *data);

/* For tests and the bounds: edits and bytes held for one document. */
size_t nes_history_edit_count(const struct nes_history *h, const char *uri);
size_t nes_history_bytes(const struct nes_history *h, const char *uri);

#endif
