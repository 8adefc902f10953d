/* LSP life cycle and dispatch: what the rpc engine calls for each request and
 * notification. Built-in methods (initialize, shutdown, exit, $/setTrace,
 * workspace/didChangeConfiguration) first, then the features' method tables. */
#ifndef LSP_LIFECYCLE_H
#define LSP_LIFECYCLE_H
#include "lsp/server.h"

void lifecycle_request(struct server *srv, struct rpc_request *req, const char *method,
                       const cJSON *params);
void lifecycle_notification(struct server *srv, const char *method, const cJSON *params);
/* While the configuration refuses everything (services_refusal), answers req with
 * RequestFailed naming the problem and returns true; else false. For requests that
 * would send code to a model. */
bool lifecycle_refuse(struct server *srv, struct rpc_request *req);
/* Cancels pending requests, then runs every feature's shutdown and stops services
 * (once). */
void lifecycle_shutdown_features(struct server *srv);
/* Starts polling pid (kill(pid, 0)); the server exits with 1 when it is gone. */
void lifecycle_watch_pid(struct server *srv, long pid);
/* Handles initialize (initialize.c). */
void lifecycle_initialize(struct server *srv, struct rpc_request *req, const cJSON *params);
/* Picks the position encoding from the client's general.positionEncodings. */
enum position_encoding lifecycle_negotiate_encoding(const cJSON *capabilities);

#endif
