/* Stats: reading the ledger into records and runs, grouping, percentiles and the
 * single-model baselines (definitions in stats.h). */
#include "ledger/stats.h"
#include "ledger/cost.h"
#include "ledger/ledger.h"
#include "ledger/ledger_read.h"
#include "ledger/signals.h"
#include "base/xalloc.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct loader {
    struct stats_report *report;
    size_t cap, offer_cap;
};

int64_t stats_parse_duration(const char *text)
{
    if (!text || !*text) return -1;
    char *end;
    double n = strtod(text, &end);
    if (end == text || n <= 0 || !isfinite(n)) return -1;
    double unit = strcmp(end, "w") == 0 ? 7 * 86400e3
                  : strcmp(end, "d") == 0 ? 86400e3
                  : strcmp(end, "h") == 0 ? 3600e3
                  : strcmp(end, "m") == 0 ? 60e3 : -1;
    return unit < 0 ? -1 : (int64_t)(n * unit);
}

static const char *const group_names[] = { "model", "task", "provider", "day" };

int stats_parse_group_by(const char *name)
{
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, group_names[i]) == 0) return i;
    return -1;
}

const char *stats_group_by_name(enum stats_group_by by)
{
    return (unsigned)by < 4 ? group_names[by] : "model";
}

/* ---- loading ---- */

static void add_record(void *data, const struct signal_record *sr)
{
    struct loader *ld = data;
    struct stats_report *r = ld->report;
    const struct ledger_entry *e = &sr->entry;
    if (r->record_count == ld->cap) {
        ld->cap = ld->cap ? ld->cap * 2 : 256;
        r->records = xrealloc(r->records, ld->cap * sizeof *r->records);
    }
    r->records[r->record_count++] = (struct stats_record){
        .time_ms = e->time_ms, .request_id = xstrdup(e->request_id),
        .attempt_id = xstrdup(e->attempt_id), .task = xstrdup(e->task),
        .trigger = xstrdup(e->trigger), .route = xstrdup(e->route), .model = xstrdup(e->model),
        .provider = xstrdup(e->provider), .outcome = xstrdup(e->outcome), .attempt = e->attempt,
        .candidate = e->candidate,
        .status = e->status, .first_token_ms = e->first_token_ms, .total_ms = e->total_ms,
        .tokens_in = e->tokens_in, .tokens_out = e->tokens_out, .tokens_cached = e->tokens_cached,
        .tokens_reasoning = e->tokens_reasoning, .estimated = e->estimated,
        .accepted = e->accepted, .cost_usd = e->cost_usd, .language = xstrdup(e->language),
        .shown = sr->shown, .rejected = sr->rejected, .applied = sr->applied,
        .reverted = sr->reverted, .retry_stronger = sr->retry_stronger, .retained_known = sr->retained_known,
        .partial_chars = sr->partial_chars, .retained_chars = sr->retained_chars,
        .retained_of = sr->retained_of, .findings_fixed = sr->findings_fixed,
        .findings_dismissed = sr->findings_dismissed,
    };
}

static void add_offer(void *data, const struct signal_offer *o)
{
    struct loader *ld = data;
    struct stats_report *r = ld->report;
    if (r->offer_count == ld->offer_cap) {
        ld->offer_cap = ld->offer_cap ? ld->offer_cap * 2 : 64;
        r->offers = xrealloc(r->offers, ld->offer_cap * sizeof *r->offers);
    }
    r->offers[r->offer_count++] = (struct stats_offer){ o->time_ms, xstrdup(o->task),
                                                        xstrdup(o->model), o->count };
}

/* ---- runs: request id + attempt numbers (ids restart with every server session, so
 * a request id whose attempt number was already seen starts a new run). The candidate
 * runs of one explicit inline trigger share the request id and are one run: the
 * editor asked once and showed one list, so acceptance counts once per request.
 * Their attempts are told apart by candidate and attempt number. ---- */

struct run_slot { const char *key; size_t run; };

static size_t hash_string(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The bit of a run's seen set an attempt takes: candidate 0 its attempt number (1-39;
 * 39 for anything else); candidates 1-7 three attempt slots each above that. */
