/* What a finished action does with the answer: an edit (returned from resolve or
 * applied with workspace/applyEdit), review diagnostics, or a Markdown explanation.
 * Every path ends the job once. */
#include "actions/action_run.h"
#include "actions/applied.h"
#include "actions/action_files.h"
#include "lsp/extract.h"
#include "lsp/uri.h"
#include "actions/review_parse.h"
#include "actions/review_store.h"
#include "lsp/text_diff.h"
#include "lsp/rpc.h"
#include "lsp/progress.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEST_FILE_MAX_BYTES (4 << 20)
#define MESSAGE_MAX_BYTES 4000

cJSON *action_text_edit(struct lsp_range range, const char *text, size_t len)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "range", range_to_json(range));
    char *copy = xstrndup(text, len);
    cJSON_AddStringToObject(e, "newText", copy);
    free(copy);
    return e;
}

static bool client_has(struct server *srv, const char *path)
{
    return cJSON_IsTrue(server_client_capability(srv, path));
}

/* version < 0: the file is not open (versioned identifier with null). */
static cJSON *document_edit(const char *uri, int version, cJSON *edits)
{
    cJSON *de = cJSON_CreateObject();
    cJSON *id = cJSON_AddObjectToObject(de, "textDocument");
    cJSON_AddStringToObject(id, "uri", uri);
    if (version >= 0) cJSON_AddNumberToObject(id, "version", version);
    else cJSON_AddNullToObject(id, "version");
    cJSON_AddItemToObject(de, "edits", edits);
    return de;
}

cJSON *action_workspace_edit(struct server *srv, const char *uri, int version, cJSON *edits)
{
    cJSON *we = cJSON_CreateObject();
    if (client_has(srv, "workspace.workspaceEdit.documentChanges")) {
        cJSON *changes = cJSON_AddArrayToObject(we, "documentChanges");
        cJSON_AddItemToArray(changes, document_edit(uri, version, edits));
    } else {
        cJSON *changes = cJSON_AddObjectToObject(we, "changes");
        cJSON_AddItemToObject(changes, uri, edits);
    }
    return we;
}

/* ---- existing test files ---- */

static char *read_small_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < TEST_FILE_MAX_BYTES)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

char *action_find_test_file(struct server *srv, const char *path, const char *language,
                            char **text)
{
    char **candidates = action_test_candidates(path, language, server_root_path(srv));
    char *found = NULL;
    *text = NULL;
    for (char **c = candidates; *c && !found; c++) {
        char *uri = uri_from_file_path(*c);
        struct document *doc = document_store_get(server_documents(srv), uri);
        size_t len;
        struct stat st;
        if (doc) *text = document_text(doc, NULL);
        else if (stat(*c, &st) == 0 && S_ISREG(st.st_mode)) *text = read_small_file(*c, &len);
        if (*text) found = xstrdup(*c);
        free(uri);
    }
    action_free_paths(candidates);
    return found;
}

/* ---- applying ---- */

