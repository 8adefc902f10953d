/* Events to spans and metric points (see telemetry.h for what each event carries).
 * Span and attribute names follow the OpenTelemetry GenAI semantic conventions;
 * switchboard's own live under switchboard.*. Metric attributes are the
 * low-cardinality subset, so series stay few. */
#include "telemetry/telemetry_int.h"
#include "telemetry/ids.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <string.h>

#define N(a) ((int)(sizeof a / sizeof a[0]))

void telemetry_request_begin(struct telemetry *t, struct telemetry_span_context *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    if (!t || t->closing) return;
    tel_ids_trace(ctx->trace_id);
    tel_ids_span(ctx->span_id);
    ctx->start_ns = tel_now_ns();
    ctx->valid = true;
}

static bool is_failure(const char *outcome)
{
    return outcome && (strcmp(outcome, "error") == 0 || strcmp(outcome, "blocked") == 0);
}

static void request_span(struct telemetry *t, const struct telemetry_span_context *ctx,
                         const struct telemetry_request_info *in)
{
    struct tel_span *s = xcalloc(1, sizeof *s);
    memcpy(s->trace_id, ctx->trace_id, 16);
    memcpy(s->span_id, ctx->span_id, 8);
    s->name = xasprintf("switchboard %s", in->task ? in->task : "request");
    s->kind = TEL_SPAN_SERVER;   /* serving the editor's request */
    s->start_ns = ctx->start_ns;
    s->end_ns = tel_now_ns();
    struct tel_attrs *a = &s->attrs;
    tel_attrs_str(a, "switchboard.task", in->task);
    tel_attrs_str(a, "switchboard.trigger", in->trigger);
    tel_attrs_str(a, "switchboard.route.rule", in->route);
    tel_attrs_str(a, "switchboard.strategy", in->strategy);
    tel_attrs_str(a, "switchboard.outcome", in->outcome);
    tel_attrs_str(a, "switchboard.model", in->model);
    tel_attrs_str(a, "switchboard.provider", in->provider);
    tel_attrs_int(a, "switchboard.attempts", in->attempts);
    tel_attrs_double(a, "switchboard.cost_usd", in->cost_usd);
    tel_attrs_bool(a, "switchboard.cache_hit", in->cache_hit);
    tel_attrs_bool(a, "switchboard.cancelled", in->outcome && strcmp(in->outcome, "cancelled") == 0);
    if (t->opts.export_paths) tel_attrs_str(a, "code.filepath", in->path);
    if (is_failure(in->outcome)) {
        tel_attrs_str(a, "error.type", in->error_type ? in->error_type : "_OTHER");
        s->status = TEL_STATUS_ERROR;
        s->status_message = xstrdup(in->error_type ? in->error_type : in->outcome);
    }
    tel_enqueue_span(t, s);
}

void telemetry_request_end(struct telemetry *t, const struct telemetry_span_context *ctx,
                           const struct telemetry_request_info *in)
{
    if (!t) return;
    if (ctx && ctx->valid) request_span(t, ctx, in);
    static const char *const keys[] = { "switchboard.task", "switchboard.model", "switchboard.outcome" };
    const char *values[] = { in->task, in->model, in->outcome };
    tel_record(t, TEL_M_REQUESTS, keys, values, N(keys), 1);
    if (!in->shown) return;
    static const char *const skeys[] = { "switchboard.task", "switchboard.model", "switchboard.suggestion.state" };
    const char *svalues[] = { in->task, in->model, "shown" };
    tel_record(t, TEL_M_SUGGESTIONS, skeys, svalues, N(skeys), 1);
}

/* error.type for a failed attempt: the HTTP status when there was one, else the
 * ledger's class (timeout, network, ...), as the conventions suggest. */
static const char *attempt_error_type(const struct telemetry_attempt_info *in, char *buf, size_t size)
{
    if (!in->outcome || strcmp(in->outcome, "ok") == 0) return NULL;
    if (in->status >= 400) {
        snprintf(buf, size, "%d", in->status);
        return buf;
    }
    return in->outcome;
}

static void attempt_span(struct telemetry *t, const struct telemetry_span_context *parent,
                         const struct telemetry_attempt_info *in, const char *error_type)
{
    struct tel_span *s = xcalloc(1, sizeof *s);
    memcpy(s->trace_id, parent->trace_id, 16);
    memcpy(s->parent_id, parent->span_id, 8);
    s->has_parent = true;
    tel_ids_span(s->span_id);
    s->name = xasprintf("%s %s", in->operation, in->request_model ? in->request_model : "");
    s->kind = TEL_SPAN_CLIENT;
    s->end_ns = tel_now_ns();
    uint64_t took = in->total_ms > 0 ? (uint64_t)in->total_ms * 1000000u : 0;
    s->start_ns = s->end_ns > took ? s->end_ns - took : s->end_ns;
    struct tel_attrs *a = &s->attrs;
    tel_attrs_str(a, "gen_ai.operation.name", in->operation);
    tel_attrs_str(a, "gen_ai.provider.name", in->provider_name);
    tel_attrs_str(a, "gen_ai.request.model", in->request_model);
    tel_attrs_str(a, "gen_ai.response.model", in->response_model ? in->response_model : in->request_model);
    tel_attrs_int(a, "gen_ai.usage.input_tokens", in->tokens_in);
    tel_attrs_int(a, "gen_ai.usage.output_tokens", in->tokens_out);
    tel_attrs_str(a, "server.address", in->server_address);
    if (in->server_port > 0) tel_attrs_int(a, "server.port", in->server_port);
    if (in->status > 0) tel_attrs_int(a, "http.response.status_code", in->status);
    tel_attrs_str(a, "switchboard.task", in->task);
    tel_attrs_str(a, "switchboard.route.rule", in->route);
    tel_attrs_str(a, "switchboard.strategy", in->strategy);
    tel_attrs_str(a, "switchboard.model", in->model);
    tel_attrs_str(a, "switchboard.provider", in->provider);
    tel_attrs_int(a, "switchboard.attempt", in->attempt);
    tel_attrs_str(a, "switchboard.fallback_reason", in->fallback_reason);
    tel_attrs_str(a, "switchboard.outcome", in->outcome);
    tel_attrs_double(a, "switchboard.cost_usd", in->cost_usd);
    tel_attrs_bool(a, "switchboard.cancelled", in->outcome && strcmp(in->outcome, "cancelled") == 0);
    if (in->first_token_ms >= 0) tel_attrs_int(a, "switchboard.first_token_ms", in->first_token_ms);
    if (error_type && strcmp(in->outcome, "cancelled") != 0) {
        tel_attrs_str(a, "error.type", error_type);
        s->status = TEL_STATUS_ERROR;
        s->status_message = xstrdup(in->outcome);
    }
    tel_enqueue_span(t, s);
}

