/* Inline result cache (see inline_cache.h). A small array scanned linearly: with the
 * tens of entries an editor session needs, a scan of hashes is cheaper than any
 * index, and typed-through has to look at every entry anyway. */
#include "inline/inline_cache.h"
#include "base/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    bool used;
    uint64_t hash;
    uint64_t last_use;
    char *tail;          /* prefix tail */
    size_t tail_len;
    char *head;          /* suffix head */
    size_t head_len;
    char *variant;
    char *model;
    char **texts;
    char **attempt_ids;
    size_t count;
    size_t asked;
};

struct inline_cache {
    struct entry *entries;
    size_t capacity;
    uint64_t clock;
};

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t tail_len(size_t len) { return len < INLINE_CACHE_PREFIX_TAIL ? len : INLINE_CACHE_PREFIX_TAIL; }
static size_t head_len(size_t len) { return len < INLINE_CACHE_SUFFIX_HEAD ? len : INLINE_CACHE_SUFFIX_HEAD; }

static uint64_t context_hash(const char *prefix, size_t plen, const char *suffix, size_t slen,
                             const char *variant)
{
    size_t t = tail_len(plen), h = head_len(slen);
    uint64_t x = fnv(1469598103934665603ULL, prefix + plen - t, t);
    x = fnv(x ^ 0xff, suffix, h);
    return fnv(x ^ 0xfe, variant ? variant : "", variant ? strlen(variant) : 0);
}

/* Context bytes may hold NULs (a binary file is still a document): copy by length. */
static char *copy_bytes(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void entry_clear(struct entry *e)
{
    free(e->tail); free(e->head); free(e->variant); free(e->model);
    for (size_t i = 0; i < e->count; i++) {
        free(e->texts[i]);
        free(e->attempt_ids[i]);
    }
    free(e->texts);
    free(e->attempt_ids);
    memset(e, 0, sizeof *e);
}

struct inline_cache *inline_cache_new(size_t capacity)
{
    struct inline_cache *c = xcalloc(1, sizeof *c);
    c->capacity = capacity;
    c->entries = capacity ? xcalloc(capacity, sizeof *c->entries) : NULL;
    return c;
}

void inline_cache_clear(struct inline_cache *c)
{
    for (size_t i = 0; i < c->capacity; i++) entry_clear(&c->entries[i]);
}

void inline_cache_free(struct inline_cache *c)
{
    if (!c) return;
    inline_cache_clear(c);
    free(c->entries);
    free(c);
}

size_t inline_cache_size(const struct inline_cache *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->capacity; i++) n += c->entries[i].used;
    return n;
}

size_t inline_cache_capacity(const struct inline_cache *c) { return c->capacity; }

static bool same_variant(const struct entry *e, const char *variant)
{
    return strcmp(e->variant, variant ? variant : "") == 0;
}

static bool same_head(const struct entry *e, const char *suffix, size_t slen)
{
    return head_len(slen) == e->head_len && memcmp(suffix, e->head, e->head_len) == 0;
}

static struct entry *find_exact(struct inline_cache *c, uint64_t hash, const char *prefix,
                                size_t plen, const char *suffix, size_t slen, const char *variant)
{
    for (size_t i = 0; i < c->capacity; i++) {
        struct entry *e = &c->entries[i];
        if (!e->used || e->hash != hash || !same_variant(e, variant)) continue;
        if (tail_len(plen) == e->tail_len && memcmp(prefix + plen - e->tail_len, e->tail, e->tail_len) == 0 &&
            same_head(e, suffix, slen))
            return e;
    }
    return NULL;
}

