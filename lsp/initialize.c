/* The initialize request: reads the client's process id, capabilities, workspace
 * root, trace level and initializationOptions; negotiates the position encoding;
 * answers with the capabilities every feature adds (so only what is implemented is
 * advertised) and serverInfo; then starts services and features. */
#include "lsp/lifecycle.h"
#include "lsp/server_internal.h"
#include "lsp/services.h"
#include "lsp/uri.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

enum position_encoding lifecycle_negotiate_encoding(const cJSON *capabilities)
{
    const cJSON *list = json_get(capabilities, "general.positionEncodings");
    const cJSON *item;
    if (!cJSON_IsArray(list)) return ENCODING_UTF16;
    cJSON_ArrayForEach(item, list) {
        const char *name = cJSON_GetStringValue(item);
        if (!name) continue;
        if (strcmp(name, "utf-8") == 0) return ENCODING_UTF8;
        if (strcmp(name, "utf-16") == 0) return ENCODING_UTF16;
        if (strcmp(name, "utf-32") == 0) return ENCODING_UTF32;
    }
    return ENCODING_UTF16;
}

static char *root_from_params(const cJSON *params)
{
    char *path = uri_to_file_path(json_get_string(params, "rootUri"));
    if (path) return path;
    const cJSON *folders = json_get(params, "workspaceFolders");
    if (cJSON_IsArray(folders) && cJSON_GetArraySize(folders) > 0) {
        path = uri_to_file_path(json_get_string(cJSON_GetArrayItem(folders, 0), "uri"));
        if (path) return path;
    }
    return xstrdup(json_get_string(params, "rootPath"));
}

/* Type checks of the fields we read; NULL when fine, else the problem. */
static const char *check_params(const cJSON *params)
{
    if (!cJSON_IsObject(params)) return "initialize params must be an object";
    const cJSON *pid = json_get(params, "processId");
    if (pid && !cJSON_IsNull(pid) && !cJSON_IsNumber(pid)) return "processId must be an integer or null";
    const cJSON *caps = json_get(params, "capabilities");
    if (caps && !cJSON_IsObject(caps)) return "capabilities must be an object";
    const cJSON *trace = json_get(params, "trace");
    if (trace && !cJSON_IsNull(trace) && rpc_trace_parse(cJSON_GetStringValue(trace)) < 0)
        return "trace must be off, messages or verbose";
    const cJSON *root = json_get(params, "rootUri");
    if (root && !cJSON_IsNull(root) && !cJSON_IsString(root)) return "rootUri must be a string or null";
    return NULL;
}

static cJSON *build_capabilities(struct server *srv)
{
    cJSON *caps = cJSON_CreateObject();
    cJSON_AddStringToObject(caps, "positionEncoding", position_encoding_name(srv->encoding));
    for (const struct lsp_feature *const *f = lsp_features; *f; f++)
        if ((*f)->add_capabilities) (*f)->add_capabilities(srv, caps);
    return caps;
}

void lifecycle_initialize(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const char *problem = check_params(params);
    if (problem) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "%s", problem);
        return;
    }
    long pid;
    if (json_get_int(params, "processId", &pid) && pid > 0) lifecycle_watch_pid(srv, pid);
    const cJSON *caps = json_get(params, "capabilities");
    if (caps) {
        cJSON_Delete(srv->client_capabilities);
        srv->client_capabilities = cJSON_Duplicate(caps, 1);
    }
    const cJSON *options = json_get(params, "initializationOptions");
    if (options) srv->initialization_options = cJSON_Duplicate(options, 1);
    const char *trace = json_get_string(params, "trace");
    if (trace) rpc_set_trace(srv->rpc, (enum rpc_trace)rpc_trace_parse(trace));
    srv->root_path = root_from_params(params);
    srv->encoding = lifecycle_negotiate_encoding(srv->client_capabilities);
    log_info("initialize: client %s, encoding %s, root %s",
             json_get_string(params, "clientInfo.name") ? json_get_string(params, "clientInfo.name") : "?",
             position_encoding_name(srv->encoding), srv->root_path ? srv->root_path : "(none)");

    srv->state = SERVER_RUNNING;
    /* The capabilities depend on the client alone, so the editor gets its answer
     * before the services start: the configuration with the zero-config probes of
     * local servers, curl and TLS initialisation, the ledger and the features'
     * start-up (connection warming) come after it. The write goes out at once (an
     * empty pipe takes it without waiting for the loop) and the next message is
     * read only after this handler returns, so nothing meets a half-started server. */
    cJSON *result = cJSON_CreateObject();
    cJSON_AddItemToObject(result, "capabilities", build_capabilities(srv));
    cJSON *info = cJSON_AddObjectToObject(result, "serverInfo");
    cJSON_AddStringToObject(info, "name", "switchboard");
    cJSON_AddStringToObject(info, "version", SWITCHBOARD_VERSION);
    rpc_reply(req, result);

    if (services_start(srv) == 0) srv->services_up = true;
    else log_warn("services failed to start; running without them");
    srv->features_up = true;
    for (const struct lsp_feature *const *f = lsp_features; *f; f++)
        if ((*f)->init) (*f)->init(srv);
}
