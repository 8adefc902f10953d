/* `switchboard simulate WORKLOAD.json [--config PATH] [--json]` and its text table. */
#include "cli/simulate_cli.h"
#include "router/simulate.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The "quality" replay: what users keep under each policy, side by side. */
static void render_quality(struct buf *b, const cJSON *q)
{
    buf_printf(b, "\nWhat users keep (simulated user, seed %.0f; figures are expectations):\n",
               json_get_number(q, "seed", 0));
    buf_printf(b, "  %-24s %11s %10s %9s %14s %14s %12s\n", "POLICY", "COST USD", "ACCEPTED",
               "VS ALL", "RETAINED CHR", "$/ACCEPTED", "COST VS ALL");
    const cJSON *p;
    cJSON_ArrayForEach(p, json_member(q, "policies")) {
        buf_printf(b, "  %-24s %11.4f %10.1f %8.1f%% %14.0f %14.6f %11.1f%%\n",
                   json_get_string(p, "policy"), json_get_number(p, "cost_usd", 0),
                   json_get_number(p, "accepted", 0),
                   json_get_number(p, "acceptance_vs_strongest", 0) * 100,
                   json_get_number(p, "retained_chars", 0),
                   json_get_number(p, "cost_per_accepted_usd", 0),
                   json_get_number(p, "cost_vs_strongest", 0) * 100);
    }
    buf_printf(b, "  (VS ALL: acceptance, and COST VS ALL: cost, against \"all to the strongest\")\n");
}

char *simulate_render_text(const cJSON *r)
{
    struct buf b = {0};
    const char *name = json_get_string(r, "workload");
    buf_printf(&b, "simulation%s%s: %.0f tasks, %.0f served", name ? " of " : "", name ? name : "",
               json_get_number(r, "tasks", 0), json_get_number(r, "served", 0));
    static const struct { const char *key, *format; double above; } notes[] = {
        { "failed", ", %.2f failed on every target", 0 }, { "blocked", ", %.2f refused by budgets", 0 },
        { "days", " over %.0f days", 1 }, { "unrouted", ", %.0f matched no route", 0 },
    };
    for (size_t i = 0; i < sizeof notes / sizeof *notes; i++) {
        double v = json_get_number(r, notes[i].key, 0);
        if (v > notes[i].above) buf_printf(&b, notes[i].format, v);
    }
    buf_printf(&b, "\n\n%-16s %12s %8s %14s %12s %12s\n", "MODEL", "TASKS", "SHARE", "TOKENS IN",
               "TOKENS OUT", "COST USD");
    const cJSON *m;
    cJSON_ArrayForEach(m, json_member(r, "models")) {
        buf_printf(&b, "%-16s %12.2f %7.2f%% %14.0f %12.0f %12.6f\n",
                   json_get_string(m, "model"), json_get_number(m, "tasks", 0),
                   json_get_number(m, "share_pct", 0), json_get_number(m, "tokens_in", 0),
                   json_get_number(m, "tokens_out", 0), json_get_number(m, "cost_usd", 0));
    }
    buf_printf(&b, "%-16s %12.2f %8s %14s %12s %12.6f\n", "total", json_get_number(r, "served", 0),
               "", "", "", json_get_number(r, "total_cost_usd", 0));
    buf_printf(&b, "\n%-16s %12s %12s %12s\n", "TASK", "TASKS", "SERVED", "COST USD");
    cJSON_ArrayForEach(m, json_member(r, "by_task")) {
        buf_printf(&b, "%-16s %12.2f %12.2f %12.6f\n", json_get_string(m, "task"),
                   json_get_number(m, "tasks", 0), json_get_number(m, "served", 0),
                   json_get_number(m, "cost_usd", 0));
    }
    buf_printf(&b, "\nAgainst single-model baselines (every served task sent to one model):\n");
    buf_printf(&b, "  %-16s %14s %14s %9s\n", "ALL TO", "BASELINE USD", "SAVED USD", "SAVED");
    cJSON_ArrayForEach(m, json_member(r, "baselines")) {
        const cJSON *pct = json_member(m, "savings_pct");
        char saved[32];
        if (cJSON_IsNumber(pct)) snprintf(saved, sizeof saved, "%.2f%%", pct->valuedouble);
        else snprintf(saved, sizeof saved, "-");
        buf_printf(&b, "  %-16s %14.6f %14.6f %9s%s\n",
                   json_get_string(m, "model"), json_get_number(m, "cost_usd", 0),
                   json_get_number(m, "savings_usd", 0), saved,
                   json_get_true(m, "priced") ? "" : "  (no prices)");
    }
    const cJSON *quality = json_member(r, "quality");
    if (quality) render_quality(&b, quality);
    return buf_steal(&b);
}

