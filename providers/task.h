/* The task: the neutral unit between layers. The inline and actions features build
 * one from an editor request, the router picks targets for it, and a provider adapter
 * renders it for its API. Also the model spec: everything an adapter needs to know
 * about one configured model. Both are plain data; the owner frees with task_free /
 * model_spec_free. */
#ifndef PROVIDERS_TASK_H
#define PROVIDERS_TASK_H
#include <stdbool.h>
#include <stddef.h>

enum task_kind {
    TASK_INLINE = 0,     /* autocomplete */
    TASK_REFACTOR,
    TASK_FIX,            /* debugging, with diagnostics */
    TASK_DOCS,
    TASK_TESTS,
    TASK_REVIEW,
    TASK_EXPLAIN,
    TASK_ARCHITECTURE,
    TASK_NEXT_EDIT,      /* predict the next edit near the cursor (nes/) */
    TASK_KIND_COUNT
};

enum task_trigger { TRIGGER_AUTOMATIC = 0, TRIGGER_INVOKED };

/* "inline", "refactor", ... ; task_kind_parse returns -1 for an unknown name. */
const char *task_kind_name(enum task_kind kind);
int task_kind_parse(const char *name);
const char *task_trigger_name(enum task_trigger trigger);
int task_trigger_parse(const char *name);

/* Inline completion and next-edit suggestions: the user waits for the answer as they
 * type, so the model must answer at once. Such a task never sends a thinking budget or
 * a reasoning effort above "low" (adapter.h), and the presets route it to models that
 * do not think first. The one place that says which tasks these are. */
bool task_answers_at_once(enum task_kind kind);
/* The trigger a request of this kind has when nothing says: automatic for the tasks the
 * editor asks for as the user types (inline, next_edit), invoked for code actions. */
enum task_trigger task_default_trigger(enum task_kind kind);

struct task_snippet {   /* context from another open file */
    char *path;
    char *text;
};

struct task {
    enum task_kind kind;
    enum task_trigger trigger;
    char *language;       /* LSP languageId, e.g. "python"; may be NULL */
    char *path;           /* workspace-relative or absolute path; may be NULL */
    /* Inline: text before/after the cursor. Actions: text before/after the selection. */
    char *prefix;
    char *suffix;
    char *selection;      /* actions: the selected code (may be empty) */
    char *diagnostics;    /* fix: diagnostics rendered as text, else NULL */
    char *system;         /* system instructions; NULL = adapter default for the kind */
    char *instructions;   /* actions: the user prompt (a rendered template); next_edit:
                             the chat prompt */
    char *completion_prompt;  /* next_edit: the raw prompt for next_edit_format "zeta" */
    struct task_snippet *snippets;
    size_t snippet_count;
    int max_output_tokens;   /* 0 = model/adapter default */
    char **stop;             /* stop sequences; may be NULL */
    size_t stop_count;
    long prompt_tokens_estimate;  /* filled by task_estimate_tokens */
    /* Split strategy: tasks with the same affinity get the same target, so one region
     * of one document keeps getting suggestions from one model (0 = none). */
    unsigned long long affinity;
    /* Inline, explicit trigger: which of the candidates asked for this is (0 = the
     * first or only one). Adapters sample each extra candidate differently (see
     * adapter_temperature), so the same request body is never sent twice; the
     * ledger records it so stats count the candidates as one editor request. */
    int candidate;
    /* Inline, explicit trigger: how many candidates to ask for in this one request (0 or
     * 1: one). Adapters with PROVIDER_CAP_N_CHOICES send it as `n`, so the prompt is
     * billed once; the others ignore it and answer one. */
    int n;
    /* privacy.local_only matched the document: only models whose endpoint is on this
     * machine (loopback) may serve it, fallback included (router/plan.c). */
    bool local_only;
    /* A model (config name) this run tries first, like a user's pin and through the same
     * checks: a cascade's next target or "Retry with <stronger model>". Not owned. */
    const char *pin_model;
};

void task_free(struct task *task);   /* frees members, not the struct itself */
void task_add_stop(struct task *task, const char *stop);
/* Rough token estimate of everything that will be sent (bytes / 4, rounded up);
 * stored in task->prompt_tokens_estimate and returned. */
long task_estimate_tokens(struct task *task);
long estimate_tokens(const char *text, size_t len);

/* How a model does fill-in-the-middle. */
enum fim_mode {
    FIM_AUTO = 0,     /* native if the provider kind supports it, else chat */
    FIM_NATIVE,       /* the API takes prefix + suffix (suffix field, /infill, /fim) */
    FIM_TEMPLATE,     /* raw prompt built with a model family's FIM tokens */
    FIM_CHAT,         /* chat prompt asking for the middle */
};

/* How a model is asked for a next edit (nes/prompt.h): chat messages, or the raw
 * completion prompt of models trained in Zed's Zeta format. */
enum next_edit_format { NEXT_EDIT_CHAT = 0, NEXT_EDIT_ZETA };

struct model_price {   /* USD per million tokens; negative = unknown */
    double input;
    double output;
    double cached_input;
    double reasoning_output;   /* negative = same as output */
};

struct model_spec {
    char *name;            /* config name, e.g. "fast" */
    char *provider_name;   /* config provider name, e.g. "deepseek-fim" */
    char *provider_kind;   /* adapter name, e.g. "openai-completions" */
    char *base_url;        /* no trailing slash */
    char *model;           /* the API's model id */
    char *api_key;         /* resolved key, NULL when none; never logged */
    char **extra_headers;  /* "Name: value" strings, NULL-terminated; may be NULL */
    enum fim_mode fim;
    char *fim_template;    /* FIM_TEMPLATE: "qwen", "deepseek", "starcoder", "codellama", "codestral" */
    bool reasoning;        /* reasoning model: no temperature, max_completion_tokens */
    char *reasoning_effort;   /* "low" | "medium" | "high" ... or NULL */
    int thinking_budget;      /* anthropic/gemini thinking tokens; 0 = off */
    double temperature;       /* negative = do not send */
    int max_output_tokens;    /* default output cap; 0 = adapter default */
    long context_window;      /* tokens; 0 = unknown */
    enum next_edit_format next_edit_format;   /* how next_edit tasks are put to it */
    struct model_price price;
};

void model_spec_free(struct model_spec *spec);   /* members only */
void model_spec_copy(struct model_spec *dst, const struct model_spec *src);

#endif
