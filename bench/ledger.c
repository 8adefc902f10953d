/* Ledger and stats timing: what ledger_record costs the event loop per attempt, how
 * fast the queued lines reach the disk, and how long `switchboard stats` takes over a
 * full set of rotated files (10 MiB x 4). Usage: bench/ledger [RECORDS] (default 100000). */
#include "ledger/ledger.h"
#include "ledger/stats.h"
#include "ledger/ledger_read.h"
#include "router/quality.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>

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
    char *cmd = xasprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    free(path);
    return rc == 0 ? 0 : 1;
}
