/* JSON-RPC 2.0 over the LSP transport: incoming requests with exactly-once replies
 * and cancellation, notifications, and requests the server sends to the client (its
 * own id space, with callbacks). All JSON is cJSON; functions that take a cJSON*
 * argument take ownership of it. */
#ifndef LSP_RPC_H
#define LSP_RPC_H
#include <cjson/cJSON.h>
#include <stdbool.h>

/* JSON-RPC and LSP error codes. */
#define RPC_PARSE_ERROR            -32700
#define RPC_INVALID_REQUEST        -32600
#define RPC_METHOD_NOT_FOUND       -32601
#define RPC_INVALID_PARAMS         -32602
#define RPC_INTERNAL_ERROR         -32603
#define RPC_SERVER_NOT_INITIALIZED -32002
#define RPC_UNKNOWN_ERROR          -32001
#define RPC_REQUEST_FAILED         -32803
#define RPC_SERVER_CANCELLED       -32802
#define RPC_CONTENT_MODIFIED       -32801
#define RPC_REQUEST_CANCELLED      -32800

struct server;
struct rpc_request;

/* Called when the client cancels the request ($/cancelRequest) or the server shuts
 * down. The handler must release what it holds for the request and reply (usually
 * rpc_reply_error(req, RPC_REQUEST_CANCELLED, ...)), now or later; if it does not
 * reply before returning, the rpc layer replies RequestCancelled for it. */
typedef void (*rpc_cancel_fn)(struct rpc_request *req, void *data);
/* A request whose handler set no cancel callback is answered RequestCancelled at once
 * when cancelled; the request object stays valid until the handler's own rpc_reply,
 * which is then dropped and frees it (or until the server exits). So a handler may
 * always reply, but one that holds resources should set a callback to free them. */

/* The request's id rendered as text ("7" or "\"abc\""), method and params (borrowed,
 * valid until the reply). */
const char *rpc_request_id_text(const struct rpc_request *req);
const char *rpc_request_method(const struct rpc_request *req);
bool rpc_request_is_cancelled(const struct rpc_request *req);
void rpc_request_on_cancel(struct rpc_request *req, rpc_cancel_fn fn, void *data);
struct server *rpc_request_server(const struct rpc_request *req);

/* Exactly one of these per request; the request is freed by it. result may be NULL
 * (sends null). A second reply is a programming error: logged and ignored. */
void rpc_reply(struct rpc_request *req, cJSON *result);
void rpc_reply_error(struct rpc_request *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void rpc_notify(struct server *srv, const char *method, cJSON *params);

/* Server -> client request. cb gets (result, NULL) or (NULL, error object); both
 * borrowed. cb is called with (NULL, NULL) if the server shuts down first. */
typedef void (*rpc_response_fn)(struct server *srv, const cJSON *result, const cJSON *error,
                                void *data);
void rpc_call(struct server *srv, const char *method, cJSON *params, rpc_response_fn cb,
              void *data);

#endif
