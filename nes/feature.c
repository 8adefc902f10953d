/* Next-edit feature (see feature.h).
 *
 * A request is answered from the document's session when the last answer still has
 * edits to make near the cursor (no model call), else it becomes a `pending`: one
 * router run of a next_edit task whose answer is parsed, checked against the document
 * (a changed document drops it: stale) and diffed into edits. Expected "nothing"
 * cases (stale version, no answer, garbled answer, superseded) answer {edits: []}, as
 * copilot-lsp reads result.edits directly and shows any error to the user; only
 * $/cancelRequest gets RequestCancelled, as LSP requires.
 *
 * The same machinery predicts for the inline feature (lsp/edit_prediction.h): a pending
 * then has a `done` callback instead of a request, and is ended by its owner's cancel.
 * It is not offered to a client that asks copilotInlineEdit itself (it would get the
 * same edit twice: once as a next edit, once as an inline item).
 *
 * Documents' changes reach the feature twice: before each change (history, and the
 * session follows its region) and after the whole didChange (the session tells an
 * applied suggestion, which is recorded as accepted, from other typing). */
#include "nes/feature.h"
#include "nes/answer.h"
#include "nes/history.h"
#include "nes/prompt.h"
#include "nes/reply.h"
#include "nes/request.h"
#include "nes/session.h"
#include "lsp/edit_prediction.h"
#include "lsp/text_diff.h"
#include "router/router.h"
#include "ledger/ledger.h"
#include "config/config.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define MAX_SESSIONS 16
#define RECORDED_IDS 32
/* A full-text didChange is diffed into one edit for the history up to this size. */
#define FULL_SYNC_DIFF_MAX (1024 * 1024)

struct pending {
    struct pending *next;
    struct server *srv;
    struct rpc_request *req;   /* NULL once answered */
    lsp_edit_predicted_fn done;   /* instead of req: a prediction for another feature */
    void *done_data;
    size_t cursor;             /* byte offset of the request's cursor */
    char *uri;
    uint64_t generation;       /* document generation when the task was built */
    struct route_run *run;
    struct buf text;
    struct nes_request request;
};

struct doc_session {
    char *uri;
    struct nes_session s;
};

struct nes_state {
    struct pending *pending;
    struct nes_history *history;
    struct doc_session sessions[MAX_SESSIONS];
    char *recorded[RECORDED_IDS];   /* attempt ids whose acceptance is in the ledger */
    size_t recorded_next;
    bool client_asks;               /* the client has asked copilotInlineEdit */
};

static struct nes_state *state_of(struct server *srv)
{
    struct nes_state *st = server_feature_state(srv, &next_edit_feature);
    if (!st) {
        st = xcalloc(1, sizeof *st);
        struct config *cfg = server_config(srv);
        struct nes_history_limits limits = {0};
        if (cfg) {
            limits.edits_per_document = (size_t)cfg->next_edit.history_edits;
            limits.bytes_per_document = (size_t)cfg->next_edit.history_bytes;
        }
        st->history = nes_history_new(limits);
        server_set_feature_state(srv, &next_edit_feature, st);
    }
    return st;
}

/* ---- acceptance ---- */

/* The command and the inference from the document may both see one acceptance: the
 * ledger gets it once. */
static void record_accept(struct server *srv, const char *attempt_id)
{
    struct nes_state *st = state_of(srv);
    if (!attempt_id || !attempt_id[0]) return;
    for (size_t i = 0; i < RECORDED_IDS; i++)
        if (st->recorded[i] && strcmp(st->recorded[i], attempt_id) == 0) return;
    free(st->recorded[st->recorded_next]);
    st->recorded[st->recorded_next] = xstrdup(attempt_id);
    st->recorded_next = (st->recorded_next + 1) % RECORDED_IDS;
    struct ledger *ledger = server_ledger(srv);
    if (ledger) ledger_accept(ledger, attempt_id);
    log_debug("next edit %s accepted", attempt_id);
}

