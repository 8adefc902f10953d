/* Built-in actions and prompt rendering. The prompts ask for exactly what the feature
 * can use: replacement code in one fenced block (extract.c copes when models ignore
 * that), review findings one a line in a fixed shape (review_parse.c), or Markdown. */
#include "actions/action_prompt.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "config/config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT_BLOCK \
    "File: {{path}} ({{language}})\n\n" \
    "Code before the selection:\n```\n{{before}}\n```\n\n" \
    "Selected code:\n```{{language}}\n{{selection}}\n```\n\n" \
    "Code after the selection:\n```\n{{after}}\n```\n"

#define ANSWER_CODE \
    "\nReply with the replacement for the selected code only, in one fenced code block, " \
    "keeping its indentation and style. No explanation before or after the code.\n"

static const struct action_def builtins[] = {
    { "refactor", "Refactor", "refactor.rewrite.switchboard", TASK_REFACTOR,
      ACTION_OUTPUT_REPLACE, false,
      "Refactor the selected code for clarity and maintainability without changing its "
      "behaviour.\n\n" CONTEXT_BLOCK ANSWER_CODE, false },
    { "fix", "Fix", "quickfix.switchboard", TASK_FIX, ACTION_OUTPUT_REPLACE, true,
      "Fix the problems the diagnostics below report in the selected code, changing as little "
      "as possible.\n\nDiagnostics:\n{{diagnostics}}\n\n" CONTEXT_BLOCK ANSWER_CODE, false },
    { "docs", "Add documentation", "source.switchboard.docs", TASK_DOCS, ACTION_OUTPUT_REPLACE,
      false,
      "Add documentation comments in the idiomatic style for {{language}} (docstrings, doc "
      "comments) to the selected code. Change nothing else.\n\n" CONTEXT_BLOCK
      "\nReply with the selected code including the documentation, in one fenced code block, "
      "keeping its indentation. No explanation before or after the code.\n", false },
    { "tests", "Generate tests", "source.switchboard.tests", TASK_TESTS, ACTION_OUTPUT_TESTS,
      false,
      "Write unit tests for the selected code with the test framework usual for {{language}} "
      "projects. Cover normal cases, edge cases and errors.\n\n" CONTEXT_BLOCK "{{tests}}"
      "\nReply with the test code only, in one fenced code block. No explanation.\n", false },
    { "review", "Review", "source.switchboard.review", TASK_REVIEW, ACTION_OUTPUT_DIAGNOSTICS,
      false,
      "Review the selected code for bugs, security problems, performance and readability.\n\n"
      "File: {{path}} ({{language}})\n\nSelected code, with line numbers:\n{{numbered}}\n"
      "Report each finding on its own line exactly as\n"
      "LINE <n> [error|warning|info|hint]: <message>\n"
      "where <n> is the line number shown above. Report only real problems; if there are "
      "none, reply NO FINDINGS. Nothing else.\n", false },
    { "explain", "Explain", "source.switchboard.explain", TASK_EXPLAIN, ACTION_OUTPUT_DOCUMENT,
      false,
      "Explain what the selected code does, how it works and anything surprising in it, for a "
      "developer new to this code. Answer in Markdown.\n\n" CONTEXT_BLOCK, false },
    { "architecture", "Architecture review", "source.switchboard.architecture",
      TASK_ARCHITECTURE, ACTION_OUTPUT_DOCUMENT, false,
      "Review the design of this code: responsibilities, coupling, interfaces, error handling "
      "and how it would evolve. Name concrete improvements. Answer in Markdown.\n\n"
      CONTEXT_BLOCK, false },
    { "optimize", "Optimize", "refactor.rewrite.switchboard.optimize", TASK_REFACTOR,
      ACTION_OUTPUT_REPLACE, false,
      "Make the selected code faster or use less memory without changing its behaviour; keep "
      "it readable.\n\n" CONTEXT_BLOCK ANSWER_CODE, false },
};
#define BUILTIN_COUNT (sizeof builtins / sizeof builtins[0])

enum action_output action_output_for_task(enum task_kind task)
{
    switch (task) {
    case TASK_TESTS: return ACTION_OUTPUT_TESTS;
    case TASK_REVIEW: return ACTION_OUTPUT_DIAGNOSTICS;
    case TASK_EXPLAIN: case TASK_ARCHITECTURE: return ACTION_OUTPUT_DOCUMENT;
    default: return ACTION_OUTPUT_REPLACE;
    }
}

static void user_action(const struct action_config *a, struct action_def *out)
{
    *out = (struct action_def){ a->id, a->title ? a->title : a->id,
                                a->kind ? a->kind : "refactor.rewrite.switchboard", a->task,
                                action_output_for_task(a->task), a->task == TASK_FIX,
                                a->prompt, true };
}

bool action_at(const struct config *cfg, size_t index, struct action_def *out)
{
    if (index < BUILTIN_COUNT) { *out = builtins[index]; return true; }
    index -= BUILTIN_COUNT;
    if (!cfg || index >= cfg->action_count) return false;
    user_action(&cfg->actions[index], out);
    return true;
}

