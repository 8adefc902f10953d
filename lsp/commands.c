/* workspace/executeCommand: runs only commands of the lsp_commands table, which is
 * also what executeCommandProvider advertises (Neovim runs an inline item's command
 * only when its id is listed there). Features add their entries to the table. */
#include "lsp/commands.h"
#include "lsp/code_action.h"
#include "lsp/service_commands.h"
#include "base/log.h"
#include "lsp/inline.h"
#include <string.h>

const struct lsp_command lsp_commands[] = {
    { "switchboard.accept", inline_command_accept },
    { "switchboard.stats", command_stats },
    { "switchboard.explainRoute", command_explain_route },
    { "switchboard.reloadConfig", command_reload_config },
    { CODE_ACTION_COMMAND, code_action_run_command },
    { NULL, NULL },
};

const struct lsp_command *lsp_command_find(const struct lsp_command *table, const char *name)
{
    for (const struct lsp_command *c = table; name && c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

static void execute_command(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const char *name = json_get_string(params, "command");
    if (!name) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "executeCommand needs a command name");
        return;
    }
    const cJSON *args = json_get(params, "arguments");
    if (args && !cJSON_IsArray(args)) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "arguments must be an array");
        return;
    }
    const struct lsp_command *cmd = lsp_command_find(lsp_commands, name);
    if (!cmd) {
        log_warn("unknown command %s", name);
        rpc_reply_error(req, RPC_INVALID_PARAMS, "unknown command %s", name);
        return;
    }
    cmd->run(srv, req, params);
}

static void add_capabilities(struct server *srv, cJSON *caps)
{
    (void)srv;
    if (!lsp_commands[0].name) return;   /* nothing to advertise yet */
    cJSON *provider = cJSON_AddObjectToObject(caps, "executeCommandProvider");
    cJSON *list = cJSON_AddArrayToObject(provider, "commands");
    for (const struct lsp_command *c = lsp_commands; c->name; c++)
        cJSON_AddItemToArray(list, cJSON_CreateString(c->name));
}

static const struct lsp_method methods[] = {
    { "workspace/executeCommand", execute_command, NULL },
    { NULL, NULL, NULL },
};

const struct lsp_feature commands_feature = {
    .name = "commands",
    .methods = methods,
    .add_capabilities = add_capabilities,
};
