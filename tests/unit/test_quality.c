/* Adaptive routing: the quality estimates folded from ledger lines (router/quality)
 * and the choice they drive (router/adaptive, and through the planner). */
#include "tests/unit/test.h"
#include "tests/unit/router_testcfg.h"
#include "router/adaptive.h"
#include "router/plan.h"
#include "router/quality.h"
#include <stdio.h>
#include <string.h>

#define T0 "2026-12-01T10:00:00.000Z"
#define T0_MS 1796119200000LL
#define ALL_TIME 0, INT64_MAX

static void attempt(struct quality_table *q, const char *id, const char *task, const char *lang,
                    const char *model, const char *outcome, double cost)
{
    char line[512];
    snprintf(line, sizeof line,
             "{\"time\":\"" T0 "\",\"attempt_id\":\"%s\",\"task\":\"%s\",%s%s%s\"model\":\"%s\","
             "\"provider\":\"p\",\"outcome\":\"%s\",\"cost_usd\":%g,\"accepted\":false}",
             id, task, lang ? "\"language\":\"" : "", lang ? lang : "", lang ? "\"," : "", model,
             outcome, cost);
    ASSERT(quality_note_line(q, line, ALL_TIME));
}

static bool send_signal(struct quality_table *q, const char *name, const char *id, long chars, long of)
{
    char line[256];
    snprintf(line, sizeof line, "{\"time\":\"" T0 "\",\"signal\":\"%s\",\"attempt_id\":\"%s\","
             "\"chars\":%ld,\"of\":%ld}", name, id, chars, of);
    return quality_note_line(q, line, ALL_TIME);
}

static bool accept_line(struct quality_table *q, const char *id)
{
    char line[128];
    snprintf(line, sizeof line, "{\"time\":\"" T0 "\",\"accept\":\"%s\"}", id);
    return quality_note_line(q, line, ALL_TIME);
}

/* n delivered inline answers of model for lang, the first `kept` accepted. */
static void history(struct quality_table *q, const char *model, const char *lang, int n, int kept,
                    double cost)
{
    for (int i = 0; i < n; i++) {
        char id[48];
        snprintf(id, sizeof id, "%s-%s-%d", model, lang, i);
        attempt(q, id, "inline", lang, model, "ok", cost);
        if (i < kept) ASSERT(accept_line(q, id));
    }
}

TEST(quality_acceptance_is_counted_per_task_language_and_model)
{
    struct quality_table *q = quality_new();
    history(q, "cheap", "python", 10, 5, 0.0001);
    history(q, "cheap", "go", 10, 1, 0.0001);
    struct quality_estimate e;
    ASSERT(quality_lookup(q, "inline", "python", "cheap", &e));
    ASSERT_EQ(e.delivered, 10);
    ASSERT_EQ(e.accepted, 5);
    ASSERT_NEAR(e.quality, (5.0 + 1) / (10 + 2), 1e-9);
    ASSERT_NEAR(e.cost_per_request, 0.0001, 1e-12);
    ASSERT(quality_lookup(q, "inline", "go", "cheap", &e));
    ASSERT_NEAR(e.quality, (1.0 + 1) / (10 + 2), 1e-9);
    ASSERT(!quality_lookup(q, "refactor", "python", "cheap", &e));
    ASSERT_NEAR(e.quality, 0.5, 1e-9);   /* the prior */
    ASSERT_EQ(e.delivered, 0);
    ASSERT_EQ(quality_key_count(q), 2);
    quality_free(q);
}

TEST(quality_failed_attempts_cost_but_deliver_nothing)
{
    struct quality_table *q = quality_new();
    attempt(q, "a1", "inline", NULL, "m", "timeout", 0.002);
    attempt(q, "a2", "inline", NULL, "m", "ok", 0.001);
    struct quality_estimate e;
    ASSERT(quality_lookup(q, "inline", NULL, "m", &e));
    ASSERT_EQ(e.delivered, 1);
    ASSERT_NEAR(e.cost_usd, 0.003, 1e-12);
    ASSERT_NEAR(e.cost_per_request, 0.003, 1e-12);
    ASSERT(!accept_line(q, "a1"));   /* a failed attempt delivered nothing to accept */
    quality_free(q);
}