static void on_applied(struct server *srv, const cJSON *result, const cJSON *error, void *data)
{
    (void)srv;
    struct action_job *job = data;
    job->awaiting_client = false;
    if (job->orphaned) { action_job_free(job); return; }
    bool applied = cJSON_IsTrue(json_get(result, "applied"));
    if (!applied) {
        const char *reason = json_get_string(result, "failureReason");
        if (!reason) reason = error ? json_get_string(error, "message") : NULL;
        action_job_fail(job, RPC_REQUEST_FAILED, "the editor did not apply the edit%s%s",
                        reason ? ": " : "", reason ? reason : "");
        return;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddBoolToObject(r, "applied", true);
    cJSON_AddStringToObject(r, "action", job->ref.action);
    action_job_reply(job, r, NULL);
}

/* Resolve: the CodeAction with its edit. Command: workspace/applyEdit, then reply. */
static void deliver_edit(struct action_job *job, cJSON *edit, const char *summary)
{
    if (job->mode == ACTION_MODE_RESOLVE) {
        cJSON *action = job->code_action;
        job->code_action = NULL;
        cJSON_DeleteItemFromObjectCaseSensitive(action, "edit");
        cJSON_AddItemToObject(action, "edit", edit);
        action_job_reply(job, action, summary);
        return;
    }
    cJSON *params = cJSON_CreateObject();
    char label[160];
    snprintf(label, sizeof label, "AI: %s", job->def.name);
    cJSON_AddStringToObject(params, "label", label);
    cJSON_AddItemToObject(params, "edit", edit);
    job->awaiting_client = true;
    if (job->progress) {
        progress_end(job->progress, summary);
        job->progress = NULL;
    }
    rpc_call(job->srv, "workspace/applyEdit", params, on_applied, job);
}

/* ---- replacement ---- */

static void output_replace(struct action_job *job, struct document *doc, const char *summary)
{
    size_t len;
    char *code = extract_replacement(job->answer.data, job->answer.len, job->selection,
                                     strlen(job->selection), document_language(doc),
                                     document_eol(doc), &len);
    if (!code) {
        action_job_fail(job, RPC_REQUEST_FAILED, "the answer of %s held no code", job->model);
        return;
    }
    if (job->secrets.count || job->secrets.unmatched) {
        size_t restored_len;
        char *restored = secret_restore(code, len, &job->secrets, &restored_len);
        free(code);
        if (!restored) {
            action_job_fail(job, RPC_REQUEST_FAILED,
                            "not applied: the answer of %s moved the redacted secrets of the selection "
                            "(they were not sent) and they cannot be put back safely", job->model);
            return;
        }
        code = restored;
        len = restored_len;
    }
    enum position_encoding enc = server_encoding(job->srv);
    struct text_edit e;
    cJSON *edits = cJSON_CreateArray();
    if (text_diff(job->selection, strlen(job->selection), code, len, &e)) {
        struct lsp_range range = {
            document_position_at(doc, job->sel_start + e.start, enc),
            document_position_at(doc, job->sel_start + e.end, enc),
        };
        cJSON_AddItemToArray(edits, action_text_edit(range, code + e.new_start,
                                                     e.new_end - e.new_start));
        struct applied_edit applied = {
            .attempt_id = job->attempt_id, .action = job->ref.action, .model = job->model,
            .uri = job->ref.uri, .start = range.start, .text = code + e.new_start,
            .len = e.new_end - e.new_start,
            .result_start = document_position_at(doc, job->sel_start, enc), .result = code,
            .result_len = len,
        };
        applied_watch(code_action_state(job->srv)->applied, &applied, ACTION_REVERT_WINDOW_MS);
    } else {
        server_show_message(job->srv, 3, "AI: %s: %s suggested no change", job->def.name,
                            job->model);
    }
    free(code);
    deliver_edit(job, action_workspace_edit(job->srv, job->ref.uri, document_version(doc), edits),
                 summary);
}

/* ---- tests ---- */

static bool client_can_create(struct server *srv)
{
    if (!client_has(srv, "workspace.workspaceEdit.documentChanges")) return false;
    const cJSON *ops = server_client_capability(srv, "workspace.workspaceEdit.resourceOperations");
    const cJSON *op;
    cJSON_ArrayForEach(op, ops)
        if (cJSON_IsString(op) && strcmp(op->valuestring, "create") == 0) return true;
    return false;
}

static bool ends_with_break(const char *s, size_t n)
{
    return n && (s[n - 1] == '\n' || s[n - 1] == '\r');
}

/* Appends code at the end of the existing test file found. */
static cJSON *append_to_test_file(struct action_job *job, const char *found, const char *text,
                                  const char *code, size_t code_len)
{
    char *uri = uri_from_file_path(found);
    struct document *open = document_store_get(server_documents(job->srv), uri);
    struct document *doc = open ? open
        : document_new(uri, document_language(document_store_get(server_documents(job->srv),
                                                                  job->ref.uri)),
                       0, text, strlen(text));
    size_t len = document_length(doc);
    const char *eol = document_eol(doc);
    size_t shaped_len;
    char *shaped = extract_shape_like(code, code_len, "", 0, eol, &shaped_len);
    struct buf b = {0};
    if (len && !ends_with_break(text, strlen(text))) buf_puts(&b, eol);
    if (len) buf_puts(&b, eol);
    buf_append(&b, shaped, shaped_len);
    buf_puts(&b, eol);
    struct lsp_position end = document_position_at(doc, len, server_encoding(job->srv));
    cJSON *edits = cJSON_CreateArray();
    cJSON_AddItemToArray(edits, action_text_edit((struct lsp_range){ end, end }, b.data, b.len));
    cJSON *we = action_workspace_edit(job->srv, uri, open ? document_version(open) : -1, edits);
    if (!open) document_free(doc);
    buf_free(&b);
    free(shaped);
    free(uri);
    return we;
}

static cJSON *create_test_file(struct action_job *job, const char *path, const char *code,
                               size_t code_len)
{
    char *uri = uri_from_file_path(path);
    cJSON *we = cJSON_CreateObject();
    cJSON *changes = cJSON_AddArrayToObject(we, "documentChanges");
    cJSON *create = cJSON_CreateObject();
    cJSON_AddStringToObject(create, "kind", "create");
    cJSON_AddStringToObject(create, "uri", uri);
    cJSON *opts = cJSON_AddObjectToObject(create, "options");
    cJSON_AddBoolToObject(opts, "ignoreIfExists", true);
    cJSON_AddItemToArray(changes, create);
    struct buf b = {0};
    buf_append(&b, code, code_len);
    buf_putc(&b, '\n');
    struct lsp_range start = { { 0, 0 }, { 0, 0 } };
    cJSON *edits = cJSON_CreateArray();
    cJSON_AddItemToArray(edits, action_text_edit(start, b.data, b.len));
    cJSON_AddItemToArray(changes, document_edit(uri, -1, edits));
    buf_free(&b);
    free(uri);
    (void)job;
    return we;
}

/* Inserts the tests on the lines after the selection. */
static cJSON *insert_after_selection(struct action_job *job, struct document *doc,
                                     const char *code, size_t code_len)
{
    enum position_encoding enc = server_encoding(job->srv);
    struct lsp_position p = document_position_at(doc, job->sel_end, enc);
    size_t at = p.character ? document_offset_at(doc, (struct lsp_position){ p.line + 1, 0 }, enc)
                            : job->sel_end;
    const char *eol = document_eol(doc);
    size_t shaped_len;
    char *shaped = extract_shape_like(code, code_len, "", 0, eol, &shaped_len);
    struct buf b = {0};
    char *prev = at ? document_slice(doc, at - 1, at, NULL) : xstrdup("\n");
    if (!ends_with_break(prev, strlen(prev))) buf_puts(&b, eol);
    buf_puts(&b, eol);
    buf_append(&b, shaped, shaped_len);
    buf_puts(&b, eol);
    struct lsp_position pos = document_position_at(doc, at, enc);
    cJSON *edits = cJSON_CreateArray();
    cJSON_AddItemToArray(edits, action_text_edit((struct lsp_range){ pos, pos }, b.data, b.len));
    free(prev);
    free(shaped);
    buf_free(&b);
    return action_workspace_edit(job->srv, job->ref.uri, document_version(doc), edits);
}

static void output_tests(struct action_job *job, struct document *doc, const char *summary)
{
    size_t len;
    char *code = extract_code_block(job->answer.data, job->answer.len, document_language(doc), &len);
    if (!code) {
        action_job_fail(job, RPC_REQUEST_FAILED, "the answer of %s held no code", job->model);
        return;
    }
    char *path = uri_to_file_path(job->ref.uri), *text = NULL, *found = NULL;
    if (path) found = action_find_test_file(job->srv, path, document_language(doc), &text);
    char **candidates = path ? action_test_candidates(path, document_language(doc),
                                                      server_root_path(job->srv)) : NULL;
    cJSON *edit;
    if (found) edit = append_to_test_file(job, found, text, code, len);
    else if (candidates && candidates[0] && client_can_create(job->srv))
        edit = create_test_file(job, candidates[0], code, len);
    else edit = insert_after_selection(job, doc, code, len);
    action_free_paths(candidates);
    free(found); free(text); free(path); free(code);
    deliver_edit(job, edit, summary);
}

/* An answer that edits nothing, offered a retry for the same window as an edit. */
static void follow_shown(struct action_job *job, struct document *doc)
{
    if (!doc || document_generation(doc) != job->ref.generation) return;
    applied_shown(code_action_state(job->srv)->applied, job->attempt_id, job->ref.action, job->model,
                  job->ref.uri, document_position_at(doc, job->sel_start, server_encoding(job->srv)),
                  job->selection, strlen(job->selection), ACTION_REVERT_WINDOW_MS);
}

/* ---- review ---- */

static uint32_t count_lines(const char *s)
{
    uint32_t n = 1;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n')) n++;
    if (ends_with_break(s, len)) n--;
    return n ? n : 1;
}

static struct lsp_range finding_range(struct document *doc, uint32_t first, uint32_t last,
                                      enum position_encoding enc)
{
    size_t len;
    char *text = document_line(doc, first, &len);
    size_t indent = 0;
    while (indent < len && (text[indent] == ' ' || text[indent] == '\t')) indent++;
    if (indent == len) indent = 0;   /* a blank line: the whole (empty) line */
    free(text);
    size_t start = document_offset_at(doc, (struct lsp_position){ first, 0 }, enc) + indent;
    text = document_line(doc, last, &len);
    free(text);
    size_t end = document_offset_at(doc, (struct lsp_position){ last, 0 }, enc) + len;
    return (struct lsp_range){ document_position_at(doc, start, enc),
                               document_position_at(doc, end, enc) };
}

static void output_review(struct action_job *job, struct document *doc, const char *summary)
{
    struct review_findings f;
    review_parse(job->answer.data, job->answer.len, count_lines(job->selection), &f);
    enum position_encoding enc = server_encoding(job->srv);
    struct review_diagnostic *items = f.count ? xcalloc(f.count, sizeof *items) : NULL;
    int by_severity[5] = {0};
    for (size_t i = 0; i < f.count; i++) {
        items[i].range = finding_range(doc, job->sel_line + f.items[i].line,
                                       job->sel_line + f.items[i].end_line, enc);
        items[i].severity = f.items[i].severity;
        items[i].message = f.items[i].message;
        f.items[i].message = NULL;
        by_severity[items[i].severity]++;
    }
    size_t count = f.count;
    review_findings_free(&f);
    review_store_set(code_action_state(job->srv)->reviews, job->srv, doc, items, count,
                     job->attempt_id);
    follow_shown(job, doc);
    if (count)
        server_show_message(job->srv, 3, "AI review by %s: %zu finding%s (%d errors, %d warnings, "
                            "%d infos, %d hints)", job->model, count, count == 1 ? "" : "s",
                            by_severity[1], by_severity[2], by_severity[3], by_severity[4]);
    else
        server_show_message(job->srv, 3, "AI review by %s: no findings", job->model);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "findings", (double)count);
    cJSON_AddStringToObject(r, "model", job->model);
    action_job_reply(job, r, summary);
}

