/* executeCommand dispatch over the features' command tables (server.h). */
#ifndef LSP_COMMANDS_H
#define LSP_COMMANDS_H
#include "lsp/server.h"

/* The entry named name in a { NULL }-terminated table, or NULL. */
/* workspace/executeCommand and the service commands (stats, explainRoute,
 * reloadConfig), which work whatever the configuration. */
extern const struct lsp_feature commands_feature;

const struct lsp_command *lsp_command_find(const struct lsp_command *table, const char *name);
/* The command named name in any feature's table, or NULL. */
const struct lsp_command *lsp_command_lookup(const char *name);

#endif
