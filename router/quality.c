/* Quality estimates (see quality.h). Two hash tables: the (task, language, model)
 * keys with their sums, and the recent attempts by id, so a signal line written
 * seconds after its attempt (an acceptance, the 30 s retention count) finds the key
 * it counts for. The attempt table is a ring of the last ATTEMPTS_KEPT ids: a signal
 * for an older attempt is ignored, which bounds memory whatever the ledger holds. */
#include "router/quality.h"
#include "ledger/ledger_read.h"
#include "base/json.h"
#include "base/xalloc.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define ATTEMPTS_KEPT 8192
#define ATTEMPT_BUCKETS 16384      /* power of two */
#define ID_MAX 48
#define REQUEST_MAX 24

struct key_stats {
    char *task, *language, *model;
    uint64_t hash;
    double delivered, value, cost, retained_chars;
    long accepted, partial;
};

struct attempt_rec {
    char id[ID_MAX];
    size_t key;                 /* index into keys */
    int next;                   /* bucket chain, -1 ends */
    double base;                /* 0, 0.5 partial, 1 accepted / applied */
    double retention;           /* share still there 30 s later; 1 until measured */
    double retained_chars;
    bool killed;                /* reverted, or retried on a stronger model */
    bool used;
    /* An extra candidate of an explicit inline trigger ("candidate" > 0): the editor
     * asked once and showed one list, so it is no delivery of its own; what the user
     * does with it counts for the request's first candidate (same request id). */
    bool extra;
    char request[REQUEST_MAX];  /* request_id; "" when absent or too long */
};

struct quality_table {
    struct key_stats *keys;     /* open addressing; task NULL = empty */
    size_t key_cap, key_count;
    struct attempt_rec *ring;   /* ATTEMPTS_KEPT */
    int *bucket;                /* ATTEMPT_BUCKETS heads, -1 empty */
    size_t ring_next;
};

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return (h ^ 0xff) * 0x100000001b3ULL;   /* separator, so "ab"+"c" != "a"+"bc" */
}

static uint64_t key_hash(const char *task, const char *language, const char *model)
{
    return fnv(fnv(fnv(0xcbf29ce484222325ULL, task), language ? language : ""), model);
}

struct quality_table *quality_new(void)
{
    struct quality_table *q = xcalloc(1, sizeof *q);
    q->key_cap = 64;
    q->keys = xcalloc(q->key_cap, sizeof *q->keys);
    q->ring = xcalloc(ATTEMPTS_KEPT, sizeof *q->ring);
    q->bucket = xmalloc(ATTEMPT_BUCKETS * sizeof *q->bucket);
    for (size_t i = 0; i < ATTEMPT_BUCKETS; i++) q->bucket[i] = -1;
    return q;
}

void quality_free(struct quality_table *q)
{
    if (!q) return;
    for (size_t i = 0; i < q->key_cap; i++) {
        free(q->keys[i].task);
        free(q->keys[i].language);
        free(q->keys[i].model);
    }
    free(q->keys);
    free(q->ring);
    free(q->bucket);
    free(q);
}

static bool same_key(const struct key_stats *k, uint64_t h, const char *task, const char *language,
                     const char *model)
{
    return k->hash == h && strcmp(k->task, task) == 0 && strcmp(k->model, model) == 0 &&
           strcmp(k->language, language ? language : "") == 0;
}

/* Index of the key, or of the empty slot where it would go. */
static size_t key_slot(const struct quality_table *q, uint64_t h, const char *task,
                       const char *language, const char *model)
{
    size_t i = (size_t)h & (q->key_cap - 1);
    while (q->keys[i].task && !same_key(&q->keys[i], h, task, language, model))
        i = (i + 1) & (q->key_cap - 1);
    return i;
}

