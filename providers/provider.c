/* The adapter table and the small functions around it (see provider.h). */
#include "providers/adapter.h"
#include "base/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every kind, in the order "known: ..." lists show them. Adding a kind is its adapter
 * file (defining provider_NAME with its properties) and one line here. */
#define PROVIDER_KINDS(X)            \
    X(provider_openai)               \
    X(provider_openai_completions)   \
    X(provider_mistral_fim)          \
    X(provider_anthropic)            \
    X(provider_gemini)               \
    X(provider_ollama)               \
    X(provider_llamacpp)

#define DECLARE_KIND(ops) extern const struct provider_ops ops;
#define LIST_KIND(ops) &ops,
PROVIDER_KINDS(DECLARE_KIND)

const struct provider_ops *const provider_table[] = { PROVIDER_KINDS(LIST_KIND) NULL };

const struct provider_ops *provider_find(const char *kind)
{
    for (size_t i = 0; kind && provider_table[i]; i++)
        if (strcmp(provider_table[i]->name, kind) == 0) return provider_table[i];
    return NULL;
}

void provider_stream_init(struct provider_stream *st, const struct provider_ops *ops,
                          void (*on_text)(void *data, int choice, const char *text, size_t len),
                          void *data)
{
    memset(st, 0, sizeof *st);
    st->on_text = on_text;
    st->data = data;
    st->error.retry_after_ms = -1;
    if (ops && ops->state_size) st->state = xcalloc(1, ops->state_size);
}

int provider_choices(const struct provider_ops *ops, const struct task *task)
{
    if (!ops || !(ops->caps & PROVIDER_CAP_N_CHOICES) || task->n <= 1) return 1;
    return task->n < PROVIDER_MAX_CHOICES ? task->n : PROVIDER_MAX_CHOICES;
}

void provider_stream_free(struct provider_stream *st)
{
    free(st->state);
    st->state = NULL;
}

static const char *const error_names[PERR_CLASS_COUNT] = {
    [PERR_NONE] = "ok",
    [PERR_RATE_LIMITED] = "rate_limited",
    [PERR_OVERLOADED] = "overloaded",
    [PERR_SERVER] = "server_error",
    [PERR_TIMEOUT] = "timeout",
    [PERR_AUTH] = "auth",
    [PERR_QUOTA] = "quota",
    [PERR_BAD_REQUEST] = "bad_request",
    [PERR_CONTEXT_LENGTH] = "context_length",
    [PERR_NETWORK] = "network",
    [PERR_CANCELLED] = "cancelled",
};

const char *provider_error_name(enum provider_error_class cls)
{
    return (unsigned)cls < PERR_CLASS_COUNT ? error_names[cls] : "unknown";
}

/* Transient classes only: auth, quota, bad request and context length fail the same
 * way on every retry (context length moves to a larger model instead). */
bool provider_error_retryable(enum provider_error_class cls)
{
    return cls == PERR_RATE_LIMITED || cls == PERR_OVERLOADED || cls == PERR_SERVER ||
           cls == PERR_TIMEOUT || cls == PERR_NETWORK;
}

void provider_request_free(struct provider_request *req)
{
    free(req->url);
    if (req->headers) {
        for (char **h = req->headers; *h; h++) {
            memset(*h, 0, strlen(*h));   /* auth headers hold keys */
            free(*h);
        }
        free(req->headers);
    }
    buf_free(&req->body);
    memset(req, 0, sizeof *req);
}

void provider_request_add_header(struct provider_request *req, const char *fmt, ...)
{
    size_t n = 0;
    while (req->headers && req->headers[n]) n++;
    req->headers = xrealloc(req->headers, (n + 2) * sizeof *req->headers);
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *h = xmalloc((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(h, (size_t)len + 1, fmt, ap);
    va_end(ap);
    req->headers[n] = h;
    req->headers[n + 1] = NULL;
}
