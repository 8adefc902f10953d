/* Next-edit edit history: coalescing, bounds, diffs. */
#include "tests/unit/test.h"
#include "nes/history.h"
#include "base/xalloc.h"

/* A tiny document to drive the history as the server does: the change is described
 * against the text before it is applied. */
struct doc { char text[8192]; };

static void change(struct nes_history *h, struct doc *d, const char *uri, size_t start, size_t end,
                   const char *text)
{
    size_t ls = start, le = end, line = 0;
    while (ls > 0 && d->text[ls - 1] != '\n') ls--;
    while (d->text[le] && d->text[le] != '\n') le++;
    for (size_t i = 0; i < start; i++) line += d->text[i] == '\n';
    struct nes_change c = {
        .uri = uri, .path = uri, .start = start,
        .old_text = d->text + start, .old_len = end - start,
        .new_text = text, .new_len = strlen(text),
        .head = d->text + ls, .head_len = start - ls, .tail = d->text + end, .tail_len = le - end,
        .line = (uint32_t)line,
    };
    nes_history_record(h, &c);
    char next[8192];
    snprintf(next, sizeof next, "%.*s%s%s", (int)start, d->text, text, d->text + end);
    strcpy(d->text, next);
}

static char *render(struct nes_history *h, const char *uri)
{
    struct buf b = {0};
    nes_history_render(h, uri, &b);
    return buf_steal(&b);
}

TEST(nes_history_keystrokes_coalesce_into_one_edit)
{
    struct nes_history *h = nes_history_new((struct nes_history_limits){0});
    struct doc d = { "def f(h):\n    return h\n" };
    /* rename h -> height by typing: select h, type, then a typo fixed with backspace */
    change(h, &d, "u", 6, 7, "h");
    change(h, &d, "u", 7, 7, "e");
    change(h, &d, "u", 8, 8, "x");
    change(h, &d, "u", 8, 9, "");
    change(h, &d, "u", 8, 8, "ight");
    ASSERT_STREQ(d.text, "def f(height):\n    return h\n");
    ASSERT_EQ(nes_history_edit_count(h, "u"), 1);
    char *diff = render(h, "u");
    ASSERT_STREQ(diff, "--- a/u\n+++ b/u\n@@ -1,1 +1,1 @@\n-def f(h):\n+def f(height):\n");
    free(diff);
    /* an edit elsewhere is a second one */
    change(h, &d, "u", 27, 27, "ei");
    ASSERT_EQ(nes_history_edit_count(h, "u"), 2);
    /* backspacing over the start of an edit merges too */
    change(h, &d, "u", 26, 29, "");
    ASSERT_EQ(nes_history_edit_count(h, "u"), 2);
    diff = render(h, "u");
    ASSERT(strstr(diff, "@@ -2,1 +2,1 @@\n-    return h\n+    return \n"));
    free(diff);
    nes_history_free(h);
}

TEST(nes_history_typing_then_deleting_leaves_nothing)
{
    struct nes_history *h = nes_history_new((struct nes_history_limits){0});
    struct doc d = { "abc\n" };
    change(h, &d, "u", 1, 1, "x");
    change(h, &d, "u", 1, 2, "");
    ASSERT_EQ(nes_history_edit_count(h, "u"), 0);
    nes_history_free(h);
}

TEST(nes_history_is_bounded)
{
    struct nes_history *h = nes_history_new((struct nes_history_limits){ .edits_per_document = 3,
                                                                         .bytes_per_document = 300 });
    struct doc d = { "" };
    for (int i = 0; i < 40; i++) {
        snprintf(d.text, sizeof d.text, "%s", "line a\nline b\nline c\nline d\nline e\n");
        change(h, &d, "u", (size_t)(i % 2) * 14, (size_t)(i % 2) * 14 + 4, "LINE");
    }
    ASSERT_EQ(nes_history_edit_count(h, "u"), 3);
    /* a paste far over the budget is kept cut short */
    char *big = xmalloc(100001);
    memset(big, 'x', 100000);
    big[100000] = '\0';
    struct nes_change c = { .uri = "u", .start = 0, .old_text = "", .new_text = big, .new_len = 100000 };
    nes_history_record(h, &c);
    ASSERT(nes_history_bytes(h, "u") <= 300);
    char *diff = render(h, "u");
    ASSERT(strstr(diff, "(cut short)"));
    free(diff);
    free(big);
    /* at most `documents` documents */
    struct nes_history *few = nes_history_new((struct nes_history_limits){ .documents = 2 });
    struct nes_change one = { .uri = "a", .start = 0, .old_text = "", .new_text = "x", .new_len = 1 };
    nes_history_record(few, &one);
    one.uri = "b"; nes_history_record(few, &one);
    one.uri = "c"; nes_history_record(few, &one);
    ASSERT_EQ(nes_history_edit_count(few, "a"), 0);
    ASSERT_EQ(nes_history_edit_count(few, "c"), 1);
    nes_history_free(few);
    nes_history_free(h);
}

TEST(nes_history_other_files_first_and_forget)
{
    struct nes_history *h = nes_history_new((struct nes_history_limits){ .other_file_edits = 1 });
    struct doc a = { "one\n" }, b = { "two\n" };
    change(h, &a, "file:///a", 0, 3, "uno");
    change(h, &b, "file:///b", 0, 3, "dos");
    change(h, &a, "file:///a", 0, 0, "\n");
    change(h, &b, "file:///b", 4, 4, "tres\n");
    char *diff = render(h, "file:///a");
    /* only the latest other-file edit, before this file's */
    ASSERT(strstr(diff, "+tres") && !strstr(diff, "+dos"));
    ASSERT(strstr(diff, "+tres") < strstr(diff, "+uno"));
    free(diff);
    nes_history_forget(h, "file:///a");
    ASSERT_EQ(nes_history_edit_count(h, "file:///a"), 0);
    diff = render(h, "file:///a");
    ASSERT(!strstr(diff, "uno"));
    free(diff);
    nes_history_free(h);
}

static bool not_secret(void *data, const char *uri)
{
    (void)data;
    return strcmp(uri, "file:///w/secret.py") != 0;
}

/* Another file's edits go into the prompt only when the privacy rule lets that file's
 * text go where this request goes (nes/request.c passes privacy_uri_verdict). */
TEST(nes_history_other_files_pass_the_privacy_filter)
{
    struct nes_history *h = nes_history_new((struct nes_history_limits){0});
    struct doc a = { "x = 1\n" }, s = { "token = 1\n" }, o = { "y = 2\n" };
    change(h, &s, "file:///w/secret.py", 8, 9, "hunter2");
    change(h, &o, "file:///w/other.py", 4, 5, "3");
    change(h, &a, "file:///w/a.py", 4, 5, "9");
    struct buf b = {0};
    nes_history_render_filtered(h, "file:///w/a.py", &b, not_secret, NULL);
    ASSERT(strstr(buf_str(&b), "other.py") != NULL);
    ASSERT(strstr(buf_str(&b), "hunter2") == NULL);
    ASSERT(strstr(buf_str(&b), "secret.py") == NULL);
    buf_free(&b);
    nes_history_render_filtered(h, "file:///w/a.py", &b, NULL, NULL);
    ASSERT(strstr(buf_str(&b), "hunter2") != NULL);   /* the filter is what kept it out */
    buf_free(&b);
    nes_history_free(h);
}
