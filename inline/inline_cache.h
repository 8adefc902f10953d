/* Recent inline completion results, so repeated contexts cost no backend request.
 *
 * Exact hits: an LRU keyed by the context (the tail of the prefix, the head of the
 * suffix, and a variant string naming the model and anything else that changes the
 * answer). Typed-through: when the user has typed characters matching the start of
 * a suggestion already shown (the new prefix is the old prefix plus those
 * characters, the suffix unchanged), the rest of the suggestion is returned.
 * Pure data structure: no clock, no I/O. */
#ifndef INLINE_INLINE_CACHE_H
#define INLINE_INLINE_CACHE_H
#include <stdbool.h>
#include <stddef.h>

#define INLINE_CACHE_PREFIX_TAIL 1024   /* prefix bytes that identify a context */
#define INLINE_CACHE_SUFFIX_HEAD 256    /* suffix bytes that identify a context */

struct inline_cache;

struct inline_cache_hit {
    char **texts;          /* the items to show (for typed-through: what is left) */
    char **attempt_ids;    /* ledger attempt of each item (for accept); entries may be NULL */
    size_t count;
    char *model;           /* model that produced them; may be NULL */
    size_t asked;          /* candidates asked for when they were made (see put) */
    bool typed_through;
};

struct inline_cache *inline_cache_new(size_t capacity);   /* capacity 0: caching off */
void inline_cache_free(struct inline_cache *cache);
void inline_cache_clear(struct inline_cache *cache);
size_t inline_cache_size(const struct inline_cache *cache);
size_t inline_cache_capacity(const struct inline_cache *cache);

/* Stores (copies) the items for a context; replaces an entry with the same context
 * and evicts the least recently used one when full. count 0 stores nothing. asked is
 * how many candidates were asked for: identical answers are merged, so count alone
 * cannot tell one automatic answer from several that came out the same. */
void inline_cache_put(struct inline_cache *cache, const char *prefix, size_t prefix_len,
                      const char *suffix, size_t suffix_len, const char *variant,
                      const char *model, const char *const *texts,
                      const char *const *attempt_ids, size_t count, size_t asked);

/* Exact hit first, else typed-through. Returns true and fills out (free it with
 * inline_cache_hit_free) on a hit; out is zeroed on a miss. */
bool inline_cache_lookup(struct inline_cache *cache, const char *prefix, size_t prefix_len,
                         const char *suffix, size_t suffix_len, const char *variant,
                         struct inline_cache_hit *out);
void inline_cache_hit_free(struct inline_cache_hit *hit);

#endif
