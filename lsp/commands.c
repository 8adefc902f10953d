/* workspace/executeCommand: runs only the commands that features list in their
 * `commands` table, which is also what executeCommandProvider advertises (Neovim
 * runs an inline item's command only when its id is listed there). */
#include "lsp/commands.h"
#include "lsp/service_commands.h"
#include "lsp/lifecycle.h"
#include "base/log.h"
#include <string.h>

static const struct lsp_command service_commands[] = {
    { "switchboard.stats", command_stats },
    { "switchboard.explainRoute", command_explain_route },
    { "switchboard.reloadConfig", command_reload_config },
    { "switchboard.pin", command_pin },
    { NULL, NULL },
};

const struct lsp_command *lsp_command_find(const struct lsp_command *table, const char *name)
{
    for (const struct lsp_command *c = table; name && c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

const struct lsp_command *lsp_command_lookup(const char *name)
{
    for (const struct lsp_feature *const *f = lsp_features; *f; f++) {
        const struct lsp_command *c = (*f)->commands ? lsp_command_find((*f)->commands, name) : NULL;
        if (c) return c;
    }
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
    const struct lsp_command *cmd = lsp_command_lookup(name);
    if (!cmd) {
        log_warn("unknown command %s", name);
        rpc_reply_error(req, RPC_INVALID_PARAMS, "unknown command %s", name);
        return;
    }
    /* Feature commands (runAction, accept) reach models; the service commands do not
     * and must work with an invalid configuration (reloadConfig is the way out). */
    if (!lsp_command_find(service_commands, name) && lifecycle_refuse(srv, req)) return;
    cmd->run(srv, req, params);
}

static void add_capabilities(struct server *srv, cJSON *caps)
{
    (void)srv;
    cJSON *list = NULL;
    for (const struct lsp_feature *const *f = lsp_features; *f; f++)
        for (const struct lsp_command *c = (*f)->commands; c && c->name; c++) {
            if (!list)
                list = cJSON_AddArrayToObject(cJSON_AddObjectToObject(caps, "executeCommandProvider"),
                                              "commands");
            cJSON_AddItemToArray(list, cJSON_CreateString(c->name));
        }
}

static const struct lsp_method methods[] = {
    { "workspace/executeCommand", execute_command, NULL },
    { NULL, NULL, NULL },
};

const struct lsp_feature commands_feature = {
    .name = "commands",
    .methods = methods,
    .add_capabilities = add_capabilities,
    .commands = service_commands,
};
