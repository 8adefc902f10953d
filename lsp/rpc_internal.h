/* The JSON-RPC engine behind rpc.h, used by the server: feeds it message bodies,
 * gives it a writer, and receives requests and notifications through callbacks.
 * Not for features (they use rpc.h). */
#ifndef LSP_RPC_INTERNAL_H
#define LSP_RPC_INTERNAL_H
#include "lsp/framing.h"
#include "lsp/rpc.h"
#include <stddef.h>

struct rpc;

enum rpc_trace { RPC_TRACE_OFF = 0, RPC_TRACE_MESSAGES, RPC_TRACE_VERBOSE };

struct rpc_handlers {
    /* params may be NULL. The handler must eventually reply exactly once. */
    void (*request)(struct server *srv, struct rpc_request *req, const char *method,
                    const cJSON *params);
    void (*notification)(struct server *srv, const char *method, const cJSON *params);
    /* Writes one framed message (header then body). */
    void (*write)(void *data, const char *header, size_t header_len, const char *body,
                  size_t body_len);
    void *write_data;
};

struct rpc *rpc_new(struct server *srv, const struct rpc_handlers *handlers);
/* Frees the engine; call rpc_shutdown first. */
void rpc_free(struct rpc *rpc);
/* Handles one framed message body (parse errors are answered here). */
void rpc_handle_body(struct rpc *rpc, const char *body, size_t len);
/* Answers a framing error: an error response when the message's id is known (or a
 * ParseError with id null for a bad header). */
void rpc_handle_frame_error(struct rpc *rpc, const struct frame_event *ev);
/* Cancels every pending incoming request (each gets exactly one answer). */
void rpc_cancel_all(struct rpc *rpc);
/* rpc_cancel_all, then every outstanding server->client call gets (NULL, NULL); any
 * later message is dropped. */
void rpc_shutdown(struct rpc *rpc);
size_t rpc_pending_requests(const struct rpc *rpc);
size_t rpc_pending_calls(const struct rpc *rpc);
void rpc_set_trace(struct rpc *rpc, enum rpc_trace trace);
enum rpc_trace rpc_get_trace(const struct rpc *rpc);
/* "off" | "messages" | "verbose" -> trace; -1 when unknown. */
int rpc_trace_parse(const char *name);
/* The engine behind a server (defined by server.c). */
struct rpc *server_rpc(struct server *srv);

#endif