static void command_accept(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const cJSON *args = json_get(params, "arguments");
    const cJSON *id = cJSON_IsArray(args) ? cJSON_GetArrayItem(args, 0) : NULL;
    if (!cJSON_IsString(id) || !id->valuestring[0]) {
        rpc_reply_error(req, RPC_INVALID_PARAMS,
                        NES_ACCEPT_COMMAND ": arguments[0] must be the attempt id of the edit");
        return;
    }
    record_accept(srv, id->valuestring);
    rpc_reply(req, NULL);
}

/* ---- sessions ---- */

static struct doc_session *session_find(struct nes_state *st, const char *uri)
{
    for (size_t i = 0; uri && i < MAX_SESSIONS; i++)
        if (st->sessions[i].uri && strcmp(st->sessions[i].uri, uri) == 0) return &st->sessions[i];
    return NULL;
}

static void session_drop(struct doc_session *d)
{
    if (!d) return;
    nes_session_clear(&d->s);
    free(d->uri);
    d->uri = NULL;
}

/* A free slot, else the first one (sessions are cheap to lose: the next request asks). */
static struct doc_session *session_slot(struct nes_state *st, const char *uri)
{
    struct doc_session *d = session_find(st, uri);
    for (size_t i = 0; !d && i < MAX_SESSIONS; i++)
        if (!st->sessions[i].uri) d = &st->sessions[i];
    if (!d) d = &st->sessions[0];
    session_drop(d);
    d->uri = xstrdup(uri);
    return d;
}

/* The remaining edits of the session (relative to its region, whose text *region gets:
 * the caller frees it); 0 when none remain. */
static size_t session_edits(struct doc_session *d, struct document *doc, struct nes_edits *edits,
                            char **region, size_t *len)
{
    *region = document_slice(doc, d->s.start, d->s.end, len);
    size_t n = nes_session_remaining(&d->s, *region, *len, edits);
    if (n && d->s.end == document_length(doc)) nes_edits_avoid_last_line(edits, *region, *len);
    return n;
}

/* The remaining edits of the session as the result, or NULL when none remain. */
static cJSON *serve_session(struct doc_session *d, struct document *doc, const char *uri)
{
    struct nes_edits edits;
    char *region = NULL;
    size_t len = 0;
    cJSON *result = session_edits(d, doc, &edits, &region, &len)
        ? nes_reply_edits(doc, uri, d->s.start, &edits, d->s.attempt_id, d->s.model) : NULL;
    nes_edits_free(&edits);
    free(region);
    return result;
}

/* The edit an inline request at cursor is offered: the first on the cursor's line that
 * does not end before the cursor (the one it can show), else the first. */
static size_t edit_for_cursor(struct document *doc, size_t region_start, const struct nes_edits *edits,
                              size_t cursor)
{
    uint32_t line = document_position_at(doc, cursor, ENCODING_UTF8).line;
    for (size_t i = 0; i < edits->count; i++) {
        const struct nes_edit *e = &edits->items[i];
        if (region_start + e->end >= cursor &&
            document_position_at(doc, region_start + e->start, ENCODING_UTF8).line == line)
            return i;
    }
    return 0;
}

/* The session's edit for a request at cursor from another feature, or NULL when none
 * remain. It becomes the shown edit, so applying it counts as the acceptance. */
static struct lsp_predicted_edit *serve_session_predicted(struct doc_session *d, struct document *doc,
                                                          size_t cursor)
{
    struct nes_edits edits;
    char *region = NULL;
    size_t len = 0;
    struct lsp_predicted_edit *e = NULL;
    if (session_edits(d, doc, &edits, &region, &len)) {
        size_t i = edit_for_cursor(doc, d->s.start, &edits, cursor);
        if (i) nes_session_show(&d->s, region, len, &edits.items[i]);
        e = nes_reply_predicted(d->s.start, &edits.items[i], d->s.attempt_id, d->s.model);
    }
    nes_edits_free(&edits);
    free(region);
    return e;
}

/* The session serves a request whose cursor is in or near its region. */
static bool cursor_near(struct document *doc, const struct nes_session *s, size_t cursor, int lines)
{
    uint32_t line = document_position_at(doc, cursor, ENCODING_UTF8).line;
    uint32_t first = document_position_at(doc, s->start, ENCODING_UTF8).line;
    uint32_t last = document_position_at(doc, s->end, ENCODING_UTF8).line;
    return line + (uint32_t)lines >= first && line <= last + (uint32_t)lines;
}

