/* Whether a code action's edit reached the document, and whether it stayed: the
 * ledger's "applied" signal when the document first holds the edit's new text in place
 * (after codeAction/resolve the editor applies it; after switchboard.runAction,
 * workspace/applyEdit does), and "reverted" when, within ACTION_REVERT_WINDOW_MS, an
 * edit leaves fewer than half of its characters in place (undone, or rewritten). The
 * text is followed in memory only (lsp/text_watch.h); only counts reach the ledger.
 *
 * For the same window the applied edits also answer where they stand now, so the
 * code action menu can offer "Retry <action> with <stronger model>" on them
 * (actions/action_retry.h); so do the answers that edit nothing (a review's findings,
 * an explanation), followed by the text they were about. */
#ifndef ACTIONS_APPLIED_H
#define ACTIONS_APPLIED_H
#include "lsp/server.h"
#include <stddef.h>

#define ACTION_REVERT_WINDOW_MS 60000

struct applied_watches;

struct applied_watches *applied_watches_new(struct server *srv);
void applied_watches_free(struct applied_watches *aw);

/* The edit the editor was given, for the attempt that answered. */
struct applied_edit {
    const char *attempt_id;
    const char *action;              /* action id: "refactor", "user:<id>" */
    const char *model;               /* config name of the model that answered */
    const char *uri;
    struct lsp_position start;       /* the edit's new text, where it goes */
    const char *text;
    size_t len;
    struct lsp_position result_start;   /* the action's whole result (the selection as */
    const char *result;                 /* rewritten, the edit's text inside it) */
    size_t result_len;
};

/* Follows edit for window_ms. Empty texts (pure deletions) cannot be seen and are not
 * watched. */
void applied_watch(struct applied_watches *aw, const struct applied_edit *edit, uint64_t window_ms);

/* An answer that edits nothing (review, explain), about text[0, len) at start of uri:
 * followed for window_ms like an edit's result, with no signals (the text is the
 * user's own). */
void applied_shown(struct applied_watches *aw, const char *attempt_id, const char *action,
                   const char *model, const char *uri, struct lsp_position start, const char *text,
                   size_t len, uint64_t window_ms);

/* An applied edit (or a shown answer) as it stands now. Strings valid until the next
 * document change. */
struct applied_info {
    const char *attempt_id, *action, *model;
    struct lsp_range edit;           /* the edit's new text (a shown answer: its text) */
    struct lsp_range result;         /* the action's whole result (its text) */
};

/* The applied edits of doc (seen in place, inside their window, not reverted) and the
 * shown answers on it whose text touches range, newest first; at most max. Returns the
 * count. */
size_t applied_touching(struct applied_watches *aw, struct document *doc, struct lsp_range range,
                        struct applied_info *out, size_t max);

/* Stops following the edit of attempt_id without a signal: a retry replaces it, and its
 * own signal (retry_stronger) already says what became of it. */
void applied_forget(struct applied_watches *aw, const char *attempt_id);

void applied_document_changed(struct applied_watches *aw, struct document *doc);
void applied_document_closed(struct applied_watches *aw, const char *uri);

#endif