bool action_find(const struct config *cfg, const char *id, struct action_def *out)
{
    if (!id) return false;
    size_t plen = strlen(ACTION_USER_PREFIX);
    if (strncmp(id, ACTION_USER_PREFIX, plen) == 0) {
        for (size_t i = 0; cfg && i < cfg->action_count; i++)
            if (cfg->actions[i].id && strcmp(cfg->actions[i].id, id + plen) == 0) {
                user_action(&cfg->actions[i], out);
                return true;
            }
        return false;
    }
    for (size_t i = 0; i < BUILTIN_COUNT; i++)
        if (strcmp(builtins[i].id, id) == 0) { *out = builtins[i]; return true; }
    return false;
}

bool action_kind_allowed(const char *kind, const char *const *only, size_t only_count)
{
    if (!only_count) return true;
    if (!kind) return false;
    for (size_t i = 0; i < only_count; i++) {
        size_t n = strlen(only[i]);
        if (n == 0) continue;
        if (strncmp(kind, only[i], n) == 0 && (kind[n] == '\0' || kind[n] == '.')) return true;
    }
    return false;
}

/* The selection with "  12 | " numbers for the review prompt. */
static void put_numbered(struct buf *b, const char *text)
{
    if (!text) return;
    unsigned n = 1;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len && p[len - 1] == '\r') len--;
        buf_printf(b, "%4u | %.*s\n", n++, (int)len, p);
        if (!e) break;
        p = e + 1;
    }
}

static void put_tests(struct buf *b, const struct action_context *ctx)
{
    if (!ctx->test_path) return;
    if (!ctx->test_text) {   /* excluded by the privacy settings: its place, not its text */
        buf_printf(b, "\nThe tests go at the end of the existing test file %s (its content is "
                      "not shown).\nReply only with the new tests to append.\n", ctx->test_path);
        return;
    }
    buf_printf(b, "\nThe tests go at the end of the existing test file %s:\n```\n%s\n```\n"
                  "Reply only with the new tests to append (no imports it already has).\n",
               ctx->test_path, ctx->test_text);
}

/* Appends the value of variable name; false when the name is unknown. */
static bool put_variable(struct buf *b, const char *name, size_t n, const struct action_context *c)
{
    const struct { const char *name; const char *value; } vars[] = {
        { "selection", c->selection }, { "language", c->language }, { "path", c->path },
        { "diagnostics", c->diagnostics }, { "before", c->before }, { "after", c->after },
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (strlen(vars[i].name) == n && strncmp(vars[i].name, name, n) == 0) {
            if (vars[i].value) buf_puts(b, vars[i].value);
            return true;
        }
    if (n == 8 && strncmp(name, "numbered", 8) == 0) { put_numbered(b, c->selection); return true; }
    if (n == 5 && strncmp(name, "tests", 5) == 0) { put_tests(b, c); return true; }
    return false;
}

char *action_expand_template(const char *tmpl, const struct action_context *ctx)
{
    struct buf b = {0};
    const char *p = tmpl ? tmpl : "";
    while (*p) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) { buf_puts(&b, p); break; }
        buf_append(&b, p, (size_t)(open - p));
        const char *name = open + 2, *end = close;
        while (name < end && isspace((unsigned char)*name)) name++;
        while (end > name && isspace((unsigned char)end[-1])) end--;
        if (!put_variable(&b, name, (size_t)(end - name), ctx))
            buf_append(&b, open, (size_t)(close + 2 - open));
        p = close + 2;
    }
    return buf_steal(&b);
}

static const char *system_prompt(enum action_output output)
{
    switch (output) {
    case ACTION_OUTPUT_DIAGNOSTICS:
        return "You are a meticulous code reviewer. You answer only in the requested line format.";
    case ACTION_OUTPUT_DOCUMENT:
        return "You are an experienced software engineer explaining code to a colleague.";
    default:
        return "You are an expert programmer editing code in the user's editor. Your answer "
               "replaces code in the file, so you reply with code only.";
    }
}

void action_build_task(const struct action_def *def, const struct action_context *ctx,
                       struct task *task)
{
    task->kind = def->task;
    task->trigger = TRIGGER_INVOKED;
    task->language = xstrdup(ctx->language);
    task->path = xstrdup(ctx->path);
    task->prefix = xstrdup(ctx->before ? ctx->before : "");
    task->suffix = xstrdup(ctx->after ? ctx->after : "");
    task->selection = xstrdup(ctx->selection ? ctx->selection : "");
    task->diagnostics = xstrdup(ctx->diagnostics);
    task->system = xstrdup(system_prompt(def->output));
    char *text = action_expand_template(def->prompt, ctx);
    if (def->user && def->output == ACTION_OUTPUT_REPLACE) {
        /* A user's template says what to do; the answer must still be code only. */
        struct buf b = {0};
        buf_puts(&b, text);
        buf_puts(&b, ANSWER_CODE);
        free(text);
        text = buf_steal(&b);
    }
    task->instructions = text;
    task_estimate_tokens(task);
}
