/* Route planning: rule matching and target selection, as a pure function of the
 * config, the live target state (breakers, rate-limit cooldowns, provider
 * concurrency, budget spend), the task, the time and one random draw.
 *
 * route_state holds that live state, with arrays sized by the config once at init;
 * route_plan_compute never allocates, so a decision costs the same however many
 * requests came before (and is linear in the rules scanned until a match). */
#ifndef ROUTER_PLAN_H
#define ROUTER_PLAN_H
#include "router/router.h"
#include "router/breaker.h"
#include "router/budget.h"
#include "router/quality.h"
#include "router/pin.h"
#include <stdint.h>

struct target_health {
    struct breaker breaker;
    uint64_t cooldown_until;    /* a 429 parked the target until then (0 = not parked) */
};

struct route_state {
    const struct config *cfg;          /* not owned */
    struct target_health *health;      /* per config model */
    int *provider_in_flight;           /* per config provider */
    struct budget_state budget;
    const struct quality_table *quality;   /* adaptive estimates (not owned; may be NULL) */
    const struct pin_table *pins;          /* the user's pins (not owned; may be NULL) */
};

/* Builds state for cfg. previous (may be NULL) carries breakers and cooldowns over
 * by model name, so a config reload does not forget a dead provider. now is the
 * (injected) wall clock in epoch milliseconds; spend reads the ledger (may be NULL). */
void route_state_init(struct route_state *st, const struct config *cfg,
                      const struct route_state *previous, uint64_t now,
                      budget_spend_fn spend, void *spend_data);
void route_state_free(struct route_state *st);

/* The plan for task at now. u01 in [0,1) draws the split choice for tasks without
 * an affinity. Returns 0 when some target is usable, -1 when none is (out still
 * holds the reasons). */
int route_plan_compute(const struct route_state *st, const struct task *task, uint64_t now,
                       double u01, struct route_plan *out);

/* Index of the first matching rule, or -1. */
int route_match_rule(const struct config *cfg, const struct task *task);
/* Output tokens reserved when checking a context window for this task. */
long route_output_reserve(const struct config *cfg, const struct model_spec *m,
                          const struct task *task);
/* Maps an affinity to [0,1) uniformly (splitmix64), stable across runs. */
double route_affinity_point(unsigned long long affinity);

#endif
