/* Route presets: the four common set-ups, expanded into route rules from whatever
 * models the configuration has. The expansion ranks models by facts the config
 * already holds (price, fill-in-the-middle support, local or remote, vendor):
 *
 *   speed-depth             inline -> cheapest FIM-capable models (remote first, local
 *                           last as the offline fallback; with none, the cheapest
 *                           non-reasoning chat models); everything else -> the
 *                           strongest models (highest list output price first).
 *   primary-budget-fallback inline as above; everything else -> the strongest model,
 *                           then the cheapest other one (pair with a "downgrade" budget).
 *   provider-diversity      the same rankings, reordered so consecutive targets are
 *                           served by different vendors (different API hosts): one
 *                           vendor's outage never exhausts a route.
 *   selfhost-premium        inline, docs and explain -> local models first; refactor, fix,
 *                           review, tests, architecture -> the strongest remote model
 *                           first with local fallback.
 *
 * Every preset also routes next_edit on its own, before its catch-all: models that
 * can rewrite a region (chat, or declared next_edit_format "zeta") and do not think
 * first, cheapest first, local last (first for selfhost-premium), a zeta model ahead
 * of all; a zeta model is in no other route.
 *
 * Output price stands in for strength: list prices track capability closely enough
 * to pick "the premium model" of a set, and the user can always write routes. */
#ifndef CONFIG_PRESETS_H
#define CONFIG_PRESETS_H
#include "config/config.h"
#include <cjson/cJSON.h>

/* NULL-terminated preset names. */
extern const char *const preset_names[];

/* Routes (a JSON array in the config file's "routes" form, each with a "name") for
 * preset over cfg's models. Never NULL; empty when cfg has no usable models. A note
 * for the user (e.g. "no local model found") is written to note, else note[0] = 0. */
cJSON *preset_routes(const struct config *cfg, const char *preset, char *note, size_t notelen);

#endif
