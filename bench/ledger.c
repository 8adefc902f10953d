/* Ledger and stats timing: what ledger_record costs the event loop per attempt, how
 * fast the queued lines reach the disk, how long `switchboard stats` takes over a
 * full set of rotated files (10 MiB x 4), and how long ledger_signals_fold takes over
 * a 100 MB ledger with signal lines (target: well under a second). Usage:
 * bench/ledger [RECORDS] (default 100000). Prints figures; fails only on an error. */
#include "ledger/ledger.h"
#include "ledger/stats.h"
#include "ledger/signals.h"
#include "ledger/ledger_read.h"
#include "router/quality.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct fold_totals { size_t attempts, shown, accepted; long partial, retained; };

static void count_attempt(void *data, const struct signal_record *r)
{
    struct fold_totals *t = data;
    t->attempts++;
    t->shown += r->shown;
    t->accepted += r->entry.accepted;
    t->partial += r->partial_chars;
    t->retained += r->retained_chars;
}

/* Writes ~100 MB of attempt lines, each inline one followed by shown / partial /
 * accept / retained lines as the server writes them, then folds it. */
static int bench_fold(const char *dir)
{
    char *path = xasprintf("%s/fold.jsonl", dir);
    FILE *f = fopen(path, "w");
    if (!f) { free(path); return 1; }
    long bytes = 0, attempts = 0;
    int64_t base = clock_wall_ms() - 30LL * 86400 * 1000;
    while (bytes < 100L * 1000 * 1000) {
        char when[32];
        ledger_format_time(base + attempts * 1000, when);
        int n = fprintf(f, "{\"time\":\"%s\",\"request_id\":\"%ld\",\"attempt_id\":\"9f3a09c2-%ld\","
                        "\"task\":\"inline\",\"trigger\":\"automatic\",\"route\":\"routes[0]\","
                        "\"model\":\"fast\",\"provider\":\"deepseek\",\"attempt\":1,\"outcome\":\"ok\","
                        "\"status\":200,\"first_token_ms\":180,\"total_ms\":420,\"tokens_in\":%ld,"
                        "\"tokens_out\":24,\"tokens_cached\":0,\"tokens_reasoning\":0,\"estimated\":false,"
                        "\"cost_usd\":0.000237,\"accepted\":false,\"language\":\"python\"}\n"
                        "{\"time\":\"%s\",\"signal\":\"shown\",\"attempt_id\":\"9f3a09c2-%ld\"}\n",
                        when, attempts, attempts, 800 + attempts % 500, when, attempts);
        if (attempts % 3 == 0)
            n += fprintf(f, "{\"time\":\"%s\",\"signal\":\"partial\",\"attempt_id\":\"9f3a09c2-%ld\",\"chars\":7}\n"
                         "{\"time\":\"%s\",\"accept\":\"9f3a09c2-%ld\"}\n"
                         "{\"time\":\"%s\",\"signal\":\"retained\",\"attempt_id\":\"9f3a09c2-%ld\",\"chars\":20,\"of\":24}\n",
                         when, attempts, when, attempts, when, attempts);
        if (n < 0) { fclose(f); free(path); return 1; }
        bytes += n;
        attempts++;
    }
    fclose(f);
    struct fold_totals t = {0};
    const struct signal_fold_callbacks cb = { count_attempt, NULL };
    uint64_t t0 = clock_monotonic_us();
    clock_t cpu0 = clock();   /* CPU time too: on a shared machine the wall time mostly waits */
    int files = ledger_signals_fold(path, 0, &cb, &t);
    double cpu_ms = (double)(clock() - cpu0) * 1000.0 / CLOCKS_PER_SEC;
    uint64_t us = clock_monotonic_us() - t0;
    printf("signals fold over %.0f MB (%zu attempts, %zu shown, %zu accepted): %.1f ms (%.1f ms CPU)\n",
           (double)bytes / 1e6, t.attempts, t.shown, t.accepted, (double)us / 1000, cpu_ms);
    /* Opening the ledger scans budget spend on the loop, before serving: here the worst
     * case, every line inside the month the scan looks back over. */
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    t0 = clock_monotonic_us();
    cpu0 = clock();
    struct ledger *l = ledger_open(&loop, path, 0, 1, err, sizeof err);
    double open_cpu_ms = (double)(clock() - cpu0) * 1000.0 / CLOCKS_PER_SEC;
    uint64_t open_us = clock_monotonic_us() - t0;
    double spent = ledger_spend_since(l, 0, NULL, NULL);
    printf("ledger_open over the same file (spend of %ld attempts, all within the month it reads): "
           "%.1f ms (%.1f ms CPU)\n", attempts, (double)open_us / 1000, open_cpu_ms);
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    free(path);
    if (spent < 0.000237 * (double)attempts * 0.999) {
        fprintf(stderr, "ledger_open: spend %.4f, expected %.4f\n", spent, 0.000237 * (double)attempts);
        return 1;
    }
    return files == 1 && t.attempts == (size_t)attempts && t.accepted == (size_t)((attempts + 2) / 3) ? 0 : 1;
}

