/* Whether a code action's edit reached the document, and whether it stayed: the
 * ledger's "applied" signal when the document first holds the edit's new text in place
 * (after codeAction/resolve the editor applies it; after switchboard.runAction,
 * workspace/applyEdit does), and "reverted" when, within ACTION_REVERT_WINDOW_MS, an
 * edit leaves fewer than half of its characters in place (undone, or rewritten). The
 * text is followed in memory only (lsp/text_watch.h); only counts reach the ledger. */
#ifndef ACTIONS_APPLIED_H
#define ACTIONS_APPLIED_H
#include "lsp/server.h"
#include <stddef.h>

#define ACTION_REVERT_WINDOW_MS 60000

struct applied_watches;

struct applied_watches *applied_watches_new(struct server *srv);
void applied_watches_free(struct applied_watches *aw);

/* The edit the editor was given: new text at start of uri, for the attempt that
 * answered. Empty texts (pure deletions) cannot be seen and are not watched. */
void applied_watch(struct applied_watches *aw, const char *attempt_id, const char *uri,
                   struct lsp_position start, const char *text, size_t len, uint64_t window_ms);

void applied_document_changed(struct applied_watches *aw, struct document *doc);
void applied_document_closed(struct applied_watches *aw, const char *uri);

#endif