/* ---- pending requests ---- */

static void pending_close(struct nes_state *st, struct pending *p)
{
    for (struct pending **pp = &st->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) { *pp = p->next; break; }
    if (p->run) route_run_cancel(p->run);
    buf_free(&p->text);
    nes_request_free(&p->request);
    free(p->uri);
    free(p);
}

static void reply(struct pending *p, cJSON *result)
{
    if (!p->req) { cJSON_Delete(result); return; }
    struct rpc_request *req = p->req;
    p->req = NULL;
    rpc_reply(req, result);
}

/* "No suggestion", to whichever asked. */
static void reply_none(struct pending *p)
{
    lsp_edit_predicted_fn done = p->done;
    p->done = NULL;
    if (done) done(p->done_data, NULL);
    else reply(p, nes_reply_empty());
}

/* The session's edits to whichever asked; false when none remain (nothing sent). */
static bool reply_session(struct pending *p, struct doc_session *d, struct document *doc)
{
    if (p->done) {
        struct lsp_predicted_edit *e = serve_session_predicted(d, doc, p->cursor);
        if (!e) return false;
        lsp_edit_predicted_fn done = p->done;
        p->done = NULL;
        done(p->done_data, e);
        return true;
    }
    cJSON *edits = serve_session(d, doc, p->uri);
    if (!edits) return false;
    reply(p, edits);
    return true;
}

static void on_request_cancel(struct rpc_request *req, void *data)
{
    struct pending *p = data;
    if (p->req != req) return;
    p->req = NULL;
    rpc_reply_error(req, RPC_REQUEST_CANCELLED, "request cancelled");
    pending_close(state_of(p->srv), p);
}

/* A newer request for the same document: the older one ends with no suggestion (not an
 * error, which copilot-lsp would show) and its upstream request is closed. */
static void supersede(struct nes_state *st, const char *uri)
{
    struct pending *p = st->pending, *next;
    for (; p; p = next) {
        next = p->next;
        if (strcmp(p->uri, uri) != 0) continue;
        reply_none(p);
        pending_close(st, p);
    }
}

static int on_text(void *data, const char *text, size_t len)
{
    struct pending *p = data;
    buf_append(&p->text, text, len);
    /* the region is complete: the rest of the stream is not needed */
    return strstr(buf_str(&p->text), NES_REGION_END) ? 1 : 0;
}

static void on_reset(void *data)
{
    struct pending *p = data;
    buf_reset(&p->text);
}

/* Diffs a parsed answer, keeps it as the document's session and answers. */
static void answer_with(struct pending *p, struct document *doc, const char *target, size_t target_len,
                        const struct route_result *result)
{
    struct nes_state *st = state_of(p->srv);
    struct nes_request *r = &p->request;
    if (target_len == r->region_len && memcmp(target, r->region, target_len) == 0) {
        log_debug("next edit %s: the model left the region unchanged", p->uri);
        reply_none(p);
        return;
    }
    struct doc_session *d = session_slot(st, p->uri);
    nes_session_init(&d->s, r->region_start, r->region_end, target, target_len, result->attempt_id,
                     result->model);
    if (!reply_session(p, d, doc)) {
        session_drop(d);
        reply_none(p);
    }
}

static void on_done(void *data, const struct route_result *result)
{
    struct pending *p = data;
    struct server *srv = p->srv;
    p->run = NULL;
    struct document *doc = document_store_get(server_documents(srv), p->uri);
    if (!result->ok) {
        log_info("next edit for %s failed: %s", p->uri, result->message[0] ? result->message : "no model answered");
        reply_none(p);
    } else if (!doc || document_generation(doc) != p->generation) {
        log_debug("next edit %s: the document changed while the model answered; dropped", p->uri);
        reply_none(p);
    } else {
        const char *raw = result->text ? result->text : buf_str(&p->text);
        const char *why = NULL;
        size_t len = 0;
        char *target = nes_answer_parse(raw, strlen(raw), p->request.region, p->request.region_len,
                                        document_eol(doc), &len, &why);
        if (!target) {
            log_info("next edit %s: no suggestion from %s: %s", p->uri, result->model ? result->model : "?", why);
            reply_none(p);
        } else {
            answer_with(p, doc, target, len, result);
            free(target);
        }
    }
    if (result->model) server_send_status(srv, result->model);
    pending_close(state_of(srv), p);
}

