/* Telemetry core: options from OTEL_* variables, metric aggregation, the three
 * encoders (OTLP JSON, OTLP protobuf read back with protobuf-c, remote write), the
 * literal snappy block, and the sender's retry-then-drop against a closed port.
 * Independent decoding (the OpenTelemetry JS packages, a real Prometheus) is in the
 * integration tests. */
#include "tests/unit/test.h"
#include "telemetry/metrics.h"
#include "telemetry/options.h"
#include "telemetry/otlp.h"
#include "telemetry/remote_write.h"
#include "telemetry/sender.h"
#include "telemetry/snappy.h"
#include "telemetry/telemetry.h"
#include "telemetry/setup.h"
#include "base/xalloc.h"
#include "otlp_trace.pb-c.h"
#include "otlp_metrics.pb-c.h"
#include "prometheus_remote.pb-c.h"
#include <cjson/cJSON.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const *fake_env;
static const char *fake_getenv(const char *name)
{
    for (size_t i = 0; fake_env[i]; i += 2)
        if (strcmp(fake_env[i], name) == 0) return fake_env[i + 1];
    return NULL;
}

static int load_env(struct telemetry_options *o, const char *const *env, char *err, size_t errlen)
{
    fake_env = env;
    telemetry_options_defaults(o);
    return telemetry_options_from_env(o, fake_getenv, err, errlen);
}

TEST(telemetry_env_endpoint_and_signals)
{
    static const char *const env[] = {
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://127.0.0.1:9000/custom",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json",
        "OTEL_SERVICE_NAME", "sb-test",
        "OTEL_METRIC_EXPORT_INTERVAL", "250",
        NULL,
    };
    struct telemetry_options o;
    char err[256] = "";
    ASSERT_EQ(load_env(&o, env, err, sizeof err), 0);
    ASSERT_STREQ(o.traces_url, "http://127.0.0.1:4318/v1/traces");
    ASSERT_STREQ(o.metrics_url, "http://127.0.0.1:9000/custom");
    ASSERT_EQ(o.protocol, TEL_PROTOCOL_JSON);
    ASSERT_STREQ(o.service_name, "sb-test");
    ASSERT_EQ(o.metric_interval_ms, 250);
    ASSERT(telemetry_options_active(&o));
    telemetry_options_free(&o);
}

TEST(telemetry_env_off_unless_configured)
{
    static const char *const none[] = { NULL };
    static const char *const disabled[] = {
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_SDK_DISABLED", "TRUE", NULL,
    };
    static const char *const traces_off[] = {
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER", "none", NULL,
    };
    struct telemetry_options o;
    char err[256];
    ASSERT_EQ(load_env(&o, none, err, sizeof err), 0);
    ASSERT(!telemetry_options_active(&o));
    telemetry_options_free(&o);
    ASSERT_EQ(load_env(&o, disabled, err, sizeof err), 0);
    ASSERT(!telemetry_options_active(&o));
    telemetry_options_free(&o);
    ASSERT_EQ(load_env(&o, traces_off, err, sizeof err), 0);
    ASSERT(o.traces_url == NULL);
    ASSERT(o.metrics_url != NULL);
    telemetry_options_free(&o);
}

TEST(telemetry_env_headers_and_attributes)
{
    static const char *const env[] = {
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
        "OTEL_EXPORTER_OTLP_HEADERS", "api-key=abc%3D%3D12, x-team = blue ,",
        "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=dev,team=a%2Cb",
        NULL,
    };
    struct telemetry_options o;
    char err[256] = "";
    ASSERT_EQ(load_env(&o, env, err, sizeof err), 0);
    ASSERT_STREQ(o.headers[0], "api-key: abc==12");
    ASSERT_STREQ(o.headers[1], "x-team: blue");
    ASSERT(o.headers[2] == NULL);
    ASSERT_STREQ(o.resource_attributes[0], "deployment.environment=dev");
    ASSERT_STREQ(o.resource_attributes[1], "team=a,b");
    char buf[512];
    const char *d = telemetry_describe(&o, buf, sizeof buf);
    ASSERT(strstr(d, "headers set (not shown)") != NULL);
    ASSERT(strstr(d, "abc") == NULL);
    telemetry_options_free(&o);
}

