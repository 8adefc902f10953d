/* Provider adapters: one const struct provider_ops per API kind ("openai",
 * "openai-completions", "mistral-fim", "anthropic", "gemini", "ollama", "llamacpp").
 * Adapters do no I/O: they turn a task into an HTTP request and response bytes
 * (already split into SSE events or NDJSON lines by the stream parsers) into text
 * deltas, usage, a finish reason and a classified error. Only the HTTP engine
 * touches sockets. Optional ops may be NULL. */
#ifndef PROVIDERS_PROVIDER_H
#define PROVIDERS_PROVIDER_H
#include "providers/task.h"
#include "base/buf.h"
#include <stdbool.h>
#include <stddef.h>

enum provider_error_class {
    PERR_NONE = 0,
    PERR_RATE_LIMITED,    /* retry after retry_after_ms when known */
    PERR_OVERLOADED,      /* 503/529/overloaded_error: retryable */
    PERR_SERVER,          /* 5xx: retryable */
    PERR_TIMEOUT,         /* connect / first byte / idle / total */
    PERR_AUTH,            /* 401/403, invalid key: never retried */
    PERR_QUOTA,           /* billing / insufficient quota: never retried */
    PERR_BAD_REQUEST,     /* 400/404/422: never retried */
    PERR_CONTEXT_LENGTH,  /* prompt too long: try a larger model, not the same */
    PERR_NETWORK,         /* DNS, connect refused, reset, malformed stream */
    PERR_CANCELLED,       /* we cancelled it */
    PERR_CLASS_COUNT
};

/* "rate_limited", "overloaded", "server_error", "timeout", "auth", "quota",
 * "bad_request", "context_length", "network", "cancelled" (ledger outcome names). */
const char *provider_error_name(enum provider_error_class cls);
bool provider_error_retryable(enum provider_error_class cls);

struct provider_error {
    enum provider_error_class cls;
    int status;              /* HTTP status, 0 if none */
    long retry_after_ms;     /* server's hint, -1 when none */
    char message[256];       /* plain words, no key, no source text */
};

struct provider_usage {
    long input_tokens;
    long output_tokens;
    long cached_tokens;
    long reasoning_tokens;
    bool reported;           /* false: the API said nothing (caller estimates) */
};

/* At most this many choices in one request (task.n is capped to it). */
#define PROVIDER_MAX_CHOICES 8

/* What an adapter produces while parsing one response. Set up with
 * provider_stream_init for the adapter that will parse it, released with
 * provider_stream_free. */
struct provider_stream {
    /* choice: which of the request's choices the text belongs to (0 unless the request
     * asked for several, task.n > 1, from an adapter with PROVIDER_CAP_N_CHOICES). */
    void (*on_text)(void *data, int choice, const char *text, size_t len);
    void *data;
    /* Choices the request asked for (0 or 1: one). Adapters drop text for an index at
     * or past it, so a stream never grows more candidates than were asked for. */
    int choices;
    struct provider_usage usage;   /* once for the whole request, all choices */
    char finish_reason[32];  /* normalised: "stop", "length", "stop_sequence", "content_filter", ...
                                of choice 0 */
    char choice_finish[PROVIDER_MAX_CHOICES][32];   /* each choice's, when choices > 1 */
    bool done;               /* the API's end-of-stream marker was seen */
    struct provider_error error;   /* cls != PERR_NONE: an error arrived inside the stream */
    /* The adapter's own parsing state between events (e.g. anthropic: whether the
     * current content block is thinking): ops->state_size zeroed bytes, a struct only
     * that adapter's file knows; NULL when the adapter keeps none. */
    void *state;
};

enum stream_format { STREAM_SSE = 0, STREAM_NDJSON };

struct provider_request {
    char *url;            /* full URL */
    char **headers;       /* "Name: value", NULL-terminated, includes auth and content-type */
    struct buf body;      /* JSON */
    enum stream_format format;
};
void provider_request_free(struct provider_request *req);
void provider_request_add_header(struct provider_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Read access to response headers for error classification (case-insensitive name);
 * returns NULL when absent. */
typedef const char *(*header_lookup_fn)(void *headers, const char *name);

#define PROVIDER_CAP_CHAT       (1u << 0)   /* can answer chat-style prompts */
#define PROVIDER_CAP_FIM_NATIVE (1u << 1)   /* takes prefix+suffix natively */
#define PROVIDER_CAP_RAW_PROMPT (1u << 2)   /* takes a raw prompt (FIM templates) */
/* Several choices in one streamed request (OpenAI's `n`: the prompt is billed once,
 * each chunk's choices[].index says whose text it is, usage comes once). Adapters
 * without it ignore task.n: one choice per request. */
#define PROVIDER_CAP_N_CHOICES  (1u << 3)

/* One API kind: its adapter and the properties the configuration asks about. The
 * table of kinds (provider_table) is the only list of them; adding a kind is its
 * adapter file and one line in providers/provider.c. */
struct provider_ops {
    const char *name;       /* the config "kind" */
    unsigned caps;
    const char *default_url;   /* base_url when the configuration gives none */
    /* Answers instructions (code actions): natively as chat, or (llamacpp) as a chat
     * prompt flattened to plain text. openai-completions and mistral-fim take raw or
     * FIM prompts only; presets never send them actions. */
    bool actions;
    bool local;             /* served from this machine's hardware (Ollama, llama.cpp):
                               free unless priced, and preferred by local presets */
    size_t state_size;      /* bytes of the adapter's stream state (0: none); see provider_stream */
    /* Builds the streaming request. Returns 0, or -1 with a message in err. */
    int (*build_request)(const struct model_spec *model, const struct task *task,
                         struct provider_request *out, char *err, size_t errlen);
    /* One SSE event (event name may be NULL) or one NDJSON line. Appends text through
     * st->on_text, updates usage/finish/done/error. Returns 0, or -1 on bytes that
     * cannot be parsed (the caller treats that as PERR_NETWORK "malformed stream"). */
    int (*parse_event)(struct provider_stream *st, const char *event, const char *data, size_t len);
    /* A non-2xx response: status, headers and the (possibly truncated) body. */
    void (*classify_error)(int status, header_lookup_fn lookup, void *headers,
                           const char *body, size_t len, struct provider_error *out);
};

/* NULL-terminated table of every kind, in the order users see them listed; lookup by
 * config kind (NULL if unknown or NULL). */
extern const struct provider_ops *const provider_table[];
const struct provider_ops *provider_find(const char *kind);

/* Zeroes st, sets its text callback and gives it the zeroed state ops's adapter
 * parses with. Every stream handed to ops->parse_event starts here. */
void provider_stream_init(struct provider_stream *st, const struct provider_ops *ops,
                          void (*on_text)(void *data, int choice, const char *text, size_t len),
                          void *data);
/* The choices a request built from task asks ops for: task->n capped to
 * PROVIDER_MAX_CHOICES when ops has PROVIDER_CAP_N_CHOICES, else 1. */
int provider_choices(const struct provider_ops *ops, const struct task *task);
/* Frees the adapter state; st may be zeroed or already freed. */
void provider_stream_free(struct provider_stream *st);

#endif
