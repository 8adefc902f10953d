/* Reports over the ledger: `switchboard stats` (terminal tables, --json, --html) and
 * the switchboard.stats LSP command. The ledger files (current and rotated) are read,
 * acceptance lines folded into their attempts, attempts grouped into runs by request
 * id, filtered by time, grouped by model, task, provider or day, and compared against
 * single-model baselines: the same tokens priced as if every task had gone to one
 * model (prices from the config, else derived from the ledger's own costs).
 *
 * Definitions (also in docs/ledger-and-stats.md):
 *   requests       distinct runs with an attempt in the group; the candidate runs of
 *                  one explicit inline trigger are one run (one editor request)
 *   success_rate   runs answered in the group / (requests - runs ended by cancellation)
 *   fallbacks      runs answered by an attempt on another model than the run's first
 *   retries        attempts that repeat the previous attempt's model
 *   latency        p50/p95 (nearest rank) over answering attempts
 *   acceptance     answered inline runs with an accepted item / answered inline runs
 * and, per task and model, what happened to the answers (signal lines folded by
 * ledger/signals.h): shown, accepted, partial, rejected, retained characters, code
 * actions offered / applied / reverted / retried on a stronger model, review findings
 * fixed / dismissed, and
 *   cost per accepted suggestion = cost of all the row's attempts / (accepted + partial)
 *   cost per retained character  = cost of all the row's attempts / retained characters */
#ifndef LEDGER_STATS_H
#define LEDGER_STATS_H
#include "config/config.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum stats_group_by { STATS_BY_MODEL = 0, STATS_BY_TASK, STATS_BY_PROVIDER, STATS_BY_DAY };

struct stats_record {
    int64_t time_ms;
    char *request_id, *attempt_id, *task, *trigger, *route, *model, *provider, *outcome;
    int attempt, status;
    int candidate;       /* 0, or the extra candidate's number (see ledger.h) */
    long first_token_ms, total_ms;
    long tokens_in, tokens_out, tokens_cached, tokens_reasoning;
    bool estimated, accepted;
    double cost_usd;
    char *language;      /* "" when unknown */
    /* folded signals (ledger/signals.h) */
    bool shown, rejected, applied, reverted, retained_known;
    bool retry_stronger;   /* the user asked a stronger model to redo this answer */
    long partial_chars, retained_chars, retained_of, findings_fixed, findings_dismissed;
    size_t run;          /* index into runs */
    bool retry;          /* same model as the run's previous attempt */
};

struct stats_run {
    size_t first;        /* record of the lowest attempt number */
    size_t answer;       /* record that answered ok, or SIZE_MAX */
    bool cancelled;      /* no answer and the last attempt was cancelled */
    bool fell_back;      /* answered on another model than the first attempt's */
    bool accepted;       /* an item of the run (any candidate) was accepted */
};

struct stats_group {
    char *key;
    size_t requests, attempts, ok, cancelled, fallbacks, retries, estimated;
    size_t inline_ok, accepted;
    long tokens_in, tokens_out, tokens_cached, tokens_reasoning;
    double cost_usd;
    long ttft_p50, ttft_p95, total_p50, total_p95;   /* -1 when no answer */
};

/* One row per task and model: what became of the answers, and what they cost. */
struct stats_signal_row {
    char *task, *model;
    size_t requests;           /* runs with an attempt of this task on this model */
    size_t answers;            /* runs this model answered */
    size_t shown, accepted;    /* answers shown; accepted in full */
    size_t partial;            /* answers accepted only in part (word / line) */
    size_t rejected;           /* rejected and never accepted, in full or in part */
    long partial_chars;        /* characters accepted by the partial accepts */
    long retained_chars, retained_of;   /* measured retention of accepted answers */
    size_t offered, applied, reverted;  /* code actions */
    size_t retry_stronger;     /* code actions retried on a stronger model */
    long findings_fixed, findings_dismissed;
    double cost_usd;           /* all attempts of the row, failed ones too */
};

/* cost / (accepted + partial) and cost / retained chars; -1 when the divisor is 0. */
double stats_cost_per_accepted(const struct stats_signal_row *row);
double stats_cost_per_retained_char(const struct stats_signal_row *row);

struct stats_offer { int64_t time_ms; char *task, *model; long count; };

struct stats_baseline {
    char *model;
    bool priced_from_config;   /* else prices derived from the ledger's cost per token */
    double cost_usd;           /* every attempt's tokens at this model's prices */
    double savings_usd;        /* baseline - actual */
    double savings_pct;        /* of the baseline; 0 when the baseline is 0 */
};

struct stats_report {
    enum stats_group_by by;
    int64_t since_ms;          /* 0 = everything */
    int64_t now_ms;
    struct stats_record *records;
    size_t record_count;
    struct stats_run *runs;
    size_t run_count;
    struct stats_group *groups;    /* sorted by key */
    size_t group_count;
    struct stats_group total;
    struct stats_signal_row *signal_rows;   /* sorted by task, then model */
    size_t signal_row_count;
    struct stats_offer *offers;             /* "offered" lines in the period */
    size_t offer_count;
    struct stats_baseline *baselines;   /* most expensive first */
    size_t baseline_count;
    int files_read;
};

/* "1d", "7d", "30d", "12h", "90m", "2w" -> milliseconds; -1 when not understood. */
int64_t stats_parse_duration(const char *text);
int stats_parse_group_by(const char *name);   /* -1 if unknown */
const char *stats_group_by_name(enum stats_group_by by);

/* Reads the ledger (path NULL = default), keeps records at or after since_ms, and
 * computes groups and baselines. cfg (may be NULL) supplies prices. Returns 0, or -1
 * with a message in err. An absent ledger is an empty report, not an error. */
int stats_build(struct stats_report *report, const char *ledger_path, const struct config *cfg,
                int64_t since_ms, int64_t now_ms, enum stats_group_by by, char *err, size_t errlen);
void stats_report_free(struct stats_report *report);

/* Renderers (stats_report.c, stats_html.c). Strings are malloc'd. */
char *stats_render_text(const struct stats_report *report);
cJSON *stats_render_json(const struct stats_report *report);
char *stats_render_html(const struct stats_report *report);

/* The JSON summary in one call (stats_build + stats_render_json, now = the wall
 * clock): by = "model" when NULL, since_ms 0 = everything. Reading a full set of
 * rotated files takes about half a second, so the server runs the same steps on the
 * libuv thread pool (lsp/service_commands.c); stats code keeps no global state, so
 * that is safe. */
cJSON *stats_summary_json(const char *ledger_path, const struct config *cfg, int64_t since_ms,
                          const char *by);

#endif
