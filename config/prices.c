/* Price list lookup (see prices.h). The list is a few dozen entries parsed from the
 * embedded JSON on each lookup: lookups happen only while a configuration loads, so
 * a cached table would add global state without saving anything noticeable. */
#include "config/prices.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

extern const unsigned char switchboard_prices_json[];

const char *price_list_json(void) { return (const char *)switchboard_prices_json; }

static double number_or(const cJSON *obj, const char *key, double fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

static void fill(struct price_info *out, const cJSON *entry)
{
    out->price.input = number_or(entry, "input", -1);
    out->price.output = number_or(entry, "output", -1);
    out->price.cached_input = number_or(entry, "cached_input", -1);
    out->price.reasoning_output = number_or(entry, "reasoning_output", -1);
    out->context_window = (long)number_or(entry, "context_window", 0);
    out->fim = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(entry, "fim"));
    out->reasoning = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(entry, "reasoning"));
    snprintf(out->id, sizeof out->id, "%s", entry->string);
}

bool price_lookup(const char *model_id, struct price_info *out)
{
    memset(out, 0, sizeof *out);
    out->price = (struct model_price){ -1, -1, -1, -1 };
    if (!model_id || !*model_id) return false;
    cJSON *root = cJSON_Parse(price_list_json());
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models");
    const cJSON *best = NULL;
    size_t best_len = 0;
    for (const cJSON *e = models ? models->child : NULL; e; e = e->next) {
        size_t len = strlen(e->string);
        if (strcmp(e->string, model_id) == 0) { best = e; break; }
        if (len > best_len && strncmp(e->string, model_id, len) == 0) {
            best = e;
            best_len = len;
        }
    }
    if (best) fill(out, best);
    cJSON_Delete(root);
    return best != NULL;
}
