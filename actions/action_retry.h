/* "Retry <action> with <stronger model>": for ACTION_REVERT_WINDOW_MS after a code
 * action's edit is applied, a code action request whose range touches the edit (as it
 * stands now, and while it was not reverted: actions/applied.h), or after a review or an
 * explanation, one whose range touches the text it was about, lists one more action
 * that runs the same action again on the action's result, pinned (task.pin_model) to
 * the stronger model: the next target after the one that answered, in the order of the
 * action's route rule, that the plan would use now (capabilities, privacy local-only,
 * keys, breakers, cooldowns and budgets all checked). None is offered when no such
 * target exists. Choosing it writes the ledger's retry_stronger signal for the first
 * attempt, and the new answer replaces the first one (its edit, its findings, a new
 * explanation). Generate tests offers none. See docs/code-actions.md. */
#ifndef ACTIONS_ACTION_RETRY_H
#define ACTIONS_ACTION_RETRY_H
#include "lsp/server.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct router;
struct task;

/* The stronger model for task after answered (config names) into out; false when
 * answered is not a target of the matching rule or no later target is usable now. */
bool action_stronger_model(struct router *router, const struct task *task, const char *answered,
                           char *out, size_t n);

/* How the menu's actions are built (textDocument/codeAction's request). */
struct action_offer_ctx {
    const char *const *only;     /* context.only kinds */
    size_t only_count;
    const cJSON *diagnostics;    /* the context's diagnostics touching the range, or NULL */
    bool resolves, tag;          /* the client resolves edits; knows the LLMGenerated tag */
};

/* Appends the retry actions for doc and range to result; returns how many. */
size_t action_retry_offer(struct server *srv, struct document *doc, struct lsp_range range,
                          const struct action_offer_ctx *ctx, cJSON *result);

#endif