TEST(telemetry_env_rejects_grpc_and_bad_pairs)
{
    static const char *const grpc[] = { "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", NULL };
    static const char *const bad[] = { "OTEL_EXPORTER_OTLP_HEADERS", "novalue", NULL };
    struct telemetry_options o;
    char err[256] = "";
    ASSERT_EQ(load_env(&o, grpc, err, sizeof err), -1);
    ASSERT(strstr(err, "grpc") != NULL);
    telemetry_options_free(&o);
    ASSERT_EQ(load_env(&o, bad, err, sizeof err), -1);
    telemetry_options_free(&o);
}

TEST(telemetry_metrics_histogram_and_series)
{
    struct tel_metrics *m = tel_metrics_new(1, 3);
    static const char *const keys[] = { "switchboard.task", "error.type" };
    const char *a[] = { "inline", NULL }, *b[] = { "inline", "timeout" };
    tel_metrics_record(m, TEL_M_DURATION, keys, a, 2, 0.01);   /* bound inclusive: bucket 0 */
    tel_metrics_record(m, TEL_M_DURATION, keys, a, 2, 0.5);    /* (0.32, 0.64]: bucket 6 */
    tel_metrics_record(m, TEL_M_DURATION, keys, a, 2, 1000);   /* overflow bucket */
    tel_metrics_record(m, TEL_M_DURATION, keys, b, 2, 2);
    tel_metrics_record(m, TEL_M_COST, keys, a, 1, 0.25);
    tel_metrics_record(m, TEL_M_COST, keys, a, 1, 0.5);
    tel_metrics_record(m, TEL_M_REQUESTS, keys, b, 2, 1);      /* fourth series: over the cap */
    struct tel_metrics_view v;
    tel_metrics_view(m, 2, &v);
    ASSERT_EQ(v.count, 3);
    ASSERT_EQ(v.series[0].attr_count, 1);
    ASSERT_EQ(v.series[0].count, 3);
    ASSERT_EQ(v.series[0].buckets[0], 1);
    ASSERT_EQ(v.series[0].buckets[6], 1);
    ASSERT_EQ(v.series[0].buckets[14], 1);
    ASSERT_NEAR(v.series[0].sum, 1000.51, 1e-9);
    ASSERT_EQ(v.series[1].attr_count, 2);
    ASSERT_STREQ(v.series[1].values[1], "timeout");
    ASSERT_NEAR(v.series[2].sum, 0.75, 1e-12);
    ASSERT_EQ(tel_metrics_dropped_series(m), 1);
    tel_metrics_free(m);
}

static struct tel_span *sample_span(bool child)
{
    struct tel_span *s = xcalloc(1, sizeof *s);
    for (int i = 0; i < 16; i++) s->trace_id[i] = (uint8_t)(i + 1);
    for (int i = 0; i < 8; i++) s->span_id[i] = (uint8_t)(0xa0 + i + child);
    if (child) {
        s->has_parent = true;
        for (int i = 0; i < 8; i++) s->parent_id[i] = (uint8_t)(0xa0 + i);
    }
    s->name = xstrdup(child ? "text_completion deepseek-chat" : "switchboard inline");
    s->kind = child ? TEL_SPAN_CLIENT : TEL_SPAN_SERVER;
    s->start_ns = 1764000000123456789ull;
    s->end_ns = 1764000000623456789ull;
    tel_attrs_str(&s->attrs, "gen_ai.request.model", "deepseek-chat");
    tel_attrs_int(&s->attrs, "gen_ai.usage.input_tokens", 812);
    tel_attrs_double(&s->attrs, "switchboard.cost_usd", 0.25);
    tel_attrs_bool(&s->attrs, "switchboard.cancelled", false);
    if (child) {
        s->status = TEL_STATUS_ERROR;
        s->status_message = xstrdup("timeout");
    }
    return s;
}

static struct tel_resource sample_resource(void)
{
    struct tel_resource r = {0};
    tel_attrs_str(&r.attrs, "service.name", "switchboard");
    return r;
}

