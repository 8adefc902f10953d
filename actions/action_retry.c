/* "Retry <action> with <stronger model>" (see action_retry.h): which model is stronger,
 * and the actions offered on applied edits. Running one is an ordinary action job whose
 * ref carries the retry (actions/action_run.c pins the model and writes the signal). */
#include "actions/action_retry.h"
#include "actions/action_run.h"
#include "actions/applied.h"
#include "router/router.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETRY_OFFERS_MAX 4

bool action_stronger_model(struct router *router, const struct task *task, const char *answered,
                           char *out, size_t n)
{
    struct route_plan plan;
    struct config *cfg = router ? router_config(router) : NULL;
    if (!cfg || !answered) return false;
    router_plan(router, task, &plan);   /* -1 with no usable target: entries still say why */
    if (plan.rule_index < 0 || (size_t)plan.rule_index >= cfg->route_count) return false;
    const struct route_rule *rule = &cfg->routes[plan.rule_index];
    size_t i = 0;
    while (i < rule->target_count &&
           (rule->targets[i] >= cfg->model_count || strcmp(cfg->models[rule->targets[i]].name, answered) != 0))
        i++;
    /* The rule's order, not the plan's: adaptive and split reorder by estimates and
     * draws, while "stronger" is the order the user wrote (fallbacks escalate). */
    for (i++; i < rule->target_count; i++)
        for (size_t k = 0; k < plan.count; k++)
            if (plan.entries[k].model == rule->targets[i] && !plan.entries[k].skipped) {
                snprintf(out, n, "%s", cfg->models[rule->targets[i]].name);
                return true;
            }
    return false;
}

size_t action_retry_offer(struct server *srv, struct document *doc, struct lsp_range range,
                          const struct action_offer_ctx *ctx, cJSON *result)
{
    struct code_action_state *st = code_action_state(srv);
    struct router *router = server_router(srv);
    if (!st || !router) return 0;
    struct applied_info found[RETRY_OFFERS_MAX];
    size_t count = applied_touching(st->applied, doc, range, found, RETRY_OFFERS_MAX), offered = 0;
    struct config *cfg = router_config(router);
    enum position_encoding enc = server_encoding(srv);
    for (size_t i = 0; i < count; i++) {
        struct action_def def;
        /* Tests are added, not replaced: a second set would sit beside the first. */
        if (!action_find(cfg, found[i].action, &def) || def.output == ACTION_OUTPUT_TESTS ||
            !action_kind_allowed(def.kind, ctx->only, ctx->only_count))
            continue;
        size_t from = document_offset_at(doc, found[i].result.start, enc);
        size_t to = document_offset_at(doc, found[i].result.end, enc);
        struct task task;
        char *path, model[96];
        action_plan_task(srv, doc, def.task, to > from ? to - from : 0, &task, &path);
        bool stronger = action_stronger_model(router, &task, found[i].model, model, sizeof model);
        free(path);
        if (!stronger) continue;
        struct action_ref ref = { (char *)document_uri(doc), found[i].result, document_version(doc),
                                  document_generation(doc), (char *)found[i].action,
                                  def.needs_diagnostics ? (cJSON *)ctx->diagnostics : NULL,
                                  (char *)found[i].attempt_id, model };
        char title[200];
        snprintf(title, sizeof title, "AI: Retry %s with %s", def.name, model);
        cJSON_AddItemToArray(result, action_code_action(title, &def, &ref, ctx->resolves, ctx->tag));
        offered++;
    }
    return offered;
}
