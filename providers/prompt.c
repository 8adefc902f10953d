/* Prompt rendering (see prompt.h). Choice of shape for inline tasks:
 *   FIM_TEMPLATE            -> raw prompt from the named template (kind must take raw prompts)
 *   FIM_NATIVE / FIM_AUTO   -> native prefix+suffix when the kind supports it
 *   FIM_AUTO + fim_template -> the template when the kind has no native FIM
 *   otherwise               -> chat-style FIM with a <CURSOR> marker
 * Actions are chat messages; kinds without chat get the messages flattened into one
 * raw prompt. Other files' snippets always go in front of the current file. */
#include "providers/prompt.h"
#include "providers/provider.h"
#include "providers/fim_templates.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_systems[TASK_KIND_COUNT] = {
    [TASK_INLINE] =
        "You are a code completion engine. The user shows you a file with a <CURSOR> marker. "
        "Reply with only the code to insert at <CURSOR>: no explanations, no markdown code "
        "fences, and do not repeat the code before or after the cursor. If nothing belongs "
        "there, reply with nothing.",
    [TASK_REFACTOR] =
        "You are an expert programmer. Rewrite the selected code as asked, keeping its "
        "behaviour unless told otherwise. Reply with only the code that replaces the "
        "selection, without explanations or markdown fences.",
    [TASK_FIX] =
        "You are an expert programmer and debugger. Fix the problems in the selected code, "
        "using the diagnostics when given. Reply with only the corrected code that replaces "
        "the selection, without explanations or markdown fences.",
    [TASK_DOCS] =
        "You are an expert programmer. Add documentation comments to the selected code in "
        "the usual style of its language. Reply with only the documented code that replaces "
        "the selection, without markdown fences.",
    [TASK_TESTS] =
        "You are an expert programmer. Write focused unit tests for the selected code with "
        "the usual test framework of its language. Reply with only the test code, without "
        "markdown fences.",
    [TASK_REVIEW] =
        "You are a careful code reviewer. Point out bugs, risks and concrete improvements in "
        "the selected code, most important first. Be brief and specific.",
    [TASK_EXPLAIN] =
        "You are an expert programmer. Explain what the selected code does and why, clearly "
        "and briefly, for a programmer who reads it for the first time.",
    [TASK_ARCHITECTURE] =
        "You are a software architect. Discuss the design of the given code: structure, "
        "responsibilities, dependencies and concrete improvements. Be concise.",
    /* nes/ always sets the task's own system text; this is only a safe default */
    [TASK_NEXT_EDIT] =
        "You predict a programmer's next edit. Reply with only the rewritten region between "
        "its markers.",
};

static const char *const task_lines[TASK_KIND_COUNT] = {
    [TASK_INLINE] = "Complete the code at <CURSOR>.",
    [TASK_REFACTOR] = "Refactor the selected code.",
    [TASK_FIX] = "Fix the selected code.",
    [TASK_DOCS] = "Document the selected code.",
    [TASK_TESTS] = "Write tests for the selected code.",
    [TASK_REVIEW] = "Review the selected code.",
    [TASK_EXPLAIN] = "Explain the selected code.",
    [TASK_ARCHITECTURE] = "Review the architecture of this code.",
    [TASK_NEXT_EDIT] = "Rewrite the marked region with the user's next edit.",
};

const char *prompt_default_system(enum task_kind kind)
{
    return (unsigned)kind < TASK_KIND_COUNT ? default_systems[kind] : default_systems[TASK_REFACTOR];
}

static bool nonempty(const char *s) { return s && s[0]; }

/* Line comment marker for snippets put in front of code the model continues. */
static const char *comment_marker(const char *language)
{
    static const char *const hash[] = { "python", "ruby", "shellscript", "sh", "bash", "perl", "r",
        "yaml", "toml", "dockerfile", "makefile", "elixir", "powershell", "julia", "nim", "cmake", NULL };
    static const char *const dash[] = { "lua", "sql", "haskell", "ada", "elm", NULL };
    for (size_t i = 0; language && hash[i]; i++)
        if (strcmp(language, hash[i]) == 0) return "#";
    for (size_t i = 0; language && dash[i]; i++)
        if (strcmp(language, dash[i]) == 0) return "--";
    return "//";
}

