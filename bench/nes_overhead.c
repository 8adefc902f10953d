/* Next-edit overhead: what the server adds to one next-edit request besides the model's
 * time, on a 5,000-line file. Per round: one keystroke into the edit history (as
 * didChange does), building the request (region, context, history diffs, both prompt
 * formats, secret redaction), then parsing a model answer that renames a variable in
 * the region and diffing it into edits. Prints median and p99; judges nothing. */
#include "bench/bench_util.h"
#include "config/config.h"
#include "lsp/document.h"
#include "nes/answer.h"
#include "nes/edit_diff.h"
#include "nes/history.h"
#include "nes/prompt.h"
#include "nes/request.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <string.h>

#define LINES 5000
#define ROUNDS 2000

/* The model's answer: the region with every "value" renamed, between the markers. */
static char *answer_for(const char *region, size_t len)
{
    struct buf b = {0};
    buf_puts(&b, NES_REGION_START "\n");
    for (size_t i = 0; i < len;) {
        if (len - i >= 5 && memcmp(region + i, "value", 5) == 0) { buf_puts(&b, "amount"); i += 5; }
        else buf_putc(&b, region[i++]);
    }
    buf_puts(&b, NES_REGION_END "\n");
    return buf_steal(&b);
}

int main(void)
{
    xalloc_init();
    struct buf text = {0};
    for (int i = 0; i < LINES; i++)
        buf_printf(&text, "    let total_%d = compute(value, %d) + value * 2; // caf\xC3\xA9\n", i, i % 97);
    struct document *doc = document_new("file:///ws/src/big.rs", "rust", 1, text.data, text.len);
    struct config cfg = {0};
    cfg.next_edit = (struct next_edit_settings){
        .enabled = true, .region_lines = 10, .context_lines = 20, .history_edits = 10,
        .history_bytes = 2048, .max_output_tokens = 1024,
    };
    cfg.redact_secrets = true;
    struct nes_history *history = nes_history_new((struct nes_history_limits){0});
    uint64_t *total = xmalloc(ROUNDS * sizeof *total), *build = xmalloc(ROUNDS * sizeof *build);
    unsigned rng = 2463534242u;
    size_t edits_seen = 0;
    for (int i = 0; i < ROUNDS; i++) {
        rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
        uint32_t line = rng % LINES;
        size_t at = document_offset_at(doc, (struct lsp_position){ line, 4 }, ENCODING_UTF16);
        uint64_t t0 = bench_ns();
        struct nes_change c = { .uri = "file:///ws/src/big.rs", .path = "src/big.rs", .start = at,
                                .old_text = "", .new_text = "x", .new_len = 1, .head = "    ",
                                .head_len = 4, .tail = "let", .tail_len = 3, .line = line };
        nes_history_record(history, &c);
        struct nes_request_input in = { doc, at, history, &cfg, "/ws" };
        struct nes_request r;
        const char *why = NULL;
        if (nes_request_build(&in, &r, &why) < 0) { fprintf(stderr, "nes_overhead: %s\n", why); return 1; }
        uint64_t t1 = bench_ns();
        char *answer = answer_for(r.region, r.region_len);   /* the model's part: not timed */
        uint64_t t2 = bench_ns();
        size_t len = 0;
        char *target = nes_answer_parse(answer, strlen(answer), r.region, r.region_len, "\n", &len, &why);
        if (!target) { fprintf(stderr, "nes_overhead: %s\n", why); return 1; }
        struct nes_edits edits;
        nes_diff(r.region, r.region_len, target, len, &edits);
        uint64_t t3 = bench_ns();
        edits_seen += edits.count;
        nes_edits_free(&edits);
        free(target); free(answer);
        nes_request_free(&r);
        build[i] = t1 - t0;
        total[i] = (t1 - t0) + (t3 - t2);
    }
    printf("document: %zu lines, %zu bytes; %.1f edits per answer\n", document_line_count(doc),
           document_length(doc), (double)edits_seen / ROUNDS);
    printf("history + request build: median %.1f us, p99 %.1f us\n",
           bench_quantile(build, ROUNDS, 0.5) / 1e3, bench_quantile(build, ROUNDS, 0.99) / 1e3);
    printf("per request (build + parse + diff): median %.1f us, p99 %.1f us\n",
           bench_quantile(total, ROUNDS, 0.5) / 1e3, bench_quantile(total, ROUNDS, 0.99) / 1e3);
    free(total); free(build);
    nes_history_free(history);
    document_free(doc);
    buf_free(&text);
    return 0;
}
