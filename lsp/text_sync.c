/* Text document synchronization: didOpen, didChange (full and incremental, applied
 * in order), didClose, didSave. Bad input (unknown document, malformed or invalid
 * range) is logged and skipped; it never takes the server down. Other features hear
 * about changes through their document_changed / document_closed hooks. */
#include "lsp/server.h"
#include "base/log.h"
#include <string.h>

static void notify_changed(struct server *srv, struct document *doc)
{
    for (const struct lsp_feature *const *f = lsp_features; *f; f++)
        if ((*f)->document_changed) (*f)->document_changed(srv, doc);
}

static void did_open(struct server *srv, const cJSON *params)
{
    const cJSON *td = json_get(params, "textDocument");
    const char *uri = json_get_string(td, "uri");
    const char *text = json_get_string(td, "text");
    long version = 0;
    if (!uri || !text) {
        log_warn("didOpen without textDocument.uri or text; ignored");
        return;
    }
    json_get_int(td, "version", &version);
    size_t len = strlen(text);
    if (document_store_get(server_documents(srv), uri)) log_info("%s reopened; replacing it", uri);
    struct document *doc = document_new(uri, json_get_string(td, "languageId"), (int)version,
                                        text, len);
    document_store_put(server_documents(srv), doc);
    log_debug("opened %s (%zu bytes, %zu lines)", uri, len, document_line_count(doc));
    notify_changed(srv, doc);
}

static void apply_one(struct server *srv, struct document *doc, const cJSON *change, int index)
{
    const char *text = json_get_string(change, "text");
    if (!text) {
        log_warn("%s: change %d has no text; skipped", document_uri(doc), index);
        return;
    }
    const cJSON *range_json = json_get(change, "range");
    struct lsp_range range;
    if (range_json && !json_to_range(range_json, &range)) {
        log_warn("%s: change %d has a malformed range; skipped", document_uri(doc), index);
        return;
    }
    for (const struct lsp_feature *const *f = lsp_features; *f; f++)
        if ((*f)->document_will_change)
            (*f)->document_will_change(srv, doc, range_json ? &range : NULL, text, strlen(text));
    if (document_apply_change(doc, range_json ? &range : NULL, text, strlen(text),
                              server_encoding(srv)) < 0)
        log_warn("%s: change %d has an invalid range (%u:%u-%u:%u); skipped", document_uri(doc),
                 index, range.start.line, range.start.character, range.end.line, range.end.character);
}

static void did_change(struct server *srv, const cJSON *params)
{
    const char *uri = json_get_string(params, "textDocument.uri");
    struct document *doc = document_store_get(server_documents(srv), uri);
    if (!doc) {
        log_warn("didChange for %s, which is not open; ignored", uri ? uri : "(no uri)");
        return;
    }
    const cJSON *changes = json_get(params, "contentChanges");
    if (!cJSON_IsArray(changes)) {
        log_warn("didChange for %s without contentChanges; ignored", uri);
        return;
    }
    int index = 0;
    const cJSON *change;
    cJSON_ArrayForEach(change, changes) apply_one(srv, doc, change, index++);
    long version;
    if (json_get_int(params, "textDocument.version", &version)) document_set_version(doc, (int)version);
    notify_changed(srv, doc);
}

static void did_close(struct server *srv, const cJSON *params)
{
    const char *uri = json_get_string(params, "textDocument.uri");
    if (!document_store_get(server_documents(srv), uri)) {
        log_warn("didClose for %s, which is not open; ignored", uri ? uri : "(no uri)");
        return;
    }
    for (const struct lsp_feature *const *f = lsp_features; *f; f++)
        if ((*f)->document_closed) (*f)->document_closed(srv, uri);
    document_store_remove(server_documents(srv), uri);
}

static void did_save(struct server *srv, const cJSON *params)
{
    const char *uri = json_get_string(params, "textDocument.uri");
    if (!document_store_get(server_documents(srv), uri))
        log_debug("didSave for %s, which is not open", uri ? uri : "(no uri)");
}

static void add_capabilities(struct server *srv, cJSON *caps)
{
    (void)srv;
    cJSON *sync = cJSON_AddObjectToObject(caps, "textDocumentSync");
    cJSON_AddBoolToObject(sync, "openClose", 1);
    cJSON_AddNumberToObject(sync, "change", 2);   /* incremental */
    cJSON *save = cJSON_AddObjectToObject(sync, "save");
    cJSON_AddBoolToObject(save, "includeText", 0);
}

static const struct lsp_method methods[] = {
    { "textDocument/didOpen", NULL, did_open },
    { "textDocument/didChange", NULL, did_change },
    { "textDocument/didClose", NULL, did_close },
    { "textDocument/didSave", NULL, did_save },
    { NULL, NULL, NULL },
};

const struct lsp_feature text_sync_feature = {
    .name = "text_sync",
    .methods = methods,
    .add_capabilities = add_capabilities,
};
