/* Running one code action: widen the range to what the action works on, build the
 * task, run it through the router with progress, and end the job exactly once
 * (answer, failure, cancellation by the client or the progress UI, or the document
 * changing under it). The output itself is action_output.c's business. */
#include "actions/action_run.h"
#include "lsp/privacy.h"
#include "lsp/progress.h"
#include "lsp/uri.h"
#include "lsp/rpc.h"
#include "router/router.h"
#include "router/plan.h"
#include "actions/answer_check.h"
#include "ledger/ledger.h"
#include "lsp/extract.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Context sent around the selection (bytes, lines). */
#define BEFORE_BYTES 8000
#define BEFORE_LINES 120
#define AFTER_BYTES 4000
#define AFTER_LINES 60
#define TEST_FILE_BYTES 12000

/* ---- CodeAction.data ---- */

cJSON *action_ref_to_json(const struct action_ref *ref)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "switchboard", ref->action);
    cJSON_AddStringToObject(d, "uri", ref->uri);
    cJSON_AddItemToObject(d, "range", range_to_json(ref->range));
    cJSON_AddNumberToObject(d, "version", ref->version);
    char gen[24];
    snprintf(gen, sizeof gen, "%llu", (unsigned long long)ref->generation);
    cJSON_AddStringToObject(d, "generation", gen);   /* a string: 64 bits survive JSON */
    if (ref->diagnostics) cJSON_AddItemToObject(d, "diagnostics", cJSON_Duplicate(ref->diagnostics, true));
    if (ref->retry_of && ref->retry_model) {
        cJSON *retry = cJSON_AddObjectToObject(d, "retry");
        cJSON_AddStringToObject(retry, "attempt_id", ref->retry_of);
        cJSON_AddStringToObject(retry, "model", ref->retry_model);
    }
    return d;
}

bool action_ref_parse(const cJSON *data, struct action_ref *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *action = json_get_string(data, "switchboard");
    const char *uri = json_get_string(data, "uri");
    const char *gen = json_get_string(data, "generation");
    long version;
    if (!action || !uri || !gen || !json_get_int(data, "version", &version) ||
        !json_to_range(json_get(data, "range"), &out->range)) {
        snprintf(err, errlen, "not a switchboard code action (data is missing or malformed)");
        return false;
    }
    char *end;
    out->generation = strtoull(gen, &end, 10);
    if (*end) {
        snprintf(err, errlen, "malformed generation in code action data");
        return false;
    }
    out->action = xstrdup(action);
    out->uri = xstrdup(uri);
    out->version = (int)version;
    const cJSON *diags = json_get(data, "diagnostics");
    if (cJSON_IsArray(diags)) out->diagnostics = cJSON_Duplicate(diags, true);
    const cJSON *retry = json_get(data, "retry");
    if (retry) {
        const char *of = json_get_string(retry, "attempt_id"), *model = json_get_string(retry, "model");
        /* Ledger attempt ids are short: a longer one is no attempt of ours. */
        if (!of || !*of || strlen(of) >= ACTION_ATTEMPT_ID_MAX || !model || !*model) {
            action_ref_free(out);
            snprintf(err, errlen, "malformed retry in code action data (attempt_id and model are required)");
            return false;
        }
        out->retry_of = xstrdup(of);
        out->retry_model = xstrdup(model);
    }
    return true;
}

void action_ref_free(struct action_ref *ref)
{
    free(ref->uri);
    free(ref->action);
    free(ref->retry_of);
    free(ref->retry_model);
    cJSON_Delete(ref->diagnostics);
    memset(ref, 0, sizeof *ref);
}

/* ---- the job list ---- */

static void unlink_job(struct action_job *job)
{
    struct code_action_state *st = code_action_state(job->srv);
    if (!st) return;
    for (struct action_job **pp = &st->jobs; *pp; pp = &(*pp)->next)
        if (*pp == job) { *pp = job->next; return; }
}

void action_job_free(struct action_job *job)
{
    unlink_job(job);
    action_ref_free(&job->ref);
    cJSON_Delete(job->code_action);
    if (job->cfg) config_unref(job->cfg);
    free(job->selection);
    secret_list_free(&job->secrets);
    task_free(&job->task);
    buf_free(&job->answer);
    buf_free(&job->tried);
    free(job);
}

static void end_common(struct action_job *job, const char *progress_message)
{
    if (job->run) {
        struct route_run *run = job->run;
        job->run = NULL;
        route_run_cancel(run);
    }
    if (job->progress) {
        progress_end(job->progress, progress_message);
        job->progress = NULL;
    }
}

