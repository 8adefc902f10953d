/* Next-edit predictions served as ordinary items, for editors without next-edit
 * support (Helix, plain LSP clients: docs/next-edit.md): with next_edit.serve_inline,
 * an inline or completion request also gets the document's next-edit prediction (the
 * live answer, else one next_edit run alongside the inline runs, through the
 * predictor of lsp/edit_prediction.h), and when its first edit is at or after the
 * cursor on the cursor's line it becomes one more item: an InlineCompletionItem
 * replacing [cursor, edit end], or a CompletionItem with that textEdit. The item's
 * command is the next edit's accept command, so accepting it is the next_edit
 * attempt's acceptance. A request owns one struct inline_nes (zeroed when made). */
#ifndef INLINE_INLINE_NES_H
#define INLINE_INLINE_NES_H
#include "lsp/edit_prediction.h"
#include "lsp/server.h"
#include <stdbool.h>

struct inline_nes {
    struct server *srv;
    struct lsp_edit_prediction *running;   /* a prediction in flight, or NULL */
    void (*ready)(void *data);             /* it ended (with an item or not) */
    void *data;
    char *uri;
    struct lsp_position pos;               /* the request's cursor (server encoding) */
    /* The item, once there is one: insert replaces [pos, end). */
    char *insert;                          /* NULL: no item */
    struct lsp_position end;
    struct lsp_predicted_edit *edit;       /* attempt, model, accept command */
    bool live;                             /* the live answer had an edit (maybe elsewhere) */
};

/* The live answer only (no model call): true when it gave an item. */
bool inline_nes_live(struct inline_nes *n, struct server *srv, const char *uri,
                     struct lsp_position pos);
/* The live answer, else a prediction whose end calls ready(data) once, from the loop.
 * Returns true only in that case (a prediction runs); false when there is an item
 * already, the live answer's edits are elsewhere (a new prediction would cost a model
 * call to say the same), or nothing was sent. */
bool inline_nes_start(struct inline_nes *n, struct server *srv, const char *uri,
                      struct lsp_position pos, const char *request_id, void (*ready)(void *),
                      void *data);
bool inline_nes_waiting(const struct inline_nes *n);
bool inline_nes_has_item(const struct inline_nes *n);
/* Cancels a prediction in flight (upstream too); ready is not called. */
void inline_nes_cancel(struct inline_nes *n);
void inline_nes_free(struct inline_nes *n);

/* Adds the item to an inlineCompletion result's items, after the inline model's own;
 * not when one of those texts (count of them) inserts exactly the same at the cursor. */
void inline_nes_add_inline_item(const struct inline_nes *n, cJSON *items, char *const *texts,
                                size_t count);
/* Adds the item to a completion result's items: word (typed before the cursor, from
 * word_start) is kept in the edit so the client's filtering keeps the item; index
 * orders it after the others. */
void inline_nes_add_completion_item(const struct inline_nes *n, cJSON *items, const char *word,
                                    struct lsp_position word_start, char *const *texts,
                                    size_t count);

/* The edit [start, end) -> text as typed from cursor. What the edit keeps unchanged at
 * its start and end is trimmed (a whole-line edit often changes a few words), then it
 * must start at or after cursor and end on the cursor's line. Returns the text that
 * replaces [cursor, *out_end) (malloc'd), or NULL when the edit is elsewhere or empty.
 * Pure. */
char *inline_nes_from_cursor(const struct document *doc, size_t cursor, size_t start, size_t end,
                             const char *text, size_t *out_end);

#endif
