/* Stats, simulation and status payload through their C entry points (the CLI paths
 * are covered by tests/integration/test_stats.py and test_simulate.py). */
#include "tests/unit/test.h"
#include "router/simulate.h"
#include "ledger/stats.h"
#include "router/status.h"
#include "base/xalloc.h"
#include <unistd.h>

static const cJSON *find(const cJSON *array, const char *field, const char *value)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, array) {
        const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, field));
        if (s && strcmp(s, value) == 0) return item;
    }
    return NULL;
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    ASSERT(cJSON_IsNumber(v));
    return v->valuedouble;
}

TEST(stats_summary_on_fixed_ledger)
{
    char err[256];
    struct config *cfg = config_load("tests/data/stats-config.json", NULL, err, sizeof err);
    ASSERT(cfg != NULL);
    cJSON *s = stats_summary_json("tests/data/stats-ledger.jsonl", cfg, 0, "model");
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(s, "total");
    ASSERT_EQ(num(total, "attempts"), 14);
    ASSERT_EQ(num(total, "requests"), 11);
    ASSERT_EQ(num(total, "fallbacks"), 2);
    ASSERT_EQ(num(total, "retries"), 1);
    ASSERT_NEAR(num(total, "acceptance_rate"), 0.4, 1e-9);
    const cJSON *fast = find(cJSON_GetObjectItemCaseSensitive(s, "groups"), "key", "fast");
    ASSERT(fast != NULL);
    /* fast: 7 runs, 1 cancelled, 5 answered -> 5/6; latency nearest rank of 160,180,190,220,400 */
    ASSERT_NEAR(num(fast, "success_rate"), 0.8333, 1e-9);
    const cJSON *ttft = cJSON_GetObjectItemCaseSensitive(fast, "first_token_ms");
    ASSERT_EQ(num(ttft, "p50"), 190);
    ASSERT_EQ(num(ttft, "p95"), 400);
    const cJSON *baselines = cJSON_GetObjectItemCaseSensitive(s, "baselines");
    const cJSON *reasoning = find(baselines, "model", "reasoning");
    /* 22100 in, 4039 out at 3 / 15 per million */
    ASSERT_NEAR(num(reasoning, "cost_usd"), 0.0663 + 0.060585, 1e-9);
    cJSON_Delete(s);
    config_unref(cfg);
}

TEST(stats_durations_and_groups)
{
    ASSERT_EQ(stats_parse_duration("1d"), 86400000);
    ASSERT_EQ(stats_parse_duration("12h"), 43200000);
    ASSERT_EQ(stats_parse_duration("30d"), 30LL * 86400000);
    ASSERT_EQ(stats_parse_duration("90m"), 5400000);
    ASSERT_EQ(stats_parse_duration("1y"), -1);
    ASSERT_EQ(stats_parse_duration("-1d"), -1);
    ASSERT_EQ(stats_parse_duration("d"), -1);
    ASSERT_EQ(stats_parse_group_by("day"), STATS_BY_DAY);
    ASSERT_EQ(stats_parse_group_by("colour"), -1);
}

