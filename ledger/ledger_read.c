/* Ledger reader: line parsing, the rotated-file walk, and the timestamp format. */
#include "ledger/ledger_read.h"
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

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* The exact shape the ledger writes, "2026-11-27T21:00:00.123Z", without sscanf and
 * timegm: folding a large ledger parses one per line. -2 when the text has another
 * shape (the general parser then decides). */
static int64_t parse_time_fast(const char *t)
{
    if (strlen(t) != 24 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
        t[16] != ':' || t[19] != '.' || t[23] != 'Z')
        return -2;
    int y = digits(t, 4), mo = digits(t + 5, 2), d = digits(t + 8, 2), h = digits(t + 11, 2),
        mi = digits(t + 14, 2), s = digits(t + 17, 2), ms = digits(t + 20, 3);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        s < 0 || s > 60 || ms < 0)
        return -2;
    return ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)s * 1000 + ms;
}

int64_t ledger_parse_time(const char *text)
{
    if (!text) return -1;
    int64_t fast = parse_time_fast(text);
    if (fast >= 0) return fast;
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

/* One pass over the object's members (a line has ~20; looking each field up by name
 * would walk the list once per field). */
static void set_field(struct ledger_entry *e, const cJSON *item, const char **time_text,
                      const char **accept)
{
    const char *k = item->string;
    const char *s = cJSON_IsString(item) ? item->valuestring : NULL;
    double n = cJSON_IsNumber(item) ? item->valuedouble : 0;
    bool is_num = cJSON_IsNumber(item);
    if (strcmp(k, "time") == 0) *time_text = s;
    else if (strcmp(k, "accept") == 0) *accept = s;
    else if (strcmp(k, "request_id") == 0) e->request_id = s;
    else if (strcmp(k, "attempt_id") == 0) e->attempt_id = s;
    else if (strcmp(k, "task") == 0) e->task = s;
    else if (strcmp(k, "trigger") == 0) e->trigger = s;
    else if (strcmp(k, "route") == 0) e->route = s;
    else if (strcmp(k, "model") == 0) e->model = s;
    else if (strcmp(k, "provider") == 0) e->provider = s;
    else if (strcmp(k, "outcome") == 0) e->outcome = s;
    else if (strcmp(k, "language") == 0) e->language = s;
    else if (!is_num && strcmp(k, "estimated") == 0) e->estimated = cJSON_IsTrue(item);
    else if (!is_num && strcmp(k, "accepted") == 0) e->accepted = cJSON_IsTrue(item);
    else if (!is_num) return;
    else if (strcmp(k, "attempt") == 0) e->attempt = (int)n;
    else if (strcmp(k, "candidate") == 0) e->candidate = n > 0 && n < 64 ? (int)n : 0;
    else if (strcmp(k, "status") == 0) e->status = (int)n;
    else if (strcmp(k, "first_token_ms") == 0) e->first_token_ms = (long)n;
    else if (strcmp(k, "total_ms") == 0) e->total_ms = (long)n;
    else if (strcmp(k, "tokens_in") == 0) e->tokens_in = (long)n;
    else if (strcmp(k, "tokens_out") == 0) e->tokens_out = (long)n;
    else if (strcmp(k, "tokens_cached") == 0) e->tokens_cached = (long)n;
    else if (strcmp(k, "tokens_reasoning") == 0) e->tokens_reasoning = (long)n;
    else if (strcmp(k, "cost_usd") == 0) e->cost_usd = n;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

enum ledger_line_kind ledger_parse_line(const char *line, cJSON **root,
                                        struct ledger_entry *e, const char **accept_id)
{
    memset(e, 0, sizeof *e);
    e->attempt = 1;
    e->first_token_ms = -1;
    *accept_id = NULL;
    *root = cJSON_Parse(line);
    if (!cJSON_IsObject(*root)) return LEDGER_LINE_INVALID;
    const char *time_text = NULL, *accept = NULL;
    for (const cJSON *item = (*root)->child; item; item = item->next)
        if (item->string) set_field(e, item, &time_text, &accept);
    e->time_ms = ledger_parse_time(time_text);
    if (e->time_ms < 0) return LEDGER_LINE_INVALID;
    if (accept) {
        *accept_id = accept;
        return LEDGER_LINE_ACCEPT;
    }
    e->request_id = or_empty(e->request_id);
    e->attempt_id = or_empty(e->attempt_id);
    e->task = or_empty(e->task);
    e->trigger = or_empty(e->trigger);
    e->route = or_empty(e->route);
    e->model = or_empty(e->model);
    e->provider = or_empty(e->provider);
    e->outcome = or_empty(e->outcome);
    if (!*e->model || !*e->outcome) return LEDGER_LINE_INVALID;
    return LEDGER_LINE_ATTEMPT;
}

/* Returns -1 when fn stopped the reading, else 1 (read) or 0 (no such file). */
static int read_file_lines(const char *path, ledger_line_while_fn fn, void *data)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int read = 1;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (n > 0 && !fn(data, line)) {
            read = -1;
            break;
        }
    }
    free(line);
    fclose(f);
    return read;
}

/* Rotated files are numbered 1..keep without gaps (rotation renames downwards), so
 * the highest existing number is found by probing upwards. */
int ledger_read_all_while(const char *path, ledger_line_while_fn fn, void *data)
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
        int r = read_file_lines(rotated, fn, data);
        free(rotated);
        if (r < 0) return files + 1;
        files += r;
    }
    int r = read_file_lines(path, fn, data);
    return files + (r != 0);
}

struct every_line {
    ledger_line_fn fn;
    void *data;
};

static bool every_line(void *data, const char *line)
{
    struct every_line *e = data;
    e->fn(e->data, line);
    return true;
}

int ledger_read_all(const char *path, ledger_line_fn fn, void *data)
{
    struct every_line e = { fn, data };
    return ledger_read_all_while(path, every_line, &e);
}

int64_t ledger_line_time(const char *line)
{
    static const char prefix[] = "{\"time\":\"";
    if (strncmp(line, prefix, sizeof prefix - 1) != 0) return -1;
    const char *t = line + sizeof prefix - 1;
    char text[32];
    size_t n = 0;
    while (n < sizeof text - 1 && t[n] && t[n] != '"') {
        text[n] = t[n];
        n++;
    }
    if (t[n] != '"') return -1;
    text[n] = '\0';
    return ledger_parse_time(text);
}
