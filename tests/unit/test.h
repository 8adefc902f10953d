/* Unit test harness. A test is `TEST(name) { ... }` in any file under tests/unit; it
 * registers itself before main. Each test runs in its own forked process with a
 * timeout (so a crash or hang fails one test, not the run). Assertions print both
 * sides and the location. Fixture files: test_fixture_path("openai/x.bin"). */
#ifndef TESTS_UNIT_TEST_H
#define TESTS_UNIT_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);

#define TEST(name)                                                              \
    static void test_##name(void);                                             \
    __attribute__((constructor)) static void test_register_##name(void)        \
    { test_register(#name, test_##name); }                                     \
    static void test_##name(void)

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define ASSERT(cond) \
    do { if (!(cond)) test_fail(__FILE__, __LINE__, "assertion failed: %s", #cond); } while (0)
#define ASSERT_EQ(a, b) do {                                                     \
        long long _a = (long long)(a), _b = (long long)(b);                      \
        if (_a != _b) test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, _a, _b); \
    } while (0)
#define ASSERT_NE(a, b) do {                                                     \
        long long _a = (long long)(a), _b = (long long)(b);                      \
        if (_a == _b) test_fail(__FILE__, __LINE__, "%s != %s: both %lld", #a, #b, _a); \
    } while (0)
#define ASSERT_STREQ(a, b) do {                                                  \
        const char *_a = (a), *_b = (b);                                         \
        if (!_a || !_b || strcmp(_a, _b) != 0)                                   \
            test_fail(__FILE__, __LINE__, "%s == %s:\n  got:      \"%s\"\n  expected: \"%s\"", \
                      #a, #b, _a ? _a : "(null)", _b ? _b : "(null)");           \
    } while (0)
#define ASSERT_MEMEQ(a, b, n) do {                                               \
        if (memcmp((a), (b), (n)) != 0)                                          \
            test_fail(__FILE__, __LINE__, "%s == %s (%zu bytes) differ", #a, #b, (size_t)(n)); \
    } while (0)
#define ASSERT_NEAR(a, b, eps) do {                                              \
        double _a = (a), _b = (b);                                               \
        if (!(_a - _b <= (eps) && _b - _a <= (eps)))                             \
            test_fail(__FILE__, __LINE__, "%s ~= %s: %.9g vs %.9g", #a, #b, _a, _b); \
    } while (0)

/* Path of a file under tests/fixtures, relative to the repository root the runner
 * starts in (or under $SWITCHBOARD_FIXTURES). */
const char *test_fixture_path(const char *relative);
/* Reads a whole file; aborts the test if it cannot. Caller frees. */
char *test_read_file(const char *path, size_t *len);
/* Seeded PRNG for property tests (xorshift); seed printed on failure. */
unsigned test_rand(void);
void test_srand(unsigned seed);

#endif
