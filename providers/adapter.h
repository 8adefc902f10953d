/* Helpers shared by the provider adapters (not a public contract: only the providers/ sources
 * include this). URL joining, request headers, stream
 * bookkeeping, and the error classifier every adapter's classify_error builds on. */
#ifndef PROVIDERS_ADAPTER_H
#define PROVIDERS_ADAPTER_H
#include "providers/provider.h"
#include "base/json.h"
#include <cjson/cJSON.h>
#include <stdint.h>

/* The adapters of provider_table, for tests and benchmarks that name one (the table
 * itself declares them: a new kind needs no line here). */
extern const struct provider_ops provider_openai;
extern const struct provider_ops provider_openai_completions;
extern const struct provider_ops provider_mistral_fim;
extern const struct provider_ops provider_anthropic;
extern const struct provider_ops provider_gemini;
extern const struct provider_ops provider_ollama;
extern const struct provider_ops provider_llamacpp;

/* The temperature to send, negative for none: the spec's for a task's first candidate;
 * for each extra candidate (task->candidate k > 0) k/(k+1) of the way from the spec's
 * (ADAPTER_CANDIDATE_BASE when it sets none) up to 1, so no two candidates of one
 * request send the same body (none configured: none, then 0.6, 0.73, 0.8, ...). A
 * request for several choices at once (task->n > 1) samples them all like the second
 * candidate (0.6 when none is configured): a low configured temperature would make
 * them one answer n times. */
#define ADAPTER_CANDIDATE_BASE 0.2
double adapter_temperature(const struct model_spec *spec, const struct task *task);

/* -1 with a message when the spec lacks what every request needs (base_url, model). */
int adapter_check_spec(const struct model_spec *spec, char *err, size_t errlen);
/* The thinking budget to send for this task: the model's, except 0 for the tasks that
 * must answer at once (task_answers_at_once: inline completion within its first-token
 * limit, 1.5 s by default, and next-edit suggestions). Anthropic and Gemini take it. */
int adapter_thinking_budget(const struct model_spec *spec, const struct task *task);
/* The reasoning effort to send (OpenAI reasoning_effort, Ollama think), NULL for none:
 * the model's, but never above "low" for the tasks that must answer at once. */
const char *adapter_reasoning_effort(const struct model_spec *spec, const struct task *task);

/* OpenAI-style SSE chunks (chat deltas, completions text, Mistral FIM), shared by
 * openai, openai-completions and mistral-fim: text, usage from the usage chunk (or a
 * chunk that also finishes), finish reason, [DONE], in-band {"error":...}. Their
 * stream state (state_size) is this struct. */
struct openai_style_state {
    /* a choice's delta carried refusal text: its "stop" finish becomes "refusal" */
    bool refused[PROVIDER_MAX_CHOICES];
};
int openai_style_parse_event(struct provider_stream *st, const char *event, const char *data, size_t len);
/* Adds OpenAI usage fields (prompt/completion tokens, cached and reasoning details,
 * DeepSeek prompt_cache_hit_tokens) to st->usage. */
void openai_style_usage(struct provider_stream *st, const cJSON *usage);

/* base_url + [version] + path. A base whose last segment is already a version
 * ("/v1", "/v1beta", "/v2") or "/beta" gets no version added; version NULL adds none.
 * strip_suffix (e.g. "/v1" for native APIs given an OpenAI-style base) is removed
 * from the base first when present. Trailing slashes are ignored. Caller frees. */
char *adapter_url(const char *base_url, const char *version, const char *path,
                  const char *strip_suffix);

/* Content-Type and Accept, then the spec's extra headers are added by
 * adapter_extra_headers (call it last so a user header follows ours). */
void adapter_json_headers(struct provider_request *req, const char *accept);
void adapter_bearer(struct provider_request *req, const struct model_spec *spec);
void adapter_extra_headers(struct provider_request *req, const struct model_spec *spec);

struct prompt;
/* The start every OpenAI-style request shares (chat, completions, Mistral FIM): the
 * prompt for caps, the URL base_url + /v1 + path, SSE, JSON/bearer/extra headers, and a
 * body holding "model". Returns the body, or NULL with a message in err. */
cJSON *adapter_openai_style_begin(const struct model_spec *spec, const struct task *task,
                                  unsigned caps, const char *path, struct provider_request *out,
                                  struct prompt *p, char *err, size_t errlen);
/* The end OpenAI chat and completions share (not Mistral, which rejects
 * stream_options): "n" when ops takes several choices and the task asks for them,
 * stream with usage in a last chunk (once for all choices), set the body, free the
 * prompt. Returns 0, for build_request to return. */
int adapter_openai_style_finish(const struct provider_ops *ops, const struct task *task,
                                struct provider_request *out, cJSON *root, struct prompt *p);

/* Serialises root (and frees it) into req->body. */
void adapter_set_body(struct provider_request *req, cJSON *root);
/* Adds "stop" (or the given key) as an array of at most max strings (0 = no cap). */
void adapter_add_stops(cJSON *obj, const char *key, char *const *stop, size_t count, size_t max);

cJSON *adapter_parse(const char *data, size_t len);   /* NULL when not JSON */

/* Sends text to st->on_text when non-empty (choice 0). */
void adapter_emit(struct provider_stream *st, const char *text);
void adapter_set_finish(struct provider_stream *st, const char *reason);
/* The same for one choice of a request that asked for several (choice < st->choices,
 * checked by the caller). */
void adapter_emit_choice(struct provider_stream *st, int choice, const char *text);
void adapter_set_choice_finish(struct provider_stream *st, int choice, const char *reason);

/* Error classification from a parsed body (root may be NULL) and headers (lookup may
 * be NULL). Understands the error shapes of every API: OpenAI/Mistral/llama.cpp
 * {"error":{...}}, Anthropic {"type":"error","error":{...}}, Gemini google.rpc status
 * with details, Ollama {"error":"..."}, Mistral {"message"|"detail": ...}. status 0
 * means an in-band error inside a 200 stream. */
void adapter_classify(int status, const cJSON *root, header_lookup_fn lookup, void *headers,
                      struct provider_error *out);
/* classify_error for a raw body: parses it and calls adapter_classify. */
void adapter_classify_body(int status, header_lookup_fn lookup, void *headers,
                           const char *body, size_t len, struct provider_error *out);
/* An in-band error object inside a stream: fills st->error (server_error when the
 * error names nothing more specific). */
void adapter_stream_error(struct provider_stream *st, const cJSON *root);
/* The start of every stream-event parser whose events are JSON objects that may carry
 * an in-band {"error": ...}: returns the parsed object for the adapter to read (it
 * deletes it), or NULL with *rc = -1 when the bytes are not a JSON object, or *rc = 0
 * when the event was an in-band error (recorded in st->error). is_error forces the
 * error path (llama.cpp's legacy `error:` event). */
cJSON *adapter_event_object(struct provider_stream *st, const char *data, size_t len,
                            bool is_error, int *rc);

/* Copies msg into out->message with keys and key-like tokens masked, control
 * characters flattened and the length capped (the message is for people). */
void adapter_set_message(struct provider_error *out, const char *msg);

/* Retry hints, in milliseconds; -1 when the value cannot be read. now_ms is the wall
 * clock (Unix ms) used for absolute dates. */
long retry_parse_after(const char *value, int64_t now_ms);      /* seconds or HTTP-date */
long retry_parse_duration(const char *value);                  /* "6m0s", "12ms", "1.5s", "15s" */
long retry_parse_rfc3339(const char *value, int64_t now_ms);    /* delay until that time */

#endif
