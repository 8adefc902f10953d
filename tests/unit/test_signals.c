/* The ledger's signal lines: the writer's exact lines (counts only), the in-place line
 * scanner, and the per-attempt fold (order independence, the window, the max of
 * partial chars, unknown signals and ids ignored, offered lines). */
#include "tests/unit/test.h"
#include "ledger/ledger.h"
#include "ledger/ledger_read.h"
#include "ledger/ledger_scan.h"
#include "ledger/signals.h"
#include "base/xalloc.h"
#include "inline/retention.h"
#include <unistd.h>

struct seen { char keys[8][32]; char strs[8][64]; int n; };

static bool collect(void *data, const struct scan_field *f)
{
    struct seen *s = data;
    snprintf(s->keys[s->n], 32, "%s", f->key);
    if (f->type == SCAN_STRING) snprintf(s->strs[s->n], 64, "%s", f->str);
    else if (f->type == SCAN_NUMBER) snprintf(s->strs[s->n], 64, "%g", f->num);
    else snprintf(s->strs[s->n], 64, "%s", f->type == SCAN_TRUE ? "T" : f->type == SCAN_FALSE ? "F" : "N");
    s->n++;
    return s->n < 8;
}

TEST(signals_scan_flat_line_unescapes_in_place)
{
    char line[] = "{\"a\":\"x\\\"y\\u00e9\\ud83d\\ude00\",\"n\":-12.5,\"i\":42,\"t\":true,\"f\":false,\"z\":null}";
    struct seen s = {0};
    ASSERT(ledger_scan_line(line, collect, &s));
    ASSERT_EQ(s.n, 6);
    ASSERT_STREQ(s.strs[0], "x\"y\xc3\xa9\xf0\x9f\x98\x80");
    ASSERT_STREQ(s.strs[1], "-12.5");
    ASSERT_STREQ(s.strs[2], "42");
    ASSERT_STREQ(s.strs[3], "T");
    ASSERT_STREQ(s.strs[4], "F");
    ASSERT_STREQ(s.strs[5], "N");
}

TEST(signals_scan_rejects_torn_and_nested_lines)
{
    const char *bad[] = { "{\"a\":\"x", "{\"a\":1", "{\"a\":{\"b\":1}}", "[1]", "{\"a\":1}x", "{\"a\":tru}", "" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *copy = xstrdup(bad[i]);
        struct seen s = {0};
        ASSERT(!ledger_scan_line(copy, collect, &s));
        free(copy);
    }
}

struct folded { struct signal_record recs[8]; char ids[8][16]; char lang[8][16]; int n; long offered; char offer_task[16]; };

static void on_attempt(void *data, const struct signal_record *r)
{
    struct folded *f = data;
    f->recs[f->n] = *r;
    snprintf(f->ids[f->n], 16, "%s", r->entry.attempt_id);
    snprintf(f->lang[f->n], 16, "%s", r->entry.language);
    f->n++;
}

static void on_offered(void *data, const struct signal_offer *o)
{
    struct folded *f = data;
    f->offered += o->count;
    snprintf(f->offer_task, 16, "%s", o->task);
}

static void feed(struct signal_fold *fold, const char *line)
{
    char *copy = xstrdup(line);
    signal_fold_line(fold, copy);
    free(copy);
}

#define ATTEMPT(t, id) "{\"time\":\"" t "\",\"request_id\":\"1\",\"attempt_id\":\"" id "\",\"task\":\"inline\"," \
    "\"model\":\"fast\",\"provider\":\"p\",\"attempt\":1,\"outcome\":\"ok\",\"cost_usd\":0.5,\"accepted\":false"

