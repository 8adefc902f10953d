/* Safe readers for LSP params (see server.h): every accessor returns NULL / false
 * for a missing member or one of the wrong type, so handlers never dereference
 * unchecked JSON. */
#include "lsp/server.h"
#include <math.h>
#include <limits.h>
#include <string.h>

const cJSON *json_get(const cJSON *obj, const char *dotted_path)
{
    if (!obj || !dotted_path) return NULL;
    const char *p = dotted_path;
    while (obj && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!cJSON_IsObject(obj)) return NULL;
        const cJSON *child = NULL;
        for (const cJSON *c = obj->child; c; c = c->next)
            if (c->string && strlen(c->string) == n && memcmp(c->string, p, n) == 0) { child = c; break; }
        obj = child;
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

static bool get_u32(const cJSON *obj, const char *name, uint32_t *out)
{
    long v;
    if (!json_get_int(obj, name, &v) || v < 0) return false;
    *out = v > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    return true;
}

bool json_to_position(const cJSON *obj, struct lsp_position *out)
{
    struct lsp_position p;
    if (!cJSON_IsObject(obj) || !get_u32(obj, "line", &p.line) || !get_u32(obj, "character", &p.character))
        return false;
    *out = p;
    return true;
}

bool json_to_range(const cJSON *obj, struct lsp_range *out)
{
    struct lsp_range r;
    if (!json_to_position(json_get(obj, "start"), &r.start) ||
        !json_to_position(json_get(obj, "end"), &r.end))
        return false;
    *out = r;
    return true;
}

cJSON *position_to_json(struct lsp_position pos)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "line", pos.line);
    cJSON_AddNumberToObject(o, "character", pos.character);
    return o;
}

cJSON *range_to_json(struct lsp_range range)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "start", position_to_json(range.start));
    cJSON_AddItemToObject(o, "end", position_to_json(range.end));
    return o;
}
