/* Prompt rendering shared by the adapters: decides how a task is put to a model
 * (native fill-in-the-middle, a model family's raw FIM template, or chat messages)
 * and renders the text, stop sequences and output cap. The adapter then only wraps
 * the result in its API's JSON. */
#ifndef PROVIDERS_PROMPT_H
#define PROVIDERS_PROMPT_H
#include "providers/task.h"
#include <stddef.h>

enum prompt_shape {
    PROMPT_NATIVE_FIM = 0,   /* prefix + suffix fields */
    PROMPT_RAW,              /* one raw prompt string (FIM template or flattened chat) */
    PROMPT_CHAT,             /* system + user messages */
};

struct prompt {
    enum prompt_shape shape;
    char *system;            /* CHAT */
    char *user;              /* CHAT */
    char *prefix;            /* NATIVE_FIM: other files' context in front unless separate */
    char *suffix;            /* NATIVE_FIM */
    char *raw;               /* RAW */
    char **stop;             /* the task's stop sequences plus the template's */
    size_t stop_count;
    int max_tokens;          /* task's, else the model's, else 128 inline / 4096 actions */
};

/* Flags: the adapter sends other files' snippets itself (llama.cpp input_extra), so
 * the native prefix must not carry them. */
#define PROMPT_SNIPPETS_SEPARATE 1u

/* caps are the adapter's PROVIDER_CAP_* bits. Returns 0, or -1 with a message (an
 * unknown fim_template, a task the kind cannot do). */
int prompt_build(const struct model_spec *spec, const struct task *task, unsigned caps,
                 unsigned flags, struct prompt *out, char *err, size_t errlen);
void prompt_free(struct prompt *p);

/* The default system text for a task kind (inline: the chat FIM instructions). */
const char *prompt_default_system(enum task_kind kind);

#endif
