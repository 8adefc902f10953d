/* Stats renderers for the terminal (aligned plain-text tables) and for tools (JSON).
 * Figures are rounded once here (costs to 1e-9 USD, rates to 1e-4, percentages to
 * 1e-2) so outputs are stable across platforms and readable. */
#include "ledger/stats.h"
#include "ledger/ledger_read.h"
#include "base/clock.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double round_to(double x, double unit) { return round(x / unit) * unit; }

static void add_rate(cJSON *o, const char *name, size_t num, size_t den)
{
    if (den == 0) cJSON_AddNullToObject(o, name);
    else cJSON_AddNumberToObject(o, name, round_to((double)num / (double)den, 1e-4));
}

static cJSON *latency_json(long p50, long p95)
{
    cJSON *o = cJSON_CreateObject();
    if (p50 < 0) {
        cJSON_AddNullToObject(o, "p50");
        cJSON_AddNullToObject(o, "p95");
    } else {
        cJSON_AddNumberToObject(o, "p50", (double)p50);
        cJSON_AddNumberToObject(o, "p95", (double)p95);
    }
    return o;
}

static cJSON *group_json(const struct stats_group *g)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key", g->key);
    cJSON_AddNumberToObject(o, "requests", (double)g->requests);
    cJSON_AddNumberToObject(o, "attempts", (double)g->attempts);
    cJSON_AddNumberToObject(o, "ok", (double)g->ok);
    cJSON_AddNumberToObject(o, "cancelled", (double)g->cancelled);
    add_rate(o, "success_rate", g->ok, g->requests - g->cancelled);
    cJSON_AddNumberToObject(o, "fallbacks", (double)g->fallbacks);
    cJSON_AddNumberToObject(o, "retries", (double)g->retries);
    cJSON_AddItemToObject(o, "first_token_ms", latency_json(g->ttft_p50, g->ttft_p95));
    cJSON_AddItemToObject(o, "total_ms", latency_json(g->total_p50, g->total_p95));
    cJSON *tokens = cJSON_AddObjectToObject(o, "tokens");
    cJSON_AddNumberToObject(tokens, "in", (double)g->tokens_in);
    cJSON_AddNumberToObject(tokens, "out", (double)g->tokens_out);
    cJSON_AddNumberToObject(tokens, "cached", (double)g->tokens_cached);
    cJSON_AddNumberToObject(tokens, "reasoning", (double)g->tokens_reasoning);
    cJSON_AddNumberToObject(o, "estimated", (double)g->estimated);
    cJSON_AddNumberToObject(o, "cost_usd", round_to(g->cost_usd, 1e-9));
    cJSON_AddNumberToObject(o, "inline_ok", (double)g->inline_ok);
    cJSON_AddNumberToObject(o, "accepted", (double)g->accepted);
    add_rate(o, "acceptance_rate", g->accepted, g->inline_ok);
    return o;
}

static void add_ratio(cJSON *o, const char *name, double value)
{
    if (value < 0) cJSON_AddNullToObject(o, name);
    else cJSON_AddNumberToObject(o, name, round_to(value, 1e-9));
}

static cJSON *signal_row_json(const struct stats_signal_row *row)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "task", row->task);
    cJSON_AddStringToObject(o, "model", row->model);
    cJSON_AddNumberToObject(o, "requests", (double)row->requests);
    cJSON_AddNumberToObject(o, "answers", (double)row->answers);
    cJSON_AddNumberToObject(o, "shown", (double)row->shown);
    cJSON_AddNumberToObject(o, "accepted", (double)row->accepted);
    cJSON_AddNumberToObject(o, "partial", (double)row->partial);
    cJSON_AddNumberToObject(o, "partial_chars", (double)row->partial_chars);
    cJSON_AddNumberToObject(o, "rejected", (double)row->rejected);
    cJSON_AddNumberToObject(o, "retained_chars", (double)row->retained_chars);
    cJSON_AddNumberToObject(o, "retained_of", (double)row->retained_of);
    cJSON_AddNumberToObject(o, "offered", (double)row->offered);
    cJSON_AddNumberToObject(o, "applied", (double)row->applied);
    cJSON_AddNumberToObject(o, "reverted", (double)row->reverted);
    cJSON_AddNumberToObject(o, "retry_stronger", (double)row->retry_stronger);
    cJSON_AddNumberToObject(o, "findings_fixed", (double)row->findings_fixed);
    cJSON_AddNumberToObject(o, "findings_dismissed", (double)row->findings_dismissed);
    cJSON_AddNumberToObject(o, "cost_usd", round_to(row->cost_usd, 1e-9));
    add_ratio(o, "cost_per_accepted_usd", stats_cost_per_accepted(row));
    add_ratio(o, "cost_per_retained_char_usd", stats_cost_per_retained_char(row));
    return o;
}

