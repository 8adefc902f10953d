/* Code action helpers: median time to extract and shape a 2,000-line fenced answer,
 * to diff a 2,000-line selection against its rewrite (one change in the middle), to
 * parse 1,000 review findings, and what a reviewed document pays per keystroke to
 * keep its review diagnostics (a copy of the text + text_diff) at 100 KB and 10 MB. */
#include "bench/bench_util.h"
#include "lsp/document.h"
#include "lsp/extract.h"
#include "actions/review_parse.h"
#include "lsp/text_diff.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <string.h>

#define ROUNDS 50

static double median_us(uint64_t *v, size_t n) { return (double)bench_quantile(v, n, 0.5) / 1000.0; }

static void keystroke_cost(size_t lines)
{
    struct buf text = {0};
    for (size_t i = 0; i < lines; i++) buf_printf(&text, "    let v%06zu = compute(\xC3\xA9, %zu);\n", i, i % 97);
    struct document *doc = document_new("file:///b.rs", "rust", 1, text.data, text.len);
    size_t snap_len;
    char *snapshot = document_text(doc, &snap_len);
    uint64_t t[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        struct lsp_position p = { (uint32_t)(lines / 2 + (size_t)r), 6 };
        document_apply_change(doc, &(struct lsp_range){ p, p }, "x", 1, ENCODING_UTF16);
        uint64_t t0 = bench_ns();
        size_t len;
        char *now = document_text(doc, &len);
        struct text_edit e;
        text_diff(snapshot, snap_len, now, len, &e);
        free(snapshot);
        snapshot = now;
        snap_len = len;
        t[r] = bench_ns() - t0;
    }
    printf("review keep, per keystroke, %zu KB document: %.1f us\n", text.len / 1024, median_us(t, ROUNDS));
    free(snapshot);
    document_free(doc);
    buf_free(&text);
}

int main(void)
{
    xalloc_init();
    struct buf sel = {0}, answer = {0}, rewrite = {0}, review = {0};
    buf_puts(&answer, "Here is the refactored code:\n\n```python\n");
    for (int i = 0; i < 2000; i++) {
        buf_printf(&sel, "        value_%d = compute(value_%d, %d)\n", i, i, i);
        buf_printf(&answer, "value_%d = compute(value_%d, %d)\n", i, i, i == 1000 ? 7 : i);
        buf_printf(&rewrite, "        value_%d = compute(value_%d, %d)\n", i, i, i == 1000 ? 7 : i);
    }
    buf_puts(&answer, "```\n\nThis change fixes the constant.\n");
    for (int i = 0; i < 1000; i++) buf_printf(&review, "LINE %d [warning]: finding number %d\n", i + 1, i);

    uint64_t t[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = bench_ns();
        size_t n;
        char *code = extract_replacement(answer.data, answer.len, sel.data, sel.len, "python", NULL, &n);
        t[r] = bench_ns() - t0;
        free(code);
    }
    printf("extract + shape, 2000-line answer: %.1f us\n", median_us(t, ROUNDS));
    for (int r = 0; r < ROUNDS; r++) {
        struct text_edit e;
        uint64_t t0 = bench_ns();
        text_diff(sel.data, sel.len, rewrite.data, rewrite.len, &e);
        t[r] = bench_ns() - t0;
    }
    printf("text_diff, 2000-line selection (%zu KB): %.1f us\n", sel.len / 1024, median_us(t, ROUNDS));
    for (int r = 0; r < ROUNDS; r++) {
        struct review_findings f;
        uint64_t t0 = bench_ns();
        review_parse(review.data, review.len, 2000, &f);
        t[r] = bench_ns() - t0;
        review_findings_free(&f);
    }
    printf("review_parse, 1000 findings: %.1f us\n", median_us(t, ROUNDS));
    keystroke_cost(3000);
    keystroke_cost(300000);
    buf_free(&sel); buf_free(&answer); buf_free(&rewrite); buf_free(&review);
    return 0;
}