TEST(quality_partial_then_full_acceptance_counts_once)
{
    struct quality_table *q = quality_new();
    attempt(q, "a1", "inline", "c", "m", "ok", 0);
    ASSERT(send_signal(q, "partial", "a1", 4, 0));
    struct quality_estimate e;
    quality_lookup(q, "inline", "c", "m", &e);
    ASSERT_EQ(e.partial, 1);
    ASSERT_NEAR(e.quality, (0.5 + 1) / 3, 1e-9);
    ASSERT(send_signal(q, "partial", "a1", 9, 0));   /* a second word: still one partial */
    quality_lookup(q, "inline", "c", "m", &e);
    ASSERT_EQ(e.partial, 1);
    ASSERT(accept_line(q, "a1"));               /* then the rest */
    quality_lookup(q, "inline", "c", "m", &e);
    ASSERT_EQ(e.partial, 0);
    ASSERT_EQ(e.accepted, 1);
    ASSERT_NEAR(e.quality, 2.0 / 3, 1e-9);
    quality_free(q);
}

TEST(quality_retention_scales_an_acceptance)
{
    struct quality_table *q = quality_new();
    attempt(q, "a1", "inline", "c", "m", "ok", 0);
    ASSERT(accept_line(q, "a1"));
    ASSERT(send_signal(q, "retained", "a1", 10, 40));
    struct quality_estimate e;
    quality_lookup(q, "inline", "c", "m", &e);
    ASSERT_NEAR(e.quality, (0.25 + 1) / 3, 1e-9);
    ASSERT_NEAR(e.retained_chars, 10, 1e-9);
    ASSERT(send_signal(q, "retained", "a1", 40, 40));   /* measured again: replaces, not adds */
    quality_lookup(q, "inline", "c", "m", &e);
    ASSERT_NEAR(e.retained_chars, 40, 1e-9);
    ASSERT_NEAR(e.quality, 2.0 / 3, 1e-9);
    ASSERT(!send_signal(q, "retained", "a1", -1, 40));  /* nonsense counts change nothing */
    quality_free(q);
}

TEST(quality_reverted_and_retried_actions_are_worth_nothing)
{
    struct quality_table *q = quality_new();
    attempt(q, "r1", "refactor", "py", "strong", "ok", 0.01);
    attempt(q, "r2", "refactor", "py", "strong", "ok", 0.01);
    attempt(q, "r3", "refactor", "py", "strong", "ok", 0.01);
    ASSERT(send_signal(q, "applied", "r1", 0, 0));
    ASSERT(send_signal(q, "applied", "r2", 0, 0));
    ASSERT(send_signal(q, "reverted", "r2", 0, 0));
    ASSERT(send_signal(q, "retry_stronger", "r3", 0, 0));
    struct quality_estimate e;
    quality_lookup(q, "refactor", "py", "strong", &e);
    ASSERT_NEAR(e.quality, (1.0 + 1) / (3 + 2), 1e-9);
    quality_free(q);
}

TEST(quality_ignores_lines_outside_the_window_unknown_ids_and_garbage)
{
    struct quality_table *q = quality_new();
    const char *line = "{\"time\":\"" T0 "\",\"attempt_id\":\"x\",\"task\":\"inline\",\"model\":\"m\","
                       "\"outcome\":\"ok\",\"cost_usd\":0}";
    ASSERT(!quality_note_line(q, line, T0_MS + 1, INT64_MAX));   /* before the window */
    ASSERT(!quality_note_line(q, line, 0, T0_MS));               /* at the replay's cut-off */
    ASSERT(quality_note_line(q, line, T0_MS, T0_MS + 1));
    ASSERT(!accept_line(q, "no-such-attempt"));
    ASSERT(!send_signal(q, "shown", "x", 0, 0));                      /* no change to the value */
    ASSERT(!quality_note_line(q, "{not json", ALL_TIME));
    ASSERT(!quality_note_line(q, "[1,2]", ALL_TIME));
    ASSERT(!quality_note_line(q, "{\"time\":\"yesterday\",\"model\":\"m\"}", ALL_TIME));
    ASSERT(!quality_note_line(q, "{\"time\":\"" T0 "\",\"signal\":\"accepted\"}", ALL_TIME));
    ASSERT(!quality_note_line(q, NULL, ALL_TIME));
    quality_free(q);
}

