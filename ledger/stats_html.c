/* The HTML report: one self-contained XHTML-style page (no scripts, no external
 * assets) with the summary and savings tables and three inline SVG charts, each in its
 * own <section class="chart">: cost per day by model (stacked bars), latency
 * distribution per model (box plots of total time, p5-p25-p50-p75-p95), share of
 * answered tasks per model (bars), and per day and model the cost per accepted
 * suggestion and per retained character (points joined by lines). */
#include "ledger/stats.h"
#include "ledger/ledger_read.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHART_W 760
#define PLOT_X 120
#define PLOT_W 600

static const char *const palette[] = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                       "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac" };

static void put_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t') buf_putc(b, *s);
        }
    }
}

struct names { char **items; size_t count; };

static size_t name_index(struct names *n, const char *name, bool add)
{
    for (size_t i = 0; i < n->count; i++)
        if (strcmp(n->items[i], name) == 0) return i;
    if (!add) return SIZE_MAX;
    n->items = xrealloc(n->items, (n->count + 1) * sizeof *n->items);
    n->items[n->count] = xstrdup(name);
    return n->count++;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(struct names *n)
{
    for (size_t i = 0; i < n->count; i++) free(n->items[i]);
    free(n->items);
}

static void day_of(int64_t ms, char out[16])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

static void legend(struct buf *b, const struct names *models, int y)
{
    for (size_t m = 0; m < models->count; m++) {
        int x = PLOT_X + (int)(m % 5) * 120, row = y + (int)(m / 5) * 16;
        buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", x, row - 9,
                   palette[m % 10]);
        buf_printf(b, "<text x=\"%d\" y=\"%d\">", x + 14, row);
        put_escaped(b, models->items[m]);
        buf_puts(b, "</text>\n");
    }
}

/* The UTC days the report's attempts fall on, in order. */
static void report_days(const struct stats_report *r, struct names *days)
{
    char day[16];
    for (size_t i = 0; i < r->record_count; i++) {
        day_of(r->records[i].time_ms, day);
        name_index(days, day, true);
    }
    if (days->count) qsort(days->items, days->count, sizeof *days->items, compare_names);
}

static void chart_cost_per_day(struct buf *b, const struct stats_report *r, const struct names *models)
{
    struct names days = {0};
    char day[16];
    report_days(r, &days);
    double *cost = xcalloc(days.count * models->count + 1, sizeof *cost);
    double peak = 0;
    for (size_t i = 0; i < r->record_count; i++) {
        day_of(r->records[i].time_ms, day);
        size_t d = name_index(&days, day, false), m = name_index((struct names *)models, r->records[i].model, false);
        cost[d * models->count + m] += r->records[i].cost_usd;
    }
    for (size_t d = 0; d < days.count; d++) {
        double sum = 0;
        for (size_t m = 0; m < models->count; m++) sum += cost[d * models->count + m];
        if (sum > peak) peak = sum;
    }
    int plot_h = 220, top = 20, height = top + plot_h + 60 + 16 * (int)((models->count + 4) / 5);
    buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n",
               CHART_W, height);
    buf_printf(b, "<text x=\"4\" y=\"%d\">$%.6f</text><text x=\"4\" y=\"%d\">$0</text>\n", top + 10,
               peak, top + plot_h);
    double slot = days.count ? (double)PLOT_W / (double)days.count : PLOT_W;
    for (size_t d = 0; d < days.count; d++) {
        double y = top + plot_h, x = PLOT_X + slot * (double)d + slot * 0.1;
        for (size_t m = 0; m < models->count; m++) {
            double v = cost[d * models->count + m], h = peak > 0 ? v / peak * plot_h : 0;
            if (v <= 0) continue;
            y -= h;
            buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                       "<title>%s ", x, y, slot * 0.8, h, palette[m % 10], days.items[d]);
            put_escaped(b, models->items[m]);
            buf_printf(b, " $%.6f</title></rect>\n", v);
        }
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>\n", x, top + plot_h + 14,
                   days.items[d] + 5);
    }
    legend(b, models, top + plot_h + 40);
    buf_puts(b, "</svg>\n");
    free(cost);
    names_free(&days);
}

static int compare_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static long rank(const long *sorted, size_t n, int pct)
{
    size_t k = (size_t)ceil((double)pct / 100.0 * (double)n);
    return sorted[k ? k - 1 : 0];
}