static void attempt_metrics(struct telemetry *t, const struct telemetry_attempt_info *in,
                            const char *error_type)
{
    static const char *const tkeys[] = { "gen_ai.operation.name", "gen_ai.provider.name",
                                         "gen_ai.request.model", "switchboard.task", "gen_ai.token.type" };
    const char *tin[] = { in->operation, in->provider_name, in->request_model, in->task, "input" };
    const char *tout[] = { in->operation, in->provider_name, in->request_model, in->task, "output" };
    tel_record(t, TEL_M_TOKEN_USAGE, tkeys, tin, N(tkeys), (double)in->tokens_in);
    tel_record(t, TEL_M_TOKEN_USAGE, tkeys, tout, N(tkeys), (double)in->tokens_out);
    static const char *const dkeys[] = { "gen_ai.operation.name", "gen_ai.provider.name",
                                         "gen_ai.request.model", "switchboard.task", "error.type" };
    const char *dvalues[] = { in->operation, in->provider_name, in->request_model, in->task, error_type };
    tel_record(t, TEL_M_DURATION, dkeys, dvalues, N(dkeys), (double)in->total_ms / 1000.0);
    if (in->first_token_ms >= 0)
        tel_record(t, TEL_M_FIRST_TOKEN, dkeys, dvalues, N(dkeys) - 1, (double)in->first_token_ms / 1000.0);
    static const char *const ckeys[] = { "gen_ai.provider.name", "gen_ai.request.model",
                                         "switchboard.model", "switchboard.task" };
    const char *cvalues[] = { in->provider_name, in->request_model, in->model, in->task };
    tel_record(t, TEL_M_COST, ckeys, cvalues, N(ckeys), in->cost_usd);
}

static void remember(struct telemetry *t, const struct telemetry_span_context *parent,
                     const struct telemetry_attempt_info *in)
{
    if (!in->attempt_id || strcmp(in->outcome ? in->outcome : "", "ok") != 0) return;
    struct tel_recent_attempt *r = &t->recent[t->recent_next++ % TEL_ACCEPT_RING];
    snprintf(r->attempt_id, sizeof r->attempt_id, "%s", in->attempt_id);
    memcpy(r->trace_id, parent ? parent->trace_id : (const uint8_t[16]){0}, 16);
    memcpy(r->parent_id, parent ? parent->span_id : (const uint8_t[8]){0}, 8);
    snprintf(r->model, sizeof r->model, "%s", in->model ? in->model : "");
    snprintf(r->task, sizeof r->task, "%s", in->task ? in->task : "");
}

void telemetry_attempt_end(struct telemetry *t, const struct telemetry_span_context *parent,
                           const struct telemetry_attempt_info *in)
{
    if (!t) return;
    char buf[16];
    const char *error_type = attempt_error_type(in, buf, sizeof buf);
    if (parent && parent->valid) attempt_span(t, parent, in, error_type);
    attempt_metrics(t, in, error_type);
    remember(t, parent && parent->valid ? parent : NULL, in);
}

/* An acceptance comes seconds after the request's span left, so it is its own short
 * span in the same trace, under the request span, plus the suggestions counter. */
void telemetry_suggestion_accepted(struct telemetry *t, const char *attempt_id)
{
    if (!t || !attempt_id) return;
    for (int i = 0; i < TEL_ACCEPT_RING; i++) {
        struct tel_recent_attempt *r = &t->recent[i];
        if (strcmp(r->attempt_id, attempt_id) != 0) continue;
        static const char *const keys[] = { "switchboard.task", "switchboard.model", "switchboard.suggestion.state" };
        const char *values[] = { r->task, r->model, "accepted" };
        tel_record(t, TEL_M_SUGGESTIONS, keys, values, N(keys), 1);
        bool traced = false;
        for (int k = 0; k < 16; k++) traced |= r->trace_id[k] != 0;
        if (traced) {
            struct tel_span *s = xcalloc(1, sizeof *s);
            memcpy(s->trace_id, r->trace_id, 16);
            memcpy(s->parent_id, r->parent_id, 8);
            s->has_parent = true;
            tel_ids_span(s->span_id);
            s->name = xstrdup("switchboard accept");
            s->kind = TEL_SPAN_INTERNAL;
            s->start_ns = s->end_ns = tel_now_ns();
            tel_attrs_str(&s->attrs, "switchboard.task", r->task);
            tel_attrs_str(&s->attrs, "switchboard.model", r->model);
            tel_attrs_bool(&s->attrs, "switchboard.accepted", true);
            tel_enqueue_span(t, s);
        }
        r->attempt_id[0] = '\0';   /* counted once */
        return;
    }
}
