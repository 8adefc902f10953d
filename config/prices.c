/* Price list lookup (see prices.h). The list is a few dozen entries parsed from the
 * embedded JSON on each lookup: lookups happen only while a configuration loads, so
 * a cached table would add global state without saving anything noticeable. */
#include "config/prices.h"
#include "base/json.h"
#include <stdio.h>
#include <string.h>

extern const unsigned char switchboard_prices_json[];

const char *price_list_json(void) { return (const char *)switchboard_prices_json; }

static void fill(struct price_info *out, const cJSON *entry)
{
    out->price.input = json_get_number(entry, "input", -1);
    out->price.output = json_get_number(entry, "output", -1);
    out->price.cached_input = json_get_number(entry, "cached_input", -1);
    out->price.reasoning_output = json_get_number(entry, "reasoning_output", -1);
    out->context_window = (long)json_get_number(entry, "context_window", 0);
    out->fim = json_get_true(entry, "fim");
    out->reasoning = json_get_true(entry, "reasoning");
    snprintf(out->id, sizeof out->id, "%s", entry->string);
}

bool price_lookup(const char *model_id, struct price_info *out)
{
    memset(out, 0, sizeof *out);
    out->price = (struct model_price){ -1, -1, -1, -1 };
    if (!model_id || !*model_id) return false;
    cJSON *root = cJSON_Parse(price_list_json());
    const cJSON *models = json_member(root, "models");
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