TEST(signals_fold_per_attempt)
{
    struct signal_fold *fold = signal_fold_begin(ledger_parse_time("2026-11-27T00:00:00.000Z"));
    /* a signal before its attempt still counts: order in the files does not matter */
    feed(fold, "{\"time\":\"2026-11-27T10:00:00.000Z\",\"signal\":\"shown\",\"attempt_id\":\"a\"}");
    feed(fold, ATTEMPT("2026-11-27T09:59:59.000Z", "a") ",\"language\":\"python\"}");
    feed(fold, ATTEMPT("2026-11-27T10:00:00.000Z", "b") "}");
    feed(fold, ATTEMPT("2026-11-26T10:00:00.000Z", "old") "}");   /* before the window */
    feed(fold, "{\"time\":\"2026-11-27T10:00:01.000Z\",\"signal\":\"partial\",\"attempt_id\":\"a\",\"chars\":9}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:02.000Z\",\"signal\":\"partial\",\"attempt_id\":\"a\",\"chars\":4}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:03.000Z\",\"accept\":\"a\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:33.000Z\",\"signal\":\"retained\",\"attempt_id\":\"a\",\"chars\":7,\"of\":9}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:04.000Z\",\"signal\":\"rejected\",\"attempt_id\":\"b\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:04.000Z\",\"signal\":\"applied\",\"attempt_id\":\"b\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:05.000Z\",\"signal\":\"reverted\",\"attempt_id\":\"b\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:05.000Z\",\"signal\":\"finding_fixed\",\"attempt_id\":\"b\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:05.000Z\",\"signal\":\"finding_fixed\",\"attempt_id\":\"b\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:05.000Z\",\"signal\":\"finding_dismissed\",\"attempt_id\":\"b\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:05.000Z\",\"signal\":\"retry_stronger\",\"attempt_id\":\"b\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:05.000Z\",\"signal\":\"shown\",\"attempt_id\":\"old\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:05.000Z\",\"signal\":\"no_such_signal\",\"attempt_id\":\"b\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:05.000Z\",\"signal\":\"shown\",\"attempt_id\":\"nobody\"}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:06.000Z\",\"signal\":\"offered\",\"task\":\"refactor\",\"model\":\"r\",\"count\":3}");
    feed(fold, "{\"time\":\"2026-11-26T10:00:06.000Z\",\"signal\":\"offered\",\"task\":\"old\",\"model\":\"r\",\"count\":5}");
    feed(fold, "{\"time\":\"2026-11-27T10:00:07.000Z\",\"signal\":\"shown\",\"attempt_id\":\"b\"");   /* torn */
    struct folded f = {0};
    const struct signal_fold_callbacks cb = { on_attempt, on_offered };
    signal_fold_end(fold, &cb, &f);
    ASSERT_EQ(f.n, 2);
    ASSERT_STREQ(f.ids[0], "a");
    ASSERT_STREQ(f.lang[0], "python");
    ASSERT_STREQ(f.lang[1], "");
    ASSERT(f.recs[0].shown && f.recs[0].entry.accepted && !f.recs[0].rejected);
    ASSERT_EQ(f.recs[0].partial_chars, 9);
    ASSERT(f.recs[0].retained_known);
    ASSERT_EQ(f.recs[0].retained_chars, 7);
    ASSERT_EQ(f.recs[0].retained_of, 9);
    ASSERT(!f.recs[1].shown && f.recs[1].rejected && f.recs[1].applied && f.recs[1].reverted);
    ASSERT(f.recs[1].retry_stronger && !f.recs[1].entry.accepted);
    ASSERT_EQ(f.recs[1].findings_fixed, 2);
    ASSERT_EQ(f.recs[1].findings_dismissed, 1);
    ASSERT_NEAR(f.recs[1].entry.cost_usd, 0.5, 1e-12);
    ASSERT_EQ(f.offered, 3);
    ASSERT_STREQ(f.offer_task, "refactor");
}

