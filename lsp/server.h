/* The language server: lifecycle, capabilities, client capabilities, and the table of
 * features. A feature is a const struct lsp_feature (house style: a const table of
 * functions); the server dispatches methods to the feature that names them and asks
 * each feature to add its capabilities, so only what is implemented is advertised. */
#ifndef LSP_SERVER_H
#define LSP_SERVER_H
#include "lsp/document.h"
#include "lsp/rpc.h"
#include "base/json.h"
#include <cjson/cJSON.h>
#include <uv.h>

struct router;
struct ledger;
struct http_engine;
struct config;

typedef void (*lsp_request_fn)(struct server *srv, struct rpc_request *req, const cJSON *params);
typedef void (*lsp_notification_fn)(struct server *srv, const cJSON *params);

struct lsp_method {
    const char *method;
    lsp_request_fn request;            /* exactly one of these is set */
    lsp_notification_fn notification;
};

struct lsp_feature {
    const char *name;
    const struct lsp_method *methods;  /* terminated by { NULL } */
    /* Adds this feature's entries to the server capabilities object (may be NULL). */
    void (*add_capabilities)(struct server *srv, cJSON *capabilities);
    void (*init)(struct server *srv);        /* after initialize; may be NULL */
    void (*shutdown)(struct server *srv);    /* cancel timers, free state; may be NULL */
    /* A document changed or closed (to cancel/supersede work); may be NULL. */
    void (*document_changed)(struct server *srv, struct document *doc);
    void (*document_closed)(struct server *srv, const char *uri);
    /* One change of a didChange is about to be applied (range NULL: the whole text);
     * the document still holds the old text, so the feature can see what is replaced
     * (next-edit history). May be NULL. */
    void (*document_will_change)(struct server *srv, struct document *doc,
                                 const struct lsp_range *range, const char *text, size_t len);
    /* workspace/executeCommand entries this feature runs, terminated by { NULL }
     * (may be NULL). lsp/commands.c advertises and dispatches the union of them,
     * so the protocol layer never names a feature above it. */
    const struct lsp_command *commands;
};

struct lsp_command {
    const char *name;                  /* "switchboard.accept" */
    lsp_request_fn run;                /* params = the ExecuteCommandParams object */
};

/* The program's features, NULL-terminated. The lsp layer only walks the table; the
 * program that links it provides it (cli/features.c), so the protocol core does not
 * depend on the capabilities built on it. */
extern const struct lsp_feature *const lsp_features[];

/* Accessors for features. */
uv_loop_t *server_loop(struct server *srv);
struct document_store *server_documents(struct server *srv);
enum position_encoding server_encoding(struct server *srv);
const cJSON *server_client_capabilities(struct server *srv);   /* initialize params.capabilities */
/* A nested client capability or NULL: server_client_capability(srv, "textDocument.codeAction.resolveSupport") */
const cJSON *server_client_capability(struct server *srv, const char *dotted_path);
struct router *server_router(struct server *srv);
struct ledger *server_ledger(struct server *srv);
struct http_engine *server_http(struct server *srv);
struct config *server_config(struct server *srv);        /* current, borrowed */
const char *server_root_path(struct server *srv);       /* workspace root (file path) or NULL */
/* Per-feature state slot, keyed by the feature's address. */
void *server_feature_state(struct server *srv, const struct lsp_feature *feature);
void server_set_feature_state(struct server *srv, const struct lsp_feature *feature, void *state);

/* window/showMessage, window/logMessage (type 1 error .. 4 log). */
void server_show_message(struct server *srv, int type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void server_log_message(struct server *srv, int type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Replaces the configuration (reload / didChangeConfiguration); reports problems to
 * the editor and keeps the last good one. Returns 0 when applied. */
int server_reload_config(struct server *srv, const cJSON *overrides);
/* switchboard/status notification (model that answered, in flight, spend today, breakers). */
void server_send_status(struct server *srv, const char *last_model);
/* A feature's own field in every switchboard/status from now on (e.g. "inline_enabled");
 * takes value. last_model NULL in server_send_status keeps the last model named. */
void server_set_status_field(struct server *srv, const char *key, cJSON *value);

/* Params are read with base/json.h (included here for every handler). Parses an LSP Position / Range object; returns false when malformed. */
bool json_to_position(const cJSON *obj, struct lsp_position *out);
bool json_to_range(const cJSON *obj, struct lsp_range *out);
cJSON *position_to_json(struct lsp_position pos);
cJSON *range_to_json(struct lsp_range range);
/* Whether two ranges overlap or meet (a range ending where the other starts touches it). */
bool lsp_ranges_touch(struct lsp_range a, struct lsp_range b);

#endif
