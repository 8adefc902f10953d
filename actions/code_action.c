/* The code action feature: offering actions (cheap, no model call), resolving the
 * edit-producing ones, the switchboard.runAction command, progress cancellation,
 * and the document hooks that keep review diagnostics and running jobs honest. */
#include "actions/code_action.h"
#include "ledger/ledger.h"
#include "actions/action_run.h"
#include "lsp/privacy.h"
#include "actions/applied.h"
#include "actions/action_retry.h"
#include "actions/action_files.h"
#include "lsp/progress.h"
#include "actions/review_store.h"
#include "lsp/rpc.h"
#include "router/router.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ONLY 16

struct code_action_state *code_action_state(struct server *srv)
{
    return server_feature_state(srv, &code_action_feature);
}

static bool client_resolves_edit(struct server *srv)
{
    const cJSON *props = server_client_capability(srv, "textDocument.codeAction.resolveSupport.properties");
    const cJSON *p;
    cJSON_ArrayForEach(p, props)
        if (cJSON_IsString(p) && strcmp(p->valuestring, "edit") == 0) return true;
    return false;
}

static bool client_knows_llm_tag(struct server *srv)
{
    const cJSON *set = server_client_capability(srv, "textDocument.codeAction.tagSupport.valueSet");
    const cJSON *v;
    cJSON_ArrayForEach(v, set)
        if (cJSON_IsNumber(v) && v->valueint == 1) return true;
    return false;
}

/* The context's diagnostics that touch range (our own review findings included:
 * Fix is a natural next step after a review), or NULL when none do. */
static cJSON *touching_diagnostics(const cJSON *diagnostics, struct lsp_range range)
{
    cJSON *out = NULL;
    const cJSON *d;
    cJSON_ArrayForEach(d, diagnostics) {
        struct lsp_range r;
        if (!json_to_range(json_get(d, "range"), &r) || !lsp_ranges_touch(r, range)) continue;
        if (!out) out = cJSON_CreateArray();
        cJSON_AddItemToArray(out, cJSON_Duplicate(d, true));
    }
    return out;
}

/* Model names by task kind, planned once per request. */
struct plan_cache { bool done[TASK_KIND_COUNT]; char model[TASK_KIND_COUNT][96]; };

static const char *planned_model(struct server *srv, struct plan_cache *cache,
                                 struct document *doc, enum task_kind kind, size_t selection_bytes)
{
    if (kind >= TASK_KIND_COUNT) return "no model available";
    if (!cache->done[kind]) {
        cache->done[kind] = true;
        struct task task;
        char *path;
        action_plan_task(srv, doc, kind, selection_bytes, &task, &path);
        if (!action_planned_model(server_router(srv), &task, cache->model[kind],
                                  sizeof cache->model[kind]))
            snprintf(cache->model[kind], sizeof cache->model[kind], "no model available");
        free(path);
    }
    return cache->model[kind];
}

cJSON *action_code_action(const char *title, const struct action_def *def, const struct action_ref *ref,
                          bool resolves, bool tag)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "title", title);
    cJSON_AddStringToObject(a, "kind", def->kind);
    if (ref->diagnostics) cJSON_AddItemToObject(a, "diagnostics", cJSON_Duplicate(ref->diagnostics, true));
    if (tag) {
        cJSON *tags = cJSON_AddArrayToObject(a, "tags");
        cJSON_AddItemToArray(tags, cJSON_CreateNumber(1));   /* LLMGenerated */
    }
    cJSON *data = action_ref_to_json(ref);
    bool edit_output = def->output == ACTION_OUTPUT_REPLACE || def->output == ACTION_OUTPUT_TESTS;
    if (!(edit_output && resolves)) {
        cJSON *cmd = cJSON_AddObjectToObject(a, "command");
        cJSON_AddStringToObject(cmd, "title", title);
        cJSON_AddStringToObject(cmd, "command", CODE_ACTION_COMMAND);
        cJSON *args = cJSON_AddArrayToObject(cmd, "arguments");
        cJSON_AddItemToArray(args, cJSON_Duplicate(data, true));
    }
    cJSON_AddItemToObject(a, "data", data);
    return a;
}

/* The ledger's "offered" lines, one per task kind listed, naming the model in the
 * titles. Only for a menu the user asked for (context.triggerKind 1 Invoked, or no
 * triggerKind: clients before LSP 3.17 ask only when invoked): editors that ask
 * automatically at every cursor move would otherwise write a line per keystroke. */
