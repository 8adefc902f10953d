/* copilotInlineEdit result rendering (see reply.h). */
#include "nes/reply.h"
#include "lsp/server.h"
#include "base/xalloc.h"
#include <stdio.h>

cJSON *nes_reply_empty(void)
{
    cJSON *result = cJSON_CreateObject();
    cJSON_AddArrayToObject(result, "edits");
    return result;
}

static cJSON *command_json(const char *attempt_id, const char *uri, const char *model)
{
    cJSON *cmd = cJSON_CreateObject();
    char title[160];
    snprintf(title, sizeof title, "Accept next edit (%s)", model ? model : "AI");
    cJSON_AddStringToObject(cmd, "title", title);
    cJSON_AddStringToObject(cmd, "command", NES_ACCEPT_COMMAND);
    cJSON *args = cJSON_AddArrayToObject(cmd, "arguments");
    cJSON_AddItemToArray(args, cJSON_CreateString(attempt_id ? attempt_id : ""));
    cJSON_AddItemToArray(args, cJSON_CreateString(uri));
    cJSON_AddItemToArray(args, cJSON_CreateString(model ? model : ""));
    return cmd;
}

cJSON *nes_reply_edits(const struct document *doc, const char *uri, size_t region_start,
                       const struct nes_edits *edits, const char *attempt_id, const char *model)
{
    cJSON *result = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(result, "edits");
    for (size_t i = 0; i < edits->count; i++) {
        const struct nes_edit *e = &edits->items[i];
        struct lsp_range range = {
            document_position_at(doc, region_start + e->start, ENCODING_UTF16),
            document_position_at(doc, region_start + e->end, ENCODING_UTF16),
        };
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToObject(item, "range", range_to_json(range));
        cJSON_AddStringToObject(item, "text", e->text);
        cJSON *td = cJSON_AddObjectToObject(item, "textDocument");
        cJSON_AddStringToObject(td, "uri", uri);
        cJSON_AddNumberToObject(td, "version", document_version(doc));
        cJSON_AddItemToObject(item, "command", command_json(attempt_id, uri, model));
        cJSON_AddItemToArray(list, item);
    }
    return result;
}

struct lsp_predicted_edit *nes_reply_predicted(size_t region_start, const struct nes_edit *edit,
                                               const char *attempt_id, const char *model)
{
    struct lsp_predicted_edit *e = xcalloc(1, sizeof *e);
    e->start = region_start + edit->start;
    e->end = region_start + edit->end;
    e->text = xstrndup(edit->text, edit->text_len);
    e->attempt_id = xstrdup(attempt_id ? attempt_id : "");
    e->model = xstrdup(model ? model : "");
    e->accept_command = NES_ACCEPT_COMMAND;
    return e;
}