static void grow_keys(struct quality_table *q)
{
    struct key_stats *old = q->keys;
    size_t old_cap = q->key_cap;
    q->key_cap *= 2;
    q->keys = xcalloc(q->key_cap, sizeof *q->keys);
    size_t *moved = xmalloc(old_cap * sizeof *moved);
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].task) continue;
        size_t j = (size_t)old[i].hash & (q->key_cap - 1);
        while (q->keys[j].task) j = (j + 1) & (q->key_cap - 1);
        q->keys[j] = old[i];
        moved[i] = j;
    }
    for (size_t r = 0; r < ATTEMPTS_KEPT; r++)   /* attempts point at key slots */
        if (q->ring[r].used) q->ring[r].key = moved[q->ring[r].key];
    free(moved);
    free(old);
}

static size_t key_get(struct quality_table *q, const char *task, const char *language,
                      const char *model)
{
    uint64_t h = key_hash(task, language, model);
    size_t i = key_slot(q, h, task, language, model);
    if (q->keys[i].task) return i;
    if ((q->key_count + 1) * 10 > q->key_cap * 7) {
        grow_keys(q);
        i = key_slot(q, h, task, language, model);
    }
    struct key_stats *k = &q->keys[i];
    k->task = xstrdup(task);
    k->language = xstrdup(language ? language : "");
    k->model = xstrdup(model);
    k->hash = h;
    q->key_count++;
    return i;
}

static size_t id_bucket(const char *id)
{
    return (size_t)fnv(0xcbf29ce484222325ULL, id) & (ATTEMPT_BUCKETS - 1);
}

static struct attempt_rec *attempt_find(struct quality_table *q, const char *id)
{
    for (int i = q->bucket[id_bucket(id)]; i >= 0; i = q->ring[i].next)
        if (strcmp(q->ring[i].id, id) == 0) return &q->ring[i];
    return NULL;
}

static void attempt_unlink(struct quality_table *q, int slot)
{
    int *link = &q->bucket[id_bucket(q->ring[slot].id)];
    while (*link >= 0 && *link != slot) link = &q->ring[*link].next;
    if (*link == slot) *link = q->ring[slot].next;
}

static void attempt_add(struct quality_table *q, const char *id, size_t key, const char *request,
                        bool extra)
{
    if (strlen(id) >= ID_MAX || attempt_find(q, id)) return;
    int slot = (int)q->ring_next;
    q->ring_next = (q->ring_next + 1) % ATTEMPTS_KEPT;
    if (q->ring[slot].used) attempt_unlink(q, slot);   /* the oldest goes */
    struct attempt_rec *a = &q->ring[slot];
    memset(a, 0, sizeof *a);
    strcpy(a->id, id);
    a->key = key;
    a->retention = 1;
    a->used = true;
    a->extra = extra;
    if (request && strlen(request) < REQUEST_MAX) strcpy(a->request, request);
    size_t b = id_bucket(id);
    a->next = q->bucket[b];
    q->bucket[b] = slot;
}

static double attempt_value(const struct attempt_rec *a)
{
    return a->killed ? 0 : a->base * a->retention;
}

static bool note_attempt(struct quality_table *q, const cJSON *o)
{
    const char *task = json_get_string(o, "task"), *model = json_get_string(o, "model");
    const char *outcome = json_get_string(o, "outcome");
    const char *id = json_get_string(o, "attempt_id");
    if (!task || !model || !outcome || !*task || !*model) return false;
    size_t k = key_get(q, task, json_get_string(o, "language"), model);
    struct key_stats *ks = &q->keys[k];
    double cost = json_get_number(o, "cost_usd", 0);
    ks->cost += cost;   /* every candidate is paid for */
    if (strcmp(outcome, "ok") == 0) {
        bool extra = json_get_number(o, "candidate", 0) > 0;
        if (!extra) ks->delivered += 1;
        if (id && *id) attempt_add(q, id, k, json_get_string(o, "request_id"), extra);
    }
    return true;
}

