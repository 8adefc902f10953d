/* Finding the edit predictor among the features (see edit_prediction.h). */
#include "lsp/edit_prediction.h"
#include "lsp/server.h"
#include <stdlib.h>

void lsp_predicted_edit_free(struct lsp_predicted_edit *e)
{
    if (!e) return;
    free(e->text);
    free(e->attempt_id);
    free(e->model);
    free(e);
}

const struct lsp_edit_predictor *server_edit_predictor(void)
{
    for (const struct lsp_feature *const *f = lsp_features; *f; f++)
        if ((*f)->edit_predictor) return (*f)->edit_predictor;
    return NULL;
}