static int usage(const char *problem)
{
    fprintf(stderr, "switchboard simulate: %s\nusage: switchboard simulate WORKLOAD.json [--config PATH] [--json]\n",
            problem);
    return 2;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

/* The workload's config: --config, else WORKLOAD's "config" member (relative to the
 * workload file), else the usual search ($SWITCHBOARD_CONFIG, the XDG file, defaults). */
static char *config_path_for(const char *explicit_path, const char *workload_path, const cJSON *workload)
{
    if (explicit_path) return xstrdup(explicit_path);
    const char *named = json_get_string(workload, "config");
    if (named && *named == '/') return xstrdup(named);
    if (named) {
        const char *slash = strrchr(workload_path, '/');
        return slash ? xasprintf("%.*s/%s", (int)(slash - workload_path), workload_path, named) : xstrdup(named);
    }
    return config_find_path(NULL);
}

/* The simulation asks what the set-up does with every key in place, and makes no
 * request: providers without a key get a placeholder in this process's private copy
 * of the config (never shared, logged or sent), so the planner does not skip them and
 * budget downgrades can pick them. */
static void assume_keys(struct config *cfg)
{
    for (size_t p = 0; p < cfg->provider_count; p++) {
        struct provider_config *pc = &cfg->providers[p];
        if ((pc->api_key_env || pc->api_key_cmd) && !pc->api_key) pc->api_key = xstrdup("simulated");
    }
}

int cli_simulate(int argc, char **argv)
{
    const char *workload_path = NULL, *config_arg = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = true;
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) config_arg = argv[++i];
        else if (argv[i][0] == '-' || workload_path) return usage("unexpected argument");
        else workload_path = argv[i];
    }
    if (!workload_path) return usage("a workload file is required");
    char *text = read_file(workload_path);
    if (!text) {
        fprintf(stderr, "switchboard simulate: cannot read %s\n", workload_path);
        return 2;
    }
    char err[512] = "";
    cJSON *workload = jsonc_parse(text, err, sizeof err);   /* comments allowed, as in configs */
    free(text);
    if (!workload) {
        fprintf(stderr, "switchboard simulate: %s: %s\n", workload_path, err);
        return 2;
    }
    setenv("SWITCHBOARD_NO_KEY_CMD", "1", 1);   /* prices and routes only: no key needed */
    char *config_path = config_path_for(config_arg, workload_path, workload);
    struct config *cfg = config_load(config_path, NULL, err, sizeof err);
    int rc = 2;
    if (!cfg) fprintf(stderr, "switchboard simulate: %s\n", err);
    else {
        assume_keys(cfg);
        cJSON *result = simulate_run(cfg, workload, err, sizeof err);
        if (!result) {
            fprintf(stderr, "switchboard simulate: %s: %s\n", workload_path, err);
        } else {
            char *out = json ? cJSON_Print(result) : simulate_render_text(result);
            printf("%s%s", out, json ? "\n" : "");
            free(out);
            cJSON_Delete(result);
            rc = 0;
        }
    }
    if (cfg) config_unref(cfg);
    free(config_path);
    cJSON_Delete(workload);
    return rc;
}
