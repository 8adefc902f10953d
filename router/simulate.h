/* `switchboard simulate WORKLOAD.json`: replays a task mix through the route rules and
 * the price list, with no network, and compares the cost with single-model baselines
 * (every task sent to one model).
 *
 * A workload is {"name": ..., "unavailable": {"MODEL": share}, "tasks": [TASK...]} or a
 * bare [TASK...] list, where TASK is {"kind": "inline", "count": 700, "tokens_in": 1500,
 * "tokens_out": 40, "tokens_cached": 0, "tokens_reasoning": 0, "trigger": "automatic",
 * "language": "python", "path": "src/app.py"} (count defaults to 1). "unavailable"
 * gives the share of attempts on a model that fail (outage, rate limit, budget block)
 * and pass to the next target of a fallback plan; failed attempts cost nothing. Split
 * rules divide tasks by weight; hedge rules are counted as their first target (the
 * hedge's second request depends on latency, which a price replay does not know).
 * Counts are per day; "days" (default 1) replays several. Plans come from the router's
 * planner (route_plan_compute) with the config's budgets live: each day's tasks are
 * spread evenly over 1440 one-minute slices and served spend is added to the budget
 * state, so a spent budget skips (or downgrades) its models for the rest of the period;
 * what no target can take is counted "blocked". */
#ifndef ROUTER_SIMULATE_H
#define ROUTER_SIMULATE_H
#include "config/config.h"
#include <cjson/cJSON.h>
#include <stddef.h>

/* Returns the result as JSON (see docs/ledger-and-stats.md), or NULL with a message
 * in err when the workload is invalid. */
cJSON *simulate_run(const struct config *cfg, const cJSON *workload, char *err, size_t errlen);
char *simulate_render_text(const cJSON *result);

/* argv[0] is "simulate". Exit code 0, 1 or 2. */
int cli_simulate(int argc, char **argv);

#endif