/* Snippets as comments ("// Path: util.c" then each line commented), so code that
 * continues the prefix still parses as the current file. */
static void commented_snippets(struct buf *b, const struct task *t)
{
    const char *c = comment_marker(t->language);
    for (size_t i = 0; i < t->snippet_count; i++) {
        const struct task_snippet *s = &t->snippets[i];
        buf_printf(b, "%s Path: %s\n", c, s->path ? s->path : "(unnamed)");
        const char *line = s->text ? s->text : "";
        while (*line) {
            const char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            buf_printf(b, "%s %.*s\n", c, (int)n, line);
            line += n + (nl ? 1 : 0);
        }
        buf_putc(b, '\n');
    }
}

/* Snippets in a chat message, delimited, before the task itself. */
static void chat_snippets(struct buf *b, const struct task *t)
{
    if (!t->snippet_count) return;
    buf_puts(b, "Context from other files:\n\n");
    for (size_t i = 0; i < t->snippet_count; i++)
        buf_printf(b, "<file path=\"%s\">\n%s\n</file>\n\n",
                   t->snippets[i].path ? t->snippets[i].path : "", t->snippets[i].text ? t->snippets[i].text : "");
}

static void file_line(struct buf *b, const struct task *t)
{
    if (nonempty(t->language)) buf_printf(b, "Language: %s\n", t->language);
    if (nonempty(t->path)) buf_printf(b, "File: %s\n", t->path);
}

static char *chat_fim_user(const struct task *t)
{
    struct buf b = {0};
    chat_snippets(&b, t);
    buf_printf(&b, "%s\n", task_lines[TASK_INLINE]);
    file_line(&b, t);
    buf_printf(&b, "\n<file>\n%s<CURSOR>%s\n</file>\n", t->prefix ? t->prefix : "", t->suffix ? t->suffix : "");
    return buf_steal(&b);
}

static void section(struct buf *b, const char *title, const char *tag, const char *text)
{
    if (nonempty(text)) buf_printf(b, "\n%s:\n<%s>\n%s\n</%s>\n", title, tag, text, tag);
}

static char *action_user(const struct task *t)
{
    struct buf b = {0};
    chat_snippets(&b, t);
    if (t->instructions) {
        buf_puts(&b, t->instructions);
        return buf_steal(&b);
    }
    enum task_kind kind = (unsigned)t->kind < TASK_KIND_COUNT ? t->kind : TASK_REFACTOR;
    buf_printf(&b, "%s\n", task_lines[kind]);
    file_line(&b, t);
    section(&b, "Code before the selection", "before", t->prefix);
    section(&b, "Selected code", "selection", t->selection);
    section(&b, "Code after the selection", "after", t->suffix);
    section(&b, "Diagnostics", "diagnostics", t->diagnostics);
    return buf_steal(&b);
}

static void add_stop(struct prompt *p, const char *s)
{
    for (size_t i = 0; i < p->stop_count; i++)
        if (strcmp(p->stop[i], s) == 0) return;
    p->stop = xrealloc(p->stop, (p->stop_count + 1) * sizeof *p->stop);
    p->stop[p->stop_count++] = xstrdup(s);
}

static int fail(char *err, size_t errlen, const struct model_spec *spec, const char *what, const char *detail)
{
    snprintf(err, errlen, "model %s: %s%s", spec->name ? spec->name : "?", what, detail ? detail : "");
    return -1;
}

static void build_chat(const struct task *t, struct prompt *out)
{
    out->shape = PROMPT_CHAT;
    out->system = xstrdup(t->system ? t->system : prompt_default_system(t->kind));
    out->user = t->kind == TASK_INLINE ? chat_fim_user(t) : action_user(t);
}

