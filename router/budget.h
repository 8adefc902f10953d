/* Budgets: daily and monthly USD limits per model, per provider and overall
 * (config.budgets). Spend per budget rule = what the ledger held for the current
 * period when the state was built (through a callback, so tests and a NULL ledger
 * work) plus the router's own running totals since. Periods are local calendar
 * days and months (like the status line's "today"); a total resets when its period
 * rolls over.
 *
 * Arrays are sized by the config's budget rule count once, at init; checks and
 * additions never allocate. Time is passed in (wall clock, epoch milliseconds). */
#ifndef ROUTER_BUDGET_H
#define ROUTER_BUDGET_H
#include "config/config.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Spend since a wall-clock time; model / provider filters may be NULL. */
typedef double (*budget_spend_fn)(void *data, int64_t since_ms, const char *model,
                                  const char *provider);

struct budget_state {
    size_t count;            /* = config budget_count */
    double *day_spent;       /* per rule, within day_start's day */
    double *month_spent;     /* per rule, within month_start's month */
    int64_t day_start;       /* local midnight starting the current day */
    int64_t day_end;         /* ... and the next one (bounds cached: localtime is slow) */
    int64_t month_start;     /* local midnight of the first of the current month */
    int64_t month_end;       /* ... and of the next month */
    double total_day;        /* everything this process saw today (status line) */
    double total_month;
};

struct budget_verdict {
    bool over;               /* some limit covering the model is reached */
    bool block;              /* ... and that rule says "block" */
    size_t rule;             /* the rule (first blocking one, else the first reached) */
    char reason[160];        /* "daily limit $5.00 for provider anthropic reached ($5.03 spent)" */
};

/* spend may be NULL (start from zero). */
void budget_state_init(struct budget_state *st, const struct config *cfg, int64_t now_ms,
                       budget_spend_fn spend, void *spend_data);
void budget_state_free(struct budget_state *st);

/* Adds an attempt's cost to every rule that covers the model. */
void budget_add(struct budget_state *st, const struct config *cfg, size_t model, double usd,
                int64_t now_ms);
/* Whether a model may be used now. Returns v->over. A spent "downgrade" rule does
 * not rule out a free model (budget_model_is_free): downgrade keeps serving from
 * what still fits and refuses only when nothing does; "block" refuses every model it
 * covers. */
bool budget_check(const struct budget_state *st, const struct config *cfg, size_t model,
                  int64_t now_ms, struct budget_verdict *v);
/* Price zero: known to be zero, or unknown on a local kind (ollama, llamacpp). An
 * unknown price on a remote provider is not free. */
bool budget_model_is_free(const struct model_spec *m);
/* Spend of a rule in the current period (0 after a rollover). */
double budget_rule_spent(const struct budget_state *st, size_t rule, bool monthly, int64_t now_ms);
double budget_spent_today(const struct budget_state *st, int64_t now_ms);

int64_t budget_day_start(int64_t now_ms);
int64_t budget_month_start(int64_t now_ms);

#endif