void action_job_reply(struct action_job *job, cJSON *result, const char *progress_message)
{
    end_common(job, progress_message);
    if (job->req) {
        struct rpc_request *req = job->req;
        job->req = NULL;
        rpc_reply(req, result);
    } else {
        cJSON_Delete(result);
    }
    if (job->awaiting_client) job->orphaned = true;
    else action_job_free(job);
}

void action_job_fail(struct action_job *job, int code, const char *fmt, ...)
{
    char message[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    end_common(job, message);
    if (job->req) {
        struct rpc_request *req = job->req;
        job->req = NULL;
        rpc_reply_error(req, code, "%s", message);
    }
    if (job->awaiting_client) job->orphaned = true;
    else action_job_free(job);
}

static void on_request_cancelled(struct rpc_request *req, void *data)
{
    (void)req;
    action_job_fail(data, RPC_REQUEST_CANCELLED, "cancelled");
}

static void on_progress_cancelled(void *data)
{
    action_job_fail(data, RPC_REQUEST_CANCELLED, "cancelled");
}

void action_jobs_document_changed(struct server *srv, const char *uri)
{
    struct code_action_state *st = code_action_state(srv);
    if (!st) return;
    struct action_job *job = st->jobs;
    while (job) {
        struct action_job *next = job->next;
        bool text_bound = job->def.output != ACTION_OUTPUT_DOCUMENT;
        if (!job->awaiting_client && text_bound && strcmp(job->ref.uri, uri) == 0) {
            struct document *doc = document_store_get(server_documents(srv), uri);
            if (!doc || document_generation(doc) != job->ref.generation)
                action_job_fail(job, RPC_CONTENT_MODIFIED,
                                "the document changed while the action ran");
        }
        job = next;
    }
}

/* ---- router callbacks ---- */

static void on_attempt(void *data, const struct model_spec *model, int attempt)
{
    struct action_job *job = data;
    snprintf(job->model, sizeof job->model, "%s", model && model->name ? model->name : "?");
    char msg[160];
    if (attempt > 1) snprintf(msg, sizeof msg, "Asking %s (attempt %d)", job->model, attempt);
    else snprintf(msg, sizeof msg, "Asking %s", job->model);
    progress_report(job->progress, msg, -1);
}

static int on_text(void *data, const char *text, size_t len)
{
    struct action_job *job = data;
    buf_append(&job->answer, text, len);
    char msg[160];
    snprintf(msg, sizeof msg, "%s: %ld tokens so far", job->model,
             estimate_tokens(job->answer.data, job->answer.len));
    progress_report(job->progress, msg, -1);
    return 0;
}

static void on_reset(void *data)
{
    struct action_job *job = data;
    buf_reset(&job->answer);
}

static void launch(struct action_job *job, const char *request_id);

/* The next target of the rule (its own order, no pin) whose answer was not refused yet. */
static const char *cascade_next(struct action_job *job, struct router *router)
{
    struct route_plan plan;
    struct config *cfg = router_config(router);
    const char *keep = job->task.pin_model;
    job->task.pin_model = NULL;
    router_plan(router, &job->task, &plan);
    job->task.pin_model = keep;
    for (size_t i = 0; i < plan.count; i++) {
        if (plan.entries[i].skipped || plan.entries[i].model >= cfg->model_count) continue;
        const char *name = cfg->models[plan.entries[i].model].name;
        char line[112];
        snprintf(line, sizeof line, "\n%s\n", name);
        if (!job->tried.data || !strstr(job->tried.data, line)) return name;
    }
    return NULL;
}

/* Cascade rules: a replace action's answer that fails validation is recorded as
 * "invalid_answer" and the next target of the rule runs. True when the job was taken
 * over (escalated, or failed because no target is left). */
static bool cascade_escalate(struct action_job *job, struct document *doc)
{
    struct router *router = server_router(job->srv);
    struct config *cfg = router ? router_config(router) : NULL;
    if (!cfg || job->def.output != ACTION_OUTPUT_REPLACE) return false;
    int rule = route_match_rule(cfg, &job->task);
    if (rule < 0 || cfg->routes[rule].strategy != STRATEGY_CASCADE) return false;
    size_t len = 0, sel_len = strlen(job->selection);
    char *code = extract_replacement(job->answer.data, job->answer.len, job->selection, sel_len,
                                     document_language(doc), document_eol(doc), &len);
    const char *why = answer_check_replacement(code, len, job->selection, sel_len, document_language(doc));
    free(code);
    if (!why) return false;
    struct ledger *ledger = server_ledger(job->srv);
    if (ledger && job->attempt_id[0]) ledger_signal(ledger, SIGNAL_INVALID_ANSWER, job->attempt_id, -1, -1);
    log_info("cascade: %s: %s; escalating", job->model, why);
    buf_printf(&job->tried, "%s%s\n", job->tried.len ? "" : "\n", job->model);
    const char *next = cascade_next(job, router);
    if (!next) {
        action_job_fail(job, RPC_REQUEST_FAILED, "not applied: %s (%s), and no other model of the rule is left",
                        why, job->model);
        return true;
    }
    char msg[200];
    snprintf(msg, sizeof msg, "%s: %s; asking %s", job->model, why, next);
    progress_report(job->progress, msg, -1);
    snprintf(job->next_model, sizeof job->next_model, "%s", next);
    job->task.pin_model = job->next_model;
    job->attempt_id[0] = '\0';
    buf_reset(&job->answer);
    launch(job, job->req ? rpc_request_id_text(job->req) : NULL);
    return true;
}

static void finish_with(struct action_job *job, const struct route_result *r)
{
    if (!r->ok) {
        /* The status line hears about every run that ends, so an idle server's last
         * status says nothing is in flight. */
        if (r->model) snprintf(job->model, sizeof job->model, "%s", r->model);
        server_send_status(job->srv, job->model[0] ? job->model : NULL);
        action_job_fail(job, RPC_REQUEST_FAILED, "%s",
                        r->message[0] ? r->message : "the model call failed");
        return;
    }
    if (r->model) snprintf(job->model, sizeof job->model, "%s", r->model);
    if (r->attempt_id) snprintf(job->attempt_id, sizeof job->attempt_id, "%s", r->attempt_id);
    server_send_status(job->srv, job->model);
    if (r->text) {   /* the whole answer is authoritative over the streamed deltas */
        buf_reset(&job->answer);
        buf_puts(&job->answer, r->text);
    }
    char summary[256];
    snprintf(summary, sizeof summary, "%s%s, $%.4f, %.1f s", r->model ? r->model : job->model,
             r->fell_back ? " (fallback)" : "", r->cost_usd, (double)r->total_ms / 1000.0);
    struct document *doc = document_store_get(server_documents(job->srv), job->ref.uri);
    if (job->def.output != ACTION_OUTPUT_DOCUMENT &&
        (!doc || document_generation(doc) != job->ref.generation)) {
        action_job_fail(job, RPC_CONTENT_MODIFIED, "the document changed while the action ran");
        return;
    }
    if (doc && cascade_escalate(job, doc)) return;
    action_output_finish(job, summary);
}

/* A copy of what on_done reports, for a run that ends inside router_run (no target
 * available, say): finishing then would free the job under router_run's feet. */
struct early_result { struct route_result r; char *text; char *model; };

static void on_done(void *data, const struct route_result *r)
{
    struct action_job *job = data;
    job->run = NULL;   /* ended: never cancel it */
    if (!job->starting) { finish_with(job, r); return; }
    struct early_result *e = xcalloc(1, sizeof *e);
    e->r = *r;
    e->text = xstrdup(r->text);
    e->model = xstrdup(r->model);
    e->r.text = e->text;
    e->r.model = e->model;
    e->r.provider = NULL;
    e->r.attempt_id = NULL;
    job->early = e;
}

static const struct route_callbacks callbacks = {
    .on_attempt = on_attempt, .on_text = on_text, .on_reset = on_reset, .on_done = on_done,
};

void action_plan_task(struct server *srv, struct document *doc, enum task_kind kind,
                      size_t text_bytes, struct task *task, char **path)
{
    struct router *router = server_router(srv);
    memset(task, 0, sizeof *task);
    task->kind = kind;
    task->trigger = TRIGGER_INVOKED;
    task->language = (char *)document_language(doc);
    *path = uri_to_file_path(document_uri(doc));
    task->path = *path;
    task->local_only = privacy_uri_verdict(router ? router_config(router) : server_config(srv),
                                           document_uri(doc)) == PRIVACY_LOCAL_ONLY;
    task->prompt_tokens_estimate = estimate_tokens(NULL, text_bytes + 12000 + 1000);
}

bool action_planned_model(struct router *router, const struct task *task, char *out, size_t n)
{
    struct route_plan plan;
    if (!router || router_plan(router, task, &plan) != 0) return false;
    struct config *cfg = router_config(router);
    for (size_t i = 0; i < plan.count; i++) {
        if (plan.entries[i].skipped || !cfg || plan.entries[i].model >= cfg->model_count) continue;
        snprintf(out, n, "%s", cfg->models[plan.entries[i].model].name);
        return true;
    }
    return false;
}

/* ---- starting ---- */

static size_t line_offset(struct document *doc, uint32_t line, enum position_encoding enc)
{
    return document_offset_at(doc, (struct lsp_position){ line, 0 }, enc);
}

/* The text the action works on: whole lines for multi-line ranges; for an empty
 * range the whole document (review, explain, tests...), the diagnostics' lines (fix)
 * or the cursor's line. */
static void widen_selection(struct action_job *job, struct document *doc, enum position_encoding enc)
{
    struct lsp_range r = job->ref.range;
    bool empty = r.start.line == r.end.line && r.start.character == r.end.character;
    if (empty && job->def.output != ACTION_OUTPUT_REPLACE) {
        job->sel_start = 0;
        job->sel_end = document_length(doc);
    } else if (empty) {
        uint32_t first = r.start.line, last = r.start.line;
        const cJSON *d;
        cJSON_ArrayForEach(d, job->ref.diagnostics) {
            struct lsp_range dr;
            if (!json_to_range(json_get(d, "range"), &dr)) continue;
            if (dr.start.line < first) first = dr.start.line;
            if (dr.end.line > last) last = dr.end.line;
        }
        job->sel_start = line_offset(doc, first, enc);
        job->sel_end = line_offset(doc, last + 1, enc);
    } else if (r.start.line != r.end.line) {
        job->sel_start = line_offset(doc, r.start.line, enc);
        job->sel_end = r.end.character ? line_offset(doc, r.end.line + 1, enc)
                                        : document_offset_at(doc, r.end, enc);
    } else {
        job->sel_start = document_offset_at(doc, r.start, enc);
        job->sel_end = document_offset_at(doc, r.end, enc);
    }
    if (job->sel_end < job->sel_start) job->sel_end = job->sel_start;
    job->sel_line = document_position_at(doc, job->sel_start, enc).line;
    job->selection = document_slice(doc, job->sel_start, job->sel_end, NULL);
}

/* "line 12 (error): message" lines for the fix prompt. */
static char *render_diagnostics(const cJSON *diagnostics)
{
    if (!cJSON_IsArray(diagnostics) || !cJSON_GetArraySize(diagnostics)) return NULL;
    static const char *const names[] = { "error", "error", "warning", "info", "hint" };
    struct buf b = {0};
    const cJSON *d;
    cJSON_ArrayForEach(d, diagnostics) {
        struct lsp_range r;
        long severity = 1;
        const char *msg = json_get_string(d, "message");
        if (!msg || !json_to_range(json_get(d, "range"), &r)) continue;
        json_get_int(d, "severity", &severity);
        const char *source = json_get_string(d, "source");
        buf_printf(&b, "line %u (%s)%s%s: %s\n", r.start.line + 1,
                   names[severity >= 1 && severity <= 4 ? severity : 1],
                   source ? " " : "", source ? source : "", msg);
    }
    return b.len ? buf_steal(&b) : (buf_free(&b), NULL);
}

/* A test file the privacy settings exclude lends its place, never its text. */
static bool test_file_excluded(const struct config *cfg, const char *test_path)
{
    char *uri = uri_from_file_path(test_path);
    bool hit = privacy_uri_excluded(cfg->exclude_globs, uri);
    free(uri);
    return hit;
}

static void build_task(struct action_job *job, struct document *doc)
{
    char *path = uri_to_file_path(job->ref.uri);
    char *before = document_prefix(doc, job->sel_start, BEFORE_BYTES, BEFORE_LINES, NULL);
    char *after = document_suffix(doc, job->sel_end, AFTER_BYTES, AFTER_LINES, NULL);
    char *diagnostics = render_diagnostics(job->ref.diagnostics);
    char *test_text = NULL, *test_path = NULL;
    if (job->def.output == ACTION_OUTPUT_TESTS && path)
        test_path = action_find_test_file(job->srv, path, document_language(doc), &test_text);
    if (test_path && test_file_excluded(job->cfg, test_path)) {
        free(test_text);   /* its place is still used for the answer, its text not sent */
        test_text = NULL;
    }
    if (test_text && strlen(test_text) > TEST_FILE_BYTES) {
        size_t cut = strlen(test_text) - TEST_FILE_BYTES;
        while (cut && ((unsigned char)test_text[cut] & 0xC0) == 0x80) cut++;
        memmove(test_text, test_text + cut, strlen(test_text + cut) + 1);
    }
    char *shown = uri_display_path(job->ref.uri, server_root_path(job->srv));
    /* Obvious secrets never leave the machine; those in the selection come back into
     * the answer before it is applied (actions/secret_restore.h). */
    char *selection = NULL;
    if (job->cfg->redact_secrets) {
        char **texts[] = { &before, &after, &diagnostics, &test_text };
        for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
            if (!*texts[i]) continue;
            char *red = privacy_redact(*texts[i], strlen(*texts[i]), NULL, NULL);
            free(*texts[i]);
            *texts[i] = red;
        }
        selection = secret_redact(job->selection, &job->secrets);
    }
    struct action_context ctx = {
        .language = document_language(doc), .path = shown,
        .selection = selection ? selection : job->selection,
        .before = before, .after = after, .diagnostics = diagnostics,
        .test_path = test_path, .test_text = test_text,
    };
    action_build_task(&job->def, &ctx, &job->task);
    job->task.local_only = privacy_uri_verdict(job->cfg, job->ref.uri) == PRIVACY_LOCAL_ONLY;
    free(selection);
    free(path); free(shown); free(before); free(after); free(diagnostics); free(test_text); free(test_path);
}


