/* switchboard.stats (see command_stats.h). */
#include "lsp/command_stats.h"
#include "router/config.h"
#include "router/stats.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdlib.h>

struct stats_job {
    struct rpc_request *req;   /* NULL once cancelled (the rpc layer answered) */
    struct config *cfg;        /* a reference held while the pool reads it */
};

static void on_cancel(struct rpc_request *req, void *data)
{
    struct stats_job *job = data;
    (void)req;
    job->req = NULL;   /* the summary is dropped when it arrives */
}

static void on_summary(void *data, cJSON *summary)
{
    struct stats_job *job = data;
    if (job->req) rpc_reply(job->req, summary);
    else cJSON_Delete(summary);
    if (job->cfg) config_unref(job->cfg);
    free(job);
}

void command_stats(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const cJSON *options = cJSON_GetArrayItem(json_get(params, "arguments"), 0);
    const char *since = json_get_string(options, "since");
    const char *by = json_get_string(options, "by");
    int64_t span = since ? stats_parse_duration(since) : 0;
    if (span < 0) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "since: expected a duration like 1d, 7d, 30d or 12h");
        return;
    }
    if (by && stats_parse_group_by(by) < 0) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "by: expected model, task, provider or day");
        return;
    }
    struct stats_job *job = xcalloc(1, sizeof *job);
    job->req = req;
    struct config *cfg = server_config(srv);
    job->cfg = cfg ? config_ref(cfg) : NULL;
    int64_t since_ms = span ? clock_wall_ms() - span : 0;
    int rc = stats_summary_async(server_loop(srv), cfg ? cfg->ledger_path : NULL, cfg, since_ms,
                                 by ? by : "model", on_summary, job);
    if (rc < 0) {
        log_error("cannot queue the stats job: %s", uv_strerror(rc));
        rpc_reply_error(req, RPC_INTERNAL_ERROR, "stats unavailable: %s", uv_strerror(rc));
        if (job->cfg) config_unref(job->cfg);
        free(job);
        return;
    }
    rpc_request_on_cancel(req, on_cancel, job);
}
