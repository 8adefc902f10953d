/* The shipped price list (data/prices.json, compiled into the binary): list prices in
 * USD per million tokens, context windows and native fill-in-the-middle support of
 * common models. The configuration fills a model's price from here unless the config
 * file gives one. Prices change: they live in data, never in code. */
#ifndef CONFIG_PRICES_H
#define CONFIG_PRICES_H
#include "providers/task.h"
#include <stdbool.h>

struct price_info {
    struct model_price price;   /* unknown fields negative */
    long context_window;        /* 0 = unknown */
    bool fim;                   /* has a native fill-in-the-middle API */
    bool reasoning;             /* reasoning model: no temperature, max_completion_tokens */
    char id[96];                /* the list entry that matched */
};

/* Looks model_id up: exact entry first, then the longest entry that is a prefix of
 * model_id ("claude-sonnet-4-5-20250929" -> "claude-sonnet-4-5"). Returns false
 * (and fills out with unknowns) when nothing matches. */
bool price_lookup(const char *model_id, struct price_info *out);

/* The embedded JSON text (for `switchboard check` and tests). */
const char *price_list_json(void);

#endif
