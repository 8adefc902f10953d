/* Pins: the user's own choice of model for a task (and optionally a language),
 * set by switchboard.pin and kept until unpinned or the configuration is reloaded.
 * The planner puts the pinned model first; it still goes through every check a
 * rule's target does (key, context, breaker, cooldown, budget, concurrency), so a
 * pin overrides the adaptive choice but never privacy or budgets. */
#ifndef ROUTER_PIN_H
#define ROUTER_PIN_H
#include "providers/task.h"
#include <cjson/cJSON.h>
#include <stdbool.h>

struct pin_table;

struct pin_table *pin_table_new(void);
void pin_table_free(struct pin_table *pins);
void pin_table_clear(struct pin_table *pins);
/* Pins model for (kind, language); language NULL = every language of the task.
 * model NULL removes that pin. Returns true when a pin was added, changed or removed. */
bool pin_table_set(struct pin_table *pins, enum task_kind kind, const char *language,
                   const char *model);
/* The model pinned for a task: the language's own pin first, then the task's
 * any-language pin; NULL when none. */
const char *pin_table_lookup(const struct pin_table *pins, enum task_kind kind,
                             const char *language);
/* [{"task": "refactor", "language": "c", "model": "big"}, ...] ("language" only when set). */
cJSON *pin_table_json(const struct pin_table *pins);

#endif