static void record_offered(struct server *srv, const cJSON *params, const struct plan_cache *cache,
                           const long *offered)
{
    long trigger = 1;
    json_get_int(params, "context.triggerKind", &trigger);
    if (trigger != 1 || !server_ledger(srv)) return;
    for (int k = 0; k < TASK_KIND_COUNT; k++)
        if (offered[k] && cache->done[k] && strcmp(cache->model[k], "no model available") != 0)
            ledger_offered(server_ledger(srv), task_kind_name((enum task_kind)k), cache->model[k],
                           offered[k]);
}

static void handle_code_action(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const char *uri = json_get_string(params, "textDocument.uri");
    struct lsp_range range;
    if (!uri || !json_to_range(json_get(params, "range"), &range)) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "textDocument.uri and range are required");
        return;
    }
    struct document *doc = document_store_get(server_documents(srv), uri);
    struct router *router = server_router(srv);
    struct config *cfg = router ? router_config(router) : server_config(srv);
    cJSON *result = cJSON_CreateArray();
    if (!doc || !cfg || privacy_uri_excluded(cfg->exclude_globs, uri)) {
        rpc_reply(req, result);
        return;
    }

    const char *only[MAX_ONLY];
    size_t only_count = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, json_get(params, "context.only"))
        if (cJSON_IsString(o) && only_count < MAX_ONLY) only[only_count++] = o->valuestring;
    cJSON *diagnostics = touching_diagnostics(json_get(params, "context.diagnostics"), range);
    enum position_encoding enc = server_encoding(srv);
    size_t from = document_offset_at(doc, range.start, enc), to = document_offset_at(doc, range.end, enc);
    size_t sel_bytes = to > from ? to - from : 0;
    if (!sel_bytes) sel_bytes = document_length(doc) < 4000 ? document_length(doc) : 4000;
    bool resolves = client_resolves_edit(srv), tag = client_knows_llm_tag(srv);
    struct plan_cache cache = {0};
    struct action_def def;
    long offered[TASK_KIND_COUNT] = {0};
    for (size_t i = 0; action_at(cfg, i, &def); i++) {
        if (!action_kind_allowed(def.kind, only, only_count)) continue;
        if (def.needs_diagnostics && !diagnostics) continue;
        char id[160];
        snprintf(id, sizeof id, "%s%s", def.user ? ACTION_USER_PREFIX : "", def.id);
        struct action_ref ref = { .uri = (char *)uri, .range = range, .version = document_version(doc),
                                  .generation = document_generation(doc), .action = id,
                                  .diagnostics = def.needs_diagnostics ? diagnostics : NULL };
        char title[200];
        snprintf(title, sizeof title, "AI: %s (%s)", def.name,
                 planned_model(srv, &cache, doc, def.task, sel_bytes));
        cJSON_AddItemToArray(result, action_code_action(title, &def, &ref, resolves, tag));
        if (def.task < TASK_KIND_COUNT) offered[def.task]++;
    }
    record_offered(srv, params, &cache, offered);
    /* After the action's own: retries of edits applied here (action_retry.h). */
    struct action_offer_ctx offer = { only, only_count, diagnostics, resolves, tag };
    action_retry_offer(srv, doc, range, &offer, result);
    cJSON_Delete(diagnostics);
    rpc_reply(req, result);
}

static void handle_resolve(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    struct action_ref ref;
    char err[200];
    if (!action_ref_parse(json_get(params, "data"), &ref, err, sizeof err)) {
        rpc_reply(req, cJSON_Duplicate(params, true));   /* not ours: unchanged */
        return;
    }
    struct config *cfg = server_router(srv) ? router_config(server_router(srv)) : server_config(srv);
    struct action_def def;
    bool edit_output = action_find(cfg, ref.action, &def) &&
        (def.output == ACTION_OUTPUT_REPLACE || def.output == ACTION_OUTPUT_TESTS);
    if (!edit_output || json_get(params, "edit")) {
        /* Reviews and explanations run through their command; nothing to resolve. */
        action_ref_free(&ref);
        rpc_reply(req, cJSON_Duplicate(params, true));
        return;
    }
    action_job_start(srv, req, ACTION_MODE_RESOLVE, &ref, cJSON_Duplicate(params, true), NULL);
}