void inline_cache_put(struct inline_cache *c, const char *prefix, size_t plen, const char *suffix,
                      size_t slen, const char *variant, const char *model,
                      const char *const *texts, const char *const *attempt_ids, size_t count,
                      size_t asked)
{
    if (!c->capacity || !count) return;
    prefix = prefix ? prefix : "";
    suffix = suffix ? suffix : "";
    uint64_t hash = context_hash(prefix, plen, suffix, slen, variant);
    struct entry *e = find_exact(c, hash, prefix, plen, suffix, slen, variant);
    if (!e) {
        e = &c->entries[0];
        for (size_t i = 0; i < c->capacity; i++) {
            struct entry *x = &c->entries[i];
            if (!x->used) { e = x; break; }
            if (x->last_use < e->last_use) e = x;
        }
    }
    entry_clear(e);
    e->used = true;
    e->hash = hash;
    e->last_use = ++c->clock;
    e->tail_len = tail_len(plen);
    e->tail = copy_bytes(prefix + plen - e->tail_len, e->tail_len);
    e->head_len = head_len(slen);
    e->head = copy_bytes(suffix, e->head_len);
    e->variant = xstrdup(variant ? variant : "");
    e->model = xstrdup(model);
    e->texts = xcalloc(count, sizeof *e->texts);
    e->attempt_ids = xcalloc(count, sizeof *e->attempt_ids);
    for (size_t i = 0; i < count; i++) {
        e->texts[i] = xstrdup(texts[i] ? texts[i] : "");
        e->attempt_ids[i] = attempt_ids ? xstrdup(attempt_ids[i]) : NULL;
    }
    e->count = count;
    e->asked = asked;
}

static void hit_add(struct inline_cache_hit *out, const char *text, size_t len, const char *attempt)
{
    out->texts = xrealloc(out->texts, (out->count + 1) * sizeof *out->texts);
    out->attempt_ids = xrealloc(out->attempt_ids, (out->count + 1) * sizeof *out->attempt_ids);
    out->texts[out->count] = xstrndup(text, len);
    out->attempt_ids[out->count] = xstrdup(attempt);
    out->count++;
}

/* Characters typed since e was shown that match the start of item: k with the
 * prefix == old prefix tail + item[0..k], 0 < k < len(item). Returns k or 0. */
static size_t typed_length(const struct entry *e, const char *item, const char *prefix, size_t plen)
{
    size_t ilen = strlen(item);
    for (size_t k = 1; k < ilen && k + e->tail_len <= plen; k++) {
        if (memcmp(prefix + plen - k, item, k) != 0) continue;
        if (memcmp(prefix + plen - k - e->tail_len, e->tail, e->tail_len) == 0) return k;
    }
    return 0;
}

bool inline_cache_lookup(struct inline_cache *c, const char *prefix, size_t plen, const char *suffix,
                         size_t slen, const char *variant, struct inline_cache_hit *out)
{
    memset(out, 0, sizeof *out);
    if (!c->capacity) return false;
    prefix = prefix ? prefix : "";
    suffix = suffix ? suffix : "";
    uint64_t hash = context_hash(prefix, plen, suffix, slen, variant);
    struct entry *e = find_exact(c, hash, prefix, plen, suffix, slen, variant);
    if (e) {
        e->last_use = ++c->clock;
        for (size_t i = 0; i < e->count; i++)
            hit_add(out, e->texts[i], strlen(e->texts[i]), e->attempt_ids[i]);
        out->model = xstrdup(e->model);
        out->asked = e->asked;
        return true;
    }
    /* Typed-through: the most recently used matching entry wins. */
    struct entry *best = NULL;
    for (size_t i = 0; i < c->capacity; i++) {
        struct entry *x = &c->entries[i];
        if (!x->used || !same_variant(x, variant) || !same_head(x, suffix, slen)) continue;
        if (best && x->last_use < best->last_use) continue;
        for (size_t j = 0; j < x->count; j++)
            if (typed_length(x, x->texts[j], prefix, plen)) { best = x; break; }
    }
    if (!best) return false;
    best->last_use = ++c->clock;
    for (size_t j = 0; j < best->count; j++) {
        size_t k = typed_length(best, best->texts[j], prefix, plen);
        if (k) hit_add(out, best->texts[j] + k, strlen(best->texts[j]) - k, best->attempt_ids[j]);
    }
    out->model = xstrdup(best->model);
    out->asked = best->asked;
    out->typed_through = true;
    return true;
}

void inline_cache_hit_free(struct inline_cache_hit *hit)
{
    for (size_t i = 0; i < hit->count; i++) {
        free(hit->texts[i]);
        free(hit->attempt_ids[i]);
    }
    free(hit->texts);
    free(hit->attempt_ids);
    free(hit->model);
    memset(hit, 0, sizeof *hit);
}