TEST(telemetry_otlp_json_traces)
{
    struct tel_span *spans[2] = { sample_span(false), sample_span(true) };
    struct tel_resource res = sample_resource();
    size_t len;
    char *body = otlp_json_traces(&res, spans, 2, &len);
    cJSON *root = cJSON_Parse(body);
    ASSERT(root);
    cJSON *rs = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "resourceSpans"), 0);
    cJSON *attr0 = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(rs, "resource"), "attributes"), 0);
    ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetObjectItem(attr0, "value"), "stringValue")->valuestring, "switchboard");
    cJSON *ss = cJSON_GetArrayItem(cJSON_GetObjectItem(rs, "scopeSpans"), 0);
    cJSON *child = cJSON_GetArrayItem(cJSON_GetObjectItem(ss, "spans"), 1);
    ASSERT_STREQ(cJSON_GetObjectItem(child, "traceId")->valuestring, "0102030405060708090a0b0c0d0e0f10");
    ASSERT_STREQ(cJSON_GetObjectItem(child, "parentSpanId")->valuestring, "a0a1a2a3a4a5a6a7");
    ASSERT_STREQ(cJSON_GetObjectItem(child, "startTimeUnixNano")->valuestring, "1764000000123456789");
    ASSERT_EQ(cJSON_GetObjectItem(child, "kind")->valueint, 3);
    cJSON *tokens = cJSON_GetArrayItem(cJSON_GetObjectItem(child, "attributes"), 1);
    ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetObjectItem(tokens, "value"), "intValue")->valuestring, "812");
    ASSERT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(child, "status"), "code")->valueint, 2);
    cJSON_Delete(root);
    free(body);
    tel_span_free(spans[0]);
    tel_span_free(spans[1]);
    tel_attrs_free(&res.attrs);
}

TEST(telemetry_otlp_proto_traces_round_trip)
{
    struct tel_span *spans[2] = { sample_span(false), sample_span(true) };
    struct tel_resource res = sample_resource();
    size_t len;
    char *body = otlp_proto_traces(&res, spans, 2, &len);
    Opentelemetry__Proto__Trace__V1__ExportTraceServiceRequest *req =
        opentelemetry__proto__trace__v1__export_trace_service_request__unpack(NULL, len, (uint8_t *)body);
    ASSERT(req);
    ASSERT_EQ(req->n_resource_spans, 1);
    Opentelemetry__Proto__Trace__V1__ScopeSpans *ss = req->resource_spans[0]->scope_spans[0];
    ASSERT_STREQ(ss->scope->name, "switchboard");
    ASSERT_EQ(ss->n_spans, 2);
    Opentelemetry__Proto__Trace__V1__Span *child = ss->spans[1];
    ASSERT_STREQ(child->name, "text_completion deepseek-chat");
    ASSERT_EQ(child->trace_id.len, 16);
    ASSERT_MEMEQ(child->parent_span_id.data, ss->spans[0]->span_id.data, 8);
    ASSERT_EQ(ss->spans[0]->parent_span_id.len, 0);
    ASSERT_EQ(child->kind, 3);
    ASSERT_EQ(child->end_time_unix_nano, 1764000000623456789ull);
    ASSERT_EQ(child->attributes[1]->value->int_value, 812);
    ASSERT_NEAR(child->attributes[2]->value->double_value, 0.25, 0);
    ASSERT_EQ(child->status->code, 2);
    opentelemetry__proto__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    free(body);
    tel_span_free(spans[0]);
    tel_span_free(spans[1]);
    tel_attrs_free(&res.attrs);
}

static struct tel_metrics *sample_metrics(void)
{
    struct tel_metrics *m = tel_metrics_new(1000, 100);
    static const char *const keys[] = { "gen_ai.request.model", "gen_ai.token.type" };
    const char *in[] = { "deepseek-chat", "input" }, *out[] = { "deepseek-chat", "output" };
    tel_metrics_record(m, TEL_M_TOKEN_USAGE, keys, in, 2, 812);
    tel_metrics_record(m, TEL_M_TOKEN_USAGE, keys, out, 2, 24);
    tel_metrics_record(m, TEL_M_TOKEN_USAGE, keys, in, 2, 100);
    tel_metrics_record(m, TEL_M_COST, keys, in, 1, 0.000237);
    return m;
}