TEST(signals_writer_lines_hold_counts_only)
{
    char dir[] = "/tmp/sb-signals-XXXXXX";
    ASSERT(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/ledger.jsonl", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    struct ledger *l = ledger_open(&loop, path, 0, 3, err, sizeof err);
    ASSERT(l != NULL);
    struct ledger_entry e = { .time_ms = 1795813200123LL, .request_id = "7", .attempt_id = "x-1",
                              .task = "inline", .model = "fast", .outcome = "ok", .first_token_ms = -1,
                              .language = "python" };
    ledger_record(l, &e);
    ledger_signal(l, SIGNAL_SHOWN, "x-1", -1, -1);
    ledger_signal(l, SIGNAL_PARTIAL, "x-1", 5, -1);
    ledger_signal(l, SIGNAL_RETAINED, "x-1", 4, 5);
    ledger_signal(l, SIGNAL_SHOWN, "", -1, -1);            /* no id: nothing written */
    ledger_signal(l, (enum ledger_signal)99, "x-1", -1, -1);   /* unknown kind: nothing */
    ledger_offered(l, "refactor", "reasoning", 3);
    ledger_accept_inferred(l, "x-1");
    ledger_signal_inferred(l, SIGNAL_PARTIAL, "x-1", 6);
    ledger_signal_inferred(l, SIGNAL_REJECTED, "x-2", -1);
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    size_t len;
    char *text = test_read_file(path, &len);
    ASSERT(strstr(text, ",\"trigger\":\"\",\"language\":\"python\",\"route\"") != NULL);
    const char *want[] = {
        "\",\"signal\":\"shown\",\"attempt_id\":\"x-1\"}\n",
        "\",\"signal\":\"partial\",\"attempt_id\":\"x-1\",\"chars\":5}\n",
        "\",\"signal\":\"retained\",\"attempt_id\":\"x-1\",\"chars\":4,\"of\":5}\n",
        "\",\"signal\":\"offered\",\"task\":\"refactor\",\"model\":\"reasoning\",\"count\":3}\n",
        "\",\"accept\":\"x-1\",\"inferred\":true}\n",
        "\",\"signal\":\"partial\",\"attempt_id\":\"x-1\",\"chars\":6,\"inferred\":true}\n",
        "\",\"signal\":\"rejected\",\"attempt_id\":\"x-2\",\"inferred\":true}\n",
    };
    for (size_t i = 0; i < 7; i++) ASSERT(strstr(text, want[i]) != NULL);
    int lines = 0;
    for (char *c = text; *c; c++) lines += *c == '\n';
    ASSERT_EQ(lines, 8);
    ASSERT_EQ(ledger_signal_parse("finding_dismissed"), SIGNAL_FINDING_DISMISSED);
    ASSERT_EQ(ledger_signal_parse("nope"), -1);
    ASSERT_STREQ(ledger_signal_name(SIGNAL_RETRY_STRONGER), "retry_stronger");
    free(text);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    ASSERT_EQ(system(cmd), 0);
    free(cmd);
    free(path);
}

TEST(signals_fast_time_parse_matches_general)
{
    ASSERT_EQ(ledger_parse_time("2026-11-27T21:00:00.123Z"), 1795813200123LL);
    ASSERT_EQ(ledger_parse_time("1970-01-01T00:00:00.000Z"), 0);
    ASSERT_EQ(ledger_parse_time("2024-02-29T12:00:00.000Z"), ledger_parse_time("2024-02-29T12:00:00Z"));
    for (int i = 0; i < 200; i++) {
        int64_t ms = (int64_t)(test_rand() % 4000000000u) * 1000 + test_rand() % 1000;
        char text[32];
        ledger_format_time(ms, text);
        ASSERT_EQ(ledger_parse_time(text), ms);
    }
}

TEST(signals_retention_matching_chars)
{
    /* counts Unicode characters found at the start and the end, never overlapping */
    ASSERT_EQ(retention_matching_chars("value + 1", 9, "value + 1", 9), 9);
    ASSERT_EQ(retention_matching_chars("value + 1", 9, "value + 2", 9), 8);
    ASSERT_EQ(retention_matching_chars("value + 1", 9, "value", 5), 5);
    ASSERT_EQ(retention_matching_chars("value + 1", 9, "other()", 7), 0);
    ASSERT_EQ(retention_matching_chars("aaaa", 4, "aa", 2), 2);
    ASSERT_EQ(retention_matching_chars("é = 1", 6, "é = 1  # note", 14), 5);
    ASSERT_EQ(retention_matching_chars("xé", 3, "xè", 3), 1);   /* a differing 2-byte character */
    ASSERT_EQ(retention_matching_chars("", 0, "abc", 3), 0);
}
