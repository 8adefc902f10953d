/* A next-edit prediction offered from one feature to another. The inline feature
 * serves a predicted edit at the cursor as an ordinary inline completion (editors
 * without next-edit support get the common case, docs/next-edit.md), but inline/ and
 * nes/ are rooms on one floor and do not include each other: the feature that
 * predicts edits fills this table (struct lsp_feature.edit_predictor) and
 * server_edit_predictor() finds it for the one that asks. Offsets are bytes of the
 * document as it is when the prediction is handed over. */
#ifndef LSP_EDIT_PREDICTION_H
#define LSP_EDIT_PREDICTION_H
#include <stdbool.h>
#include <stddef.h>

struct server;

/* The first edit of a prediction: replace [start, end) with text. */
struct lsp_predicted_edit {
    size_t start, end;
    char *text;
    char *attempt_id;             /* ledger attempt of the prediction (acceptance) */
    char *model;
    const char *accept_command;   /* static: runs with [attempt_id, uri, model] */
};

void lsp_predicted_edit_free(struct lsp_predicted_edit *e);

struct lsp_edit_prediction;       /* one prediction in flight (the predictor's own) */

/* Called once with the edit (the receiver owns it) or NULL: no suggestion. */
typedef void (*lsp_edit_predicted_fn)(void *data, struct lsp_predicted_edit *edit);

struct lsp_edit_predictor {
    /* The document's last answer, when it is for the current version and still has an
     * edit near cursor: no model call. NULL otherwise. */
    struct lsp_predicted_edit *(*live)(struct server *srv, const char *uri, size_t cursor);
    /* The live answer, else a new prediction. Returns NULL when nothing is sent (off,
     * not wanted for this client, excluded file...): done is then never called.
     * Otherwise done comes exactly once, from the loop, unless cancelled first. */
    struct lsp_edit_prediction *(*start)(struct server *srv, const char *uri, size_t cursor,
                                         const char *request_id, lsp_edit_predicted_fn done,
                                         void *data);
    /* Ends a prediction before done (its upstream request is cancelled); done is not
     * called. */
    void (*cancel)(struct server *srv, struct lsp_edit_prediction *p);
};

/* The predictor of the program's features, or NULL when none predicts edits. */
const struct lsp_edit_predictor *server_edit_predictor(void);

#endif
