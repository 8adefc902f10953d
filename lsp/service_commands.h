/* executeCommand handlers over the services: switchboard.stats (the ledger summary as
 * JSON, plus the rendered table in "text"), switchboard.explainRoute (the plan the
 * router would follow for a task, and why), switchboard.reloadConfig and switchboard.pin
 * (the user's model for a task, see router_pin). */
#ifndef LSP_SERVICE_COMMANDS_H
#define LSP_SERVICE_COMMANDS_H
#include "lsp/server.h"

void command_stats(struct server *srv, struct rpc_request *req, const cJSON *params);
void command_explain_route(struct server *srv, struct rpc_request *req, const cJSON *params);
void command_pin(struct server *srv, struct rpc_request *req, const cJSON *params);
void command_reload_config(struct server *srv, struct rpc_request *req, const cJSON *params);

#endif