/* Latencies span two orders of magnitude (inline ~200 ms, reasoning ~20 s), so the
 * axis is logarithmic, from 10 ms to the next power of ten above the slowest answer. */
static double log_x(long ms, double decades)
{
    double v = ms < 10 ? 10 : (double)ms;
    return PLOT_X + PLOT_W * (log10(v) - 1) / decades;
}

static void chart_latency(struct buf *b, const struct stats_report *r, const struct names *models)
{
    long peak = 10;
    for (size_t i = 0; i < r->record_count; i++)
        if (r->runs[r->records[i].run].answer == i && r->records[i].total_ms > peak)
            peak = r->records[i].total_ms;
    double decades = ceil(log10((double)peak)) - 1;
    if (decades < 1) decades = 1;
    int row_h = 30, top = 20, height = top + row_h * (int)models->count + 40;
    buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n",
               CHART_W, height);
    long *values = xmalloc((r->record_count + 1) * sizeof *values);
    for (size_t m = 0; m < models->count; m++) {
        size_t n = 0;
        for (size_t i = 0; i < r->record_count; i++)
            if (r->runs[r->records[i].run].answer == i && strcmp(r->records[i].model, models->items[m]) == 0)
                values[n++] = r->records[i].total_ms;
        int y = top + row_h * (int)m;
        buf_printf(b, "<text x=\"4\" y=\"%d\">", y + 18);
        put_escaped(b, models->items[m]);
        buf_puts(b, "</text>\n");
        if (n == 0) continue;
        qsort(values, n, sizeof *values, compare_long);
        double p5 = log_x(rank(values, n, 5), decades), p25 = log_x(rank(values, n, 25), decades);
        double p50 = log_x(rank(values, n, 50), decades), p75 = log_x(rank(values, n, 75), decades);
        double p95 = log_x(rank(values, n, 95), decades);
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\"/>\n", p5, y + 14, p95, y + 14);
        buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\">"
                   "<title>p5 %ld ms, p25 %ld ms, p50 %ld ms, p75 %ld ms, p95 %ld ms, %zu answers</title></rect>\n",
                   p25, y + 4, p75 - p25 > 2 ? p75 - p25 : 2, palette[m % 10], rank(values, n, 5),
                   rank(values, n, 25), rank(values, n, 50), rank(values, n, 75), rank(values, n, 95), n);
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\"/>\n",
                   p50, y + 4, p50, y + 24);
    }
    free(values);
    int axis = top + row_h * (int)models->count + 14;
    for (int d = 0; d <= (int)decades; d++) {
        double ms = pow(10, d + 1), x = PLOT_X + PLOT_W * d / decades;
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>", x, top, x, axis - 12);
        if (ms < 1000) buf_printf(b, "<text x=\"%.1f\" y=\"%d\">%.0f ms</text>\n", x, axis, ms);
        else buf_printf(b, "<text x=\"%.1f\" y=\"%d\">%.0f s</text>\n", x, axis, ms / 1000);
    }
    buf_puts(b, "</svg>\n");
}

static void chart_share(struct buf *b, const struct stats_report *r, const struct names *models)
{
    size_t *answered = xcalloc(models->count + 1, sizeof *answered), total = 0;
    for (size_t i = 0; i < r->run_count; i++) {
        if (r->runs[i].answer == SIZE_MAX) continue;
        answered[name_index((struct names *)models, r->records[r->runs[i].answer].model, false)]++;
        total++;
    }
    int row_h = 26, top = 10;
    buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n",
               CHART_W, top + row_h * (int)models->count + 10);
    for (size_t m = 0; m < models->count; m++) {
        double share = total ? (double)answered[m] / (double)total : 0;
        int y = top + row_h * (int)m;
        buf_printf(b, "<text x=\"4\" y=\"%d\">", y + 15);
        put_escaped(b, models->items[m]);
        buf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>"
                   "<text x=\"%.1f\" y=\"%d\">%.1f%% (%zu)</text>\n", PLOT_X, y + 2,
                   share * (PLOT_W - 100), palette[m % 10], PLOT_X + share * (PLOT_W - 100) + 6,
                   y + 15, share * 100, answered[m]);
    }
    buf_puts(b, "</svg>\n");
    free(answered);
}

