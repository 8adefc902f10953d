/* `switchboard check [--config PATH]`: loads the configuration exactly as the server
 * would and prints where it came from, the providers (with whether their key is
 * present, never the key), models with prices, routes and warnings, then what is
 * missing (keys, local servers that do not answer). Exit 0 when the file is valid,
 * 2 when it is not (or on bad usage), with the loader's message. */
#include "cli/check.h"
#include "config/config.h"
#include "providers/probe.h"
#include "providers/http.h"
#include "providers/http_policy.h"
#include "telemetry/setup.h"
#include "telemetry/telemetry.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK_PROBE_MS 200

static void usage(FILE *out)
{
    fprintf(out, "usage: switchboard check [--config PATH]\n"
                 "Validates the configuration and lists providers, models, routes and what is missing.\n");
}

static const char *fim_name(enum fim_mode m)
{
    static const char *const names[] = { "auto", "native", "template", "chat" };
    return (unsigned)m < 4 ? names[m] : "?";
}

static void print_price(const struct model_price *p)
{
    if (p->input < 0 && p->output < 0) {
        printf("price unknown");
        return;
    }
    if (p->input == 0 && p->output == 0) {
        printf("free");
        return;
    }
    char in[32] = "?", out[32] = "?";
    if (p->input >= 0) snprintf(in, sizeof in, "$%.2f", p->input);
    if (p->output >= 0) snprintf(out, sizeof out, "$%.2f", p->output);
    printf("%s in / %s out per Mtok", in, out);
}

/* A loopback base URL is a local server we can check without touching the internet. */
static bool is_local_url(const char *url)
{
    return http_url_is_loopback(url);
}

static void print_providers(const struct config *cfg, struct buf *missing)
{
    printf("\nproviders (%zu):\n", cfg->provider_count);
    for (size_t i = 0; i < cfg->provider_count; i++) {
        const struct provider_config *p = &cfg->providers[i];
        printf("  %-18s %-18s %s\n", p->name, p->kind, p->base_url);
        if (p->api_key) {
            printf("  %-18s key: set (%s)\n", "", p->key_source ? p->key_source : "?");
        } else if (p->api_key_env) {
            printf("  %-18s key: MISSING — set %s\n", "", p->api_key_env);
            buf_printf(missing, "  provider %s: key missing: set %s\n", p->name, p->api_key_env);
        } else if (p->api_key_cmd) {
            printf("  %-18s key: MISSING — api_key_cmd failed (see warnings)\n", "");
            buf_printf(missing, "  provider %s: api_key_cmd gave no key\n", p->name);
        } else {
            printf("  %-18s key: none needed\n", "");
        }
        if (is_local_url(p->base_url)) {
            bool up = probe_url_reachable(p->base_url, CHECK_PROBE_MS);
            printf("  %-18s server: %s\n", "", up ? "reachable" : "UNREACHABLE");
            if (!up)
                buf_printf(missing, "  provider %s: nothing answers at %s (is the %s server running?)\n",
                           p->name, p->base_url, p->kind);
        }
        if (p->max_concurrency) printf("  %-18s max_concurrency: %d\n", "", p->max_concurrency);
    }
}

static void print_models(const struct config *cfg)
{
    printf("\nmodels (%zu):\n", cfg->model_count);
    for (size_t i = 0; i < cfg->model_count; i++) {
        const struct model_spec *m = &cfg->models[i];
        printf("  %-18s %s / %s\n  %-18s ", m->name, m->provider_name, m->model, "");
        print_price(&m->price);
        if (m->context_window) printf(", context %ld", m->context_window);
        else printf(", context unknown");
        printf(", fim %s%s%s%s\n", fim_name(m->fim), m->fim_template ? " (" : "",
               m->fim_template ? m->fim_template : "", m->fim_template ? ")" : "");
    }
}

static void describe_when(const struct route_rule *r, struct buf *b)
{
    if (r->task_mask) {
        buf_puts(b, "task ");
        int n = 0;
        for (int k = 0; k < TASK_KIND_COUNT; k++)
            if (r->task_mask & (1u << k)) buf_printf(b, "%s%s", n++ ? "," : "", task_kind_name(k));
        buf_putc(b, ' ');
    }
    if (r->trigger_mask == (1u << TRIGGER_AUTOMATIC)) buf_puts(b, "trigger automatic ");
    if (r->trigger_mask == (1u << TRIGGER_INVOKED)) buf_puts(b, "trigger invoked ");
    for (size_t i = 0; r->languages && r->languages[i]; i++)
        buf_printf(b, "%s%s%s", i ? "," : "language ", r->languages[i], r->languages[i + 1] ? "" : " ");
    for (size_t i = 0; r->path_globs && r->path_globs[i]; i++)
        buf_printf(b, "%s%s%s", i ? "," : "path ", r->path_globs[i], r->path_globs[i + 1] ? "" : " ");
    if (r->min_tokens) buf_printf(b, "tokens>=%ld ", r->min_tokens);
    if (r->max_tokens) buf_printf(b, "tokens<=%ld ", r->max_tokens);
    if (b->len == 0) buf_puts(b, "any ");
}