void code_action_run_command(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const cJSON *args = json_get(params, "arguments");
    struct action_ref ref;
    char err[200];
    if (!action_ref_parse(cJSON_GetArrayItem(args, 0), &ref, err, sizeof err)) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "%s: %s", CODE_ACTION_COMMAND, err);
        return;
    }
    struct config *cfg = server_router(srv) ? router_config(server_router(srv)) : server_config(srv);
    struct action_def def;
    bool edit_output = action_find(cfg, ref.action, &def) &&
        (def.output == ACTION_OUTPUT_REPLACE || def.output == ACTION_OUTPUT_TESTS);
    if (edit_output && !cJSON_IsTrue(server_client_capability(srv, "workspace.applyEdit"))) {
        action_ref_free(&ref);
        rpc_reply_error(req, RPC_REQUEST_FAILED,
                        "the editor cannot apply edits (workspace.applyEdit is not supported)");
        return;
    }
    action_job_start(srv, req, ACTION_MODE_COMMAND, &ref, NULL, json_get(params, "workDoneToken"));
}

static void handle_progress_cancel(struct server *srv, const cJSON *params)
{
    progress_cancel_notification(srv, params);
}

static void add_capabilities(struct server *srv, cJSON *caps)
{
    (void)srv;
    cJSON *cap = cJSON_AddObjectToObject(caps, "codeActionProvider");
    cJSON *kinds = cJSON_AddArrayToObject(cap, "codeActionKinds");
    static const char *const advertised[] = { "quickfix", "refactor.rewrite", "source" };
    for (size_t i = 0; i < sizeof advertised / sizeof advertised[0]; i++)
        cJSON_AddItemToArray(kinds, cJSON_CreateString(advertised[i]));
    cJSON_AddBoolToObject(cap, "resolveProvider", true);
    cJSON_AddBoolToObject(cap, "workDoneProgress", true);
}

static void init(struct server *srv)
{
    struct code_action_state *st = xcalloc(1, sizeof *st);
    st->reviews = review_store_new();
    st->applied = applied_watches_new(srv);
    server_set_feature_state(srv, &code_action_feature, st);
}

static void shutdown_feature(struct server *srv)
{
    struct code_action_state *st = code_action_state(srv);
    if (!st) return;
    while (st->jobs) {
        struct action_job *job = st->jobs;
        if (job->awaiting_client) {
            /* The rpc layer still holds it for the applyEdit answer (given, or (NULL,
             * NULL) at shutdown), which frees it: detach it from the list only. */
            st->jobs = job->next;
            job->next = NULL;
            job->orphaned = true;
            if (job->req) {
                struct rpc_request *req = job->req;
                job->req = NULL;
                rpc_reply_error(req, RPC_SERVER_CANCELLED, "the server is shutting down");
            }
            continue;
        }
        action_job_fail(job, RPC_SERVER_CANCELLED, "the server is shutting down");
    }
    review_store_free(st->reviews);
    applied_watches_free(st->applied);
    free(st);
    server_set_feature_state(srv, &code_action_feature, NULL);
}

static void document_changed(struct server *srv, struct document *doc)
{
    struct code_action_state *st = code_action_state(srv);
    if (!st) return;
    action_jobs_document_changed(srv, document_uri(doc));
    review_store_document_changed(st->reviews, srv, doc);
    applied_document_changed(st->applied, doc);
}

static void document_closed(struct server *srv, const char *uri)
{
    struct code_action_state *st = code_action_state(srv);
    if (!st) return;
    action_jobs_document_changed(srv, uri);
    review_store_document_closed(st->reviews, srv, uri);
    applied_document_closed(st->applied, uri);
}

static const struct lsp_method methods[] = {
    { "textDocument/codeAction", handle_code_action, NULL },
    { "codeAction/resolve", handle_resolve, NULL },
    { "window/workDoneProgress/cancel", NULL, handle_progress_cancel },
    { NULL, NULL, NULL },
};

static const struct lsp_command code_action_commands[] = {
    { CODE_ACTION_COMMAND, code_action_run_command },
    { NULL, NULL },
};

const struct lsp_feature code_action_feature = {
    .name = "codeAction",
    .methods = methods,
    .add_capabilities = add_capabilities,
    .init = init,
    .shutdown = shutdown_feature,
    .document_changed = document_changed,
    .document_closed = document_closed,
    .commands = code_action_commands,
};
