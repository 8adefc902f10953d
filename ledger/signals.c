/* The per-attempt fold (see signals.h). Attempt lines become records whose strings
 * live in an arena (the few distinct task, model, provider... names interned once);
 * acceptance and signal lines are kept aside and applied at the end, so their order in
 * the files does not matter. */
#include "ledger/signals.h"
#include "ledger/ledger_read.h"
#include "ledger/ledger_scan.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64 * 1024)
#define SIGNAL_ACCEPT (-2)   /* an acceptance line, folded like a signal */

struct arena_chunk { struct arena_chunk *next; size_t used, cap; char data[]; };

struct pending_signal {
    const char *attempt_id;
    size_t hash;         /* of attempt_id, computed once */
    int kind;            /* enum ledger_signal or SIGNAL_ACCEPT */
    long chars, of;
};

struct signal_fold {
    int64_t since_ms;
    struct arena_chunk *arena;
    const char **interned;        /* open addressing; names only (low cardinality) */
    size_t intern_cap, intern_count;
    struct signal_record *records;
    size_t count, cap;
    struct pending_signal *signals;
    size_t signal_count, signal_cap;
    struct signal_offer *offers;
    size_t offer_count, offer_cap;
};

static const char *arena_copy(struct signal_fold *f, const char *s)
{
    size_t n = strlen(s) + 1;
    struct arena_chunk *c = f->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        c = xmalloc(sizeof *c + cap);
        c->used = 0;
        c->cap = cap;
        c->next = f->arena;
        f->arena = c;
    }
    char *out = c->data + c->used;
    memcpy(out, s, n);
    c->used += n;
    return out;
}

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static const char *intern(struct signal_fold *f, const char *s)
{
    if (!s || !*s) return "";
    if (f->intern_count * 2 >= f->intern_cap) {
        size_t cap = f->intern_cap ? f->intern_cap * 2 : 64;
        const char **table = xcalloc(cap, sizeof *table);
        for (size_t i = 0; i < f->intern_cap; i++) {
            if (!f->interned[i]) continue;
            size_t h = hash_str(f->interned[i]) & (cap - 1);
            while (table[h]) h = (h + 1) & (cap - 1);
            table[h] = f->interned[i];
        }
        free(f->interned);
        f->interned = table;
        f->intern_cap = cap;
    }
    size_t h = hash_str(s) & (f->intern_cap - 1);
    while (f->interned[h]) {
        if (strcmp(f->interned[h], s) == 0) return f->interned[h];
        h = (h + 1) & (f->intern_cap - 1);
    }
    f->interned[h] = arena_copy(f, s);
    f->intern_count++;
    return f->interned[h];
}

struct signal_fold *signal_fold_begin(int64_t since_ms)
{
    struct signal_fold *f = xcalloc(1, sizeof *f);
    f->since_ms = since_ms;
    return f;
}

/* ---- one line ---- */

struct line {
    struct ledger_entry e;
    const char *time, *accept, *signal, *count_task;
    double chars, of, count;
    bool has_chars, has_of;
};

