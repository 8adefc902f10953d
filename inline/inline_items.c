/* Inline and completion items (see inline_items.h). */
#include "inline/inline_items.h"
#include "lsp/server.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_MAX 60

static cJSON *accept_command(const char *attempt_id, const char *model)
{
    cJSON *cmd = cJSON_CreateObject();
    cJSON_AddStringToObject(cmd, "title", "Accept AI completion");
    cJSON_AddStringToObject(cmd, "command", INLINE_ACCEPT_COMMAND);
    cJSON *args = cJSON_AddArrayToObject(cmd, "arguments");
    cJSON_AddItemToArray(args, cJSON_CreateString(attempt_id ? attempt_id : ""));
    cJSON_AddItemToArray(args, cJSON_CreateString(model ? model : ""));
    return cmd;
}

cJSON *inline_item_json(const char *before, const char *text, struct lsp_range range,
                        const char *attempt_id, const char *model)
{
    cJSON *item = cJSON_CreateObject();
    char *insert = xasprintf("%s%s", before ? before : "", text);
    cJSON_AddStringToObject(item, "insertText", insert);
    free(insert);
    cJSON_AddItemToObject(item, "range", range_to_json(range));
    cJSON_AddItemToObject(item, "command", accept_command(attempt_id, model));
    return item;
}

size_t inline_word_before(const char *line, size_t len)
{
    size_t i = len;
    while (i > 0) {
        unsigned char c = (unsigned char)line[i - 1];
        if (!(isalnum(c) || c == '_' || c >= 0x80)) break;
        i--;
    }
    /* Never start inside a UTF-8 sequence. */
    while (i < len && ((unsigned char)line[i] & 0xC0) == 0x80) i++;
    return len - i;
}

/* The first line, shortened on a character boundary, with an ellipsis when more. */
static char *label_of(const char *word, const char *text)
{
    struct buf b = {0};
    buf_puts(&b, word);
    size_t first = strcspn(text, "\r\n");
    buf_append(&b, text, first);
    bool more = text[first] != '\0';
    if (b.len > LABEL_MAX) {
        size_t cut = LABEL_MAX;
        while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80) cut--;
        b.len = cut;
        b.data[cut] = '\0';
        more = true;
    }
    if (more) buf_puts(&b, "\xe2\x80\xa6");   /* … */
    return buf_steal(&b);
}

cJSON *inline_completion_item_json(const char *word, const char *text, struct lsp_range range,
                                   const char *attempt_id, const char *model, size_t index)
{
    word = word ? word : "";
    cJSON *item = cJSON_CreateObject();
    char *label = label_of(word, text);
    cJSON_AddStringToObject(item, "label", label);
    free(label);
    cJSON *details = cJSON_AddObjectToObject(item, "labelDetails");
    char *desc = xasprintf("AI %s", model ? model : "");
    cJSON_AddStringToObject(details, "description", desc);
    free(desc);
    char *detail = xasprintf("AI completion (%s)", model ? model : "unknown model");
    cJSON_AddStringToObject(item, "detail", detail);
    free(detail);
    cJSON_AddNumberToObject(item, "kind", 1);              /* Text */
    char *full = xasprintf("%s%s", word, text);
    size_t first = strcspn(full, "\r\n");
    char *filter = xstrndup(full, first);
    cJSON_AddStringToObject(item, "filterText", filter);
    free(filter);
    char sort[32];
    snprintf(sort, sizeof sort, "~ai%02zu", index);       /* after the language server's own */
    cJSON_AddStringToObject(item, "sortText", sort);
    cJSON_AddNumberToObject(item, "insertTextFormat", 1);  /* plain text: no snippet syntax */
    cJSON_AddNumberToObject(item, "insertTextMode", 1);    /* asIs: indentation already right */
    cJSON *edit = cJSON_AddObjectToObject(item, "textEdit");
    cJSON_AddItemToObject(edit, "range", range_to_json(range));
    cJSON_AddStringToObject(edit, "newText", full);
    cJSON *doc = cJSON_AddObjectToObject(item, "documentation");
    cJSON_AddStringToObject(doc, "kind", "plaintext");
    cJSON_AddStringToObject(doc, "value", full);
    free(full);
    cJSON_AddItemToObject(item, "command", accept_command(attempt_id, model));
    return item;
}
