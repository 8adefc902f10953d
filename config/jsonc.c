/* JSON with comments (see config.h): `//` and block comments and trailing commas are
 * blanked out of a same-length copy of the text, then cJSON parses the copy. Because
 * the copy keeps every byte offset and newline, cJSON's error position maps straight
 * back to a line and column of the original file. */
#include "config/config.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Line and column (1-based, columns in bytes) of offset pos in text. */
static void position_of(const char *text, size_t pos, int *line, int *column)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < pos && text[i]; i++) {
        if (text[i] == '\n') { l++; c = 1; }
        else c++;
    }
    *line = l;
    *column = c;
}

static void set_error(char *err, size_t errlen, const char *text, size_t pos, const char *problem)
{
    int line, column;
    position_of(text, pos, &line, &column);
    if (err && errlen) snprintf(err, errlen, "line %d column %d: %s", line, column, problem);
}

/* Skips a string literal starting at text[i] == '"'; returns the index after it (or
 * the end of the text when it is unterminated: cJSON reports that). */
static size_t skip_string(const char *text, size_t i)
{
    for (i++; text[i]; i++) {
        if (text[i] == '\\' && text[i + 1]) i++;
        else if (text[i] == '"') return i + 1;
    }
    return i;
}

/* Blanks comments in place. Returns 0, or the offset + 1 of an unterminated block comment. */
static size_t strip_comments(char *s)
{
    size_t i = 0;
    while (s[i]) {
        if (s[i] == '"') { i = skip_string(s, i); continue; }
        if (s[i] == '/' && s[i + 1] == '/') {
            while (s[i] && s[i] != '\n') s[i++] = ' ';
            continue;
        }
        if (s[i] == '/' && s[i + 1] == '*') {
            size_t start = i;
            s[i++] = ' ';
            s[i++] = ' ';
            while (s[i] && !(s[i] == '*' && s[i + 1] == '/')) {
                if (s[i] != '\n') s[i] = ' ';
                i++;
            }
            if (!s[i]) return start + 1;
            s[i++] = ' ';
            s[i++] = ' ';
            continue;
        }
        i++;
    }
    return 0;
}

/* Blanks a comma that follows a value and precedes (after whitespace) a closing
 * bracket. Runs after strip_comments, so only whitespace can sit between them. A comma
 * right after an opening bracket or another comma is no trailing comma: left for
 * cJSON to report. */
static void strip_trailing_commas(char *s)
{
    size_t i = 0;
    char last = 0;   /* previous significant character */
    while (s[i]) {
        if (s[i] == '"') { i = skip_string(s, i); last = '"'; continue; }
        if (s[i] == ',' && last != '{' && last != '[' && last != ',') {
            size_t j = i + 1;
            while (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') j++;
            if (s[j] == '}' || s[j] == ']') { s[i++] = ' '; continue; }
        }
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') last = s[i];
        i++;
    }
}

static void describe_unexpected(const char *at, char *out, size_t n)
{
    unsigned char c = (unsigned char)*at;
    if (!c) snprintf(out, n, "unexpected end of input");
    else if (c >= 0x20 && c < 0x7f) snprintf(out, n, "unexpected '%c'", c);
    else snprintf(out, n, "unexpected byte 0x%02x", c);
}

cJSON *jsonc_parse(const char *text, char *err, size_t errlen)
{
    if (!text) text = "";
    char *copy = xstrdup(text);
    size_t open_comment = strip_comments(copy);
    if (open_comment) {
        set_error(err, errlen, text, open_comment - 1, "unterminated comment");
        free(copy);
        return NULL;
    }
    strip_trailing_commas(copy);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(copy, &end, 1);
    if (!root) {
        size_t pos = end && end >= copy ? (size_t)(end - copy) : 0;
        size_t len = strlen(copy);
        if (pos > len) pos = len;
        /* cJSON stops one token late on a stray comma in an object ("{,}" fails at
         * the brace): point at the comma, the thing to fix. */
        if (copy[pos] == '}' || copy[pos] == ']') {
            size_t back = pos;
            while (back > 0 && strchr(" \t\r\n", copy[back - 1])) back--;
            if (back > 0 && copy[back - 1] == ',') pos = back - 1;
        }
        char problem[64];
        describe_unexpected(copy + pos, problem, sizeof problem);
        set_error(err, errlen, text, pos, problem);
    }
    free(copy);
    return root;
}

void json_deep_merge(cJSON *dst, const cJSON *src)
{
    if (!cJSON_IsObject(dst) || !cJSON_IsObject(src)) return;
    for (const cJSON *item = src->child; item; item = item->next) {
        if (!item->string) continue;
        cJSON *old = cJSON_GetObjectItemCaseSensitive(dst, item->string);
        if (cJSON_IsNull(item)) {   /* null removes: how editors say "unset" */
            if (old) cJSON_DeleteItemFromObjectCaseSensitive(dst, item->string);
            continue;
        }
        if (old && cJSON_IsObject(old) && cJSON_IsObject(item)) {
            json_deep_merge(old, item);
            continue;
        }
        cJSON *copy = cJSON_Duplicate(item, 1);
        if (old) cJSON_ReplaceItemInObjectCaseSensitive(dst, item->string, copy);
        else cJSON_AddItemToObject(dst, item->string, copy);
    }
}
