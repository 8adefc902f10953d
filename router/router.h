/* The router: decides which model targets serve a task and drives the attempts.
 * router_plan is pure (config + breaker/budget/cooldown state + now); router_run
 * executes a plan through the provider adapters and the HTTP engine with retries,
 * fallback, split and hedge, records every upstream attempt in the ledger, and
 * reports the streamed text back.
 *
 * Contract: once router_run returns a run, exactly one of on_done or route_run_cancel
 * ends it. After route_run_cancel no callback is called, the upstream transfer is
 * closed at once, and the attempt is recorded with outcome "cancelled". Never cancel a
 * run from inside its own callbacks; use the return value of on_text instead. */
#ifndef ROUTER_ROUTER_H
#define ROUTER_ROUTER_H
#include "providers/provider.h"
#include "providers/http.h"
#include "config/config.h"
#include <cjson/cJSON.h>
#include <stdint.h>
#include <uv.h>

struct router;
struct route_run;
struct ledger;

#define ROUTE_PLAN_MAX 16

struct route_plan_entry {
    size_t model;            /* index into config.models */
    bool skipped;
    char reason[160];        /* why chosen or skipped, plain words */
    /* Machine-readable cause when skipped: "capability", "no-key", "context", "breaker", "cooldown",
     * "budget", "budget-block", "concurrency"; NULL when usable. "queue" marks a usable
     * target whose provider is full (action tasks wait for a slot). */
    const char *code;
    bool downgrade;          /* added because the plan's own targets were over budget */
    bool pinned;             /* the user's pin (switchboard.pin), ahead of the rule's order */
};

struct route_plan {
    int rule_index;          /* -1 when no rule matched */
    enum route_strategy strategy;
    long hedge_after_ms;
    struct route_plan_entry entries[ROUTE_PLAN_MAX];
    size_t count;
    char summary[160];       /* "routes[1] matched: task refactor" */
    size_t usable;           /* entries not skipped */
    bool budget_blocked;     /* some target refused by a budget whose action is block */
};

struct route_result {
    bool ok;
    const char *model;            /* config model name that answered (or last tried) */
    const char *provider;
    const char *text;             /* the whole answer (ok), valid during on_done */
    struct provider_usage usage;  /* as reported, or estimated (usage_estimated) */
    bool usage_estimated;
    double cost_usd;              /* all attempts of this run */
    long first_token_ms;          /* of the answering attempt; -1 none */
    long total_ms;                /* whole run */
    int attempts;                 /* upstream attempts made */
    bool fell_back;               /* answered by a target other than the first */
    const char *attempt_id;       /* ledger id of the answering attempt (for accept) */
    int choices;                  /* candidates the answering attempt asked for in its
                                     one request (task.n where the target takes it, else 1) */
    struct provider_error error;  /* !ok: the last error */
    char message[512];            /* !ok: what went wrong, for the user */
};

struct route_callbacks {
    /* An attempt starts on a model (progress: "begin with the model's name"). */
    void (*on_attempt)(void *data, const struct model_spec *model, int attempt);
    /* Text delta of the attempt that is streaming. Return nonzero to stop early: the
     * upstream is closed and on_done follows with ok and the text so far. */
    int (*on_text)(void *data, const char *text, size_t len);
    /* The streaming attempt failed after sending text and another starts: discard. */
    void (*on_reset)(void *data);
    void (*on_done)(void *data, const struct route_result *result);
    /* Optional, for a task asking for several candidates in one request (task.n > 1):
     * when set it hears the text of every choice, choice 0 included, and on_text is not
     * called; returning nonzero stops the whole request. A target without
     * PROVIDER_CAP_N_CHOICES (a fallback, say) answers choice 0 only. */
    int (*on_choice_text)(void *data, int choice, const char *text, size_t len);
};

struct router *router_new(uv_loop_t *loop, struct http_engine *http, struct ledger *ledger,
                          struct config *cfg);
/* Swaps the configuration (takes a reference). Runs in flight keep the old one. */
void router_set_config(struct router *router, struct config *cfg);
struct config *router_config(struct router *router);
/* Writes to another ledger (or none: NULL) from now on; the caller closes the old one
 * after this call, never before: the router writes to its ledger and follows its new
 * lines until then (router_free likewise comes before closing the ledger). Spend
 * counted against budgets so far carries over: the new file may not hold it. */
void router_set_ledger(struct router *router, struct ledger *ledger);
/* Exports a span per run and per attempt, and their metrics, from now on (NULL =
 * none; the caller owns it and closes it after router_free). */
struct telemetry;
void router_set_telemetry(struct router *router, struct telemetry *telemetry);
/* Cancels all runs (no callbacks) and frees. */
void router_free(struct router *router);

/* Adaptive routing learns from what users keep (router/quality.h). router_learn
 * replays the last LEARN_WINDOW_DAYS of the router's ledger (current and rotated
 * files) and then follows its new lines. background: on libuv's thread pool, so a
 * 100 MB ledger does not delay the first answer (until it is done, adaptive rules
 * use their config order); else in the calling thread (the CLI). No ledger: nothing
 * to learn from, estimates start empty and follow new lines only. */
#define LEARN_WINDOW_DAYS 30
void router_learn(struct router *router, bool background);
/* True while a background replay runs. */
bool router_learning(const struct router *router);

/* Test hooks: time and randomness are injectable. */
void router_set_clock(struct router *router, uint64_t (*now_ms)(void *), void *data);
void router_set_random(struct router *router, double (*uniform01)(void *), void *data);

int router_plan(struct router *router, const struct task *task, struct route_plan *out);
/* The plan and its reasons as text (CLI `route`) or JSON (switchboard.explainRoute). */
char *router_explain_text(struct router *router, const struct task *task);
cJSON *router_explain_json(struct router *router, const struct task *task);

/* request_id names the editor request in the ledger (may be NULL). */
struct route_run *router_run(struct router *router, const struct task *task,
                             const char *request_id, const struct route_callbacks *callbacks,
                             void *data);
void route_run_cancel(struct route_run *run);

/* For switchboard/status and stats: breaker states as JSON {"model": "closed"|"open"|"half-open"}. */
cJSON *router_breaker_states(struct router *router);
int router_in_flight(struct router *router);

/* Pins model first for a task (language NULL: every language), or unpins it (model
 * NULL), until unpinned or the configuration changes (router_set_config). The pinned
 * model still passes every check a plan makes (router/pin.h). Returns 0, or -1 with
 * a message in err (unknown task or model). */
int router_pin(struct router *router, const char *task, const char *language, const char *model,
               char *err, size_t err_size);
/* The pins as [{"task", "language"?, "model"}] (switchboard.pin, switchboard/status). */
cJSON *router_pins_json(struct router *router);
/* Spend today (UTC day, USD) as the budgets count it: ledger at start + this process. */
double router_spent_today(struct router *router);

/* Opens connections to the inline targets' hosts (no billed call): the targets of the
 * rules an inline task can match, up to the first rule that takes every inline task
 * (so a catch-all after an unconditional inline rule is not warmed), each base URL
 * once. Call it once per start: a second call opens a second connection. */
void router_warm_inline(struct router *router);

#endif