/* A pending with its task built, or NULL when there is nothing to send. */
static struct pending *pending_new(struct server *srv, struct document *doc, const char *uri, size_t cursor)
{
    struct nes_state *st = state_of(srv);
    struct pending *p = xcalloc(1, sizeof *p);
    p->srv = srv;
    p->uri = xstrdup(uri);
    p->generation = document_generation(doc);
    p->cursor = cursor;
    struct nes_request_input in = { doc, cursor, st->history, server_config(srv), server_root_path(srv) };
    const char *why = NULL;
    if (nes_request_build(&in, &p->request, &why) < 0) {
        log_debug("next edit %s: nothing sent: %s", uri, why);
        pending_close(st, p);
        return NULL;
    }
    p->next = st->pending;
    st->pending = p;
    return p;
}

/* Starts p's router run; false (p answered nothing, still to be closed) when it could
 * not start, as no callback then comes. */
static bool pending_run(struct pending *p, const char *request_id)
{
    static const struct route_callbacks callbacks = {
        .on_attempt = NULL, .on_text = on_text, .on_reset = on_reset, .on_done = on_done,
    };
    p->run = router_run(server_router(p->srv), &p->request.task, request_id, &callbacks, p);
    return p->run != NULL;
}

static void start(struct server *srv, struct rpc_request *req, struct document *doc, const char *uri,
                  size_t cursor)
{
    struct pending *p = pending_new(srv, doc, uri, cursor);
    if (!p) {
        rpc_reply(req, nes_reply_empty());
        return;
    }
    p->req = req;
    rpc_request_on_cancel(req, on_request_cancel, p);
    if (!pending_run(p, rpc_request_id_text(req))) {
        reply(p, nes_reply_empty());
        pending_close(state_of(srv), p);
    }
}

static void handle_inline_edit(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const char *uri = json_get_string(params, "textDocument.uri");
    struct lsp_position pos;
    if (!uri || !json_to_position(json_get(params, "position"), &pos)) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "%s needs textDocument.uri and position",
                        rpc_request_method(req));
        return;
    }
    struct nes_state *st = state_of(srv);
    struct config *cfg = server_config(srv);
    struct document *doc = document_store_get(server_documents(srv), uri);
    st->client_asks = true;   /* from now on inline requests offer no next edits */
    supersede(st, uri);
    long version = 0;
    bool has_version = json_get_int(params, "textDocument.version", &version);
    if (!cfg || !server_router(srv) || !cfg->next_edit.enabled || !doc) {
        rpc_reply(req, nes_reply_empty());
        return;
    }
    if ((has_version && version != document_version(doc)) || pos.line >= document_line_count(doc) + 1) {
        log_debug("next edit %s: stale or out-of-range request (version %ld, document %d)", uri,
                  version, document_version(doc));
        rpc_reply(req, nes_reply_empty());
        return;
    }
    /* Copilot clients send UTF-16 positions whatever initialize agreed. */
    size_t cursor = document_offset_at(doc, pos, ENCODING_UTF16);
    struct doc_session *d = session_find(st, uri);
    if (d && cursor_near(doc, &d->s, cursor, cfg->next_edit.region_lines)) {
        cJSON *rest = serve_session(d, doc, uri);
        if (rest) {
            log_debug("next edit %s: served from the last answer", uri);
            rpc_reply(req, rest);
            return;
        }
    }
    session_drop(d);
    start(srv, req, doc, uri, cursor);
}

/* ---- predictions for the inline feature (lsp/edit_prediction.h) ---- */

/* The document, when inline requests may offer next edits for it: next_edit and its
 * serve_inline on, and a client that does not ask copilotInlineEdit itself. */
static struct document *predictable(struct server *srv, const char *uri)
{
    struct config *cfg = server_config(srv);
    if (!cfg || !server_router(srv) || !cfg->next_edit.enabled || !cfg->next_edit.serve_inline ||
        state_of(srv)->client_asks)
        return NULL;
    return document_store_get(server_documents(srv), uri);
}

