/* Hourly spend buckets (see ledger_spend.h). */
#include "ledger/ledger_spend.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define HOUR_MS 3600000LL

static size_t intern(struct spend_table *t, const char *name)
{
    for (size_t i = 0; i < t->name_count; i++)
        if (strcmp(t->names[i], name) == 0) return i;
    t->names = xrealloc(t->names, (t->name_count + 1) * sizeof *t->names);
    t->names[t->name_count] = xstrdup(name);
    return t->name_count++;
}

static int64_t hour_of(int64_t ms)
{
    return ms >= 0 ? ms / HOUR_MS : (ms - HOUR_MS + 1) / HOUR_MS;
}

void spend_add(struct spend_table *t, int64_t time_ms, const char *model, const char *provider,
               double cost_usd)
{
    if (cost_usd == 0) return;
    int64_t hour = hour_of(time_ms);
    size_t m = intern(t, model ? model : ""), p = intern(t, provider ? provider : "");
    /* Records arrive in time order (the open-time scan: newest first; then the live
     * ones: oldest first), so this hour's buckets are the last ones. A record out of
     * order only starts a second bucket for its hour, which the sums add up alike. */
    for (size_t i = t->count; i > 0; i--) {
        struct spend_bucket *b = &t->buckets[i - 1];
        if (b->hour != hour) break;
        if (b->model == m && b->provider == p) {
            b->cost_usd += cost_usd;
            return;
        }
    }
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->buckets = xrealloc(t->buckets, t->cap * sizeof *t->buckets);
    }
    t->buckets[t->count++] = (struct spend_bucket){ hour, m, p, cost_usd };
}

static int name_is(const struct spend_table *t, size_t index, const char *want)
{
    return !want || strcmp(t->names[index], want) == 0;
}

double spend_sum(const struct spend_table *t, int64_t since_ms, const char *model,
                 const char *provider)
{
    double total = 0;
    int64_t first_hour = hour_of(since_ms);
    for (size_t i = 0; i < t->count; i++) {
        const struct spend_bucket *b = &t->buckets[i];
        if (b->hour >= first_hour && name_is(t, b->model, model) && name_is(t, b->provider, provider))
            total += b->cost_usd;
    }
    return total;
}

void spend_prune(struct spend_table *t, int64_t cutoff_ms)
{
    int64_t first_hour = hour_of(cutoff_ms);
    size_t kept = 0;
    for (size_t i = 0; i < t->count; i++)
        if (t->buckets[i].hour >= first_hour) t->buckets[kept++] = t->buckets[i];
    t->count = kept;
}

void spend_free(struct spend_table *t)
{
    for (size_t i = 0; i < t->name_count; i++) free(t->names[i]);
    free(t->names);
    free(t->buckets);
    memset(t, 0, sizeof *t);
}
