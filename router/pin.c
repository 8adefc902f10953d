/* The pin table (see pin.h): a short list (one entry per task and language a user
 * pinned by hand), so a linear scan is the whole lookup. */
#include "router/pin.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct pin {
    enum task_kind kind;
    char *language;   /* NULL = any */
    char *model;
};

struct pin_table {
    struct pin *items;
    size_t count, cap;
};

struct pin_table *pin_table_new(void) { return xcalloc(1, sizeof(struct pin_table)); }

void pin_table_clear(struct pin_table *pins)
{
    for (size_t i = 0; pins && i < pins->count; i++) {
        free(pins->items[i].language);
        free(pins->items[i].model);
    }
    if (pins) pins->count = 0;
}

void pin_table_free(struct pin_table *pins)
{
    if (!pins) return;
    pin_table_clear(pins);
    free(pins->items);
    free(pins);
}

static bool same_language(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcasecmp(a, b) == 0);
}

static struct pin *find(const struct pin_table *pins, enum task_kind kind, const char *language)
{
    for (size_t i = 0; i < pins->count; i++)
        if (pins->items[i].kind == kind && same_language(pins->items[i].language, language))
            return &pins->items[i];
    return NULL;
}

bool pin_table_set(struct pin_table *pins, enum task_kind kind, const char *language,
                   const char *model)
{
    if (language && !language[0]) language = NULL;
    struct pin *p = find(pins, kind, language);
    if (!model) {
        if (!p) return false;
        free(p->language);
        free(p->model);
        *p = pins->items[--pins->count];
        return true;
    }
    if (p) {
        if (strcmp(p->model, model) == 0) return false;
        free(p->model);
        p->model = xstrdup(model);
        return true;
    }
    if (pins->count == pins->cap) {
        pins->cap = pins->cap ? pins->cap * 2 : 4;
        pins->items = xrealloc(pins->items, pins->cap * sizeof *pins->items);
    }
    pins->items[pins->count++] = (struct pin){ kind, xstrdup(language), xstrdup(model) };
    return true;
}

const char *pin_table_lookup(const struct pin_table *pins, enum task_kind kind, const char *language)
{
    if (!pins) return NULL;
    const struct pin *p = language ? find(pins, kind, language) : NULL;
    if (!p) p = find(pins, kind, NULL);
    return p ? p->model : NULL;
}

cJSON *pin_table_json(const struct pin_table *pins)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; pins && i < pins->count; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "task", task_kind_name(pins->items[i].kind));
        if (pins->items[i].language) cJSON_AddStringToObject(o, "language", pins->items[i].language);
        cJSON_AddStringToObject(o, "model", pins->items[i].model);
        cJSON_AddItemToArray(list, o);
    }
    return list;
}
