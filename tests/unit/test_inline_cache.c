/* Tests for inline/inline_cache: exact hits, LRU eviction, typed-through reuse. */
#include "tests/unit/test.h"
#include "inline/inline_cache.h"

static void put1(struct inline_cache *c, const char *prefix, const char *suffix, const char *variant,
                 const char *text, const char *attempt)
{
    const char *texts[] = { text };
    const char *ids[] = { attempt };
    inline_cache_put(c, prefix, strlen(prefix), suffix, strlen(suffix), variant, "fast", texts, ids, 1, 1);
}

static bool get(struct inline_cache *c, const char *prefix, const char *suffix, const char *variant,
                struct inline_cache_hit *hit)
{
    return inline_cache_lookup(c, prefix, strlen(prefix), suffix, strlen(suffix), variant, hit);
}

TEST(inline_cache_exact_hit_and_miss)
{
    struct inline_cache *c = inline_cache_new(4);
    struct inline_cache_hit hit;
    ASSERT(!get(c, "x = ", "\n", "fast", &hit));
    ASSERT_EQ(hit.count, 0);
    put1(c, "x = ", "\n", "fast", "42", "a-1");
    ASSERT(get(c, "x = ", "\n", "fast", &hit));
    ASSERT_EQ(hit.count, 1);
    ASSERT_STREQ(hit.texts[0], "42");
    ASSERT_STREQ(hit.attempt_ids[0], "a-1");
    ASSERT_STREQ(hit.model, "fast");
    ASSERT(!hit.typed_through);
    inline_cache_hit_free(&hit);
    ASSERT(!get(c, "x = ", "\n", "other-model", &hit));   /* variant is part of the key */
    ASSERT(!get(c, "x = ", "\ny", "fast", &hit));         /* suffix is part of the key */
    ASSERT(!get(c, "y = ", "\n", "fast", &hit));
    inline_cache_free(c);
}

TEST(inline_cache_lru_eviction)
{
    struct inline_cache *c = inline_cache_new(2);
    struct inline_cache_hit hit;
    put1(c, "a", "", "v", "1", NULL);
    put1(c, "b", "", "v", "2", NULL);
    ASSERT(get(c, "a", "", "v", &hit));      /* a is now the most recent */
    inline_cache_hit_free(&hit);
    put1(c, "c", "", "v", "3", NULL);        /* evicts b */
    ASSERT_EQ(inline_cache_size(c), 2);
    ASSERT(get(c, "a", "", "v", &hit));
    inline_cache_hit_free(&hit);
    ASSERT(!get(c, "b", "", "v", &hit));
    ASSERT(get(c, "c", "", "v", &hit));
    ASSERT(hit.attempt_ids[0] == NULL);
    inline_cache_hit_free(&hit);
    put1(c, "c", "", "v", "3b", NULL);       /* same context replaces */
    ASSERT_EQ(inline_cache_size(c), 2);
    ASSERT(get(c, "c", "", "v", &hit));
    ASSERT_STREQ(hit.texts[0], "3b");
    inline_cache_hit_free(&hit);
    inline_cache_clear(c);
    ASSERT_EQ(inline_cache_size(c), 0);
    inline_cache_free(c);
}

TEST(inline_cache_typed_through)
{
    struct inline_cache *c = inline_cache_new(8);
    struct inline_cache_hit hit;
    const char *texts[] = { "print(value)", "pass", "prune()" };
    const char *ids[] = { "a-1", "a-2", "a-3" };
    inline_cache_put(c, "def f():\n    ", 13, "\n", 1, "fast", "fast", texts, ids, 3, 3);
    ASSERT(get(c, "def f():\n    pr", "\n", "fast", &hit));
    ASSERT(hit.typed_through);
    ASSERT_EQ(hit.count, 2);                   /* "pass" does not start with "pr" */
    ASSERT_STREQ(hit.texts[0], "int(value)");
    ASSERT_STREQ(hit.attempt_ids[0], "a-1");
    ASSERT_STREQ(hit.texts[1], "une()");
    ASSERT_STREQ(hit.attempt_ids[1], "a-3");
    inline_cache_hit_free(&hit);
    /* typed something else, changed the suffix, or typed the whole suggestion */
    ASSERT(!get(c, "def f():\n    px", "\n", "fast", &hit));
    ASSERT(!get(c, "def f():\n    pr", "\n\n", "fast", &hit));
    ASSERT(!get(c, "def f():\n    pass", "\n", "fast", &hit));
    ASSERT(!get(c, "def g():\n    pr", "\n", "fast", &hit));
    inline_cache_free(c);
}

