/* Secrets in an action's selection: redacted on the way out, restored in the answer. */
#include "tests/unit/test.h"
#include "actions/secret_restore.h"
#include "lsp/privacy.h"

static const char *const KEY1 = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
static const char *const KEY2 = "ghp_0123456789abcdefABCDEF0123456789abcd";

TEST(secret_redact_records_and_restores_in_order)
{
    char sel[256];
    snprintf(sel, sizeof sel, "a = \"%s\"\nb = 1\nc = \"%s\"\n", KEY1, KEY2);
    struct secret_list list;
    char *red = secret_redact(sel, &list);
    ASSERT(strstr(red, KEY1) == NULL);
    ASSERT(strstr(red, KEY2) == NULL);
    ASSERT(strstr(red, PRIVACY_PLACEHOLDER) != NULL);
    ASSERT_EQ(list.count, 2);
    ASSERT_STREQ(list.values[0], KEY1);
    ASSERT_STREQ(list.values[1], KEY2);

    /* The model renamed variables but kept the placeholders: the keys come back. */
    const char *answer = "alpha = \"" PRIVACY_PLACEHOLDER "\"\ngamma = \"" PRIVACY_PLACEHOLDER "\"\n";
    size_t n;
    char *back = secret_restore(answer, strlen(answer), &list, &n);
    char want[256];
    snprintf(want, sizeof want, "alpha = \"%s\"\ngamma = \"%s\"\n", KEY1, KEY2);
    ASSERT_STREQ(back, want);
    ASSERT_EQ(n, strlen(want));
    free(back);

    /* One placeholder dropped: which key belongs where is unknown, so refuse. */
    const char *partial = "gamma = \"" PRIVACY_PLACEHOLDER "\"\n";
    ASSERT(secret_restore(partial, strlen(partial), &list, &n) == NULL);

    /* No placeholder left: the model removed those lines; the answer stands. */
    const char *none = "pass\n";
    back = secret_restore(none, strlen(none), &list, &n);
    ASSERT_STREQ(back, "pass\n");
    free(back);
    free(red);
    secret_list_free(&list);
}

TEST(secret_redact_without_secrets_is_identity)
{
    struct secret_list list;
    char *red = secret_redact("x = compute(1, 2)\n", &list);
    ASSERT_STREQ(red, "x = compute(1, 2)\n");
    ASSERT_EQ(list.count, 0);
    size_t n;
    char *back = secret_restore("y = 3\n", 6, &list, &n);
    ASSERT_STREQ(back, "y = 3\n");
    free(back);
    free(red);
    secret_list_free(&list);
}