void action_job_start(struct server *srv, struct rpc_request *req, enum action_mode mode,
                      struct action_ref *ref, cJSON *code_action, const cJSON *token)
{
    struct action_job *job = xcalloc(1, sizeof *job);
    job->srv = srv;
    job->req = req;
    job->mode = mode;
    job->ref = *ref;
    memset(ref, 0, sizeof *ref);
    job->code_action = code_action;
    struct code_action_state *st = code_action_state(srv);
    job->next = st->jobs;
    st->jobs = job;

    struct router *router = server_router(srv);
    struct config *cfg = router ? router_config(router) : server_config(srv);
    /* Privacy first: an excluded file gets this answer whatever else is wrong with
     * the request (a crafted one for a file never offered actions included). */
    if (privacy_uri_excluded(cfg ? cfg->exclude_globs : NULL, job->ref.uri)) {
        action_job_fail(job, RPC_REQUEST_FAILED, "this file is excluded by the privacy settings");
        return;
    }
    struct document *doc = document_store_get(server_documents(srv), job->ref.uri);
    if (!doc || document_generation(doc) != job->ref.generation) {
        action_job_fail(job, RPC_CONTENT_MODIFIED, "the document changed since the action was offered");
        return;
    }
    if (!cfg || !action_find(cfg, job->ref.action, &job->def)) {
        action_job_fail(job, RPC_INVALID_PARAMS, "unknown action '%s'", job->ref.action);
        return;
    }
    job->cfg = config_ref(cfg);
    if (!router) {
        action_job_fail(job, RPC_REQUEST_FAILED, "no model is configured");
        return;
    }
    if (job->ref.retry_model && config_model_index(cfg, job->ref.retry_model) < 0) {
        action_job_fail(job, RPC_INVALID_PARAMS, "unknown model '%s' to retry with", job->ref.retry_model);
        return;
    }
    widen_selection(job, doc, server_encoding(srv));
    build_task(job, doc);
    if (job->ref.retry_model) {
        /* "Retry with <stronger model>": the first answer was not good enough, whatever
         * the second one brings (action_retry.h). */
        job->task.pin_model = job->ref.retry_model;
        ledger_signal(server_ledger(srv), SIGNAL_RETRY_STRONGER, job->ref.retry_of, -1, -1);
    }

    char planned[96] = "", title[200];
    if (action_planned_model(router, &job->task, planned, sizeof planned))
        snprintf(job->model, sizeof job->model, "%s", planned);
    snprintf(title, sizeof title, "AI: %s%s%s%s", job->def.name, planned[0] ? " (" : "",
             planned, planned[0] ? ")" : "");
    job->progress = progress_begin(srv, token, title, "Waiting for the model",
                                   on_progress_cancelled, job);
    rpc_request_on_cancel(req, on_request_cancelled, job);

    launch(job, rpc_request_id_text(req));
}

/* Starts the model call; a run that ends inside router_run is finished here. */
static void launch(struct action_job *job, const char *request_id)
{
    job->starting = true;
    job->run = router_run(server_router(job->srv), &job->task, request_id, &callbacks, job);
    job->starting = false;
    if (job->early) {
        struct early_result *e = job->early;
        job->early = NULL;
        job->run = NULL;
        finish_with(job, &e->r);
        free(e->text);
        free(e->model);
        free(e);
    } else if (!job->run) {
        action_job_fail(job, RPC_REQUEST_FAILED, "no model is available for this action");
    }
}