/* The first candidate of an extra candidate's request: the newest attempt with its
 * request id that is no extra (ids restart with a session; the newest is this one's,
 * as signals come after the lines of their request). NULL when unknown. */
static struct attempt_rec *request_first(struct quality_table *q, const struct attempt_rec *extra)
{
    if (!extra->request[0]) return NULL;
    for (size_t n = 1; n <= ATTEMPTS_KEPT; n++) {
        struct attempt_rec *a = &q->ring[(q->ring_next + ATTEMPTS_KEPT - n) % ATTEMPTS_KEPT];
        if (!a->used) break;
        if (!a->extra && strcmp(a->request, extra->request) == 0) return a;
    }
    return NULL;
}

/* One user signal on a delivered answer: recompute its value and move the key's sum. */
static bool note_signal(struct quality_table *q, const char *signal, const char *id, const cJSON *o)
{
    struct attempt_rec *a = id ? attempt_find(q, id) : NULL;
    if (a && a->extra) a = request_first(q, a);
    if (!a) return false;
    struct key_stats *ks = &q->keys[a->key];
    double before = attempt_value(a);
    if (strcmp(signal, "accepted") == 0 || strcmp(signal, "applied") == 0) {
        if (a->base < 1) ks->accepted++;
        if (a->base == 0.5) ks->partial--;   /* a word first, then the rest: one acceptance */
        a->base = 1;
    } else if (strcmp(signal, "partial") == 0) {
        if (a->base == 0) {
            a->base = 0.5;
            ks->partial++;
        }
    } else if (strcmp(signal, "retained") == 0) {
        double chars = json_get_number(o, "chars", 0), of = json_get_number(o, "of", 0);
        if (chars < 0 || of < 0) return false;
        a->retention = of > 0 ? (chars < of ? chars / of : 1) : 1;
        ks->retained_chars += chars - a->retained_chars;
        a->retained_chars = chars;
    } else if (strcmp(signal, "reverted") == 0 || strcmp(signal, "retry_stronger") == 0 ||
               strcmp(signal, "invalid_answer") == 0) {
        a->killed = true;
    } else {
        return false;   /* shown, rejected, offered, findings: no change to the value */
    }
    ks->value += attempt_value(a) - before;
    return true;
}

bool quality_note_line(struct quality_table *q, const char *line, int64_t since_ms,
                       int64_t until_ms)
{
    if (!q || !line) return false;
    cJSON *o = cJSON_Parse(line);
    bool changed = false;
    int64_t t = cJSON_IsObject(o) ? ledger_parse_time(json_get_string(o, "time")) : -1;
    if (t >= 0 && t >= since_ms && t < until_ms) {
        const char *accept = json_get_string(o, "accept"), *signal = json_get_string(o, "signal");
        if (accept) changed = note_signal(q, "accepted", accept, o);
        else if (signal) changed = note_signal(q, signal, json_get_string(o, "attempt_id"), o);
        else changed = note_attempt(q, o);
    }
    cJSON_Delete(o);
    return changed;
}

bool quality_lookup(const struct quality_table *q, const char *task, const char *language,
                    const char *model, struct quality_estimate *out)
{
    memset(out, 0, sizeof *out);
    out->quality = 0.5;
    out->cost_per_request = -1;
    if (!q || !task || !model) return false;
    size_t i = key_slot(q, key_hash(task, language, model), task, language, model);
    const struct key_stats *k = &q->keys[i];
    if (!k->task) return false;
    out->quality = (k->value + 1) / (k->delivered + 2);
    out->delivered = (long)k->delivered;
    out->accepted = k->accepted;
    out->partial = k->partial;
    out->retained_chars = k->retained_chars;
    out->cost_usd = k->cost;
    /* Failed and cancelled attempts are spent too: they count against what was delivered. */
    out->cost_per_request = k->delivered > 0 ? k->cost / k->delivered : -1;
    return true;
}

size_t quality_key_count(const struct quality_table *q)
{
    return q ? q->key_count : 0;
}
