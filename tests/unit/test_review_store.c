/* Tests for actions/review_store: review diagnostics move with edits above them and go
 * when an edit touches their lines. In-process server (lsp_harness) for the
 * publishDiagnostics it sends. */
#include "tests/unit/test.h"
#include "tests/unit/lsp_harness.h"
#include "actions/review_store.h"
#include "base/xalloc.h"

/* Start lines of the diagnostics in the last publishDiagnostics, as "1,3" ("" none). */
static void last_lines(const struct lsp_harness *h, char *out, size_t n)
{
    const char *text = buf_str(&h->out), *last = NULL, *p = text;
    while ((p = strstr(p, "textDocument/publishDiagnostics"))) last = p++;
    out[0] = '\0';
    ASSERT(last != NULL);
    while (last > text && last[-1] != '\n') last--;
    const char *end = strchr(last, '\n');
    char *line = xstrndup(last, end ? (size_t)(end - last) : strlen(last));
    cJSON *msg = cJSON_Parse(line);
    free(line);
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItem(cJSON_GetObjectItem(msg, "params"), "diagnostics")) {
        int l = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "range"), "start"),
                                    "line")->valueint;
        snprintf(out + strlen(out), n - strlen(out), "%s%d", out[0] ? "," : "", l);
    }
    cJSON_Delete(msg);
}

static struct review_diagnostic *findings(const int *lines, size_t n)
{
    struct review_diagnostic *d = xcalloc(n, sizeof *d);
    for (size_t i = 0; i < n; i++) {
        d[i].range = (struct lsp_range){ { (uint32_t)lines[i], 0 }, { (uint32_t)lines[i], 3 } };
        d[i].severity = 2;
        d[i].message = xstrdup("m");
    }
    return d;
}

static void edit(struct review_store *st, struct server *srv, struct document *doc,
                 struct lsp_range r, const char *text)
{
    document_apply_change(doc, &r, text, strlen(text), ENCODING_UTF16);
    review_store_document_changed(st, srv, doc);
}

#define R(l1, c1, l2, c2) ((struct lsp_range){ { l1, c1 }, { l2, c2 } })

TEST(review_store_shifts_and_drops)
{
    struct lsp_harness h;
    lsp_harness_init(&h);
    lsp_harness_initialize(&h, "{\"capabilities\":{}}");
    const char *text = "l0\nl1\nl2\nl3\nl4\nl5\n";
    struct document *doc = document_new("file:///r.py", "python", 1, text, strlen(text));
    struct review_store *st = review_store_new();
    char got[64];
    review_store_set(st, h.srv, doc, findings((int[]){ 1, 3, 5 }, 3), 3, NULL);
    last_lines(&h, got, sizeof got);
    ASSERT_STREQ(got, "1,3,5");

    edit(st, h.srv, doc, R(0, 0, 0, 0), "new\n");          /* a line inserted above all */
    last_lines(&h, got, sizeof got);
    ASSERT_STREQ(got, "2,4,6");
    edit(st, h.srv, doc, R(0, 1, 0, 2), "E");              /* inside line 0: nothing moves */
    ASSERT_EQ(review_store_count(st, "file:///r.py"), 3);
    edit(st, h.srv, doc, R(0, 0, 1, 0), "");               /* line 0 deleted */
    last_lines(&h, got, sizeof got);
    ASSERT_STREQ(got, "1,3,5");
    edit(st, h.srv, doc, R(3, 1, 3, 2), "X");              /* touches the finding on 3 */
    last_lines(&h, got, sizeof got);
    ASSERT_STREQ(got, "1,5");
    edit(st, h.srv, doc, R(2, 0, 2, 2), "a\nb\nc");        /* line 2 becomes three lines */
    last_lines(&h, got, sizeof got);
    ASSERT_STREQ(got, "1,7");
    edit(st, h.srv, doc, R(1, 2, 1, 2), " more");          /* end of the finding's line */
    last_lines(&h, got, sizeof got);
    ASSERT_STREQ(got, "7");
    edit(st, h.srv, doc, R(7, 0, 8, 0), "");               /* the finding's line deleted */
    last_lines(&h, got, sizeof got);
    ASSERT_STREQ(got, "");
    ASSERT_EQ(review_store_count(st, "file:///r.py"), 0);

    review_store_set(st, h.srv, doc, findings((int[]){ 0 }, 1), 1, NULL);
    review_store_document_closed(st, h.srv, "file:///r.py");
    last_lines(&h, got, sizeof got);
    ASSERT_STREQ(got, "");
    ASSERT_EQ(review_store_count(st, "file:///r.py"), 0);
    review_store_free(st);
    document_free(doc);
    lsp_harness_free(&h);
}