TEST(quality_forgets_attempts_beyond_its_bound_but_keeps_their_counts)
{
    struct quality_table *q = quality_new();
    attempt(q, "first", "inline", "c", "m", "ok", 0);
    for (int i = 0; i < 9000; i++) {
        char id[32];
        snprintf(id, sizeof id, "n%d", i);
        attempt(q, id, "inline", "c", "m", "ok", 0);
    }
    ASSERT(!accept_line(q, "first"));   /* evicted: memory stays bounded */
    ASSERT(accept_line(q, "n8999"));
    struct quality_estimate e;
    quality_lookup(q, "inline", "c", "m", &e);
    ASSERT_EQ(e.delivered, 9001);
    ASSERT_EQ(e.accepted, 1);
    quality_free(q);
}

TEST(quality_keys_survive_table_growth)
{
    struct quality_table *q = quality_new();
    char model[32], id[32];
    for (int i = 0; i < 200; i++) {
        snprintf(model, sizeof model, "m%d", i);
        snprintf(id, sizeof id, "id%d", i);
        attempt(q, id, "inline", "c", model, "ok", 0);
    }
    ASSERT(accept_line(q, "id3"));   /* the attempt still points at its (moved) key */
    struct quality_estimate e;
    ASSERT(quality_lookup(q, "inline", "c", "m3", &e));
    ASSERT_EQ(e.accepted, 1);
    ASSERT(quality_lookup(q, "inline", "c", "m199", &e));
    ASSERT_EQ(quality_key_count(q), 200);
    quality_free(q);
}

/* cheap ($0.28/$0.42) and strong ($3/$15), both with keys; one adaptive rule. */
static struct config *two_models(struct route_rule **rule)
{
    struct config *c = tcfg_new();
    size_t p = tcfg_provider(c, "p", "openai", "http://127.0.0.1:1", NULL, NULL, 0);
    tcfg_model(c, "strong", p, 3.0, 15.0, 200000);
    tcfg_model(c, "cheap", p, 0.28, 0.42, 64000);
    *rule = tcfg_route(c, "adaptive", STRATEGY_ADAPTIVE, (const char *[]){ "strong", "cheap", NULL });
    (*rule)->quality_floor = 0.9;
    (*rule)->explore = 0.05;
    (*rule)->min_observations = 20;
    return c;
}

static struct task inline_task(const char *lang)
{
    struct task t = { 0 };
    t.kind = TASK_INLINE;
    t.language = (char *)lang;
    t.prompt_tokens_estimate = 500;
    return t;
}

static const char *first_of(const struct config *c, const struct route_rule *r,
                            const struct adaptive_pick *p)
{
    return c->models[r->targets[p->order[0]]].name;
}

TEST(adaptive_uses_config_order_until_every_target_has_enough_answers)
{
    struct route_rule *r;
    struct config *c = two_models(&r);
    struct quality_table *q = quality_new();
    history(q, "cheap", "python", 100, 90, 0.00001);
    history(q, "strong", "python", 19, 19, 0.001);   /* one short of trusted */
    struct task t = inline_task("python");
    struct adaptive_pick p;
    adaptive_pick(q, c, r, &t, 0.5, &p);
    ASSERT_EQ(p.why, ADAPTIVE_LEARNING);
    ASSERT_STREQ(first_of(c, r, &p), "strong");
    ASSERT_EQ(p.count, 2);
    adaptive_pick(NULL, c, r, &t, 0.5, &p);          /* nothing learned at all */
    ASSERT_STREQ(first_of(c, r, &p), "strong");
    quality_free(q);
    tcfg_free(c);
}