/* ---- explanations ---- */

static void on_shown(struct server *srv, const cJSON *result, const cJSON *error, void *data)
{
    (void)srv; (void)data;
    if (error || (result && !cJSON_IsTrue(json_get(result, "success"))))
        log_info("the editor did not show the explanation document");
}

static void output_document(struct action_job *job, const char *summary)
{
    const char *text = job->answer.data ? job->answer.data : "";
    while (*text == '\n' || *text == '\r' || *text == ' ') text++;
    size_t len = strlen(text);
    while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\r')) len--;
    char *file = NULL;
    if (client_has(job->srv, "window.showDocument.support")) {
        struct buf md = {0};
        buf_printf(&md, "# AI: %s\n\n_%s: %s_\n\n", job->def.name, job->ref.uri, summary);
        buf_append(&md, text, len);
        buf_putc(&md, '\n');
        char err[256];
        file = action_write_markdown(job->def.user ? "action" : job->def.id, md.data, md.len,
                                     err, sizeof err);
        if (!file) log_warn("%s", err);
        buf_free(&md);
        if (file) {
            cJSON *params = cJSON_CreateObject();
            char *uri = uri_from_file_path(file);
            cJSON_AddStringToObject(params, "uri", uri);
            cJSON_AddBoolToObject(params, "takeFocus", true);
            free(uri);
            rpc_call(job->srv, "window/showDocument", params, on_shown, NULL);
        }
    }
    size_t shown = len;
    if (shown > MESSAGE_MAX_BYTES) {
        shown = MESSAGE_MAX_BYTES;
        while (shown && ((unsigned char)text[shown] & 0xC0) == 0x80) shown--;
    }
    server_show_message(job->srv, 3, "AI: %s (%s)\n\n%.*s%s", job->def.name, job->model,
                        (int)shown, text, shown < len ? "\n..." : "");
    follow_shown(job, document_store_get(server_documents(job->srv), job->ref.uri));
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "model", job->model);
    if (file) cJSON_AddStringToObject(r, "file", file);
    else cJSON_AddNullToObject(r, "file");
    free(file);
    action_job_reply(job, r, summary);
}

void action_output_finish(struct action_job *job, const char *summary)
{
    struct document *doc = document_store_get(server_documents(job->srv), job->ref.uri);
    /* A retry's answer replaces the first one, which is no longer offered a retry. */
    applied_forget(code_action_state(job->srv)->applied, job->ref.retry_of);
    if (job->def.output == ACTION_OUTPUT_DOCUMENT) { output_document(job, summary); return; }
    if (!doc) {
        action_job_fail(job, RPC_CONTENT_MODIFIED, "the document was closed");
        return;
    }
    switch (job->def.output) {
    case ACTION_OUTPUT_TESTS: output_tests(job, doc, summary); break;
    case ACTION_OUTPUT_DIAGNOSTICS: output_review(job, doc, summary); break;
    default: output_replace(job, doc, summary); break;
    }
}