TEST(telemetry_otlp_metrics_json_and_proto)
{
    struct tel_metrics *m = sample_metrics();
    struct tel_resource res = sample_resource();
    struct tel_metrics_view v;
    tel_metrics_view(m, 2000, &v);
    size_t len;
    char *json = otlp_json_metrics(&res, &v, &len);
    cJSON *root = cJSON_Parse(json);
    cJSON *sm = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "resourceMetrics"), 0), "scopeMetrics"), 0);
    cJSON *hist = cJSON_GetArrayItem(cJSON_GetObjectItem(sm, "metrics"), 0);
    ASSERT_STREQ(cJSON_GetObjectItem(hist, "name")->valuestring, "gen_ai.client.token.usage");
    ASSERT_STREQ(cJSON_GetObjectItem(hist, "unit")->valuestring, "{token}");
    cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(hist, "histogram"), "dataPoints"), 0);
    ASSERT_STREQ(cJSON_GetObjectItem(p0, "count")->valuestring, "2");
    ASSERT_NEAR(cJSON_GetObjectItem(p0, "sum")->valuedouble, 912, 0);
    ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(p0, "bucketCounts")), 15);
    cJSON *sum = cJSON_GetArrayItem(cJSON_GetObjectItem(sm, "metrics"), 1);
    ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(sum, "sum"), "isMonotonic")));
    cJSON_Delete(root);
    free(json);

    char *bin = otlp_proto_metrics(&res, &v, &len);
    Opentelemetry__Proto__Metrics__V1__ExportMetricsServiceRequest *req =
        opentelemetry__proto__metrics__v1__export_metrics_service_request__unpack(NULL, len, (uint8_t *)bin);
    ASSERT(req);
    Opentelemetry__Proto__Metrics__V1__ScopeMetrics *s = req->resource_metrics[0]->scope_metrics[0];
    ASSERT_EQ(s->n_metrics, 2);
    ASSERT_EQ(s->metrics[0]->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM);
    ASSERT_EQ(s->metrics[0]->histogram->n_data_points, 2);
    ASSERT_EQ(s->metrics[0]->histogram->data_points[0]->count, 2);
    ASSERT_EQ(s->metrics[0]->histogram->data_points[0]->start_time_unix_nano, 1000);
    ASSERT_EQ(s->metrics[0]->histogram->aggregation_temporality, 2);
    ASSERT_NEAR(s->metrics[1]->sum->data_points[0]->as_double, 0.000237, 0);
    opentelemetry__proto__metrics__v1__export_metrics_service_request__free_unpacked(req, NULL);
    free(bin);
    tel_metrics_free(m);
    tel_attrs_free(&res.attrs);
}

/* A literal-only snappy reader: enough to check our blocks. */
static char *snappy_read_literals(const char *in, size_t len, size_t *out_len)
{
    size_t pos = 0, n = 0;
    for (int shift = 0;; shift += 7) {
        unsigned char c = (unsigned char)in[pos++];
        n |= (size_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) break;
    }
    char *out = xmalloc(n + 1);
    size_t o = 0;
    while (pos < len) {
        unsigned char tag = (unsigned char)in[pos++];
        ASSERT_EQ(tag & 3, 0);
        size_t m = tag >> 2;
        if (m >= 60) {
            int bytes = (int)m - 59;
            m = 0;
            for (int i = 0; i < bytes; i++) m |= (size_t)(unsigned char)in[pos++] << (8 * i);
        }
        memcpy(out + o, in + pos, m + 1);
        o += m + 1;
        pos += m + 1;
    }
    ASSERT_EQ(o, n);
    *out_len = n;
    return out;
}

TEST(telemetry_snappy_literal_blocks)
{
    size_t sizes[] = { 0, 1, 59, 60, 61, 255, 256, 257, 70000, 200000 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *src = xmalloc(sizes[i] + 1);
        for (size_t k = 0; k < sizes[i]; k++) src[k] = (char)(k * 7 + i);
        size_t blen, dlen;
        char *block = snappy_encode_literal(src, sizes[i], &blen);
        char *back = snappy_read_literals(block, blen, &dlen);
        ASSERT_EQ(dlen, sizes[i]);
        ASSERT_MEMEQ(back, src, sizes[i]);
        free(src);
        free(block);
        free(back);
    }
}

