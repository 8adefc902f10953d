/* Review answer parsing: a JSON list when the answer holds one, else a scan of each
 * line for a "line number, optional severity, message" shape. The line scanner is a
 * small hand-written matcher rather than a regex so every accepted variant is visible
 * here and nothing backtracks on a hostile answer. */
#include "actions/review_parse.h"
#include "base/json.h"
#include "base/xalloc.h"
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { const char *word; enum review_severity severity; } severity_words[] = {
    { "error", REVIEW_ERROR }, { "err", REVIEW_ERROR }, { "bug", REVIEW_ERROR },
    { "critical", REVIEW_ERROR }, { "high", REVIEW_ERROR },
    { "warning", REVIEW_WARNING }, { "warn", REVIEW_WARNING }, { "medium", REVIEW_WARNING },
    { "info", REVIEW_INFO }, { "information", REVIEW_INFO }, { "note", REVIEW_INFO },
    { "suggestion", REVIEW_INFO }, { "low", REVIEW_INFO },
    { "hint", REVIEW_HINT }, { "style", REVIEW_HINT }, { "nit", REVIEW_HINT },
    { "nitpick", REVIEW_HINT },
};

int review_severity_parse(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof severity_words / sizeof severity_words[0]; i++)
        if (strlen(severity_words[i].word) == len &&
            strncasecmp(severity_words[i].word, word, len) == 0)
            return severity_words[i].severity;
    return 0;
}

static void add_finding(struct review_findings *out, long line, long end_line, int severity,
                        const char *msg, size_t msg_len, uint32_t line_count)
{
    while (msg_len && isspace((unsigned char)*msg)) { msg++; msg_len--; }
    while (msg_len && isspace((unsigned char)msg[msg_len - 1])) msg_len--;
    if (!msg_len || line < 1) return;
    if (end_line < line) end_line = line;
    if (line_count) {
        if (line > (long)line_count) line = line_count;
        if (end_line > (long)line_count) end_line = line_count;
    }
    out->items = xrealloc(out->items, (out->count + 1) * sizeof *out->items);
    out->items[out->count++] = (struct review_finding){
        (uint32_t)(line - 1), (uint32_t)(end_line - 1),
        severity ? (enum review_severity)severity : REVIEW_WARNING, xstrndup(msg, msg_len) };
}

/* ---- JSON list ---- */

static bool parse_json(const char *answer, size_t len, uint32_t line_count,
                       struct review_findings *out)
{
    const char *open = NULL, *close = NULL;
    for (size_t i = 0; i < len && !open; i++) {
        if (answer[i] != '[') continue;
        size_t j = i + 1;
        while (j < len && isspace((unsigned char)answer[j])) j++;
        if (j < len && (answer[j] == '{' || answer[j] == ']')) open = answer + i;
    }
    for (size_t i = len; i > 0 && !close; i--)
        if (answer[i - 1] == ']') close = answer + i;
    if (!open || !close || close <= open) return false;
    cJSON *list = cJSON_ParseWithLength(open, (size_t)(close - open));
    if (!cJSON_IsArray(list)) { cJSON_Delete(list); return false; }
    const cJSON *item;
    cJSON_ArrayForEach(item, list) {
        const cJSON *line = json_member(item, "line");
        const cJSON *end = json_member(item, "end_line");
        const cJSON *sev = json_member(item, "severity");
        const cJSON *msg = json_member(item, "message");
        if (!cJSON_IsNumber(line) || !cJSON_IsString(msg)) continue;
        int severity = cJSON_IsString(sev)
            ? review_severity_parse(sev->valuestring, strlen(sev->valuestring)) : 0;
        long first = (long)line->valuedouble;
        add_finding(out, first, cJSON_IsNumber(end) ? (long)end->valuedouble : first, severity,
                    msg->valuestring, strlen(msg->valuestring), line_count);
    }
    cJSON_Delete(list);
    return true;
}

/* ---- one finding a line ---- */

struct cursor { const char *p, *end; };

static void skip_chars(struct cursor *c, const char *set)
{
    while (c->p < c->end && (isspace((unsigned char)*c->p) || strchr(set, *c->p))) c->p++;
}

