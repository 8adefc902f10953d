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
