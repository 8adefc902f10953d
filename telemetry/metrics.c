/* Metric definitions and cumulative series (see metrics.h). Bucket bounds are the
 * GenAI semantic conventions' advice, so our histograms line up with other GenAI
 * clients' on the same dashboard. */
#include "telemetry/metrics.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

static const double token_bounds[] = {
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
};
static const double second_bounds[] = {
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
};
#define COUNT(a) ((int)(sizeof a / sizeof a[0]))

static const struct tel_metric_def defs[TEL_M_COUNT] = {
    [TEL_M_TOKEN_USAGE] = { "gen_ai.client.token.usage", "Tokens per upstream attempt, by type",
                            "{token}", true, token_bounds, COUNT(token_bounds), "gen_ai_client_token_usage" },
    [TEL_M_DURATION] = { "gen_ai.client.operation.duration", "Duration of upstream attempts", "s",
                         true, second_bounds, COUNT(second_bounds), "gen_ai_client_operation_duration_seconds" },
    [TEL_M_FIRST_TOKEN] = { "switchboard.first_token.duration", "Time to the first streamed token",
                            "s", true, second_bounds, COUNT(second_bounds), "switchboard_first_token_duration_seconds" },
    [TEL_M_COST] = { "switchboard.cost", "Cost of upstream attempts from the model's prices", "USD",
                     false, NULL, 0, "switchboard_cost_usd_total" },
    [TEL_M_REQUESTS] = { "switchboard.requests", "Editor requests by outcome", "{request}",
                         false, NULL, 0, "switchboard_requests_total" },
    [TEL_M_SUGGESTIONS] = { "switchboard.suggestions", "Inline suggestions shown and accepted",
                            "{suggestion}", false, NULL, 0, "switchboard_suggestions_total" },
};

struct tel_metrics {
    struct tel_series *series;
    size_t count, max;
    uint64_t start_ns;
    long dropped;
};

const struct tel_metric_def *tel_metric_def(enum tel_metric_id id)
{
    return (unsigned)id < TEL_M_COUNT ? &defs[id] : NULL;
}

struct tel_metrics *tel_metrics_new(uint64_t start_ns, size_t max_series)
{
    struct tel_metrics *m = xcalloc(1, sizeof *m);
    m->max = max_series ? max_series : 1000;
    m->series = xcalloc(m->max, sizeof *m->series);
    m->start_ns = start_ns;
    return m;
}

void tel_metrics_free(struct tel_metrics *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->count; i++)
        for (int k = 0; k < m->series[i].attr_count; k++) free(m->series[i].values[k]);
    free(m->series);
    free(m);
}

static bool same_series(const struct tel_series *s, const struct tel_metric_def *def,
                        const char *const *keys, const char *const *values, int n)
{
    if (s->def != def) return false;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!values[i]) continue;
        if (k >= s->attr_count || strcmp(s->keys[k], keys[i]) != 0 || strcmp(s->values[k], values[i]) != 0)
            return false;
        k++;
    }
    return k == s->attr_count;
}

static struct tel_series *find_or_add(struct tel_metrics *m, const struct tel_metric_def *def,
                                      const char *const *keys, const char *const *values, int n)
{
    for (size_t i = 0; i < m->count; i++)
        if (same_series(&m->series[i], def, keys, values, n)) return &m->series[i];
    if (m->count == m->max) {
        m->dropped++;
        return NULL;
    }
    struct tel_series *s = &m->series[m->count++];
    s->def = def;
    for (int i = 0; i < n && s->attr_count < TEL_SERIES_ATTRS; i++) {
        if (!values[i]) continue;
        s->keys[s->attr_count] = keys[i];
        s->values[s->attr_count++] = xstrdup(values[i]);
    }
    return s;
}

void tel_metrics_record(struct tel_metrics *m, enum tel_metric_id id, const char *const *keys,
                        const char *const *values, int n, double value)
{
    const struct tel_metric_def *def = tel_metric_def(id);
    if (!m || !def) return;
    struct tel_series *s = find_or_add(m, def, keys, values, n);
    if (!s) return;
    s->sum += value;
    if (!def->histogram) return;
    s->count++;
    int b = 0;
    while (b < def->bound_count && value > def->bounds[b]) b++;   /* upper bounds are inclusive */
    s->buckets[b]++;
}

void tel_metrics_view(const struct tel_metrics *m, uint64_t now_ns, struct tel_metrics_view *out)
{
    out->series = m->series;
    out->count = m->count;
    out->start_ns = m->start_ns;
    out->now_ns = now_ns;
}

long tel_metrics_dropped_series(const struct tel_metrics *m) { return m ? m->dropped : 0; }