TEST(adaptive_picks_the_cheapest_within_the_floor_per_language)
{
    struct route_rule *r;
    struct config *c = two_models(&r);
    struct quality_table *q = quality_new();
    history(q, "strong", "python", 100, 60, 0.001);
    history(q, "cheap", "python", 100, 58, 0.00001);  /* as good, 100x cheaper */
    history(q, "strong", "rust", 100, 60, 0.001);
    history(q, "cheap", "rust", 100, 20, 0.00001);    /* clearly worse */
    struct adaptive_pick p;
    struct task py = inline_task("python"), rs = inline_task("rust");
    adaptive_pick(q, c, r, &py, 0.5, &p);
    ASSERT_EQ(p.why, ADAPTIVE_CHEAPEST);
    ASSERT_STREQ(first_of(c, r, &p), "cheap");
    ASSERT_STREQ(c->models[r->targets[p.order[1]]].name, "strong");   /* still the fallback */
    adaptive_pick(q, c, r, &rs, 0.5, &p);
    ASSERT_EQ(p.why, ADAPTIVE_CHEAPEST);
    ASSERT_STREQ(first_of(c, r, &p), "strong");
    r->quality_floor = 0.3;                           /* a user who cares mostly about cost */
    adaptive_pick(q, c, r, &rs, 0.5, &p);
    ASSERT_STREQ(first_of(c, r, &p), "cheap");
    quality_free(q);
    tcfg_free(c);
}

TEST(adaptive_explores_a_bounded_share)
{
    struct route_rule *r;
    struct config *c = two_models(&r);
    struct quality_table *q = quality_new();
    history(q, "strong", "python", 100, 60, 0.001);
    history(q, "cheap", "python", 100, 10, 0.00001);
    struct task t = inline_task("python");
    struct adaptive_pick p;
    int explored = 0;
    for (int i = 0; i < 1000; i++) {
        adaptive_pick(q, c, r, &t, (i + 0.5) / 1000.0, &p);
        if (p.why == ADAPTIVE_EXPLORE) {
            explored++;
            ASSERT_STREQ(first_of(c, r, &p), "cheap");
        } else {
            ASSERT_STREQ(first_of(c, r, &p), "strong");
        }
    }
    ASSERT_EQ(explored, 50);   /* exactly the draws below explore = 0.05 */
    r->explore = 0;
    adaptive_pick(q, c, r, &t, 0.0, &p);
    ASSERT_EQ(p.why, ADAPTIVE_CHEAPEST);
    quality_free(q);
    tcfg_free(c);
}

TEST(adaptive_learning_explores_the_least_observed_target)
{
    struct route_rule *r;
    struct config *c = two_models(&r);
    struct quality_table *q = quality_new();
    history(q, "strong", "python", 5, 5, 0.001);
    struct task t = inline_task("python");
    struct adaptive_pick p;
    adaptive_pick(q, c, r, &t, 0.01, &p);
    ASSERT_EQ(p.why, ADAPTIVE_EXPLORE);
    ASSERT_STREQ(first_of(c, r, &p), "cheap");
    quality_free(q);
    tcfg_free(c);
}

TEST(adaptive_plan_orders_targets_but_every_check_still_applies)
{
    struct route_rule *r;
    struct config *c = two_models(&r);
    struct quality_table *q = quality_new();
    history(q, "strong", "python", 100, 60, 0.001);
    history(q, "cheap", "python", 100, 58, 0.00001);
    struct route_state st;
    route_state_init(&st, c, NULL, 1795780800000ULL, NULL, NULL);
    st.quality = q;
    struct task t = inline_task("python");
    struct route_plan plan;
    ASSERT_EQ(route_plan_compute(&st, &t, 1795780800000ULL, 0.5, &plan), 0);
    ASSERT_EQ(plan.strategy, STRATEGY_ADAPTIVE);
    ASSERT_STREQ(c->models[plan.entries[0].model].name, "cheap");
    ASSERT(strstr(plan.entries[0].reason, "adaptive: cheapest") != NULL);
    ASSERT_STREQ(c->models[plan.entries[1].model].name, "strong");
    ASSERT(strstr(plan.entries[1].reason, "fallback") != NULL);
    /* The chosen target's context window is too small: skipped, the other serves. */
    c->models[1].context_window = 100;
    ASSERT_EQ(route_plan_compute(&st, &t, 1795780800000ULL, 0.5, &plan), 0);
    ASSERT(plan.entries[0].skipped);
    ASSERT_STREQ(plan.entries[0].code, "context");
    ASSERT(!plan.entries[1].skipped);
    ASSERT_STREQ(c->models[plan.entries[1].model].name, "strong");
    route_state_free(&st);
    quality_free(q);
    tcfg_free(c);
}

