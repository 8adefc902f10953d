/* Tests for base/json: the safe cJSON readers every layer uses. */
#include "tests/unit/test.h"
#include "base/json.h"

TEST(json_readers_paths_and_types)
{
    cJSON *o = cJSON_Parse("{\"a\":{\"b\":{\"c\":\"x\",\"n\":12,\"f\":1.5,\"t\":true,\"z\":false}},"
                           "\"gpt-4.1\":{\"input\":2},\"list\":[{\"a\":1}],\"s\":\"str\"}");
    ASSERT_STREQ(json_get_string(o, "a.b.c"), "x");
    ASSERT(json_get_string(o, "a.b.n") == NULL);         /* wrong type */
    ASSERT(json_get(o, "a.x.c") == NULL);                /* missing step */
    ASSERT(json_get(o, "a.") == NULL);                   /* trailing dot */
    ASSERT(json_get(o, "s.x") == NULL);                  /* through a string */
    ASSERT(json_get(o, "list.a") == NULL);               /* through an array */
    ASSERT(json_get(NULL, "a") == NULL);
    ASSERT(json_get(o, NULL) == NULL);
    /* A name holding a dot: one member, not a path. */
    ASSERT(json_get(o, "gpt-4.1") == NULL);
    ASSERT_NEAR(json_get_number(json_member(o, "gpt-4.1"), "input", -1), 2, 1e-9);
    ASSERT(json_member(json_get(o, "list"), "a") == NULL);
    ASSERT(json_member(o, NULL) == NULL);
    long n;
    ASSERT(json_get_int(o, "a.b.n", &n));
    ASSERT_EQ(n, 12);
    ASSERT(!json_get_int(o, "a.b.f", &n));
    ASSERT(!json_get_int(o, "a.b.c", &n));
    ASSERT_NEAR(json_get_number(o, "a.b.f", 0), 1.5, 1e-9);
    ASSERT_NEAR(json_get_number(o, "a.b.c", -1), -1, 1e-9);
    ASSERT(json_get_true(o, "a.b.t"));
    ASSERT(!json_get_true(o, "a.b.z"));
    ASSERT(!json_get_true(o, "a.b.n"));
    cJSON_Delete(o);
}

TEST(json_get_long_clamps_counts)
{
    cJSON *o = cJSON_Parse("{\"big\":1e300,\"neg\":-1e300,\"frac\":12.9,\"n\":7,\"s\":\"7\"}");
    ASSERT_EQ(json_get_long(o, "big", 0), 1000000000000000LL);
    ASSERT_EQ(json_get_long(o, "neg", 0), -1000000000000000LL);
    ASSERT_EQ(json_get_long(o, "frac", 0), 12);
    ASSERT_EQ(json_get_long(o, "n", 0), 7);
    ASSERT_EQ(json_get_long(o, "s", -1), -1);
    ASSERT_EQ(json_get_long(o, "missing", 5), 5);
    /* A sum of clamped counts stays defined (UBSan would catch an overflow). */
    long sum = json_get_long(o, "big", 0) + json_get_long(o, "big", 0) + json_get_long(o, "big", 0);
    ASSERT(sum > 0);
    cJSON_Delete(o);
}
