/* Tests for actions/applied: where an applied code action edit stands now (the retry
 * offer's source), through moves, a revert, the window's end and the document closing.
 * In-process server (lsp_harness) for the loop the windows run on. */
#include "tests/unit/test.h"
#include "tests/unit/lsp_harness.h"
#include "actions/applied.h"

#define P(l, c) ((struct lsp_position){ l, c })
#define R(l1, c1, l2, c2) ((struct lsp_range){ { l1, c1 }, { l2, c2 } })

static void change(struct applied_watches *aw, struct document *doc, struct lsp_range r, const char *text)
{
    document_apply_change(doc, &r, text, strlen(text), ENCODING_UTF16);
    applied_document_changed(aw, doc);
}

/* "a = 1\nb = 2\n" -> "a = x1\nb = 2\n": the result is line 0, the edit "x1". */
static void watch(struct applied_watches *aw, const char *id, uint64_t window_ms)
{
    struct applied_edit e = { .attempt_id = id, .action = "refactor", .model = "cheap",
                              .uri = "file:///a.py", .start = P(0, 4), .text = "x1", .len = 2,
                              .result_start = P(0, 0), .result = "a = x1\n", .result_len = 7 };
    applied_watch(aw, &e, window_ms);
}

/* A server (for the loop), "a = 1\nb = 2\n" and the watches. */
struct fixture { struct lsp_harness h; struct document *doc; struct applied_watches *aw; };

static void fixture_init(struct fixture *f)
{
    lsp_harness_init(&f->h);
    lsp_harness_initialize(&f->h, "{\"capabilities\":{}}");
    f->doc = document_new("file:///a.py", "python", 1, "a = 1\nb = 2\n", 12);
    f->aw = applied_watches_new(f->h.srv);
}

static void fixture_free(struct fixture *f)
{
    applied_watches_free(f->aw);
    lsp_harness_run(&f->h, 10);
    document_free(f->doc);
    lsp_harness_free(&f->h);
}

static bool same(struct lsp_range a, struct lsp_range b)
{
    return a.start.line == b.start.line && a.start.character == b.start.character &&
           a.end.line == b.end.line && a.end.character == b.end.character;
}

TEST(applied_edit_is_found_where_it_stands_until_its_window_ends)
{
    struct fixture f;
    fixture_init(&f);
    struct applied_watches *aw = f.aw;
    struct document *doc = f.doc;
    struct applied_info info[2];
    watch(aw, "A1", 100);
    ASSERT_EQ(applied_touching(aw, doc, R(0, 4, 0, 5), info, 2), 0);   /* not applied yet */
    change(aw, doc, R(0, 4, 0, 5), "x1");
    ASSERT_EQ(applied_touching(aw, doc, R(0, 4, 0, 4), info, 2), 1);
    ASSERT_STREQ(info[0].attempt_id, "A1");
    ASSERT_STREQ(info[0].action, "refactor");
    ASSERT_STREQ(info[0].model, "cheap");
    ASSERT(same(info[0].edit, R(0, 4, 0, 6)));
    ASSERT(same(info[0].result, R(0, 0, 1, 0)));
    ASSERT_EQ(applied_touching(aw, doc, R(1, 0, 1, 1), info, 2), 0);   /* does not touch */
    ASSERT_EQ(applied_touching(aw, doc, R(0, 0, 0, 3), info, 2), 0);   /* before it */
    change(aw, doc, R(0, 0, 0, 0), "# new\n");                         /* a line above: moves */
    ASSERT_EQ(applied_touching(aw, doc, R(1, 6, 1, 6), info, 2), 1);
    ASSERT(same(info[0].edit, R(1, 4, 1, 6)));
    ASSERT(same(info[0].result, R(1, 0, 2, 0)));
    lsp_harness_run(&f.h, 300);                                          /* the window ends */
    ASSERT_EQ(applied_touching(aw, doc, R(1, 4, 1, 6), info, 2), 0);
    fixture_free(&f);
}

TEST(applied_edit_reverted_forgotten_or_closed_is_not_found)
{
    struct fixture f;
    fixture_init(&f);
    struct applied_watches *aw = f.aw;
    struct document *doc = f.doc;
    struct applied_info info[2];
    watch(aw, "A1", 60000);
    change(aw, doc, R(0, 4, 0, 5), "x1");
    ASSERT_EQ(applied_touching(aw, doc, R(0, 4, 0, 6), info, 2), 1);
    change(aw, doc, R(0, 4, 0, 6), "5");                               /* rewritten */
    ASSERT_EQ(applied_touching(aw, doc, R(0, 4, 0, 5), info, 2), 0);
    watch(aw, "A2", 60000);
    change(aw, doc, R(0, 4, 0, 5), "x1");
    ASSERT_EQ(applied_touching(aw, doc, R(0, 4, 0, 6), info, 2), 1);
    applied_forget(aw, "A2");                                          /* a retry replaces it */
    ASSERT_EQ(applied_touching(aw, doc, R(0, 4, 0, 6), info, 2), 0);
    watch(aw, "A3", 60000);
    change(aw, doc, R(0, 4, 0, 6), "x1");
    ASSERT_EQ(applied_touching(aw, doc, R(0, 4, 0, 6), info, 2), 1);
    applied_document_closed(aw, "file:///a.py");                       /* ends both watches */
    ASSERT_EQ(applied_touching(aw, doc, R(0, 4, 0, 6), info, 2), 0);
    fixture_free(&f);
}
