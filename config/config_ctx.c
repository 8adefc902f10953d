/* Validation context and typed getters for the configuration loader (see
 * config_internal.h). Keeping every type and range check here gives every section
 * the same wording, so the messages users see are predictable. */
#include "config/config_internal.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cfg_error(struct cfg_ctx *c, const char *path, const char *fmt, ...)
{
    if (c->failed) return;
    c->failed = true;
    char problem[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    if (!c->err || !c->errlen) return;
    if (path && *path) snprintf(c->err, c->errlen, "%s: %s: %s", c->file, path, problem);
    else snprintf(c->err, c->errlen, "%s: %s", c->file, problem);
}

void cfg_note(struct cfg_ctx *c, const char *text)
{
    c->warnings = xrealloc(c->warnings, (c->warning_count + 2) * sizeof *c->warnings);
    c->warnings[c->warning_count++] = xstrdup(text);
    c->warnings[c->warning_count] = NULL;
}

void cfg_warn(struct cfg_ctx *c, const char *path, const char *fmt, ...)
{
    char problem[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    char *line = path && *path ? xasprintf("%s: %s: %s", c->file, path, problem)
                               : xasprintf("%s: %s", c->file, problem);
    cfg_note(c, line);
    free(line);
}

static bool identifier_like(const char *key)
{
    if (!*key) return false;
    for (const char *p = key; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '$') return false;
    return true;
}

/* Paths are for messages: a path longer than CFG_PATH_MAX is cut, never overflowed. */
static void path_join(char *out, const char *parent, const char *a, const char *b, const char *c)
{
    const char *parts[4] = { parent, a, b, c };
    size_t len = 0;
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(parts[i]);
        if (len + n >= CFG_PATH_MAX) n = CFG_PATH_MAX - 1 - len;
        memmove(out + len, parts[i], n);
        len += n;
    }
    out[len] = '\0';
}

void cfg_path_key(char *out, const char *parent, const char *key)
{
    if (identifier_like(key)) path_join(out, parent, *parent ? "." : "", key, "");
    else path_join(out, parent, "[\"", key, "\"]");
}

void cfg_path_index(char *out, const char *parent, size_t index)
{
    char num[32];
    snprintf(num, sizeof num, "[%zu]", index);
    path_join(out, parent, num, "", "");
}

const char *cfg_type_name(const cJSON *item)
{
    if (cJSON_IsString(item)) return "string";
    if (cJSON_IsNumber(item)) return "number";
    if (cJSON_IsBool(item)) return "boolean";
    if (cJSON_IsNull(item)) return "null";
    if (cJSON_IsArray(item)) return "array";
    if (cJSON_IsObject(item)) return "object";
    return "invalid value";
}

/* Edit distance, for "did you mean" on misspelt keys (names are short). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

void cfg_check_keys(struct cfg_ctx *c, const cJSON *obj, const char *path,
                    const char *const *allowed)
{
    for (const cJSON *item = obj ? obj->child : NULL; item; item = item->next) {
        bool known = false;
        const char *closest = NULL;
        size_t best = 3;   /* suggest only close misspellings */
        for (size_t i = 0; allowed[i] && !known; i++) {
            if (strcmp(item->string, allowed[i]) == 0) known = true;
            size_t d = edit_distance(item->string, allowed[i]);
            /* "debounce" for "debounce_ms": a leading part of a key counts as close. */
            if (strlen(item->string) >= 4 &&
                strncmp(item->string, allowed[i], strlen(item->string)) == 0)
                d = 1;
            if (d < best) { best = d; closest = allowed[i]; }
        }
        if (known) continue;
        if (closest)
            cfg_warn(c, path, "unknown key '%s' ignored (did you mean '%s'?)", item->string, closest);
        else
            cfg_warn(c, path, "unknown key '%s' ignored", item->string);
    }
}

void cfg_join_names(char *out, size_t n, const char *const *names)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; names[i] && used < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

int cfg_get_object(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                   const cJSON **out)
{
    const cJSON *item = json_member(obj, key);
    if (!item) return 0;
    char p[CFG_PATH_MAX];
    cfg_path_key(p, path, key);
    if (!cJSON_IsObject(item)) {
        cfg_error(c, p, "expected an object, got %s", cfg_type_name(item));
        return -1;
    }
    *out = item;
    return 0;
}

int cfg_get_string(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                   char **out)
{
    const cJSON *item = json_member(obj, key);
    if (!item) return 0;
    char p[CFG_PATH_MAX];
    cfg_path_key(p, path, key);
    if (!cJSON_IsString(item)) {
        cfg_error(c, p, "expected a string, got %s", cfg_type_name(item));
        return -1;
    }
    free(*out);
    *out = xstrdup(item->valuestring);
    return 0;
}

