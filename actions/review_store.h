/* Review findings kept as diagnostics: published with textDocument/publishDiagnostics
 * (source "switchboard"), replaced by the next review of the document, and dropped
 * one by one when an edit touches their lines (findings below an edit move with it).
 * The store keeps a snapshot of each reviewed document to see what an edit changed,
 * since the document_changed hook does not say.
 *
 * Each finding that goes away writes a ledger signal for the review's attempt:
 * finding_fixed when an edit touched its lines (that is what removes it), and
 * finding_dismissed when it goes away untouched: the document is closed, or a new review
 * of the document replaces it. */
#ifndef ACTIONS_REVIEW_STORE_H
#define ACTIONS_REVIEW_STORE_H
#include "lsp/document.h"
#include <stddef.h>

struct server;
struct review_store;

struct review_diagnostic {
    struct lsp_range range;   /* in the negotiated encoding */
    int severity;             /* 1 error .. 4 hint */
    char *message;            /* malloc'd; owned by the store once set */
};

struct review_store *review_store_new(void);
/* Frees without publishing (shutdown). */
void review_store_free(struct review_store *store);

/* Replaces doc's findings with items (takes ownership of items and their messages)
 * and publishes them. count 0 clears. attempt_id: the review's answering attempt (the
 * ledger signals name it; NULL or "" writes none). */
void review_store_set(struct review_store *store, struct server *srv, struct document *doc,
                      struct review_diagnostic *items, size_t count, const char *attempt_id);
void review_store_document_changed(struct review_store *store, struct server *srv,
                                   struct document *doc);
/* Clears the document's diagnostics in the editor and forgets them. */
void review_store_document_closed(struct review_store *store, struct server *srv,
                                  const char *uri);
/* Number of findings kept for uri (tests, status). */
size_t review_store_count(const struct review_store *store, const char *uri);

#endif