cJSON *stats_render_json(const struct stats_report *r)
{
    cJSON *o = cJSON_CreateObject();
    char when[32];
    if (r->since_ms > 0) {
        ledger_format_time(r->since_ms, when);
        cJSON_AddStringToObject(o, "since", when);
    } else {
        cJSON_AddNullToObject(o, "since");
    }
    cJSON_AddStringToObject(o, "by", stats_group_by_name(r->by));
    cJSON_AddItemToObject(o, "total", group_json(&r->total));
    cJSON *groups = cJSON_AddArrayToObject(o, "groups");
    for (size_t g = 0; g < r->group_count; g++) cJSON_AddItemToArray(groups, group_json(&r->groups[g]));
    cJSON *baselines = cJSON_AddArrayToObject(o, "baselines");
    for (size_t b = 0; b < r->baseline_count; b++) {
        const struct stats_baseline *base = &r->baselines[b];
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "model", base->model);
        cJSON_AddStringToObject(item, "prices", base->priced_from_config ? "config" : "ledger");
        cJSON_AddBoolToObject(item, "most_expensive", b == 0);
        cJSON_AddNumberToObject(item, "cost_usd", round_to(base->cost_usd, 1e-9));
        cJSON_AddNumberToObject(item, "savings_usd", round_to(base->savings_usd, 1e-9));
        if (base->cost_usd > 0) cJSON_AddNumberToObject(item, "savings_pct", round_to(base->savings_pct, 1e-2));
        else cJSON_AddNullToObject(item, "savings_pct");
        cJSON_AddItemToArray(baselines, item);
    }
    cJSON *signals = cJSON_AddArrayToObject(o, "signals");
    for (size_t i = 0; i < r->signal_row_count; i++)
        cJSON_AddItemToArray(signals, signal_row_json(&r->signal_rows[i]));
    return o;
}

/* ---- text ---- */

static void cell_latency(char *out, size_t n, long p50, long p95)
{
    if (p50 < 0) snprintf(out, n, "-");
    else snprintf(out, n, "%ld/%ld", p50, p95);
}

static void cell_rate(char *out, size_t n, size_t num, size_t den)
{
    if (den == 0) snprintf(out, n, "-");
    else snprintf(out, n, "%.1f%%", 100.0 * (double)num / (double)den);
}

static void text_row(struct buf *b, int keyw, const struct stats_group *g)
{
    char success[16], ttft[32], total[32], tokens[64], accept[48];
    cell_rate(success, sizeof success, g->ok, g->requests - g->cancelled);
    cell_latency(ttft, sizeof ttft, g->ttft_p50, g->ttft_p95);
    cell_latency(total, sizeof total, g->total_p50, g->total_p95);
    snprintf(tokens, sizeof tokens, "%ld/%ld/%ld", g->tokens_in, g->tokens_out, g->tokens_cached);
    if (g->inline_ok == 0) snprintf(accept, sizeof accept, "-");
    else snprintf(accept, sizeof accept, "%zu/%zu %.1f%%", g->accepted, g->inline_ok,
                  100.0 * (double)g->accepted / (double)g->inline_ok);
    buf_printf(b, "%-*s %8zu %8zu %7s %9zu %7zu %13s %13s %22s %12.6f  %s\n", keyw, g->key,
               g->requests, g->attempts, success, g->fallbacks, g->retries, ttft, total, tokens,
               g->cost_usd, accept);
}

static int key_width(const struct stats_report *r)
{
    int w = 8;
    for (size_t g = 0; g < r->group_count; g++)
        if ((int)strlen(r->groups[g].key) > w) w = (int)strlen(r->groups[g].key);
    return w;
}

static void text_savings(struct buf *b, const struct stats_report *r)
{
    if (r->baseline_count == 0) return;
    buf_printf(b, "\nSavings against single-model baselines (the same tokens at one model's prices):\n");
    buf_printf(b, "  %-16s %-7s %14s %14s %9s\n", "ALL TO", "PRICES", "BASELINE USD", "SAVED USD", "SAVED");
    for (size_t i = 0; i < r->baseline_count; i++) {
        const struct stats_baseline *base = &r->baselines[i];
        char pct[32] = "-";
        if (base->cost_usd > 0) snprintf(pct, sizeof pct, "%.1f%%", base->savings_pct);
        buf_printf(b, "  %-16s %-7s %14.6f %14.6f %9s%s\n", base->model,
                   base->priced_from_config ? "config" : "ledger", base->cost_usd,
                   base->savings_usd, pct, i == 0 ? "  (most expensive)" : "");
    }
    buf_printf(b, "  actual cost: %.6f USD\n", r->total.cost_usd);
}

static void cell_ratio(char *out, size_t n, double value)
{
    if (value < 0) snprintf(out, n, "-");
    else snprintf(out, n, "%.9f", value);
}

