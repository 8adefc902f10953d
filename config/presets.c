/* Preset expansion (see presets.h). Works on model indexes: rank, filter, and emit
 * route objects that go through the same validation as hand-written routes. */
#include "config/presets.h"
#include "config/config_internal.h"
#include "providers/http.h"
#include "providers/http_policy.h"
#include <stdio.h>
#include <string.h>

#define MAX_TARGETS 4
#define ROUTE_PLAN_MAX_PRESET 32

const char *const preset_names[] = {
    "primary-budget-fallback", "speed-depth", "provider-diversity", "selfhost-premium", NULL,
};

struct ranking {
    size_t idx[ROUTE_PLAN_MAX_PRESET];
    size_t count;
};

static double blended_cost(const struct model_spec *m)
{
    double in = m->price.input > 0 ? m->price.input : 0;
    double out = m->price.output > 0 ? m->price.output : 0;
    return (3 * in + out) / 4;   /* coding prompts are input-heavy */
}

static double strength(const struct model_spec *m)
{
    return m->price.output > 0 ? m->price.output : 0;
}

static bool is_local(const struct model_spec *m)
{
    return config_kind_is_local(m->provider_kind);
}

/* Sorts r by key (ascending, or descending when desc); stable, ties keep config order.
 * Local models always sort after remote ones: they are the offline fallback. */
static void rank(const struct config *cfg, struct ranking *r, double (*key)(const struct model_spec *),
                 bool desc, bool local_last)
{
    for (size_t i = 1; i < r->count; i++) {
        size_t v = r->idx[i], j = i;
        while (j > 0) {
            const struct model_spec *a = &cfg->models[r->idx[j - 1]], *b = &cfg->models[v];
            bool after;   /* a must come after b */
            if (local_last && is_local(a) != is_local(b)) after = is_local(a);
            else after = desc ? key(a) < key(b) : key(a) > key(b);
            if (!after) break;
            r->idx[j] = r->idx[j - 1];
            j--;
        }
        r->idx[j] = v;
    }
}

/* Declared for the Zeta next-edit prompt: a model trained for next-edit prediction. */
static bool is_zeta(const struct model_spec *m) { return m->next_edit_format == NEXT_EDIT_ZETA; }

enum pick { PICK_FIM, PICK_CHAT, PICK_LOCAL_CHAT, PICK_REMOTE_CHAT, PICK_NEXT_EDIT };

static void collect(const struct config *cfg, struct ranking *r, enum pick pick)
{
    r->count = 0;
    for (size_t i = 0; i < cfg->model_count && r->count < ROUTE_PLAN_MAX_PRESET; i++) {
        const struct model_spec *m = &cfg->models[i];
        /* a model trained for next-edit prediction does nothing else well */
        if (pick != PICK_NEXT_EDIT && is_zeta(m)) continue;
        bool take = pick == PICK_FIM ? config_model_fim_capable(m)
                  : pick == PICK_CHAT ? config_model_chat_capable(m)
                  : pick == PICK_LOCAL_CHAT ? config_model_chat_capable(m) && is_local(m)
                  : pick == PICK_NEXT_EDIT ? config_model_chat_capable(m) || is_zeta(m)
                  : config_model_chat_capable(m) && !is_local(m);
        if (take) r->idx[r->count++] = i;
    }
}

/* Drops models that think before the first token (config_model_thinks: reasoning
 * above "minimal" effort) unless nothing else is left: far too slow for completion
 * as you type. */
static void drop_reasoning(const struct config *cfg, struct ranking *r)
{
    struct ranking out = { .count = 0 };
    for (size_t i = 0; i < r->count; i++)
        if (!config_model_thinks(&cfg->models[r->idx[i]])) out.idx[out.count++] = r->idx[i];
    if (out.count) *r = out;
}

/* Stable partition: the models for which pred holds go to the front. */
static void to_front(const struct config *cfg, struct ranking *r, bool (*pred)(const struct model_spec *))
{
    struct ranking out = { .count = 0 };
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->count; i++)
            if (pred(&cfg->models[r->idx[i]]) == (pass == 0)) out.idx[out.count++] = r->idx[i];
    *r = out;
}

/* Inline: FIM-capable by cost, local last; with none, the cheapest chat models. */
static void inline_ranking(const struct config *cfg, struct ranking *r, bool local_first)
{
    collect(cfg, r, PICK_FIM);
    if (r->count == 0) {
        collect(cfg, r, PICK_CHAT);
        drop_reasoning(cfg, r);
    }
    rank(cfg, r, blended_cost, false, !local_first);
    if (local_first) to_front(cfg, r, is_local);
}

/* Next edit answers at once like inline (task_answers_at_once) but rewrites a region:
 * chat models and those declared for the Zeta prompt, never FIM-only APIs. The
 * cheapest that do not think first, local last (first when local_first); models
 * trained for next-edit prediction (next_edit_format "zeta") ahead of all. */
static void next_edit_ranking(const struct config *cfg, struct ranking *r, bool local_first)
{
    collect(cfg, r, PICK_NEXT_EDIT);
    drop_reasoning(cfg, r);
    rank(cfg, r, blended_cost, false, !local_first);
    if (local_first) to_front(cfg, r, is_local);
    to_front(cfg, r, is_zeta);
}

static void depth_ranking(const struct config *cfg, struct ranking *r)
{
    collect(cfg, r, PICK_CHAT);
    rank(cfg, r, strength, true, true);
}

static void vendor_of(const struct model_spec *m, char *out, size_t n)
{
    int port;
    bool https;
    if (!http_url_parts(m->base_url, out, n, &port, &https)) snprintf(out, n, "%s", m->base_url);
    size_t len = strlen(out);
    snprintf(out + len, n - len, ":%d", port);
}

