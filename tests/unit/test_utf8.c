/* base/utf8.c: validation against the well-formed sequences table, repair. */
#include "tests/unit/test.h"
#include "base/utf8.h"
#include <stdlib.h>

TEST(utf8_valid_accepts_well_formed_text)
{
    const char *ok = "ascii \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf \xf4\x8f\xbf\xbf";
    ASSERT(utf8_valid(ok, strlen(ok)));
    ASSERT(utf8_valid("", 0));
    ASSERT(utf8_valid("a\0b", 3));       /* NUL is a character */
}

TEST(utf8_valid_rejects_every_ill_formed_kind)
{
    static const char *const bad[] = {
        "\x80", "\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf",
        "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xfe", "\xc3",
        "\xe2\x82", "\xf0\x9f\x98", "\xc3\x28", "\xe2\x28\xa1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ASSERT(!utf8_valid(bad[i], strlen(bad[i])));
}

TEST(utf8_repair_replaces_each_bad_byte)
{
    size_t n = 0;
    ASSERT(utf8_repair("fine \xc3\xa9", 7, &n) == NULL);
    char *r = utf8_repair("a\xff" "b\xe2\x82" "c", 6, &n);
    ASSERT_STREQ(r, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c");
    ASSERT_EQ(n, strlen(r));
    ASSERT(utf8_valid(r, n));
    free(r);
    r = utf8_repair("\xed\xa0\x80", 3, &n);          /* a surrogate: three bad bytes */
    ASSERT_EQ(n, 9);
    free(r);
}
