/* OpenAI Chat Completions adapter ("openai"): also DeepSeek, OpenRouter, Groq, vLLM,
 * LM Studio, llama.cpp and Ollama /v1. Streams with stream_options.include_usage so
 * the last chunk carries usage. Reasoning models (o-series, GPT-5) take
 * max_completion_tokens and reasoning_effort, a developer message instead of system
 * (on OpenAI's own API), and reject temperature and (on some) stop, so none is sent. Takes
 * `n` (several choices in one request, the prompt billed once; Mistral's and
 * DeepSeek's chat APIs document it too). Also holds the OpenAI-style chunk parser the
 * completions and Mistral adapters share, which demultiplexes choices by index. */
#include "providers/adapter.h"
#include "providers/prompt.h"
#include <string.h>

#define OPENAI_MAX_STOPS 4   /* the API rejects more */

/* True when the URL's host is host or a subdomain of it. */
static bool url_host_is(const char *url, const char *host)
{
    const char *start = strstr(url, "://");
    start = start ? start + 3 : url;
    size_t len = strcspn(start, ":/?");
    size_t n = strlen(host);
    return len >= n && strncmp(start + len - n, host, n) == 0 &&
           (len == n || start[len - n - 1] == '.');
}

/* The developer role exists only on OpenAI's own API (elsewhere, e.g. DeepSeek or
 * Ollama, it may be rejected; system works everywhere). DeepSeek caps reasoning
 * output with max_tokens and does not know max_completion_tokens. */
static const char *system_role(const struct model_spec *spec)
{
    bool openai = url_host_is(spec->base_url, "api.openai.com") || url_host_is(spec->base_url, "openai.azure.com");
    return spec->reasoning && openai ? "developer" : "system";
}

static const char *reasoning_cap_field(const struct model_spec *spec)
{
    return url_host_is(spec->base_url, "api.deepseek.com") ? "max_tokens" : "max_completion_tokens";
}

static int openai_build(const struct model_spec *spec, const struct task *task,
                        struct provider_request *out, char *err, size_t errlen)
{
    struct prompt p;
    cJSON *root = adapter_openai_style_begin(spec, task, provider_openai.caps, "/chat/completions", out, &p, err, errlen);
    if (!root) return -1;
    cJSON *messages = cJSON_AddArrayToObject(root, "messages");
    cJSON *sys = cJSON_CreateObject();
    cJSON_AddStringToObject(sys, "role", system_role(spec));
    cJSON_AddStringToObject(sys, "content", p.system);
    cJSON_AddItemToArray(messages, sys);
    cJSON *user = cJSON_CreateObject();
    cJSON_AddStringToObject(user, "role", "user");
    cJSON_AddStringToObject(user, "content", p.user);
    cJSON_AddItemToArray(messages, user);
    if (spec->reasoning) {
        cJSON_AddNumberToObject(root, reasoning_cap_field(spec), p.max_tokens);
        const char *effort = adapter_reasoning_effort(spec, task);
        if (effort) cJSON_AddStringToObject(root, "reasoning_effort", effort);
    } else {
        cJSON_AddNumberToObject(root, "max_tokens", p.max_tokens);
        if (adapter_temperature(spec, task) >= 0)
            cJSON_AddNumberToObject(root, "temperature", adapter_temperature(spec, task));
        adapter_add_stops(root, "stop", p.stop, p.stop_count, OPENAI_MAX_STOPS);
    }
    return adapter_openai_style_finish(&provider_openai, task, out, root, &p);
}

void openai_style_usage(struct provider_stream *st, const cJSON *usage)
{
    struct provider_usage *u = &st->usage;
    u->input_tokens = json_get_long(usage, "prompt_tokens", u->input_tokens);
    u->output_tokens = json_get_long(usage, "completion_tokens", u->output_tokens);
    const cJSON *pd = json_member(usage, "prompt_tokens_details");
    const cJSON *cd = json_member(usage, "completion_tokens_details");
    u->cached_tokens = json_get_long(usage, "prompt_cache_hit_tokens", u->cached_tokens);   /* DeepSeek */
    u->cached_tokens = json_get_long(pd, "cached_tokens", u->cached_tokens);
    u->reasoning_tokens = json_get_long(cd, "reasoning_tokens", u->reasoning_tokens);
    u->reported = true;
}

static const char *normalise_finish(const char *reason)
{
    if (strcmp(reason, "function_call") == 0) return "tool_calls";
    if (strcmp(reason, "model_length") == 0) return "length";   /* Mistral */
    return reason;
}

/* One choice's part of a chunk (index < the choices asked for, checked by the
 * caller). Refusal text is not code, so it is not emitted; the finish reason says
 * "refusal" instead. */
static void openai_choice(struct provider_stream *st, int index, const cJSON *choice)
{
    struct openai_style_state *state = st->state;
    const cJSON *delta = json_member(choice, "delta");
    if (cJSON_IsObject(delta)) {
        adapter_emit_choice(st, index, json_get_string(delta, "content"));
        const char *refusal = json_get_string(delta, "refusal");
        if (refusal && refusal[0]) state->refused[index] = true;
    } else {
        adapter_emit_choice(st, index, json_get_string(choice, "text"));
    }
    const char *finish = json_get_string(choice, "finish_reason");
    if (finish) {
        bool refused = state->refused[index] && strcmp(finish, "stop") == 0;
        adapter_set_choice_finish(st, index, refused ? "refusal" : normalise_finish(finish));
    }
}

int openai_style_parse_event(struct provider_stream *st, const char *event, const char *data, size_t len)
{
    (void)event;
    if (len == 6 && memcmp(data, "[DONE]", 6) == 0) {
        st->done = true;
        return 0;
    }
    int rc;
    cJSON *root = adapter_event_object(st, data, len, false, &rc);
    if (!root) return rc;
    const cJSON *choices = json_member(root, "choices");
    bool finishing = false;
    const cJSON *choice;
    long asked = st->choices > 1 ? st->choices : 1;
    cJSON_ArrayForEach(choice, choices) {
        /* Each choice's text goes to its own candidate; an index never asked for is
         * ignored, so a server cannot grow the candidates past n. */
        long index = json_get_long(choice, "index", 0);
        if (index < 0 || index >= asked) continue;
        openai_choice(st, (int)index, choice);
        if (json_get_string(choice, "finish_reason")) finishing = true;
    }
    /* Usage counts only from the usage chunk (no choices) or a finishing chunk: Ollama
     * /v1/completions puts zeroed usage on every intermediate chunk. */
    const cJSON *usage = json_member(root, "usage");
    if (cJSON_IsObject(usage) && (cJSON_GetArraySize(choices) == 0 || finishing))
        openai_style_usage(st, usage);
    cJSON_Delete(root);
    return 0;
}

const struct provider_ops provider_openai = {
    .name = "openai",
    .caps = PROVIDER_CAP_CHAT | PROVIDER_CAP_N_CHOICES,
    .default_url = "https://api.openai.com/v1",
    .actions = true,
    .build_request = openai_build,
    .parse_event = openai_style_parse_event,
    .classify_error = adapter_classify_body,
    .state_size = sizeof(struct openai_style_state),
};
