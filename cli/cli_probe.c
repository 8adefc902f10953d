/* `switchboard probe [--config PATH] [--timeout MS] [MODEL...]`: sends one tiny
 * streaming request to each configured model (or the named ones), all at once through
 * the HTTP engine, and prints per model the latency to first token, total latency,
 * tokens and cost, or the classified error in plain words. Exit 0 when every model
 * answered, 1 otherwise, 2 on bad usage or configuration. */
#include "cli/cli_probe.h"
#include "cli/probe_report.h"
#include "providers/exchange.h"
#include "providers/http.h"
#include "providers/provider.h"
#include "config/config.h"
#include "ledger/cost.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_OUTPUT_TOKENS 16

struct probe {
    const struct model_spec *spec;
    const struct provider_config *provider;
    const struct provider_ops *ops;
    struct task task;
    struct exchange x;
    struct http_limits limits;
    size_t text_bytes;
    struct probe_outcome out;
    int *pending;
    uv_loop_t *loop;
};

static void probe_task(struct task *t)
{
    memset(t, 0, sizeof *t);
    t->kind = TASK_INLINE;
    t->trigger = TRIGGER_INVOKED;
    t->language = xstrdup("python");
    t->path = xstrdup("probe.py");
    t->prefix = xstrdup("def add(a, b):\n    return");
    t->suffix = xstrdup("\n");
    t->max_output_tokens = PROBE_OUTPUT_TOKENS;
    task_estimate_tokens(t);
}

static void fail(struct probe *p, enum provider_error_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct probe *p, enum provider_error_class cls, const char *fmt, ...)
{
    p->out.ok = false;
    p->out.error.cls = cls;
    p->out.error.retry_after_ms = -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->out.detail, sizeof p->out.detail, fmt, ap);
    va_end(ap);
}

static int on_text(void *data, int choice, const char *text, size_t len)
{
    struct probe *p = data;
    (void)choice;
    (void)text;
    if (p->out.first_token_ms < 0)
        p->out.first_token_ms = (long)((clock_monotonic_us() - p->x.start_us) / 1000);
    p->text_bytes += len;
    return 0;
}

/* The engine's own failures, in the probe's plain words (with the limit that hit). */
static void transport_failure(struct probe *p, const struct exchange_result *r)
{
    switch (r->outcome) {
    case HTTP_CONNECT_TIMEOUT: fail(p, PERR_TIMEOUT, "no connection within %ld ms", p->limits.connect_timeout_ms); break;
    case HTTP_FIRST_BYTE_TIMEOUT: fail(p, PERR_TIMEOUT, "no answer within %ld ms", p->limits.first_byte_timeout_ms); break;
    case HTTP_IDLE_TIMEOUT: fail(p, PERR_TIMEOUT, "stream stalled for %ld ms", p->limits.idle_timeout_ms); break;
    case HTTP_TOTAL_TIMEOUT: fail(p, PERR_TIMEOUT, "not finished within %ld ms", p->limits.total_timeout_ms); break;
    case HTTP_TOO_LARGE: fail(p, PERR_NETWORK, "response too large"); break;
    default: fail(p, PERR_NETWORK, "%s", r->error.message); break;
    }
}

/* Why the exchange failed: the adapter's classification where there is one (an HTTP
 * error, an error inside the stream), otherwise the probe's own words. */
static void describe_failure(struct probe *p, const struct exchange_result *r)
{
    switch (r->fail) {
    case EXCHANGE_FAIL_STATUS:
    case EXCHANGE_FAIL_IN_BAND:
        p->out.ok = false;
        p->out.error = r->error;
        break;
    case EXCHANGE_FAIL_BUILD:
    case EXCHANGE_FAIL_START: fail(p, PERR_BAD_REQUEST, "%s", r->error.message); break;
    case EXCHANGE_FAIL_MALFORMED:
    case EXCHANGE_FAIL_EVENT_TOO_LARGE: fail(p, PERR_NETWORK, "malformed stream"); break;
    case EXCHANGE_FAIL_CUT: fail(p, PERR_NETWORK, "stream ended before its end marker"); break;
    case EXCHANGE_FAIL_TRANSPORT: transport_failure(p, r); break;
    case EXCHANGE_FAIL_NONE: fail(p, r->error.cls, "%s", r->error.message); break;
    }
}

static void on_done(void *data, const struct exchange_result *r)
{
    struct probe *p = data;
    p->out.total_ms = r->total_ms;
    if (r->ok) p->out.ok = true;
    else describe_failure(p, r);
    p->out.usage = p->x.stream.usage;
    if (!p->x.stream.usage.reported) {   /* estimate, and say so */
        p->out.estimated = true;
        p->out.usage.input_tokens = p->task.prompt_tokens_estimate;
        p->out.usage.output_tokens = (long)((p->text_bytes + 3) / 4);
    }
    p->out.cost_usd = cost_usd(&p->spec->price, &p->out.usage);
    if (--*p->pending == 0) uv_stop(p->loop);
}

static const struct exchange_callbacks probe_callbacks = { on_text, on_done };

