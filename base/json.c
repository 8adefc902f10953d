/* Safe cJSON readers (see json.h). json_get walks the path without copying it: each
 * step compares a length-delimited name, so no allocation and no limit on its length. */
#include "base/json.h"
#include <limits.h>
#include <math.h>
#include <string.h>

#define COUNT_LIMIT 1e15

static const cJSON *member_n(const cJSON *obj, const char *name, size_t n)
{
    if (!cJSON_IsObject(obj)) return NULL;
    for (const cJSON *c = obj->child; c; c = c->next)
        if (c->string && strlen(c->string) == n && memcmp(c->string, name, n) == 0) return c;
    return NULL;
}

const cJSON *json_member(const cJSON *obj, const char *name)
{
    return name ? member_n(obj, name, strlen(name)) : NULL;
}

const cJSON *json_get(const cJSON *obj, const char *dotted_path)
{
    if (!obj || !dotted_path) return NULL;
    const char *p = dotted_path;
    while (obj && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        obj = member_n(obj, p, n);
        p += n + (dot ? 1 : 0);
        if (dot && !*p) return NULL;   /* trailing dot */
    }
    return obj;
}

const char *json_get_string(const cJSON *obj, const char *dotted_path)
{
    return cJSON_GetStringValue(json_get(obj, dotted_path));
}

bool json_get_int(const cJSON *obj, const char *dotted_path, long *out)
{
    const cJSON *v = json_get(obj, dotted_path);
    if (!cJSON_IsNumber(v)) return false;
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < (double)LONG_MIN || d > (double)LONG_MAX) return false;
    *out = (long)d;
    return true;
}

long json_get_long(const cJSON *obj, const char *dotted_path, long fallback)
{
    const cJSON *v = json_get(obj, dotted_path);
    if (!cJSON_IsNumber(v) || isnan(v->valuedouble)) return fallback;
    double d = v->valuedouble;
    return d >= COUNT_LIMIT ? (long)COUNT_LIMIT : d <= -COUNT_LIMIT ? (long)-COUNT_LIMIT : (long)d;
}

double json_get_number(const cJSON *obj, const char *dotted_path, double fallback)
{
    const cJSON *v = json_get(obj, dotted_path);
    return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

bool json_get_true(const cJSON *obj, const char *dotted_path)
{
    return cJSON_IsTrue(json_get(obj, dotted_path));
}
