/* The server object and its life cycle, for cli/main.c, the lsp/ modules that run the
 * server (lifecycle.c, initialize.c, services.c ...) and tests. Features use server.h
 * only. */
#ifndef LSP_SERVER_INTERNAL_H
#define LSP_SERVER_INTERNAL_H
#include "lsp/framing.h"
#include "lsp/rpc_internal.h"
#include "lsp/server.h"
#include "lsp/transport.h"

struct server_options {
    const char *config_path;        /* --config (NULL: the usual search) */
    size_t max_message_bytes;       /* 0: FRAME_DEFAULT_MAX_BODY */
    long client_pid;                /* --clientProcessId (0: none) */
    int in_fd, out_fd;              /* normally 0 and 1 */
    unsigned pid_poll_ms;           /* 0: default */
};

enum server_state { SERVER_UNINITIALIZED = 0, SERVER_RUNNING, SERVER_SHUT_DOWN };

struct feature_slot {
    const struct lsp_feature *feature;
    void *state;
};

struct server {
    uv_loop_t *loop;
    struct server_options opts;
    char *config_path;
    struct transport *transport;
    struct frame_parser parser;
    struct rpc *rpc;
    enum server_state state;
    bool stopping, stopped, features_up, services_up;
    int exit_code;
    struct document_store *docs;
    enum position_encoding encoding;
    cJSON *client_capabilities;      /* owned; an empty object before initialize */
    cJSON *initialization_options;   /* owned or NULL */
    char *root_path;
    long client_pid;
    uv_timer_t pid_timer;
    bool pid_timer_open;
    uv_signal_t sigterm, sigint;
    bool signals_open;
    struct feature_slot *slots;
    size_t slot_count;
    /* Services wired by services.c at initialize (NULL before, and after shutdown). */
    struct router *router;
    struct ledger *ledger;
    struct http_engine *http;
    struct config *config;
    struct services *services;       /* services.c's own state */
    /* Output hook for tests and benchmarks (instead of the stdio transport). */
    void (*write_hook)(void *data, const char *header, size_t header_len, const char *body,
                       size_t body_len);
    void *write_hook_data;
};

struct server *server_new(uv_loop_t *loop, const struct server_options *opts);
/* Opens stdio (unless a write hook is set) and starts reading. Returns 0 or < 0. */
int server_start(struct server *srv);
/* Feeds transport bytes (used by the transport, tests and benchmarks). */
void server_feed(struct server *srv, const char *bytes, size_t len);
/* Stops: cancels pending work, shuts features and services down, flushes and closes
 * every handle; uv_run then returns. Idempotent. */
void server_stop(struct server *srv, int exit_code);
int server_exit_code(const struct server *srv);
bool server_is_stopped(const struct server *srv);
/* Frees everything; the loop must have run until server_stop finished. */
void server_free(struct server *srv);
const char *server_config_path(struct server *srv);
const cJSON *server_initialization_options(struct server *srv);

#endif