static unsigned long long seen_bit(const struct stats_record *rec)
{
    int a = rec->attempt;
    if (rec->candidate <= 0) return 1ULL << (a > 0 && a < 39 ? a : 39);
    int c = rec->candidate < 7 ? rec->candidate : 7;
    return 1ULL << (40 + (c - 1) * 3 + (a > 1 ? (a < 3 ? a : 3) : 1) - 1);
}

static void assign_runs(struct stats_report *r)
{
    size_t cap = 16;
    while (cap < r->record_count * 2 + 1) cap *= 2;
    struct run_slot *slots = xcalloc(cap, sizeof *slots);
    unsigned long long *seen = xcalloc(r->record_count + 1, sizeof *seen);   /* attempt bits per run */
    for (size_t i = 0; i < r->record_count; i++) {
        struct stats_record *rec = &r->records[i];
        const char *key = *rec->request_id ? rec->request_id : rec->attempt_id;
        unsigned long long bit = seen_bit(rec);
        size_t h = hash_string(key) & (cap - 1);
        while (slots[h].key && strcmp(slots[h].key, key) != 0) h = (h + 1) & (cap - 1);
        if (!slots[h].key || !*key || (seen[slots[h].run] & bit)) {
            slots[h].key = key;
            slots[h].run = r->run_count++;
        }
        rec->run = slots[h].run;
        seen[rec->run] |= bit;
    }
    free(seen);
    free(slots);
}

