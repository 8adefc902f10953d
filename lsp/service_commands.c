/* switchboard.stats, switchboard.explainRoute, switchboard.reloadConfig (see the
 * header). Stats reads the whole ledger (rotated files included), which can take a
 * noticeable time, so it runs on the libuv thread pool; the configuration it reads
 * prices from is held by a reference until the work is done. */
#include "lsp/service_commands.h"
#include "lsp/server_internal.h"
#include "lsp/services.h"
#include "lsp/privacy.h"
#include "config/apikey_cache.h"
#include "config/config.h"
#include "router/router.h"
#include "ledger/stats.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

struct stats_job {
    uv_work_t work;
    struct rpc_request *req;
    struct config *cfg;
    int64_t since_ms;
    int by;
    char err[256];
    int rc;
    char *text;
    cJSON *json;
};

static void stats_work(uv_work_t *work)
{
    struct stats_job *job = work->data;
    struct stats_report report;
    job->rc = stats_build(&report, job->cfg->ledger_path, job->cfg, job->since_ms, clock_wall_ms(),
                          (enum stats_group_by)job->by, job->err, sizeof job->err);
    if (job->rc != 0) return;
    job->text = stats_render_text(&report);
    job->json = stats_render_json(&report);
    stats_report_free(&report);
}

static void stats_done(uv_work_t *work, int status)
{
    struct stats_job *job = work->data;
    if (status != 0 || job->rc != 0) {
        rpc_reply_error(job->req, RPC_REQUEST_FAILED, "stats: %s", job->err[0] ? job->err : "cancelled");
        cJSON_Delete(job->json);
    } else {
        cJSON_AddStringToObject(job->json, "text", job->text);
        rpc_reply(job->req, job->json);
    }
    free(job->text);
    config_unref(job->cfg);
    free(job);
}

/* The first argument object, or NULL. */
static const cJSON *first_argument(const cJSON *params)
{
    const cJSON *args = json_get(params, "arguments");
    const cJSON *first = cJSON_IsArray(args) ? cJSON_GetArrayItem(args, 0) : NULL;
    return cJSON_IsObject(first) ? first : NULL;
}

void command_stats(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    struct config *cfg = server_config(srv);
    if (!cfg) {
        rpc_reply_error(req, RPC_REQUEST_FAILED, "stats: the server is not initialized");
        return;
    }
    const cJSON *opts = first_argument(params);
    const char *since = json_get_string(opts, "since");
    const char *by = json_get_string(opts, "by");
    int64_t since_ms = 0;
    if (since) {
        int64_t span = stats_parse_duration(since);
        if (span <= 0) {
            rpc_reply_error(req, RPC_INVALID_PARAMS, "stats: bad duration '%s' (use e.g. 1d, 7d, 30d, 12h)", since);
            return;
        }
        since_ms = clock_wall_ms() - span;
    }
    int group = by ? stats_parse_group_by(by) : STATS_BY_MODEL;
    if (group < 0) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "stats: bad grouping '%s' (model, task, provider or day)", by);
        return;
    }
    struct stats_job *job = xcalloc(1, sizeof *job);
    job->work.data = job;
    job->req = req;
    job->cfg = config_ref(cfg);
    job->since_ms = since_ms;
    job->by = group;
    if (uv_queue_work(server_loop(srv), &job->work, stats_work, stats_done) != 0) {
        config_unref(job->cfg);
        free(job);
        rpc_reply_error(req, RPC_INTERNAL_ERROR, "stats: could not start");
    }
}