TEST(simulate_split_and_fallback_shares)
{
    const char *config =
        "{\"providers\": {\"local\": {\"kind\": \"ollama\", \"base_url\": \"http://127.0.0.1:9\"}},"
        " \"models\": {\"a\": {\"provider\": \"local\", \"model\": \"a\", \"price\": {\"input\": 1, \"output\": 2}},"
        "              \"b\": {\"provider\": \"local\", \"model\": \"b\", \"price\": {\"input\": 0.5, \"output\": 1}},"
        "              \"c\": {\"provider\": \"local\", \"model\": \"c\", \"price\": {\"input\": 0, \"output\": 0}}},"
        " \"routes\": [{\"when\": {\"task\": \"inline\"}, \"strategy\": \"split\","
        "               \"targets\": [\"a\", \"b\"], \"weights\": [3, 1]},"
        "              {\"when\": {\"language\": \"go\"}, \"targets\": [\"c\"]},"
        "              {\"when\": {}, \"targets\": [\"a\", \"c\"]}]}";
    char err[256];
    struct config *cfg = config_load_text(config, "test", NULL, err, sizeof err);
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    cJSON *w = cJSON_Parse("{\"unavailable\": {\"a\": 0.5}, \"tasks\": ["
                           "{\"kind\": \"inline\", \"count\": 100, \"tokens_in\": 1000000},"
                           "{\"kind\": \"fix\", \"count\": 10, \"language\": \"go\", \"tokens_out\": 1000000},"
                           "{\"kind\": \"fix\", \"count\": 10, \"tokens_out\": 1000000}]}");
    cJSON *r = simulate_run(cfg, w, err, sizeof err);
    ASSERT(r != NULL);
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(r, "models");
    /* inline: 75 to a, half fail -> 37.5 on a, 37.5 fall to b; 25 straight to b.
     * fix/go: 10 to c. fix: 5 on a, 5 fall to c. */
    ASSERT_NEAR(num(find(models, "model", "a"), "tasks"), 37.5 + 5, 1e-9);
    ASSERT_NEAR(num(find(models, "model", "b"), "tasks"), 62.5, 1e-9);
    ASSERT_NEAR(num(find(models, "model", "c"), "tasks"), 15, 1e-9);
    ASSERT_NEAR(num(r, "total_cost_usd"), 37.5 * 1 + 62.5 * 0.5 + 5 * 2, 1e-9);
    const cJSON *base_a = find(cJSON_GetObjectItemCaseSensitive(r, "baselines"), "model", "a");
    ASSERT_NEAR(num(base_a, "cost_usd"), 100 * 1 + 20 * 2, 1e-9);
    char *text = simulate_render_text(r);
    ASSERT(strstr(text, "62.50") != NULL);
    free(text);
    cJSON_Delete(r);
    cJSON_Delete(w);
    w = cJSON_Parse("{\"tasks\": [{\"kind\": \"nope\"}]}");
    ASSERT(simulate_run(cfg, w, err, sizeof err) == NULL);
    ASSERT(strstr(err, "tasks[0].kind") != NULL);
    cJSON_Delete(w);
    /* A count no long holds is clamped, never cast out of range (UBSan aborts on that). */
    w = cJSON_Parse("{\"tasks\": [{\"kind\": \"inline\", \"tokens_in\": 1e300}]}");
    r = simulate_run(cfg, w, err, sizeof err);
    ASSERT(r != NULL);
    double tokens_in = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(r, "models")) tokens_in += num(m, "tokens_in");
    ASSERT_NEAR(tokens_in, 1e15, 1);
    cJSON_Delete(r);
    cJSON_Delete(w);
    config_unref(cfg);
}

TEST(status_payload_fields)
{
    char dir[] = "/tmp/sb-status-XXXXXX";
    ASSERT(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/l.jsonl", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    struct ledger *l = ledger_open(&loop, path, 0, 3, err, sizeof err);
    uv_timeval64_t tv;
    uv_gettimeofday(&tv);
    int64_t now = tv.tv_sec * 1000LL;
    int64_t midnight = now - now % (24LL * 3600 * 1000);   /* UTC, as daily budgets count */
    struct ledger_entry e = { .time_ms = now, .model = "fast", .provider = "p", .outcome = "ok",
                              .attempt = 1, .first_token_ms = -1, .cost_usd = 0.25 };
    ledger_record(l, &e);
    e.time_ms = midnight - 2 * 3600 * 1000;   /* yesterday: not today's spend */
    ledger_record(l, &e);
    cJSON *breakers = cJSON_CreateObject();
    cJSON_AddStringToObject(breakers, "fast", "open");
    cJSON *p = status_payload(l, "fast", 2, breakers, now);
    ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "model")), "fast");
    ASSERT_EQ(num(p, "in_flight"), 2);
    ASSERT_NEAR(num(p, "spend_today_usd"), 0.25, 1e-12);
    ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                     cJSON_GetObjectItemCaseSensitive(p, "breakers"), "fast")), "open");
    cJSON_Delete(p);
    p = status_payload(NULL, NULL, 0, NULL, now);
    ASSERT(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "model")));
    ASSERT(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(p, "breakers")));
    cJSON_Delete(p);
    ledger_close(l);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    unlink(path);
    rmdir(dir);
    free(path);
}

