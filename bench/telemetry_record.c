/* What telemetry costs the event loop per editor request: one request span with one
 * attempt span and their metric points (the work done inline, on the loop), and what
 * encoding a full batch of 512 spans costs in each OTLP encoding (done once per batch,
 * every 5 s by default). Usage: bench/telemetry_record [SWITCHBOARD_BIN] [REQUESTS]. */
#include "telemetry/telemetry.h"
#include "telemetry/otlp.h"
#include "telemetry/telemetry_int.h"
#include "base/xalloc.h"
#include "bench/bench_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void one_request(struct telemetry *t, int i)
{
    static const char *const models[] = { "fast", "backup", "reasoning" };
    struct telemetry_span_context ctx;
    telemetry_request_begin(t, &ctx);
    char id[32];
    snprintf(id, sizeof id, "a-%d", i);
    struct telemetry_attempt_info a = {
        .operation = "text_completion", .provider_name = "deepseek", .request_model = "deepseek-chat",
        .server_address = "api.deepseek.com", .server_port = 443, .model = models[i % 3],
        .provider = "deepseek", .task = "inline", .trigger = "automatic", .route = "routes[0]",
        .strategy = "fallback", .attempt = 1, .outcome = "ok", .status = 200, .tokens_in = 812,
        .tokens_out = 24, .cost_usd = 0.000237, .first_token_ms = 180, .total_ms = 420, .attempt_id = id,
    };
    telemetry_attempt_end(t, &ctx, &a);
    struct telemetry_request_info r = {
        .task = "inline", .trigger = "automatic", .route = "routes[0]", .strategy = "fallback",
        .outcome = "served", .model = models[i % 3], .provider = "deepseek", .attempts = 1,
        .cost_usd = 0.000237, .shown = true,
    };
    telemetry_request_end(t, &ctx, &r);
}

int main(int argc, char **argv)
{
    long n = argc > 1 && argv[argc - 1][0] >= '0' && argv[argc - 1][0] <= '9' ? atol(argv[argc - 1]) : 2000;
    xalloc_init();
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct telemetry_options o;
    telemetry_options_defaults(&o);
    telemetry_options_set_endpoint(&o, "http://127.0.0.1:9");   /* never reached: the loop does not run */
    o.max_queue = o.max_batch = 1 << 20;                         /* keep every span to encode below */
    char err[256];
    struct telemetry *t = telemetry_new(&loop, &o, err, sizeof err);
    if (!t) { fprintf(stderr, "%s\n", err); return 1; }
    uint64_t *ns = xcalloc((size_t)n, sizeof *ns);
    for (long i = 0; i < n; i++) {
        uint64_t t0 = bench_ns();
        one_request(t, (int)i);
        ns[i] = bench_ns() - t0;
    }
    printf("telemetry per request (request span + attempt span + metric points): median %.2f us, p99 %.2f us\n",
           (double)bench_quantile(ns, (size_t)n, 0.5) / 1000, (double)bench_quantile(ns, (size_t)n, 0.99) / 1000);
    size_t batch = t->queued < 512 ? t->queued : 512, len;
    uint64_t t0 = bench_ns();
    char *proto = otlp_proto_traces(&t->resource, t->queue, batch, &len);
    uint64_t t1 = bench_ns();
    size_t jlen;
    char *json = otlp_json_traces(&t->resource, t->queue, batch, &jlen);
    uint64_t t2 = bench_ns();
    printf("encoding a batch of %zu spans: http/protobuf %.2f ms (%zu bytes), http/json %.2f ms (%zu bytes)\n",
           batch, (double)(t1 - t0) / 1e6, len, (double)(t2 - t1) / 1e6, jlen);
    free(proto);
    free(json);
    free(ns);
    telemetry_close(t);
    uv_run(&loop, UV_RUN_DEFAULT);
    telemetry_options_free(&o);
    return uv_loop_close(&loop) == 0 ? 0 : 1;
}
