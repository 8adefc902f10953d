/* The adaptive strategy's choice (see adaptive.h). */
#include "router/adaptive.h"
#include "router/plan.h"
#include "ledger/cost.h"
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static double price_estimate(const struct config *cfg, const struct model_spec *m,
                             const struct task *t)
{
    return cost_of_tokens(&m->price, t->prompt_tokens_estimate, route_output_reserve(cfg, m, t), 0, 0);
}

static void estimate_targets(const struct quality_table *q, const struct config *cfg,
                             const struct route_rule *r, const struct task *t,
                             struct adaptive_pick *p)
{
    const char *task = task_kind_name(t->kind);
    for (size_t i = 0; i < p->count; i++) {
        const struct model_spec *m = &cfg->models[r->targets[i]];
        quality_lookup(q, task, t->language, m->name, &p->est[i]);
        p->measured_cost[i] = p->est[i].cost_per_request >= 0;
        p->cost[i] = p->measured_cost[i] ? p->est[i].cost_per_request : price_estimate(cfg, m, t);
    }
}

static bool all_trusted(const struct adaptive_pick *p, long min_observations)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->est[i].delivered < min_observations) return false;
    return true;
}

/* One standard deviation of the Beta posterior behind an estimate. */
static double spread(const struct quality_estimate *e)
{
    return sqrt(e->quality * (1 - e->quality) / ((double)e->delivered + 3));
}

/* Within the floor, with each estimate's uncertainty allowed for: a target passes when
 * its quality plus one standard deviation reaches the floor times the best's quality
 * minus one. Without that slack, two equally good models swap places on noise (the one
 * explored less has the noisier estimate) and the saving comes and goes. */
static bool within_floor(const struct adaptive_pick *p, size_t i)
{
    return p->est[i].quality + spread(&p->est[i]) >= p->floor_quality;
}

/* Cheapest target within the floor; ties keep the config's order. */
static size_t cheapest_within_floor(struct adaptive_pick *p, double quality_floor)
{
    size_t best = 0;
    for (size_t i = 1; i < p->count; i++)
        if (p->est[i].quality > p->est[best].quality) best = i;
    p->best = best;
    p->floor_quality = quality_floor * (p->est[best].quality - spread(&p->est[best]));
    size_t pick = best;
    for (size_t i = 0; i < p->count; i++)
        if (within_floor(p, i) && p->cost[i] < p->cost[pick]) pick = i;
    for (size_t i = 0; i < pick; i++)   /* an equally cheap one earlier in the rule wins */
        if (within_floor(p, i) && p->cost[i] == p->cost[pick]) return i;
    return pick;
}

static size_t least_observed_other(const struct adaptive_pick *p, size_t not)
{
    size_t pick = not == 0 ? 1 : 0;
    for (size_t i = 0; i < p->count; i++)
        if (i != not && p->est[i].delivered < p->est[pick].delivered) pick = i;
    return pick;
}

/* order = first, then the rest in the rule's order. */
static void put_first(struct adaptive_pick *p, size_t first)
{
    size_t n = 0;
    p->order[n++] = first;
    for (size_t i = 0; i < p->count; i++)
        if (i != first) p->order[n++] = i;
}

void adaptive_pick(const struct quality_table *q, const struct config *cfg,
                   const struct route_rule *r, const struct task *t, double u01,
                   struct adaptive_pick *p)
{
    memset(p, 0, offsetof(struct adaptive_pick, est));
    p->count = r->target_count < ROUTE_PLAN_MAX ? r->target_count : ROUTE_PLAN_MAX;
    estimate_targets(q, cfg, r, t, p);
    size_t first = 0;
    if (all_trusted(p, r->min_observations)) {
        p->why = ADAPTIVE_CHEAPEST;
        first = cheapest_within_floor(p, r->quality_floor);
    }
    if (p->count > 1 && r->explore > 0 && u01 < r->explore) {
        size_t other;
        if (p->why == ADAPTIVE_LEARNING) {
            other = least_observed_other(p, first);
        } else {
            /* u01 / explore is uniform in [0, 1) again: draw one of the others. */
            other = (size_t)(u01 / r->explore * (double)(p->count - 1));
            if (other >= p->count - 1) other = p->count - 2;
            if (other >= first) other++;
        }
        p->why = ADAPTIVE_EXPLORE;
        first = other;
    }
    put_first(p, first);
}

void adaptive_describe(const struct adaptive_pick *p, const struct config *cfg,
                       const struct route_rule *r, char *out, size_t n)
{
    size_t first = p->order[0];
    const struct quality_estimate *e = &p->est[first];
    switch (p->why) {
    case ADAPTIVE_LEARNING:
        snprintf(out, n, "adaptive, learning: config order until every target has %ld answers "
                 "(this one %ld)", r->min_observations, e->delivered);
        break;
    case ADAPTIVE_EXPLORE:
        snprintf(out, n, "adaptive, exploring (%.0f%% of requests): keeps this estimate current "
                 "(%ld answers)", r->explore * 100, e->delivered);
        break;
    case ADAPTIVE_CHEAPEST:
        if (first == p->best)
            snprintf(out, n, "adaptive: best quality %.2f, and no target within %.0f%% of it is "
                     "cheaper (~$%.6f/request)", e->quality, r->quality_floor * 100, p->cost[first]);
        else
            snprintf(out, n, "adaptive: cheapest (~$%.6f/request) within %.0f%% of the best quality "
                     "(%.2f >= %.2f, best %s %.2f)", p->cost[first], r->quality_floor * 100,
                     e->quality, p->floor_quality, cfg->models[r->targets[p->best]].name,
                     p->est[p->best].quality);
        break;
    }
}