/* For kinds that take only raw text: the chat messages one after the other. */
static void flatten_chat(struct prompt *out)
{
    out->shape = PROMPT_RAW;
    out->raw = xasprintf("%s\n\n%s\n\n", out->system, out->user);
    free(out->system);
    free(out->user);
    out->system = out->user = NULL;
}

static char *prefix_with_snippets(const struct task *t, bool with)
{
    struct buf b = {0};
    if (with) commented_snippets(&b, t);
    buf_puts(&b, t->prefix ? t->prefix : "");
    return buf_steal(&b);
}

int prompt_build(const struct model_spec *spec, const struct task *t, unsigned caps,
                 unsigned flags, struct prompt *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->max_tokens = t->max_output_tokens > 0 ? t->max_output_tokens
                    : spec->max_output_tokens > 0 ? spec->max_output_tokens
                    : t->kind == TASK_INLINE ? 128 : 4096;
    const struct fim_template *tmpl = NULL;
    if (t->kind == TASK_INLINE) {
        if (spec->fim == FIM_TEMPLATE || (spec->fim == FIM_AUTO && spec->fim_template &&
                                          !(caps & PROVIDER_CAP_FIM_NATIVE))) {
            tmpl = fim_template_find(spec->fim_template);
            if (!tmpl)
                return fail(err, errlen, spec, "unknown fim_template (known: qwen, deepseek, starcoder, "
                            "codellama, codestral, codegemma): ", spec->fim_template ? spec->fim_template : "(none)");
            if (!(caps & PROVIDER_CAP_RAW_PROMPT))
                return fail(err, errlen, spec, "this provider kind does not take raw FIM prompts: ",
                            spec->provider_kind);
        }
    }
    if (t->kind == TASK_NEXT_EDIT && spec->next_edit_format == NEXT_EDIT_ZETA) {
        /* the next-edit layer rendered the completion prompt already (nes/prompt.h) */
        if (!(caps & PROVIDER_CAP_RAW_PROMPT))
            return fail(err, errlen, spec, "next_edit_format \"zeta\" needs a provider kind that "
                        "takes raw prompts: ", spec->provider_kind);
        out->shape = PROMPT_RAW;
        out->raw = xstrdup(t->completion_prompt ? t->completion_prompt : "");
    } else if (tmpl) {
        out->shape = PROMPT_RAW;
        char *prefix = prefix_with_snippets(t, true);
        out->raw = fim_template_render(tmpl, prefix, t->suffix);
        free(prefix);
    } else if (t->kind == TASK_INLINE && spec->fim != FIM_CHAT && (caps & PROVIDER_CAP_FIM_NATIVE)) {
        out->shape = PROMPT_NATIVE_FIM;
        out->prefix = prefix_with_snippets(t, !(flags & PROMPT_SNIPPETS_SEPARATE));
        out->suffix = xstrdup(t->suffix ? t->suffix : "");
    } else if (caps & (PROVIDER_CAP_CHAT | PROVIDER_CAP_RAW_PROMPT)) {
        build_chat(t, out);
        if (!(caps & PROVIDER_CAP_CHAT)) flatten_chat(out);
    } else if (t->kind == TASK_INLINE) {
        return fail(err, errlen, spec, "this provider kind takes only native fill-in-the-middle "
                    "(fim \"native\" or \"auto\"): ", spec->provider_kind);
    } else {
        return fail(err, errlen, spec, "this provider kind only does inline fill-in-the-middle: ",
                    spec->provider_kind);
    }
    /* the task's stops first: APIs that cap the count keep those, and the template's
     * end token is also the model's EOS, where the server stops anyway */
    for (size_t i = 0; i < t->stop_count; i++) add_stop(out, t->stop[i]);
    for (const char *const *s = tmpl ? tmpl->stops : NULL; s && *s; s++) add_stop(out, *s);
    return 0;
}

void prompt_free(struct prompt *p)
{
    free(p->system); free(p->user); free(p->prefix); free(p->suffix); free(p->raw);
    for (size_t i = 0; i < p->stop_count; i++) free(p->stop[i]);
    free(p->stop);
    memset(p, 0, sizeof *p);
}
