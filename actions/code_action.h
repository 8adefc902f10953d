/* AI code actions: textDocument/codeAction offers them (no model call),
 * codeAction/resolve runs the ones that produce an edit, and the
 * switchboard.runAction command runs any of them for clients without resolve
 * support (applying edits with workspace/applyEdit). See docs/code-actions.md. */
#ifndef ACTIONS_CODE_ACTION_H
#define ACTIONS_CODE_ACTION_H
#include "lsp/server.h"

extern const struct lsp_feature code_action_feature;

/* workspace/executeCommand "switchboard.runAction" (lsp/commands.c's table):
 * arguments[0] is the CodeAction's data. */
void code_action_run_command(struct server *srv, struct rpc_request *req, const cJSON *params);

#define CODE_ACTION_COMMAND "switchboard.runAction"

#endif
