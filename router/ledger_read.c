/* Ledger reader: line parsing, the rotated-file walk, and the timestamp format. */
#include "router/ledger_read.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ledger_format_time(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000);
    int millis = (int)(ms % 1000);
    if (millis < 0) { millis += 1000; secs -= 1; }
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", millis);
}

int64_t ledger_parse_time(const char *text)
{
    if (!text) return -1;
    struct tm tm = {0};
    int millis = 0, consumed = 0;
    if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return -1;
    const char *rest = text + consumed;
    if (*rest == '.') {
        int digits = 0;
        for (rest++; *rest >= '0' && *rest <= '9'; rest++, digits++)
            if (digits < 3) millis = millis * 10 + (*rest - '0');
        for (; digits < 3; digits++) millis *= 10;
    }
    if (*rest != 'Z' || rest[1] != '\0') return -1;   /* the ledger always writes UTC */
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000 + millis;
}

static const char *string_field(const cJSON *obj, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));
    return s ? s : "";
}

static double number_field(const cJSON *obj, const char *name, double fallback)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(item) ? item->valuedouble : fallback;
}

enum ledger_line_kind ledger_parse_line(const char *line, cJSON **root,
                                        struct ledger_entry *e, const char **accept_id)
{
    memset(e, 0, sizeof *e);
    *accept_id = NULL;
    *root = cJSON_Parse(line);
    if (!cJSON_IsObject(*root)) return LEDGER_LINE_INVALID;
    const cJSON *obj = *root;
    e->time_ms = ledger_parse_time(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "time")));
    if (e->time_ms < 0) return LEDGER_LINE_INVALID;
    const char *accept = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "accept"));
    if (accept) {
        *accept_id = accept;
        return LEDGER_LINE_ACCEPT;
    }
    e->request_id = string_field(obj, "request_id");
    e->attempt_id = string_field(obj, "attempt_id");
    e->task = string_field(obj, "task");
    e->trigger = string_field(obj, "trigger");
    e->route = string_field(obj, "route");
    e->model = string_field(obj, "model");
    e->provider = string_field(obj, "provider");
    e->outcome = string_field(obj, "outcome");
    if (!*e->model || !*e->outcome) return LEDGER_LINE_INVALID;
    e->attempt = (int)number_field(obj, "attempt", 1);
    e->status = (int)number_field(obj, "status", 0);
    e->first_token_ms = (long)number_field(obj, "first_token_ms", -1);
    e->total_ms = (long)number_field(obj, "total_ms", 0);
    e->tokens_in = (long)number_field(obj, "tokens_in", 0);
    e->tokens_out = (long)number_field(obj, "tokens_out", 0);
    e->tokens_cached = (long)number_field(obj, "tokens_cached", 0);
    e->tokens_reasoning = (long)number_field(obj, "tokens_reasoning", 0);
    e->estimated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "estimated"));
    e->cost_usd = number_field(obj, "cost_usd", 0);
    e->accepted = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "accepted"));
    return LEDGER_LINE_ATTEMPT;
}

static int read_file_lines(const char *path, ledger_line_fn fn, void *data)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (n > 0) fn(data, line);
    }
    free(line);
    fclose(f);
    return 1;
}

/* Rotated files are numbered 1..keep without gaps (rotation renames downwards), so
 * the highest existing number is found by probing upwards. */
int ledger_read_all(const char *path, ledger_line_fn fn, void *data)
{
    int highest = 0;
    for (int i = 1; i <= 1000; i++) {
        char *rotated = xasprintf("%s.%d", path, i);
        FILE *f = fopen(rotated, "r");
        free(rotated);
        if (!f) break;
        fclose(f);
        highest = i;
    }
    int files = 0;
    for (int i = highest; i >= 1; i--) {
        char *rotated = xasprintf("%s.%d", path, i);
        files += read_file_lines(rotated, fn, data);
        free(rotated);
    }
    return files + read_file_lines(path, fn, data);
}
