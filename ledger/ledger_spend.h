/* Spend totals behind ledger_spend_since: cost summed per hour, model and provider,
 * filled from the existing files at open and from every new record. Hourly buckets
 * keep memory bounded by time, not by traffic, and are fine enough for daily and
 * monthly budgets (their windows start on a whole hour in every whole-hour time zone). */
#ifndef LEDGER_LEDGER_SPEND_H
#define LEDGER_LEDGER_SPEND_H
#include <stddef.h>
#include <stdint.h>

struct spend_bucket {
    int64_t hour;          /* epoch ms / 3600000 */
    size_t model, provider;  /* indexes into names */
    double cost_usd;
};

struct spend_table {
    char **names;          /* interned model and provider names */
    size_t name_count;
    struct spend_bucket *buckets;
    size_t count, cap;
};

void spend_add(struct spend_table *t, int64_t time_ms, const char *model, const char *provider,
               double cost_usd);
/* Sum of buckets whose hour ends after since_ms; model/provider NULL = any. */
double spend_sum(const struct spend_table *t, int64_t since_ms, const char *model,
                 const char *provider);
/* Drops buckets that ended before cutoff_ms (older than any budget window). */
void spend_prune(struct spend_table *t, int64_t cutoff_ms);
void spend_free(struct spend_table *t);

#endif