static bool on_field(void *data, const struct scan_field *fd)
{
    struct line *l = data;
    struct ledger_entry *e = &l->e;
    const char *k = fd->key, *s = fd->type == SCAN_STRING ? fd->str : NULL;
    double n = fd->type == SCAN_NUMBER ? fd->num : 0;
    bool num = fd->type == SCAN_NUMBER;
    /* First letters first: most keys are told apart by one comparison. */
    switch (k[0]) {
    case 'a':
        if (strcmp(k, "attempt_id") == 0) e->attempt_id = s;
        else if (strcmp(k, "attempt") == 0) e->attempt = (int)n;
        else if (strcmp(k, "accepted") == 0) e->accepted = fd->type == SCAN_TRUE;
        else if (strcmp(k, "accept") == 0) l->accept = s;
        break;
    case 'c':
        if (strcmp(k, "cost_usd") == 0) e->cost_usd = n;
        else if (num && strcmp(k, "candidate") == 0) e->candidate = n > 0 && n < 64 ? (int)n : 0;
        else if (num && strcmp(k, "chars") == 0) { l->chars = n; l->has_chars = true; }
        else if (strcmp(k, "count") == 0) l->count = n;
        break;
    case 'e': if (strcmp(k, "estimated") == 0) e->estimated = fd->type == SCAN_TRUE; break;
    case 'f': if (strcmp(k, "first_token_ms") == 0) e->first_token_ms = num ? (long)n : -1; break;
    case 'l': if (strcmp(k, "language") == 0) e->language = s; break;
    case 'm': if (strcmp(k, "model") == 0) e->model = s; break;
    case 'o':
        if (strcmp(k, "outcome") == 0) e->outcome = s;
        else if (num && strcmp(k, "of") == 0) { l->of = n; l->has_of = true; }
        break;
    case 'p': if (strcmp(k, "provider") == 0) e->provider = s; break;
    case 'r':
        if (strcmp(k, "request_id") == 0) e->request_id = s;
        else if (strcmp(k, "route") == 0) e->route = s;
        break;
    case 's':
        if (strcmp(k, "status") == 0) e->status = (int)n;
        else if (strcmp(k, "signal") == 0) l->signal = s;
        break;
    case 't':
        if (k[1] == 'o') {
            if (strcmp(k, "tokens_in") == 0) e->tokens_in = (long)n;
            else if (strcmp(k, "tokens_out") == 0) e->tokens_out = (long)n;
            else if (strcmp(k, "tokens_cached") == 0) e->tokens_cached = (long)n;
            else if (strcmp(k, "tokens_reasoning") == 0) e->tokens_reasoning = (long)n;
            else if (strcmp(k, "total_ms") == 0) e->total_ms = (long)n;
        } else if (strcmp(k, "time") == 0) l->time = s;
        else if (strcmp(k, "task") == 0) e->task = s;
        else if (strcmp(k, "trigger") == 0) e->trigger = s;
        break;
    default: break;
    }
    return true;
}

static void add_signal(struct signal_fold *f, const char *attempt_id, int kind, long chars, long of)
{
    if (!attempt_id || !*attempt_id) return;
    if (f->signal_count == f->signal_cap) {
        f->signal_cap = f->signal_cap ? f->signal_cap * 2 : 256;
        f->signals = xrealloc(f->signals, f->signal_cap * sizeof *f->signals);
    }
    f->signals[f->signal_count++] = (struct pending_signal){ arena_copy(f, attempt_id), hash_str(attempt_id),
                                                             kind, chars, of };
}

static void add_offer(struct signal_fold *f, const struct line *l, int64_t time_ms)
{
    if (time_ms < f->since_ms || !l->e.task || !l->e.model) return;
    if (f->offer_count == f->offer_cap) {
        f->offer_cap = f->offer_cap ? f->offer_cap * 2 : 64;
        f->offers = xrealloc(f->offers, f->offer_cap * sizeof *f->offers);
    }
    f->offers[f->offer_count++] = (struct signal_offer){
        .time_ms = time_ms, .task = intern(f, l->e.task), .model = intern(f, l->e.model),
        .count = (long)l->count,
    };
}

static const char *or_empty(const char *s) { return s ? s : ""; }

static void add_attempt(struct signal_fold *f, const struct line *l, int64_t time_ms)
{
    const struct ledger_entry *e = &l->e;
    if (time_ms < f->since_ms || !e->model || !*e->model || !e->outcome || !*e->outcome) return;
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->records = xrealloc(f->records, f->cap * sizeof *f->records);
    }
    struct signal_record *r = &f->records[f->count++];
    memset(r, 0, sizeof *r);
    r->entry = *e;
    r->entry.time_ms = time_ms;
    r->entry.request_id = arena_copy(f, or_empty(e->request_id));
    r->entry.attempt_id = arena_copy(f, or_empty(e->attempt_id));
    r->entry.task = intern(f, e->task);
    r->entry.trigger = intern(f, e->trigger);
    r->entry.route = intern(f, e->route);
    r->entry.model = intern(f, e->model);
    r->entry.provider = intern(f, e->provider);
    r->entry.outcome = intern(f, e->outcome);
    r->entry.language = intern(f, e->language);
}

