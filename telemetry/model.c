/* Attribute lists and span clean-up (see model.h). */
#include "telemetry/model.h"
#include "base/xalloc.h"
#include <stdlib.h>

static struct tel_attr *next_attr(struct tel_attrs *a, const char *key, enum tel_type type)
{
    if (a->count >= TEL_SPAN_ATTRS) return NULL;
    struct tel_attr *at = &a->items[a->count++];
    at->key = key;
    at->type = type;
    return at;
}

void tel_attrs_str(struct tel_attrs *a, const char *key, const char *value)
{
    if (!value) return;
    struct tel_attr *at = next_attr(a, key, TEL_STR);
    if (at) at->v.s = xstrdup(value);
}

void tel_attrs_int(struct tel_attrs *a, const char *key, int64_t value)
{
    struct tel_attr *at = next_attr(a, key, TEL_INT);
    if (at) at->v.i = value;
}

void tel_attrs_double(struct tel_attrs *a, const char *key, double value)
{
    struct tel_attr *at = next_attr(a, key, TEL_DOUBLE);
    if (at) at->v.d = value;
}

void tel_attrs_bool(struct tel_attrs *a, const char *key, bool value)
{
    struct tel_attr *at = next_attr(a, key, TEL_BOOL);
    if (at) at->v.b = value;
}

void tel_attrs_free(struct tel_attrs *a)
{
    for (int i = 0; i < a->count; i++)
        if (a->items[i].type == TEL_STR) free(a->items[i].v.s);
    a->count = 0;
}

void tel_span_free(struct tel_span *s)
{
    if (!s) return;
    free(s->name);
    free(s->status_message);
    tel_attrs_free(&s->attrs);
    free(s);
}
