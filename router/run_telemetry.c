/* The executor's telemetry events (telemetry/telemetry.h): a span per run (the
 * editor request) and a child span per upstream attempt, with their metric points.
 * Only names and numbers cross over: the task's text never does. The path goes only
 * when the user opted in, which telemetry itself enforces. */
#include "router/run_int.h"
#include "config/config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *rule_label(const struct route_run *run)
{
    if (run->plan.rule_index < 0 || (size_t)run->plan.rule_index >= run->cfg->route_count) return NULL;
    return run->cfg->routes[run->plan.rule_index].label;
}

void run_telemetry_begin(struct route_run *run)
{
    telemetry_request_begin(run->router->telemetry, &run->span);
}

void run_telemetry_end(struct route_run *run, const char *outcome, const struct attempt *winner)
{
    struct telemetry *t = run->router->telemetry;
    if (!t) return;
    const struct model_spec *m = run->have_last_model ? &run->cfg->models[run->last_model] : NULL;
    struct telemetry_request_info info = {
        .task = task_kind_name(run->task.kind), .trigger = task_trigger_name(run->task.trigger),
        .route = rule_label(run), .strategy = config_strategy_name(run->plan.strategy), .outcome = outcome,
        .model = m ? m->name : NULL, .provider = m ? m->provider_name : NULL,
        .path = run->task.path, .attempts = run->attempts, .cost_usd = run->cost,
        .shown = winner && run->task.kind == TASK_INLINE && winner->text.len > 0,
    };
    if (strcmp(outcome, "error") == 0 || strcmp(outcome, "blocked") == 0)
        info.error_type = run->plan.budget_blocked ? "budget" : run_outcome_name(run->last_error.cls);
    telemetry_request_end(t, &run->span, &info);
}

/* "https://host:port/path" -> host and port (default by scheme). */
static void server_of(const char *url, char *host, size_t size, int *port)
{
    host[0] = '\0';
    *port = 0;
    if (!url) return;
    const char *p = strstr(url, "://");
    bool https = strncmp(url, "https", 5) == 0;
    p = p ? p + 3 : url;
    const char *end = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at) p = at + 1;   /* never export userinfo */
    const char *colon = NULL;
    const char *close = *p == '[' ? memchr(p, ']', (size_t)(end - p)) : NULL;
    if (close) {   /* [IPv6]:port */
        snprintf(host, size, "%.*s", (int)(close - p - 1), p + 1);
        colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
    } else {
        colon = memchr(p, ':', (size_t)(end - p));
        snprintf(host, size, "%.*s", (int)((colon ? colon : end) - p), p);
    }
    *port = colon ? atoi(colon + 1) : https ? 443 : 80;
}

void run_telemetry_attempt(struct route_run *run, const struct attempt *a, const char *outcome,
                           const struct provider_usage *usage, double cost)
{
    struct telemetry *t = run->router->telemetry;
    if (!t) return;
    const struct model_spec *m = &run->cfg->models[a->model];
    char host[256];
    int port;
    server_of(a->x.req.url, host, sizeof host, &port);
    bool fim = run->task.kind == TASK_INLINE && config_model_fim_capable(m);
    struct telemetry_attempt_info info = {
        .operation = fim ? "text_completion" : "chat",
        .provider_name = telemetry_genai_provider(m->provider_kind, host),
        .request_model = m->model, .server_address = host[0] ? host : NULL, .server_port = port,
        .model = m->name, .provider = m->provider_name,
        .task = task_kind_name(run->task.kind), .trigger = task_trigger_name(run->task.trigger),
        .route = rule_label(run), .strategy = config_strategy_name(run->plan.strategy),
        .attempt = a->number, .fallback_reason = a->fallback_reason, .outcome = outcome,
        .status = a->x.status, .tokens_in = usage->input_tokens, .tokens_out = usage->output_tokens,
        .cost_usd = cost, .first_token_ms = a->first_token_ms, .total_ms = run_elapsed_ms(a->x.start_us),
        .attempt_id = a->attempt_id,
    };
    telemetry_attempt_end(t, &run->span, &info);
}