static const char *label(const Prometheus__TimeSeries *ts, const char *name)
{
    for (size_t i = 0; i < ts->n_labels; i++)
        if (strcmp(ts->labels[i]->name, name) == 0) return ts->labels[i]->value;
    return NULL;
}

TEST(telemetry_remote_write_series)
{
    struct tel_metrics *m = sample_metrics();
    struct tel_metrics_view v;
    tel_metrics_view(m, 5000000000ull, &v);
    size_t len;
    char *raw = remote_write_message(&v, "switchboard", "inst-1", &len);
    Prometheus__WriteRequest *req = prometheus__write_request__unpack(NULL, len, (uint8_t *)raw);
    ASSERT(req);
    /* Two histogram series of 15 buckets + sum + count, one counter. */
    ASSERT_EQ(req->n_timeseries, 2 * 17 + 1);
    const Prometheus__TimeSeries *first = req->timeseries[0];
    ASSERT_STREQ(label(first, "__name__"), "gen_ai_client_token_usage_bucket");
    ASSERT_STREQ(label(first, "le"), "1");
    ASSERT_STREQ(label(first, "gen_ai_token_type"), "input");
    ASSERT_STREQ(label(first, "job"), "switchboard");
    ASSERT_STREQ(label(req->timeseries[14], "le"), "+Inf");
    ASSERT_NEAR(req->timeseries[14]->samples[0]->value, 2, 0);
    ASSERT_STREQ(label(req->timeseries[15], "__name__"), "gen_ai_client_token_usage_sum");
    ASSERT_NEAR(req->timeseries[15]->samples[0]->value, 912, 0);
    ASSERT_EQ(req->timeseries[15]->samples[0]->timestamp, 5000);
    for (size_t i = 0; i < req->n_timeseries; i++)
        for (size_t k = 1; k < req->timeseries[i]->n_labels; k++)
            ASSERT(strcmp(req->timeseries[i]->labels[k - 1]->name, req->timeseries[i]->labels[k]->name) < 0);
    const Prometheus__TimeSeries *cost = req->timeseries[34];
    ASSERT_STREQ(label(cost, "__name__"), "switchboard_cost_usd_total");
    ASSERT_NEAR(cost->samples[0]->value, 0.000237, 0);
    prometheus__write_request__free_unpacked(req, NULL);
    free(raw);
    tel_metrics_free(m);
}

/* A port nothing listens on: bound, never listened, closed. */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    ASSERT_EQ(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t n = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &n);
    close(fd);
    return ntohs(a.sin_port);
}

static int batches_done;
static void count_done(void *data) { (void)data; batches_done++; }
static void on_closed(void *data) { (void)data; }

TEST(telemetry_sender_down_collector_drops_after_retries)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct http_engine *http = http_engine_new(&loop, NULL);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/traces", closed_port());
    struct tel_sender s;
    static const char *const headers[] = { "x-secret: s3cr3t-value", NULL };
    tel_sender_init(&s, "traces", &loop, http, url, "application/json", NULL, headers, 2000);
    s.backoff_base_ms = 5;
    s.max_attempts = 3;
    s.on_done = count_done;
    s.on_closed = on_closed;
    ASSERT_EQ(tel_sender_send(&s, xstrdup("{}"), 2), 0);
    ASSERT(tel_sender_busy(&s));
    ASSERT_EQ(tel_sender_send(&s, xstrdup("{}"), 2), -1);   /* busy: dropped at once */
    while (batches_done == 0) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(s.counts.retries, 2);
    ASSERT_EQ(s.counts.dropped, 2);
    ASSERT_EQ(s.counts.sent, 0);
    ASSERT(!tel_sender_busy(&s));
    tel_sender_close(&s);
    http_engine_free(http);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

