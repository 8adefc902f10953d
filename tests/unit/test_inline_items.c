/* Tests for inline/inline_items: the JSON shapes editors receive. */
#include "tests/unit/test.h"
#include "inline/inline_items.h"

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

TEST(inline_item_shape)
{
    struct lsp_range r = { { 3, 4 }, { 3, 7 } };
    cJSON *item = inline_item_json("foo", "(bar)", r, "att-1", "fast");
    ASSERT_STREQ(str(item, "insertText"), "foo(bar)");
    const cJSON *range = cJSON_GetObjectItem(item, "range");
    ASSERT_EQ(num(cJSON_GetObjectItem(range, "start"), "line"), 3);
    ASSERT_EQ(num(cJSON_GetObjectItem(range, "start"), "character"), 4);
    ASSERT_EQ(num(cJSON_GetObjectItem(range, "end"), "character"), 7);
    const cJSON *cmd = cJSON_GetObjectItem(item, "command");
    ASSERT_STREQ(str(cmd, "command"), "switchboard.accept");
    const cJSON *args = cJSON_GetObjectItem(cmd, "arguments");
    ASSERT_EQ(cJSON_GetArraySize(args), 2);
    ASSERT_STREQ(cJSON_GetArrayItem(args, 0)->valuestring, "att-1");
    ASSERT_STREQ(cJSON_GetArrayItem(args, 1)->valuestring, "fast");
    cJSON_Delete(item);
}

TEST(inline_completion_item_shape)
{
    struct lsp_range r = { { 1, 4 }, { 1, 7 } };
    cJSON *item = inline_completion_item_json("pri", "nt(x)\n    return $y", r, "att-2", "fast", 0);
    ASSERT_STREQ(str(item, "label"), "print(x)\xe2\x80\xa6");
    ASSERT_STREQ(str(item, "filterText"), "print(x)");
    ASSERT_STREQ(str(item, "detail"), "AI completion (fast)");
    ASSERT_STREQ(str(cJSON_GetObjectItem(item, "labelDetails"), "description"), "AI fast");
    ASSERT_EQ(num(item, "insertTextFormat"), 1);   /* plain text: "$y" stays literal */
    ASSERT_EQ(num(item, "insertTextMode"), 1);
    const cJSON *edit = cJSON_GetObjectItem(item, "textEdit");
    ASSERT_STREQ(str(edit, "newText"), "print(x)\n    return $y");
    ASSERT_EQ(num(cJSON_GetObjectItem(cJSON_GetObjectItem(edit, "range"), "start"), "character"), 4);
    ASSERT_STREQ(str(cJSON_GetObjectItem(item, "command"), "command"), "switchboard.accept");
    cJSON_Delete(item);
}

TEST(inline_completion_label_is_shortened_on_characters)
{
    char text[200];
    memset(text, 0, sizeof text);
    for (int i = 0; i < 40; i++) strcat(text, "\xc3\xa9");   /* 80 bytes of é */
    struct lsp_range r = { { 0, 0 }, { 0, 0 } };
    cJSON *item = inline_completion_item_json("", text, r, NULL, NULL, 1);
    const char *label = str(item, "label");
    ASSERT(strlen(label) <= 60 + 3);
    ASSERT(cJSON_GetObjectItem(item, "label") != NULL);
    /* valid UTF-8: every é complete, then the ellipsis */
    size_t body = strlen(label) - 3;
    ASSERT_EQ(body % 2, 0);
    ASSERT_STREQ(label + body, "\xe2\x80\xa6");
    ASSERT_STREQ(str(item, "sortText"), "~ai01");
    cJSON_Delete(item);
}

TEST(inline_word_before_cursor)
{
    ASSERT_EQ(inline_word_before("    return fo", 13), 2);
    ASSERT_EQ(inline_word_before("x = a.b_c1", 10), 4);
    ASSERT_EQ(inline_word_before("x = ", 4), 0);
    ASSERT_EQ(inline_word_before("caf\xc3\xa9", 5), 5);
    ASSERT_EQ(inline_word_before("", 0), 0);
}
