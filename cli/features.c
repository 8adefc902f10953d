/* The table of LSP features. Each feature is one const struct lsp_feature in its own
 * file; add yours here (one line each, keep the others). */
#include "lsp/server.h"

extern const struct lsp_feature text_sync_feature;
extern const struct lsp_feature commands_feature;
extern const struct lsp_feature inline_feature;
extern const struct lsp_feature code_action_feature;
extern const struct lsp_feature next_edit_feature;

const struct lsp_feature *const lsp_features[] = {
    &text_sync_feature,
    &commands_feature,
    &inline_feature,
    &code_action_feature,
    &next_edit_feature,
    NULL,
};
