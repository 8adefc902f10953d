/* Internals shared by the router's modules (router.c: the object, shared target
 * state and provider slots; run.c: the executor; explain.c: explanations). Not a
 * public contract: only router/ includes it. */
#ifndef ROUTER_ROUTER_INT_H
#define ROUTER_ROUTER_INT_H
#include "router/router.h"
#include "router/plan.h"
#include "ledger/ledger.h"
#include "router/quality.h"
#include "telemetry/telemetry.h"

struct router {
    uv_loop_t *loop;
    struct http_engine *http;
    struct ledger *ledger;            /* may be NULL */
    struct telemetry *telemetry;      /* may be NULL (export off) */
    struct config *cfg;               /* reference */
    struct route_state state;         /* breakers, cooldowns, slots, budget for cfg */
    uint64_t (*now_ms)(void *);       /* wall clock, epoch ms (injectable) */
    void *now_data;
    double (*uniform01)(void *);      /* [0, 1) (injectable) */
    void *random_data;
    uint64_t rng;                     /* default generator's state */
    struct route_run *runs;           /* runs in flight (doubly linked) */
    int run_count;
    struct route_run *waiting_head;   /* action runs waiting for a provider slot (FIFO) */
    struct route_run *waiting_tail;
    bool closing;                     /* router_free in progress */
    struct quality_table *quality;    /* adaptive estimates (router/learn.c); never NULL */
    struct pin_table *pins;           /* switchboard.pin; cleared at a config reload */
    struct learn_job *learning;       /* replay of the ledger in flight, or NULL */
};

/* learn.c: follow the ledger's new lines (listener) and stop following it. */
void router_listen(struct router *r);
void router_learn_detach(struct router *r);

uint64_t router_now(struct router *r);
double router_random(struct router *r);

/* Live state of a model of cfg (a run's config may be older than the router's:
 * lookups go by name). NULL when the current config no longer has it. */
struct target_health *router_health(struct router *r, const struct config *cfg, size_t model);
/* Provider concurrency: returns false when the model's provider is full. */
bool router_slot_available(struct router *r, const struct config *cfg, size_t model);
void router_slot_take(struct router *r, const struct config *cfg, size_t model);
/* Frees a slot and starts the first waiting run whose provider has room. */
void router_slot_release(struct router *r, const struct config *cfg, size_t model);
/* Charges an attempt's cost against the budgets. */
void router_charge(struct router *r, const struct config *cfg, size_t model, double usd);

/* run.c: starts waiting runs (FIFO) whose provider now has a free slot. */
void run_queue_pump(struct router *r);
/* run.c: cancels every run without callbacks (router_free). */
void run_cancel_all(struct router *r);

/* The plan a task would get now (task copied so its token estimate can be filled). */
int router_plan_for(struct router *r, const struct task *task, struct route_plan *out);

#endif