static bool read_number(struct cursor *c, long *out)
{
    if (c->p >= c->end || !isdigit((unsigned char)*c->p)) return false;
    long n = 0;
    while (c->p < c->end && isdigit((unsigned char)*c->p)) {
        if (n < 1000000000L) n = n * 10 + (*c->p - '0');
        c->p++;
    }
    *out = n;
    return true;
}

/* "line", "lines", "ln" or "l" right before a number. */
static bool read_line_keyword(struct cursor *c)
{
    static const char *const words[] = { "lines", "line", "ln", "l" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(c->end - c->p) <= n || strncasecmp(c->p, words[i], n) != 0) continue;
        struct cursor t = { c->p + n, c->end };
        if (n > 1) skip_chars(&t, "#.");
        if (t.p < t.end && isdigit((unsigned char)*t.p)) { *c = t; return true; }
    }
    return false;
}

/* An optional end of span: "-5", "..5", " to 5", "–5" (en dash). */
static void read_span_end(struct cursor *c, long *end)
{
    struct cursor t = *c;
    while (t.p < t.end && *t.p == ' ') t.p++;
    if (t.p < t.end && *t.p == '-') t.p++;
    else if (t.end - t.p >= 2 && strncmp(t.p, "..", 2) == 0) t.p += 2;
    else if (t.end - t.p >= 3 && strncmp(t.p, "\xE2\x80\x93", 3) == 0) t.p += 3;
    else if (t.end - t.p >= 3 && strncasecmp(t.p, "to ", 3) == 0) t.p += 3;
    else return;
    while (t.p < t.end && *t.p == ' ') t.p++;
    if (t.p < t.end && *t.p == 'L') t.p++;
    if (read_number(&t, end)) *c = t;
}

/* A severity word in brackets, parentheses or bold, or followed by a colon. */
static int read_severity(struct cursor *c)
{
    struct cursor t = *c;
    bool wrapped = false;
    while (t.p < t.end && strchr("[(*`", *t.p)) { t.p++; wrapped = true; }
    const char *w = t.p;
    while (t.p < t.end && isalpha((unsigned char)*t.p)) t.p++;
    int severity = review_severity_parse(w, (size_t)(t.p - w));
    if (!severity) return 0;
    bool closed = t.p < t.end && strchr("])*`:", *t.p);
    if (!wrapped && !closed) return 0;
    while (t.p < t.end && strchr("])*`", *t.p)) t.p++;
    *c = t;
    return severity;
}

static void parse_line(const char *s, size_t len, uint32_t line_count,
                       struct review_findings *out)
{
    struct cursor c = { s, s + len };
    skip_chars(&c, "-*+>#`[(");
    if (c.p < c.end && isdigit((unsigned char)*c.p)) {   /* "1. LINE 3 ..." list numbers */
        struct cursor t = c;
        long ignored;
        read_number(&t, &ignored);
        if (t.p < t.end && (*t.p == '.' || *t.p == ')')) { c.p = t.p + 1; skip_chars(&c, "*`[("); }
    }
    long first, end = 0;
    if (!read_line_keyword(&c) || !read_number(&c, &first)) return;
    read_span_end(&c, &end);
    skip_chars(&c, "*`])");
    int severity = read_severity(&c);
    skip_chars(&c, ":-*`])|");
    if (c.end - c.p >= 3 && strncmp(c.p, "\xE2\x80\x94", 3) == 0) c.p += 3;   /* em dash */
    if (!severity) {
        severity = read_severity(&c);
        skip_chars(&c, ":-*`])|");
    }
    add_finding(out, first, end ? end : first, severity, c.p, (size_t)(c.end - c.p), line_count);
}

size_t review_parse(const char *answer, size_t len, uint32_t line_count,
                    struct review_findings *out)
{
    out->items = NULL;
    out->count = 0;
    if (!answer) return 0;
    if (parse_json(answer, len, line_count, out) && out->count) return out->count;
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && answer[i] != '\n') i++;
        size_t n = i - start;
        if (n && answer[start + n - 1] == '\r') n--;
        parse_line(answer + start, n, line_count, out);
        i++;
    }
    return out->count;
}

void review_findings_free(struct review_findings *findings)
{
    for (size_t i = 0; i < findings->count; i++) free(findings->items[i].message);
    free(findings->items);
    findings->items = NULL;
    findings->count = 0;
}