struct replay {
    struct quality_table *q;
    long lines;
};

static void replay_line(void *data, const char *line)
{
    struct replay *r = data;
    quality_note_line(r->q, line, 0, INT64_MAX);
    r->lines++;
}

int main(int argc, char **argv)
{
    long records = 100000;
    if (argc > 1) {
        char *end;
        records = strtol(argv[1], &end, 10);
        if (argc > 2 || end == argv[1] || *end || records < 1) {
            fprintf(stderr, "usage: ledger [RECORDS]\n");
            return 2;
        }
    }
    xalloc_init();
    char dir[] = "/tmp/sb-bench-ledger-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char *path = xasprintf("%s/ledger.jsonl", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    struct ledger *l = ledger_open(&loop, path, 10L << 20, 3, err, sizeof err);
    if (!l) { fprintf(stderr, "%s\n", err); return 1; }
    int64_t base = clock_wall_ms() - 10LL * 86400 * 1000;
    const char *models[] = { "fast", "reasoning", "offline" };
    uint64_t record_us = 0, start = clock_monotonic_us();
    for (long i = 0; i < records; i++) {
        char rid[24], aid[24];
        snprintf(rid, sizeof rid, "%ld", i / 2);
        snprintf(aid, sizeof aid, "b-%ld", i);
        struct ledger_entry e = {
            .time_ms = base + i * 4000, .request_id = rid, .attempt_id = aid, .task = "inline",
            .trigger = "automatic", .route = "routes[0]", .model = models[i % 3], .provider = "p",
            .attempt = (int)(i % 2) + 1, .outcome = i % 7 ? "ok" : "rate_limited", .status = 200,
            .first_token_ms = 150 + i % 300, .total_ms = 400 + i % 900, .tokens_in = 800 + i % 500,
            .tokens_out = 20 + i % 60, .cost_usd = 0.000237,
        };
        uint64_t t0 = clock_monotonic_us();
        ledger_record(l, &e);
        record_us += clock_monotonic_us() - t0;
        if (i % 1000 == 999) uv_run(&loop, UV_RUN_NOWAIT);   /* the loop's other work */
    }
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    uint64_t write_us = clock_monotonic_us() - start;
    uv_loop_close(&loop);
    printf("ledger_record: %.2f us per attempt on the loop (%ld records)\n",
           (double)record_us / (double)records, records);
    printf("written to disk with rotation: %.0f records/s\n", (double)records / ((double)write_us / 1e6));
    struct stats_report report;
    uint64_t t0 = clock_monotonic_us();
    stats_build(&report, path, NULL, 0, clock_wall_ms(), STATS_BY_MODEL, err, sizeof err);
    uint64_t stats_us = clock_monotonic_us() - t0;
    printf("stats over %zu records in %d files: %.1f ms\n", report.record_count, report.files_read,
           (double)stats_us / 1000);
    stats_report_free(&report);
    /* What adaptive routing's start-up replay does (router/learn.c, on a worker thread). */
    struct quality_table *q = quality_new();
    struct replay r = { q, 0 };
    t0 = clock_monotonic_us();
    ledger_read_all(path, replay_line, &r);
    uint64_t replay_us = clock_monotonic_us() - t0;
    printf("adaptive replay of the same files: %.1f ms for %ld lines (%.2f us per line; off the loop)\n",
           (double)replay_us / 1000, r.lines, (double)replay_us / (double)(r.lines ? r.lines : 1));
    quality_free(q);
    int fold_rc = bench_fold(dir);
    if (fold_rc) fprintf(stderr, "signals fold: wrong totals\n");
    char *cmd = xasprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    free(path);
    return rc == 0 && fold_rc == 0 ? 0 : 1;
}