/* qsort_r, not a static base pointer: reports may be built on pool threads. */
static int compare_by_run(const void *a, const void *b, void *base)
{
    const struct stats_record *records = base;
    const struct stats_record *x = &records[*(const size_t *)a], *y = &records[*(const size_t *)b];
    if (x->run != y->run) return x->run < y->run ? -1 : 1;
    if (x->candidate != y->candidate) return x->candidate < y->candidate ? -1 : 1;
    if (x->attempt != y->attempt) return x->attempt < y->attempt ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void summarise_runs(struct stats_report *r)
{
    r->runs = xcalloc(r->run_count + 1, sizeof *r->runs);
    size_t *order = xmalloc((r->record_count + 1) * sizeof *order);
    for (size_t i = 0; i < r->record_count; i++) order[i] = i;
    qsort_r(order, r->record_count, sizeof *order, compare_by_run, r->records);
    for (size_t k = 0; k < r->record_count;) {
        size_t run = r->records[order[k]].run, end = k;
        struct stats_run *s = &r->runs[run];
        s->first = order[k];
        s->answer = SIZE_MAX;
        for (; end < r->record_count && r->records[order[end]].run == run; end++) {
            struct stats_record *rec = &r->records[order[end]];
            if (end > k) {
                const struct stats_record *prev = &r->records[order[end - 1]];
                rec->retry = prev->candidate == rec->candidate && prev->attempt == rec->attempt - 1 &&
                             strcmp(prev->model, rec->model) == 0;
            }
            s->accepted |= rec->accepted;
            if (s->answer == SIZE_MAX && strcmp(rec->outcome, "ok") == 0) s->answer = order[end];
        }
        const struct stats_record *last = &r->records[order[end - 1]];
        s->cancelled = s->answer == SIZE_MAX && strcmp(last->outcome, "cancelled") == 0;
        s->fell_back = s->answer != SIZE_MAX &&
                       strcmp(r->records[s->answer].model, r->records[s->first].model) != 0;
        k = end;
    }
    free(order);
}

/* ---- groups ---- */

static void record_key(const struct stats_report *r, const struct stats_record *rec, char day[16],
                       const char **key)
{
    switch (r->by) {
    case STATS_BY_TASK: *key = rec->task; return;
    case STATS_BY_PROVIDER: *key = rec->provider; return;
    case STATS_BY_DAY: {
        time_t secs = (time_t)(rec->time_ms / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(day, 16, "%Y-%m-%d", &tm);
        *key = day;
        return;
    }
    default: *key = rec->model; return;
    }
}

static int compare_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static long percentile(long *values, size_t n, int pct)
{
    if (n == 0) return -1;
    qsort(values, n, sizeof *values, compare_long);
    size_t rank = (size_t)ceil((double)pct / 100.0 * (double)n);
    return values[rank ? rank - 1 : 0];
}

/* Accumulates records whose group index equals g (SIZE_MAX = every record). */
static void fill_group(struct stats_report *r, struct stats_group *g, const size_t *group_of,
                       size_t index, size_t *stamp)
{
    long *ttft = xmalloc((r->record_count + 1) * sizeof *ttft);
    long *total = xmalloc((r->record_count + 1) * sizeof *total);
    size_t nttft = 0, ntotal = 0;
    for (size_t i = 0; i < r->record_count; i++) {
        if (index != SIZE_MAX && group_of[i] != index) continue;
        const struct stats_record *rec = &r->records[i];
        const struct stats_run *run = &r->runs[rec->run];
        g->attempts++;
        g->retries += rec->retry;
        g->estimated += rec->estimated;
        g->tokens_in += rec->tokens_in;
        g->tokens_out += rec->tokens_out;
        g->tokens_cached += rec->tokens_cached;
        g->tokens_reasoning += rec->tokens_reasoning;
        g->cost_usd += rec->cost_usd;
        if (stamp[rec->run] != index + 1) {
            stamp[rec->run] = index + 1;
            g->requests++;
            g->cancelled += run->cancelled;
        }
        if (run->answer != i) continue;
        g->ok++;
        g->fallbacks += run->fell_back;
        if (rec->first_token_ms >= 0) ttft[nttft++] = rec->first_token_ms;
        total[ntotal++] = rec->total_ms;
        /* suggestion tasks: the user accepts or ignores them (next edits are accepted
         * like inline items, by command or by applying them) */
        if (strcmp(rec->task, "inline") == 0 || strcmp(rec->task, "next_edit") == 0) {
            g->inline_ok++;
            g->accepted += run->accepted;
        }
    }
    g->ttft_p50 = percentile(ttft, nttft, 50);
    g->ttft_p95 = percentile(ttft, nttft, 95);
    g->total_p50 = percentile(total, ntotal, 50);
    g->total_p95 = percentile(total, ntotal, 95);
    free(ttft);
    free(total);
}

static int compare_groups(const void *a, const void *b)
{
    return strcmp(((const struct stats_group *)a)->key, ((const struct stats_group *)b)->key);
}

static void build_groups(struct stats_report *r)
{
    size_t *group_of = xmalloc((r->record_count + 1) * sizeof *group_of);
    for (size_t i = 0; i < r->record_count; i++) {
        char day[16];
        const char *key;
        record_key(r, &r->records[i], day, &key);
        size_t g = 0;
        while (g < r->group_count && strcmp(r->groups[g].key, key) != 0) g++;
        if (g == r->group_count) {
            r->groups = xrealloc(r->groups, (r->group_count + 1) * sizeof *r->groups);
            r->groups[r->group_count++] = (struct stats_group){ .key = xstrdup(key) };
        }
        group_of[i] = g;
    }
    /* Sort the keys first and renumber, so the fill order matches the output order. */
    char **old_keys = xmalloc((r->group_count + 1) * sizeof *old_keys);
    for (size_t g = 0; g < r->group_count; g++) old_keys[g] = r->groups[g].key;
    if (r->group_count) qsort(r->groups, r->group_count, sizeof *r->groups, compare_groups);
    size_t *renumber = xmalloc((r->group_count + 1) * sizeof *renumber);
    for (size_t g = 0; g < r->group_count; g++)
        for (size_t k = 0; k < r->group_count; k++)
            if (r->groups[k].key == old_keys[g]) renumber[g] = k;
    for (size_t i = 0; i < r->record_count; i++) group_of[i] = renumber[group_of[i]];
    size_t *stamp = xcalloc(r->run_count + 1, sizeof *stamp);
    for (size_t g = 0; g < r->group_count; g++) fill_group(r, &r->groups[g], group_of, g, stamp);
    r->total.key = xstrdup("total");
    fill_group(r, &r->total, group_of, SIZE_MAX, stamp);
    free(stamp);
    free(renumber);
    free(old_keys);
    free(group_of);
}

/* ---- what became of the answers, per task and model ---- */

double stats_cost_per_accepted(const struct stats_signal_row *row)
{
    size_t n = row->accepted + row->partial;
    return n ? row->cost_usd / (double)n : -1;
}

double stats_cost_per_retained_char(const struct stats_signal_row *row)
{
    return row->retained_chars > 0 ? row->cost_usd / (double)row->retained_chars : -1;
}

static size_t signal_row(struct stats_report *r, const char *task, const char *model)
{
    for (size_t i = 0; i < r->signal_row_count; i++)
        if (strcmp(r->signal_rows[i].task, task) == 0 && strcmp(r->signal_rows[i].model, model) == 0)
            return i;
    r->signal_rows = xrealloc(r->signal_rows, (r->signal_row_count + 1) * sizeof *r->signal_rows);
    r->signal_rows[r->signal_row_count] = (struct stats_signal_row){ .task = xstrdup(task),
                                                                     .model = xstrdup(model) };
    return r->signal_row_count++;
}

struct row_run { size_t row, run; };

static int compare_row_run(const void *a, const void *b)
{
    const struct row_run *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return x->run < y->run ? -1 : x->run > y->run;
}

static int compare_signal_rows(const void *a, const void *b)
{
    const struct stats_signal_row *x = a, *y = b;
    int c = strcmp(x->task, y->task);
    return c ? c : strcmp(x->model, y->model);
}

static void build_signal_rows(struct stats_report *r)
{
    struct row_run *pairs = xmalloc((r->record_count + 1) * sizeof *pairs);
    for (size_t i = 0; i < r->record_count; i++) {
        const struct stats_record *rec = &r->records[i];
        size_t k = signal_row(r, rec->task, rec->model);
        struct stats_signal_row *row = &r->signal_rows[k];
        pairs[i] = (struct row_run){ k, rec->run };
        row->cost_usd += rec->cost_usd;
        row->shown += rec->shown;
        /* The cache may offer one answer again: one accepted in the end was not rejected. */
        row->rejected += rec->rejected && !rec->accepted && rec->partial_chars == 0;
        row->accepted += rec->accepted;
        if (!rec->accepted && rec->partial_chars > 0) row->partial++;
        row->partial_chars += rec->partial_chars;
        row->retained_chars += rec->retained_chars;
        row->retained_of += rec->retained_of;
        row->applied += rec->applied;
        row->reverted += rec->reverted;
        row->retry_stronger += rec->retry_stronger;
        row->findings_fixed += rec->findings_fixed;
        row->findings_dismissed += rec->findings_dismissed;
        if (r->runs[rec->run].answer == i) row->answers++;
    }
    if (r->record_count) qsort(pairs, r->record_count, sizeof *pairs, compare_row_run);
    for (size_t i = 0; i < r->record_count; i++)
        if (i == 0 || compare_row_run(&pairs[i - 1], &pairs[i]) != 0) r->signal_rows[pairs[i].row].requests++;
    free(pairs);
    for (size_t o = 0; o < r->offer_count; o++) {
        size_t k = signal_row(r, r->offers[o].task, r->offers[o].model);   /* may move the rows */
        r->signal_rows[k].offered += (size_t)(r->offers[o].count > 0 ? r->offers[o].count : 0);
    }
    if (r->signal_row_count)
        qsort(r->signal_rows, r->signal_row_count, sizeof *r->signal_rows, compare_signal_rows);
}

/* ---- baselines ---- */

/* Prices for a model the config does not price: least squares of cost on input and
 * output tokens over its attempts (exact when the ledger's costs came from fixed
 * prices and the records vary in shape); a single blended rate when they do not. */
static struct model_price derived_price(const struct stats_report *r, const char *model)
{
    double sii = 0, soo = 0, sio = 0, sic = 0, soc = 0, tokens = 0, cost = 0;
    for (size_t i = 0; i < r->record_count; i++) {
        const struct stats_record *rec = &r->records[i];
        if (strcmp(rec->model, model) != 0) continue;
        double in = (double)rec->tokens_in, out = (double)rec->tokens_out, c = rec->cost_usd;
        sii += in * in; soo += out * out; sio += in * out; sic += in * c; soc += out * c;
        tokens += in + out;
        cost += c;
    }
    double det = sii * soo - sio * sio;
    if (det > 1e-9 * sii * soo && det > 0) {
        double a = (sic * soo - soc * sio) / det, b = (soc * sii - sic * sio) / det;
        if (a >= 0 && b >= 0) return (struct model_price){ a * 1e6, b * 1e6, -1, -1 };
    }
    double blended = tokens > 0 ? cost / tokens * 1e6 : 0;
    return (struct model_price){ blended, blended, -1, -1 };
}

static int compare_baselines(const void *a, const void *b)
{
    const struct stats_baseline *x = a, *y = b;
    if (x->cost_usd != y->cost_usd) return x->cost_usd > y->cost_usd ? -1 : 1;
    return strcmp(x->model, y->model);
}

static void build_baselines(struct stats_report *r, const struct config *cfg)
{
    for (size_t i = 0; i < r->record_count; i++) {
        const char *model = r->records[i].model;
        size_t b = 0;
        while (b < r->baseline_count && strcmp(r->baselines[b].model, model) != 0) b++;
        if (b < r->baseline_count) continue;
        r->baselines = xrealloc(r->baselines, (r->baseline_count + 1) * sizeof *r->baselines);
        struct stats_baseline *base = &r->baselines[r->baseline_count++];
        *base = (struct stats_baseline){ .model = xstrdup(model) };
        struct model_price price = { -1, -1, -1, -1 };
        for (size_t m = 0; cfg && m < cfg->model_count; m++)
            if (strcmp(cfg->models[m].name, model) == 0) price = cfg->models[m].price;
        base->priced_from_config = price.input >= 0 || price.output >= 0;
        if (!base->priced_from_config) price = derived_price(r, model);
        for (size_t k = 0; k < r->record_count; k++) {
            const struct stats_record *rec = &r->records[k];
            base->cost_usd += cost_of_tokens(&price, rec->tokens_in, rec->tokens_out,
                                             rec->tokens_cached, rec->tokens_reasoning);
        }
        base->savings_usd = base->cost_usd - r->total.cost_usd;
        base->savings_pct = base->cost_usd > 0 ? base->savings_usd / base->cost_usd * 100 : 0;
    }
    if (r->baseline_count) qsort(r->baselines, r->baseline_count, sizeof *r->baselines, compare_baselines);
}

int stats_build(struct stats_report *r, const char *ledger_path, const struct config *cfg,
                int64_t since_ms, int64_t now_ms, enum stats_group_by by, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    memset(r, 0, sizeof *r);
    r->by = by;
    r->since_ms = since_ms;
    r->now_ms = now_ms;
    char *path = ledger_path ? xstrdup(ledger_path) : ledger_default_path();
    struct loader ld = { .report = r };
    static const struct signal_fold_callbacks fold = { add_record, add_offer };
    r->files_read = ledger_signals_fold(path, since_ms, &fold, &ld);
    free(path);
    assign_runs(r);
    summarise_runs(r);
    build_groups(r);
    build_signal_rows(r);
    build_baselines(r, cfg);
    return 0;
}

void stats_report_free(struct stats_report *r)
{
    for (size_t i = 0; i < r->record_count; i++) {
        struct stats_record *rec = &r->records[i];
        free(rec->request_id); free(rec->attempt_id); free(rec->task); free(rec->trigger);
        free(rec->route); free(rec->model); free(rec->provider); free(rec->outcome);
        free(rec->language);
    }
    for (size_t i = 0; i < r->signal_row_count; i++) {
        free(r->signal_rows[i].task);
        free(r->signal_rows[i].model);
    }
    free(r->signal_rows);
    for (size_t i = 0; i < r->offer_count; i++) {
        free(r->offers[i].task);
        free(r->offers[i].model);
    }
    free(r->offers);
    free(r->records);
    free(r->runs);
    for (size_t g = 0; g < r->group_count; g++) free(r->groups[g].key);
    free(r->groups);
    free(r->total.key);
    for (size_t b = 0; b < r->baseline_count; b++) free(r->baselines[b].model);
    free(r->baselines);
    memset(r, 0, sizeof *r);
}