void command_explain_route(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    struct router *router = server_router(srv);
    if (!router) {
        rpc_reply_error(req, RPC_REQUEST_FAILED, "explainRoute: the server is not initialized");
        return;
    }
    const cJSON *opts = first_argument(params);
    const char *kind = json_get_string(opts, "task");
    int k = task_kind_parse(kind ? kind : "inline");
    if (k < 0) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "explainRoute: unknown task kind '%s'", kind);
        return;
    }
    struct task task = { .kind = (enum task_kind)k };
    const char *trigger = json_get_string(opts, "trigger");
    int t = trigger ? task_trigger_parse(trigger) : (int)task_default_trigger((enum task_kind)k);
    if (t < 0) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "explainRoute: trigger must be automatic or invoked");
        return;
    }
    task.trigger = (enum task_trigger)t;
    task.language = xstrdup(json_get_string(opts, "language"));
    const char *path = json_get_string(opts, "path");
    const char *uri = json_get_string(opts, "uri");
    if (!path && uri && strncmp(uri, "file://", 7) == 0) path = uri + 7;
    task.path = xstrdup(path);
    /* The plan a request from that file would get: the same privacy rule. */
    if (uri) task.local_only = privacy_uri_verdict(router_config(router), uri) == PRIVACY_LOCAL_ONLY;
    else if (path) task.local_only = privacy_path_verdict(router_config(router), path) == PRIVACY_LOCAL_ONLY;
    long tokens = 0;
    if (json_get_int(opts, "tokens", &tokens) && tokens > 0) task.prompt_tokens_estimate = tokens;
    cJSON *result = router_explain_json(router, &task);
    char *text = router_explain_text(router, &task);
    cJSON_AddStringToObject(result, "text", text);
    free(text);
    task_free(&task);
    rpc_reply(req, result);
}

/* [{task, language?, model}] pins, model null or absent unpins, no argument lists.
 * The reply and a fresh switchboard/status carry the pins, so a statusline shows
 * them at once. */
void command_pin(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    struct router *router = server_router(srv);
    if (!router) {
        rpc_reply_error(req, RPC_REQUEST_FAILED, "pin: the server is not initialized");
        return;
    }
    const cJSON *args = json_get(params, "arguments");
    const cJSON *opts = first_argument(params);
    if (cJSON_IsArray(args) && cJSON_GetArraySize(args) > 0 && !opts) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "pin: the argument must be {task, language?, model}");
        return;
    }
    if (opts) {
        const cJSON *model = json_get(opts, "model");
        const cJSON *language = json_get(opts, "language");
        if ((model && !cJSON_IsString(model) && !cJSON_IsNull(model)) ||
            (language && !cJSON_IsString(language) && !cJSON_IsNull(language))) {
            rpc_reply_error(req, RPC_INVALID_PARAMS, "pin: model and language must be strings (or null)");
            return;
        }
        char err[256];
        if (router_pin(router, json_get_string(opts, "task"), json_get_string(opts, "language"),
                       json_get_string(opts, "model"), err, sizeof err) != 0) {
            rpc_reply_error(req, RPC_INVALID_PARAMS, "pin: %s", err);
            return;
        }
        server_send_status(srv, NULL);
    }
    cJSON *result = cJSON_CreateObject();
    cJSON_AddItemToObject(result, "pins", router_pins_json(router));
    rpc_reply(req, result);
}

void command_reload_config(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    (void)params;
    char err[1024] = "";
    cJSON *result = cJSON_CreateObject();
    apikey_cache_forget();   /* an explicit reload runs api_key_cmd again: rotated keys */
    if (services_reload(srv, NULL, err, sizeof err) == 0) {
        struct config *cfg = server_config(srv);
        log_info("configuration reloaded");
        cJSON_AddBoolToObject(result, "ok", 1);
        cJSON_AddStringToObject(result, "message", "configuration reloaded");
        cJSON_AddNumberToObject(result, "models", cfg ? (double)cfg->model_count : 0);
        cJSON_AddNumberToObject(result, "routes", cfg ? (double)cfg->route_count : 0);
    } else {
        /* The last good configuration stays; the user sees why. */
        log_error("configuration not applied: %s", err);
        server_show_message(srv, 1, "switchboard: configuration not applied (keeping the last good one): %s", err);
        cJSON_AddBoolToObject(result, "ok", 0);
        cJSON_AddStringToObject(result, "message", err);
    }
    rpc_reply(req, result);
}
