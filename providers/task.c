/* Task and model-spec helpers: kind names, freeing, token estimates. */
#include "providers/task.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[TASK_KIND_COUNT] = {
    "inline", "refactor", "fix", "docs", "tests", "review", "explain", "architecture",
    "next_edit",
};

const char *task_kind_name(enum task_kind kind)
{
    return (unsigned)kind < TASK_KIND_COUNT ? kind_names[kind] : "unknown";
}

bool task_answers_at_once(enum task_kind kind)
{
    return kind == TASK_INLINE || kind == TASK_NEXT_EDIT;
}

enum task_trigger task_default_trigger(enum task_kind kind)
{
    return task_answers_at_once(kind) ? TRIGGER_AUTOMATIC : TRIGGER_INVOKED;
}

int task_kind_parse(const char *name)
{
    for (int i = 0; name && i < TASK_KIND_COUNT; i++)
        if (strcmp(name, kind_names[i]) == 0) return i;
    return -1;
}

const char *task_trigger_name(enum task_trigger trigger)
{
    return trigger == TRIGGER_INVOKED ? "invoked" : "automatic";
}

int task_trigger_parse(const char *name)
{
    if (!name) return -1;
    if (strcmp(name, "automatic") == 0) return TRIGGER_AUTOMATIC;
    if (strcmp(name, "invoked") == 0) return TRIGGER_INVOKED;
    return -1;
}

void task_free(struct task *t)
{
    free(t->language); free(t->path); free(t->prefix); free(t->suffix);
    free(t->selection); free(t->diagnostics); free(t->system); free(t->instructions);
    free(t->completion_prompt);
    for (size_t i = 0; i < t->snippet_count; i++) {
        free(t->snippets[i].path);
        free(t->snippets[i].text);
    }
    free(t->snippets);
    for (size_t i = 0; i < t->stop_count; i++) free(t->stop[i]);
    free(t->stop);
    memset(t, 0, sizeof *t);
}

void task_add_stop(struct task *t, const char *stop)
{
    t->stop = xrealloc(t->stop, (t->stop_count + 1) * sizeof *t->stop);
    t->stop[t->stop_count++] = xstrdup(stop);
}

long estimate_tokens(const char *text, size_t len)
{
    (void)text;
    return (long)((len + 3) / 4);
}

static long estimate_str(const char *s) { return s ? estimate_tokens(s, strlen(s)) : 0; }

long task_estimate_tokens(struct task *t)
{
    long n = estimate_str(t->prefix) + estimate_str(t->suffix) + estimate_str(t->selection) +
             estimate_str(t->diagnostics) + estimate_str(t->system) + estimate_str(t->instructions);
    if (t->kind == TASK_NEXT_EDIT && !t->instructions) n += estimate_str(t->completion_prompt);
    for (size_t i = 0; i < t->snippet_count; i++)
        n += estimate_str(t->snippets[i].path) + estimate_str(t->snippets[i].text);
    t->prompt_tokens_estimate = n;
    return n;
}

void model_spec_free(struct model_spec *m)
{
    free(m->name); free(m->provider_name); free(m->provider_kind); free(m->base_url);
    free(m->model); free(m->fim_template); free(m->reasoning_effort);
    if (m->api_key) {
        memset(m->api_key, 0, strlen(m->api_key));
        free(m->api_key);
    }
    if (m->extra_headers) {
        for (char **h = m->extra_headers; *h; h++) free(*h);
        free(m->extra_headers);
    }
    memset(m, 0, sizeof *m);
}

void model_spec_copy(struct model_spec *dst, const struct model_spec *src)
{
    *dst = *src;
    dst->name = xstrdup(src->name);
    dst->provider_name = xstrdup(src->provider_name);
    dst->provider_kind = xstrdup(src->provider_kind);
    dst->base_url = xstrdup(src->base_url);
    dst->model = xstrdup(src->model);
    dst->api_key = xstrdup(src->api_key);
    dst->fim_template = xstrdup(src->fim_template);
    dst->reasoning_effort = xstrdup(src->reasoning_effort);
    if (src->extra_headers) {
        size_t n = 0;
        while (src->extra_headers[n]) n++;
        dst->extra_headers = xcalloc(n + 1, sizeof *dst->extra_headers);
        for (size_t i = 0; i < n; i++) dst->extra_headers[i] = xstrdup(src->extra_headers[i]);
    }
}