TEST(telemetry_off_is_null_and_calls_are_noops)
{
    struct telemetry_options o;
    telemetry_options_defaults(&o);
    char err[64];
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct telemetry *t = telemetry_new(&loop, &o, err, sizeof err);
    ASSERT(t == NULL);
    struct telemetry_span_context ctx;
    telemetry_request_begin(t, &ctx);
    ASSERT(!ctx.valid);
    struct telemetry_request_info info = { .task = "inline", .outcome = "served" };
    telemetry_request_end(t, &ctx, &info);
    telemetry_close(t);
    telemetry_options_free(&o);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

TEST(telemetry_genai_provider_names)
{
    ASSERT_STREQ(telemetry_genai_provider("openai-completions", "api.deepseek.com"), "deepseek");
    ASSERT_STREQ(telemetry_genai_provider("anthropic", "api.anthropic.com"), "anthropic");
    ASSERT_STREQ(telemetry_genai_provider("gemini", "generativelanguage.googleapis.com"), "gcp.gemini");
    ASSERT_STREQ(telemetry_genai_provider("mistral-fim", "codestral.mistral.ai"), "mistral_ai");
    ASSERT_STREQ(telemetry_genai_provider("openai", "api.openai.com"), "openai");
}

/* --- the configuration file's section and its merge over OTEL_* -------------- */

static struct config *load_config(const char *text, char *err, size_t errlen)
{
    return config_load_text(text, "config.json", NULL, err, errlen);
}

TEST(telemetry_config_section_over_environment)
{
    char err[512] = "";
    struct config *cfg = load_config(
        "{\"telemetry\": {\"otlp\": {\"protocol\": \"http/json\", \"headers\": {\"authorization\": \"Bearer tok-123456\"},"
        " \"traces_endpoint\": \"http://127.0.0.1:7/t\"}, \"service_name\": \"team-sb\","
        " \"resource_attributes\": {\"team\": \"blue\"}, \"metric_interval_ms\": 500,"
        " \"prometheus_remote_write\": {\"url\": \"http://127.0.0.1:9090/api/v1/write\", \"headers\": {\"X-Scope-OrgID\": \"t1\"}},"
        " \"export_workspace_name\": true}}", err, sizeof err);
    ASSERT(cfg);
    static const char *const env[] = {
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_SERVICE_NAME", "from-env", NULL,
    };
    fake_env = env;
    struct telemetry_options o;
    ASSERT_EQ(telemetry_options_resolve(&o, cfg, fake_getenv, "my-repo", err, sizeof err), 0);
    ASSERT_STREQ(o.traces_url, "http://127.0.0.1:7/t");                 /* the file's signal URL */
    ASSERT_STREQ(o.metrics_url, "http://127.0.0.1:4318/v1/metrics");    /* the environment's base */
    ASSERT_EQ(o.protocol, TEL_PROTOCOL_JSON);
    ASSERT_STREQ(o.headers[0], "authorization: Bearer tok-123456");
    ASSERT_STREQ(o.service_name, "team-sb");
    ASSERT_STREQ(o.resource_attributes[0], "team=blue");
    ASSERT_EQ(o.metric_interval_ms, 500);
    ASSERT_STREQ(o.remote_write_url, "http://127.0.0.1:9090/api/v1/write");
    ASSERT_STREQ(o.remote_write_headers[0], "X-Scope-OrgID: t1");
    ASSERT_STREQ(o.workspace_name, "my-repo");
    telemetry_options_free(&o);
    config_unref(cfg);
}

TEST(telemetry_config_enabled_false_and_bad_values)
{
    char err[512] = "";
    struct config *cfg = load_config("{\"telemetry\": {\"enabled\": false}}", err, sizeof err);
    ASSERT(cfg);
    static const char *const env[] = { "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", NULL };
    fake_env = env;
    struct telemetry_options o;
    ASSERT_EQ(telemetry_options_resolve(&o, cfg, fake_getenv, NULL, err, sizeof err), 0);
    ASSERT(!telemetry_options_active(&o));
    ASSERT(o.workspace_name == NULL);   /* not opted in */
    telemetry_options_free(&o);
    config_unref(cfg);
    ASSERT(load_config("{\"telemetry\": {\"otlp\": {\"protocol\": \"grpc\"}}}", err, sizeof err) == NULL);
    ASSERT(strstr(err, "telemetry.otlp.protocol") != NULL);
    ASSERT(load_config("{\"telemetry\": {\"otlp\": {\"headers\": {\"a\": 1}}}}", err, sizeof err) == NULL);
    ASSERT(load_config("{\"telemetry\": {\"metric_interval_ms\": 5}}", err, sizeof err) == NULL);
}