enum ratio_kind { PER_ACCEPTED, PER_RETAINED_CHAR };

/* Per UTC day and model: the day's cost of the model's attempts over its accepted
 * suggestions (in full or in part) or over its retained characters. A day without
 * any has no point. */
static void chart_ratio_per_day(struct buf *b, const struct stats_report *r, const struct names *models,
                                enum ratio_kind kind)
{
    struct names days = {0};
    char day[16];
    report_days(r, &days);
    size_t cells = days.count * models->count + 1;
    double *cost = xcalloc(cells, sizeof *cost), *den = xcalloc(cells, sizeof *den), peak = 0;
    for (size_t i = 0; i < r->record_count; i++) {
        const struct stats_record *rec = &r->records[i];
        day_of(rec->time_ms, day);
        size_t c = name_index(&days, day, false) * models->count +
                   name_index((struct names *)models, rec->model, false);
        cost[c] += rec->cost_usd;
        den[c] += kind == PER_ACCEPTED ? (double)(rec->accepted || rec->partial_chars > 0)
                                       : (double)rec->retained_chars;
    }
    for (size_t c = 0; c + 1 < cells; c++)
        if (den[c] > 0 && cost[c] / den[c] > peak) peak = cost[c] / den[c];
    int plot_h = 200, top = 20, height = top + plot_h + 60 + 16 * (int)((models->count + 4) / 5);
    buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n",
               CHART_W, height);
    buf_printf(b, "<text x=\"4\" y=\"%d\">$%.9f</text><text x=\"4\" y=\"%d\">$0</text>\n", top + 10,
               peak, top + plot_h);
    double slot = days.count ? (double)PLOT_W / (double)days.count : PLOT_W;
    for (size_t d = 0; d < days.count; d++)
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>\n",
                   PLOT_X + slot * (double)d + slot * 0.3, top + plot_h + 14, days.items[d] + 5);
    for (size_t m = 0; m < models->count; m++) {
        struct buf line = {0};
        size_t points = 0;
        for (size_t d = 0; d < days.count; d++) {
            size_t c = d * models->count + m;
            if (den[c] <= 0) continue;
            double v = cost[c] / den[c], x = PLOT_X + slot * ((double)d + 0.5);
            double y = top + plot_h - (peak > 0 ? v / peak * plot_h : 0);
            buf_printf(&line, "%s%.1f,%.1f", points++ ? " " : "", x, y);
            buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s ", x, y,
                       palette[m % 10], days.items[d]);
            put_escaped(b, models->items[m]);
            buf_printf(b, " $%.9f per %s (%.0f)</title></circle>\n", v,
                       kind == PER_ACCEPTED ? "accepted suggestion" : "retained character", den[c]);
        }
        if (points > 1)
            buf_printf(b, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\"/>\n", buf_str(&line),
                       palette[m % 10]);
        buf_free(&line);
    }
    legend(b, models, top + plot_h + 40);
    buf_puts(b, "</svg>\n");
    free(cost);
    free(den);
    names_free(&days);
}

static void summary_table(struct buf *b, const struct stats_report *r)
{
    buf_puts(b, "<table>\n<tr><th>");
    buf_puts(b, stats_group_by_name(r->by));
    buf_puts(b, "</th><th>requests</th><th>attempts</th><th>success</th><th>fallbacks</th>"
                "<th>retries</th><th>first token p50/p95 ms</th><th>total p50/p95 ms</th>"
                "<th>tokens in/out/cached</th><th>cost USD</th><th>accepted</th></tr>\n");
    for (size_t g = 0; g <= r->group_count; g++) {
        const struct stats_group *row = g < r->group_count ? &r->groups[g] : &r->total;
        size_t den = row->requests - row->cancelled;
        buf_puts(b, "<tr><td>");
        put_escaped(b, row->key);
        buf_printf(b, "</td><td>%zu</td><td>%zu</td><td>", row->requests, row->attempts);
        if (den) buf_printf(b, "%.1f%%", 100.0 * (double)row->ok / (double)den);
        else buf_puts(b, "-");
        buf_printf(b, "</td><td>%zu</td><td>%zu</td><td>", row->fallbacks, row->retries);
        if (row->ttft_p50 >= 0) buf_printf(b, "%ld/%ld", row->ttft_p50, row->ttft_p95);
        buf_puts(b, "</td><td>");
        if (row->total_p50 >= 0) buf_printf(b, "%ld/%ld", row->total_p50, row->total_p95);
        buf_printf(b, "</td><td>%ld/%ld/%ld</td><td>%.6f</td><td>%zu/%zu</td></tr>\n", row->tokens_in,
                   row->tokens_out, row->tokens_cached, row->cost_usd, row->accepted, row->inline_ok);
    }
    buf_puts(b, "</table>\n");
}