void signal_fold_line(struct signal_fold *f, char *text)
{
    struct line l = { .e = { .attempt = 1, .first_token_ms = -1 } };
    if (!ledger_scan_line(text, on_field, &l)) return;
    int64_t time_ms = ledger_parse_time(l.time);
    if (time_ms < 0) return;
    if (l.accept) {
        add_signal(f, l.accept, SIGNAL_ACCEPT, -1, -1);
    } else if (l.signal) {
        int kind = ledger_signal_parse(l.signal);
        if (kind == SIGNAL_OFFERED) add_offer(f, &l, time_ms);
        else if (kind >= 0)
            add_signal(f, l.e.attempt_id, kind, l.has_chars ? (long)l.chars : -1,
                       l.has_of ? (long)l.of : -1);
        /* an unknown signal name (a newer writer): skipped */
    } else {
        add_attempt(f, &l, time_ms);
    }
}

/* ---- the end: apply the signals, call back ---- */

static void apply(struct signal_record *r, const struct pending_signal *s)
{
    switch (s->kind) {
    case SIGNAL_ACCEPT: r->entry.accepted = true; break;
    case SIGNAL_SHOWN: r->shown = true; break;
    case SIGNAL_PARTIAL: if (s->chars > r->partial_chars) r->partial_chars = s->chars; break;
    case SIGNAL_REJECTED: r->rejected = true; break;
    case SIGNAL_RETAINED:
        r->retained_known = true;
        r->retained_chars = s->chars > 0 ? s->chars : 0;
        r->retained_of = s->of > 0 ? s->of : 0;
        break;
    case SIGNAL_APPLIED: r->applied = true; break;
    case SIGNAL_REVERTED: r->reverted = true; break;
    case SIGNAL_FINDING_FIXED: r->findings_fixed++; break;
    case SIGNAL_FINDING_DISMISSED: r->findings_dismissed++; break;
    case SIGNAL_RETRY_STRONGER: r->retry_stronger = true; break;
    default: break;
    }
}

static void apply_signals(struct signal_fold *f)
{
    if (!f->signal_count || !f->count) return;
    size_t cap = 16;
    while (cap < f->count * 2) cap *= 2;
    /* Slots hold the record index + 1 (0 = empty) and the full hash, so a probe compares
     * strings only when the hashes agree. */
    struct slot { size_t index, hash; } *table = xcalloc(cap, sizeof *table);
    for (size_t i = 0; i < f->count; i++) {
        const char *id = f->records[i].entry.attempt_id;
        if (!*id) continue;
        size_t hash = hash_str(id), h = hash & (cap - 1);
        while (table[h].index && (table[h].hash != hash ||
                                  strcmp(f->records[table[h].index - 1].entry.attempt_id, id) != 0))
            h = (h + 1) & (cap - 1);
        table[h] = (struct slot){ i + 1, hash };   /* a repeated id: the later attempt */
    }
    for (size_t s = 0; s < f->signal_count; s++) {
        const struct pending_signal *sig = &f->signals[s];
        size_t h = sig->hash & (cap - 1);
        while (table[h].index && (table[h].hash != sig->hash ||
                                  strcmp(f->records[table[h].index - 1].entry.attempt_id, sig->attempt_id) != 0))
            h = (h + 1) & (cap - 1);
        if (table[h].index) apply(&f->records[table[h].index - 1], sig);
    }
    free(table);
}

void signal_fold_end(struct signal_fold *f, const struct signal_fold_callbacks *cb, void *data)
{
    apply_signals(f);
    for (size_t i = 0; cb && cb->attempt && i < f->count; i++) cb->attempt(data, &f->records[i]);
    for (size_t i = 0; cb && cb->offered && i < f->offer_count; i++) cb->offered(data, &f->offers[i]);
    while (f->arena) {
        struct arena_chunk *c = f->arena;
        f->arena = c->next;
        free(c);
    }
    free(f->interned);
    free(f->records);
    free(f->signals);
    free(f->offers);
    free(f);
}

static void fold_line(void *data, const char *line)
{
    /* ledger_read_all's own writable buffer (ledger_read.h): scanned in place. */
    signal_fold_line(data, (char *)line);
}

int ledger_signals_fold(const char *path, int64_t since_ms, const struct signal_fold_callbacks *cb,
                        void *data)
{
    char *resolved = path ? xstrdup(path) : ledger_default_path();
    struct signal_fold *f = signal_fold_begin(since_ms);
    int files = ledger_read_all(resolved, fold_line, f);
    free(resolved);
    signal_fold_end(f, cb, data);
    return files;
}
