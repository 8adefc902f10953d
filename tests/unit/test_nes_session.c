/* Next-edit session (the rest of an answer, acceptance inference) and task building. */
#include "tests/unit/test.h"
#include "nes/prompt.h"
#include "nes/request.h"
#include "nes/session.h"
#include "base/xalloc.h"

static char *apply(const char *text, size_t start, size_t end, const char *with)
{
    return xasprintf("%.*s%s%s", (int)start, text, with, text + end);
}

TEST(nes_session_serves_the_rest_and_infers_acceptance)
{
    const char *region = "a = h\nb = h\n";
    const char *target = "a = height\nb = height\n";
    struct nes_session s;
    nes_session_init(&s, 100, 100 + strlen(region), target, strlen(target), "att-1", "m");
    struct nes_edits e;
    ASSERT_EQ(nes_session_remaining(&s, region, strlen(region), &e), 2);
    /* the client applies edits[0]: the session follows the change and recognises it */
    ASSERT(nes_session_follow(&s, 100 + e.items[0].start, 100 + e.items[0].end, e.items[0].text_len));
    char *now = apply(region, e.items[0].start, e.items[0].end, e.items[0].text);
    ASSERT_EQ(s.end - s.start, strlen(now));
    ASSERT_EQ(nes_session_check(&s, now, strlen(now)), NES_SESSION_APPLIED);
    ASSERT_EQ(nes_session_check(&s, now, strlen(now)), NES_SESSION_UNCHANGED);
    nes_edits_free(&e);
    ASSERT_EQ(nes_session_remaining(&s, now, strlen(now), &e), 1);
    ASSERT(nes_session_follow(&s, 100 + e.items[0].start, 100 + e.items[0].end, e.items[0].text_len));
    char *done = apply(now, e.items[0].start, e.items[0].end, e.items[0].text);
    ASSERT_EQ(nes_session_check(&s, done, strlen(done)), NES_SESSION_COMPLETE);
    nes_edits_free(&e);
    free(now); free(done);
    nes_session_clear(&s);
}

TEST(nes_session_other_typing_and_changes_around)
{
    const char *region = "x = h\n";
    struct nes_session s;
    nes_session_init(&s, 10, 16, "x = height\n", 11, "att", "m");
    struct nes_edits e;
    nes_session_remaining(&s, region, strlen(region), &e);
    nes_edits_free(&e);
    /* a change before the region moves it; after it, nothing */
    ASSERT(nes_session_follow(&s, 0, 2, 5));
    ASSERT_EQ(s.start, 13);
    ASSERT_EQ(s.end, 19);
    ASSERT(nes_session_follow(&s, 19, 30, 0));
    ASSERT_EQ(nes_session_check(&s, region, strlen(region)), NES_SESSION_UNCHANGED);
    /* typing something else inside */
    ASSERT(nes_session_follow(&s, 14, 14, 1));
    ASSERT_EQ(nes_session_check(&s, "xy = h\n", 7), NES_SESSION_DIVERGED);
    /* a change across the region's edge loses it */
    ASSERT(!nes_session_follow(&s, 12, 15, 0));
    nes_session_clear(&s);
}

static struct config *test_config(void)
{
    struct config *cfg = xcalloc(1, sizeof *cfg);
    cfg->next_edit = (struct next_edit_settings){ true, 2, 3, 10, 2048, 1024, true };
    cfg->redact_secrets = true;
    static char *excludes[] = { "*.pem", NULL };
    cfg->exclude_globs = excludes;
    return cfg;
}

TEST(nes_request_builds_region_prompts_and_task)
{
    struct buf text = {0};
    for (int i = 0; i < 40; i++) buf_printf(&text, "line %d\n", i);
    struct document *doc = document_new("file:///ws/src/a.py", "python", 1, text.data, text.len);
    struct nes_history *h = nes_history_new((struct nes_history_limits){0});
    struct nes_change c = { .uri = "file:///ws/src/a.py", .path = "src/a.py", .start = 0,
                            .old_text = "x", .old_len = 1, .new_text = "line", .new_len = 4 };
    nes_history_record(h, &c);
    struct config *cfg = test_config();
    size_t cursor = (size_t)(strstr(text.data, "line 20") - text.data) + 3;
    struct nes_request_input in = { doc, cursor, h, cfg, "/ws" };
    struct nes_request r;
    const char *why = NULL;
    ASSERT_EQ(nes_request_build(&in, &r, &why), 0);
    ASSERT_EQ(r.region_start, (size_t)(strstr(text.data, "line 18") - text.data));
    ASSERT_EQ(r.region_end, (size_t)(strstr(text.data, "line 23") - text.data));
    ASSERT_STREQ(r.region, "line 18\nline 19\nline 20\nline 21\nline 22\n");
    ASSERT_EQ(r.task.kind, TASK_NEXT_EDIT);
    ASSERT_STREQ(r.task.path, "src/a.py");
    ASSERT(strstr(r.task.instructions, "line 15\n"));           /* context */
    ASSERT(!strstr(r.task.instructions, "line 14\n"));
    ASSERT(strstr(r.task.instructions, "lin" NES_CURSOR "e 20"));
    ASSERT(strstr(r.task.instructions, "-x\n+line\n"));          /* history */
    ASSERT(strstr(r.task.completion_prompt, NES_REGION_START "\nline 18"));
    ASSERT(r.task.max_output_tokens > 0 && r.task.max_output_tokens <= 1024);
    nes_request_free(&r);
    nes_history_free(h);
    document_free(doc);
    free(cfg);
    buf_free(&text);
}

TEST(nes_request_refuses_excluded_files_secrets_and_huge_lines)
{
    struct config *cfg = test_config();
    struct nes_request r;
    const char *why = NULL;
    struct document *pem = document_new("file:///ws/k.pem", "text", 1, "abc\n", 4);
    struct nes_request_input in = { pem, 0, NULL, cfg, "/ws" };
    ASSERT_EQ(nes_request_build(&in, &r, &why), -1);
    ASSERT(strstr(why, "excluded"));
    const char *secret = "api_key = \"sk-ant-api03-q8ZrT2vX9mKp4LwN7bYcQ8ZrT2vX9mKp\"\n";
    struct document *sec = document_new("file:///ws/s.py", "python", 1, secret, strlen(secret));
    in.doc = sec;
    ASSERT_EQ(nes_request_build(&in, &r, &why), -1);
    ASSERT(strstr(why, "secret"));
    char *huge = xmalloc(NES_REGION_MAX_BYTES + 10);
    memset(huge, 'a', NES_REGION_MAX_BYTES + 9);
    huge[NES_REGION_MAX_BYTES + 9] = '\0';
    struct document *big = document_new("file:///ws/b.js", "js", 1, huge, NES_REGION_MAX_BYTES + 9);
    in.doc = big;
    ASSERT_EQ(nes_request_build(&in, &r, &why), -1);
    ASSERT(strstr(why, "too long"));
    document_free(pem); document_free(sec); document_free(big);
    free(huge);
    free(cfg);
}

TEST(nes_uri_to_path_relative_to_root)
{
    char *p = nes_uri_to_path("file:///ws/My%20Dir/a.c", "/ws/");
    ASSERT_STREQ(p, "My Dir/a.c");
    free(p);
    p = nes_uri_to_path("untitled:1", "/ws");
    ASSERT_STREQ(p, "untitled:1");
    free(p);
}
