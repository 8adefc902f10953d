/* The code actions switchboard offers and what each asks the model: the built-in
 * actions (refactor, fix, docs, tests, review, explain, architecture, optimize) and the
 * user's own from the config (struct action_config). Each has an id (kept in the
 * CodeAction's data), a name for the title, an LSP kind, the task kind the router uses
 * to pick a model, and what happens to the answer. Prompts are templates expanded with
 * {{selection}} {{language}} {{path}} {{diagnostics}} {{before}} {{after}}. Pure. */
#ifndef ACTIONS_ACTION_PROMPT_H
#define ACTIONS_ACTION_PROMPT_H
#include "providers/task.h"
#include <stdbool.h>
#include <stddef.h>

struct config;

/* What is done with the answer. */
enum action_output {
    ACTION_OUTPUT_REPLACE = 0,   /* code replacing the selection */
    ACTION_OUTPUT_TESTS,         /* test code inserted into the test file */
    ACTION_OUTPUT_DIAGNOSTICS,   /* review findings published as diagnostics */
    ACTION_OUTPUT_DOCUMENT,      /* Markdown shown as a message and a document */
};

struct action_def {
    const char *id;              /* "refactor", or the user's id (data says "user:<id>") */
    const char *name;            /* "Refactor": the title is "AI: Refactor (<model>)" */
    const char *kind;            /* "refactor.rewrite.switchboard" */
    enum task_kind task;
    enum action_output output;
    bool needs_diagnostics;      /* offered only when diagnostics touch the range */
    const char *prompt;          /* template */
    bool user;                   /* from the config */
};

#define ACTION_USER_PREFIX "user:"

/* Built-ins first, then the config's actions; index from 0 until false. A user action's
 * def points into cfg (valid while cfg is). cfg may be NULL. */
bool action_at(const struct config *cfg, size_t index, struct action_def *out);
/* By id ("refactor", "user:<id>"); false when unknown. */
bool action_find(const struct config *cfg, const char *id, struct action_def *out);
/* The output a user action gets from its task kind. */
enum action_output action_output_for_task(enum task_kind task);

/* The request's `only` filter: kind is allowed when only is empty or kind equals an
 * entry or lies under it in the dot hierarchy ("refactor" allows "refactor.rewrite.x"). */
bool action_kind_allowed(const char *kind, const char *const *only, size_t only_count);

/* What the templates can refer to. Strings may be NULL (expanded as empty). */
struct action_context {
    const char *language;
    const char *path;
    const char *selection;
    const char *before;           /* text before the selection (bounded by the caller) */
    const char *after;
    const char *diagnostics;      /* rendered "line N: severity: message" lines */
    const char *test_path;        /* tests: the existing test file, if any */
    const char *test_text;        /* its content (bounded); NULL when privacy excludes it */
};

/* Expands {{name}} (spaces inside the braces allowed); unknown names stay as written.
 * Returns malloc'd text. */
char *action_expand_template(const char *tmpl, const struct action_context *ctx);

/* Fills task (zeroed by the caller) for def: kind, trigger invoked, language, path,
 * prefix/suffix, selection, diagnostics, system and the rendered instructions, which
 * hold everything the model needs (adapters send them as the user message). */
void action_build_task(const struct action_def *def, const struct action_context *ctx,
                       struct task *task);

#endif