/* A new prediction is worth a model call only after an edit in this document: the next
 * edit is predicted from the recent ones, and a file merely opened and browsed has none. */
static bool edited_recently(struct server *srv, const char *uri)
{
    return nes_history_edit_count(state_of(srv)->history, uri) > 0;
}

static struct lsp_predicted_edit *predict_live(struct server *srv, const char *uri, size_t cursor)
{
    struct document *doc = predictable(srv, uri);
    struct doc_session *d = doc ? session_find(state_of(srv), uri) : NULL;
    if (!d || cursor > document_length(doc) ||
        !cursor_near(doc, &d->s, cursor, server_config(srv)->next_edit.region_lines))
        return NULL;
    return serve_session_predicted(d, doc, cursor);
}

/* The handle is the pending itself: the inline feature only hands it back. */
static struct lsp_edit_prediction *predict_start(struct server *srv, const char *uri, size_t cursor,
                                                 const char *request_id, lsp_edit_predicted_fn done,
                                                 void *data)
{
    struct document *doc = predictable(srv, uri);
    if (!doc || cursor > document_length(doc) || !edited_recently(srv, uri)) return NULL;
    struct pending *p = pending_new(srv, doc, uri, cursor);
    if (!p) return NULL;
    p->done = done;
    p->done_data = data;
    if (!pending_run(p, request_id)) {
        p->done = NULL;
        pending_close(state_of(srv), p);
        return NULL;
    }
    log_debug("next edit %s: predicting for an inline request", uri);
    return (struct lsp_edit_prediction *)p;
}

static void predict_cancel(struct server *srv, struct lsp_edit_prediction *handle)
{
    struct nes_state *st = state_of(srv);
    for (struct pending *p = st->pending; p; p = p->next)
        if ((struct lsp_edit_prediction *)p == handle) {
            p->done = NULL;
            pending_close(st, p);
            return;
        }
}

static const struct lsp_edit_predictor predictor = {
    .live = predict_live, .start = predict_start, .cancel = predict_cancel,
};

static void did_show(struct server *srv, const cJSON *params)
{
    (void)srv;
    const cJSON *args = json_get(params, "item.command.arguments");
    const cJSON *id = cJSON_IsArray(args) ? cJSON_GetArrayItem(args, 0) : NULL;
    log_debug("next edit shown%s%s", cJSON_IsString(id) ? ": " : "", cJSON_IsString(id) ? id->valuestring : "");
}

static void did_focus(struct server *srv, const cJSON *params)
{
    (void)srv;
    (void)params;   /* accepted so Copilot clients get no MethodNotFound; nothing to do */
}

/* ---- document hooks ---- */

static void record_history(struct nes_state *st, struct server *srv, struct document *doc,
                           size_t start, size_t end, const char *text, size_t len)
{
    size_t old_len = 0, head_len = 0, tail_len = 0;
    struct lsp_position at = document_position_at(doc, start, ENCODING_UTF8);
    size_t line_start = document_offset_at(doc, (struct lsp_position){ at.line, 0 }, ENCODING_UTF8);
    struct lsp_position end_at = document_position_at(doc, end, ENCODING_UTF8);
    size_t line_end = document_offset_at(doc, (struct lsp_position){ end_at.line, UINT32_MAX }, ENCODING_UTF8);
    /* the line context is cut to its near ends by the history anyway */
    if (start - line_start > 256) line_start = start - 256;
    if (line_end > end + 256) line_end = end + 256;
    char *old = document_slice(doc, start, end, &old_len);
    char *head = document_slice(doc, line_start, start, &head_len);
    char *tail = document_slice(doc, end, line_end, &tail_len);
    char *path = nes_uri_to_path(document_uri(doc), server_root_path(srv));
    struct nes_change c = {
        .uri = document_uri(doc), .path = path, .start = start, .old_text = old, .old_len = old_len,
        .new_text = text, .new_len = len, .head = head, .head_len = head_len, .tail = tail,
        .tail_len = tail_len, .line = at.line,
    };
    nes_history_record(st->history, &c);
    free(old); free(head); free(tail); free(path);
}