/* Per task and model: what became of the answers (docs/ledger-and-stats.md). */
static void text_signals(struct buf *b, const struct stats_report *r)
{
    if (r->signal_row_count == 0) return;
    int taskw = 4, modelw = 5;
    for (size_t i = 0; i < r->signal_row_count; i++) {
        if ((int)strlen(r->signal_rows[i].task) > taskw) taskw = (int)strlen(r->signal_rows[i].task);
        if ((int)strlen(r->signal_rows[i].model) > modelw) modelw = (int)strlen(r->signal_rows[i].model);
    }
    buf_printf(b, "\nWhat became of the answers, per task and model:\n");
    buf_printf(b, "%-*s %-*s %8s %6s %8s %7s %8s %15s %7s %7s %8s %5s %15s %12s %13s %13s\n", taskw,
               "TASK", modelw, "MODEL", "REQUESTS", "SHOWN", "ACCEPTED", "PARTIAL", "REJECTED",
               "RETAINED CHARS", "OFFERED", "APPLIED", "REVERTED", "RETRY", "FINDINGS FIX/DIS", "COST USD",
               "USD/ACCEPTED", "USD/RET.CHAR");
    for (size_t i = 0; i < r->signal_row_count; i++) {
        const struct stats_signal_row *row = &r->signal_rows[i];
        char retained[40], findings[40], per_accept[32], per_char[32];
        snprintf(retained, sizeof retained, "%ld/%ld", row->retained_chars, row->retained_of);
        snprintf(findings, sizeof findings, "%ld/%ld", row->findings_fixed, row->findings_dismissed);
        cell_ratio(per_accept, sizeof per_accept, stats_cost_per_accepted(row));
        cell_ratio(per_char, sizeof per_char, stats_cost_per_retained_char(row));
        buf_printf(b, "%-*s %-*s %8zu %6zu %8zu %7zu %8zu %15s %7zu %7zu %8zu %5zu %15s %12.6f %13s %13s\n",
                   taskw, row->task, modelw, row->model, row->requests, row->shown, row->accepted,
                   row->partial, row->rejected, retained, row->offered, row->applied, row->reverted,
                   row->retry_stronger, findings, row->cost_usd, per_accept, per_char);
    }
    buf_printf(b, "(accepted: in full; partial: only in part, by word or line; retained: characters "
                  "of accepted text still in the document 30 s later, of those accepted;\n"
                  " RETRY: code actions retried on a stronger model;\n"
                  " USD/ACCEPTED: the row's cost over accepted + partial; USD/RET.CHAR: over "
                  "retained characters)\n");
}

char *stats_render_text(const struct stats_report *r)
{
    struct buf b = {0};
    char when[32];
    buf_printf(&b, "switchboard stats: %zu attempts in %zu requests, by %s", r->total.attempts,
               r->total.requests, stats_group_by_name(r->by));
    if (r->since_ms > 0) {
        ledger_format_time(r->since_ms, when);
        buf_printf(&b, ", since %s", when);
    }
    buf_printf(&b, "\n");
    if (r->record_count == 0) {
        buf_printf(&b, "no ledger records%s\n", r->files_read ? " in this period" : " yet");
        return buf_steal(&b);
    }
    int keyw = key_width(r);
    char header[16];
    snprintf(header, sizeof header, "%s", stats_group_by_name(r->by));
    for (char *c = header; *c; c++) *c = (char)(*c - 'a' + 'A');
    buf_printf(&b, "\n%-*s %8s %8s %7s %9s %7s %13s %13s %22s %12s  %s\n", keyw, header, "REQUESTS",
               "ATTEMPTS", "SUCCESS", "FALLBACKS", "RETRIES", "TTFT p50/p95", "TOTAL p50/p95",
               "TOKENS IN/OUT/CACHED", "COST USD", "ACCEPTED");
    for (size_t g = 0; g < r->group_count; g++) text_row(&b, keyw, &r->groups[g]);
    text_row(&b, keyw, &r->total);
    buf_printf(&b, "(latency in ms over answering attempts; success excludes cancelled requests)\n");
    text_savings(&b, r);
    text_signals(&b, r);
    return buf_steal(&b);
}

cJSON *stats_summary_json(const char *ledger_path, const struct config *cfg, int64_t since_ms,
                          const char *by)
{
    int group = by ? stats_parse_group_by(by) : STATS_BY_MODEL;
    if (group < 0) group = STATS_BY_MODEL;
    if (!ledger_path && cfg) ledger_path = cfg->ledger_path;
    struct stats_report report;
    char err[256];
    stats_build(&report, ledger_path, cfg, since_ms, clock_wall_ms(), (enum stats_group_by)group,
                err, sizeof err);
    cJSON *json = stats_render_json(&report);
    stats_report_free(&report);
    return json;
}
