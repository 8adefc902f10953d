/* The "adaptive" route strategy: orders a rule's targets by measured quality and
 * cost (router/quality.h) instead of by the order written in the config. It only
 * orders: every target still goes through the planner's checks (keys, breakers,
 * budgets, privacy), and the others stay behind the chosen one as fallbacks.
 *
 * The choice, per (task, language): once every target has min_observations
 * delivered answers, the cheapest target (mean spend per delivered answer) whose
 * quality is at least quality_floor x the best target's, each estimate given one
 * standard deviation of slack; before that, the config's order. With probability explore (u01 < explore) another target goes first instead,
 * so the estimates of targets not chosen stay current: while learning, the least
 * observed one; after, one drawn uniformly. Pure: no clock, no allocation. */
#ifndef ROUTER_ADAPTIVE_H
#define ROUTER_ADAPTIVE_H
#include "router/router.h"
#include "router/quality.h"

enum adaptive_why {
    ADAPTIVE_LEARNING = 0,   /* some target has too few observations: config order */
    ADAPTIVE_CHEAPEST,       /* cheapest within the quality floor */
    ADAPTIVE_EXPLORE,        /* the exploration share picked another target */
};

struct adaptive_pick {
    size_t order[ROUTE_PLAN_MAX];                 /* indexes into the rule's targets */
    size_t count;
    enum adaptive_why why;
    size_t best;                                  /* rule index of the best quality (CHEAPEST) */
    double floor_quality;                         /* quality_floor x (best - its spread) */
    struct quality_estimate est[ROUTE_PLAN_MAX];  /* per rule target */
    double cost[ROUTE_PLAN_MAX];                  /* per request: measured, else from prices */
    bool measured_cost[ROUTE_PLAN_MAX];
};

void adaptive_pick(const struct quality_table *q, const struct config *cfg,
                   const struct route_rule *rule, const struct task *task, double u01,
                   struct adaptive_pick *out);

/* "cheapest within 90% of the best quality (0.41 >= 0.9 x 0.44)" and the like, for
 * the chosen entry's reason. */
void adaptive_describe(const struct adaptive_pick *p, const struct config *cfg,
                       const struct route_rule *rule, char *out, size_t n);

#endif
