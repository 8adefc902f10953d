/* switchboard.stats: the ledger summary as JSON (the same object as `switchboard stats
 * --json`). Optional first argument {"since": "7d", "by": "model|task|provider|day"}.
 * Built on the libuv thread pool, so a large ledger never stalls the server. */
#ifndef LSP_COMMAND_STATS_H
#define LSP_COMMAND_STATS_H
#include "lsp/server.h"

void command_stats(struct server *srv, struct rpc_request *req, const cJSON *params);

#endif