int cfg_get_bool(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                 bool *out)
{
    const cJSON *item = json_member(obj, key);
    if (!item) return 0;
    char p[CFG_PATH_MAX];
    cfg_path_key(p, path, key);
    if (!cJSON_IsBool(item)) {
        cfg_error(c, p, "expected true or false, got %s", cfg_type_name(item));
        return -1;
    }
    *out = cJSON_IsTrue(item);
    return 0;
}

int cfg_get_long(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                 long *out, long min)
{
    const cJSON *item = json_member(obj, key);
    if (!item) return 0;
    char p[CFG_PATH_MAX];
    cfg_path_key(p, path, key);
    if (!cJSON_IsNumber(item)) {
        cfg_error(c, p, "expected an integer, got %s", cfg_type_name(item));
        return -1;
    }
    double v = item->valuedouble;
    if (v != floor(v) || fabs(v) > 9e15) {
        cfg_error(c, p, "expected an integer, got %g", v);
        return -1;
    }
    if (v < (double)min) {
        if (min == 0) cfg_error(c, p, "must not be negative (got %.0f)", v);
        else cfg_error(c, p, "must be at least %ld (got %.0f)", min, v);
        return -1;
    }
    *out = (long)v;
    return 0;
}

int cfg_get_int(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                int *out, int min)
{
    long v = *out;
    if (cfg_get_long(c, obj, key, path, &v, min) < 0) return -1;
    if (v > 1000000000L) {
        char p[CFG_PATH_MAX];
        cfg_path_key(p, path, key);
        cfg_error(c, p, "must be at most 1000000000 (got %ld)", v);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int cfg_get_double(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                   double *out, double min, double max)
{
    const cJSON *item = json_member(obj, key);
    if (!item) return 0;
    char p[CFG_PATH_MAX];
    cfg_path_key(p, path, key);
    if (!cJSON_IsNumber(item)) {
        cfg_error(c, p, "expected a number, got %s", cfg_type_name(item));
        return -1;
    }
    double v = item->valuedouble;
    if (v < min) {
        if (min == 0) cfg_error(c, p, "must not be negative (got %g)", v);
        else cfg_error(c, p, "must be at least %g (got %g)", min, v);
        return -1;
    }
    if (v > max) {
        cfg_error(c, p, "must be at most %g (got %g)", max, v);
        return -1;
    }
    *out = v;
    return 0;
}

int cfg_get_enum(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                 const char *const *names, int *out)
{
    char *value = NULL;
    if (cfg_get_string(c, obj, key, path, &value) < 0) return -1;
    if (!value) return 0;
    for (int i = 0; names[i]; i++) {
        if (strcmp(value, names[i]) == 0) {
            *out = i;
            free(value);
            return 0;
        }
    }
    char p[CFG_PATH_MAX], list[256];
    cfg_path_key(p, path, key);
    cfg_join_names(list, sizeof list, names);
    cfg_error(c, p, "unknown value '%s' (expected %s)", value, list);
    free(value);
    return -1;
}

int cfg_get_string_list(struct cfg_ctx *c, const cJSON *obj, const char *key, const char *path,
                        bool single_ok, char ***out)
{
    const cJSON *item = json_member(obj, key);
    if (!item) return 0;
    char p[CFG_PATH_MAX], ip[CFG_PATH_MAX];
    cfg_path_key(p, path, key);
    char **list = NULL;
    if (single_ok && cJSON_IsString(item)) {
        cfg_strv_push(&list, item->valuestring);
    } else if (cJSON_IsArray(item)) {
        size_t i = 0;
        for (const cJSON *e = item->child; e; e = e->next, i++) {
            if (!cJSON_IsString(e)) {
                cfg_path_index(ip, p, i);
                cfg_error(c, ip, "expected a string, got %s", cfg_type_name(e));
                cfg_free_strv(list);
                return -1;
            }
            cfg_strv_push(&list, e->valuestring);
        }
        if (!list) list = xcalloc(1, sizeof *list);   /* [] is an empty list, not "any" */
    } else {
        cfg_error(c, p, single_ok ? "expected a string or an array of strings, got %s"
                                  : "expected an array of strings, got %s", cfg_type_name(item));
        return -1;
    }
    cfg_free_strv(*out);
    *out = list;
    return 0;
}

void cfg_free_strv(char **v)
{
    xstrv_free(v);
}

size_t cfg_strv_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n]) n++;
    return n;
}

void cfg_strv_push(char ***v, const char *s)
{
    size_t n = cfg_strv_len(*v);
    *v = xrealloc(*v, (n + 2) * sizeof **v);
    (*v)[n] = xstrdup(s);
    (*v)[n + 1] = NULL;
}

char **cfg_strv_dup(char *const *v)
{
    return v ? xstrv_dup(v) : NULL;   /* NULL (unset) stays NULL, unlike xstrv_dup */
}