/* An attempt line of an explicit trigger's candidate k (0: the first, no field). */
static void candidate_line(struct quality_table *q, const char *request, const char *id, int k)
{
    char line[512], field[32] = "";
    if (k > 0) snprintf(field, sizeof field, "\"candidate\":%d,", k);
    snprintf(line, sizeof line,
             "{\"time\":\"" T0 "\",\"request_id\":\"%s\",\"attempt_id\":\"%s\",\"task\":\"inline\","
             "\"trigger\":\"invoked\",%s\"model\":\"m\",\"provider\":\"p\",\"outcome\":\"ok\","
             "\"cost_usd\":0.001,\"accepted\":false}", request, id, field);
    ASSERT(quality_note_line(q, line, ALL_TIME));
}

TEST(quality_counts_an_explicit_triggers_candidates_as_one_delivery)
{
    /* Four explicit triggers with three candidates each; the user took the third
     * candidate of the first and the first of the second. Per editor request that is 2
     * of 4: (2 + 1) / (4 + 2) = 0.5. Counting every candidate line as a delivery (the
     * old fold) gave 12 deliveries and, with the extra candidate's acceptance on its
     * own line, (2 + 1) / (12 + 2) = 0.21: a model looked worse the more candidates the
     * editor asked for. */
    struct quality_table *q = quality_new();
    for (int r = 0; r < 4; r++) {
        char request[16];
        snprintf(request, sizeof request, "%d", r + 1);
        for (int k = 0; k < 3; k++) {
            char id[32];
            snprintf(id, sizeof id, "c%d-%d", r, k);
            candidate_line(q, request, id, k);
        }
    }
    ASSERT(accept_line(q, "c0-2"));
    ASSERT(accept_line(q, "c1-0"));
    ASSERT(accept_line(q, "c1-1"));   /* a second item of one request: still one acceptance */
    struct quality_estimate e;
    ASSERT(quality_lookup(q, "inline", NULL, "m", &e));
    ASSERT_EQ(e.delivered, 4);
    ASSERT_EQ(e.accepted, 2);
    ASSERT_NEAR(e.quality, (2.0 + 1) / (4 + 2), 1e-9);
    ASSERT_NEAR(e.cost_usd, 0.012, 1e-12);           /* every candidate is paid for */
    ASSERT_NEAR(e.cost_per_request, 0.003, 1e-12);   /* per editor request */
    /* Request ids restart with a session: a later "1" is another request. */
    candidate_line(q, "1", "d0-0", 0);
    candidate_line(q, "1", "d0-1", 1);
    ASSERT(accept_line(q, "d0-1"));
    ASSERT(quality_lookup(q, "inline", NULL, "m", &e));
    ASSERT_EQ(e.delivered, 5);
    ASSERT_EQ(e.accepted, 3);
    /* An extra candidate whose request's first is unknown changes nothing. */
    candidate_line(q, "99", "x-1", 1);
    ASSERT(!accept_line(q, "x-1"));
    quality_free(q);
}