static void savings_table(struct buf *b, const struct stats_report *r)
{
    buf_puts(b, "<table>\n<tr><th>all tasks to</th><th>prices from</th><th>baseline USD</th>"
                "<th>saved USD</th><th>saved</th></tr>\n");
    for (size_t i = 0; i < r->baseline_count; i++) {
        const struct stats_baseline *base = &r->baselines[i];
        buf_puts(b, "<tr><td>");
        put_escaped(b, base->model);
        buf_printf(b, "%s</td><td>%s</td><td>%.6f</td><td>%.6f</td><td>",
                   i == 0 ? " (most expensive)" : "", base->priced_from_config ? "config" : "ledger",
                   base->cost_usd, base->savings_usd);
        if (base->cost_usd > 0) buf_printf(b, "%.1f%%", base->savings_pct);
        buf_puts(b, "</td></tr>\n");
    }
    buf_printf(b, "</table>\n<p>Actual cost: %.6f USD.</p>\n", r->total.cost_usd);
}

char *stats_render_html(const struct stats_report *r)
{
    struct names models = {0};
    for (size_t i = 0; i < r->record_count; i++) name_index(&models, r->records[i].model, true);
    if (models.count) qsort(models.items, models.count, sizeof *models.items, compare_names);
    struct buf b = {0};
    char when[32];
    ledger_format_time(r->now_ms, when);
    buf_puts(&b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                 "<meta charset=\"utf-8\"/>\n<title>switchboard stats</title>\n<style>\n"
                 "body{font-family:sans-serif;margin:2em;color:#222}"
                 "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                 "td:first-child,th:first-child{text-align:left}svg text{font-size:12px}\n"
                 "</style>\n</head>\n<body>\n<h1>switchboard stats</h1>\n");
    buf_printf(&b, "<p>%zu attempts in %zu requests", r->total.attempts, r->total.requests);
    if (r->since_ms > 0) {
        char since[32];
        ledger_format_time(r->since_ms, since);
        buf_printf(&b, " from %s", since);
    }
    buf_printf(&b, " to %s.</p>\n", when);
    buf_puts(&b, "<section class=\"summary\">\n<h2>Summary</h2>\n");
    summary_table(&b, r);
    buf_puts(&b, "</section>\n<section class=\"savings\">\n<h2>Savings against single-model baselines</h2>\n");
    savings_table(&b, r);
    buf_puts(&b, "</section>\n<section class=\"chart\" id=\"cost-per-day\">\n<h2>Cost per day by model</h2>\n");
    chart_cost_per_day(&b, r, &models);
    buf_puts(&b, "</section>\n<section class=\"chart\" id=\"latency\">\n"
                 "<h2>Latency distribution per model (total time, log scale: p5-p95 whisker, p25-p75 box, median line)</h2>\n");
    chart_latency(&b, r, &models);
    buf_puts(&b, "</section>\n<section class=\"chart\" id=\"share\">\n<h2>Share of tasks per model (answered)</h2>\n");
    chart_share(&b, r, &models);
    buf_puts(&b, "</section>\n<section class=\"chart\" id=\"cost-per-accepted\">\n"
                 "<h2>Cost per accepted suggestion (in full or in part), per day by model</h2>\n");
    chart_ratio_per_day(&b, r, &models, PER_ACCEPTED);
    buf_puts(&b, "</section>\n<section class=\"chart\" id=\"cost-per-retained-char\">\n"
                 "<h2>Cost per retained character, per day by model</h2>\n");
    chart_ratio_per_day(&b, r, &models, PER_RETAINED_CHAR);
    buf_puts(&b, "</section>\n</body>\n</html>\n");
    names_free(&models);
    return buf_steal(&b);
}
