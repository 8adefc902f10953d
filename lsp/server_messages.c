/* Messages the server sends on its own: window/showMessage, window/logMessage,
 * switchboard/status, and configuration reloads reported to the editor. */
#include "lsp/server_internal.h"
#include "lsp/services.h"
#include "base/log.h"
#include <stdarg.h>
#include <stdio.h>

static void send_message(struct server *srv, const char *method, int type, const char *fmt,
                         va_list ap)
{
    char text[2048];
    vsnprintf(text, sizeof text, fmt, ap);
    log_mask_secrets(text);
    if (type < 1 || type > 5) type = 4;
    cJSON *params = cJSON_CreateObject();
    cJSON_AddNumberToObject(params, "type", type);
    cJSON_AddStringToObject(params, "message", text);
    rpc_notify(srv, method, params);
}

void server_show_message(struct server *srv, int type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_message(srv, "window/showMessage", type, fmt, ap);
    va_end(ap);
}

void server_log_message(struct server *srv, int type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_message(srv, "window/logMessage", type, fmt, ap);
    va_end(ap);
}

int server_reload_config(struct server *srv, const cJSON *overrides)
{
    char err[1024] = "";
    if (services_reload(srv, overrides, err, sizeof err) == 0) {
        log_info("configuration reloaded");
        return 0;
    }
    log_error("configuration not applied: %s", err);
    if (services_refusal(srv))
        server_show_message(srv, 1, "switchboard: configuration not applied (still sending nothing "
                            "to any model until it is fixed): %s", err);
    else
        server_show_message(srv, 1, "switchboard: configuration not applied (keeping the last good one): %s", err);
    return -1;
}

void server_send_status(struct server *srv, const char *last_model)
{
    rpc_notify(srv, "switchboard/status", services_status(srv, last_model));
}
