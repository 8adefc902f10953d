/* Life cycle and method dispatch (see lifecycle.h). The rules come from the LSP spec:
 * before initialize, requests get ServerNotInitialized and notifications are dropped
 * (except exit); after shutdown, requests get InvalidRequest; exit ends the process
 * with 0 only after shutdown. */
#include "lsp/lifecycle.h"
#include "lsp/commands.h"
#include "lsp/server_internal.h"
#include "lsp/services.h"
#include "base/log.h"
#include <string.h>

static const struct lsp_method *find_method(const char *method, const struct lsp_feature **owner)
{
    for (const struct lsp_feature *const *f = lsp_features; *f; f++)
        for (const struct lsp_method *m = (*f)->methods; m && m->method; m++)
            if (strcmp(m->method, method) == 0) {
                if (owner) *owner = *f;
                return m;
            }
    return NULL;
}

void lifecycle_shutdown_features(struct server *srv)
{
    rpc_cancel_all(srv->rpc);
    if (srv->features_up) {
        srv->features_up = false;
        for (const struct lsp_feature *const *f = lsp_features; *f; f++)
            if ((*f)->shutdown) (*f)->shutdown(srv);
    }
    /* Also after a failed start, which may have created some services. */
    srv->services_up = false;
    services_stop(srv);
}

static void handle_shutdown(struct server *srv, struct rpc_request *req)
{
    log_info("shutdown requested");
    srv->state = SERVER_SHUT_DOWN;
    lifecycle_shutdown_features(srv);
    rpc_reply(req, NULL);
}

void lifecycle_request(struct server *srv, struct rpc_request *req, const char *method,
                       const cJSON *params)
{
    if (srv->state == SERVER_SHUT_DOWN) {
        rpc_reply_error(req, RPC_INVALID_REQUEST, "the server is shut down (%s)", method);
        return;
    }
    if (strcmp(method, "initialize") == 0) {
        if (srv->state != SERVER_UNINITIALIZED)
            rpc_reply_error(req, RPC_INVALID_REQUEST, "initialize was already received");
        else
            lifecycle_initialize(srv, req, params);
        return;
    }
    if (srv->state == SERVER_UNINITIALIZED) {
        rpc_reply_error(req, RPC_SERVER_NOT_INITIALIZED, "the server is not initialized (%s)", method);
        return;
    }
    if (strcmp(method, "shutdown") == 0) {
        handle_shutdown(srv, req);
        return;
    }
    const struct lsp_feature *owner = NULL;
    const struct lsp_method *m = find_method(method, &owner);
    if (!m || !m->request) {
        rpc_reply_error(req, RPC_METHOD_NOT_FOUND, "unknown method %s", method);
        return;
    }
    /* Features above the protocol (inline, actions) serve from models: with no valid
     * configuration they answer with its problem. workspace/executeCommand checks
     * per command (reloadConfig must still work). */
    if (owner != &commands_feature && lifecycle_refuse(srv, req)) return;
    m->request(srv, req, params);
}

bool lifecycle_refuse(struct server *srv, struct rpc_request *req)
{
    const char *refusal = services_refusal(srv);
    if (!refusal) return false;
    rpc_reply_error(req, RPC_REQUEST_FAILED, "switchboard: configuration not applied, nothing is "
                    "sent to any model until it is fixed: %s", refusal);
    return true;
}

static void handle_set_trace(struct server *srv, const cJSON *params)
{
    int trace = rpc_trace_parse(json_get_string(params, "value"));
    if (trace < 0) {
        log_warn("$/setTrace with an invalid value");
        return;
    }
    rpc_set_trace(srv->rpc, (enum rpc_trace)trace);
}

static void handle_did_change_configuration(struct server *srv, const cJSON *params)
{
    /* settings.switchboard when the client sends sections, else the whole settings. */
    const cJSON *settings = json_get(params, "settings");
    const cJSON *ours = json_get(settings, "switchboard");
    if (ours) settings = ours;
    if (settings && !cJSON_IsObject(settings)) settings = NULL;
    server_reload_config(srv, settings);
}

void lifecycle_notification(struct server *srv, const char *method, const cJSON *params)
{
    if (strcmp(method, "exit") == 0) {
        int code = srv->state == SERVER_SHUT_DOWN ? 0 : 1;
        log_info("exit (code %d)", code);
        server_stop(srv, code);
        return;
    }
    if (srv->state == SERVER_UNINITIALIZED) {
        log_debug("dropping %s before initialize", method);
        return;
    }
    if (srv->state == SERVER_SHUT_DOWN) {
        log_debug("dropping %s after shutdown", method);
        return;
    }
    if (strcmp(method, "initialized") == 0) return;
    if (strcmp(method, "$/setTrace") == 0) { handle_set_trace(srv, params); return; }
    if (strcmp(method, "workspace/didChangeConfiguration") == 0) {
        handle_did_change_configuration(srv, params);
        return;
    }
    const struct lsp_method *m = find_method(method, NULL);
    if (m && m->notification) {
        m->notification(srv, params);
        return;
    }
    if (strncmp(method, "$/", 2) != 0) log_debug("ignoring unknown notification %s", method);
}
