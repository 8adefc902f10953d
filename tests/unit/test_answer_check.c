/* The cascade validator: code present, not empty, brackets balanced where cheap to check. */
#include "tests/unit/test.h"
#include "actions/answer_check.h"
#include <string.h>

#define BAL(s, lang) answer_brackets_balance(s, strlen(s), lang)
static const char *check(const char *code, const char *sel, const char *lang)
{
    return answer_check_replacement(code, code ? strlen(code) : 0, sel, strlen(sel), lang);
}
#define CHECK(code, sel, lang) check(code, sel, lang)

TEST(answer_brackets_balance_outside_strings_and_comments)
{
    ASSERT(BAL("f(a[1], {b});", "c"));
    ASSERT(!BAL("f(a[1), b];", "c"));
    ASSERT(!BAL("return (2", "python"));
    ASSERT(BAL("s = \"(\"  # )\nt = ')'", "python"));
    ASSERT(BAL("x = \"a\\\"(\"; // (\n/* { */ y();", "javascript"));
    ASSERT(!BAL("/* never closed (", "c"));
    ASSERT(!BAL("}", "go"));
}

TEST(answer_check_replacement_says_why)
{
    ASSERT_STREQ(CHECK(NULL, "x = 1", "python"), "the answer held no code");
    ASSERT_STREQ(CHECK(" \n\t", "x = 1", "python"), "the answer's replacement is empty");
    ASSERT_STREQ(CHECK("f(x", "f(y)", "c"), "the answer's brackets do not balance");
    ASSERT(CHECK("f(x)", "f(y)", "c") == NULL);
    /* A selection that does not balance itself (half a block) is not held to it. */
    ASSERT(CHECK("if (a) {", "if (b) {", "c") == NULL);
    /* Languages without a cheap check only need code. */
    ASSERT(CHECK("(((", "x", "markdown") == NULL);
    /* An empty selection may get an empty answer (nothing to replace). */
    ASSERT(CHECK("", "", "c") == NULL);
}
