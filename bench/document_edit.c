/* Document benchmark: a 10 MB, 300,000-line document; median time of a single
 * character edit (insert or delete at a random position, UTF-16 positions as VS Code
 * sends them), and of taking 4 KB of prefix and suffix around a random cursor.
 * For scale, also the cost of one flat-buffer rewrite (memmove of the whole text),
 * which is what an edit would cost without chunks. */
#include "bench/bench_util.h"
#include "lsp/document.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <string.h>

#define LINES 300000
#define ROUNDS 20000

static unsigned rng = 88172645u;
static unsigned next_rand(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

int main(void)
{
    xalloc_init();
    struct buf text = {0};
    for (int i = 0; i < LINES; i++) {
        /* ~34 bytes a line, some non-ASCII, so 300k lines are ~10 MB */
        buf_printf(&text, "    let v%06d = compute(\xC3\xA9, %d);\n", i, i % 97);
    }
    struct document *doc = document_new("file:///big.rs", "rust", 1, text.data, text.len);
    printf("document: %zu bytes, %zu lines\n", document_length(doc), document_line_count(doc));

    uint64_t *edit = malloc(ROUNDS * sizeof *edit), *pre = malloc(ROUNDS * sizeof *pre),
             *suf = malloc(ROUNDS * sizeof *suf);
    for (int i = 0; i < ROUNDS; i++) {
        struct lsp_position p = { next_rand() % LINES, next_rand() % 30 };
        struct lsp_range r = { p, p };
        const char *ins = "x";
        size_t len = 1;
        if (i % 2) { r.end.character++; ins = ""; len = 0; }   /* alternate insert / delete */
        uint64_t t0 = bench_ns();
        document_apply_change(doc, &r, ins, len, ENCODING_UTF16);
        uint64_t t1 = bench_ns();
        size_t off = document_offset_at(doc, p, ENCODING_UTF16), n;
        uint64_t t2 = bench_ns();
        char *a = document_prefix(doc, off, 4096, 0, &n);
        uint64_t t3 = bench_ns();
        char *b = document_suffix(doc, off, 4096, 0, &n);
        uint64_t t4 = bench_ns();
        free(a);
        free(b);
        edit[i] = t1 - t0;
        pre[i] = t3 - t2;
        suf[i] = t4 - t3;
    }
    printf("single-char edit: median %.2f us, p99 %.2f us\n", bench_quantile(edit, ROUNDS, 0.5) / 1e3,
           bench_quantile(edit, ROUNDS, 0.99) / 1e3);
    printf("4 KB prefix:      median %.2f us, p99 %.2f us\n", bench_quantile(pre, ROUNDS, 0.5) / 1e3,
           bench_quantile(pre, ROUNDS, 0.99) / 1e3);
    printf("4 KB suffix:      median %.2f us, p99 %.2f us\n", bench_quantile(suf, ROUNDS, 0.5) / 1e3,
           bench_quantile(suf, ROUNDS, 0.99) / 1e3);

    /* Baseline: one flat rewrite of the whole text. */
    uint64_t flat[50];
    for (int i = 0; i < 50; i++) {
        uint64_t t0 = bench_ns();
        memmove(text.data + 1, text.data, text.len - 1);
        flat[i] = bench_ns() - t0;
    }
    printf("flat 10 MB memmove (for scale): median %.2f us\n", bench_quantile(flat, 50, 0.5) / 1e3);
    free(edit);
    free(pre);
    free(suf);
    document_free(doc);
    buf_free(&text);
    return 0;
}
