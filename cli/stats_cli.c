/* `switchboard stats` and the switchboard.stats summary. */
#include "ledger/stats.h"
#include "ledger/ledger_read.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

cJSON *stats_summary_json(const char *ledger_path, const struct config *cfg, int64_t since_ms,
                          const char *by)
{
    int group = by ? stats_parse_group_by(by) : STATS_BY_MODEL;
    if (group < 0) group = STATS_BY_MODEL;
    if (!ledger_path && cfg) ledger_path = cfg->ledger_path;
    struct stats_report report;
    char err[256];
    stats_build(&report, ledger_path, cfg, since_ms, clock_wall_ms(), (enum stats_group_by)group,
                err, sizeof err);
    cJSON *json = stats_render_json(&report);
    stats_report_free(&report);
    return json;
}

static int usage(const char *problem)
{
    fprintf(stderr, "switchboard stats: %s\n"
            "usage: switchboard stats [--since 1d|7d|30d|12h] [--by model|task|provider|day]\n"
            "                         [--json] [--html FILE] [--ledger PATH] [--config PATH]\n", problem);
    return 2;
}

struct stats_args {
    const char *since, *by, *html, *ledger, *config, *now;
    bool json;
};

static int parse_args(int argc, char **argv, struct stats_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **slot = strcmp(arg, "--since") == 0    ? &a->since
                            : strcmp(arg, "--by") == 0     ? &a->by
                            : strcmp(arg, "--html") == 0   ? &a->html
                            : strcmp(arg, "--ledger") == 0 ? &a->ledger
                            : strcmp(arg, "--config") == 0 ? &a->config
                            : strcmp(arg, "--now") == 0    ? &a->now
                                                           : NULL;
        if (strcmp(arg, "--json") == 0) {
            a->json = true;
        } else if (slot) {
            if (i + 1 >= argc) {
                char msg[64];
                snprintf(msg, sizeof msg, "%s needs a value", arg);
                return usage(msg);
            }
            *slot = argv[++i];
        } else {
            char msg[256];
            snprintf(msg, sizeof msg, "unknown argument \"%.200s\"", arg);
            return usage(msg);
        }
    }
    return 0;
}

static int write_html(const struct stats_report *report, const char *path)
{
    char *html = stats_render_html(report);
    /* Private like every file we write (spending and model use are nobody else's business). */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (fd >= 0 && !f) close(fd);
    int ok = f && fputs(html, f) >= 0;
    if (f && fclose(f) != 0) ok = 0;
    free(html);
    if (!ok) {
        fprintf(stderr, "switchboard stats: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int cli_stats(int argc, char **argv)
{
    struct stats_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc;
    int by = a.by ? stats_parse_group_by(a.by) : STATS_BY_MODEL;
    if (by < 0) return usage("--by takes model, task, provider or day");
    int64_t now = a.now ? ledger_parse_time(a.now) : clock_wall_ms();
    if (now < 0) return usage("--now takes a UTC time like 2026-11-27T21:00:00Z");
    int64_t since = 0;
    if (a.since) {
        int64_t span = stats_parse_duration(a.since);
        if (span < 0) return usage("--since takes a duration like 1d, 7d, 30d or 12h");
        since = now - span;
    }
    /* Prices and the ledger path only: never run an api_key_cmd for a report. */
    setenv("SWITCHBOARD_NO_KEY_CMD", "1", 1);
    char *config_path = config_find_path(a.config);
    char err[512];
    struct config *cfg = config_load(config_path, NULL, err, sizeof err);
    free(config_path);
    if (!cfg) {
        fprintf(stderr, "switchboard stats: %s\n", err);
        return 2;
    }
    struct stats_report report;
    stats_build(&report, a.ledger ? a.ledger : cfg->ledger_path, cfg, since, now,
                (enum stats_group_by)by, err, sizeof err);
    rc = 0;
    if (a.html) rc = write_html(&report, a.html);
    if (a.json) {
        cJSON *json = stats_render_json(&report);
        char *text = cJSON_Print(json);
        printf("%s\n", text);
        free(text);
        cJSON_Delete(json);
    } else if (!a.html) {
        char *text = stats_render_text(&report);
        fputs(text, stdout);
        free(text);
    } else if (rc == 0) {
        printf("wrote %s\n", a.html);
    }
    stats_report_free(&report);
    config_unref(cfg);
    return rc;
}