TEST(quality_counts_one_request_for_several_candidates_as_one_delivery)
{
    /* Candidates in one request (the API's n): one attempt line with "candidates", and
     * the accepted item's line names the attempt plus its candidate index. */
    struct quality_table *q = quality_new();
    ASSERT(quality_note_line(q,
        "{\"time\":\"" T0 "\",\"request_id\":\"1\",\"attempt_id\":\"n-1\",\"task\":\"inline\","
        "\"trigger\":\"invoked\",\"model\":\"m\",\"provider\":\"p\",\"attempt\":1,\"candidates\":3,"
        "\"outcome\":\"ok\",\"cost_usd\":0.002,\"accepted\":false}", ALL_TIME));
    ASSERT(quality_note_line(q, "{\"time\":\"" T0 "\",\"accept\":\"n-1\",\"candidate\":2}", ALL_TIME));
    struct quality_estimate e;
    ASSERT(quality_lookup(q, "inline", NULL, "m", &e));
    ASSERT_EQ(e.delivered, 1);
    ASSERT_EQ(e.accepted, 1);
    ASSERT_NEAR(e.cost_per_request, 0.002, 1e-12);   /* billed once */
    quality_free(q);
}

TEST(quality_applied_then_retried_on_a_stronger_model_is_worth_nothing)
{
    struct quality_table *q = quality_new();
    attempt(q, "r1", "refactor", "py", "cheap", "ok", 0.001);
    attempt(q, "r2", "refactor", "py", "cheap", "ok", 0.001);
    ASSERT(send_signal(q, "applied", "r1", 0, 0));
    ASSERT(send_signal(q, "applied", "r2", 0, 0));
    struct quality_estimate e;
    quality_lookup(q, "refactor", "py", "cheap", &e);
    ASSERT_NEAR(e.quality, (2.0 + 1) / (2 + 2), 1e-9);
    ASSERT(send_signal(q, "retry_stronger", "r2", 0, 0));   /* applied, then retried */
    quality_lookup(q, "refactor", "py", "cheap", &e);
    ASSERT_NEAR(e.quality, (1.0 + 1) / (2 + 2), 1e-9);
    ASSERT_EQ(e.accepted, 2);   /* it was applied; its value is what changed */
    quality_free(q);
}

/* Outcomes the server inferred from the document ("inferred":true, written when the
 * editor ran no command) count exactly as the ones the editor reported. */
TEST(quality_inferred_lines_count_as_reported_ones)
{
    struct quality_table *told = quality_new(), *inferred = quality_new();
    struct quality_table *tables[2] = { told, inferred };
    for (int t = 0; t < 2; t++) {
        const char *mark = t ? ",\"inferred\":true" : "";
        char line[256];
        attempt(tables[t], "a1", "inline", "c", "m", "ok", 0);
        attempt(tables[t], "a2", "inline", "c", "m", "ok", 0);
        attempt(tables[t], "a3", "inline", "c", "m", "ok", 0);
        snprintf(line, sizeof line, "{\"time\":\"" T0 "\",\"accept\":\"a1\"%s}", mark);
        ASSERT(quality_note_line(tables[t], line, ALL_TIME));
        snprintf(line, sizeof line, "{\"time\":\"" T0 "\",\"signal\":\"partial\",\"attempt_id\":\"a2\","
                 "\"chars\":5%s}", mark);
        ASSERT(quality_note_line(tables[t], line, ALL_TIME));
        snprintf(line, sizeof line, "{\"time\":\"" T0 "\",\"signal\":\"rejected\",\"attempt_id\":\"a3\"%s}", mark);
        quality_note_line(tables[t], line, ALL_TIME);
    }
    struct quality_estimate a, b;
    ASSERT(quality_lookup(told, "inline", "c", "m", &a));
    ASSERT(quality_lookup(inferred, "inline", "c", "m", &b));
    ASSERT_EQ(b.accepted, 1);
    ASSERT_EQ(b.partial, 1);
    ASSERT_EQ(a.accepted, b.accepted);
    ASSERT_EQ(a.partial, b.partial);
    ASSERT_NEAR(a.quality, b.quality, 1e-12);
    ASSERT_NEAR(b.quality, (1 + 0.5 + 1) / (3 + 2), 1e-9);
    quality_free(told);
    quality_free(inferred);
}
