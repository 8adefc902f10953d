/* LSP positions and ranges to and from JSON (see server.h), on base/json.h's safe
 * readers: malformed input gives false, never a dereference of unchecked JSON. */
#include "lsp/server.h"

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

bool lsp_ranges_touch(struct lsp_range a, struct lsp_range b)
{
    bool a_before_b = a.end.line < b.start.line ||
        (a.end.line == b.start.line && a.end.character < b.start.character);
    bool b_before_a = b.end.line < a.start.line ||
        (b.end.line == a.start.line && b.end.character < a.start.character);
    return !a_before_b && !b_before_a;
}