/* Keeps the order but moves each vendor's first model ahead of any vendor's second. */
static void diversify(const struct config *cfg, struct ranking *r)
{
    struct ranking out = { .count = 0 };
    bool used[ROUTE_PLAN_MAX_PRESET] = { false };
    while (out.count < r->count) {
        char seen[ROUTE_PLAN_MAX_PRESET][128];
        size_t seen_count = 0;
        for (size_t i = 0; i < r->count; i++) {
            if (used[i]) continue;
            char v[128];
            vendor_of(&cfg->models[r->idx[i]], v, sizeof v);
            bool dup = false;
            for (size_t s = 0; s < seen_count && !dup; s++) dup = strcmp(seen[s], v) == 0;
            if (dup) continue;
            snprintf(seen[seen_count++], sizeof seen[0], "%s", v);
            used[i] = true;
            out.idx[out.count++] = r->idx[i];
        }
    }
    *r = out;
}

static void append_unique(struct ranking *r, const struct ranking *more)
{
    for (size_t i = 0; i < more->count && r->count < ROUTE_PLAN_MAX_PRESET; i++) {
        bool have = false;
        for (size_t j = 0; j < r->count && !have; j++) have = r->idx[j] == more->idx[i];
        if (!have) r->idx[r->count++] = more->idx[i];
    }
}

static void add_route(const struct config *cfg, cJSON *routes, const char *name,
                      const char *const *tasks, const struct ranking *r)
{
    if (r->count == 0) return;
    cJSON *rule = cJSON_CreateObject();
    cJSON_AddStringToObject(rule, "name", name);
    cJSON *when = cJSON_AddObjectToObject(rule, "when");
    if (tasks) cJSON_AddItemToObject(when, "task", cJSON_CreateStringArray(tasks, (int)cfg_strv_len((char *const *)tasks)));
    cJSON *targets = cJSON_AddArrayToObject(rule, "targets");
    for (size_t i = 0; i < r->count && i < MAX_TARGETS; i++)
        cJSON_AddItemToArray(targets, cJSON_CreateString(cfg->models[r->idx[i]].name));
    cJSON_AddItemToArray(routes, rule);
}

static const char *const inline_task[] = { "inline", NULL };
static const char *const next_edit_task[] = { "next_edit", NULL };
static const char *const light_tasks[] = { "docs", "explain", NULL };

static void expand_primary_budget(const struct config *cfg, cJSON *routes)
{
    struct ranking in, ne, depth, cheap, pair = { .count = 0 };
    inline_ranking(cfg, &in, false);
    next_edit_ranking(cfg, &ne, false);
    depth_ranking(cfg, &depth);
    cheap = depth;
    rank(cfg, &cheap, blended_cost, false, false);
    if (depth.count) pair.idx[pair.count++] = depth.idx[0];
    append_unique(&pair, &cheap);
    pair.count = pair.count > 2 ? 2 : pair.count;
    add_route(cfg, routes, "primary-budget-fallback: inline", inline_task, &in);
    add_route(cfg, routes, "primary-budget-fallback: next edit", next_edit_task, &ne);
    add_route(cfg, routes, "primary-budget-fallback: primary then budget", NULL, &pair);
}

static void expand_selfhost(const struct config *cfg, cJSON *routes, char *note, size_t notelen)
{
    struct ranking in, ne, local, remote, light, heavy;
    inline_ranking(cfg, &in, true);
    next_edit_ranking(cfg, &ne, true);
    collect(cfg, &local, PICK_LOCAL_CHAT);
    collect(cfg, &remote, PICK_REMOTE_CHAT);
    rank(cfg, &remote, strength, true, false);
    if (local.count == 0)
        snprintf(note, notelen, "preset selfhost-premium: no local model (kind ollama or "
                 "llamacpp) is configured, so every route uses remote models");
    light = local;
    append_unique(&light, &remote);
    heavy = remote;
    append_unique(&heavy, &local);
    add_route(cfg, routes, "selfhost-premium: inline", inline_task, &in);
    add_route(cfg, routes, "selfhost-premium: next edit", next_edit_task, &ne);
    add_route(cfg, routes, "selfhost-premium: light tasks", light_tasks, &light);
    add_route(cfg, routes, "selfhost-premium: premium", NULL, &heavy);
}

cJSON *preset_routes(const struct config *cfg, const char *preset, char *note, size_t notelen)
{
    cJSON *routes = cJSON_CreateArray();
    note[0] = '\0';
    struct ranking in, ne, depth;
    if (strcmp(preset, "primary-budget-fallback") == 0) {
        expand_primary_budget(cfg, routes);
    } else if (strcmp(preset, "selfhost-premium") == 0) {
        expand_selfhost(cfg, routes, note, notelen);
    } else if (strcmp(preset, "provider-diversity") == 0) {
        inline_ranking(cfg, &in, false);
        next_edit_ranking(cfg, &ne, false);
        depth_ranking(cfg, &depth);
        diversify(cfg, &in);
        diversify(cfg, &ne);
        diversify(cfg, &depth);
        add_route(cfg, routes, "provider-diversity: inline", inline_task, &in);
        add_route(cfg, routes, "provider-diversity: next edit", next_edit_task, &ne);
        add_route(cfg, routes, "provider-diversity: actions", NULL, &depth);
    } else {   /* speed-depth, also the default when no routes are written */
        inline_ranking(cfg, &in, false);
        next_edit_ranking(cfg, &ne, false);
        depth_ranking(cfg, &depth);
        add_route(cfg, routes, "speed-depth: inline", inline_task, &in);
        add_route(cfg, routes, "speed-depth: next edit", next_edit_task, &ne);
        add_route(cfg, routes, "speed-depth: actions", NULL, &depth);
    }
    return routes;
}