TEST(inline_cache_remembers_how_many_candidates_were_asked)
{
    /* Three candidates asked, all the same answer: one item, but asked stays 3, so an
     * invoked request can tell it has the full set and need not ask again. */
    struct inline_cache *c = inline_cache_new(4);
    struct inline_cache_hit hit;
    const char *texts[] = { "same()" };
    inline_cache_put(c, "x = ", 4, "", 0, "v", "m", texts, NULL, 1, 3);
    inline_cache_put(c, "y = ", 4, "", 0, "v", "m", texts, NULL, 1, 1);
    ASSERT(inline_cache_lookup(c, "x = ", 4, "", 0, "v", &hit));
    ASSERT_EQ(hit.count, 1);
    ASSERT_EQ(hit.asked, 3);
    inline_cache_hit_free(&hit);
    ASSERT(inline_cache_lookup(c, "y = ", 4, "", 0, "v", &hit));
    ASSERT_EQ(hit.asked, 1);
    inline_cache_hit_free(&hit);
    ASSERT(inline_cache_lookup(c, "x = sa", 6, "", 0, "v", &hit));   /* typed-through too */
    ASSERT(hit.typed_through);
    ASSERT_EQ(hit.asked, 3);
    inline_cache_hit_free(&hit);
    inline_cache_free(c);
}

TEST(inline_cache_typed_through_long_prefix)
{
    /* The prefix is longer than the tail the cache keeps: only its end must match. */
    size_t n = INLINE_CACHE_PREFIX_TAIL * 3;
    char *prefix = malloc(n + 8);
    for (size_t i = 0; i < n; i++) prefix[i] = (char)('a' + i % 26);
    prefix[n] = '\0';
    struct inline_cache *c = inline_cache_new(2);
    const char *texts[] = { "XYZ" };
    inline_cache_put(c, prefix, n, "", 0, "v", "m", texts, NULL, 1, 1);
    memcpy(prefix + n, "XY", 3);
    struct inline_cache_hit hit;
    /* the editor cut a different (shorter) start: still the same context */
    ASSERT(inline_cache_lookup(c, prefix + 100, n + 2 - 100, "", 0, "v", &hit));
    ASSERT_STREQ(hit.texts[0], "Z");
    inline_cache_hit_free(&hit);
    free(prefix);
    inline_cache_free(c);
}

TEST(inline_cache_disabled)
{
    struct inline_cache *c = inline_cache_new(0);
    struct inline_cache_hit hit;
    put1(c, "a", "", "v", "1", NULL);
    ASSERT(!get(c, "a", "", "v", &hit));
    ASSERT_EQ(inline_cache_size(c), 0);
    inline_cache_free(c);
}

TEST(inline_cache_context_with_nul_bytes)
{
    struct inline_cache *c = inline_cache_new(2);
    const char prefix[] = "a\0b = ", suffix[] = "\0\0tail";
    const char *texts[] = { "42" };
    inline_cache_put(c, prefix, sizeof prefix - 1, suffix, sizeof suffix - 1, "v", "m", texts, NULL, 1, 1);
    struct inline_cache_hit hit;
    ASSERT(inline_cache_lookup(c, prefix, sizeof prefix - 1, suffix, sizeof suffix - 1, "v", &hit));
    ASSERT_STREQ(hit.texts[0], "42");
    inline_cache_hit_free(&hit);
    const char other[] = "\0\0tai!";
    ASSERT(!inline_cache_lookup(c, prefix, sizeof prefix - 1, other, sizeof other - 1, "v", &hit));
    inline_cache_free(c);
}
