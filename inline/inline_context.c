/* Inline context: budgets, cuts, snippets and the task (see inline_context.h). */
#include "inline/inline_context.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "lsp/privacy.h"
#include "lsp/uri.h"
#include <stdlib.h>
#include <string.h>

static bool utf8_continuation(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

size_t inline_cut_prefix(const char *text, size_t len, size_t budget)
{
    if (len <= budget) return 0;
    size_t start = len - budget;
    /* The cut lands inside a line unless the byte before it ends one. */
    if (text[start - 1] == '\n') return start;
    const char *nl = memchr(text + start, '\n', len - start);
    if (nl) return (size_t)(nl - text) + 1;
    while (start < len && utf8_continuation(text[start])) start++;
    return start;
}

size_t inline_cut_suffix(const char *text, size_t len, size_t budget)
{
    if (len <= budget) return len;
    size_t end = budget;
    while (end > 0 && text[end - 1] != '\n') end--;
    if (end > 0) return end;
    end = budget;
    while (end > 0 && utf8_continuation(text[end])) end--;
    return end;
}

unsigned long long inline_affinity(const char *uri, uint32_t line)
{
    unsigned long long h = 1469598103934665603ULL;   /* FNV-1a */
    for (const char *p = uri ? uri : ""; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    uint32_t band = line / 16;
    for (int i = 0; i < 4; i++) {
        h ^= (band >> (8 * i)) & 0xFF;
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

/* The task carries C strings: NUL bytes in a document (legal in JSON text) would cut
 * the context short of the cursor, so they are dropped. */
static char *maybe_redact(const char *text, size_t len, bool redact)
{
    size_t n = len;
    char *out = redact ? privacy_redact(text, len, &n, NULL) : NULL;
    if (!out) {
        out = xmalloc(len + 1);
        memcpy(out, text, len);
        out[len] = '\0';
    }
    size_t w = 0;
    for (size_t r = 0; r < n; r++)
        if (out[r] != '\0') out[w++] = out[r];
    out[w] = '\0';
    return out;
}

static int by_recent_edit(const void *a, const void *b)
{
    const struct inline_snippet_source *x = *(const struct inline_snippet_source *const *)a;
    const struct inline_snippet_source *y = *(const struct inline_snippet_source *const *)b;
    return x->edited_ms < y->edited_ms ? 1 : x->edited_ms > y->edited_ms ? -1 : 0;
}

static void add_snippets(struct task *task, const struct inline_context_input *in,
                         const struct inline_snippet_source *sources, size_t count,
                         size_t budget, char *const *exclude_globs)
{
    if (!count || !budget) return;
    const struct inline_snippet_source **order = xmalloc(count * sizeof *order);
    for (size_t i = 0; i < count; i++) order[i] = &sources[i];
    qsort(order, count, sizeof *order, by_recent_edit);
    for (size_t i = 0; i < count && budget > 0; i++) {
        const struct inline_snippet_source *s = order[i];
        if (!s->text || !s->len || (in->uri && s->uri && strcmp(s->uri, in->uri) == 0)) continue;
        if (privacy_uri_excluded(exclude_globs, s->uri)) continue;
        size_t end = inline_cut_suffix(s->text, s->len, budget);
        if (end == 0 || (end < s->len && s->text[end - 1] != '\n')) continue;   /* whole lines only */
        task->snippets = xrealloc(task->snippets, (task->snippet_count + 1) * sizeof *task->snippets);
        struct task_snippet *snip = &task->snippets[task->snippet_count++];
        snip->path = uri_display_path(s->uri, in->root);
        snip->text = maybe_redact(s->text, end, in->redact);
        budget -= end;
    }
    free(order);
}

void inline_context_task(struct task *task, const struct inline_context_input *in,
                         const struct inline_snippet_source *sources, size_t source_count,
                         const struct inline_settings *opts, char *const *exclude_globs)
{
    memset(task, 0, sizeof *task);
    task->kind = TASK_INLINE;
    task->trigger = in->trigger;
    task->language = xstrdup(in->language);
    task->path = uri_display_path(in->uri, in->root);
    size_t pbudget = (size_t)(opts->prefix_tokens > 0 ? opts->prefix_tokens : 0) * INLINE_BYTES_PER_TOKEN;
    size_t sbudget = (size_t)(opts->suffix_tokens > 0 ? opts->suffix_tokens : 0) * INLINE_BYTES_PER_TOKEN;
    const char *prefix = in->prefix ? in->prefix : "";
    const char *suffix = in->suffix ? in->suffix : "";
    size_t start = inline_cut_prefix(prefix, in->prefix_len, pbudget);
    size_t end = inline_cut_suffix(suffix, in->suffix_len, sbudget);
    task->prefix = maybe_redact(prefix + start, in->prefix_len - start, in->redact);
    task->suffix = maybe_redact(suffix, end, in->redact);
    if (opts->snippets)
        add_snippets(task, in, sources, source_count,
                     (size_t)(opts->snippet_tokens > 0 ? opts->snippet_tokens : 0) * INLINE_BYTES_PER_TOKEN,
                     exclude_globs);
    task->affinity = inline_affinity(in->uri, in->line);
    task->max_output_tokens = opts->max_output_tokens;
    /* Single-line: the model may stop at the line end (early stop covers models
     * that ignore stop sequences). */
    if (!in->multiline) task_add_stop(task, "\n");
    task_estimate_tokens(task);
}
