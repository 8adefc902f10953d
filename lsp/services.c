/* Services bridge (see services.h): configuration, HTTP engine, ledger and router,
 * created after initialize and torn down at shutdown (router first, so no run
 * outlives the engine it uses; the ledger and engine finish on the loop). */
#include "lsp/services.h"
#include "lsp/server_internal.h"
#include "providers/http.h"
#include "router/config.h"
#include "router/ledger.h"
#include "router/router.h"
#include "base/log.h"
#include <stdio.h>
#include <stdlib.h>

static struct config *load_config(struct server *srv, const cJSON *overrides, char *err,
                                  size_t err_size)
{
    char *path = config_find_path(server_config_path(srv));
    struct config *cfg = config_load(path, overrides, err, err_size);
    free(path);
    return cfg;
}

int services_start(struct server *srv)
{
    char err[512] = "";
    srv->config = load_config(srv, server_initialization_options(srv), err, sizeof err);
    if (!srv->config) {
        log_error("configuration: %s", err);
        server_show_message(srv, 1, "switchboard: %s", err);
        return -1;
    }
    struct http_engine_options http_opts = {
        .insecure_hosts = (const char *const *)srv->config->insecure_hosts,
    };
    srv->http = http_engine_new(srv->loop, &http_opts);
    srv->ledger = ledger_open(srv->loop, srv->config->ledger_path, srv->config->ledger_max_bytes,
                              srv->config->ledger_keep, err, sizeof err);
    if (!srv->ledger) log_warn("ledger: %s (attempts are not recorded)", err);
    srv->router = router_new(srv->loop, srv->http, srv->ledger, srv->config);
    log_debug("services up: config %s, %zu models, %zu routes", srv->config->source,
              srv->config->model_count, srv->config->route_count);
    return 0;
}

void services_stop(struct server *srv)
{
    if (srv->router) router_free(srv->router);
    if (srv->ledger) ledger_close(srv->ledger);
    if (srv->http) http_engine_free(srv->http);
    if (srv->config) config_unref(srv->config);
    srv->router = NULL;
    srv->ledger = NULL;
    srv->http = NULL;
    srv->config = NULL;
}

int services_reload(struct server *srv, const cJSON *overrides, char *err, size_t err_size)
{
    struct config *cfg = load_config(srv, overrides, err, err_size);
    if (!cfg) return -1;
    if (srv->router) router_set_config(srv->router, cfg);
    if (srv->config) config_unref(srv->config);
    srv->config = cfg;
    return 0;
}

void services_add_status(struct server *srv, cJSON *status)
{
    if (srv->router) {
        cJSON_AddItemToObject(status, "breakers", router_breaker_states(srv->router));
        cJSON_AddNumberToObject(status, "inFlight", router_in_flight(srv->router));
    }
}
