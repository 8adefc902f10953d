/* copilotInlineEdit results: UTF-16 positions whatever the text, the client's URI. */
#include "tests/unit/test.h"
#include "nes/reply.h"
#include "lsp/server.h"
#include "base/xalloc.h"

TEST(nes_reply_positions_are_utf16_and_uri_echoed)
{
    /* "é" is 2 bytes / 1 UTF-16 unit, the emoji 4 bytes / 2 units */
    const char *text = "x\r\n\xc3\xa9\xf0\x9f\x98\x80 h\r\n";
    struct document *doc = document_new("file:///a%20b.py", "python", 7, text, strlen(text));
    /* the region starts at line 1 (byte 3); the "h" after the emoji is bytes 7..8 of it */
    struct nes_edit item = { 7, 8, (char *)"height", 6 };
    struct nes_edits edits = { &item, 1 };
    cJSON *r = nes_reply_edits(doc, "file:///a%20b.py", 3, &edits, "att-9", "m");
    cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "edits"), 0);
    long line = 0, ch = 0, ech = 0, version = 0;
    ASSERT(json_get_int(e, "range.start.line", &line));
    ASSERT(json_get_int(e, "range.start.character", &ch));
    ASSERT(json_get_int(e, "range.end.character", &ech));
    ASSERT_EQ(line, 1);
    ASSERT_EQ(ch, 4);    /* é (1) + emoji (2) + space (1) */
    ASSERT_EQ(ech, 5);
    ASSERT_STREQ(json_get_string(e, "text"), "height");
    ASSERT_STREQ(json_get_string(e, "textDocument.uri"), "file:///a%20b.py");
    ASSERT(json_get_int(e, "textDocument.version", &version));
    ASSERT_EQ(version, 7);
    ASSERT_STREQ(json_get_string(e, "command.command"), NES_ACCEPT_COMMAND);
    /* the accept command names the model too (VS Code's lens titles) */
    ASSERT_STREQ(cJSON_GetArrayItem(json_get(e, "command.arguments"), 2)->valuestring, "m");
    cJSON_Delete(r);
    r = nes_reply_empty();
    ASSERT(cJSON_IsArray(cJSON_GetObjectItem(r, "edits")));
    ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(r, "edits")), 0);
    cJSON_Delete(r);
    document_free(doc);
}

TEST(nes_reply_predicted_is_in_document_offsets)
{
    struct nes_edit item = { 7, 8, (char *)"height", 6 };
    struct lsp_predicted_edit *e = nes_reply_predicted(3, &item, "att-9", "m");
    ASSERT(e);
    ASSERT_EQ(e->start, 10);
    ASSERT_EQ(e->end, 11);
    ASSERT_STREQ(e->text, "height");
    ASSERT_STREQ(e->attempt_id, "att-9");
    ASSERT_STREQ(e->model, "m");
    ASSERT_STREQ(e->accept_command, NES_ACCEPT_COMMAND);
    lsp_predicted_edit_free(e);
}
