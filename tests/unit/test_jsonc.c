/* JSON with comments: comments, trailing commas, error positions; deep merge. */
#include "tests/unit/test.h"
#include "config/config.h"

static cJSON *parse_ok(const char *text)
{
    char err[128] = "";
    cJSON *j = jsonc_parse(text, err, sizeof err);
    if (!j) test_fail(__FILE__, __LINE__, "parse failed: %s", err);
    return j;
}

TEST(jsonc_line_and_block_comments)
{
    cJSON *j = parse_ok("// head\n{ /* a */ \"a\": 1, // tail\n \"b\": \"x // not a comment /* nor this */\" }\n/* end */");
    ASSERT_EQ(cJSON_GetObjectItem(j, "a")->valueint, 1);
    ASSERT_STREQ(cJSON_GetObjectItem(j, "b")->valuestring, "x // not a comment /* nor this */");
    cJSON_Delete(j);
}

TEST(jsonc_trailing_commas)
{
    cJSON *j = parse_ok("{ \"a\": [1, 2, 3, ], \"b\": { \"c\": true, /* c */ }, }");
    ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "a")), 3);
    ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "b"), "c")));
    cJSON_Delete(j);
}

TEST(jsonc_comma_inside_string_kept)
{
    cJSON *j = parse_ok("{ \"a\": \",]\", \"b\": \"\\\",}\" }");
    ASSERT_STREQ(cJSON_GetObjectItem(j, "a")->valuestring, ",]");
    ASSERT_STREQ(cJSON_GetObjectItem(j, "b")->valuestring, "\",}");
    cJSON_Delete(j);
}

TEST(jsonc_error_position)
{
    char err[128];
    ASSERT(jsonc_parse("{\n  \"a\": 1,\n  \"b\": ]\n}", err, sizeof err) == NULL);
    ASSERT_STREQ(err, "line 3 column 8: unexpected ']'");
}

TEST(jsonc_error_after_comment_keeps_columns)
{
    char err[128];
    ASSERT(jsonc_parse("/* x */ { \"a\" 1 }", err, sizeof err) == NULL);
    ASSERT_STREQ(err, "line 1 column 15: unexpected '1'");
}

TEST(jsonc_lone_comma_is_an_error)
{
    char err[128];
    ASSERT(jsonc_parse("{\n  \"a\": {,}\n}", err, sizeof err) == NULL);
    ASSERT_STREQ(err, "line 2 column 9: unexpected ','");
    ASSERT(jsonc_parse("[1,,]", err, sizeof err) == NULL);
    ASSERT_STREQ(err, "line 1 column 4: unexpected ','");
}

TEST(jsonc_unterminated_comment)
{
    char err[128];
    ASSERT(jsonc_parse("{\n \"a\": 1 /* open", err, sizeof err) == NULL);
    ASSERT_STREQ(err, "line 2 column 9: unterminated comment");
}

TEST(jsonc_empty_and_truncated)
{
    char err[128];
    ASSERT(jsonc_parse("// only a comment\n", err, sizeof err) == NULL);
    ASSERT_STREQ(err, "line 2 column 1: unexpected end of input");
    ASSERT(jsonc_parse("{\"a\": [1, 2", err, sizeof err) == NULL);
    ASSERT(strstr(err, "line 1 column") == err);
    ASSERT(jsonc_parse("{} x", err, sizeof err) == NULL);
    ASSERT_STREQ(err, "line 1 column 4: unexpected 'x'");
}

TEST(json_deep_merge_objects_and_replace)
{
    cJSON *dst = parse_ok("{\"a\": {\"x\": 1, \"y\": 2}, \"list\": [1, 2], \"s\": \"old\", \"gone\": 1}");
    cJSON *src = parse_ok("{\"a\": {\"y\": 3, \"z\": 4}, \"list\": [9], \"s\": {\"now\": \"object\"}, \"gone\": null, \"new\": true}");
    json_deep_merge(dst, src);
    char *out = cJSON_PrintUnformatted(dst);
    ASSERT_STREQ(out, "{\"a\":{\"x\":1,\"y\":3,\"z\":4},\"list\":[9],\"s\":{\"now\":\"object\"},\"new\":true}");
    free(out);
    cJSON_Delete(dst);
    cJSON_Delete(src);
}