static void document_will_change(struct server *srv, struct document *doc, const struct lsp_range *range,
                                 const char *text, size_t len)
{
    struct nes_state *st = state_of(srv);
    struct doc_session *d = session_find(st, document_uri(doc));
    size_t start, end;
    const char *new_text = text;
    size_t new_len = len;
    char *old_all = NULL;
    if (range) {
        start = document_offset_at(doc, range->start, server_encoding(srv));
        end = document_offset_at(doc, range->end, server_encoding(srv));
        if (start > end) return;   /* invalid: the document skips it too */
    } else if (document_length(doc) <= FULL_SYNC_DIFF_MAX && len <= FULL_SYNC_DIFF_MAX) {
        /* a full-text sync: the history wants the part that changed */
        size_t old_len = 0;
        old_all = document_text(doc, &old_len);
        struct text_edit e;
        if (!text_diff(old_all, old_len, text, len, &e)) { free(old_all); return; }
        start = e.start; end = e.end;
        new_text = text + e.new_start;
        new_len = e.new_end - e.new_start;
    } else {
        nes_history_forget(st->history, document_uri(doc));
        session_drop(d);
        return;
    }
    record_history(st, srv, doc, start, end, new_text, new_len);
    if (d && !nes_session_follow(&d->s, start, end, new_len)) session_drop(d);
    free(old_all);
}

static void document_changed(struct server *srv, struct document *doc)
{
    struct nes_state *st = state_of(srv);
    struct doc_session *d = session_find(st, document_uri(doc));
    if (!d) return;
    size_t len = 0;
    char *region = document_slice(doc, d->s.start, d->s.end, &len);
    switch (nes_session_check(&d->s, region, len)) {
    case NES_SESSION_UNCHANGED:
        break;
    case NES_SESSION_APPLIED:
        record_accept(srv, d->s.attempt_id);
        break;
    case NES_SESSION_COMPLETE:
        record_accept(srv, d->s.attempt_id);
        session_drop(d);
        break;
    case NES_SESSION_DIVERGED:
        session_drop(d);
        break;
    }
    free(region);
}

static void document_closed(struct server *srv, const char *uri)
{
    struct nes_state *st = state_of(srv);
    supersede(st, uri);
    session_drop(session_find(st, uri));
    nes_history_forget(st->history, uri);
}

/* ---- feature ---- */

static void add_capabilities(struct server *srv, cJSON *caps)
{
    struct config *cfg = server_config(srv);
    if (cfg && !cfg->next_edit.enabled) return;
    cJSON *experimental = cJSON_GetObjectItem(caps, "experimental");
    if (!experimental) experimental = cJSON_AddObjectToObject(caps, "experimental");
    cJSON_AddBoolToObject(experimental, "copilotInlineEditProvider", true);
}

static void shutdown_feature(struct server *srv)
{
    struct nes_state *st = server_feature_state(srv, &next_edit_feature);
    if (!st) return;
    while (st->pending) {
        struct pending *p = st->pending;
        if (p->req) {
            struct rpc_request *req = p->req;
            p->req = NULL;
            rpc_reply_error(req, RPC_REQUEST_CANCELLED, "server shutting down");
        }
        pending_close(st, p);
    }
    for (size_t i = 0; i < MAX_SESSIONS; i++) session_drop(&st->sessions[i]);
    for (size_t i = 0; i < RECORDED_IDS; i++) free(st->recorded[i]);
    nes_history_free(st->history);
    free(st);
    server_set_feature_state(srv, &next_edit_feature, NULL);
}

static const struct lsp_method methods[] = {
    { "textDocument/copilotInlineEdit", handle_inline_edit, NULL },
    { "textDocument/didShowInlineEdit", NULL, did_show },
    { "textDocument/didFocus", NULL, did_focus },
    { NULL, NULL, NULL },
};

static const struct lsp_command commands[] = {
    { NES_ACCEPT_COMMAND, command_accept },
    { NULL, NULL },
};

const struct lsp_feature next_edit_feature = {
    .name = "next_edit",
    .methods = methods,
    .add_capabilities = add_capabilities,
    .shutdown = shutdown_feature,
    .document_changed = document_changed,
    .document_closed = document_closed,
    .document_will_change = document_will_change,
    .commands = commands,
    .edit_predictor = &predictor,
};