/* Returns true when a request is in flight; otherwise p->out holds why not. */
static bool probe_start(struct probe *p, struct http_engine *engine)
{
    const struct provider_config *prov = p->provider;
    if (!p->ops) {
        fail(p, PERR_BAD_REQUEST, "unknown provider kind %s", p->spec->provider_kind ? p->spec->provider_kind : "(none)");
        return false;
    }
    if (prov && (prov->api_key_env || prov->api_key_cmd) && !p->spec->api_key) {
        if (prov->api_key_env) fail(p, PERR_AUTH, "%s is not set", prov->api_key_env);
        else fail(p, PERR_AUTH, "api_key_cmd gave no key");
        return false;
    }
    struct exchange_result refused;
    if (exchange_start(&p->x, engine, p->ops, p->spec, &p->task, &p->limits, &probe_callbacks, p,
                       &refused) != 0) {
        describe_failure(p, &refused);
        return false;
    }
    return true;
}

static void probe_init(struct probe *p, const struct config *cfg, size_t model, long timeout_ms)
{
    memset(p, 0, sizeof *p);
    p->spec = &cfg->models[model];
    p->provider = config_model_provider(cfg, model);
    p->ops = provider_find(p->spec->provider_kind);
    probe_task(&p->task);
    const struct timeout_settings *t = &cfg->action_timeouts;
    p->limits = (struct http_limits){ t->connect, t->first_token, t->idle, t->total, 16u << 20 };
    if (timeout_ms > 0) {
        p->limits.total_timeout_ms = timeout_ms;
        if (!p->limits.first_byte_timeout_ms || p->limits.first_byte_timeout_ms > timeout_ms)
            p->limits.first_byte_timeout_ms = timeout_ms;
    }
    p->out.model = p->spec->name;
    p->out.provider = p->provider ? p->provider->name : p->spec->provider_name;
    p->out.key_source = p->provider ? (p->provider->key_source ? p->provider->key_source : p->provider->api_key_env) : NULL;
    p->out.first_token_ms = -1;
    p->out.error.retry_after_ms = -1;
    if (p->spec->api_key) log_add_secret(p->spec->api_key);
}

static void probe_free(struct probe *p)
{
    task_free(&p->task);
    exchange_free(&p->x);
}

static int usage(void)
{
    fprintf(stderr, "usage: switchboard probe [--config PATH] [--timeout MS] [MODEL...]\n");
    return 2;
}

/* Selected model indexes into sel (all when none named). -1 on an unknown name. */
static int select_models(const struct config *cfg, char **names, int count, size_t *sel, size_t *n)
{
    *n = 0;
    if (count == 0) {
        for (size_t i = 0; i < cfg->model_count; i++) sel[(*n)++] = i;
        return 0;
    }
    for (int i = 0; i < count; i++) {
        int idx = config_model_index(cfg, names[i]);
        if (idx < 0) {
            fprintf(stderr, "switchboard probe: no model named \"%s\" in %s\n", names[i], cfg->source);
            return -1;
        }
        sel[(*n)++] = (size_t)idx;
    }
    return 0;
}

static void print_report(struct probe *probes, size_t n)
{
    int width = 4;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(probes[i].out.model) > width) width = (int)strlen(probes[i].out.model);
    for (size_t i = 0; i < n; i++) {
        char line[512];
        probe_describe(&probes[i].out, line, sizeof line);
        printf("%-*s  %s\n", width, probes[i].out.model, line);
    }
    fflush(stdout);
}

static int run_probes(const struct config *cfg, const size_t *sel, size_t n, long timeout_ms)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct http_engine_options opts = { .insecure_hosts = (const char *const *)cfg->insecure_hosts };
    struct http_engine *engine = http_engine_new(&loop, &opts);
    struct probe *probes = xcalloc(n ? n : 1, sizeof *probes);
    int pending = 0;
    for (size_t i = 0; i < n; i++) {
        probe_init(&probes[i], cfg, sel[i], timeout_ms);
        probes[i].pending = &pending;
        probes[i].loop = &loop;
        pending++;
        if (!probe_start(&probes[i], engine)) pending--;
    }
    if (pending > 0) uv_run(&loop, UV_RUN_DEFAULT);
    http_engine_free(engine);
    uv_run(&loop, UV_RUN_DEFAULT);   /* let the engine close its handles */
    uv_loop_close(&loop);
    print_report(probes, n);
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        if (!probes[i].out.ok) failures++;
        probe_free(&probes[i]);
    }
    free(probes);
    return failures ? 1 : 0;
}

int cli_probe(int argc, char **argv)
{
    const char *config_path = NULL;
    long timeout_ms = 0;
    char **names = xcalloc((size_t)argc + 1, sizeof *names);   /* options may come anywhere */
    int name_count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) config_path = argv[++i];
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) timeout_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) { free(names); usage(); return 0; }
        else if (argv[i][0] == '-') { free(names); return usage(); }
        else names[name_count++] = argv[i];
    }
    char err[1024] = "";
    char *path = config_find_path(config_path);
    struct config *cfg = config_load(path, NULL, err, sizeof err);
    free(path);
    if (!cfg) {
        fprintf(stderr, "switchboard probe: %s\n", err);
        free(names);
        return 2;
    }
    size_t *sel = xcalloc(cfg->model_count + (size_t)name_count + 1, sizeof *sel);
    size_t n = 0;
    int rc = select_models(cfg, names, name_count, sel, &n);
    if (rc == 0 && n == 0) {
        fprintf(stderr, "switchboard probe: no models configured (%s)\n", cfg->source);
        rc = 1;
    } else if (rc == 0) {
        rc = run_probes(cfg, sel, n, timeout_ms);
    } else {
        rc = 2;
    }
    free(sel);
    free(names);
    config_unref(cfg);
    return rc;
}
