/* Internals of the executor shared by run.c (the run: plan walking, retries, hedge,
 * results, lifetime) and attempt.c (one upstream attempt: request, streaming,
 * classification, accounting). Only those two files include it. */
#ifndef ROUTER_RUN_INT_H
#define ROUTER_RUN_INT_H
#include "router/router_int.h"
#include "providers/exchange.h"
#include "base/buf.h"

#define RESPONSE_MAX (32u << 20)

struct attempt {
    struct route_run *run;
    size_t entry;                 /* plan entry */
    size_t model;                 /* index into run->cfg->models */
    int number;                   /* 1-based across the run */
    struct exchange x;            /* the request, its stream and how it ended */
    struct buf text;              /* everything this attempt produced (choice 0) */
    size_t other_choice_bytes;    /* what the request's other choices produced (task.n) */
    bool trial;                   /* the breaker's half-open trial */
    long first_token_ms;
    char *attempt_id;
    const char *fallback_reason;  /* static: why the attempt before this one did not answer */
};

enum pending { PENDING_NONE = 0, PENDING_ADVANCE, PENDING_RETRY, PENDING_FAIL };

struct route_run {
    struct router *router;
    struct config *cfg;           /* reference: the config the run started with */
    struct task task;             /* deep copy */
    char *request_id;
    struct route_callbacks cb;
    void *data;
    struct route_plan plan;
    size_t cursor;                /* next plan entry to try */
    int retries;                  /* retries spent on the entry being retried */
    size_t retry_entry;
    int attempts;
    struct attempt *active[2];    /* primary and hedge */
    struct attempt *winner;       /* the attempt whose text the editor sees */
    bool text_sent;
    bool hedged;
    bool finished;
    bool counted_out;             /* no longer in router_in_flight (before on_done) */
    double cost;
    uint64_t start_us;
    size_t first_usable;
    struct provider_error last_error;
    char message[512];
    size_t last_model;
    bool have_last_model;
    enum pending pending;
    uv_timer_t timer;             /* advance / retry delay / deferred failure */
    uv_timer_t hedge_timer;       /* hedge start, then deferred loser cancel */
    int open_handles;
    struct route_run *prev, *next;            /* router->runs */
    struct route_run *wait_next;              /* router waiting queue */
    bool waiting;
    size_t wait_entry;
    struct telemetry_span_context span;   /* the request's span (telemetry) */
};

enum start_result { START_OK, START_SKIP, START_WAIT };

/* attempt.c */
long run_elapsed_ms(uint64_t since_us);
const char *run_outcome_name(enum provider_error_class cls);
void run_set_error(struct provider_error *e, enum provider_error_class cls, int status,
                   const char *fmt, const char *detail);
int run_active_count(const struct route_run *run);
/* Usage as reported, else estimated from what was sent and received (returns true). */
bool attempt_usage(const struct attempt *a, struct provider_usage *u);
void attempt_free(struct attempt *a);
/* Cancels an attempt still in flight and records it as "cancelled". */
void attempt_cancel(struct attempt *a);
/* retry: the same target again after its delay (its own 429 park does not apply).
 * hedge: a second concurrent attempt, which never waits for a provider slot. */
enum start_result attempt_start(struct route_run *run, size_t entry, bool retry, bool hedge);

/* run_telemetry.c: the run's and the attempt's telemetry events. */
void run_telemetry_begin(struct route_run *run);
void run_telemetry_end(struct route_run *run, const char *outcome, const struct attempt *winner);
void run_telemetry_attempt(struct route_run *run, const struct attempt *a, const char *outcome,
                           const struct provider_usage *usage, double cost);

/* run.c */
void run_finish_success(struct route_run *run, struct attempt *a);
/* The only active attempt failed with err: retry, move on, or give up. */
void run_after_failure(struct route_run *run, size_t entry, const struct provider_error *err);
void run_cancel_losers_soon(struct route_run *run);
void run_start_hedge_timer(struct route_run *run);

#endif
