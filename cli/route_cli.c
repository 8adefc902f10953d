/* The `switchboard route` command (see route_cli.h). It loads the configuration the
 * server would load, opens the ledger only to read today's spend for budgets, and
 * prints router_explain_text / router_explain_json. No network request is made. */
#include "cli/route_cli.h"
#include "lsp/privacy.h"
#include "router/router.h"
#include "ledger/ledger.h"
#include "base/xalloc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: switchboard route --task KIND [--language L] [--path P] [--tokens N]\n"
    "                         [--trigger automatic|invoked] [--config PATH] [--json]\n"
    "KIND: inline refactor fix docs tests review explain architecture\n";

struct route_args {
    const char *task, *language, *path, *trigger, *config;
    long tokens;
    int json;
};

static int bad_usage(const char *fmt, const char *what)
{
    fprintf(stderr, "switchboard route: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

static int parse_args(int argc, char **argv, struct route_args *a)
{
    int i = (argc > 0 && argv[0][0] != '-') ? 1 : 0;   /* skip the command name */
    for (; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--json") == 0) { a->json = 1; continue; }
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) { fputs(usage, stdout); return 1; }
        const char **slot = strcmp(opt, "--task") == 0 ? &a->task
                          : strcmp(opt, "--language") == 0 ? &a->language
                          : strcmp(opt, "--path") == 0 ? &a->path
                          : strcmp(opt, "--trigger") == 0 ? &a->trigger
                          : strcmp(opt, "--config") == 0 ? &a->config : NULL;
        const char *tokens = NULL;
        if (!slot && strcmp(opt, "--tokens") != 0) return bad_usage("unknown option '%s'", opt);
        if (i + 1 >= argc) return bad_usage("%s needs a value", opt);
        if (slot) *slot = argv[++i];
        else tokens = argv[++i];
        if (tokens) {
            char *end;
            errno = 0;
            a->tokens = strtol(tokens, &end, 10);
            if (errno || *end || a->tokens < 0) return bad_usage("--tokens needs a non-negative number, not '%s'", tokens);
        }
    }
    if (!a->task) return bad_usage("%s", "--task is required");
    return 0;
}

static int build_task(const struct route_args *a, struct task *t)
{
    int kind = task_kind_parse(a->task);
    if (kind < 0) return bad_usage("unknown task kind '%s'", a->task);
    int trigger = a->trigger ? task_trigger_parse(a->trigger)
                             : (int)task_default_trigger((enum task_kind)kind);
    if (trigger < 0) return bad_usage("unknown trigger '%s' (automatic or invoked)", a->trigger);
    memset(t, 0, sizeof *t);
    t->kind = (enum task_kind)kind;
    t->trigger = (enum task_trigger)trigger;
    t->language = (char *)a->language;
    t->path = (char *)a->path;
    t->prompt_tokens_estimate = a->tokens;   /* rules with token bounds see this estimate */
    return 0;
}

int cli_route(int argc, char **argv)
{
    struct route_args args = { 0 };
    struct task task;
    int rc = parse_args(argc, argv, &args);
    if (rc) return rc == 1 ? 0 : rc;
    if ((rc = build_task(&args, &task)) != 0) return rc;
    char err[1024] = "";
    char *path = config_find_path(args.config);
    struct config *cfg = config_load(path, NULL, err, sizeof err);
    free(path);
    if (!cfg) {
        fprintf(stderr, "switchboard route: %s\n", err);
        return 2;
    }
    /* The same privacy rule as the server's for the file's path. */
    enum privacy_verdict verdict = privacy_path_verdict(cfg, args.path);
    task.local_only = verdict == PRIVACY_LOCAL_ONLY;
    if (args.path && verdict == PRIVACY_EXCLUDED) {
        printf("%s is excluded by the privacy settings: nothing from it is sent to any model\n", args.path);
        config_unref(cfg);
        return 0;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    /* Read today's spend only from a ledger that exists: explaining creates nothing. */
    char *ledger_path = cfg->ledger_path ? xstrdup(cfg->ledger_path) : ledger_default_path();
    struct ledger *ledger = NULL;
    if (ledger_path && access(ledger_path, R_OK) == 0) {
        ledger = ledger_open(&loop, ledger_path, cfg->ledger_max_bytes, cfg->ledger_keep, err, sizeof err);
        if (!ledger) fprintf(stderr, "switchboard route: ledger not read (%s): budgets count from zero\n", err);
    }
    free(ledger_path);
    struct router *router = router_new(&loop, NULL, ledger, cfg);
    router_learn(router, false);
    if (args.json) {
        cJSON *j = router_explain_json(router, &task);
        char *s = cJSON_Print(j);
        printf("%s\n", s);
        cJSON_free(s);
        cJSON_Delete(j);
    } else {
        char *s = router_explain_text(router, &task);
        fputs(s, stdout);
        free(s);
    }
    router_free(router);
    if (ledger) ledger_close(ledger);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    config_unref(cfg);
    return 0;
}