/* An explicit trigger asks for three candidates: three runs under one editor request
 * id, candidates 1 and 2 marked in the ledger. The user saw one suggestion list and
 * accepted one item: one request, one answer, one acceptance (not 1/3). Then the same
 * id in a later session (ids restart) is another editor request. */
TEST(stats_count_candidates_as_one_editor_request)
{
    char path[] = "/tmp/sb-stats-cand-XXXXXX";
    int fd = mkstemp(path);
    ASSERT(fd >= 0);
    static const char lines[] =
        "{\"time\":\"2026-11-27T21:00:00.100Z\",\"request_id\":\"7\",\"attempt_id\":\"c-1\",\"task\":\"inline\",\"trigger\":\"invoked\",\"route\":\"r\",\"model\":\"fast\",\"provider\":\"p\",\"attempt\":1,\"candidate\":1,\"outcome\":\"ok\",\"status\":200,\"first_token_ms\":90,\"total_ms\":120,\"tokens_in\":100,\"tokens_out\":5,\"cost_usd\":0.001}\n"
        "{\"time\":\"2026-11-27T21:00:00.110Z\",\"request_id\":\"7\",\"attempt_id\":\"c-0\",\"task\":\"inline\",\"trigger\":\"invoked\",\"route\":\"r\",\"model\":\"fast\",\"provider\":\"p\",\"attempt\":1,\"outcome\":\"ok\",\"status\":200,\"first_token_ms\":95,\"total_ms\":130,\"tokens_in\":100,\"tokens_out\":5,\"cost_usd\":0.001}\n"
        "{\"time\":\"2026-11-27T21:00:00.120Z\",\"request_id\":\"7\",\"attempt_id\":\"c-2\",\"task\":\"inline\",\"trigger\":\"invoked\",\"route\":\"r\",\"model\":\"fast\",\"provider\":\"p\",\"attempt\":1,\"candidate\":2,\"outcome\":\"ok\",\"status\":200,\"first_token_ms\":99,\"total_ms\":140,\"tokens_in\":100,\"tokens_out\":5,\"cost_usd\":0.001}\n"
        "{\"time\":\"2026-11-27T21:00:01.000Z\",\"accept\":\"c-2\"}\n"
        "{\"time\":\"2026-11-27T22:00:00.000Z\",\"request_id\":\"7\",\"attempt_id\":\"d-0\",\"task\":\"inline\",\"trigger\":\"automatic\",\"route\":\"r\",\"model\":\"fast\",\"provider\":\"p\",\"attempt\":1,\"outcome\":\"ok\",\"status\":200,\"first_token_ms\":80,\"total_ms\":100,\"tokens_in\":100,\"tokens_out\":5,\"cost_usd\":0.001}\n";
    ASSERT_EQ(write(fd, lines, sizeof lines - 1), (ssize_t)(sizeof lines - 1));
    close(fd);
    cJSON *s = stats_summary_json(path, NULL, 0, "model");
    unlink(path);
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(s, "total");
    ASSERT_EQ(num(total, "attempts"), 4);          /* every upstream attempt still counts */
    ASSERT_EQ(num(total, "requests"), 2);          /* two editor requests */
    ASSERT_EQ(num(total, "inline_ok"), 2);
    ASSERT_EQ(num(total, "accepted"), 1);
    ASSERT_NEAR(num(total, "acceptance_rate"), 0.5, 1e-9);
    ASSERT_NEAR(num(total, "success_rate"), 1.0, 1e-9);
    cJSON_Delete(s);
}