static void print_routes(const struct config *cfg)
{
    static const char *const strategies[] = { "fallback", "split", "hedge", "adaptive", "cascade" };
    printf("\nroutes (%zu)%s%s:\n", cfg->route_count, cfg->preset ? ", preset " : "",
           cfg->preset ? cfg->preset : "");
    for (size_t i = 0; i < cfg->route_count; i++) {
        const struct route_rule *r = &cfg->routes[i];
        struct buf b = { 0 };
        describe_when(r, &b);
        buf_puts(&b, "-> ");
        for (size_t t = 0; t < r->target_count; t++) {
            buf_printf(&b, "%s%s", t ? ", " : "", cfg->models[r->targets[t]].name);
            if (r->strategy == STRATEGY_SPLIT) buf_printf(&b, " (weight %g)", r->weights[t]);
        }
        buf_printf(&b, "  [%s", strategies[r->strategy]);
        if (r->strategy == STRATEGY_HEDGE) buf_printf(&b, " after %ld ms", r->hedge_after_ms);
        buf_puts(&b, "]");
        printf("  %s: %s\n", r->label, buf_str(&b));
        buf_free(&b);
    }
}

static void print_budgets(const struct config *cfg)
{
    static const char *const scopes[] = { "overall", "provider", "model" };
    if (!cfg->budget_count) return;
    printf("\nbudgets (%zu):\n", cfg->budget_count);
    for (size_t i = 0; i < cfg->budget_count; i++) {
        const struct budget_rule *b = &cfg->budgets[i];
        printf("  %s%s%s:", scopes[b->scope], b->name ? " " : "", b->name ? b->name : "");
        if (b->daily_usd) printf(" daily $%.2f", b->daily_usd);
        if (b->monthly_usd) printf(" monthly $%.2f", b->monthly_usd);
        printf(" then %s\n", b->action == BUDGET_BLOCK ? "block" : "downgrade");
    }
}

/* What the last server session exported and dropped (written by it at exit). */
static void print_last_session(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    char line[512] = "";
    if (f) {
        if (!fgets(line, sizeof line, f)) line[0] = '\0';
        fclose(f);
    }
    long long ended = 0;
    long sent = 0, dropped = 0, spans = 0, retries = 0;
    if (sscanf(line, "{\"ended_unix_ms\":%lld,\"batches_sent\":%ld,\"batches_dropped\":%ld,"
                     "\"spans_dropped\":%ld,\"retries\":%ld", &ended, &sent, &dropped, &spans, &retries) != 5) {
        printf("  last session: none recorded (a running server reports drops in switchboard/status)\n");
        return;
    }
    time_t secs = (time_t)(ended / 1000);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&secs));
    printf("  last session (ended %s): %ld batches sent, %ld dropped, %ld spans dropped, %ld retries\n",
           when, sent, dropped, spans, retries);
}

/* Where telemetry would go, as the server resolves it; headers are never shown. */
static void print_telemetry(const struct config *cfg, struct buf *missing)
{
    struct telemetry_options o;
    char err[512] = "", line[1024];
    printf("\ntelemetry:\n");
    if (telemetry_options_resolve(&o, cfg, NULL, NULL, err, sizeof err) < 0) {
        printf("  off: %s\n", err);
        buf_printf(missing, "  telemetry: %s\n", err);
    } else {
        printf("  %s\n", telemetry_describe(&o, line, sizeof line));
        if (telemetry_options_active(&o)) print_last_session(o.status_path);
    }
    telemetry_options_free(&o);
}

static int parse_args(int argc, char **argv, const char **config_path)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            *config_path = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            *config_path = argv[i] + 9;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        } else {
            fprintf(stderr, "switchboard check: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    return 0;
}

int cli_check(int argc, char **argv)
{
    const char *explicit_path = NULL;
    int rc = parse_args(argc, argv, &explicit_path);
    if (rc) return rc == 1 ? 0 : 2;
    char *path = config_find_path(explicit_path);
    char err[1024];
    struct config *cfg = config_load(path, NULL, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "%s\n", err);
        free(path);
        return 2;
    }
    if (path) printf("config: %s\n", path);
    else printf("config: defaults (no file found: detected from the environment)\n");
    free(path);
    struct buf missing = { 0 };
    print_providers(cfg, &missing);
    print_models(cfg);
    print_routes(cfg);
    print_budgets(cfg);
    print_telemetry(cfg, &missing);
    size_t nwarn = 0;
    while (cfg->warnings[nwarn]) nwarn++;
    if (nwarn) {
        printf("\nwarnings (%zu):\n", nwarn);
        for (size_t i = 0; i < nwarn; i++) printf("  %s\n", cfg->warnings[i]);
    }
    if (missing.len) printf("\nmissing:\n%s", buf_str(&missing));
    printf("\nconfiguration is valid: %zu providers, %zu models, %zu routes\n",
           cfg->provider_count, cfg->model_count, cfg->route_count);
    buf_free(&missing);
    config_unref(cfg);
    return 0;
}
