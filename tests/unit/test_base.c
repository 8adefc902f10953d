/* Tests for base/: buffers and secret masking in logs. */
#include "tests/unit/test.h"
#include "base/buf.h"
#include "base/log.h"

TEST(buf_append_printf_consume)
{
    struct buf b = {0};
    ASSERT_STREQ(buf_str(&b), "");
    buf_puts(&b, "hello");
    buf_printf(&b, " %d", 42);
    ASSERT_STREQ(buf_str(&b), "hello 42");
    buf_consume(&b, 6);
    ASSERT_STREQ(buf_str(&b), "42");
    char *s = buf_steal(&b);
    ASSERT_STREQ(s, "42");
    ASSERT_EQ(b.len, 0);
    free(s);
}

TEST(log_masks_registered_secrets)
{
    log_add_secret("sk-test-123456");
    char line[] = "header Authorization: Bearer sk-test-123456 and again sk-test-123456.";
    log_mask_secrets(line);
    ASSERT(strstr(line, "sk-test") == NULL);
    ASSERT_STREQ(line, "header Authorization: Bearer ************** and again **************.");
    log_clear_secrets();
}

#include "base/glob.h"

TEST(glob_basename_and_segments)
{
    ASSERT(glob_match(".env*", "/home/u/proj/.env.local"));
    ASSERT(glob_match("*.pem", "/etc/ssl/a.pem"));
    ASSERT(!glob_match("*.pem", "/etc/ssl/a.pem.txt"));
    ASSERT(glob_match("id_rsa*", "/home/u/.ssh/id_rsa.pub"));
    ASSERT(glob_match("**/secrets/**", "/home/u/proj/secrets/db.txt"));
    ASSERT(glob_match("**/secrets/**", "secrets/a/b.txt"));
    ASSERT(!glob_match("**/secrets/**", "/home/u/proj/nosecrets/db.txt"));
    ASSERT(glob_match("src/*.c", "/repo/src/main.c"));
    ASSERT(!glob_match("src/*.c", "/repo/src/sub/main.c"));
    ASSERT(glob_match("src/**/*.c", "/repo/src/sub/deep/main.c"));
    ASSERT(glob_match("*.[ch]", "x/y.h"));
    ASSERT(!glob_match("*.[!ch]", "x/y.h"));
    ASSERT(glob_match("?.py", "/a/b.py"));
    ASSERT(!glob_match("?.py", "/a/bc.py"));
}

#include "ledger/cost.h"

TEST(cost_uses_cached_and_reasoning_prices)
{
    struct model_price p = { .input = 3.0, .output = 15.0, .cached_input = 0.3, .reasoning_output = -1 };
    ASSERT_NEAR(cost_of_tokens(&p, 1000000, 0, 0, 0), 3.0, 1e-9);
    ASSERT_NEAR(cost_of_tokens(&p, 1000, 2000, 500, 100), 500 * 3e-6 + 500 * 0.3e-6 + 2000 * 15e-6, 1e-12);
    struct model_price unknown = { -1, -1, -1, -1 };
    ASSERT_NEAR(cost_of_tokens(&unknown, 1000, 1000, 0, 0), 0.0, 1e-12);
}
